/* wd-sync-service.c: push and pull on the server (DESIGN.md, "Sync
 * protocol"). */
#define G_LOG_DOMAIN "wudan-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-store-private.h"
#include "wd-operations.h"
#include "wd-sync-protocol.h"
#include "wd-sync-service.h"

struct _WdSyncService
{
  GObject     parent_instance;
  WdStore    *store;
  /* client_id → "user_id|scope" its last pull was recorded with: a
   * client pulling again as before needs no check and no write here. */
  GHashTable *noted;
  /* Prebuilt stores kept for the next first sync of the same scope
   * (CachedSnapshot by scope), shared by the snapshot workers. */
  GMutex      snapshots_lock;
  GHashTable *snapshots;
  GHashTable *refreshing;     /* scopes whose store is being made again */
  char       *epoch;          /* the database's lineage (docs/sync.md) */
};

typedef struct
{
  char   *path;
  gint64  cursor;
} CachedSnapshot;

static void
cached_snapshot_free (CachedSnapshot *cached)
{
  g_unlink (cached->path);
  g_free (cached->path);
  g_free (cached);
}

G_DEFINE_FINAL_TYPE (WdSyncService, wd_sync_service, G_TYPE_OBJECT)

static void
wd_sync_service_finalize (GObject *object)
{
  g_clear_object (&WD_SYNC_SERVICE (object)->store);
  g_free (WD_SYNC_SERVICE (object)->epoch);
  g_clear_pointer (&WD_SYNC_SERVICE (object)->noted, g_hash_table_unref);
  g_clear_pointer (&WD_SYNC_SERVICE (object)->snapshots, g_hash_table_unref);
  g_clear_pointer (&WD_SYNC_SERVICE (object)->refreshing, g_hash_table_unref);
  g_mutex_clear (&WD_SYNC_SERVICE (object)->snapshots_lock);
  G_OBJECT_CLASS (wd_sync_service_parent_class)->finalize (object);
}

static void
wd_sync_service_class_init (WdSyncServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wd_sync_service_finalize;
}

static void
wd_sync_service_init (WdSyncService *self)
{
  self->noted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->snapshots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cached_snapshot_free);
  self->refreshing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->snapshots_lock);
}

static char *snapshot_folder       (const char *db_path);
static void  empty_snapshot_folder (const char *folder);

WdSyncService *
wd_sync_service_new (WdStore *store)
{
  WdSyncService *self = g_object_new (WD_TYPE_SYNC_SERVICE, NULL);
  g_autofree char *folder = snapshot_folder (wd_store_get_path (store));

  self->store = g_object_ref (store);
  self->epoch = wd_server_store_get_epoch (store);
  empty_snapshot_folder (folder);
  return self;
}

/* Whether a client's copy comes from another lineage of this database:
 * one it synced with before this was put back from a backup. A client
 * that names none (it never synced since lineages were kept) is taken
 * at its word. */
static gboolean
from_other_lineage (WdSyncService *self,
                    const char    *epoch)
{
  return epoch != NULL && self->epoch != NULL && !g_str_equal (epoch, self->epoch);
}

static JsonObject *
result_for (WdSyncOp   *op,
            JsonObject *created,
            GError     *refusal)
{
  JsonObject *result = json_object_new ();

  json_object_set_int_member (result, "seq", op->seq);
  json_object_set_string_member (result, "op_id", op->op_id);
  json_object_set_string_member (result, "kind", op->kind);
  if (refusal == NULL)
    {
      json_object_set_string_member (result, "status", "applied");
      json_object_set_object_member (result, "result", json_object_ref (created));
    }
  else
    {
      json_object_set_string_member (result, "status", "rejected");
      json_object_set_string_member (result, "code", wd_error_code_to_string (refusal->code));
      json_object_set_string_member (result, "message", refusal->message);
    }
  return result;
}

/* Applies one operation; FALSE only for a failure of the store itself,
 * which must not be recorded as the operation's fate. */
static gboolean
apply_one (WdSyncService  *self,
           const WdActor  *actor,
           WdSyncOp       *op,
           gint64          now,
           JsonObject    **result,
           GError        **error)
{
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(GError) refusal = NULL;

  if (!wd_operation_apply (self->store, actor, now, op->op_id, op->kind, op->args, &created, &refusal)
      && !wd_error_is_refusal (refusal))
    {
      g_propagate_error (error, g_steal_pointer (&refusal));
      return FALSE;
    }
  *result = result_for (op, created, refusal);
  return TRUE;
}

static gboolean
push_locked (WdSyncService  *self,
             const WdUser   *user,
             const char     *client_id,
             const char     *epoch,
             GPtrArray      *ops,
             gint64          now,
             JsonObject     *response,
             gint64         *last_seq_out,
             GError        **error)
{
  g_autoptr(WdActor) actor = wd_user_to_actor (user);
  JsonArray *results = json_array_new ();
  gboolean foreign = FALSE;
  gint64 last_seq = wd_server_store_client_last_seq (self->store, client_id, user->id, &foreign);

  *last_seq_out = last_seq;
  json_object_set_array_member (response, "results", results);

  if (foreign)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_SEQ_REUSED,
                   _("This client id belongs to another account; sign in on a fresh install"));
      return FALSE;
    }
  if (ops->len > 0 && ((WdSyncOp *) ops->pdata[0])->seq > last_seq + 1 && from_other_lineage (self, epoch))
    {
      gint64 first = ((WdSyncOp *) ops->pdata[0])->seq;

      /* The operations in between were acknowledged by the database this
       * one replaced from a backup: they went with it. The client goes
       * on from where it is, and is told what was lost. */
      g_message ("Client %s goes on at operation %lld: operations %lld to %lld were applied to the database "
                 "before it was restored from a backup", client_id, (long long) first,
                 (long long) last_seq + 1, (long long) first - 1);
      json_object_set_int_member (response, "lost_from", last_seq + 1);
      json_object_set_int_member (response, "lost_to", first - 1);
      last_seq = first - 1;
    }
  if (ops->len > 0 && ((WdSyncOp *) ops->pdata[0])->seq > last_seq + 1)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_GAP,
                   _("Operation %lld was sent before operation %lld; send the queue from %lld on"),
                   (long long) ((WdSyncOp *) ops->pdata[0])->seq, (long long) last_seq + 1,
                   (long long) last_seq + 1);
      return FALSE;
    }

  for (guint i = 0; i < ops->len; i++)
    {
      WdSyncOp *op = g_ptr_array_index (ops, i);
      JsonObject *result = NULL;
      gboolean repeated;

      if (op->seq <= last_seq)
        {
          /* Already applied or rejected: report what happened then. */
          result = wd_server_store_get_result (self->store, client_id, op->seq);
          if (result == NULL
              || g_strcmp0 (json_object_get_string_member_with_default (result, "op_id", NULL), op->op_id) != 0)
            {
              g_clear_pointer (&result, json_object_unref);
              g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_SEQ_REUSED,
                           _("Operation number %lld was already used for another operation; "
                             "this client's queue is damaged"), (long long) op->seq);
              return FALSE;
            }
          json_object_set_boolean_member (result, "duplicate", TRUE);
          json_array_add_object_element (results, result);
          continue;
        }

      /* Its op_id may have been applied under another number: a store
       * copied to a second computer renumbers its queue (docs/sync.md),
       * and sends again what the first may have sent. Applied once,
       * answered as then. */
      result = wd_server_store_find_result (self->store, op->op_id);
      repeated = result != NULL;
      if (repeated)
        json_object_set_int_member (result, "seq", op->seq);
      if ((!repeated && !apply_one (self, actor, op, now, &result, error))
          || !wd_server_store_add_result (self->store, client_id, op->seq, repeated ? NULL : op->op_id,
                                          result, now, error))
        {
          g_clear_pointer (&result, json_object_unref);
          return FALSE;
        }
      if (repeated)
        json_object_set_boolean_member (result, "duplicate", TRUE);
      json_array_add_object_element (results, result);
      last_seq = op->seq;
    }

  json_object_set_int_member (response, "last_seq", last_seq);
  *last_seq_out = last_seq;
  return wd_server_store_set_client (self->store, client_id, user->id, last_seq, now, error);
}

/* The whole push is one transaction: the operations, their change-log
 * rows, their results and the client's last_seq commit together, before
 * the answer leaves. A crash at any point before the commit leaves none
 * of it; after it, a retry finds every operation a duplicate. */
JsonObject *
wd_sync_service_push (WdSyncService  *self,
                      const WdUser   *user,
                      const char     *body,
                      gsize           length,
                      gint64          now,
                      gint64         *last_seq,
                      GError        **error)
{
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *epoch = NULL;

  g_return_val_if_fail (WD_IS_SYNC_SERVICE (self), NULL);

  if (!wd_sync_decode_push (body, length, &client_id, &epoch, &ops, error))
    return NULL;

  json_object_set_int_member (response, "protocol", WD_SYNC_PROTOCOL_VERSION);
  if (self->epoch != NULL)
    json_object_set_string_member (response, "epoch", self->epoch);
  if (!wd_store_begin (self->store, error))
    return NULL;
  if (!push_locked (self, user, client_id, epoch, ops, now, response, last_seq, error))
    {
      wd_store_rollback (self->store);
      return NULL;
    }
  if (!wd_store_commit (self->store, error))
    return NULL;
  return g_steal_pointer (&response);
}

typedef enum
{
  HIDDEN,
  SHOWN,
  DROPPED,   /* the client may hold a copy it must now forget */
} Visibility;

static const char *
column (sqlite3_stmt *stmt,
        const char   *name)
{
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    if (g_str_equal (sqlite3_column_name (stmt, i), name))
      return (const char *) sqlite3_column_text (stmt, i);
  return NULL;
}

/* The centre sees every row as it is. */
static gboolean
sees_everything (const WdUser *user)
{
  return user->role == WD_ROLE_ADMIN || user->role == WD_ROLE_CENTRE;
}

static Visibility
order_visibility (WdStore       *store,
                  const WdUser  *user,
                  const char    *order_id,
                  const char    *subdistrict_id,
                  const char    *assignee_kind,
                  const char    *assignee_id)
{
  switch (user->role)
    {
    case WD_ROLE_ADMIN:
    case WD_ROLE_CENTRE:
      return SHOWN;
    case WD_ROLE_OFFICE:
      return g_strcmp0 (subdistrict_id, user->subdistrict_id) == 0 ? SHOWN : HIDDEN;
    case WD_ROLE_TEAM:
    default:
      if (g_strcmp0 (assignee_id, user->assignee_id) == 0
          && g_strcmp0 (assignee_kind, wd_assignee_kind_to_string (user->assignee_kind)) == 0)
        return SHOWN;
      return wd_server_store_was_assigned (store, order_id, user->assignee_id) ? DROPPED : HIDDEN;
    }
}

/* Whether the order a rating, callback or history entry belongs to is
 * seen; those rows are never "dropped", only not sent. */
static Visibility
visibility_of_order_id (WdStore       *store,
                        const WdUser  *user,
                        const char    *order_id)
{
  g_autofree char *subdistrict = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *assignee = NULL;

  if (order_id == NULL
      || !wd_server_store_order_scope (store, order_id, &subdistrict, &kind, &assignee))
    return HIDDEN;
  return order_visibility (store, user, order_id, subdistrict, kind, assignee) == SHOWN ? SHOWN : HIDDEN;
}

/* A team or speaker keeps the certificates issued to it. */
static gboolean
is_own_certificate (const WdUser *user,
                    sqlite3_stmt *row)
{
  return user->role == WD_ROLE_TEAM
         && g_strcmp0 (column (row, "holder_kind"),
                       wd_assignee_kind_to_string (user->assignee_kind)) == 0
         && g_strcmp0 (column (row, "holder_id"), user->assignee_id) == 0;
}

/* What of an entity the user may see. Offices see the catalogues and their
 * sub-district's orders; teams the catalogues and the orders dispatched to
 * them and their own certificates; neither sees funds or rewards. */
static Visibility
visibility (WdStore       *store,
            const WdUser  *user,
            const char    *entity,
            sqlite3_stmt  *row)
{
  if (sees_everything (user))
    return SHOWN;

  if (g_str_equal (entity, "order"))
    return order_visibility (store, user, column (row, "id"), column (row, "subdistrict_id"),
                             column (row, "assignee_kind"), column (row, "assignee_id"));
  if (g_str_equal (entity, "rating"))
    return visibility_of_order_id (store, user, column (row, "order_id"));
  if (g_str_equal (entity, "callback"))
    return user->role == WD_ROLE_OFFICE ? visibility_of_order_id (store, user, column (row, "order_id"))
                                        : HIDDEN;
  if (g_str_equal (entity, "history"))
    return g_strcmp0 (column (row, "entity"), "order") == 0
           ? visibility_of_order_id (store, user, column (row, "entity_id"))
           : HIDDEN;
  if (g_str_equal (entity, "fund") || g_str_equal (entity, "fund_ledger")
      || g_str_equal (entity, "reward_period"))
    return HIDDEN;
  if (g_str_equal (entity, "certificate"))
    return is_own_certificate (user, row) ? SHOWN : HIDDEN;
  return SHOWN;
}

/* Text as an SQL literal; NULL as NULL (compared with IS, as
 * g_strcmp0 compares). */
static char *
sql_literal (const char *text)
{
  g_autoptr(GString) literal = NULL;

  if (text == NULL)
    return g_strdup ("NULL");
  literal = g_string_new (text);

  g_string_replace (literal, "'", "''", 0);
  g_string_prepend_c (literal, '\'');
  g_string_append_c (literal, '\'');
  return g_string_free (g_steal_pointer (&literal), FALSE);
}

/* The orders a scope could see, as a condition on the orders row row. */
static char *
candidate_orders (const WdUser *user,
                  const char   *row)
{
  g_autofree char *subdistrict = sql_literal (user->subdistrict_id);
  g_autofree char *kind = sql_literal (wd_assignee_kind_to_string (user->assignee_kind));
  g_autofree char *assignee = sql_literal (user->assignee_id);

  if (user->role == WD_ROLE_OFFICE)
    return g_strdup_printf ("%s.subdistrict_id IS %s", row, subdistrict);
  return g_strdup_printf ("%s.assignee_kind IS %s AND %s.assignee_id IS %s", row, kind, row, assignee);
}

/* A team's own certificates, as a condition on ROW. */
static char *
own_certificates (const WdUser *user)
{
  g_autofree char *kind = sql_literal (wd_assignee_kind_to_string (user->assignee_kind));
  g_autofree char *holder = sql_literal (user->assignee_id);

  return g_strdup_printf ("ROW.holder_kind IS %s AND ROW.holder_id IS %s", kind, holder);
}

/* The rows of an entity a scope could see, as a condition on ROW, or
 * NULL for all of them. It narrows what making a first sync's store
 * reads (an office's orders, not the district's) and may take more
 * than visibility () shows, never less: visibility () still judges
 * every row it takes. */
static char *
scope_candidates (const WdUser *user,
                  const char   *entity)
{
  g_autofree char *orders = NULL;

  if (sees_everything (user))
    return NULL;
  if (g_str_equal (entity, "order"))
    return candidate_orders (user, "ROW");

  orders = candidate_orders (user, "o");
  if (g_str_equal (entity, "rating")
      || (g_str_equal (entity, "callback") && user->role == WD_ROLE_OFFICE))
    return g_strdup_printf ("ROW.order_id IN (SELECT o.id FROM main.orders AS o WHERE %s)", orders);
  if (g_str_equal (entity, "history"))
    return g_strdup_printf ("ROW.entity = 'order'"
                            " AND ROW.entity_id IN (SELECT o.id FROM main.orders AS o WHERE %s)", orders);
  if (g_str_equal (entity, "certificate") && user->role == WD_ROLE_TEAM)
    return own_certificates (user);
  if (g_str_equal (entity, "callback") || g_str_equal (entity, "certificate")
      || g_str_equal (entity, "fund") || g_str_equal (entity, "fund_ledger")
      || g_str_equal (entity, "reward_period"))
    return g_strdup ("0");
  return NULL;
}

typedef struct
{
  const WdUser *user;
  const char   *speaker_id;
} MaskContext;

/* Speakers' phones are private: whole for the centre and the speaker. */
static char *
mask_speaker_phone (const char *name,
                    const char *value,
                    gpointer    data)
{
  MaskContext *ctx = data;

  if (!g_str_equal (name, "phone") || sees_everything (ctx->user)
      || (ctx->user->assignee_kind == WD_ASSIGNEE_SPEAKER
          && g_strcmp0 (ctx->user->assignee_id, ctx->speaker_id) == 0))
    return NULL;
  return wd_mask_phone (value);
}

static void
append_change_head (GString    *out,
                    gint64      seq,
                    const char *entity,
                    const char *key)
{
  if (out->str[out->len - 1] != '[')
    wd_json_append_literal (out, ",");
  wd_json_append_literal (out, "{\"seq\":");
  wd_json_append_int (out, seq);
  wd_json_append_literal (out, ",\"entity\":");
  wd_json_append_string (out, entity);
  wd_json_append_literal (out, ",\"key\":");
  wd_json_append_string (out, key);
}

/* Appends one logged change as the caller may see it, row standing on
 * the entity's current row (a wd_server_store_rows_changed () row) or
 * NULL; returns whether anything was appended. */
static gboolean
append_change (WdStore        *store,
               const WdUser   *user,
               gint64          seq,
               const char     *entity,
               const char     *key,
               sqlite3_stmt   *row,
               GString        *out)
{
  int n_columns = row ? sqlite3_column_count (row) - WD_SERVER_STORE_CHANGE_COLUMNS : 0;

  if (row == NULL || sqlite3_column_int (row, n_columns + 1))
    {
      append_change_head (out, seq, entity, key);
      wd_json_append_literal (out, ",\"deleted\":true}");
      return TRUE;
    }

  switch (visibility (store, user, entity, row))
    {
    case SHOWN:
      {
        MaskContext mask = { user, key };

        append_change_head (out, seq, entity, key);
        wd_json_append_literal (out, ",\"row\":{");
        wd_store_append_json_members (store, row, n_columns, out,
                                     g_str_equal (entity, "speaker") ? mask_speaker_phone : NULL, &mask);
        wd_server_store_append_extras (store, entity, key, out);
        wd_json_append_literal (out, "}}");
      }
      return TRUE;
    case DROPPED:
      append_change_head (out, seq, entity, key);
      wd_json_append_literal (out, ",\"deleted\":true}");
      return TRUE;
    case HIDDEN:
    default:
      return FALSE;
    }
}

/* One entry of the change log. */
typedef struct
{
  gint64  seq;
  char   *entity;
  char   *key;
} LoggedChange;

static void
logged_change_clear (LoggedChange *change)
{
  g_free (change->entity);
  g_free (change->key);
}

/* Up to limit entries of the log after `after`, in order. */
static GArray *
read_log (WdStore  *store,
          gint64    after,
          guint     limit,
          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_server_store_changes_after (store, after, limit, error);
  g_autoptr(GArray) changes = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  changes = g_array_sized_new (FALSE, FALSE, sizeof (LoggedChange), limit);
  g_array_set_clear_func (changes, (GDestroyNotify) logged_change_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LoggedChange change = { sqlite3_column_int64 (stmt, 0), wd_stmt_dup_text (stmt, 1),
                              wd_stmt_dup_text (stmt, 2) };

      g_array_append_val (changes, change);
    }
  if (rc != SQLITE_DONE)
    {
      wd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&changes);
}

static void
release_rows (gpointer stmt)
{
  if (stmt != NULL)
    wd_stmt_release (stmt);
}

/* Moves rows on to the row of change seq, its next. The log and the rows
 * are read in one transaction, so they cannot disagree unless the store
 * is damaged. */
static gboolean
step_to_change (WdStore       *store,
                sqlite3_stmt  *rows,
                gint64         seq,
                GError       **error)
{
  int rc = sqlite3_step (rows);

  if (rc == SQLITE_ROW
      && sqlite3_column_int64 (rows, sqlite3_column_count (rows) - WD_SERVER_STORE_CHANGE_COLUMNS) == seq)
    return TRUE;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return wd_store_set_error (store, error);
  g_set_error (error, WD_ERROR, WD_ERROR_STORE,
               _("The change log and the rows it names disagree at change %lld: the database may be "
                 "damaged; check it with sqlite3's PRAGMA integrity_check and restore a backup if so"),
               (long long) seq);
  return FALSE;
}

/* Appends the logged changes (the entries after `after`), each with its
 * entity's current row, until `room` of them are appended. Counts in
 * *sent those appended and in *passed those gone through, the hidden
 * ones included. Each entity's rows are read by one statement walking
 * along the log with the entries. */
static gboolean
append_logged (WdStore       *store,
               const WdUser  *user,
               GArray        *changes,
               gint64         after,
               guint          room,
               guint         *passed,
               guint         *sent,
               GString       *out,
               GError       **error)
{
  gint64 upto = g_array_index (changes, LoggedChange, changes->len - 1).seq;
  g_autoptr(GHashTable) readers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, release_rows);

  for (guint i = 0; i < changes->len && *sent < room; i++)
    {
      LoggedChange *change = &g_array_index (changes, LoggedChange, i);
      sqlite3_stmt *rows = NULL;

      if (!g_hash_table_lookup_extended (readers, change->entity, NULL, (gpointer *) &rows))
        {
          g_autoptr(GError) rows_error = NULL;

          rows = wd_server_store_rows_changed (store, change->entity, after, upto, &rows_error);
          if (rows_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&rows_error));
              return FALSE;
            }
          g_hash_table_insert (readers, change->entity, rows);
        }
      if (rows != NULL && !step_to_change (store, rows, change->seq, error))
        return FALSE;
      (*passed)++;
      if (append_change (store, user, change->seq, change->entity, change->key, rows, out))
        (*sent)++;
    }
  return TRUE;
}

/* What a pull decides on the server's own connection before its page is
 * read: the install is this account's, and the scope it pulls with is
 * recorded (a write). Remembered, so the next pull of the same install
 * as the same account and scope skips both. */
static gboolean
pull_preamble (WdSyncService        *self,
               const WdUser         *user,
               const WdPullRequest  *request,
               gint64                now,
               gboolean             *scope_changed,
               GError              **error)
{
  g_autofree char *scope = wd_user_scope (user);
  g_autofree char *noted = g_strdup_printf ("%" G_GINT64_FORMAT "|%s", user->id, scope);
  gboolean foreign = FALSE;

  *scope_changed = FALSE;
  if (g_strcmp0 (g_hash_table_lookup (self->noted, request->client_id), noted) == 0)
    return TRUE;

  wd_server_store_client_last_seq (self->store, request->client_id, user->id, &foreign);
  if (foreign)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_SEQ_REUSED,
                   _("This client id belongs to another account; sign in on a fresh install"));
      return FALSE;
    }
  if (!wd_server_store_note_pull (self->store, request->client_id, user->id, scope, now, scope_changed, error))
    return FALSE;
  g_hash_table_insert (self->noted, g_strdup (request->client_id), g_steal_pointer (&noted));
  return TRUE;
}

/* Writes the page after the preamble, from one read transaction of store
 * (the server's own connection or a reader's). */
static gboolean
pull_page (WdStore              *store,
           const WdUser         *user,
           const WdPullRequest  *request,
           gboolean              start_again,
           GString              *out,
           GError              **error)
{
  gint64 last_change = wd_server_store_last_change (store);
  gint64 cursor = request->since;
  gboolean foreign = FALSE;   /* checked by the preamble */
  gint64 last_seq = wd_server_store_client_last_seq (store, request->client_id, user->id, &foreign);
  guint scanned = 0, sent = 0;

  /* A copy made under another scope, before the database was restored
   * from a backup, or from compacted history, cannot be patched up: the
   * client starts again from zero, keeping its outbox. */
  if ((start_again && request->since > 0) || request->since < wd_server_store_log_horizon (store))
    {
      g_string_append_printf (out, "\"last_seq\":%" G_GINT64_FORMAT ",", last_seq);
      g_string_append (out, "\"reset\":true,\"cursor\":0,\"more\":true,\"changes\":[]");
      return TRUE;
    }
  if (request->since > last_change)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_CURSOR,
                   _("The cursor %lld lies beyond the newest change (%lld); this client's copy "
                     "comes from another server: reset it and sync again"),
                   (long long) request->since, (long long) last_change);
      return FALSE;
    }
  g_string_append_printf (out, "\"last_seq\":%" G_GINT64_FORMAT ",", last_seq);

  g_string_append (out, "\"reset\":false,\"changes\":[");
  /* Read at most a few pages' worth of log per request, so a client that
   * may see little of it still gets an answer soon. */
  while (sent < request->limit && scanned < 4 * request->limit)
    {
      g_autoptr(GArray) changes = read_log (store, cursor, request->limit, error);
      guint passed = 0;

      if (changes == NULL)
        return FALSE;
      if (changes->len == 0)
        break;
      if (!append_logged (store, user, changes, cursor, request->limit, &passed, &sent, out, error))
        return FALSE;
      scanned += passed;
      cursor = g_array_index (changes, LoggedChange, passed - 1).seq;
    }

  /* head: the newest change there is, so a client can show progress. */
  g_string_append_printf (out, "],\"cursor\":%" G_GINT64_FORMAT ",\"head\":%" G_GINT64_FORMAT ",\"more\":%s",
                          cursor, last_change, cursor < last_change ? "true" : "false");

  if (request->acked >= 0)
    {
      g_string_append (out, ",\"results\":");
      if (!wd_server_store_append_results (store, request->client_id, request->acked,
                                           WD_SYNC_MAX_OPS_PER_PUSH, out, error))
        return FALSE;
    }
  return TRUE;
}

/* The whole answer to a pull: pages are written straight from the rows,
 * without a json-glib tree in between, since a page of five thousand rows
 * is the server's heaviest answer. One transaction: the page is one
 * snapshot of the log and the rows. */
static char *
pull_answer (WdStore              *store,
             const WdUser         *user,
             const WdPullRequest  *request,
             gboolean              start_again,
             const char           *epoch,
             gsize                *length,
             GError              **error)
{
  /* A change is about half a kilobyte: sized for the page at once, the
   * answer is not copied again each time it doubles. */
  g_autoptr(GString) out = g_string_sized_new (MIN (request->limit, WD_SYNC_MAX_PULL_LIMIT) * 512);

  g_string_append_printf (out, "{\"protocol\":%d,\"since\":%" G_GINT64_FORMAT ",",
                          WD_SYNC_PROTOCOL_VERSION, request->since);
  if (epoch != NULL)
    {
      g_string_append (out, "\"epoch\":");
      wd_json_append_string (out, epoch);
      g_string_append_c (out, ',');
    }
  if (!wd_store_begin_read (store, error))
    return NULL;
  if (!pull_page (store, user, request, start_again, out, error))
    {
      wd_store_rollback (store);
      return NULL;
    }
  if (!wd_store_commit (store, error))
    return NULL;

  g_string_append_c (out, '}');
  *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Pages are read on a few reader threads, each with a connection of its
 * own (WAL lets them read beside the writer): the main loop's thread
 * parses requests, writes answers and applies pushes, and a busy server
 * uses a second core for the reading, which is most of a pull. */

typedef struct
{
  WdStore *store;
  char    *path;
} Reader;

static void
reader_free (Reader *reader)
{
  if (reader == NULL)
    return;
  g_clear_object (&reader->store);
  g_free (reader->path);
  g_free (reader);
}

static GPrivate thread_reader = G_PRIVATE_INIT ((GDestroyNotify) reader_free);

/* This thread's connection to the database at path, opened once. */
static WdStore *
reader_for (const char  *path,
            GError     **error)
{
  Reader *reader = g_private_get (&thread_reader);

  if (reader != NULL && g_strcmp0 (reader->path, path) == 0)
    return reader->store;
  reader = g_new0 (Reader, 1);
  reader->path = g_strdup (path);
  reader->store = wd_store_open (path, error);
  if (reader->store == NULL)
    {
      reader_free (reader);
      return NULL;
    }
  g_private_replace (&thread_reader, reader);
  return reader->store;
}

typedef struct
{
  char          *path;
  WdUser        *user;
  WdPullRequest  request;
  gboolean       start_again;
  char          *epoch;
  gsize          length;
} PullJob;

static void
pull_job_free (PullJob *job)
{
  g_free (job->path);
  wd_user_free (job->user);
  g_free ((char *) job->request.client_id);
  g_free ((char *) job->request.epoch);
  g_free (job->epoch);
  g_free (job);
}

static void
read_page (gpointer data,
           gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  PullJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  WdStore *store = reader_for (job->path, &error);
  char *answer = store ? pull_answer (store, job->user, &job->request, job->start_again, job->epoch,
                                     &job->length, &error)
                       : NULL;

  if (answer == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, answer, g_free);
}

static GThreadPool *
reader_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *made = g_thread_pool_new (read_page, NULL, (int) MAX (2, g_get_num_processors ()), FALSE,
                                             NULL);

      g_once_init_leave (&pool, made);
    }
  return pool;
}

/* Checks and records the pull on the server's connection at once, then
 * reads the page on a reader thread; a pull the checks refuse completes
 * with their error and reads nothing. */
void
wd_sync_service_pull_async (WdSyncService        *self,
                            const WdUser         *user,
                            const WdPullRequest  *request,
                            gint64                now,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              data)
{
  GTask *task = g_task_new (self, cancellable, callback, data);
  g_autoptr(GError) error = NULL;
  PullJob *job;
  gboolean scope_changed = FALSE;

  g_return_if_fail (WD_IS_SYNC_SERVICE (self));

  g_task_set_source_tag (task, wd_sync_service_pull_async);
  if (!pull_preamble (self, user, request, now, &scope_changed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  job = g_new0 (PullJob, 1);
  job->path = g_strdup (wd_store_get_path (self->store));
  job->user = wd_user_copy (user);
  job->request = *request;
  job->request.client_id = g_strdup (request->client_id);
  job->request.epoch = g_strdup (request->epoch);
  job->start_again = scope_changed || from_other_lineage (self, request->epoch);
  job->epoch = g_strdup (self->epoch);
  g_task_set_task_data (task, job, (GDestroyNotify) pull_job_free);
  g_thread_pool_push (reader_pool (), task, NULL);
}

char *
wd_sync_service_pull_finish (WdSyncService  *self,
                             GAsyncResult   *result,
                             gsize          *length,
                             GError        **error)
{
  char *answer;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer != NULL)
    *length = ((PullJob *) g_task_get_task_data (G_TASK (result)))->length;
  return answer;
}

/* A first sync downloads the rows a user may see as one SQLite database
 * instead of replaying the change log entity by entity: the client copies
 * it in with a few INSERT … SELECT, then pulls the changes after its
 * cursor. The database is built on a worker, on a connection of its own,
 * in one read transaction, so it is one consistent state of the store
 * and the rest of the server goes on answering meanwhile. */

/* Snapshots were made in the temporary folder under this prefix; they
 * are made in a folder beside the database now (snapshot_folder). */
#define SNAPSHOT_PREFIX "wudan-snapshot-"
#define STALE_SNAPSHOT_SECONDS (24 * 60 * 60)

/* A first sync's prebuilt store is reused while it is this close to the
 * log's head: the pull after it brings the rest, page by page. Past the
 * second figure, a new one is made in the background for the next. */
#define SNAPSHOT_REUSE_CHANGES 20000
#define SNAPSHOT_REFRESH_CHANGES 2000

typedef struct
{
  char     *db_path;
  char     *folder;
  WdUser   *user;
  gboolean  compress;
  gboolean  store_format;   /* a whole client store, indexes and search index built */
  gboolean  background;     /* made for the cache, never reused from it */
  gint64    cursor;
} SnapshotJob;

/* Where the snapshots of the database at db_path are made and kept: a
 * folder beside it, the server's own (in its state directory when run
 * by systemd), so a server killed while making one leaves nothing in a
 * shared folder, and the next start empties it. */
static char *
snapshot_folder (const char *db_path)
{
  return g_strconcat (db_path, ".snapshots", NULL);
}

static void
empty_snapshot_folder (const char *folder)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      g_warning ("Cannot make the folder %s for first syncs: %s", folder, g_strerror (errno));
      return;
    }
  dir = g_dir_open (folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      g_unlink (path);
    }
}

/* A new file's name in the snapshot folder. */
static char *
new_snapshot_path (const char  *folder,
                   GError     **error)
{
  g_autofree char *path = g_build_filename (folder, "XXXXXX.db", NULL);
  int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot make a file in %s: %s"), folder,
                   g_strerror (saved));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&path);
}

/* Removes the snapshots an older server killed while making one left in
 * the temporary folder; one a day old is never one another server is
 * still making. */
void
wd_sync_service_remove_stale_snapshots (void)
{
  const char *folder = g_get_tmp_dir ();
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, SNAPSHOT_PREFIX))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_stat (path, &st) == 0 && now - (gint64) st.st_mtime > STALE_SNAPSHOT_SECONDS && g_unlink (path) == 0)
        g_message ("Removed %s, a snapshot left by a server that stopped while making it", path);
    }
}

static void
snapshot_job_free (SnapshotJob *job)
{
  g_free (job->db_path);
  g_free (job->folder);
  wd_user_free (job->user);
  g_free (job);
}

static gboolean
copy_row (WdStore       *store,
          const WdUser  *user,
          const char    *table,
          sqlite3_stmt  *row,
          sqlite3_stmt  *insert,
          GError       **error)
{
  MaskContext mask = { user, column (row, "id") };
  gboolean speakers = g_str_equal (table, "speakers");
  gboolean ok;

  for (int c = 0; c < sqlite3_column_count (row); c++)
    {
      g_autofree char *masked = NULL;

      if (speakers && sqlite3_column_type (row, c) == SQLITE_TEXT)
        masked = mask_speaker_phone (sqlite3_column_name (row, c), (const char *) sqlite3_column_text (row, c),
                                     &mask);
      if (masked != NULL)
        sqlite3_bind_text (insert, c + 1, masked, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_value (insert, c + 1, sqlite3_column_value (row, c));
    }
  ok = wd_store_run (store, insert, error);
  sqlite3_reset (insert);
  return ok;
}

/* Copies the rows of the i-th synced table that the user may see, as a
 * pull would show them. */
static gboolean
copy_visible_rows (WdStore       *store,
                   const WdUser  *user,
                   guint          i,
                   gboolean       tables_made,
                   GError       **error)
{
  const char *table = NULL, *entity = NULL;
  g_autofree char *narrowing = NULL;
  g_autoptr(sqlite3_stmt) scan = NULL;
  g_autofree char *create = NULL;
  g_autoptr(GString) insert_sql = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  int rc;

  wd_server_store_synced_table (i, &table, &entity);
  narrowing = scope_candidates (user, entity);
  scan = wd_server_store_scan_synced_table (store, i, narrowing, error);
  if (scan == NULL)
    return FALSE;
  create = g_strdup_printf ("CREATE TABLE snapshot.%s AS SELECT * FROM main.%s WHERE 0", table, table);
  if (!tables_made && !wd_store_exec (store, create, error))
    return FALSE;

  if (sees_everything (user))
    {
      g_autofree char *copy = g_strdup_printf ("INSERT INTO snapshot.%s %s", table, sqlite3_sql (scan));

      return wd_store_exec (store, copy, error);
    }

  insert_sql = g_string_new (NULL);
  g_string_printf (insert_sql, "INSERT INTO snapshot.%s VALUES (", table);
  for (int c = 0; c < sqlite3_column_count (scan); c++)
    g_string_append (insert_sql, c == 0 ? "?" : ", ?");
  g_string_append_c (insert_sql, ')');
  insert = wd_store_prepare (store, insert_sql->str, error);
  if (insert == NULL)
    return FALSE;

  while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
    if (visibility (store, user, entity, scan) == SHOWN
        && !copy_row (store, user, table, scan, insert, error))
      return FALSE;
  return rc == SQLITE_DONE || wd_store_set_error (store, error);
}

static gboolean
write_snapshot_info (WdStore       *store,
                     const WdUser  *user,
                     gint64         cursor,
                     gboolean       store_format,
                     GError       **error)
{
  g_autofree char *scope = wd_user_scope (user);
  g_autofree char *sql = g_strdup_printf (
      "CREATE TABLE snapshot.snapshot (key TEXT PRIMARY KEY, value);"
      "INSERT INTO snapshot.snapshot VALUES ('protocol', %d), ('cursor', %" G_GINT64_FORMAT "),"
      " ('made_at', %" G_GINT64_FORMAT "), ('format', '%s');",
      WD_SYNC_PROTOCOL_VERSION, cursor, g_get_real_time () / G_USEC_PER_SEC, store_format ? "store" : "tables");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!wd_store_exec (store, sql, error))
    return FALSE;
  stmt = wd_store_prepare (store, "INSERT INTO snapshot.snapshot VALUES ('scope', ?)", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, scope);
  return wd_store_run (store, stmt, error);
}

static gboolean
fill_snapshot (WdStore       *store,
               const WdUser  *user,
               const char    *path,
               gboolean       store_format,
               gint64        *cursor,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) attach = wd_store_prepare (store, "ATTACH DATABASE ? AS snapshot", error);

  if (attach == NULL)
    return FALSE;
  wd_stmt_bind_text (attach, 1, path);
  /* A snapshot that is not finished is thrown away: no journal needed. */
  if (!wd_store_run (store, attach, error)
      || !wd_store_exec (store, "PRAGMA snapshot.journal_mode = OFF; PRAGMA snapshot.synchronous = OFF", error))
    return FALSE;

  if (!wd_store_begin_read (store, error))
    return FALSE;
  *cursor = wd_server_store_last_change (store);
  if (!write_snapshot_info (store, user, *cursor, store_format, error))
    goto fail;
  for (guint i = 0; i < wd_server_store_n_synced_tables (); i++)
    if (!copy_visible_rows (store, user, i, store_format, error))
      goto fail;
  if (!wd_store_commit (store, error))
    goto detach;
  return wd_store_exec (store, "DETACH DATABASE snapshot", error);

fail:
  wd_store_rollback (store);
detach:
  wd_store_exec (store, "DETACH DATABASE snapshot", NULL);
  return FALSE;
}

/* The empty store a client would make, for a snapshot a client adopts
 * as its own file, without its secondary indexes: filled row by row they
 * cost a random write each, built afterwards a sort. *indexes holds the
 * statements that make them. */
static gboolean
create_client_store (const char  *path,
                     GPtrArray  **indexes,
                     GError     **error)
{
  g_autoptr(WdStore) fresh = wd_store_open (path, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *indexes = g_ptr_array_new_with_free_func (g_free);
  if (fresh == NULL)
    return FALSE;
  stmt = wd_store_prepare (fresh, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (names, wd_stmt_dup_text (stmt, 0));
      g_ptr_array_add (*indexes, wd_stmt_dup_text (stmt, 1));
    }
  g_clear_pointer (&stmt, wd_stmt_release);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX \"%s\"", (char *) names->pdata[i]);

      if (!wd_store_exec (fresh, drop, error))
        return FALSE;
    }
  return TRUE;
}

/* Builds the indexes and the search index a client would have after a
 * first sync, and leaves the file whole in itself (no write-ahead log
 * beside it). */
static gboolean
index_client_store (const char  *path,
                    GPtrArray   *indexes,
                    GError     **error)
{
  g_autoptr(WdStore) filled = wd_store_open (path, error);

  if (filled == NULL)
    return FALSE;
  for (guint i = 0; i < indexes->len; i++)
    if (!wd_store_exec (filled, indexes->pdata[i], error))
      return FALSE;
  return wd_store_rebuild_search_index (filled, error)
      && wd_store_exec (filled, "PRAGMA journal_mode = DELETE", error);
}

static char *
cache_key (const WdUser *user)
{
  return sees_everything (user) ? g_strdup ("everything") : wd_user_scope (user);
}

/* Another name in the temporary folder for the file at path: the server
 * deletes a snapshot's name once it is mapped to be sent, and the cache
 * keeps a name of its own. */
static char *
link_snapshot (const char  *folder,
               const char  *path,
               GError     **error)
{
  g_autofree char *link_path = new_snapshot_path (folder, error);

  if (link_path == NULL)
    return NULL;
  g_unlink (link_path);
  if (link (path, link_path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot link %s to %s: %s"), path,
                   link_path, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&link_path);
}

static void make_in_background (WdSyncService *self,
                                const WdUser  *user);

/* The prebuilt store kept for user's scope, under a new name, when it is
 * recent enough; NULL when there is none to reuse. */
static char *
reuse_cached (WdSyncService *self,
              WdStore       *store,
              const char    *folder,
              const WdUser  *user,
              gint64        *cursor)
{
  g_autofree char *key = cache_key (user);
  gint64 head = wd_server_store_last_change (store);
  gint64 horizon = wd_server_store_log_horizon (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->snapshots_lock);
  CachedSnapshot *cached = g_hash_table_lookup (self->snapshots, key);
  char *path;

  if (cached == NULL || cached->cursor < horizon || head - cached->cursor > SNAPSHOT_REUSE_CHANGES)
    return NULL;
  path = link_snapshot (folder, cached->path, NULL);
  if (path == NULL)
    return NULL;
  *cursor = cached->cursor;
  if (head - cached->cursor > SNAPSHOT_REFRESH_CHANGES && !g_hash_table_contains (self->refreshing, key))
    {
      g_hash_table_add (self->refreshing, g_strdup (key));
      make_in_background (self, user);
    }
  return path;
}

/* A store for key's scope is made: no more need to make one again. */
static void
made_for (WdSyncService *self,
          const WdUser  *user)
{
  g_autofree char *key = cache_key (user);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->snapshots_lock);

  g_hash_table_remove (self->refreshing, key);
}

static void
keep_in_cache (WdSyncService *self,
               const char    *folder,
               const WdUser  *user,
               const char    *path,
               gint64         cursor)
{
  g_autofree char *key = cache_key (user);
  g_autofree char *kept = link_snapshot (folder, path, NULL);
  g_autoptr(GMutexLocker) locker = NULL;
  CachedSnapshot *current;
  CachedSnapshot *cached;

  if (kept == NULL)
    return;
  cached = g_new0 (CachedSnapshot, 1);
  cached->path = g_steal_pointer (&kept);
  cached->cursor = cursor;
  locker = g_mutex_locker_new (&self->snapshots_lock);
  current = g_hash_table_lookup (self->snapshots, key);
  /* Two made at once: the newer stays. */
  if (current != NULL && current->cursor > cursor)
    cached_snapshot_free (cached);
  else
    g_hash_table_replace (self->snapshots, g_steal_pointer (&key), cached);
}

/* gzip level 1, as for every other answer: most of the saving for a
 * third of the work of the default level. */
static char *
gzip_file (const char  *path,
           GError     **error)
{
  g_autofree char *gz_path = g_strconcat (path, ".gz", NULL);
  g_autoptr(GFile) source = g_file_new_for_path (path);
  g_autoptr(GFile) target = g_file_new_for_path (gz_path);
  g_autoptr(GFileInputStream) input = g_file_read (source, NULL, error);
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) gzip = NULL;

  if (input == NULL)
    return NULL;
  output = g_file_replace (target, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (output == NULL)
    return NULL;
  gzip = g_converter_output_stream_new (G_OUTPUT_STREAM (output), G_CONVERTER (compressor));
  if (g_output_stream_splice (gzip, G_INPUT_STREAM (input),
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, error) < 0)
    {
      g_unlink (gz_path);
      return NULL;
    }
  return g_steal_pointer (&gz_path);
}

static void
make_snapshot (gpointer data,
               gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  SnapshotJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = wd_store_open (job->db_path, &error);
  g_autofree char *path = NULL;
  g_autofree char *gz_path = NULL;
  g_autoptr(GPtrArray) indexes = NULL;
  gboolean filled;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->store_format && !job->background)
    path = reuse_cached (g_task_get_source_object (task), store, job->folder, job->user, &job->cursor);
  if (path != NULL)
    filled = TRUE;
  else
    {
      path = new_snapshot_path (job->folder, &error);
      if (path == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      filled = (!job->store_format || create_client_store (path, &indexes, &error))
               && fill_snapshot (store, job->user, path, job->store_format, &job->cursor, &error)
               && (!job->store_format || index_client_store (path, indexes, &error));
      if (job->store_format)
        {
          g_autofree char *users = g_strconcat (path, "-users", NULL);

          g_unlink (users);
        }
      if (filled && job->store_format)
        keep_in_cache (g_task_get_source_object (task), job->folder, job->user, path, job->cursor);
      if (job->store_format)
        made_for (g_task_get_source_object (task), job->user);
    }
  g_clear_object (&store);
  if (filled && job->compress)
    gz_path = gzip_file (path, &error);
  if (!filled || (job->compress && gz_path == NULL))
    {
      g_unlink (path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (gz_path != NULL)
    {
      g_unlink (path);
      g_task_return_pointer (task, g_steal_pointer (&gz_path), g_free);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

static GThreadPool *
snapshot_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (make_snapshot, NULL, 2, FALSE, NULL));
  return pool;
}

/* Starts making the snapshot of what user may see for the client
 * client_id; a client id that belongs to another account is refused
 * here, as it is by pull. The scope is recorded now, so the pull that
 * follows the snapshot does not answer "reset". */
void
wd_sync_service_snapshot_async (WdSyncService       *self,
                                const WdUser        *user,
                                const char          *client_id,
                                gboolean             compress,
                                gboolean             store_format,
                                gint64               now,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, data);
  g_autoptr(GError) error = NULL;
  WdPullRequest from_zero = { .client_id = client_id, .since = 0, .acked = -1 };
  gboolean scope_changed = FALSE;
  SnapshotJob *job;

  g_return_if_fail (WD_IS_SYNC_SERVICE (self));

  g_task_set_source_tag (task, wd_sync_service_snapshot_async);
  if (!pull_preamble (self, user, &from_zero, now, &scope_changed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (SnapshotJob, 1);
  job->db_path = g_strdup (wd_store_get_path (self->store));
  job->folder = snapshot_folder (job->db_path);
  job->user = wd_user_copy (user);
  job->compress = compress;
  job->store_format = store_format;
  g_task_set_task_data (task, job, (GDestroyNotify) snapshot_job_free);
  /* Each snapshot is a core's work for seconds and a file as large as
   * the district: on the day a district's offices all sign in, they
   * are made two at a time, the rest waiting their turn. */
  g_thread_pool_push (snapshot_pool (), g_steal_pointer (&task), NULL);
}

/* Returns the snapshot's file, which the caller sends and deletes;
 * cursor is the change it is up to date with. */
char *
wd_sync_service_snapshot_finish (WdSyncService  *self,
                                 GAsyncResult   *result,
                                 gint64         *cursor,
                                 GError        **error)
{
  GTask *task = G_TASK (result);
  char *path;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  path = g_task_propagate_pointer (task, error);
  if (path != NULL && cursor != NULL)
    *cursor = ((SnapshotJob *) g_task_get_task_data (task))->cursor;
  return path;
}

static void
prepared (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  SnapshotJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *scope = cache_key (job->user);

  /* The cache holds a name of its own. */
  if (path != NULL)
    {
      g_unlink (path);
      g_message ("Ready for first syncs (%s): their store, up to change %" G_GINT64_FORMAT, scope, job->cursor);
    }
  else
    g_message ("No prebuilt store for first syncs yet: %s", error->message);
}

/* Makes the prebuilt store of user's scope in the background, for the
 * first syncs to come. */
static void
make_in_background (WdSyncService *self,
                    const WdUser  *user)
{
  GTask *task = g_task_new (self, NULL, prepared, NULL);
  SnapshotJob *job = g_new0 (SnapshotJob, 1);

  job->db_path = g_strdup (wd_store_get_path (self->store));
  job->folder = snapshot_folder (job->db_path);
  job->user = wd_user_copy (user);
  job->store_format = TRUE;
  job->background = TRUE;
  g_task_set_task_data (task, job, (GDestroyNotify) snapshot_job_free);
  g_thread_pool_push (snapshot_pool (), task, NULL);
}

/* Makes, in the background, the prebuilt store a centre desk's first
 * sync adopts, so the first one after the server starts does not wait
 * for it. */
void
wd_sync_service_prepare_snapshot (WdSyncService *self)
{
  g_autoptr(WdUser) centre = g_new0 (WdUser, 1);

  g_return_if_fail (WD_IS_SYNC_SERVICE (self));

  centre->role = WD_ROLE_CENTRE;
  make_in_background (self, centre);
}
