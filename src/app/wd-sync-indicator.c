/* wd-sync-indicator.c: sync state in the header bar. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-error.h"
#include "wd-forms.h"
#include "wd-json.h"
#include "wd-order-actions.h"
#include "wd-sync-engine.h"
#include "wd-sync-indicator.h"
#include "wd-sync-store.h"
#include "wd-time.h"
#include "wd-ui-util.h"

struct _WdSyncIndicator
{
  AdwBin          parent_instance;

  GtkMenuButton  *button;
  GtkSpinner     *spinner;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkLabel       *title_label;
  GtkLabel       *detail_label;
  GtkProgressBar *progress_bar;
  GtkWidget      *problems_scroll;
  GtkListBox     *problems_list;
  GtkWidget      *sign_in_button;
  GtkWidget      *sync_button;

  WdWorkspace    *workspace;
  guint           pending;
  char           *status;
};

G_DEFINE_FINAL_TYPE (WdSyncIndicator, wd_sync_indicator, ADW_TYPE_BIN)

static void
wd_sync_indicator_dispose (GObject *object)
{
  WdSyncIndicator *self = WD_SYNC_INDICATOR (object);

  if (self->workspace != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->workspace, self);
      g_signal_handlers_disconnect_by_data (wd_workspace_get_engine (self->workspace), self);
    }
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->status, g_free);
  G_OBJECT_CLASS (wd_sync_indicator_parent_class)->dispose (object);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WdSyncIndicator *self = WD_SYNC_INDICATOR (widget);
  g_autoptr(GError) error = NULL;

  if (!wd_sync_store_dismiss_problem (wd_workspace_get_store (self->workspace), g_variant_get_int64 (parameter), &error))
    wd_show_error (widget, _("The problem could not be dismissed"), error);
  wd_workspace_changed (self->workspace);
}

/* The problem of that id as the list shows it, or NULL. */
static JsonObject *
find_problem (WdSyncIndicator *self,
              gint64           id)
{
  g_autoptr(JsonArray) problems = wd_sync_store_problems (wd_workspace_get_store (self->workspace), NULL);

  for (guint i = 0; problems != NULL && i < json_array_get_length (problems); i++)
    {
      JsonObject *problem = json_array_get_object_element (problems, i);

      if (json_object_get_int_member (problem, "id") == id)
        return json_object_ref (problem);
    }
  return NULL;
}

typedef struct
{
  WdSyncIndicator *indicator;   /* weak */
  gint64           problem_id;
} DoneAgain;

/* The refused change is made anew: its problem is dealt with. */
static void
on_done_again (WdFormDialog *dialog,
               JsonObject   *result,
               DoneAgain    *again)
{
  if (again->indicator != NULL)
    gtk_widget_activate_action (GTK_WIDGET (again->indicator), "sync.dismiss", "x", again->problem_id);
}

static void
done_again_free (gpointer  data,
                 GClosure *closure)
{
  DoneAgain *again = data;

  g_clear_weak_pointer (&again->indicator);
  g_free (again);
}

/* Opens the form of a refused change on what it held. */
static void
again_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdSyncIndicator *self = WD_SYNC_INDICATOR (widget);
  g_autoptr(JsonObject) problem = find_problem (self, g_variant_get_int64 (parameter));
  g_autoptr(JsonObject) args = NULL;
  WdFormDialog *form;
  DoneAgain *again;

  if (problem == NULL)
    return;
  args = wd_json_parse_object (json_object_get_string_member (problem, "args"), -1, NULL);
  form = wd_forms_again (widget, self->workspace, json_object_get_string_member (problem, "kind"), args,
                         json_object_get_string_member (problem, "message"));
  if (form == NULL)
    {
      g_autoptr(GError) gone = g_error_new_literal (WD_ERROR, WD_ERROR_NOT_FOUND,
                                                    _("What it changed is no longer on this computer."));

      wd_show_error (widget, _("The change cannot be made again here"), gone);
      return;
    }
  again = g_new0 (DoneAgain, 1);
  again->problem_id = g_variant_get_int64 (parameter);
  g_set_weak_pointer (&again->indicator, self);
  g_signal_connect_data (form, "applied", G_CALLBACK (on_done_again), again, done_again_free, 0);
  gtk_menu_button_popdown (self->button);
  gtk_window_present (GTK_WINDOW (form));
}

static void
wd_sync_indicator_class_init (WdSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_sync_indicator_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, problems_scroll);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, problems_list);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, WdSyncIndicator, sync_button);
  gtk_widget_class_install_action (widget_class, "sync.dismiss", "x", dismiss_action);
  gtk_widget_class_install_action (widget_class, "sync.again", "x", again_action);
}

static void
wd_sync_indicator_init (WdSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Problems come first: they need the user; then whether the network is
 * there; then whether changes still wait. */
WdSyncLook
wd_sync_look_for (gboolean has_server,
                  gboolean signed_in,
                  int      engine_state,
                  guint    pending,
                  guint    problems)
{
  if (!has_server)
    return WD_SYNC_LOOK_LOCAL;
  if (problems > 0)
    return WD_SYNC_LOOK_PROBLEMS;
  /* The engine says so when the server no longer takes the session. */
  if (!signed_in || engine_state == WD_SYNC_STATE_SIGNED_OUT)
    return WD_SYNC_LOOK_SIGNED_OUT;
  switch (engine_state)
    {
    case WD_SYNC_STATE_SYNCING:
      return WD_SYNC_LOOK_SYNCING;
    case WD_SYNC_STATE_OFFLINE:
      return WD_SYNC_LOOK_OFFLINE;
    case WD_SYNC_STATE_ERROR:
      return WD_SYNC_LOOK_ERROR;
    default:
      return pending > 0 ? WD_SYNC_LOOK_PENDING : WD_SYNC_LOOK_UP_TO_DATE;
    }
}

static GtkWidget *
problem_row (JsonObject *problem)
{
  const char *now = json_object_get_string_member_with_default (problem, "now", "");
  g_autofree char *subtitle = *now ? g_strdup_printf ("%s\n%s", json_object_get_string_member (problem, "message"), now)
                                   : g_strdup (json_object_get_string_member (problem, "message"));
  GtkWidget *row = wd_action_row_new (wd_operation_title (json_object_get_string_member (problem, "kind")), subtitle);
  const char *again_label = wd_forms_again_label (json_object_get_string_member (problem, "kind"));
  GtkWidget *dismiss = gtk_button_new_from_icon_name ("window-close-symbolic");

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  /* A refused change keeps what was typed: its form opens with it. */
  if (again_label != NULL)
    {
      GtkWidget *again = gtk_button_new_with_mnemonic (again_label);

      gtk_widget_set_valign (again, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (again), "sync.again");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (again), "x", json_object_get_int_member (problem, "id"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), again);
    }
  gtk_widget_set_valign (dismiss, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (dismiss, "flat");
  gtk_widget_set_tooltip_text (dismiss, _("Dismiss"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (dismiss), "sync.dismiss");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (dismiss), "x", json_object_get_int_member (problem, "id"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), dismiss);
  return row;
}

/* Lists the problems; *refused counts the operations the server refused
 * (the rest are notices, such as work kept aside at the first sync). */
static guint
fill_problems (WdSyncIndicator *self,
               gboolean         has_server,
               guint           *refused)
{
  g_autoptr(JsonArray) problems = has_server ? wd_sync_store_problems (wd_workspace_get_store (self->workspace), NULL) : NULL;
  guint n = problems ? json_array_get_length (problems) : 0;

  *refused = 0;
  wd_clear_list_box (self->problems_list);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *problem = json_array_get_object_element (problems, i);

      gtk_list_box_append (self->problems_list, problem_row (problem));
      *refused += json_object_get_int_member (problem, "seq") > 0;
    }
  gtk_widget_set_visible (self->problems_scroll, n > 0);
  return n;
}

static char *
last_sync_text (WdSyncIndicator *self,
                gint64           last_sync)
{
  g_autofree char *when = NULL;

  if (last_sync == 0)
    return g_strdup (_("Not synced yet."));
  when = wd_format_time (wd_workspace_get_store (self->workspace), last_sync, "%Y-%m-%d %H:%M");
  return g_strdup_printf (_("Last synced %s."), when);
}

static void
update (WdSyncIndicator *self)
{
  WdSyncEngine *engine = wd_workspace_get_engine (self->workspace);
  g_autofree char *server = wd_workspace_get_server (self->workspace);
  gboolean signed_in = wd_workspace_is_signed_in (self->workspace);
  guint refused = 0;
  guint problems = fill_problems (self, server != NULL, &refused);
  gint64 done = 0, total = 0, last_sync = 0;
  g_autofree char *last = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *pending_text = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *clock = wd_time_describe_clock_offset (wd_workspace_get_clock_offset (self->workspace));
  const char *icon = NULL, *label = NULL, *title = NULL;
  WdSyncLook look;

  g_object_get (engine, "done", &done, "total", &total, "last-sync", &last_sync, NULL);
  self->pending = server != NULL ? wd_sync_store_count_pending (wd_workspace_get_store (self->workspace)) : 0;
  look = wd_sync_look_for (server != NULL, signed_in, wd_sync_engine_get_state (engine), self->pending, problems);
  last = last_sync_text (self, last_sync);
  pending_text = self->pending > 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waits to be sent.", "%u changes wait to be sent.",
                                    self->pending), self->pending)
    : g_strdup (_("All changes are on the server."));

  switch (look)
    {
    case WD_SYNC_LOOK_LOCAL:
      icon = "computer-symbolic", label = _("Local"), title = _("Working on this computer only");
      detail = g_strdup (_("Sign in to the district's server in Preferences to share this work."));
      break;
    case WD_SYNC_LOOK_SIGNED_OUT:
      icon = "system-lock-screen-symbolic", label = _("Signed out"), title = _("Signed out");
      detail = g_strdup_printf ("%s %s", _("Changes are kept here until you sign in."), pending_text);
      /* Why, when a sync found it out (a session ended, a certificate
       * changed); not after signing out on purpose. */
      if (signed_in && wd_sync_engine_get_message (engine) != NULL)
        {
          g_autofree char *why = g_strdup_printf ("%s %s", wd_sync_engine_get_message (engine), detail);

          g_free (detail);
          detail = g_steal_pointer (&why);
        }
      break;
    case WD_SYNC_LOOK_OFFLINE:
      icon = "network-offline-symbolic", label = _("Offline"), title = _("Offline");
      detail = g_strdup_printf ("%s %s %s", _("Keep working: everything is saved here and sent when the network is back."),
                                pending_text, last);
      break;
    case WD_SYNC_LOOK_SYNCING:
      icon = NULL, label = _("Syncing"), title = _("Syncing");
      if (g_strcmp0 (wd_sync_engine_get_phase (engine), "snapshot") == 0)
        detail = g_strdup (_("Fetching a copy of the district's data for this computer. For a large district "
                             "the first sync takes a while; keep working meanwhile."));
      else
        detail = g_strdup (pending_text);
      break;
    case WD_SYNC_LOOK_PENDING:
      icon = "emblem-synchronizing-symbolic", label = _("Waiting"), title = _("Changes waiting");
      /* TRANSLATORS: the header bar's sync button with changes to send */
      waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u waiting", "%u waiting", self->pending),
                                 self->pending);
      label = waiting;
      detail = g_strdup_printf ("%s %s", pending_text, last);
      break;
    case WD_SYNC_LOOK_UP_TO_DATE:
      icon = "emblem-ok-symbolic", label = _("Up to date"), title = _("Up to date");
      detail = g_strdup (last);
      break;
    case WD_SYNC_LOOK_PROBLEMS:
      icon = "dialog-warning-symbolic", label = _("Problems"), title = _("The server refused some changes");
      detail = g_strdup (_("They have been undone here. Each says why and what the order is now; "
                           "dismiss a problem once you have dealt with it."));
      if (refused == 0)
        {
          title = _("Work from before signing in was kept aside");
          g_free (detail);
          detail = g_strdup (_("The notice below says where; dismiss it once you have dealt with it."));
        }
      break;
    case WD_SYNC_LOOK_ERROR:
      icon = "dialog-warning-symbolic", label = _("Sync failed"), title = _("Sync failed");
      detail = g_strdup_printf ("%s %s %s", wd_sync_engine_get_message (engine) ? wd_sync_engine_get_message (engine) : "",
                                pending_text, last);
      break;
    default:
      g_assert_not_reached ();
    }

  /* A clock far off makes every countdown on the board wrong by as much:
   * said whatever the state, and the button marked until it is set. */
  if (clock != NULL && look != WD_SYNC_LOOK_LOCAL)
    {
      g_autofree char *told = g_strdup_printf ("%s\n\n%s", clock, detail);

      g_free (detail);
      detail = g_steal_pointer (&told);
    }
  gtk_spinner_set_spinning (self->spinner, look == WD_SYNC_LOOK_SYNCING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), look == WD_SYNC_LOOK_SYNCING);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->label, label);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), look == WD_SYNC_LOOK_SYNCING && total > 0);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP ((double) done / total, 0, 1));
  gtk_widget_set_visible (self->sign_in_button, look == WD_SYNC_LOOK_SIGNED_OUT || look == WD_SYNC_LOOK_LOCAL);
  gtk_widget_set_visible (self->sync_button, look != WD_SYNC_LOOK_SIGNED_OUT && look != WD_SYNC_LOOK_LOCAL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->button), "warning");
  if (look == WD_SYNC_LOOK_PROBLEMS || look == WD_SYNC_LOOK_ERROR || (clock != NULL && look != WD_SYNC_LOOK_LOCAL))
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "warning");
  g_free (self->status);
  self->status = g_strdup (label);
}

void
wd_sync_indicator_bind (WdSyncIndicator *self,
                        WdWorkspace     *workspace)
{
  self->workspace = g_object_ref (workspace);
  g_signal_connect_swapped (workspace, "changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (wd_workspace_get_engine (workspace), "notify", G_CALLBACK (update), self);
  update (self);
}

const char *
wd_sync_indicator_get_status (WdSyncIndicator *self)
{
  return self->status;
}

guint
wd_sync_indicator_get_pending (WdSyncIndicator *self)
{
  return self->pending;
}
