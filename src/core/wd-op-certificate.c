/* wd-op-certificate.c: volunteer service record certificates
 * (志愿服务记录证明): who served, what, when and how many hours, issued
 * and numbered by the centre, and revoked when issued in error. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-operations-private.h"
#include "wd-time.h"

/* A record is of services given: a period reaching past today would
 * promise hours not served yet. */
static gboolean
check_period_past (WdOpContext  *ctx,
                   gint64        to,
                   GError      **error)
{
  gint64 tomorrow = wd_time_day_start (wd_time_day_start (ctx->now, ctx->tz) + 36 * 3600, ctx->tz);

  if (to > tomorrow)
    {
      g_autofree char *today = wd_time_format_local (ctx->now, ctx->tz, "%Y-%m-%d");

      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("to: the period must end by today (%s); a certificate records "
                     "services already given"), today);
      return FALSE;
    }
  return TRUE;
}

gboolean
wd_op_certificate_issue (WdOpContext  *ctx,
                         JsonObject   *args,
                         GError      **error)
{
  static const char * const known[] = {
    "id", "holder_kind", "holder_id", "from", "to", "purpose", NULL
  };
  g_autofree char *id = NULL;
  g_autofree char *holder_id = NULL;
  g_autofree char *holder_name = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *number = NULL;
  g_autofree char *record_text = NULL;
  g_autoptr(JsonArray) record = NULL;
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(JsonObject) detail = json_object_new ();
  WdAssigneeKind kind;
  gint64 from, to;
  double hours;

  if (!wd_args_only (args, known, error)
      || !wd_args_id (args, "id", WD_ARG_OPTIONAL, &id, error)
      /* A speaker retired since still has their record. */
      || !wd_op_read_assignee (ctx, args, "holder", FALSE, &kind, &holder_id, &holder_name, error)
      || !wd_op_read_period (ctx, args, &from, &to, error)
      || !wd_args_text (args, "purpose", WD_ARG_OPTIONAL, 64, &purpose, error)
      || !check_period_past (ctx, to, error))
    return FALSE;

  if (id == NULL)
    id = wd_op_new_id (ctx);
  else if (wd_store_exists (ctx->store, "certificates", id))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                   _("id: a certificate “%s” already exists"), id);
      return FALSE;
    }

  record = wd_store_list_service_record (ctx->store, kind, holder_id, from, to, error);
  if (record == NULL)
    return FALSE;
  if (json_array_get_length (record) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s has no delivered service with hours in this period; "
                     "choose a period in which they served"), holder_name);
      return FALSE;
    }
  hours = wd_service_record_hours (record);

  if (wd_store_get_authoritative (ctx->store))
    {
      number = wd_op_next_number (ctx, "certificate_numbers", "C", 5, error);
      if (number == NULL)
        return FALSE;
      json_object_set_string_member (row, "number", number);
    }
  record_text = wd_json_array_to_string (record, FALSE);
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "holder_kind", wd_assignee_kind_to_string (kind));
  json_object_set_string_member (row, "holder_id", holder_id);
  json_object_set_string_member (row, "holder_name", holder_name);
  json_object_set_int_member (row, "starts_at", from);
  json_object_set_int_member (row, "ends_at", to);
  json_object_set_int_member (row, "services", json_array_get_length (record));
  json_object_set_double_member (row, "hours", hours);
  json_object_set_string_member (row, "purpose", purpose ? purpose : "");
  json_object_set_string_member (row, "record", record_text);
  json_object_set_string_member (row, "issued_by", ctx->actor->user);
  json_object_set_int_member (row, "issued_at", ctx->now);
  if (!wd_store_insert_row (ctx->store, "certificates", row, error))
    return FALSE;

  json_object_set_string_member (ctx->result, "id", id);
  if (number != NULL)
    json_object_set_string_member (ctx->result, "number", number);
  json_object_set_int_member (ctx->result, "services", json_array_get_length (record));
  json_object_set_double_member (ctx->result, "hours", hours);

  json_object_set_string_member (detail, "holder_kind", wd_assignee_kind_to_string (kind));
  json_object_set_string_member (detail, "holder_id", holder_id);
  json_object_set_int_member (detail, "starts_at", from);
  json_object_set_int_member (detail, "ends_at", to);
  json_object_set_int_member (detail, "services", json_array_get_length (record));
  json_object_set_double_member (detail, "hours", hours);
  return wd_op_record (ctx, "certificate", id, NULL, "issued", detail, error);
}

gboolean
wd_op_certificate_revoke (WdOpContext  *ctx,
                          JsonObject   *args,
                          GError      **error)
{
  static const char * const known[] = { "certificate_id", "reason", NULL };
  g_autofree char *certificate_id = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(JsonObject) certificate = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!wd_args_only (args, known, error)
      || !wd_args_id (args, "certificate_id", WD_ARG_REQUIRED, &certificate_id, error)
      || !wd_args_text (args, "reason", WD_ARG_REQUIRED, 200, &reason, error))
    return FALSE;

  /* By id only: a desk waiting for the number does not know it yet. */
  stmt = wd_store_prepare (ctx->store, "SELECT * FROM certificates WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, certificate_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    certificate = wd_stmt_row_to_json (stmt);
  g_clear_pointer (&stmt, wd_stmt_release);
  if (certificate == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("certificate_id: there is no certificate “%s”"), certificate_id);
      return FALSE;
    }
  if (!json_object_get_null_member (certificate, "revoked_at"))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("certificate_id: the certificate was already revoked by %s"),
                   json_object_get_string_member (certificate, "revoked_by"));
      return FALSE;
    }

  stmt = wd_store_prepare (ctx->store,
                           "UPDATE certificates SET revoked_by = ?, revoked_at = ?, revoke_reason = ?"
                           " WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, ctx->actor->user);
  sqlite3_bind_int64 (stmt, 2, ctx->now);
  wd_stmt_bind_text (stmt, 3, reason);
  wd_stmt_bind_text (stmt, 4, certificate_id);
  if (!wd_store_run (ctx->store, stmt, error))
    return FALSE;

  json_object_set_string_member (detail, "reason", reason);
  return wd_op_record (ctx, "certificate", certificate_id, "issued", "revoked", detail, error);
}
