/* wd-application.c: start-up, the store, and the app-wide actions. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "wd-application.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-login-dialog.h"
#include "wd-preferences-window.h"
#include "wd-sync-engine.h"
#include "wd-ui-util.h"
#include "wd-window.h"
#include "wd-workspace.h"

/* A restart, from closing the windows until the last workspace's parts
 * (it and its sync engine) are gone; it may outlive its wait. */
typedef struct
{
  WdApplication *app;          /* NULL once the app no longer waits for it */
  guint          parts_left;
} Restart;

struct _WdApplication
{
  AdwApplication  parent_instance;

  char           *store_path;
  gint64          fixed_now;
  WdWorkspace    *workspace;
  Restart        *restart;      /* under way: the old workspace not yet gone */
  guint           restart_wait_id;
  guint           restart_wait; /* seconds */
};

G_DEFINE_FINAL_TYPE (WdApplication, wd_application, ADW_TYPE_APPLICATION)

static void
wd_application_finalize (GObject *object)
{
  WdApplication *self = WD_APPLICATION (object);

  g_free (self->store_path);
  if (self->restart != NULL)
    self->restart->app = NULL;
  g_clear_handle_id (&self->restart_wait_id, g_source_remove);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_application_parent_class)->finalize (object);
}

static char *
default_store_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "wudan", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, "wudan.db", NULL);
}

static GtkWindow *
main_window (WdApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

static void open_window (WdApplication *self);
static void show_startup_error (WdApplication *self, const GError *error);

/* The damaged store set aside, a new one opened, and the sign-in asked
 * for: the district's data comes back from the server. */
static void
start_again (AdwMessageDialog *dialog,
             const char       *response,
             WdApplication    *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *notice = NULL;

  self->workspace = wd_workspace_open_anew (self->store_path, &kept, &error);
  if (self->workspace == NULL)
    {
      show_startup_error (self, error);
      return;
    }
  open_window (self);
  notice = g_strdup_printf (_("The damaged file is kept as %s"), kept);
  gtk_widget_activate_action (GTK_WIDGET (main_window (self)), "win.notify", "s", notice);
  gtk_window_present (GTK_WINDOW (wd_login_dialog_new (main_window (self), self->workspace)));
}

static void
show_startup_error (WdApplication *self,
                    const GError  *error)
{
  GtkWidget *dialog = adw_message_dialog_new (NULL, _("Wudan Cannot Open Its Data"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  /* Rather than the same dialog every morning: a way on. */
  if (g_error_matches (error, WD_ERROR, WD_ERROR_STORE_DAMAGED))
    {
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s", error->message,
                                      _("If this computer syncs with the district's server, set the file aside "
                                        "and start again: once you sign in, the district's data comes back from "
                                        "the server. Changes not yet sent stay in the file set aside."));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "start-again", _("_Set Aside and Start Again"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start-again",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start-again");
      g_signal_connect (dialog, "response::start-again", G_CALLBACK (start_again), self);
    }
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void wd_application_activate (GApplication *application);

/* Seconds a restart waits for a sync under way to end. */
#define RESTART_WAIT 60

static void
reopen (WdApplication *self)
{
  wd_application_activate (G_APPLICATION (self));
  g_application_release (G_APPLICATION (self));
}

/* The old parts are gone; a restart waits (restart_wait_id) until then,
 * or until it gives up. */
static gboolean
open_again (gpointer data)
{
  WdApplication *self = data;

  if (self->restart_wait_id != 0)
    {
      g_clear_handle_id (&self->restart_wait_id, g_source_remove);
      reopen (self);
    }
  return G_SOURCE_REMOVE;
}

/* Something kept the old workspace alive: better a store opened beside
 * its connections than an application with no window. When the old
 * parts go at last, nothing more happens. */
static gboolean
open_again_anyway (gpointer data)
{
  WdApplication *self = data;

  self->restart_wait_id = 0;
  self->restart->app = NULL;
  self->restart = NULL;
  g_warning ("The last workspace was not closed after %u s; opening the store again beside it",
             self->restart_wait);
  reopen (self);
  return G_SOURCE_REMOVE;
}

/* Called as the last workspace and its sync engine go, which may be
 * after a sync under way has ended. The opening comes from the main loop,
 * once their connections are closed (a weak reference is told before its
 * object is finalized). */
static void
on_part_gone (gpointer  data,
              GObject  *gone)
{
  Restart *restart = data;

  if (--restart->parts_left > 0)
    return;
  if (restart->app != NULL)
    {
      restart->app->restart = NULL;
      g_idle_add (open_again, restart->app);
    }
  g_free (restart);
}

/* Closes every window and the store, and opens it again as at start-up:
 * the opening checks a store found damaged (a damaged search index is
 * made anew) and offers to set aside a file damaged beyond that. */
static gboolean
restart (gpointer data)
{
  WdApplication *self = data;
  g_autoptr(WdWorkspace) workspace = g_steal_pointer (&self->workspace);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  Restart *restart = g_new0 (Restart, 1);

  restart->app = self;
  restart->parts_left = 2;
  self->restart = restart;
  self->restart_wait_id = g_timeout_add_seconds (self->restart_wait, open_again_anyway, self);
  g_object_weak_ref (G_OBJECT (workspace), on_part_gone, restart);
  g_object_weak_ref (G_OBJECT (wd_workspace_get_engine (workspace)), on_part_gone, restart);
  g_signal_handlers_disconnect_by_data (wd_workspace_get_engine (workspace), self);
  g_signal_handlers_disconnect_by_data (workspace, self);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  return G_SOURCE_REMOVE;
}

/* From the dialog's answer: the windows close once the dialog has. */
static void
on_restart_chosen (AdwMessageDialog *dialog,
                   const char       *response,
                   WdApplication    *self)
{
  g_application_hold (G_APPLICATION (self));
  g_idle_add (restart, self);
}

/* Damage read by any of the store's connections: said at once, with the
 * way on, rather than in the dialog of every action that fails on it. */
static void
on_store_damaged (WdWorkspace   *workspace,
                  WdApplication *self)
{
  GtkWidget *dialog = adw_message_dialog_new (main_window (self), _("Wudan Found Its Data Damaged"),
                                              _("Part of this computer's data could not be read because the file "
                                                "is damaged, and what uses that part will fail. Restart Wudan to "
                                                "check the whole file: a damaged search index is made anew, and a "
                                                "file damaged beyond that can be set aside while the district's "
                                                "data comes back from the server."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "later", _("_Later"),
                                    "restart", _("_Restart Wudan"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restart", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "restart");
  g_signal_connect (dialog, "response::restart", G_CALLBACK (on_restart_chosen), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The server ended the session and the keyring had no password (or a
 * wrong one): ask, once per ending. */
static void
on_engine_state (WdSyncEngine  *engine,
                 GParamSpec    *pspec,
                 WdApplication *self)
{
  GtkWindow *parent = main_window (self);

  /* Signing out on purpose clears the session first: no question then. */
  if (wd_sync_engine_get_state (engine) != WD_SYNC_STATE_SIGNED_OUT || parent == NULL
      || !wd_workspace_is_signed_in (self->workspace))
    return;
  if (!gtk_widget_get_visible (GTK_WIDGET (parent)))
    return;
  gtk_window_present (GTK_WINDOW (wd_login_dialog_new (parent, self->workspace)));
}

/* Orders named in a notification; the rest are counted. */
#define NOTIFIED_ORDERS 3
#define WAITING_NOTIFICATION "orders-waiting"

static char *
waiting_orders_text (WdWorkspace *workspace,
                     guint        n,
                     JsonArray   *rows)
{
  g_autoptr(GString) body = g_string_new (NULL);
  guint named = MIN (json_array_get_length (rows), NOTIFIED_ORDERS);

  for (guint i = 0; i < named; i++)
    {
      JsonObject *order = json_array_get_object_element (rows, i);
      g_autofree char *when = wd_format_span (wd_workspace_get_store (workspace), wd_json_int (order, "starts_at"),
                                              wd_json_int (order, "ends_at"));

      if (i > 0)
        g_string_append_c (body, '\n');
      /* TRANSLATORS: one order in a notification: its title, sub-district and time */
      g_string_append_printf (body, _("%1$s · %2$s · %3$s"), wd_json_text (order, "title"),
                              wd_json_text (order, "subdistrict_name"), when);
    }
  if (n > named)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", n - named),
                              n - named);
    }
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* Someone busy in another window hears of orders that came to wait for
 * their next step; at the window, the board already shows them. */
static void
on_orders_waiting (WdWorkspace   *workspace,
                   guint          n,
                   JsonArray     *rows,
                   WdApplication *self)
{
  GtkWindow *window = main_window (self);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (window != NULL && gtk_window_is_active (window))
    return;
  title = wd_waiting_orders_title (wd_workspace_get_actor (workspace)->role, n);
  body = waiting_orders_text (workspace, n, rows);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.show-view", "s", "board");
  g_application_send_notification (G_APPLICATION (self), WAITING_NOTIFICATION, notification);
}

static void
on_window_active (GtkWindow     *window,
                  GParamSpec    *pspec,
                  WdApplication *self)
{
  if (gtk_window_is_active (window))
    g_application_withdraw_notification (G_APPLICATION (self), WAITING_NOTIFICATION);
}

static void
wd_application_activate (GApplication *application)
{
  WdApplication *self = WD_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  if (main_window (self) != NULL)
    {
      gtk_window_present (main_window (self));
      return;
    }

  if (self->store_path == NULL)
    self->store_path = default_store_path ();
  self->workspace = wd_workspace_open (self->store_path, &error);
  if (self->workspace == NULL)
    {
      show_startup_error (self, error);
      return;
    }
  open_window (self);
}

static void
open_window (WdApplication *self)
{
  WdWindow *window;

  if (self->fixed_now != 0)
    wd_workspace_set_clock (self->workspace, self->fixed_now);

  window = wd_window_new (ADW_APPLICATION (self), self->workspace);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (wd_workspace_get_engine (self->workspace), "notify::state", G_CALLBACK (on_engine_state), self);
  g_signal_connect (self->workspace, "orders-waiting", G_CALLBACK (on_orders_waiting), self);
  g_signal_connect (self->workspace, "store-damaged", G_CALLBACK (on_store_damaged), self);
  g_signal_connect (window, "notify::is-active", G_CALLBACK (on_window_active), self);
  if (wd_workspace_is_signed_in (self->workspace))
    wd_sync_engine_start (wd_workspace_get_engine (self->workspace));
}

static int
wd_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  WdApplication *self = WD_APPLICATION (application);
  const char *store = NULL;
  const char *now = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("wudan %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "store", "^&ay", &store))
    self->store_path = g_strdup (store);
  if (g_variant_dict_lookup (options, "now", "&s", &now))
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (now, g_time_zone_new_local ());

      if (at == NULL)
        {
          g_printerr (_("--now takes a date and time such as 2026-12-01T09:30, not “%s”\n"), now);
          return 1;
        }
      self->fixed_now = g_date_time_to_unix (at);
    }
  return -1;
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  WdApplication *self = user_data;

  if (self->workspace != NULL)
    gtk_window_present (GTK_WINDOW (wd_preferences_window_new (main_window (self), self->workspace)));
}

static void
sign_in_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  WdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->workspace != NULL)
    gtk_window_present (GTK_WINDOW (wd_login_dialog_new (parent, self->workspace)));
}

static void
sync_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  WdApplication *self = user_data;

  if (self->workspace != NULL && wd_workspace_is_signed_in (self->workspace))
    wd_sync_engine_sync_now (wd_workspace_get_engine (self->workspace));
}

/* From a notification: the window, on the view it names. */
static void
show_view_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL; l = l->next)
    if (WD_IS_WINDOW (l->data))
      {
        wd_window_set_view (l->data, g_variant_get_string (parameter, NULL));
        gtk_window_present (l->data);
        return;
      }
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  WdApplication *self = user_data;
  const char *developers[] = { _("The Wudan team"), NULL };

  adw_show_about_window (main_window (self),
                         "application-name", _("Wudan"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Wudan team"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Order, dispatch, accept, rate and reward: volunteer services for a district"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkWindow *window = main_window (WD_APPLICATION (user_data));

  /* Closing the window saves its size and view. */
  if (window != NULL)
    gtk_window_close (window);
  g_application_quit (G_APPLICATION (user_data));
}

static void
wd_application_startup (GApplication *application)
{
  static const GActionEntry entries[] = {
    { "preferences", preferences_activated },
    { "sign-in", sign_in_activated },
    { "sync", sync_activated },
    { "show-view", show_view_activated, "s" },
    { "about", about_activated },
    { "quit", quit_activated },
  };
  static const char * const quit_accels[] = { "<Control>q", NULL };
  static const char * const prefs_accels[] = { "<Control>comma", NULL };
  static const char * const sync_accels[] = { "<Control>r", NULL };

  G_APPLICATION_CLASS (wd_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), entries, G_N_ELEMENTS (entries), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.sync", sync_accels);
}

static void
wd_application_class_init (WdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = wd_application_finalize;
  app_class->activate = wd_application_activate;
  app_class->startup = wd_application_startup;
  app_class->handle_local_options = wd_application_handle_local_options;
}

static void
wd_application_init (WdApplication *self)
{
  static const GOptionEntry options[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("The local store to open (default: the user's data folder)"),
      N_("PATH") },
    { "now", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Show the district as at this moment (for screenshots)"),
      N_("DATETIME") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  self->restart_wait = RESTART_WAIT;
}

/* How long a restart waits for the last workspace to go before it opens
 * the store beside it (60 s unless set). */
void
wd_application_set_restart_wait (WdApplication *self,
                                 guint          seconds)
{
  g_return_if_fail (WD_IS_APPLICATION (self));
  g_return_if_fail (seconds > 0);

  self->restart_wait = seconds;
}

WdApplication *
wd_application_new (void)
{
  return g_object_new (WD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/cn/wudan/Wudan",
                       NULL);
}
