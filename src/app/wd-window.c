/* wd-window.c: the main window. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-board-view.h"
#include "wd-callback-view.h"
#include "wd-csv.h"
#include "wd-export.h"
#include "wd-forms.h"
#include "wd-import-dialog.h"
#include "wd-market-view.h"
#include "wd-order-window.h"
#include "wd-printing.h"
#include "wd-project-window.h"
#include "wd-report-view.h"
#include "wd-reward-view.h"
#include "wd-schedule-view.h"
#include "wd-speaker-view.h"
#include "wd-speaker-window.h"
#include "wd-team-window.h"
#include "wd-sync-indicator.h"
#include "wd-ui-util.h"
#include "wd-operations.h"
#include "wd-view.h"
#include "wd-window.h"

struct _WdWindow
{
  AdwApplicationWindow  parent_instance;

  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkButton            *notice_button;
  guint                 notice_timeout;
  AdwViewStack         *stack;
  WdSyncIndicator      *sync_indicator;

  WdWorkspace          *workspace;
  GSettings            *settings;
  GCancellable         *badge_reading;
};

#define NOTICE_SECONDS 5

G_DEFINE_FINAL_TYPE (WdWindow, wd_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const view_names[] = {
  "market", "speakers", "board", "callbacks", "rewards", "schedule", "reports",
};

static void
wd_window_dispose (GObject *object)
{
  WdWindow *self = WD_WINDOW (object);

  g_clear_handle_id (&self->notice_timeout, g_source_remove);
  g_cancellable_cancel (self->badge_reading);
  g_clear_object (&self->badge_reading);
  gtk_widget_dispose_template (GTK_WIDGET (self), WD_TYPE_WINDOW);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (wd_window_parent_class)->dispose (object);
}

/* Size and view are saved when the window closes, as GNOME apps do. */
static gboolean
wd_window_close_request (GtkWindow *window)
{
  WdWindow *self = WD_WINDOW (window);
  int width, height;

  if (self->settings == NULL)
    return GTK_WINDOW_CLASS (wd_window_parent_class)->close_request (window);
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_string (self->settings, "last-view", wd_window_get_view (self));
  return GTK_WINDOW_CLASS (wd_window_parent_class)->close_request (window);
}

static void
new_order_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WdWindow *self = WD_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (wd_forms_new_order (widget, self->workspace, NULL)));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WdWindow *self = WD_WINDOW (widget);
  GtkWidget *view = adw_view_stack_get_visible_child (self->stack);

  if (WD_IS_VIEW (view))
    wd_view_focus_search (WD_VIEW (view));
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  wd_window_set_view (WD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WdWindow *self = WD_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (g_str_equal (action_name, "win.show-order"))
    wd_window_show_order (self, id);
  else if (g_str_equal (action_name, "win.show-speaker"))
    wd_window_show_speaker (self, id);
  else if (g_str_equal (action_name, "win.show-team"))
    wd_window_show_team (self, id);
  else
    wd_window_show_project (self, id);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WdWindow *self = WD_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (wd_import_dialog_new (GTK_WINDOW (self), self->workspace)));
}

/* The rows a list view shows, in its order, for Excel. */
typedef struct
{
  char      *kind;
  GArray    *keys;     /* of the rows of a list model, or */
  JsonArray *rows;     /* the rows a view holds */
  WdActor   *reader;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->kind);
  g_clear_pointer (&job->keys, g_array_unref);
  g_clear_pointer (&job->rows, json_array_unref);
  wd_actor_free (job->reader);
  g_free (job);
}

static gpointer
write_csv (WdStore  *store,
           gpointer  data,
           GError  **error)
{
  ExportJob *job = data;
  g_autoptr(GString) out = g_string_new (NULL);

  if (job->rows != NULL)
    wd_export_csv_array (out, store, job->kind, job->rows, job->reader);
  else if (!wd_export_csv (out, store, job->kind, job->keys, job->reader, error))
    return NULL;
  return wd_csv_encode (out->str, "UTF-8", error);
}

typedef struct
{
  WdWindow *window;
  char     *file_name;   /* named after the view the list was taken from */
} ExportDone;

static void
on_csv_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportDone *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csv = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);

  if (csv == NULL)
    wd_show_error (GTK_WIDGET (done->window), _("Could not export the list"), error);
  else
    wd_printing_save_file (GTK_WIDGET (done->window), csv, done->file_name, _("CSV files"), "*.csv");
  g_object_unref (done->window);
  g_free (done->file_name);
  g_free (done);
}

static ExportJob *
export_job_new (WdWindow *self)
{
  GtkWidget *view = adw_view_stack_get_visible_child (self->stack);
  g_autoptr(GPtrArray) models = WD_IS_VIEW (view) ? wd_view_list_models (WD_VIEW (view)) : NULL;
  const char *kind = NULL;
  g_autoptr(JsonArray) rows = WD_IS_VIEW (view) && models == NULL ? wd_view_list_rows (WD_VIEW (view), &kind) : NULL;
  ExportJob *job;

  if ((models == NULL || models->len == 0) && rows == NULL)
    return NULL;
  job = g_new0 (ExportJob, 1);
  job->reader = wd_actor_copy (wd_workspace_get_actor (self->workspace));
  if (rows != NULL)
    {
      job->kind = g_strdup (kind);
      job->rows = g_steal_pointer (&rows);
      return job;
    }
  job->kind = g_strdup (wd_row_model_get_kind (g_ptr_array_index (models, 0)));
  job->keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < models->len; i++)
    {
      g_autoptr(GArray) keys = wd_row_model_dup_keys (g_ptr_array_index (models, i));

      g_array_append_vals (job->keys, keys->data, keys->len);
    }
  return job;
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WdWindow *self = WD_WINDOW (widget);
  ExportJob *job = export_job_new (self);
  AdwViewStackPage *page = adw_view_stack_get_page (self->stack, adw_view_stack_get_visible_child (self->stack));
  ExportDone *done;

  if (job == NULL)
    {
      wd_toast (widget, _("The list is empty: there is nothing to export yet"));
      return;
    }
  done = g_new0 (ExportDone, 1);
  done->window = g_object_ref (self);
  done->file_name = g_strdup_printf ("%s.csv", adw_view_stack_page_get_title (page));
  wd_workspace_read_async (self->workspace, write_csv, job, (GDestroyNotify) export_job_free,
                           (GDestroyNotify) g_bytes_unref, NULL, on_csv_written, done);
}

/* Export List has something to export only where a view lists rows
 * (the reports view has none);
 * importing changes the catalogues, which only the centre may. */
static void
update_actions (WdWindow *self)
{
  GtkWidget *view = adw_view_stack_get_visible_child (self->stack);
  const WdActor *actor = self->workspace ? wd_workspace_get_actor (self->workspace) : NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-csv",
                                 view != NULL && WD_IS_VIEW (view) && wd_view_has_list (WD_VIEW (view)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import",
                                 actor != NULL && wd_operation_allows_role ("speaker.upsert", actor->role));
}

/* What the tabs' badges say: the orders waiting on the board for the
 * user's next step, and the calls to make for those who phone back. */
typedef struct
{
  gint64 board;
  guint  callbacks;
} WaitingCounts;

static gpointer
count_waiting (WdStore   *store,
               gpointer   data,
               GError   **error)
{
  const WdActor *actor = data;
  g_autofree WaitingCounts *counts = g_new0 (WaitingCounts, 1);

  counts->board = wd_store_count_waiting (store, actor, error);
  if (counts->board < 0)
    return NULL;
  if (wd_operation_allows_role ("order.callback", actor->role))
    {
      g_autoptr(JsonArray) none = wd_store_callback_queue (store, wd_store_get_callback_rate (store), 0,
                                                           &counts->callbacks, error);

      if (none == NULL)
        return NULL;
    }
  return g_steal_pointer (&counts);
}

static void
set_badge (WdWindow   *self,
           const char *view,
           guint       number)
{
  adw_view_stack_page_set_badge_number (adw_view_stack_get_page (self->stack, wd_window_get_view_widget (self, view)),
                                        number);
}

static void
on_waiting_counted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree WaitingCounts *counts = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);
  WdWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WD_WINDOW (user_data);
  if (counts == NULL)
    {
      g_warning ("Cannot count the work waiting for the tabs' badges: %s", error->message);
      return;
    }
  set_badge (self, "board", (guint) MIN (counts->board, G_MAXUINT));
  set_badge (self, "callbacks", counts->callbacks);
}

/* The tabs carry the size of the user's queues: on the board the orders
 * waiting for their next step (to dispatch, to rate, to answer), on
 * callbacks the calls to make. Counted on the worker after every change;
 * a count overtaken by the next change is dropped. */
static void
count_badges (WdWindow *self)
{
  g_cancellable_cancel (self->badge_reading);
  g_clear_object (&self->badge_reading);
  self->badge_reading = g_cancellable_new ();
  wd_workspace_read_async (self->workspace, count_waiting, wd_actor_copy (wd_workspace_get_actor (self->workspace)),
                           (GDestroyNotify) wd_actor_free, g_free, self->badge_reading, on_waiting_counted, self);
}

static gboolean
hide_notice (gpointer data)
{
  WdWindow *self = data;

  self->notice_timeout = 0;
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* A short word on what just happened, like a toast: the newest replaces
 * the last. (AdwToastOverlay in libadwaita 1.2 reads freed memory when
 * a toast's animation ends: caught by MALLOC_PERTURB_ in the UI tests.) */
static void
show_notice (WdWindow   *self,
             const char *text,
             const char *button_label,
             const char *view)
{
  gtk_label_set_text (self->notice_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_button), button_label != NULL);
  if (button_label != NULL)
    {
      gtk_button_set_label (self->notice_button, button_label);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->notice_button), "s", view);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->notice_button), "win.view");
    }
  gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
  g_clear_handle_id (&self->notice_timeout, g_source_remove);
  self->notice_timeout = g_timeout_add_seconds (NOTICE_SECONDS, hide_notice, self);
}

static void
notify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  show_notice (WD_WINDOW (widget), g_variant_get_string (parameter, NULL), NULL, NULL);
}

/* A list that could not be read would look empty: a word on why. */
static void
on_read_failed (WdWorkspace *workspace,
                const char  *message,
                WdWindow    *self)
{
  g_autofree char *text = g_strdup_printf (_("Some of the data could not be read: %s"), message);

  show_notice (self, text, NULL, NULL);
}

/* Orders came to wait for the user while another view is shown: a word
 * and a way to the board. (Away from the window, the application sends
 * a desktop notification instead.) */
static void
on_orders_waiting (WdWorkspace *workspace,
                   guint        n,
                   JsonArray   *rows,
                   WdWindow    *self)
{
  g_autofree char *title = NULL;

  if (g_strcmp0 (wd_window_get_view (self), "board") == 0)
    return;
  title = wd_waiting_orders_title (wd_workspace_get_actor (workspace)->role, n);
  /* TRANSLATORS: the button of a notice that orders wait: shows the board */
  show_notice (self, title, _("_Show"), "board");
}

static void
dismiss_notice (WdWindow *self)
{
  g_clear_handle_id (&self->notice_timeout, g_source_remove);
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

static void
dismiss_notice_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  dismiss_notice (WD_WINDOW (widget));
}

static void
wd_window_class_init (WdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wd_window_dispose;
  window_class->close_request = wd_window_close_request;

  g_type_ensure (WD_TYPE_SYNC_INDICATOR);
  g_type_ensure (WD_TYPE_MARKET_VIEW);
  g_type_ensure (WD_TYPE_SPEAKER_VIEW);
  g_type_ensure (WD_TYPE_BOARD_VIEW);
  g_type_ensure (WD_TYPE_CALLBACK_VIEW);
  g_type_ensure (WD_TYPE_REWARD_VIEW);
  g_type_ensure (WD_TYPE_SCHEDULE_VIEW);
  g_type_ensure (WD_TYPE_REPORT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WdWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, WdWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, WdWindow, notice_button);
  gtk_widget_class_bind_template_child (widget_class, WdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WdWindow, sync_indicator);

  gtk_widget_class_install_action (widget_class, "win.new-order", NULL, new_order_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.notify", "s", notify_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-notice", NULL, dismiss_notice_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "win.show-order", "s", show_action);
  gtk_widget_class_install_action (widget_class, "win.show-speaker", "s", show_action);
  gtk_widget_class_install_action (widget_class, "win.show-team", "s", show_action);
  gtk_widget_class_install_action (widget_class, "win.show-project", "s", show_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-order", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.view", "s",
                                         view_names[i]);
}

static void
wd_window_init (WdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Having led to where it pointed, the notice has said its piece. */
  g_signal_connect_swapped (self->notice_button, "clicked", G_CALLBACK (dismiss_notice), self);
  self->settings = wd_settings_new ();
#if DEVELOPMENT_PROFILE
  /* libadwaita stripes the header bar of a development build. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

static void
restore_state (WdWindow *self)
{
  int width, height;
  g_autofree char *view = NULL;

  if (self->settings == NULL)
    {
      wd_window_set_view (self, "board");
      return;
    }
  view = g_settings_get_string (self->settings, "last-view");
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  wd_window_set_view (self, view);
}

WdWindow *
wd_window_new (AdwApplication *application,
               WdWorkspace    *workspace)
{
  WdWindow *self = g_object_new (WD_TYPE_WINDOW, "application", application, NULL);

  self->workspace = g_object_ref (workspace);
  wd_sync_indicator_bind (self->sync_indicator, workspace);
  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    wd_view_bind (WD_VIEW (wd_window_get_view_widget (self, view_names[i])), workspace);
  restore_state (self);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (update_actions), self);
  g_signal_connect_object (workspace, "changed", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (workspace, "orders-waiting", G_CALLBACK (on_orders_waiting), self, 0);
  g_signal_connect_object (workspace, "read-failed", G_CALLBACK (on_read_failed), self, 0);
  g_signal_connect_object (workspace, "changed", G_CALLBACK (count_badges), self, G_CONNECT_SWAPPED);
  count_badges (self);
  update_actions (self);
  return self;
}


void
wd_window_set_view (WdWindow   *self,
                    const char *name)
{
  g_return_if_fail (WD_IS_WINDOW (self));
  if (name != NULL && adw_view_stack_get_child_by_name (self->stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}

const char *
wd_window_get_view (WdWindow *self)
{
  g_return_val_if_fail (WD_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

GtkWidget *
wd_window_get_view_widget (WdWindow   *self,
                           const char *name)
{
  g_return_val_if_fail (WD_IS_WINDOW (self), NULL);
  return adw_view_stack_get_child_by_name (self->stack, name);
}

GtkWindow *
wd_window_show_order (WdWindow   *self,
                      const char *order_id)
{
  GtkWindow *window = GTK_WINDOW (wd_order_window_new (GTK_WINDOW (self), self->workspace, order_id));

  gtk_window_present (window);
  return window;
}

GtkWindow *
wd_window_show_speaker (WdWindow   *self,
                        const char *speaker_id)
{
  GtkWindow *window = GTK_WINDOW (wd_speaker_window_new (GTK_WINDOW (self), self->workspace, speaker_id));

  gtk_window_present (window);
  return window;
}

GtkWindow *
wd_window_show_team (WdWindow   *self,
                     const char *team_id)
{
  GtkWindow *window = GTK_WINDOW (wd_team_window_new (GTK_WINDOW (self), self->workspace, team_id));

  gtk_window_present (window);
  return window;
}

GtkWindow *
wd_window_show_project (WdWindow   *self,
                        const char *project_id)
{
  GtkWindow *window = GTK_WINDOW (wd_project_window_new (GTK_WINDOW (self), self->workspace, project_id));

  gtk_window_present (window);
  return window;
}

GtkWidget *
wd_window_get_sync_indicator (WdWindow *self)
{
  g_return_val_if_fail (WD_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->sync_indicator);
}
