/* wd-workspace.c: the app's controller for one local store. */
#define _GNU_SOURCE  /* SCHED_BATCH */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <glib/gi18n.h>

#include "wd-context.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-keyring.h"
#include "wd-operations.h"
#include "wd-sync-client.h"
#include "wd-sync-store.h"
#include "wd-workspace.h"

struct _WdWorkspace
{
  GObject       parent_instance;

  WdStore      *store;          /* the UI thread's connection */
  WdStore      *worker_store;   /* slow reads and sign-in, the reader's alone */
  GThreadPool  *reader;         /* one thread, reading one job after another */
  gboolean      reader_yields;  /* the reader's own: it has yielded its priority */
  WdSyncEngine *engine;
  WdActor      *actor;
  gint64        fixed_now;
  gint64        clock_offset;   /* the server's clock less this computer's */
  GFileMonitor *damage_watch;   /* the mark a store found damaged leaves */
  gboolean      damage_told;

  /* Reads for the user's input, which the next frame waits for */
  GMutex        input_lock;
  GCond         input_ran;
  guint         input_running;     /* whose function has not returned (input_lock) */
  guint         input_unanswered;  /* whose callback has not run (main thread) */
  gint64        input_deadline;
  guint         input_hold_id;
};

/* How long the next frame may wait for the reads a keystroke started:
 * half of a 60 Hz frame, so the keystroke still shows within one. */
#define INPUT_HOLD_USEC (8 * G_TIME_SPAN_MILLISECOND)

enum {
  SIGNAL_CHANGED,
  SIGNAL_ORDERS_WAITING,
  SIGNAL_STORE_DAMAGED,
  SIGNAL_READ_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WdWorkspace, wd_workspace, G_TYPE_OBJECT)

static void run_read (gpointer task_data,
                      gpointer pool_data);

static void
wd_workspace_dispose (GObject *object)
{
  WdWorkspace *self = WD_WORKSPACE (object);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  if (self->damage_watch != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->damage_watch, self);
      g_file_monitor_cancel (self->damage_watch);
    }
  g_clear_object (&self->damage_watch);
  g_clear_handle_id (&self->input_hold_id, g_source_remove);
  G_OBJECT_CLASS (wd_workspace_parent_class)->dispose (object);
}

static void
wd_workspace_finalize (GObject *object)
{
  WdWorkspace *self = WD_WORKSPACE (object);

  g_clear_object (&self->store);
  /* Idle by now: every job holds the workspace through its task. */
  if (self->reader != NULL)
    g_thread_pool_free (self->reader, FALSE, TRUE);
  g_clear_object (&self->worker_store);
  g_mutex_clear (&self->input_lock);
  g_cond_clear (&self->input_ran);
  g_clear_pointer (&self->actor, wd_actor_free);
  G_OBJECT_CLASS (wd_workspace_parent_class)->finalize (object);
}

static void
wd_workspace_class_init (WdWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wd_workspace_dispose;
  object_class->finalize = wd_workspace_finalize;

  /* Emitted when the store may hold new data: after an operation, after
   * a sync brought changes, after signing in or out. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* Emitted after a sync when orders came to wait for the user's next
   * step through someone else's: to dispatch (the centre), to rate (an
   * office), to accept or decline (a team). How many, and the first few
   * of them (rows of the order view, earliest first). */
  signals[SIGNAL_ORDERS_WAITING] = g_signal_new ("orders-waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT,
                                                 JSON_TYPE_ARRAY);

  /* Emitted once when the store was found damaged, by whichever of its
   * connections read the damage (the views', the worker's, a sync's). */
  signals[SIGNAL_STORE_DAMAGED] = g_signal_new ("store-damaged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* Emitted on the main thread when a list could not be read, with why. */
  signals[SIGNAL_READ_FAILED] = g_signal_new ("read-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wd_workspace_init (WdWorkspace *self)
{
  g_mutex_init (&self->input_lock);
  g_cond_init (&self->input_ran);
}

static gboolean
has_synced (WdStore *store)
{
  return wd_store_get_setting_int (store, "sync_schema", 0) > 0;
}

/* Signed in, the user is the server's account; on a store that never
 * synced, the person at the desk acts as the centre. */
void
wd_workspace_reload_actor (WdWorkspace *self)
{
  g_autofree char *user_text = has_synced (self->store) ? wd_sync_store_get (self->store, "sync_user") : NULL;
  g_autoptr(JsonObject) user = user_text ? wd_json_parse_object (user_text, -1, NULL) : NULL;
  WdActor *actor = user ? wd_actor_from_json (user, "name") : NULL;

  if (actor == NULL)
    actor = wd_actor_new (g_get_user_name (), WD_ROLE_CENTRE);
  g_clear_pointer (&self->actor, wd_actor_free);
  self->actor = actor;
}

/* How many of the newly waiting orders are read whole for the signal. */
#define WAITING_ROWS 5

typedef struct
{
  guint      n;
  JsonArray *rows;
} Waiting;

static void
waiting_free (Waiting *waiting)
{
  g_clear_pointer (&waiting->rows, json_array_unref);
  g_free (waiting);
}

static gpointer
take_waiting (WdStore   *store,
              gpointer   actor,
              GError   **error)
{
  Waiting *waiting = g_new0 (Waiting, 1);

  waiting->rows = wd_store_take_newly_waiting (store, actor, WAITING_ROWS, &waiting->n, error);
  if (waiting->rows == NULL)
    g_clear_pointer (&waiting, waiting_free);
  return waiting;
}

static void
on_waiting_taken (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WdWorkspace *self = WD_WORKSPACE (source);
  g_autoptr(GError) error = NULL;
  Waiting *waiting = wd_workspace_read_finish (self, result, &error);

  if (waiting == NULL)
    {
      g_warning ("Cannot tell which orders came to wait for dispatch: %s", error->message);
      return;
    }
  if (waiting->n > 0)
    g_signal_emit (self, signals[SIGNAL_ORDERS_WAITING], 0, waiting->n, waiting->rows);
  waiting_free (waiting);
}

/* The worker's connection remembers what waited at the last sync (the
 * first sync after start-up only takes note), so each order is news once. */
static void
on_engine_synced (WdSyncEngine *engine,
                  GParamSpec   *pspec,
                  WdWorkspace  *self)
{
  /* The engine signs in again by itself when a session ended, and the
   * account may serve another sub-district or role since. */
  wd_workspace_reload_actor (self);
  wd_workspace_changed (self);
  wd_workspace_read_async (self, take_waiting, wd_actor_copy (self->actor), (GDestroyNotify) wd_actor_free,
                           (GDestroyNotify) waiting_free, NULL, on_waiting_taken, NULL);
}

static char *
keyring_password (const char *server,
                  const char *user,
                  gpointer    data)
{
  return wd_keyring_lookup (server, user);
}

/* A read that failed: logged, and said in the window ("read-failed"),
 * since a list that could not be read looks like an empty one. Damage
 * is told by "store-damaged" instead, once for every list on screen. */
void
wd_workspace_report_read_failure (WdWorkspace  *self,
                                  const char   *what,
                                  const GError *error)
{
  g_return_if_fail (WD_IS_WORKSPACE (self));

  if (g_error_matches (error, WD_ERROR, WD_ERROR_STORE_DAMAGED))
    {
      g_message ("%s could not be read: %s", what, error->message);
      return;
    }
  g_warning ("%s could not be read: %s", what, error->message);
  g_signal_emit (self, signals[SIGNAL_READ_FAILED], 0, error->message);
}

static void
on_damage_mark (GFileMonitor      *monitor,
                GFile             *file,
                GFile             *other,
                GFileMonitorEvent  event,
                WdWorkspace       *self)
{
  if (self->damage_told || (event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_CHANGED))
    return;
  self->damage_told = TRUE;
  g_signal_emit (self, signals[SIGNAL_STORE_DAMAGED], 0);
}

/* Damage is found by whichever connection reads it, on any thread; each
 * leaves the same mark beside the store, and watching for the mark tells
 * the user at once instead of in each failing action's dialog. */
static void
watch_for_damage (WdWorkspace *self,
                  const char  *store_path)
{
  g_autofree char *mark = wd_store_damage_mark_path (store_path);
  g_autoptr(GFile) file = g_file_new_for_path (mark);
  g_autoptr(GError) error = NULL;

  self->damage_watch = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->damage_watch == NULL)
    {
      g_warning ("Cannot watch %s: %s", mark, error->message);
      return;
    }
  g_signal_connect (self->damage_watch, "changed", G_CALLBACK (on_damage_mark), self);
}

WdWorkspace *
wd_workspace_open (const char  *store_path,
                   GError     **error)
{
  g_autoptr(WdWorkspace) self = g_object_new (WD_TYPE_WORKSPACE, NULL);

  self->store = wd_store_open (store_path, error);
  if (self->store == NULL)
    return NULL;
  self->worker_store = wd_store_open (store_path, error);
  if (self->worker_store == NULL)
    return NULL;
  self->reader = g_thread_pool_new (run_read, self, 1, TRUE, error);
  if (self->reader == NULL)
    return NULL;
  /* The store file stays in the kernel's page cache, so a page SQLite
   * forgot costs a read(), not the disk. The worker reads keys, matches
   * and reports, each once; the UI's connection rereads the rows on
   * screen. With 8 MB and 4 MB instead of 16 each, using every view of a
   * 100,000-order district stays about 20 MiB smaller, and no scroll
   * frame or keystroke measured slower (bench/README.md). */
  wd_store_set_cache_size (self->store, 8);
  wd_store_set_cache_size (self->worker_store, 4);
  wd_workspace_reload_actor (self);

  self->clock_offset = wd_sync_store_clock_offset (self->store);
  self->engine = wd_sync_engine_new (store_path);
  wd_sync_engine_set_password_func (self->engine, keyring_password, NULL, NULL);
  g_signal_connect (self->engine, "notify::last-sync", G_CALLBACK (on_engine_synced), self);
  watch_for_damage (self, store_path);
  return g_steal_pointer (&self);
}

/* A new, empty store in place of a damaged one, which is kept beside it
 * (*kept names it): once signed in, the district's data comes back from
 * the server, and changes the damaged file held unsent are in the copy
 * for whoever can rescue them. */
WdWorkspace *
wd_workspace_open_anew (const char  *store_path,
                        char       **kept,
                        GError     **error)
{
  g_autofree char *aside = wd_store_set_aside (store_path, "damaged", error);
  WdWorkspace *self;

  if (aside == NULL)
    return NULL;
  self = wd_workspace_open (store_path, error);
  if (self != NULL)
    *kept = g_steal_pointer (&aside);
  return self;
}

WdStore *
wd_workspace_get_store (WdWorkspace *self)
{
  g_return_val_if_fail (WD_IS_WORKSPACE (self), NULL);
  return self->store;
}

WdSyncEngine *
wd_workspace_get_engine (WdWorkspace *self)
{
  g_return_val_if_fail (WD_IS_WORKSPACE (self), NULL);
  return self->engine;
}

const WdActor *
wd_workspace_get_actor (WdWorkspace *self)
{
  g_return_val_if_fail (WD_IS_WORKSPACE (self), NULL);
  return self->actor;
}

gboolean
wd_workspace_is_signed_in (WdWorkspace *self)
{
  g_autofree char *token = NULL;

  g_return_val_if_fail (WD_IS_WORKSPACE (self), FALSE);
  if (!has_synced (self->store))
    return FALSE;
  token = wd_sync_store_get (self->store, "sync_token");
  return token != NULL;
}

char *
wd_workspace_get_server (WdWorkspace *self)
{
  g_return_val_if_fail (WD_IS_WORKSPACE (self), NULL);
  return has_synced (self->store) ? wd_sync_store_get (self->store, "sync_server") : NULL;
}

/* By the server's clock: deadlines, countdowns and the rulebook's checks
 * of "in the past" then agree with what the server will say, whatever
 * this computer's clock says. */
gint64
wd_workspace_now (WdWorkspace *self)
{
  if (self->fixed_now != 0)
    return self->fixed_now;
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
}

/* How far this computer's clock is behind the server's (ahead when
 * negative), in seconds; 0 when they agree within a minute. */
gint64
wd_workspace_get_clock_offset (WdWorkspace *self)
{
  g_return_val_if_fail (WD_IS_WORKSPACE (self), 0);
  return self->fixed_now != 0 ? 0 : self->clock_offset;
}

/* Screenshots and tests show a district at a chosen moment. */
void
wd_workspace_set_clock (WdWorkspace *self,
                        gint64       fixed_now)
{
  self->fixed_now = fixed_now;
}

void
wd_workspace_changed (WdWorkspace *self)
{
  /* A sync may have found the server's clock elsewhere. */
  self->clock_offset = wd_sync_store_clock_offset (self->store);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* A store that syncs queues the operation for the server in the same
 * transaction; one that never synced is its own authority. */
gboolean
wd_workspace_apply (WdWorkspace  *self,
                    const char   *kind,
                    JsonObject   *args,
                    JsonObject  **result,
                    GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (WD_IS_WORKSPACE (self), FALSE);

  if (has_synced (self->store))
    ok = wd_sync_store_apply_local (self->store, self->actor, wd_workspace_now (self), kind, args,
                                    result, error);
  else
    ok = wd_operation_apply (self->store, self->actor, wd_workspace_now (self), NULL, kind, args,
                             result, error);
  if (!ok)
    return FALSE;

  wd_workspace_changed (self);
  if (wd_workspace_is_signed_in (self))
    wd_sync_engine_sync_now (self->engine);
  return TRUE;
}

typedef struct
{
  WdReadFunc     func;
  gpointer       data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
  gboolean       for_input;
  gpointer       result;    /* set by the reader */
  GError        *error;
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_clear_error (&job->error);
  g_free (job);
}

/* The reader does not take the CPU from the main thread when it wakes:
 * it did, on two cores shared with the display server, and a keystroke's
 * main thread then sat out the first list's read (5 ms for 社区 on
 * 100,000 orders) before it could ask for the other four. A thread of
 * the SCHED_BATCH policy gets its share but never preempts on waking. */
static void
reader_yield_priority (WdWorkspace *self)
{
  if (self->reader_yields)
    return;
  self->reader_yields = TRUE;
#ifdef SCHED_BATCH
  {
    struct sched_param param = { 0 };

    pthread_setschedparam (pthread_self (), SCHED_BATCH, &param);
  }
#endif
}

/* On the main thread: the answer goes to the task there, and the task,
 * which holds the workspace, is let go there too. Dropped on the reader,
 * the last reference would finalize the workspace on the thread its
 * finalize waits for. */
static gboolean
return_read (gpointer data)
{
  g_autoptr(GTask) task = data;
  ReadJob *job = g_task_get_task_data (task);

  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&job->result), job->result_free);
  return G_SOURCE_REMOVE;
}

/* The reader thread's work: a task's job, on the worker's connection.
 * A task cancelled before its turn is not read; GTask tells its caller. */
static void
run_read (gpointer task_data,
          gpointer pool_data)
{
  GTask *task = task_data;
  WdWorkspace *self = pool_data;
  ReadJob *job = g_task_get_task_data (task);

  reader_yield_priority (self);
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    job->result = job->func (self->worker_store, job->data, &job->error);

  if (job->for_input)
    {
      g_mutex_lock (&self->input_lock);
      self->input_running--;
      g_cond_broadcast (&self->input_ran);
      g_mutex_unlock (&self->input_lock);
    }
  wd_context_call_later (g_task_get_context (task), g_task_get_priority (task), "[wudan] read answered",
                         return_read, task, NULL);
}

/* Runs before GDK paints (its redraw comes at G_PRIORITY_HIGH_IDLE + 20)
 * and after the answers (at the default priority): while reads for input
 * are unanswered and there is time, it waits for the worker to finish
 * them, then lets the main loop deliver the answers and looks again. */
static gboolean
hold_frame_for_input (gpointer data)
{
  WdWorkspace *self = data;

  if (self->input_unanswered == 0 || g_get_monotonic_time () >= self->input_deadline)
    {
      self->input_hold_id = 0;
      return G_SOURCE_REMOVE;
    }
  g_mutex_lock (&self->input_lock);
  while (self->input_running > 0
         && g_cond_wait_until (&self->input_ran, &self->input_lock, self->input_deadline))
    ;
  g_mutex_unlock (&self->input_lock);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  GAsyncReadyCallback callback;
  gpointer            user_data;
} InputAnswer;

static void
deliver_input_answer (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  InputAnswer *answer = data;

  WD_WORKSPACE (source)->input_unanswered--;
  answer->callback (source, result, answer->user_data);
  g_free (answer);
}

static void
start_read (WdWorkspace         *self,
            WdReadFunc           func,
            gpointer             data,
            GDestroyNotify       data_free,
            GDestroyNotify       result_free,
            gboolean             for_input,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadJob *job = g_new0 (ReadJob, 1);

  if (for_input)
    {
      InputAnswer *answer = g_new0 (InputAnswer, 1);

      answer->callback = callback;
      answer->user_data = user_data;
      task = g_task_new (self, cancellable, deliver_input_answer, answer);
      self->input_unanswered++;
      g_mutex_lock (&self->input_lock);
      self->input_running++;
      g_mutex_unlock (&self->input_lock);
      if (self->input_hold_id == 0)
        {
          self->input_deadline = g_get_monotonic_time () + INPUT_HOLD_USEC;
          self->input_hold_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, hold_frame_for_input, self, NULL);
        }
    }
  else
    task = g_task_new (self, cancellable, callback, user_data);

  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  job->for_input = for_input;
  g_task_set_source_tag (task, wd_workspace_read_async);
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  g_thread_pool_push (self->reader, g_steal_pointer (&task), NULL);
}

void
wd_workspace_read_async (WdWorkspace         *self,
                         WdReadFunc           func,
                         gpointer             data,
                         GDestroyNotify       data_free,
                         GDestroyNotify       result_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  start_read (self, func, data, data_free, result_free, FALSE, cancellable, callback, user_data);
}

/* A read the user's input asked for (a keystroke in a search, a filter
 * chosen): GDK's next frame waits for its answer, for at most
 * INPUT_HOLD_USEC, so the input and what it found show in the same
 * frame. Without the wait the frame painting the typed character came
 * first, while the worker read, and the lists waited a frame more. */
void
wd_workspace_read_for_input_async (WdWorkspace         *self,
                                   WdReadFunc           func,
                                   gpointer             data,
                                   GDestroyNotify       data_free,
                                   GDestroyNotify       result_free,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  start_read (self, func, data, data_free, result_free, TRUE, cancellable, callback, user_data);
}

gpointer
wd_workspace_read_finish (WdWorkspace   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char       *kind;
  GBytes     *contents;
  GHashTable *mapping;
  gboolean    dry_run;
  WdActor    *actor;
  gint64      now;
  gboolean    synced;
  WdStore    *store;     /* the worker's, while the job runs */
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_free (job->kind);
  g_bytes_unref (job->contents);
  g_clear_pointer (&job->mapping, g_hash_table_unref);
  wd_actor_free (job->actor);
  g_free (job);
}

static gboolean
apply_imported_row (const char  *kind,
                    JsonObject  *args,
                    gpointer     user_data,
                    GError     **error)
{
  ImportJob *job = user_data;

  if (job->synced)
    return wd_sync_store_apply_local (job->store, job->actor, job->now, kind, args, NULL, error);
  return wd_operation_apply (job->store, job->actor, job->now, NULL, kind, args, NULL, error);
}

/* Rows that fail are the result, not an error: the caller lists them. */
static gpointer
run_import (WdStore  *store,
            gpointer  data,
            GError  **error)
{
  ImportJob *job = data;
  g_autoptr(WdImport) import = wd_import_new (store, job->kind, error);
  g_autoptr(GError) run_error = NULL;
  GHashTableIter iter;
  gpointer header, member;

  if (import == NULL)
    return NULL;
  if (job->mapping != NULL)
    {
      g_hash_table_iter_init (&iter, job->mapping);
      while (g_hash_table_iter_next (&iter, &header, &member))
        if (!wd_import_map (import, header, member, error))
          return NULL;
    }
  if (!wd_import_load (import, job->contents, error))
    return NULL;
  job->store = store;
  if (!wd_import_run (import, job->dry_run, apply_imported_row, job, &run_error)
      && wd_import_count (import, WD_IMPORT_FAILED) == 0)
    {
      g_propagate_error (error, g_steal_pointer (&run_error));
      return NULL;
    }
  job->store = NULL;
  return g_steal_pointer (&import);
}

void
wd_workspace_import_async (WdWorkspace         *self,
                           const char          *kind,
                           GBytes              *contents,
                           GHashTable          *mapping,
                           gboolean             dry_run,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  ImportJob *job = g_new0 (ImportJob, 1);

  g_return_if_fail (WD_IS_WORKSPACE (self));

  job->kind = g_strdup (kind);
  job->contents = g_bytes_ref (contents);
  /* A copy: the dialog may change its mapping while the worker reads this. */
  if (mapping != NULL)
    {
      GHashTableIter iter;
      gpointer header, member;

      job->mapping = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, mapping);
      while (g_hash_table_iter_next (&iter, &header, &member))
        g_hash_table_insert (job->mapping, g_strdup (header), g_strdup (member));
    }
  job->dry_run = dry_run;
  job->actor = wd_actor_copy (self->actor);
  job->now = wd_workspace_now (self);
  job->synced = has_synced (self->store);
  wd_workspace_read_async (self, run_import, job, (GDestroyNotify) import_job_free, g_object_unref,
                           cancellable, callback, user_data);
}

WdImport *
wd_workspace_import_finish (WdWorkspace   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(WdImport) import = wd_workspace_read_finish (self, result, error);
  ImportJob *job;

  if (import == NULL)
    return NULL;
  job = ((ReadJob *) g_task_get_task_data (G_TASK (result)))->data;
  if (!job->dry_run && wd_import_count (import, WD_IMPORT_FAILED) == 0)
    {
      wd_workspace_changed (self);
      if (wd_workspace_is_signed_in (self))
        wd_sync_engine_sync_now (self->engine);
    }
  return g_steal_pointer (&import);
}

typedef struct
{
  char *server;
  char *user;
  char *password;
  char *trust;        /* a certificate fingerprint the user confirmed */
  char *presented;    /* the certificate this computer refused, if it did */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->server);
  g_free (sign_in->user);
  g_free (sign_in->trust);
  g_free (sign_in->presented);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

static gpointer
sign_in_on_worker (WdStore   *store,
                   gpointer   data,
                   GError   **error)
{
  SignIn *sign_in = data;
  g_autoptr(WdSyncClient) client = wd_sync_client_new (store, error);

  if (client == NULL)
    return NULL;
  if (sign_in->trust != NULL)
    wd_sync_client_trust_certificate (client, sign_in->trust);
  if (!wd_sync_client_login (client, sign_in->server, sign_in->user, sign_in->password, error))
    {
      sign_in->presented = wd_sync_client_get_presented_fingerprint (client);
      return NULL;
    }
  /* Kept for signing in again when the session ends; a keyring that is
   * not there only means the user is asked again. */
  wd_keyring_store (sign_in->server, sign_in->user, sign_in->password);
  return GINT_TO_POINTER (TRUE);
}

void
wd_workspace_sign_in_async (WdWorkspace         *self,
                            const char          *server,
                            const char          *user,
                            const char          *password,
                            const char          *trust,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  SignIn *sign_in = g_new0 (SignIn, 1);

  sign_in->server = g_strdup (server);
  sign_in->user = g_strdup (user);
  sign_in->password = g_strdup (password);
  sign_in->trust = g_strdup (trust);
  wd_workspace_read_async (self, sign_in_on_worker, sign_in, (GDestroyNotify) sign_in_free, NULL,
                           cancellable, callback, user_data);
}

/* presented: on failure, the fingerprint of a server certificate this
 * computer refused (NULL when that was not why), for the user to
 * compare and trust. */
gboolean
wd_workspace_sign_in_finish (WdWorkspace   *self,
                             GAsyncResult  *result,
                             char         **presented,
                             GError       **error)
{
  ReadJob *job = g_task_get_task_data (G_TASK (result));

  *presented = NULL;
  if (wd_workspace_read_finish (self, result, error) == NULL)
    {
      *presented = g_strdup (((SignIn *) job->data)->presented);
      return FALSE;
    }
  wd_workspace_reload_actor (self);
  wd_sync_engine_start (self->engine);
  wd_sync_engine_sync_now (self->engine);
  wd_workspace_changed (self);
  return TRUE;
}

/* Ends the session here; the server lets the token expire if it cannot be
 * told. Queued changes stay and go out at the next sign-in. */
gboolean
wd_workspace_sign_out (WdWorkspace  *self,
                       GError      **error)
{
  g_autofree char *server = wd_workspace_get_server (self);

  if (!wd_sync_store_set (self->store, "sync_token", NULL, error))
    return FALSE;
  if (server != NULL && self->actor != NULL)
    wd_keyring_forget (server, self->actor->user);
  wd_workspace_changed (self);
  return TRUE;
}
