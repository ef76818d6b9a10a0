/* wd-sync-service.c: push and pull on the server (DESIGN.md, "Sync
 * protocol"). */
#define G_LOG_DOMAIN "wudan-server"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-store-private.h"
#include "wd-operations.h"
#include "wd-sync-protocol.h"
#include "wd-sync-service.h"

struct _WdSyncService
{
  GObject  parent_instance;
  WdStore *store;
};

G_DEFINE_FINAL_TYPE (WdSyncService, wd_sync_service, G_TYPE_OBJECT)

static void
wd_sync_service_finalize (GObject *object)
{
  g_clear_object (&WD_SYNC_SERVICE (object)->store);
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
}

WdSyncService *
wd_sync_service_new (WdStore *store)
{
  WdSyncService *self = g_object_new (WD_TYPE_SYNC_SERVICE, NULL);

  self->store = g_object_ref (store);
  return self;
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
      && (refusal->domain != WD_ERROR || refusal->code == WD_ERROR_STORE))
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

      if (!apply_one (self, actor, op, now, &result, error)
          || !wd_server_store_add_result (self->store, client_id, op->seq, result, now, error))
        {
          g_clear_pointer (&result, json_object_unref);
          return FALSE;
        }
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

  g_return_val_if_fail (WD_IS_SYNC_SERVICE (self), NULL);

  if (!wd_sync_decode_push (body, length, &client_id, &ops, error))
    return NULL;

  json_object_set_int_member (response, "protocol", WD_SYNC_PROTOCOL_VERSION);
  if (!wd_store_begin (self->store, error))
    return NULL;
  if (!push_locked (self, user, client_id, ops, now, response, last_seq, error))
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

static Visibility
order_visibility (WdSyncService *self,
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
      return wd_server_store_was_assigned (self->store, order_id, user->assignee_id) ? DROPPED : HIDDEN;
    }
}

/* Whether the order a rating, callback or history entry belongs to is
 * seen; those rows are never "dropped", only not sent. */
static Visibility
visibility_of_order_id (WdSyncService *self,
                        const WdUser  *user,
                        const char    *order_id)
{
  g_autofree char *subdistrict = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *assignee = NULL;

  if (order_id == NULL
      || !wd_server_store_order_scope (self->store, order_id, &subdistrict, &kind, &assignee))
    return HIDDEN;
  return order_visibility (self, user, order_id, subdistrict, kind, assignee) == SHOWN ? SHOWN : HIDDEN;
}

/* What of an entity the user may see. Offices see the catalogues and their
 * sub-district's orders; teams the catalogues and the orders dispatched to
 * them; neither sees funds or rewards. */
static Visibility
visibility (WdSyncService *self,
            const WdUser  *user,
            const char    *entity,
            sqlite3_stmt  *row)
{
  if (user->role == WD_ROLE_ADMIN || user->role == WD_ROLE_CENTRE)
    return SHOWN;

  if (g_str_equal (entity, "order"))
    return order_visibility (self, user, column (row, "id"), column (row, "subdistrict_id"),
                             column (row, "assignee_kind"), column (row, "assignee_id"));
  if (g_str_equal (entity, "rating"))
    return visibility_of_order_id (self, user, column (row, "order_id"));
  if (g_str_equal (entity, "callback"))
    return user->role == WD_ROLE_OFFICE ? visibility_of_order_id (self, user, column (row, "order_id"))
                                        : HIDDEN;
  if (g_str_equal (entity, "history"))
    return g_strcmp0 (column (row, "entity"), "order") == 0
           ? visibility_of_order_id (self, user, column (row, "entity_id"))
           : HIDDEN;
  if (g_str_equal (entity, "fund") || g_str_equal (entity, "fund_ledger")
      || g_str_equal (entity, "reward_period"))
    return HIDDEN;
  return SHOWN;
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

  if (!g_str_equal (name, "phone")
      || ctx->user->role == WD_ROLE_ADMIN || ctx->user->role == WD_ROLE_CENTRE
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
    g_string_append_c (out, ',');
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"entity\":", seq);
  wd_json_append_string (out, entity);
  g_string_append (out, ",\"key\":");
  wd_json_append_string (out, key);
}

/* Appends one logged change as the caller may see it; returns whether
 * anything was appended. */
static gboolean
append_change (WdSyncService  *self,
               const WdUser   *user,
               gint64          seq,
               const char     *entity,
               const char     *key,
               GString        *out,
               GError        **error)
{
  g_autoptr(GError) row_error = NULL;
  sqlite3_stmt *raw = wd_server_store_row (self->store, entity, key, &row_error);

  if (row_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  if (raw == NULL)
    {
      append_change_head (out, seq, entity, key);
      g_string_append (out, ",\"deleted\":true}");
      return TRUE;
    }

  {
    g_autoptr(sqlite3_stmt) row = raw;
    MaskContext mask = { user, key };

    switch (visibility (self, user, entity, row))
      {
      case SHOWN:
        append_change_head (out, seq, entity, key);
        g_string_append (out, ",\"row\":{");
        wd_stmt_append_json_members (row, out, g_str_equal (entity, "speaker") ? mask_speaker_phone : NULL,
                                     &mask);
        wd_server_store_append_extras (self->store, entity, key, out);
        g_string_append (out, "}}");
        return TRUE;
      case DROPPED:
        append_change_head (out, seq, entity, key);
        g_string_append (out, ",\"deleted\":true}");
        return TRUE;
      case HIDDEN:
      default:
        return FALSE;
      }
  }
}

static gboolean
pull_locked (WdSyncService        *self,
             const WdUser         *user,
             const WdPullRequest  *request,
             gint64                now,
             GString              *out,
             GError              **error)
{
  g_autofree char *scope = wd_user_scope (user);
  gint64 last_change = wd_server_store_last_change (self->store);
  gint64 cursor = request->since;
  gboolean foreign = FALSE, scope_changed = FALSE;
  gint64 last_seq = wd_server_store_client_last_seq (self->store, request->client_id, user->id, &foreign);
  guint scanned = 0, sent = 0;

  if (foreign)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_SEQ_REUSED,
                   _("This client id belongs to another account; sign in on a fresh install"));
      return FALSE;
    }
  if (request->since > last_change)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_CURSOR,
                   _("The cursor %lld lies beyond the newest change (%lld); this client's copy "
                     "comes from another server: reset it and sync again"),
                   (long long) request->since, (long long) last_change);
      return FALSE;
    }
  if (!wd_server_store_note_pull (self->store, request->client_id, user->id, scope, now,
                                  &scope_changed, error))
    return FALSE;

  g_string_append_printf (out, "\"last_seq\":%" G_GINT64_FORMAT ",", last_seq);

  /* A copy made under another scope, or from compacted history, cannot be
   * patched up: the client starts again from zero, keeping its outbox. */
  if ((scope_changed && request->since > 0) || request->since < wd_server_store_log_horizon (self->store))
    {
      g_string_append (out, "\"reset\":true,\"cursor\":0,\"more\":true,\"changes\":[]");
      return TRUE;
    }

  g_string_append (out, "\"reset\":false,\"changes\":[");
  /* Read at most a few pages' worth of log per request, so a client that
   * may see little of it still gets an answer soon. */
  while (sent < request->limit && scanned < 4 * request->limit)
    {
      g_autoptr(sqlite3_stmt) batch = wd_server_store_changes_after (self->store, cursor, request->limit, error);
      guint n = 0;
      int rc;

      if (batch == NULL)
        return FALSE;
      while (sent < request->limit && (rc = sqlite3_step (batch)) == SQLITE_ROW)
        {
          g_autoptr(GError) change_error = NULL;
          g_autofree char *entity = wd_stmt_dup_text (batch, 1);
          g_autofree char *key = wd_stmt_dup_text (batch, 2);

          n++;
          cursor = sqlite3_column_int64 (batch, 0);
          scanned++;
          if (append_change (self, user, cursor, entity, key, out, &change_error))
            sent++;
          else if (change_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&change_error));
              return FALSE;
            }
        }
      if (n == 0)
        break;
    }

  /* head: the newest change there is, so a client can show progress. */
  g_string_append_printf (out, "],\"cursor\":%" G_GINT64_FORMAT ",\"head\":%" G_GINT64_FORMAT ",\"more\":%s",
                          cursor, last_change, cursor < last_change ? "true" : "false");

  if (request->acked >= 0)
    {
      g_string_append (out, ",\"results\":");
      if (!wd_server_store_append_results (self->store, request->client_id, request->acked,
                                           WD_SYNC_MAX_OPS_PER_PUSH, out, error))
        return FALSE;
    }
  return TRUE;
}

/* Returns the pull page as JSON text: pages are written straight from
 * the rows, without a json-glib tree in between, since a page of five
 * thousand rows is the server's heaviest answer. */
char *
wd_sync_service_pull (WdSyncService        *self,
                      const WdUser         *user,
                      const WdPullRequest  *request,
                      gint64                now,
                      gsize                *length,
                      GError              **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (WD_IS_SYNC_SERVICE (self), NULL);

  g_string_append_printf (out, "{\"protocol\":%d,\"since\":%" G_GINT64_FORMAT ",",
                          WD_SYNC_PROTOCOL_VERSION, request->since);

  /* One transaction: the page is one snapshot of the log and the rows. */
  if (!wd_store_begin_read (self->store, error))
    return NULL;
  if (!pull_locked (self, user, request, now, out, error))
    {
      wd_store_rollback (self->store);
      return NULL;
    }
  if (!wd_store_commit (self->store, error))
    return NULL;

  g_string_append_c (out, '}');
  *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
