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

/* A member that must be a list of objects: *out is NULL when it is
 * absent (and may be). */
static gboolean
objects_member (JsonObject  *message,
                const char  *field,
                gboolean     required,
                JsonArray  **out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (message, field);

  *out = NULL;
  if (node == NULL && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED, _("%s must be a JSON array"), field);
      return FALSE;
    }
  *out = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (*out); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (*out, i)))
      {
        g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED, _("%s[%u] is not an object"), field, i);
        return FALSE;
      }
  return TRUE;
}

/* One operation's answer: {"seq", "op_id", "kind", "status", "code", "message", …}. */
static gboolean
check_result (JsonObject  *result,
              guint        index,
              GError     **error)
{
  g_autofree char *op_id = NULL, *kind = NULL, *status = NULL, *code = NULL, *message = NULL;
  GError *cause = NULL;
  gint64 seq = 0;

  if (!wd_args_int (result, "seq", WD_ARG_REQUIRED, 1, G_MAXINT64, &seq, &cause)
      || !wd_args_id (result, "op_id", WD_ARG_REQUIRED, &op_id, &cause)
      || !wd_args_text (result, "kind", WD_ARG_OPTIONAL, 64, &kind, &cause)
      || !wd_args_text (result, "status", WD_ARG_REQUIRED, 16, &status, &cause)
      || !wd_args_text (result, "code", WD_ARG_OPTIONAL, 64, &code, &cause)
      || !wd_args_text (result, "message", WD_ARG_OPTIONAL | WD_ARG_MULTILINE, 4000, &message, &cause))
    {
      g_prefix_error (&cause, "results[%u]: ", index);
      return malformed (error, cause);
    }
  if (!g_str_equal (status, "applied") && !g_str_equal (status, "rejected"))
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("results[%u]: status must be applied or rejected"), index);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_results (JsonObject  *message,
               gboolean     required,
               GError     **error)
{
  JsonArray *results;

  if (!objects_member (message, "results", required, &results, error))
    return FALSE;
  for (guint i = 0; results != NULL && i < json_array_get_length (results); i++)
    if (!check_result (json_array_get_object_element (results, i), i, error))
      return FALSE;
  return TRUE;
}

/* One change of a page: {"entity", "key", "row"}, the row an object, or
 * null for a removal. What the row holds is checked as it is written,
 * against the client's own columns. */
static gboolean
check_change (JsonObject  *change,
              guint        index,
              GError     **error)
{
  g_autofree char *entity = NULL, *key = NULL;
  JsonNode *row = json_object_get_member (change, "row");
  GError *cause = NULL;

  if (!wd_args_text (change, "entity", WD_ARG_REQUIRED, 64, &entity, &cause)
      || !wd_args_text (change, "key", WD_ARG_REQUIRED, 200, &key, &cause))
    {
      g_prefix_error (&cause, "changes[%u]: ", index);
      return malformed (error, cause);
    }
  if (row != NULL && !JSON_NODE_HOLDS_OBJECT (row) && !JSON_NODE_HOLDS_NULL (row))
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("changes[%u]: row must be an object or null"), index);
      return FALSE;
    }
  return TRUE;
}

/* The numbers and names every answer about the client's state may carry. */
static gboolean
check_state (JsonObject  *message,
             gboolean     last_seq_required,
             GError     **error)
{
  static const char * const counters[] = { "since", "cursor", "head", "lost_from", "lost_to", NULL };
  g_autofree char *epoch = NULL;
  GError *cause = NULL;
  gboolean flag = FALSE;
  gint64 number = 0;

  if (!wd_sync_check_protocol (message, error))
    return FALSE;
  for (const char * const *name = counters; *name != NULL; name++)
    if (!wd_args_int (message, *name, WD_ARG_OPTIONAL, 0, G_MAXINT64, &number, &cause))
      return malformed (error, cause);
  if (!wd_args_int (message, "last_seq", last_seq_required ? WD_ARG_REQUIRED : WD_ARG_OPTIONAL, 0, G_MAXINT64,
                    &number, &cause)
      || !wd_args_id (message, "epoch", WD_ARG_OPTIONAL, &epoch, &cause)
      || !wd_args_bool (message, "reset", &flag, &cause)
      || !wd_args_bool (message, "more", &flag, &cause))
    return malformed (error, cause);
  return TRUE;
}

/* A pull's page as the client gets it (docs/api.md, "Pull"). Members
 * this side does not know are let through: a newer server may add some. */
gboolean
wd_sync_check_page (JsonObject  *page,
                    GError     **error)
{
  JsonArray *changes;
  GError *cause = NULL;
  gint64 cursor = 0;

  g_return_val_if_fail (page != NULL, FALSE);

  if (!check_state (page, FALSE, error))
    return FALSE;
  if (!wd_args_int (page, "cursor", WD_ARG_REQUIRED, 0, G_MAXINT64, &cursor, &cause))
    return malformed (error, cause);
  if (!objects_member (page, "changes", TRUE, &changes, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (!check_change (json_array_get_object_element (changes, i), i, error))
      return FALSE;
  return check_results (page, FALSE, error);
}

/* A push's answer as the client gets it (docs/api.md, "Push"). */
gboolean
wd_sync_check_push_answer (JsonObject  *answer,
                           GError     **error)
{
  g_return_val_if_fail (answer != NULL, FALSE);

  return check_state (answer, TRUE, error) && check_results (answer, TRUE, error);
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

/* "AB:CD:…": the SHA-256 of the certificate, as `openssl x509
 * -fingerprint -sha256` prints it, so that what a client was shown can
 * be compared with what the server printed as it started. */
char *
wd_sync_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  GString *out = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  for (guint i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    g_string_append_printf (out, "%s%c%c", i > 0 ? ":" : "", g_ascii_toupper (hex[i]),
                            g_ascii_toupper (hex[i + 1]));
  return g_string_free (out, FALSE);
}

/* Fingerprints as people copy them: any case, with or without colons
 * or spaces. */
gboolean
wd_sync_same_fingerprint (const char *a,
                  const char *b)
{
  while (*a != '\0' || *b != '\0')
    {
      if (*a != '\0' && !g_ascii_isxdigit (*a))
        a++;
      else if (*b != '\0' && !g_ascii_isxdigit (*b))
        b++;
      else if (g_ascii_tolower (*a++) != g_ascii_tolower (*b++))
        return FALSE;
    }
  return TRUE;
}
