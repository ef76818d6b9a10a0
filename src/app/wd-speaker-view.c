/* wd-speaker-view.c: the speaker library. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-forms.h"
#include "wd-row.h"
#include "wd-speaker-view.h"
#include "wd-ui-util.h"
#include "wd-view.h"

struct _WdSpeakerView
{
  AdwBin          parent_instance;

  GtkSearchEntry *search_entry;
  GtkDropDown    *topic_filter;
  GtkDropDown    *subdistrict_filter;
  GtkWidget      *add_button;
  GtkLabel       *count_label;
  GtkStack       *content_stack;
  GtkGridView    *list_view;  /* one column: see wd-board-view.c */

  WdWorkspace    *workspace;
  WdRowModel     *model;
  GHashTable     *photos;     /* "id\x1fupdated_at" → GdkTexture, NULL when unreadable */
};

static void wd_speaker_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdSpeakerView, wd_speaker_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_speaker_view_view_init))

static void
wd_speaker_view_dispose (GObject *object)
{
  WdSpeakerView *self = WD_SPEAKER_VIEW (object);

  wd_view_unlink (self, &self->workspace, &self->model);
  g_clear_pointer (&self->photos, g_hash_table_unref);
  G_OBJECT_CLASS (wd_speaker_view_parent_class)->dispose (object);
}

static void
on_filter_changed (WdSpeakerView *self)
{
  if (self->model == NULL)
    return;
  wd_row_model_set_filter (self->model, "topic_id", wd_drop_down_get_id (self->topic_filter));
  wd_row_model_set_filter (self->model, "subdistrict_id", wd_drop_down_get_id (self->subdistrict_filter));
}

static void
on_activate (WdSpeakerView *self,
             guint          position)
{
  wd_list_show_row (GTK_WIDGET (self), G_LIST_MODEL (self->model), position, "win.show-speaker");
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  WdSpeakerView *self = WD_SPEAKER_VIEW (widget);

  gtk_window_present (GTK_WINDOW (wd_forms_edit_speaker (widget, self->workspace, NULL)));
}

static void
wd_speaker_view_class_init (WdSpeakerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_speaker_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-speaker-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, topic_filter);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, subdistrict_filter);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, add_button);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, count_label);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, WdSpeakerView, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_install_action (widget_class, "speakers.add", NULL, add_action);
}

static void
wd_speaker_view_init (WdSpeakerView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* An avatar and four lines of text: rows are made by the hundred as
 * the list scrolls and searches, and each widget costs. */
static GtkWidget *
make_row (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *avatar = adw_avatar_new (40, NULL, TRUE);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *stats = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *rating = wd_inscription_new ("numeric");
  GtkWidget *lectures = wd_inscription_new ("dim-label");

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (stats, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), wd_inscription_new ("title-line"));
  gtk_box_append (GTK_BOX (text), wd_inscription_new ("dim-label"));
  for (GtkWidget *line = rating; line != NULL; line = line == rating ? lectures : NULL)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (line), 1);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (line), 12);
      gtk_box_append (GTK_BOX (stats), line);
    }
  gtk_box_append (GTK_BOX (box), avatar);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), stats);
  return box;
}

static void
unref_photo (gpointer photo)
{
  if (photo != NULL)
    g_object_unref (photo);
}

/* A speaker's photo for the row's avatar, read once per version of the
 * speaker (its updated_at changes with the photo). */
static GdkPaintable *
photo_of (WdSpeakerView *self,
          WdRow         *row)
{
  g_autofree char *key = NULL;
  gpointer photo;

  if (!wd_row_get_bool (row, "has_photo"))
    return NULL;
  key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, wd_row_get_string (row, "id"), wd_row_get_int (row, "updated_at"));
  if (!g_hash_table_lookup_extended (self->photos, key, NULL, &photo))
    {
      /* Old versions are dropped now and then rather than tracked. */
      if (g_hash_table_size (self->photos) > 1000)
        g_hash_table_remove_all (self->photos);
      photo = wd_speaker_photo_texture (wd_workspace_get_store (self->workspace), wd_row_get_string (row, "id"));
      g_hash_table_insert (self->photos, g_steal_pointer (&key), photo);
    }
  return photo;
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          WdSpeakerView            *self)
{
  WdRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *avatar = gtk_widget_get_first_child (box);
  GtkWidget *text = gtk_widget_get_next_sibling (avatar);
  GtkWidget *stats = gtk_widget_get_next_sibling (text);
  GtkWidget *name_line = gtk_widget_get_first_child (text);
  GtkWidget *rating_line = gtk_widget_get_first_child (stats);
  const char *title = wd_row_get_string (row, "title");
  const char *subdistrict = wd_row_get_string (row, "subdistrict_name");
  gint64 n_ratings = wd_row_get_int (row, "ratings");
  gint64 n_lectures = wd_row_get_int (row, "lectures");
  g_autofree char *name = *title ? g_strdup_printf ("%s · %s", wd_row_get_string (row, "name"), title)
                                 : g_strdup (wd_row_get_string (row, "name"));
  g_autofree char *detail = g_strdup_printf ("%s · %s", wd_row_get_string (row, "topic_names"),
                                             *subdistrict ? subdistrict : _("District-wide"));
  g_autofree char *rating = n_ratings > 0
    ? g_strdup_printf ("★ %.1f (%d)", wd_row_get_double (row, "rating"), (int) n_ratings)
    : g_strdup (_("Not yet rated"));
  g_autofree char *lectures = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d lecture", "%d lectures",
                                                            (gulong) n_lectures),
                                               (int) n_lectures);

  adw_avatar_set_text (ADW_AVATAR (avatar), wd_row_get_string (row, "name"));
  adw_avatar_set_custom_image (ADW_AVATAR (avatar), photo_of (self, row));
  gtk_inscription_set_text (GTK_INSCRIPTION (name_line), name);
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_widget_get_next_sibling (name_line)), detail);
  gtk_inscription_set_text (GTK_INSCRIPTION (rating_line), rating);
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_widget_get_next_sibling (rating_line)), lectures);
  gtk_widget_set_opacity (box, wd_row_get_bool (row, "active") ? 1.0 : 0.55);
}

static void
on_n_items (WdRowModel    *model,
            GParamSpec    *pspec,
            WdSpeakerView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u speaker", "%u speakers", n), n);

  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->content_stack, n == 0 ? "empty" : "results");
}

static void
fill_filters (WdSpeakerView *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(JsonArray) topics = wd_store_list_all (store, "topic", NULL);
  g_autoptr(JsonArray) subdistricts = wd_store_list_all (store, "subdistrict", NULL);

  wd_drop_down_fill (self->topic_filter, topics, "id", "name", _("All topics"));
  wd_drop_down_fill (self->subdistrict_filter, subdistricts, "id", "name", _("All sub-districts"));
  gtk_widget_set_visible (self->add_button, wd_actor_is_centre (wd_workspace_get_actor (self->workspace)));
}

static void
wd_speaker_view_bind (WdView      *view,
                      WdWorkspace *workspace)
{
  WdSpeakerView *self = WD_SPEAKER_VIEW (view);
  g_autoptr(GtkListItemFactory) factory = wd_recycling_factory_new (make_row, G_CALLBACK (bind_row), self);

  self->workspace = g_object_ref (workspace);
  self->photos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_photo);
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) fill_filters);

  self->model = wd_row_model_new (workspace, "speaker");
  g_signal_connect (self->model, "notify::n-items", G_CALLBACK (on_n_items), self);
  gtk_grid_view_set_factory (self->list_view, factory);
  g_object_bind_property (self->search_entry, "text", self->model, "text", G_BINDING_DEFAULT);
  wd_list_attach_on_map (GTK_WIDGET (self->list_view), G_LIST_MODEL (self->model));
}

static void
wd_speaker_view_focus_search (WdView *view)
{
  gtk_widget_grab_focus (GTK_WIDGET (WD_SPEAKER_VIEW (view)->search_entry));
}

static GPtrArray *
wd_speaker_view_list_models (WdView *view)
{
  return wd_view_models_new (&WD_SPEAKER_VIEW (view)->model, 1);
}

static void
wd_speaker_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_speaker_view_bind;
  iface->focus_search = wd_speaker_view_focus_search;
  iface->list_models = wd_speaker_view_list_models;
}

WdRowModel *
wd_speaker_view_get_model (WdSpeakerView *self)
{
  return self->model;
}
