/* wd-operations.c: the registry of operations, the role table, and the
 * envelope every operation runs in (savepoint, history, ids). */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-operations-private.h"
#include "wd-time.h"

#define ADMIN WD_ROLE_BIT (WD_ROLE_ADMIN)
#define CENTRE WD_ROLE_BIT (WD_ROLE_CENTRE)
#define OFFICE WD_ROLE_BIT (WD_ROLE_OFFICE)
#define TEAM WD_ROLE_BIT (WD_ROLE_TEAM)

typedef struct
{
  const char *kind;
  guint       roles;
  WdOpFunc    func;
} OpInfo;

/* Who may attempt what. Scope (an office's own sub-district, a team's own
 * orders) is checked inside each operation, where the row is known. */
static const OpInfo operations[] = {
  { "subdistrict.upsert", ADMIN, wd_op_subdistrict_upsert },
  { "topic.upsert", ADMIN | CENTRE, wd_op_topic_upsert },
  { "team.upsert", ADMIN | CENTRE, wd_op_team_upsert },
  { "speaker.upsert", ADMIN | CENTRE, wd_op_speaker_upsert },
  { "speaker.photo", ADMIN | CENTRE, wd_op_speaker_photo },
  { "project.upsert", ADMIN | CENTRE, wd_op_project_upsert },
  { "settings.set", ADMIN | CENTRE, wd_op_settings_set },
  { "order.create", ADMIN | CENTRE | OFFICE, wd_op_order_create },
  { "order.dispatch", ADMIN | CENTRE, wd_op_order_dispatch },
  { "order.accept", ADMIN | CENTRE | TEAM, wd_op_order_accept },
  { "order.decline", ADMIN | CENTRE | TEAM, wd_op_order_decline },
  { "order.expire", ADMIN | CENTRE, wd_op_order_expire },
  { "order.deliver", ADMIN | CENTRE | OFFICE | TEAM, wd_op_order_deliver },
  { "order.rate", ADMIN | CENTRE | OFFICE, wd_op_order_rate },
  { "order.callback", ADMIN | CENTRE, wd_op_order_callback },
  { "order.cancel", ADMIN | CENTRE | OFFICE, wd_op_order_cancel },
  { "order.reject", ADMIN | CENTRE, wd_op_order_reject },
  { "order.update", ADMIN | CENTRE | OFFICE, wd_op_order_update },
  { "order.correct_delivery", ADMIN | CENTRE | OFFICE, wd_op_order_correct_delivery },
  { "fund.upsert", ADMIN, wd_op_fund_upsert },
  { "fund.deposit", ADMIN | CENTRE, wd_op_fund_deposit },
  { "reward.rules", ADMIN | CENTRE, wd_op_reward_rules },
  { "reward.propose", ADMIN | CENTRE, wd_op_reward_propose },
  { "reward.approve", ADMIN | CENTRE, wd_op_reward_approve },
  { "reward.withdraw", ADMIN | CENTRE, wd_op_reward_withdraw },
  { "certificate.issue", ADMIN | CENTRE, wd_op_certificate_issue },
  { "certificate.revoke", ADMIN | CENTRE, wd_op_certificate_revoke },
};

static const OpInfo *
lookup (const char *kind)
{
  if (kind == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    if (g_str_equal (operations[i].kind, kind))
      return &operations[i];
  return NULL;
}

const char * const *
wd_operation_kinds (void)
{
  static const char *kinds[G_N_ELEMENTS (operations) + 1];

  if (kinds[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
      kinds[i] = operations[i].kind;
  return kinds;
}

gboolean
wd_operation_is_known (const char *kind)
{
  return lookup (kind) != NULL;
}

gboolean
wd_operation_allows_role (const char *kind,
                          WdRole      role)
{
  const OpInfo *info = lookup (kind);

  return info != NULL && (info->roles & WD_ROLE_BIT (role)) != 0;
}

/* An identifier in the form of a name-based UUID (version 5): the same
 * name always gives the same identifier. */
char *
wd_id_from_name (const char *name)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, name, -1);

  return g_strdup_printf ("%.8s-%.4s-5%.3s-a%.3s-%.12s",
                          hash, hash + 8, hash + 13, hash + 17, hash + 20);
}

/* Identifiers made by an operation derive from its op_id, so the server
 * replaying a client's operation creates the very rows the client made. */
char *
wd_op_new_id (WdOpContext *ctx)
{
  g_autofree char *name = g_strdup_printf ("%s/%u", ctx->op_id, ctx->n_ids++);

  return wd_id_from_name (name);
}

/* The next number of the district year of ctx->now from table (year,
 * last), as PREFIX YEAR-SEQUENCE. Only an authoritative store numbers:
 * numbers follow the order in which the server applies operations, so
 * two desks offline never hand out the same one. */
char *
wd_op_next_number (WdOpContext  *ctx,
                   const char   *table,
                   const char   *prefix,
                   int           digits,
                   GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (year, last) VALUES (?, 1)"
                                          " ON CONFLICT (year) DO UPDATE SET last = last + 1"
                                          " RETURNING last", table);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ctx->now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, ctx->tz);
  int year = g_date_time_get_year (local);

  stmt = wd_store_prepare (ctx->store, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, year);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      wd_store_set_error (ctx->store, error);
      return NULL;
    }
  return g_strdup_printf ("%s%d-%0*d", prefix, year, digits, sqlite3_column_int (stmt, 0));
}

/* Reads the dates from and to (inclusive) as the period [*from, *to). */
gboolean
wd_op_read_period (WdOpContext  *ctx,
                   JsonObject   *args,
                   gint64       *from,
                   gint64       *to,
                   GError      **error)
{
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  if (!wd_args_text (args, "from", WD_ARG_REQUIRED, 10, &from_text, error)
      || !wd_args_text (args, "to", WD_ARG_REQUIRED, 10, &to_text, error))
    return FALSE;
  return wd_period_parse (from_text, to_text, ctx->tz, from, to, error);
}

/* Reads PREFIX_kind and PREFIX_id naming a speaker or team, and finds
 * its name; active_only refuses one marked inactive. */
gboolean
wd_op_read_assignee (WdOpContext     *ctx,
                     JsonObject      *args,
                     const char      *prefix,
                     gboolean         active_only,
                     WdAssigneeKind  *kind,
                     char           **id,
                     char           **name,
                     GError         **error)
{
  g_autofree char *kind_field = g_strconcat (prefix, "_kind", NULL);
  g_autofree char *id_field = g_strconcat (prefix, "_id", NULL);
  g_autofree char *kind_name = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!wd_args_text (args, kind_field, WD_ARG_REQUIRED, 16, &kind_name, error)
      || !wd_args_id (args, id_field, WD_ARG_REQUIRED, id, error))
    return FALSE;

  if (!wd_assignee_kind_from_string (kind_name, kind) || *kind == WD_ASSIGNEE_NONE)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: write “team” or “speaker”"), kind_field);
      return FALSE;
    }

  /* Not wd_store_get: its views count a speaker's or team's record, which
   * only pages show. */
  stmt = wd_store_prepare (ctx->store, *kind == WD_ASSIGNEE_TEAM ? "SELECT name, active FROM teams WHERE id = ?"
                                                                 : "SELECT name, active FROM speakers WHERE id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, *id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row = wd_stmt_row_to_json (stmt);
  if (row == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("%s: there is no %s “%s”"), id_field, wd_assignee_kind_label (*kind), *id);
      return FALSE;
    }
  if (active_only && !json_object_get_boolean_member (row, "active"))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: %s is marked inactive; choose someone else"), id_field,
                   json_object_get_string_member (row, "name"));
      return FALSE;
    }
  *name = g_strdup (json_object_get_string_member (row, "name"));
  return TRUE;
}

gboolean
wd_op_record (WdOpContext  *ctx,
              const char   *entity,
              const char   *entity_id,
              const char   *from_state,
              const char   *to_state,
              JsonObject   *detail,
              GError      **error)
{
  g_autofree char *id = wd_op_new_id (ctx);
  g_autofree char *detail_text = detail ? wd_json_object_to_string (detail, FALSE) : NULL;
  WdHistoryEntry entry = {
    .id = id,
    .entity = entity,
    .entity_id = entity_id,
    .op_id = ctx->op_id,
    .action = ctx->kind,
    .from_state = from_state,
    .to_state = to_state,
    .actor = ctx->actor->user,
    .role = wd_role_to_string (ctx->actor->role),
    .at = ctx->now,
    .detail = detail_text ? detail_text : "{}",
  };

  return wd_store_add_history (ctx->store, &entry, error);
}

gboolean
wd_op_forbid (WdOpContext  *ctx,
              const char   *what,
              GError      **error)
{
  g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN, "%s", what);
  return FALSE;
}

static gboolean
check_actor (const WdActor  *actor,
             GError        **error)
{
  if (actor->user == NULL || *actor->user == '\0')
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("The operation names no user; sign in first"));
      return FALSE;
    }
  if (actor->role == WD_ROLE_OFFICE && actor->subdistrict_id == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("The office account of %s belongs to no sub-district; "
                     "ask an administrator to assign one"), actor->user);
      return FALSE;
    }
  if (actor->role == WD_ROLE_TEAM && actor->assignee_id == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("The team account of %s belongs to no team or speaker; "
                     "ask an administrator to assign one"), actor->user);
      return FALSE;
    }
  return TRUE;
}

gboolean
wd_operation_apply (WdStore        *store,
                    const WdActor  *actor,
                    gint64          now,
                    const char     *op_id,
                    const char     *kind,
                    JsonObject     *args,
                    JsonObject    **result,
                    GError        **error)
{
  const OpInfo *info;
  g_autofree char *fresh_id = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  WdOpContext ctx = { 0 };

  g_return_val_if_fail (WD_IS_STORE (store), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (args != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = lookup (kind);
  if (info == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_UNKNOWN_OPERATION,
                   _("“%s” is not an operation Wudan knows; see docs/operations.md for the list"),
                   kind && g_utf8_validate (kind, -1, NULL) ? kind : "?");
      return FALSE;
    }

  if (!check_actor (actor, error))
    return FALSE;

  if (!(info->roles & WD_ROLE_BIT (actor->role)))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("A %s account may not perform %s; ask the guidance centre"),
                   wd_role_label (actor->role), kind);
      return FALSE;
    }

  if (op_id == NULL)
    op_id = fresh_id = g_uuid_string_random ();

  ctx.store = store;
  ctx.actor = actor;
  ctx.now = now;
  ctx.op_id = op_id;
  ctx.kind = kind;
  ctx.tz = wd_store_get_time_zone (store);
  ctx.result = out;

  if (!wd_store_begin (store, error))
    return FALSE;
  if (!info->func (&ctx, args, error))
    {
      wd_store_rollback (store);
      return FALSE;
    }
  if (!wd_store_commit (store, error))
    return FALSE;

  if (result != NULL)
    *result = g_steal_pointer (&out);
  return TRUE;
}

gboolean
wd_operation_apply_json (WdStore        *store,
                         const WdActor  *actor,
                         gint64          now,
                         const char     *kind,
                         const char     *args_json,
                         JsonObject    **result,
                         GError        **error)
{
  g_autoptr(JsonObject) args = wd_json_parse_object (args_json, -1, error);

  if (args == NULL)
    {
      g_prefix_error (error, _("The arguments: "));
      return FALSE;
    }
  return wd_operation_apply (store, actor, now, NULL, kind, args, result, error);
}

guint
wd_operations_expire_overdue (WdStore        *store,
                              const WdActor  *actor,
                              gint64          now,
                              GError        **error)
{
  g_autoptr(GPtrArray) overdue = g_ptr_array_new_with_free_func (g_free);
  guint expired = 0;

  {
    g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
        "SELECT id FROM orders WHERE state = 'dispatched' AND accept_deadline < ?", error);
    int rc;

    if (stmt == NULL)
      return 0;
    sqlite3_bind_int64 (stmt, 1, now);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (overdue, wd_stmt_dup_text (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        wd_store_set_error (store, error);
        return 0;
      }
  }

  for (guint i = 0; i < overdue->len; i++)
    {
      g_autoptr(JsonObject) args = json_object_new ();

      json_object_set_string_member (args, "order_id", g_ptr_array_index (overdue, i));
      if (!wd_operation_apply (store, actor, now, NULL, "order.expire", args, NULL, error))
        return expired;
      expired++;
    }
  return expired;
}
