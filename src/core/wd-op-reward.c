/* wd-op-reward.c: 奖单, the public welfare fund and its ledger, the
 * reward rules, and the propose / approve / withdraw cycle of a period. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-operations-private.h"
#include "wd-rewards.h"
#include "wd-time.h"

static JsonObject *
load_fund (WdOpContext  *ctx,
           const char   *fund_id,
           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (ctx->store, "SELECT * FROM funds WHERE id = ?",
                                                   error);

  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, fund_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return wd_stmt_row_to_json (stmt);
  g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
               _("fund_id: there is no fund “%s”"), fund_id);
  return NULL;
}

/* Moves money in (positive) or out (negative) of a fund and writes the
 * ledger line; the balance can never fall below zero. */
static gboolean
post_to_fund (WdOpContext  *ctx,
              JsonObject   *fund,
              const char   *kind,
              gint64        amount_cents,
              const char   *reference,
              const char   *note,
              GError      **error)
{
  const char *fund_id = json_object_get_string_member (fund, "id");
  gint64 balance = json_object_get_int_member (fund, "balance_cents") + amount_cents;
  g_autoptr(JsonObject) line = json_object_new ();
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *id = wd_op_new_id (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (balance < 0)
    {
      g_autofree char *needed = wd_format_money (-amount_cents);
      g_autofree char *held = wd_format_money (json_object_get_int_member (fund, "balance_cents"));
      g_autofree char *missing = wd_format_money (-balance);

      g_set_error (error, WD_ERROR, WD_ERROR_FUND_INSUFFICIENT,
                   _("The fund “%s” holds %s but %s is needed; deposit at least %s first "
                     "or make the period shorter"),
                   json_object_get_string_member (fund, "name"), held, needed, missing);
      return FALSE;
    }

  stmt = wd_store_prepare (ctx->store,
                           "UPDATE funds SET balance_cents = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, balance);
  sqlite3_bind_int64 (stmt, 2, ctx->now);
  wd_stmt_bind_text (stmt, 3, fund_id);
  if (!wd_store_run (ctx->store, stmt, error))
    return FALSE;

  json_object_set_string_member (line, "id", id);
  json_object_set_string_member (line, "fund_id", fund_id);
  json_object_set_string_member (line, "kind", kind);
  json_object_set_int_member (line, "amount_cents", amount_cents);
  json_object_set_int_member (line, "balance_after_cents", balance);
  json_object_set_string_member (line, "reference", reference ? reference : "");
  json_object_set_string_member (line, "note", note ? note : "");
  json_object_set_string_member (line, "recorded_by", ctx->actor->user);
  json_object_set_int_member (line, "recorded_at", ctx->now);
  if (!wd_store_insert_row (ctx->store, "fund_ledger", line, error))
    return FALSE;
  return wd_op_record (ctx, "fund", fund_id, NULL, NULL, line, error);
}

gboolean
wd_op_fund_upsert (WdOpContext  *ctx,
                   JsonObject   *args,
                   GError      **error)
{
  static const char * const known[] = { "id", "name", NULL };
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!wd_args_only (args, known, error)
      || !wd_args_id (args, "id", WD_ARG_REQUIRED, &id, error)
      || !wd_args_text (args, "name", WD_ARG_REQUIRED, 64, &name, error))
    return FALSE;

  stmt = wd_store_prepare (ctx->store, "SELECT 1 FROM funds WHERE name = ? AND id <> ?", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, name);
  wd_stmt_bind_text (stmt, 2, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                   _("name: another fund is already called “%s”"), name);
      return FALSE;
    }
  g_clear_pointer (&stmt, wd_stmt_release);

  stmt = wd_store_prepare (ctx->store,
                           "INSERT INTO funds (id, name, balance_cents, updated_at) VALUES (?, ?, 0, ?)"
                           " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                           " updated_at = excluded.updated_at", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, id);
  wd_stmt_bind_text (stmt, 2, name);
  sqlite3_bind_int64 (stmt, 3, ctx->now);
  if (!wd_store_run (ctx->store, stmt, error))
    return FALSE;

  json_object_set_string_member (ctx->result, "id", id);
  return wd_op_record (ctx, "fund", id, NULL, NULL, args, error);
}

gboolean
wd_op_fund_deposit (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  static const char * const known[] = { "fund_id", "amount_cents", "reference", "note", NULL };
  g_autofree char *fund_id = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *note = NULL;
  g_autoptr(JsonObject) fund = NULL;
  gint64 amount = 0;

  if (!wd_args_only (args, known, error)
      || !wd_args_id (args, "fund_id", WD_ARG_REQUIRED, &fund_id, error)
      || !wd_args_int (args, "amount_cents", WD_ARG_REQUIRED, 1, G_GINT64_CONSTANT (100000000000),
                       &amount, error)
      || !wd_args_text (args, "reference", WD_ARG_OPTIONAL, 64, &reference, error)
      || !wd_args_text (args, "note", WD_ARG_OPTIONAL, 200, &note, error))
    return FALSE;

  fund = load_fund (ctx, fund_id, error);
  if (fund == NULL)
    return FALSE;
  return post_to_fund (ctx, fund, "deposit", amount, reference, note, error);
}

gboolean
wd_op_reward_rules (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  WdRewardRules rules;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;

  if (!wd_reward_rules_from_json (args, &rules, error))
    return FALSE;

  object = wd_reward_rules_to_json (&rules);
  text = wd_json_object_to_string (object, FALSE);
  if (!wd_store_set_setting (ctx->store, "reward_rules", text, error))
    return FALSE;
  return wd_op_record (ctx, "settings", "reward_rules", NULL, NULL, object, error);
}

static gboolean
store_proposal (WdOpContext  *ctx,
                const char   *period_id,
                JsonObject   *proposal,
                GError      **error)
{
  JsonArray *lines = json_object_get_array_member (proposal, "lines");
  JsonArray *orders = json_object_get_array_member (proposal, "orders");

  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      g_autoptr(JsonObject) row = json_object_new ();

      json_object_set_string_member (row, "period_id", period_id);
      json_object_set_string_member (row, "recipient_kind",
                                     json_object_get_string_member (line, "recipient_kind"));
      json_object_set_string_member (row, "recipient_id",
                                     json_object_get_string_member (line, "recipient_id"));
      json_object_set_int_member (row, "orders", json_object_get_int_member (line, "orders"));
      json_object_set_double_member (row, "hours", json_object_get_double_member (line, "hours"));
      json_object_set_int_member (row, "points", json_object_get_int_member (line, "points"));
      json_object_set_int_member (row, "amount_cents", json_object_get_int_member (line, "amount_cents"));
      if (!wd_store_insert_row (ctx->store, "reward_lines", row, error))
        return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *entry = json_array_get_object_element (orders, i);
      g_autoptr(JsonObject) row = json_object_new ();

      json_object_set_string_member (row, "period_id", period_id);
      json_object_set_string_member (row, "order_id", json_object_get_string_member (entry, "order_id"));
      json_object_set_boolean_member (row, "eligible", json_object_get_boolean_member (entry, "eligible"));
      json_object_set_double_member (row, "hours", json_object_get_double_member (entry, "hours"));
      json_object_set_int_member (row, "points", json_object_get_int_member (entry, "points"));
      json_object_set_string_member (row, "reason", json_object_get_string_member (entry, "reason"));
      if (!wd_store_insert_row (ctx->store, "reward_orders", row, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
wd_op_reward_propose (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  static const char * const known[] = { "period_id", "name", "from", "to", "fund_id", NULL };
  g_autofree char *period_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *fund_id = NULL;
  g_autofree char *rules_text = NULL;
  g_autoptr(JsonObject) fund = NULL;
  g_autoptr(JsonObject) proposal = NULL;
  g_autoptr(JsonObject) period = json_object_new ();
  g_autoptr(JsonObject) rules_json = NULL;
  WdRewardRules rules;
  gint64 from, to, total;

  if (!wd_args_only (args, known, error)
      || !wd_args_id (args, "period_id", WD_ARG_OPTIONAL, &period_id, error)
      || !wd_args_text (args, "name", WD_ARG_REQUIRED, 64, &name, error)
      || !wd_args_id (args, "fund_id", WD_ARG_REQUIRED, &fund_id, error)
      || !wd_op_read_period (ctx, args, &from, &to, error))
    return FALSE;

  if (period_id == NULL)
    period_id = wd_op_new_id (ctx);
  else if (wd_store_exists (ctx->store, "reward_periods", period_id))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                   _("period_id: a reward period “%s” already exists"), period_id);
      return FALSE;
    }

  fund = load_fund (ctx, fund_id, error);
  if (fund == NULL || !wd_reward_rules_load (ctx->store, &rules, error))
    return FALSE;

  proposal = wd_rewards_compute (ctx->store, &rules, from, to, error);
  if (proposal == NULL)
    return FALSE;
  if (json_array_get_length (json_object_get_array_member (proposal, "orders")) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("No rated order delivered in this period is waiting for a reward; "
                     "choose another period"));
      return FALSE;
    }

  total = json_object_get_int_member (proposal, "total_cents");
  if (total > json_object_get_int_member (fund, "balance_cents"))
    {
      g_autofree char *needed = wd_format_money (total);
      g_autofree char *held = wd_format_money (json_object_get_int_member (fund, "balance_cents"));

      g_set_error (error, WD_ERROR, WD_ERROR_FUND_INSUFFICIENT,
                   _("The rewards of this period come to %s but the fund “%s” holds %s; "
                     "deposit more or make the period shorter"),
                   needed, json_object_get_string_member (fund, "name"), held);
      return FALSE;
    }

  rules_json = wd_reward_rules_to_json (&rules);
  rules_text = wd_json_object_to_string (rules_json, FALSE);

  json_object_set_string_member (period, "id", period_id);
  json_object_set_string_member (period, "name", name);
  json_object_set_int_member (period, "starts_at", from);
  json_object_set_int_member (period, "ends_at", to);
  json_object_set_string_member (period, "fund_id", fund_id);
  json_object_set_string_member (period, "state", "proposed");
  json_object_set_int_member (period, "total_cents", total);
  json_object_set_string_member (period, "rules", rules_text);
  json_object_set_string_member (period, "proposed_by", ctx->actor->user);
  json_object_set_int_member (period, "proposed_at", ctx->now);
  if (!wd_store_insert_row (ctx->store, "reward_periods", period, error)
      || !store_proposal (ctx, period_id, proposal, error))
    return FALSE;

  json_object_set_string_member (ctx->result, "id", period_id);
  json_object_set_int_member (ctx->result, "total_cents", total);
  return wd_op_record (ctx, "reward_period", period_id, NULL, "proposed", NULL, error);
}

static JsonObject *
load_proposed_period (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  static const char * const known[] = { "period_id", NULL };
  g_autofree char *period_id = NULL;
  g_autoptr(JsonObject) period = NULL;

  if (!wd_args_only (args, known, error)
      || !wd_args_id (args, "period_id", WD_ARG_REQUIRED, &period_id, error))
    return NULL;

  period = wd_store_get_reward_period (ctx->store, period_id, error);
  if (period == NULL)
    return NULL;
  if (!g_str_equal (json_object_get_string_member (period, "state"), "proposed"))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("The reward period “%s” is %s; only a proposed period can be approved "
                     "or withdrawn"),
                   json_object_get_string_member (period, "name"),
                   json_object_get_string_member (period, "state"));
      return NULL;
    }
  return g_steal_pointer (&period);
}

static gboolean
set_period_state (WdOpContext  *ctx,
                  const char   *period_id,
                  const char   *state,
                  GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (ctx->store,
      "UPDATE reward_periods SET state = ?, approved_by = ?, approved_at = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, state);
  wd_stmt_bind_text (stmt, 2, ctx->actor->user);
  sqlite3_bind_int64 (stmt, 3, ctx->now);
  wd_stmt_bind_text (stmt, 4, period_id);
  if (!wd_store_run (ctx->store, stmt, error))
    return FALSE;
  return wd_op_record (ctx, "reward_period", period_id, "proposed", state, NULL, error);
}

static gboolean
settle_orders (WdOpContext  *ctx,
               const char   *period_id,
               GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) eligible = g_array_new (FALSE, FALSE, sizeof (gboolean));

  {
    g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (ctx->store,
        "SELECT order_id, eligible FROM reward_orders WHERE period_id = ?", error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    wd_stmt_bind_text (stmt, 1, period_id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gboolean e = sqlite3_column_int (stmt, 1) != 0;

        g_ptr_array_add (ids, wd_stmt_dup_text (stmt, 0));
        g_array_append_val (eligible, e);
      }
    if (rc != SQLITE_DONE)
      return wd_store_set_error (ctx->store, error);
  }

  for (guint i = 0; i < ids->len; i++)
    if (!wd_op_order_settle (ctx, g_ptr_array_index (ids, i),
                             g_array_index (eligible, gboolean, i), period_id, error))
      return FALSE;
  return TRUE;
}

gboolean
wd_op_reward_approve (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  g_autoptr(JsonObject) period = load_proposed_period (ctx, args, error);
  g_autoptr(JsonObject) fund = NULL;
  const char *period_id;

  if (period == NULL)
    return FALSE;
  period_id = json_object_get_string_member (period, "id");

  /* Money leaves the fund only with a second person's approval. */
  if (g_strcmp0 (json_object_get_string_member (period, "proposed_by"), ctx->actor->user) == 0)
    return wd_op_forbid (ctx, _("You proposed this reward period yourself; another member of "
                                "the centre or an administrator must approve it"), error);

  fund = load_fund (ctx, json_object_get_string_member (period, "fund_id"), error);
  if (fund == NULL || !wd_rewards_check_period (ctx->store, period, error))
    return FALSE;

  return post_to_fund (ctx, fund, "payout", -json_object_get_int_member (period, "total_cents"),
                       period_id, json_object_get_string_member (period, "name"), error)
      && settle_orders (ctx, period_id, error)
      && set_period_state (ctx, period_id, "approved", error);
}

gboolean
wd_op_reward_withdraw (WdOpContext  *ctx,
                       JsonObject   *args,
                       GError      **error)
{
  g_autoptr(JsonObject) period = load_proposed_period (ctx, args, error);

  if (period == NULL)
    return FALSE;
  return set_period_state (ctx, json_object_get_string_member (period, "id"), "withdrawn", error);
}
