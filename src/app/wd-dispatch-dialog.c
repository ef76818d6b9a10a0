/* wd-dispatch-dialog.c: choose who takes an order. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-dispatch-dialog.h"
#include "wd-matching.h"
#include "wd-ui-util.h"

/* Enough to reach the people booked at that time, whom the matcher lists
 * last: a dispatcher may still choose one, with a reason. */
#define N_CANDIDATES 40

struct _WdDispatchDialog
{
  AdwWindow     parent_instance;

  GtkLabel     *order_label;
  GtkLabel     *capacity_label;
  GtkSpinner   *spinner;
  GtkListBox   *candidate_list;
  GtkLabel     *clash_label;
  GtkWidget    *reason_list;
  AdwEntryRow  *reason_row;
  GtkLabel     *error_label;
  GtkWidget    *dispatch_button;

  WdWorkspace  *workspace;
  char         *order_id;
  GPtrArray    *candidates;
  GHashTable   *photos;       /* speaker id → GdkTexture */
  GPtrArray    *checks;
  GCancellable *cancellable;
};

enum {
  SIGNAL_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WdDispatchDialog, wd_dispatch_dialog, ADW_TYPE_WINDOW)

static void
wd_dispatch_dialog_dispose (GObject *object)
{
  WdDispatchDialog *self = WD_DISPATCH_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (wd_dispatch_dialog_parent_class)->dispose (object);
}

static void
wd_dispatch_dialog_finalize (GObject *object)
{
  WdDispatchDialog *self = WD_DISPATCH_DIALOG (object);

  g_clear_object (&self->workspace);
  g_clear_object (&self->cancellable);
  g_free (self->order_id);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->photos, g_hash_table_unref);
  g_ptr_array_unref (self->checks);
  G_OBJECT_CLASS (wd_dispatch_dialog_parent_class)->finalize (object);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  wd_dispatch_dialog_apply (WD_DISPATCH_DIALOG (widget));
}

static void
wd_dispatch_dialog_class_init (WdDispatchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_dispatch_dialog_dispose;
  object_class->finalize = wd_dispatch_dialog_finalize;

  /* Emitted when the candidates are on screen. */
  signals[SIGNAL_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-dispatch-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, order_label);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, candidate_list);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, clash_label);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, capacity_label);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, reason_list);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WdDispatchDialog, dispatch_button);
  gtk_widget_class_install_action (widget_class, "dispatch.apply", NULL, apply_action);
}

static void
wd_dispatch_dialog_init (WdDispatchDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->checks = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dispatch.apply", FALSE);
}

static int
selected_index (WdDispatchDialog *self)
{
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      return (int) i;
  return -1;
}

static WdCandidate *
selected_candidate (WdDispatchDialog *self)
{
  int index = selected_index (self);

  return index < 0 ? NULL : g_ptr_array_index (self->candidates, index);
}

/* Double booking is allowed only with a reason on record. */
static void
on_selection_changed (GtkCheckButton   *check,
                      WdDispatchDialog *self)
{
  WdCandidate *candidate = selected_candidate (self);
  gboolean clash = candidate != NULL && candidate->clash;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dispatch.apply", candidate != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->clash_label), clash);
  gtk_widget_set_visible (self->reason_list, clash);
  if (clash)
    {
      g_autofree char *text = g_strdup_printf (_("%s is already booked at this time. Dispatch anyway only "
                                                 "if you have agreed it with them, and say why."),
                                               candidate->name);

      gtk_label_set_text (self->clash_label, text);
    }
}

/* A speaker's face helps a dispatcher who knows the speakers by sight;
 * a team shows its initials. */
static GtkWidget *
candidate_avatar (WdDispatchDialog *self,
                  WdCandidate      *candidate)
{
  GtkWidget *avatar = adw_avatar_new (32, candidate->name, TRUE);

  if (candidate->kind == WD_ASSIGNEE_SPEAKER)
    adw_avatar_set_custom_image (ADW_AVATAR (avatar), g_hash_table_lookup (self->photos, candidate->id));
  return avatar;
}

static GtkWidget *
candidate_row (WdDispatchDialog *self,
               WdCandidate      *candidate,
               GtkCheckButton   *group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *score;
  g_autofree char *title = g_strdup_printf ("%s · %s", candidate->name,
                                            wd_assignee_kind_label (candidate->kind));
  g_autofree char *percent = g_strdup_printf ("%d%%", (int) (candidate->score * 100 + 0.5));
  g_autoptr(GString) reasons = g_string_new (NULL);

  for (guint i = 0; i < candidate->reasons->len; i++)
    g_string_append_printf (reasons, "%s%s", i ? "\n" : "", (char *) g_ptr_array_index (candidate->reasons, i));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reasons->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  g_signal_connect (check, "toggled", G_CALLBACK (on_selection_changed), self);
  /* Prefixes go in from the title outwards: the choice comes first. */
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), candidate_avatar (self, candidate));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  if (candidate->clash || candidate->unavailable)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (candidate->clash ? "dialog-warning-symbolic"
                                                                       : "appointment-missed-symbolic");

      gtk_widget_set_tooltip_text (icon, candidate->clash ? _("Booked at this time")
                                                          : _("Usually not free at this time"));
      gtk_widget_add_css_class (icon, candidate->clash ? "warning" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }
  score = gtk_label_new (percent);
  gtk_widget_set_tooltip_text (score, _("How well they fit, all things weighed"));
  gtk_widget_add_css_class (score, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), score);
  g_ptr_array_add (self->checks, check);
  return row;
}

typedef struct
{
  char   *order_id;
  gint64  now;
} MatchJob;

static void
match_job_free (MatchJob *job)
{
  g_free (job->order_id);
  g_free (job);
}

/* The candidates, and the photos of the speakers among them, read and
 * decoded on the worker: forty pictures would hold up the window. */
typedef struct
{
  GPtrArray  *candidates;
  GHashTable *photos;
} Matches;

static void
matches_free (Matches *matches)
{
  g_clear_pointer (&matches->candidates, g_ptr_array_unref);
  g_clear_pointer (&matches->photos, g_hash_table_unref);
  g_free (matches);
}

static gpointer
match_on_worker (WdStore   *store,
                 gpointer   data,
                 GError   **error)
{
  MatchJob *job = data;
  GPtrArray *candidates = wd_match_candidates (store, job->order_id, job->now, N_CANDIDATES, error);
  Matches *matches;

  if (candidates == NULL)
    return NULL;
  matches = g_new0 (Matches, 1);
  matches->candidates = candidates;
  matches->photos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint i = 0; i < candidates->len; i++)
    {
      WdCandidate *candidate = g_ptr_array_index (candidates, i);
      GdkTexture *photo = candidate->kind == WD_ASSIGNEE_SPEAKER
        ? wd_speaker_photo_texture (store, candidate->id) : NULL;

      if (photo != NULL)
        g_hash_table_insert (matches->photos, g_strdup (candidate->id), photo);
    }
  return matches;
}

static void
on_candidates (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Matches *matches = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);
  GPtrArray *candidates;
  WdDispatchDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WD_DISPATCH_DIALOG (user_data);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (matches == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  self->candidates = candidates = g_steal_pointer (&matches->candidates);
  self->photos = g_steal_pointer (&matches->photos);
  matches_free (matches);
  for (guint i = 0; i < candidates->len; i++)
    gtk_list_box_append (self->candidate_list,
                         candidate_row (self, g_ptr_array_index (candidates, i),
                                        i ? g_ptr_array_index (self->checks, 0) : NULL));
  if (candidates->len == 0)
    {
      gtk_label_set_text (self->error_label, _("Nobody active covers this topic. Add a speaker or team "
                                               "for it in the library first."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

/* A project's team says how many sessions a month it can give; an order
 * beyond them is dispatched knowingly, to the team after asking it or to
 * another. (The order itself is among those booked.) */
static void
show_capacity (WdDispatchDialog *self,
               JsonObject       *order)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  const char *project_id = json_object_get_string_member_with_default (order, "project_id", NULL);
  g_autoptr(JsonObject) project = project_id ? wd_store_get (store, "project", project_id, NULL) : NULL;
  WdBooking booking = WD_BOOKING_OPEN;
  g_autofree char *text = NULL;
  g_autofree char *warning = NULL;

  if (project == NULL)
    return;
  text = wd_project_month_booking (store, project, json_object_get_int_member (order, "starts_at"), NULL, &booking);
  if (text == NULL || booking != WD_BOOKING_OVER)
    return;
  /* TRANSLATORS: %s is how the month stands, e.g. "Over capacity: 5 booked, 4 a month" */
  warning = g_strdup_printf (_("This project's sessions that month: %s. Ask its team before dispatching to it, "
                               "or choose another."), text);
  gtk_label_set_text (self->capacity_label, warning);
  gtk_widget_set_visible (GTK_WIDGET (self->capacity_label), TRUE);
}

const char *
wd_dispatch_dialog_get_capacity_warning (WdDispatchDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->capacity_label)) ? gtk_label_get_text (self->capacity_label)
                                                                    : NULL;
}

WdDispatchDialog *
wd_dispatch_dialog_new (GtkWidget   *parent,
                        WdWorkspace *workspace,
                        const char  *order_id)
{
  WdDispatchDialog *self = g_object_new (WD_TYPE_DISPATCH_DIALOG, NULL);
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  g_autoptr(JsonObject) order = wd_store_get (wd_workspace_get_store (workspace), "order", order_id, NULL);
  MatchJob *job = g_new0 (MatchJob, 1);

  if (root != NULL && GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  self->workspace = g_object_ref (workspace);
  self->order_id = g_strdup (order_id);
  if (order != NULL)
    {
      g_autofree char *when = wd_format_span (wd_workspace_get_store (workspace),
                                              json_object_get_int_member (order, "starts_at"),
                                              json_object_get_int_member (order, "ends_at"));
      g_autofree char *text = g_strdup_printf ("%s\n%s · %s", json_object_get_string_member (order, "title"),
                                               when, json_object_get_string_member (order, "venue"));

      gtk_label_set_text (self->order_label, text);
      show_capacity (self, order);
    }

  job->order_id = g_strdup (order_id);
  job->now = wd_workspace_now (workspace);
  wd_workspace_read_async (workspace, match_on_worker, job, (GDestroyNotify) match_job_free,
                           (GDestroyNotify) matches_free, self->cancellable, on_candidates, self);
  return self;
}

guint
wd_dispatch_dialog_get_n_candidates (WdDispatchDialog *self)
{
  return self->candidates ? self->candidates->len : 0;
}

gboolean
wd_dispatch_dialog_get_loading (WdDispatchDialog *self)
{
  return self->candidates == NULL && gtk_widget_get_visible (GTK_WIDGET (self->spinner));
}

/* The position of assignee_id among the candidates (-1 if absent), and
 * whether it is booked at the order's time. */
int
wd_dispatch_dialog_find (WdDispatchDialog *self,
                         const char       *assignee_id,
                         gboolean         *clash)
{
  for (guint i = 0; self->candidates != NULL && i < self->candidates->len; i++)
    {
      WdCandidate *candidate = g_ptr_array_index (self->candidates, i);

      if (g_strcmp0 (candidate->id, assignee_id) == 0)
        {
          *clash = candidate->clash;
          return (int) i;
        }
    }
  return -1;
}

void
wd_dispatch_dialog_select (WdDispatchDialog *self,
                           guint             index)
{
  g_return_if_fail (index < self->checks->len);
  gtk_check_button_set_active (g_ptr_array_index (self->checks, index), TRUE);
}

void
wd_dispatch_dialog_set_force_reason (WdDispatchDialog *self,
                                     const char       *reason)
{
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason);
}

gboolean
wd_dispatch_dialog_apply (WdDispatchDialog *self)
{
  WdCandidate *candidate = selected_candidate (self);
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;

  if (candidate == NULL)
    return FALSE;

  json_object_set_string_member (args, "order_id", self->order_id);
  json_object_set_string_member (args, "assignee_kind", wd_assignee_kind_to_string (candidate->kind));
  json_object_set_string_member (args, "assignee_id", candidate->id);
  if (candidate->clash)
    {
      json_object_set_boolean_member (args, "force", TRUE);
      json_object_set_string_member (args, "force_reason", gtk_editable_get_text (GTK_EDITABLE (self->reason_row)));
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->reason_row), "error");
  if (!wd_workspace_apply (self->workspace, "order.dispatch", args, NULL, &error))
    {
      if (candidate->clash)
        gtk_widget_add_css_class (GTK_WIDGET (self->reason_row), "error");
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return FALSE;
    }

  done = g_strdup_printf (_("Dispatched to %s"), candidate->name);
  wd_toast (GTK_WIDGET (self), done);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}
