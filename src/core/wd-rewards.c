/* wd-rewards.c: reward rules and the computation of a period's proposal
 * from the delivered and rated orders in it. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-rewards.h"
#include "wd-store-private.h"
#include "wd-validate.h"

void
wd_reward_rules_init_default (WdRewardRules *rules)
{
  static const double stars[WD_N_STAR_LEVELS] = { 100, 300, 600, 1000, 1500 };

  rules->points_per_hour = 10;
  rules->cents_per_point = 100;
  rules->min_stars = 4;
  rules->min_callback_satisfaction = 4;
  rules->complaint_zeroes = TRUE;
  memcpy (rules->star_hours, stars, sizeof stars);
}

gboolean
wd_reward_rules_from_json (JsonObject     *object,
                           WdRewardRules  *rules,
                           GError        **error)
{
  static const char * const known[] = {
    "points_per_hour", "cents_per_point", "min_stars", "min_callback_satisfaction",
    "complaint_zeroes", "star_hours", NULL
  };
  WdRewardRules r;

  wd_reward_rules_init_default (&r);
  if (!wd_args_only (object, known, error)
      || !wd_args_double (object, "points_per_hour", WD_ARG_OPTIONAL, 0, 1000,
                          &r.points_per_hour, error)
      || !wd_args_int (object, "cents_per_point", WD_ARG_OPTIONAL, 0, 100000,
                       &r.cents_per_point, error)
      || !wd_args_int (object, "min_stars", WD_ARG_OPTIONAL, 1, 5, &r.min_stars, error)
      || !wd_args_int (object, "min_callback_satisfaction", WD_ARG_OPTIONAL, 1, 5,
                       &r.min_callback_satisfaction, error)
      || !wd_args_bool (object, "complaint_zeroes", &r.complaint_zeroes, error))
    return FALSE;

  if (json_object_has_member (object, "star_hours"))
    {
      JsonNode *node = json_object_get_member (object, "star_hours");
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      if (array == NULL || json_array_get_length (array) != WD_N_STAR_LEVELS)
        goto bad_stars;
      for (guint i = 0; i < WD_N_STAR_LEVELS; i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item)
              || (json_node_get_value_type (item) != G_TYPE_INT64
                  && json_node_get_value_type (item) != G_TYPE_DOUBLE))
            goto bad_stars;
          r.star_hours[i] = json_node_get_double (item);
          if (r.star_hours[i] <= 0 || (i > 0 && r.star_hours[i] <= r.star_hours[i - 1]))
            goto bad_stars;
        }
    }

  *rules = r;
  return TRUE;

bad_stars:
  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("star_hours: give five rising numbers of hours, one per star level, "
                 "such as [100, 300, 600, 1000, 1500]"));
  return FALSE;
}

JsonObject *
wd_reward_rules_to_json (const WdRewardRules *rules)
{
  JsonObject *object = json_object_new ();
  JsonArray *stars = json_array_new ();

  json_object_set_double_member (object, "points_per_hour", rules->points_per_hour);
  json_object_set_int_member (object, "cents_per_point", rules->cents_per_point);
  json_object_set_int_member (object, "min_stars", rules->min_stars);
  json_object_set_int_member (object, "min_callback_satisfaction", rules->min_callback_satisfaction);
  json_object_set_boolean_member (object, "complaint_zeroes", rules->complaint_zeroes);
  for (guint i = 0; i < WD_N_STAR_LEVELS; i++)
    json_array_add_double_element (stars, rules->star_hours[i]);
  json_object_set_array_member (object, "star_hours", stars);
  return object;
}

gboolean
wd_reward_rules_load (WdStore        *store,
                      WdRewardRules  *rules,
                      GError        **error)
{
  g_autofree char *text = wd_store_get_setting (store, "reward_rules");
  g_autoptr(JsonObject) object = NULL;

  wd_reward_rules_init_default (rules);
  if (text == NULL)
    return TRUE;

  object = wd_json_parse_object (text, -1, NULL);
  if (object == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                   _("The stored reward rules are damaged; set them again"));
      return FALSE;
    }
  return wd_reward_rules_from_json (object, rules, error);
}

/* An amount of money as people in the office write it: "¥48,725.00",
 * digits grouped by thousands (as in Chinese and English alike), one
 * sign before the yuan, also for less than one yuan owed. */
char *
wd_format_money (gint64 cents)
{
  guint64 magnitude = cents < 0 ? -(guint64) cents : (guint64) cents;
  g_autofree char *yuan = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude / 100);
  gsize digits = strlen (yuan);
  g_autoptr(GString) number = g_string_sized_new (digits + digits / 3 + 3);

  for (gsize i = 0; i < digits; i++)
    {
      if (i > 0 && (digits - i) % 3 == 0)
        g_string_append_c (number, ',');
      g_string_append_c (number, yuan[i]);
    }
  g_string_append_printf (number, ".%02u", (guint) (magnitude % 100));

  /* TRANSLATORS: an amount of money in yuan; %s is the number */
  return cents < 0 ? g_strdup_printf (_("−¥%s"), number->str) : g_strdup_printf (_("¥%s"), number->str);
}

int
wd_reward_star_level (const WdRewardRules *rules,
                      double               hours)
{
  int level = 0;

  for (int i = 0; i < WD_N_STAR_LEVELS; i++)
    if (hours >= rules->star_hours[i])
      level = i + 1;
  return level;
}

/* Why an order does or does not earn a reward; stable codes, shown to
 * people through wd-rewards' labels in the app. */
static const char *
judge (const WdRewardRules *rules,
       gint64               stars,
       gint64               complaints,
       gint64               satisfaction,
       double               hours)
{
  if (complaints > 0)
    return "complaint";
  if (stars < rules->min_stars)
    return "rating-below-threshold";
  if (satisfaction > 0 && satisfaction < rules->min_callback_satisfaction)
    return "callback-below-threshold";
  if (hours <= 0)
    return "no-hours";
  return "eligible";
}

static JsonObject *
line_for (GHashTable *lines,
          JsonArray  *order,
          const char *kind,
          const char *id,
          const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", kind, id);
  JsonObject *line = g_hash_table_lookup (lines, key);

  if (line == NULL)
    {
      line = json_object_new ();
      json_object_set_string_member (line, "recipient_kind", kind);
      json_object_set_string_member (line, "recipient_id", id);
      json_object_set_string_member (line, "recipient_name", name);
      json_object_set_int_member (line, "orders", 0);
      json_object_set_double_member (line, "hours", 0);
      json_object_set_int_member (line, "points", 0);
      json_object_set_int_member (line, "amount_cents", 0);
      g_hash_table_insert (lines, g_steal_pointer (&key), line);
      json_array_add_object_element (order, json_object_ref (line));
    }
  return line;
}

/* The columns a judgement reads, in this order, and the joins they need
 * on an order `o`: shared by proposing and by checking a proposal again. */
#define JUDGED_COLUMNS \
  " o.id, o.number, o.assignee_kind, o.assignee_id, COALESCE (sp.name, tm.name)," \
  " COALESCE (o.credited_hours, 0), r.stars," \
  " (SELECT count (*) FROM callbacks c WHERE c.order_id = o.id AND c.outcome = 'complaint')," \
  " (SELECT c.satisfaction FROM callbacks c WHERE c.order_id = o.id" \
  "   AND c.satisfaction IS NOT NULL ORDER BY c.called_at DESC LIMIT 1)"
#define JUDGED_JOINS \
  " JOIN ratings r ON r.order_id = o.id" \
  " LEFT JOIN speakers sp ON o.assignee_kind = 'speaker' AND sp.id = o.assignee_id" \
  " LEFT JOIN teams tm ON o.assignee_kind = 'team' AND tm.id = o.assignee_id"
#define N_JUDGED_COLUMNS 9

/* Judges the order on stmt's current row (JUDGED_COLUMNS first): the
 * reason, and the hours and points it earns. */
static const char *
judge_row (sqlite3_stmt        *stmt,
           const WdRewardRules *rules,
           double              *hours,
           gint64              *points)
{
  double credited = sqlite3_column_double (stmt, 5);
  const char *reason = judge (rules, sqlite3_column_int64 (stmt, 6), sqlite3_column_int64 (stmt, 7),
                              sqlite3_column_int64 (stmt, 8), credited);
  gboolean eligible = g_str_equal (reason, "eligible");

  *hours = eligible ? credited : 0;
  *points = eligible ? (gint64) llround (credited * rules->points_per_hour) : 0;
  return reason;
}

/* Every rated order delivered in [from, to) that no live period has
 * claimed yet, judged by the rules and summed per recipient. */
JsonObject *
wd_rewards_compute (WdStore              *store,
                    const WdRewardRules  *rules,
                    gint64                from,
                    gint64                to,
                    GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) by_recipient = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              (GDestroyNotify) json_object_unref);
  g_autoptr(JsonArray) lines = json_array_new ();
  g_autoptr(JsonArray) orders = json_array_new ();
  JsonObject *proposal;
  gint64 total = 0;
  int rc;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);

  stmt = wd_store_prepare (store,
      "SELECT" JUDGED_COLUMNS " FROM orders o" JUDGED_JOINS
      " WHERE o.state = 'rated' AND o.delivered_end >= ? AND o.delivered_end < ?"
      " AND NOT EXISTS (SELECT 1 FROM reward_orders ro JOIN reward_periods rp ON rp.id = ro.period_id"
      "   WHERE ro.order_id = o.id AND rp.state <> 'withdrawn')"
      " ORDER BY o.delivered_end, o.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *entry = json_object_new ();
      double hours;
      gint64 points;
      const char *reason = judge_row (stmt, rules, &hours, &points);
      gboolean eligible = g_str_equal (reason, "eligible");

      json_object_set_string_member (entry, "order_id", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (entry, "number", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_boolean_member (entry, "eligible", eligible);
      json_object_set_string_member (entry, "reason", reason);
      json_object_set_double_member (entry, "hours", hours);
      json_object_set_int_member (entry, "points", points);
      json_array_add_object_element (orders, entry);

      if (eligible)
        {
          JsonObject *line = line_for (by_recipient, lines,
                                       (const char *) sqlite3_column_text (stmt, 2),
                                       (const char *) sqlite3_column_text (stmt, 3),
                                       (const char *) sqlite3_column_text (stmt, 4));
          gint64 amount = points * rules->cents_per_point;

          json_object_set_int_member (line, "orders", json_object_get_int_member (line, "orders") + 1);
          json_object_set_double_member (line, "hours", json_object_get_double_member (line, "hours") + hours);
          json_object_set_int_member (line, "points", json_object_get_int_member (line, "points") + points);
          json_object_set_int_member (line, "amount_cents",
                                      json_object_get_int_member (line, "amount_cents") + amount);
          total += amount;
        }
    }
  if (rc != SQLITE_DONE)
    {
      wd_store_set_error (store, error);
      return NULL;
    }

  proposal = json_object_new ();
  json_object_set_int_member (proposal, "from", from);
  json_object_set_int_member (proposal, "to", to);
  json_object_set_int_member (proposal, "total_cents", total);
  json_object_set_array_member (proposal, "lines", g_steal_pointer (&lines));
  json_object_set_array_member (proposal, "orders", g_steal_pointer (&orders));
  return proposal;
}

static const char *
reason_label (const char *reason)
{
  if (g_str_equal (reason, "complaint"))
    return _("a complaint was recorded on it");
  if (g_str_equal (reason, "rating-below-threshold"))
    return _("its rating is below the rules' threshold");
  if (g_str_equal (reason, "callback-below-threshold"))
    return _("the satisfaction given on the callback is below the rules' threshold");
  if (g_str_equal (reason, "no-hours"))
    return _("it has no service hours credited");
  return _("it meets the rules");
}

/* A period pays what was judged when it was proposed; a complaint or a
 * poor callback recorded since then must not be paid for regardless.
 * Judges each of the period's orders again, under the rules the period
 * was proposed with, and fails (wrong-state) at the first whose
 * judgement is no longer the one the proposal holds. */
static gboolean
check_proposal (WdStore              *store,
                const char           *period_id,
                const WdRewardRules  *rules,
                GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = wd_store_prepare (store,
      "SELECT" JUDGED_COLUMNS ", ro.points"
      " FROM reward_orders ro JOIN orders o ON o.id = ro.order_id" JUDGED_JOINS
      " WHERE ro.period_id = ? ORDER BY o.delivered_end, o.id", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, period_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 proposed = sqlite3_column_int64 (stmt, N_JUDGED_COLUMNS);
      double hours;
      gint64 points;
      const char *reason = judge_row (stmt, rules, &hours, &points);

      if (points != proposed)
        {
          const char *number = (const char *) sqlite3_column_text (stmt, 1);

          g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                       _("Since this period was proposed, order %s changed: %s, so it now earns "
                         "%d points instead of the %d proposed. Withdraw the period and propose it again"),
                       number ? number : _("(not yet numbered)"), reason_label (reason),
                       (int) points, (int) proposed);
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    return wd_store_set_error (store, error);
  return TRUE;
}

/* period: a reward period's row, with the rules it was proposed under. */
gboolean
wd_rewards_check_period (WdStore     *store,
                         JsonObject  *period,
                         GError     **error)
{
  g_autoptr(JsonObject) rules_json = NULL;
  WdRewardRules rules;

  g_return_val_if_fail (WD_IS_STORE (store), FALSE);

  rules_json = wd_json_parse_object (json_object_get_string_member (period, "rules"), -1, error);
  if (rules_json == NULL || !wd_reward_rules_from_json (rules_json, &rules, error))
    return FALSE;
  return check_proposal (store, json_object_get_string_member (period, "id"), &rules, error);
}
