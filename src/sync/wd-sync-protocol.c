/* wd-sync-protocol.c: protocol messages and their strict decoding. */
#define G_LOG_DOMAIN "wudan-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-operations.h"
#include "wd-sync-protocol.h"
#include "wd-validate.h"

G_DEFINE_QUARK (wd-sync-error-quark, wd_sync_error)

static const char * const error_codes[] = {
  [WD_SYNC_ERROR_MALFORMED] = "malformed",
  [WD_SYNC_ERROR_PROTOCOL] = "unsupported-protocol",
  [WD_SYNC_ERROR_GAP] = "gap",
  [WD_SYNC_ERROR_SEQ_REUSED] = "seq-reused",
  [WD_SYNC_ERROR_CURSOR] = "bad-cursor",
};

const char *
wd_sync_error_code_to_string (int code)
{
  if (code < 0 || (guint) code >= G_N_ELEMENTS (error_codes))
    return "unknown";
  return error_codes[code];
}

G_DEFINE_BOXED_TYPE (WdSyncOp, wd_sync_op, wd_sync_op_copy, wd_sync_op_free)

WdSyncOp *
wd_sync_op_new (gint64      seq,
                const char *op_id,
                const char *kind,
                JsonObject *args,
                gint64      at)
{
  WdSyncOp *op = g_new0 (WdSyncOp, 1);

  op->seq = seq;
  op->op_id = g_strdup (op_id);
  op->kind = g_strdup (kind);
  op->args = json_object_ref (args);
  op->at = at;
  return op;
}

WdSyncOp *
wd_sync_op_copy (const WdSyncOp *op)
{
  return wd_sync_op_new (op->seq, op->op_id, op->kind, op->args, op->at);
}

void
wd_sync_op_free (WdSyncOp *op)
{
  if (op == NULL)
    return;
  g_free (op->op_id);
  g_free (op->kind);
  g_clear_pointer (&op->args, json_object_unref);
  g_free (op);
}

gboolean
wd_sync_check_protocol (JsonObject  *message,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (message, "protocol");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("The message names no protocol version; send \"protocol\": %d"),
                   WD_SYNC_PROTOCOL_VERSION);
      return FALSE;
    }
  if (json_node_get_int (node) != WD_SYNC_PROTOCOL_VERSION)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_PROTOCOL,
                   _("Protocol version %lld is not spoken here (this side speaks %d); "
                     "update Wudan on the older side"),
                   (long long) json_node_get_int (node), WD_SYNC_PROTOCOL_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
malformed (GError    **error,
           GError     *cause)
{
  g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED, "%s", cause->message);
  g_error_free (cause);
  return FALSE;
}

static WdSyncOp *
decode_op (JsonNode  *node,
           guint      index,
           GError   **error)
{
  static const char * const known[] = { "seq", "op_id", "kind", "args", "at", NULL };
  GError *cause = NULL;
  JsonObject *object;
  JsonNode *args;
  g_autofree char *op_id = NULL;
  g_autofree char *kind = NULL;
  gint64 seq = 0, at = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("ops[%u] is not an object"), index);
      return NULL;
    }
  object = json_node_get_object (node);
  args = json_object_get_member (object, "args");

  if (!wd_args_only (object, known, &cause)
      || !wd_args_int (object, "seq", WD_ARG_REQUIRED, 1, G_MAXINT64, &seq, &cause)
      || !wd_args_id (object, "op_id", WD_ARG_REQUIRED, &op_id, &cause)
      || !wd_args_text (object, "kind", WD_ARG_REQUIRED, 64, &kind, &cause)
      || !wd_args_int (object, "at", WD_ARG_OPTIONAL, 0, G_MAXINT64, &at, &cause))
    {
      g_prefix_error (&cause, "ops[%u]: ", index);
      malformed (error, cause);
      return NULL;
    }
  if (args == NULL || !JSON_NODE_HOLDS_OBJECT (args))
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("ops[%u]: args must be a JSON object"), index);
      return NULL;
    }
  return wd_sync_op_new (seq, op_id, kind, json_node_get_object (args), at);
}

/* A push body: {"protocol": 1, "client_id": "…", "ops": [op, op…]} with
 * the ops' seq numbers consecutive. */
gboolean
wd_sync_decode_push (const char  *body,
                     gsize        length,
                     char       **client_id,
                     char       **epoch,
                     GPtrArray  **ops,
                     GError     **error)
{
  static const char * const known[] = { "protocol", "client_id", "epoch", "ops", NULL };
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GPtrArray) decoded = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_sync_op_free);
  g_autofree char *id = NULL;
  g_autofree char *lineage = NULL;
  GError *cause = NULL;
  JsonNode *list;
  JsonArray *array;

  message = wd_json_parse_object (body, (gssize) length, &cause);
  if (message == NULL)
    return malformed (error, cause);
  if (!wd_sync_check_protocol (message, error))
    return FALSE;
  if (!wd_args_only (message, known, &cause)
      || !wd_args_id (message, "client_id", WD_ARG_REQUIRED, &id, &cause)
      || !wd_args_id (message, "epoch", WD_ARG_OPTIONAL, &lineage, &cause))
    return malformed (error, cause);

  list = json_object_get_member (message, "ops");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED, _("ops must be a JSON array"));
      return FALSE;
    }
  array = json_node_get_array (list);
  if (json_array_get_length (array) > WD_SYNC_MAX_OPS_PER_PUSH)
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("A push holds at most %d operations; send the rest in another push"),
                   WD_SYNC_MAX_OPS_PER_PUSH);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      WdSyncOp *op = decode_op (json_array_get_element (array, i), i, error);

      if (op == NULL)
        return FALSE;
      g_ptr_array_add (decoded, op);
      if (i > 0 && op->seq != ((WdSyncOp *) decoded->pdata[i - 1])->seq + 1)
        {
          g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                       _("ops[%u]: seq must follow the previous operation's without a gap"), i);
          return FALSE;
        }
    }

  *client_id = g_steal_pointer (&id);
  *epoch = g_steal_pointer (&lineage);
  *ops = g_steal_pointer (&decoded);
  return TRUE;
}

/* epoch: the server lineage the client's acknowledged operations belong
 * to, NULL when it knows none (docs/sync.md). */
char *
wd_sync_encode_push (const char *client_id,
                     const char *epoch,
                     GPtrArray  *ops)
{
  g_autoptr(JsonObject) message = json_object_new ();
  JsonArray *array = json_array_sized_new (ops->len);

  json_object_set_int_member (message, "protocol", WD_SYNC_PROTOCOL_VERSION);
  json_object_set_string_member (message, "client_id", client_id);
  if (epoch != NULL)
    json_object_set_string_member (message, "epoch", epoch);
  for (guint i = 0; i < ops->len; i++)
    {
      WdSyncOp *op = g_ptr_array_index (ops, i);
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "seq", op->seq);
      json_object_set_string_member (entry, "op_id", op->op_id);
      json_object_set_string_member (entry, "kind", op->kind);
      json_object_set_object_member (entry, "args", json_object_ref (op->args));
      json_object_set_int_member (entry, "at", op->at);
      json_array_add_object_element (array, entry);
    }
  json_object_set_array_member (message, "ops", array);
  return wd_json_object_to_string (message, FALSE);
}
