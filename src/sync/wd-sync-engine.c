/* wd-sync-engine.c: background sync for the app. Each sync runs on a
 * worker thread with its own connection to the store (SQLite in WAL mode
 * lets the UI keep reading meanwhile); state and progress come back to
 * the thread that owns the engine. */
#define G_LOG_DOMAIN "wudan-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-context.h"
#include "wd-sync-client.h"
#include "wd-sync-engine.h"
#include "wd-sync-store.h"

#define BACKOFF_FIRST 15        /* seconds after the first failure */
#define BACKOFF_MAX (30 * 60)

struct _WdSyncEngine
{
  GObject         parent_instance;

  char           *store_path;
  GMainContext   *context;
  WdSyncState     state;
  char           *message;
  char           *phase;
  gint64          done;
  gint64          total;
  guint           pending;
  guint           problems;
  gint64          last_sync;
  guint           interval;
  guint           failures;
  guint           retry_in;
  guint           timer_id;
  gboolean        syncing;
  gboolean        again;      /* asked to sync while syncing */
  gboolean        started;
  GNetworkMonitor *monitor;
  WdPasswordFunc  password_func;
  gpointer        password_data;
  GDestroyNotify  password_destroy;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_PHASE,
  PROP_DONE,
  PROP_TOTAL,
  PROP_PENDING,
  PROP_PROBLEMS,
  PROP_LAST_SYNC,
  PROP_RETRY_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (WdSyncEngine, wd_sync_engine, G_TYPE_OBJECT)

GType
wd_sync_state_get_type (void)
{
  static gsize type;
  static const GEnumValue values[] = {
    { WD_SYNC_STATE_SIGNED_OUT, "WD_SYNC_STATE_SIGNED_OUT", "signed-out" },
    { WD_SYNC_STATE_OFFLINE, "WD_SYNC_STATE_OFFLINE", "offline" },
    { WD_SYNC_STATE_SYNCING, "WD_SYNC_STATE_SYNCING", "syncing" },
    { WD_SYNC_STATE_UP_TO_DATE, "WD_SYNC_STATE_UP_TO_DATE", "up-to-date" },
    { WD_SYNC_STATE_ERROR, "WD_SYNC_STATE_ERROR", "error" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("WdSyncState", values));
  return type;
}

static void
wd_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WdSyncEngine *self = WD_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_PHASE: g_value_set_string (value, self->phase); break;
    case PROP_DONE: g_value_set_int64 (value, self->done); break;
    case PROP_TOTAL: g_value_set_int64 (value, self->total); break;
    case PROP_PENDING: g_value_set_uint (value, self->pending); break;
    case PROP_PROBLEMS: g_value_set_uint (value, self->problems); break;
    case PROP_LAST_SYNC: g_value_set_int64 (value, self->last_sync); break;
    case PROP_RETRY_IN: g_value_set_uint (value, self->retry_in); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_sync_engine_dispose (GObject *object)
{
  WdSyncEngine *self = WD_SYNC_ENGINE (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  self->monitor = NULL;
  G_OBJECT_CLASS (wd_sync_engine_parent_class)->dispose (object);
}

static void
wd_sync_engine_finalize (GObject *object)
{
  WdSyncEngine *self = WD_SYNC_ENGINE (object);

  if (self->password_destroy != NULL)
    self->password_destroy (self->password_data);
  g_free (self->store_path);
  g_free (self->message);
  g_free (self->phase);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (wd_sync_engine_parent_class)->finalize (object);
}

static void
wd_sync_engine_class_init (WdSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = wd_sync_engine_get_property;
  object_class->dispose = wd_sync_engine_dispose;
  object_class->finalize = wd_sync_engine_finalize;

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, WD_TYPE_SYNC_STATE,
                                              WD_SYNC_STATE_SIGNED_OUT, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_PHASE] = g_param_spec_string ("phase", NULL, NULL, NULL, flags);
  properties[PROP_DONE] = g_param_spec_int64 ("done", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TOTAL] = g_param_spec_int64 ("total", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PROBLEMS] = g_param_spec_uint ("problems", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_LAST_SYNC] = g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_RETRY_IN] = g_param_spec_uint ("retry-in", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wd_sync_engine_init (WdSyncEngine *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->interval = 5 * 60;
}

WdSyncEngine *
wd_sync_engine_new (const char *store_path)
{
  WdSyncEngine *self = g_object_new (WD_TYPE_SYNC_ENGINE, NULL);

  self->store_path = g_strdup (store_path);
  return self;
}

void
wd_sync_engine_set_password_func (WdSyncEngine   *self,
                                  WdPasswordFunc  func,
                                  gpointer        data,
                                  GDestroyNotify  destroy)
{
  g_return_if_fail (WD_IS_SYNC_ENGINE (self));

  if (self->password_destroy != NULL)
    self->password_destroy (self->password_data);
  self->password_func = func;
  self->password_data = data;
  self->password_destroy = destroy;
}

void
wd_sync_engine_set_interval (WdSyncEngine *self,
                             guint         seconds)
{
  g_return_if_fail (WD_IS_SYNC_ENGINE (self));
  self->interval = MAX (seconds, 10);
}

static void
set_state (WdSyncEngine *self,
           WdSyncState   state,
           const char   *message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

typedef struct
{
  WdSyncEngine *engine;    /* a reference */
  char         *phase;
  gint64        done;
  gint64        total;
} Progress;

static gboolean
progress_on_owner (gpointer data)
{
  Progress *progress = data;
  WdSyncEngine *self = progress->engine;

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->phase, progress->phase) != 0)
    {
      g_free (self->phase);
      self->phase = g_strdup (progress->phase);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
    }
  self->done = progress->done;
  self->total = progress->total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
  g_object_thaw_notify (G_OBJECT (self));
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_object_unref (progress->engine);
  g_free (progress->phase);
  g_free (progress);
}

/* Runs on the worker; hands the figures to the owner's thread, always
 * (wd_context_call_later): the handlers of these notifications read the
 * owner's connection to the store, which two threads must never use at
 * once (the window read "file is not a database" after a sync when the
 * worker ran them itself). */
static void
progress_from_worker (const char *phase,
                      gint64      done,
                      gint64      total,
                      gpointer    data)
{
  WdSyncEngine *self = data;
  Progress *progress = g_new0 (Progress, 1);

  progress->engine = g_object_ref (self);
  progress->phase = g_strdup (phase);
  progress->done = done;
  progress->total = total;
  wd_context_call_later (self->context, G_PRIORITY_DEFAULT, "[wudan] sync progress", progress_on_owner,
                         progress, progress_free);
}

static gboolean
sync_with_login (WdSyncEngine  *self,
                 WdSyncClient  *client,
                 WdStore       *store,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GError) first = NULL;
  g_autofree char *server = NULL;
  g_autofree char *password = NULL;
  g_autoptr(WdActor) actor = NULL;

  if (wd_sync_client_sync (client, cancellable, &first))
    return TRUE;

  /* The session ended (expired, or signed out elsewhere): sign in again
   * with the password the app keeps in the keyring, and try once more. */
  if (!g_error_matches (first, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNAUTHORIZED)
      || self->password_func == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  server = wd_sync_store_get (store, "sync_server");
  actor = wd_sync_client_get_actor (client);
  if (actor != NULL)
    password = self->password_func (server, actor->user, self->password_data);
  if (password == NULL || !wd_sync_client_login (client, server, actor->user, password, error))
    {
      if (error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return wd_sync_client_sync (client, cancellable, error);
}

static void
sync_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  WdSyncEngine *self = source;
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = wd_store_open (self->store_path, &error);
  g_autoptr(WdSyncClient) client = store ? wd_sync_client_new (store, &error) : NULL;
  JsonObject *status;

  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  wd_sync_client_set_progress_func (client, progress_from_worker, self);
  if (!wd_sync_client_is_signed_in (client))
    {
      g_task_return_new_error (task, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
                               _("Not signed in; set the server and account in Preferences"));
      return;
    }

  /* Even a failed sync may have pushed: report what waits either way. */
  if (!sync_with_login (self, client, store, cancellable, &error))
    {
      g_task_set_task_data (task, wd_sync_client_status (client), (GDestroyNotify) json_object_unref);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = wd_sync_client_status (client);
  g_task_set_task_data (task, status, (GDestroyNotify) json_object_unref);
  g_task_return_boolean (task, TRUE);
}

static void schedule (WdSyncEngine *self, guint seconds);

static void
take_status (WdSyncEngine *self,
             JsonObject   *status)
{
  if (status == NULL)
    return;
  self->pending = (guint) json_object_get_int_member (status, "pending");
  self->problems = (guint) json_object_get_int_member (status, "problems");
  self->last_sync = json_object_get_int_member (status, "last_sync");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

/* Exponential backoff with jitter: 15 s, 30 s, 1 min… up to 30 min, each
 * spread by a quarter either way so many offices do not retry at once. */
static guint
backoff (guint failures)
{
  double base = MIN ((double) BACKOFF_FIRST * (double) (1u << MIN (failures - 1, 16u)), (double) BACKOFF_MAX);

  return (guint) (base * g_random_double_range (0.75, 1.25));
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  WdSyncEngine *self = WD_SYNC_ENGINE (source);
  g_autoptr(GError) error = NULL;
  GTask *task = G_TASK (data);

  self->syncing = FALSE;
  take_status (self, g_task_get_task_data (G_TASK (result)));

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->failures = 0;
      set_state (self, WD_SYNC_STATE_UP_TO_DATE, NULL);
      g_task_return_boolean (task, TRUE);
      if (self->again)
        {
          self->again = FALSE;
          wd_sync_engine_sync_now (self);
        }
      else if (self->started)
        schedule (self, self->interval);
    }
  else
    {
      WdSyncState state = WD_SYNC_STATE_ERROR;

      if (g_error_matches (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NETWORK))
        state = WD_SYNC_STATE_OFFLINE;
      /* A certificate not the one trusted is trusted only by signing in
       * again, with its fingerprint compared: no retry can mend it. */
      else if (g_error_matches (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NOT_SIGNED_IN)
               || g_error_matches (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNAUTHORIZED)
               || g_error_matches (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNTRUSTED_CERTIFICATE))
        state = WD_SYNC_STATE_SIGNED_OUT;
      set_state (self, state, error->message);
      /* The retry after the backoff sends what was asked for meanwhile. */
      self->again = FALSE;
      self->failures++;
      if (self->started && state != WD_SYNC_STATE_SIGNED_OUT)
        schedule (self, backoff (self->failures));
      g_task_return_error (task, g_steal_pointer (&error));
    }
  g_object_unref (task);
}

void
wd_sync_engine_sync_async (WdSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) worker = NULL;
  GTask *task;

  g_return_if_fail (WD_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wd_sync_engine_sync_async);
  if (self->syncing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("A sync is already running"));
      g_object_unref (task);
      return;
    }

  self->syncing = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  set_state (self, WD_SYNC_STATE_SYNCING, NULL);

  worker = g_task_new (self, cancellable, sync_done, task);
  g_task_run_in_thread (worker, sync_in_thread);
}

gboolean
wd_sync_engine_sync_finish (WdSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
ignore_result (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GError) error = NULL;

  /* The outcome is in the state and message properties. */
  wd_sync_engine_sync_finish (WD_SYNC_ENGINE (source), result, &error);
}

void
wd_sync_engine_sync_now (WdSyncEngine *self)
{
  g_return_if_fail (WD_IS_SYNC_ENGINE (self));

  /* Asked while a sync runs (a change made during its pull, which its
   * push has passed): once more as soon as it ends, not at the next
   * interval, minutes later. */
  if (self->syncing)
    {
      self->again = TRUE;
      return;
    }
  wd_sync_engine_sync_async (self, NULL, ignore_result, NULL);
}

static gboolean
on_timer (gpointer data)
{
  WdSyncEngine *self = data;

  self->timer_id = 0;
  wd_sync_engine_sync_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (WdSyncEngine *self,
          guint         seconds)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->retry_in = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
  self->timer_id = g_timeout_add_seconds (seconds, on_timer, self);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    WdSyncEngine    *self)
{
  /* Back online: no need to wait for the backoff. */
  if (available && (self->state == WD_SYNC_STATE_OFFLINE || self->state == WD_SYNC_STATE_ERROR))
    wd_sync_engine_sync_now (self);
}

/* Syncs now, then on the interval, after failures with backoff, and
 * whenever the network comes back. */
void
wd_sync_engine_start (WdSyncEngine *self)
{
  g_return_if_fail (WD_IS_SYNC_ENGINE (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->monitor = g_network_monitor_get_default ();
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self);
  wd_sync_engine_sync_now (self);
}

WdSyncState
wd_sync_engine_get_state (WdSyncEngine *self)
{
  g_return_val_if_fail (WD_IS_SYNC_ENGINE (self), WD_SYNC_STATE_ERROR);
  return self->state;
}

const char *
wd_sync_engine_get_message (WdSyncEngine *self)
{
  g_return_val_if_fail (WD_IS_SYNC_ENGINE (self), NULL);
  return self->message;
}

/* What the sync in progress is doing: "push", "snapshot" or "pull". */
const char *
wd_sync_engine_get_phase (WdSyncEngine *self)
{
  g_return_val_if_fail (WD_IS_SYNC_ENGINE (self), NULL);
  return self->phase;
}

guint
wd_sync_engine_get_retry_in (WdSyncEngine *self)
{
  g_return_val_if_fail (WD_IS_SYNC_ENGINE (self), 0);
  return self->retry_in;
}
