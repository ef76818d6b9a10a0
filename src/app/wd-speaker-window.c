/* wd-speaker-window.c: a speaker's profile. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-certificate-group.h"
#include "wd-forms.h"
#include "wd-json.h"
#include "wd-order-actions.h"
#include "wd-rewards.h"
#include "wd-speaker-window.h"
#include "wd-ui-util.h"

struct _WdSpeakerWindow
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkWidget      *main_button;
  GtkBox         *content_box;

  WdWorkspace    *workspace;
  char           *speaker_id;
  JsonObject     *speaker;
};

G_DEFINE_FINAL_TYPE (WdSpeakerWindow, wd_speaker_window, ADW_TYPE_WINDOW)

static void
wd_speaker_window_dispose (GObject *object)
{
  WdSpeakerWindow *self = WD_SPEAKER_WINDOW (object);

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_speaker_window_parent_class)->dispose (object);
}

static void
wd_speaker_window_finalize (GObject *object)
{
  WdSpeakerWindow *self = WD_SPEAKER_WINDOW (object);

  g_free (self->speaker_id);
  g_clear_pointer (&self->speaker, json_object_unref);
  G_OBJECT_CLASS (wd_speaker_window_parent_class)->finalize (object);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WdSpeakerWindow *self = WD_SPEAKER_WINDOW (widget);

  if (self->speaker != NULL)
    gtk_window_present (GTK_WINDOW (wd_forms_edit_speaker (widget, self->workspace, self->speaker)));
}

/* A photo file made small for every office to pull: 256 pixels on its
 * longer side, turned as the camera held it, as JPEG (PNG when it has
 * transparency), in base64. Runs on a worker: decoding a camera's
 * picture takes a moment. */
static void
encode_photo_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  GFile *file = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, &error);
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbuf) turned = NULL;
  g_autofree char *buffer = NULL;
  gsize length = 0;
  gboolean ok;

  if (stream != NULL)
    loaded = gdk_pixbuf_new_from_stream_at_scale (G_INPUT_STREAM (stream), 256, 256, TRUE, cancellable, &error);
  if (loaded == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  turned = gdk_pixbuf_apply_embedded_orientation (loaded);
  ok = gdk_pixbuf_get_has_alpha (turned)
    ? gdk_pixbuf_save_to_buffer (turned, &buffer, &length, "png", &error, NULL)
    : gdk_pixbuf_save_to_buffer (turned, &buffer, &length, "jpeg", &error, "quality", "85", NULL);
  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_base64_encode ((const guchar *) buffer, length), g_free);
}

static void
apply_photo (WdSpeakerWindow *self,
             const char      *photo)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (args, "speaker_id", self->speaker_id);
  json_object_set_string_member (args, "photo", photo);
  if (!wd_workspace_apply (self->workspace, "speaker.photo", args, NULL, &error))
    wd_show_error (GTK_WIDGET (self), _("The photo could not be saved"), error);
}

static void
on_photo_encoded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(WdSpeakerWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *photo = g_task_propagate_pointer (G_TASK (result), &error);

  if (photo == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("That file is not a picture Wudan can read: %s"), error->message);

      wd_toast (GTK_WIDGET (self), message);
      return;
    }
  apply_photo (self, photo);
}

/* Makes the picture in file the speaker's photo (in the background). */
void
wd_speaker_window_set_photo_file (WdSpeakerWindow *self,
                                  GFile           *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WD_IS_SPEAKER_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, NULL, on_photo_encoded, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, encode_photo_in_thread);
}

static void
on_photo_chosen (GtkNativeDialog *chooser,
                 int              response,
                 WdSpeakerWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        wd_speaker_window_set_photo_file (self, file);
    }
  g_object_unref (chooser);
}

static void
set_photo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose a Photo"), GTK_WINDOW (widget),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                                               _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_photo_chosen), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  apply_photo (WD_SPEAKER_WINDOW (widget), "");
}

static void
wd_speaker_window_class_init (WdSpeakerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_speaker_window_dispose;
  object_class->finalize = wd_speaker_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-speaker-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerWindow, main_button);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerWindow, content_box);
  gtk_widget_class_install_action (widget_class, "speaker.main", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "speaker.set-photo", NULL, set_photo_action);
  gtk_widget_class_install_action (widget_class, "speaker.remove-photo", NULL, remove_photo_action);
}

static void
wd_speaker_window_init (WdSpeakerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_button_set_label (GTK_BUTTON (self->main_button), _("_Edit"));
  gtk_widget_remove_css_class (self->main_button, "suggested-action");
}

/* The avatar (the photo, or initials), and under it, for the centre,
 * the buttons that change the photo. */
static GtkWidget *
photo_column (WdSpeakerWindow *self,
              JsonObject      *speaker,
              const WdActor   *actor)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *avatar = adw_avatar_new (96, wd_json_text (speaker, "name"), TRUE);
  gboolean has_photo = json_object_get_boolean_member_with_default (speaker, "has_photo", FALSE);
  g_autoptr(GdkTexture) photo = has_photo
    ? wd_speaker_photo_texture (wd_workspace_get_store (self->workspace), self->speaker_id) : NULL;

  gtk_widget_set_name (avatar, "photo");
  adw_avatar_set_custom_image (ADW_AVATAR (avatar), GDK_PAINTABLE (photo));
  gtk_box_append (GTK_BOX (column), avatar);
  if (wd_actor_is_centre (actor))
    {
      GtkWidget *change = gtk_button_new_with_mnemonic (has_photo ? _("Change _Photo…") : _("Add _Photo…"));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (change), "speaker.set-photo");
      gtk_widget_add_css_class (change, "flat");
      gtk_box_append (GTK_BOX (column), change);
      if (has_photo)
        {
          GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Photo"));

          gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "speaker.remove-photo");
          gtk_widget_add_css_class (remove, "flat");
          gtk_box_append (GTK_BOX (column), remove);
        }
    }
  return column;
}

/* The star level of the district's incentive measures, by cumulative
 * service hours, and how far the next one is. */
static char *
describe_star_level (WdStore *store,
                     double   hours)
{
  WdRewardRules rules;
  int level;

  if (!wd_reward_rules_load (store, &rules, NULL))
    return NULL;
  level = wd_reward_star_level (&rules, hours);
  if (level == WD_N_STAR_LEVELS)
    return g_strdup_printf (_("%d stars, the highest (%.0f hours and more)"), level,
                            rules.star_hours[WD_N_STAR_LEVELS - 1]);
  if (level == 0)
    return g_strdup_printf (_("None yet; the first star at %.0f service hours"), rules.star_hours[0]);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d star; the next at %.0f service hours",
                                       "%d stars; the next at %.0f service hours", level),
                          level, rules.star_hours[level]);
}

static void
refresh (WdSpeakerWindow *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  const WdActor *actor = wd_workspace_get_actor (self->workspace);
  g_autoptr(GError) error = NULL;
  JsonObject *speaker = wd_store_get (store, "speaker", self->speaker_id, &error);
  GtkWidget *child, *header, *avatar, *names, *name, *title, *group, *bio;
  g_autofree char *title_text = NULL;
  g_autofree char *record = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *free_time = NULL;
  g_autofree char *star_level = NULL;
  gint64 ratings;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box))) != NULL)
    gtk_box_remove (self->content_box, child);
  if (speaker == NULL)
    {
      gtk_box_append (self->content_box, gtk_label_new (error->message));
      return;
    }
  g_clear_pointer (&self->speaker, json_object_unref);
  self->speaker = speaker;

  adw_window_title_set_title (self->window_title, wd_json_text (speaker, "name"));
  gtk_window_set_title (GTK_WINDOW (self), wd_json_text (speaker, "name"));
  gtk_widget_set_visible (self->main_button, wd_actor_is_centre (actor));

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  avatar = photo_column (self, speaker, actor);
  names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  name = gtk_label_new (wd_json_text (speaker, "name"));
  title_text = g_strdup_printf ("%s %s", wd_json_text (speaker, "title"), wd_json_text (speaker, "organisation"));
  title = gtk_label_new (title_text);
  gtk_widget_add_css_class (name, "title-1");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_box_append (GTK_BOX (names), name);
  gtk_box_append (GTK_BOX (names), title);
  gtk_box_append (GTK_BOX (header), avatar);
  gtk_box_append (GTK_BOX (header), names);
  gtk_box_append (self->content_box, header);

  ratings = json_object_get_int_member_with_default (speaker, "ratings", 0);
  record = ratings > 0
    ? g_strdup_printf (_("★ %.1f from %d ratings · %d lectures · %.1f service hours"),
                       json_object_get_double_member_with_default (speaker, "rating", 0), (int) ratings,
                       (int) json_object_get_int_member_with_default (speaker, "lectures", 0),
                       json_object_get_double_member_with_default (speaker, "hours", 0))
    : g_strdup_printf (_("Not yet rated · %d lectures"),
                       (int) json_object_get_int_member_with_default (speaker, "lectures", 0));
  phone = wd_actor_show_phone (actor, wd_json_text (speaker, "phone"));

  free_time = wd_free_time_describe (wd_json_int (speaker, "free_days"), wd_json_int (speaker, "free_times"));

  group = wd_box_add_group (self->content_box, _("Profile"));
  wd_group_add_text (group, _("Topics"), wd_json_text (speaker, "topic_names"));
  wd_group_add_text (group, _("Sub-district"), *wd_json_text (speaker, "subdistrict_name") ? wd_json_text (speaker, "subdistrict_name")
                                                                          : _("District-wide"));
  wd_group_add_text (group, _("Phone"), phone);
  wd_group_add_text (group, _("Usually free"), free_time ? free_time : _("Not said"));
  wd_group_add_text (group, _("Record"), record);
  star_level = describe_star_level (store, json_object_get_double_member_with_default (speaker, "hours", 0));
  wd_group_add_text (group, _("Star level"), star_level);
  if (!json_object_get_boolean_member_with_default (speaker, "active", TRUE))
    wd_group_add_text (group, _("Status"), _("Not taking lectures at present"));

  group = wd_box_add_group (self->content_box, _("Biography"));
  bio = gtk_label_new (*wd_json_text (speaker, "bio") ? wd_json_text (speaker, "bio") : _("No biography yet."));
  gtk_label_set_wrap (GTK_LABEL (bio), TRUE);
  gtk_label_set_xalign (GTK_LABEL (bio), 0);
  gtk_label_set_selectable (GTK_LABEL (bio), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), bio);

  gtk_box_append (self->content_box, wd_assignments_group_new (self->workspace, self->speaker_id, TRUE,
                                                               _("Upcoming Lectures")));
  gtk_box_append (self->content_box, wd_assignments_group_new (self->workspace, self->speaker_id, FALSE,
                                                               _("Past Lectures")));
  gtk_box_append (self->content_box, wd_certificate_group_new (self->workspace, WD_ASSIGNEE_SPEAKER,
                                                               self->speaker_id, wd_json_text (speaker, "name")));
  wd_box_add_changes (self->content_box, self->workspace, "speaker", self->speaker_id);
}

static void
on_workspace_changed (WdWorkspace     *workspace,
                      WdSpeakerWindow *self)
{
  refresh (self);
}

WdSpeakerWindow *
wd_speaker_window_new (GtkWindow   *parent,
                       WdWorkspace *workspace,
                       const char  *speaker_id)
{
  WdSpeakerWindow *self = g_object_new (WD_TYPE_SPEAKER_WINDOW, "transient-for", parent, NULL);

  wd_page_add_actions (GTK_WINDOW (self));
  self->workspace = g_object_ref (workspace);
  self->speaker_id = g_strdup (speaker_id);
  g_signal_connect (workspace, "changed", G_CALLBACK (on_workspace_changed), self);
  refresh (self);
  return self;
}
