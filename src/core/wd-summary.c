/* wd-summary.c: the figures of a period. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include "wd-store-private.h"
#include "wd-summary.h"

/* One row of numbers from sql, bound to the period. */
static gboolean
add_figures (WdStore     *store,
             JsonObject  *summary,
             const char  *sql,
             gint64       from,
             gint64       to,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GList) members = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return wd_store_set_error (store, error);
  row = wd_stmt_row_to_json (stmt);
  members = json_object_get_members (row);
  for (GList *l = members; l; l = l->next)
    json_object_set_member (summary, l->data, json_object_dup_member (row, l->data));
  return TRUE;
}

/* name → count for each row of sql, bound to the period. */
static gboolean
add_counts (WdStore     *store,
            JsonObject  *summary,
            const char  *member,
            const char  *sql,
            gint64       from,
            gint64       to,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);
  JsonObject *counts;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  counts = json_object_new ();
  json_object_set_object_member (summary, member, counts);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_object_set_int_member (counts, (const char *) sqlite3_column_text (stmt, 0),
                                sqlite3_column_int64 (stmt, 1));
  return rc == SQLITE_DONE || wd_store_set_error (store, error);
}

static gboolean
add_stars (WdStore     *store,
           JsonObject  *summary,
           gint64       from,
           gint64       to,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT r.stars, count (*) FROM ratings r JOIN orders o ON o.id = r.order_id"
      " WHERE o.starts_at >= ?1 AND o.starts_at < ?2 GROUP BY r.stars", error);
  gint64 stars[5] = { 0 };
  JsonArray *array;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    stars[CLAMP (sqlite3_column_int (stmt, 0), 1, 5) - 1] = sqlite3_column_int64 (stmt, 1);
  if (rc != SQLITE_DONE)
    return wd_store_set_error (store, error);
  array = json_array_sized_new (5);
  for (guint i = 0; i < 5; i++)
    json_array_add_int_element (array, stars[i]);
  json_object_set_array_member (summary, "stars", array);
  return TRUE;
}

#define ORDERS_OF_PERIOD " FROM orders o WHERE o.starts_at >= ?1 AND o.starts_at < ?2"
#define DONE_STATES "('delivered', 'rated', 'rewarded', 'closed')"

JsonObject *
wd_store_summarize (WdStore  *store,
                    gint64    from,
                    gint64    to,
                    GError  **error)
{
  g_autoptr(JsonObject) summary = json_object_new ();

  g_return_val_if_fail (WD_IS_STORE (store), NULL);

  if (!wd_store_begin_read (store, error))
    return NULL;
  if (!add_figures (store, summary,
                    "SELECT count (*) AS orders,"
                    " count (*) FILTER (WHERE o.state IN " DONE_STATES ") AS delivered,"
                    " COALESCE (sum (o.delivered_audience), 0) AS audience,"
                    " COALESCE (sum (o.hours), 0.0) AS hours" ORDERS_OF_PERIOD, from, to, error)
      || !add_figures (store, summary,
                       "SELECT count (*) AS ratings, avg (r.stars) AS rating_average"
                       " FROM ratings r JOIN orders o ON o.id = r.order_id"
                       " WHERE o.starts_at >= ?1 AND o.starts_at < ?2", from, to, error)
      || !add_stars (store, summary, from, to, error)
      || !add_figures (store, summary,
                       "SELECT count (*) AS callbacks, avg (satisfaction) AS callback_satisfaction"
                       " FROM callbacks WHERE called_at >= ?1 AND called_at < ?2", from, to, error)
      || !add_counts (store, summary, "callback_outcomes",
                      "SELECT outcome, count (*) FROM callbacks WHERE called_at >= ?1 AND called_at < ?2"
                      " GROUP BY 1 ORDER BY 2 DESC, 1", from, to, error)
      || !add_figures (store, summary,
                       "SELECT count (*) AS rewards_paid, COALESCE (-sum (amount_cents), 0) AS rewards_paid_cents"
                       " FROM fund_ledger WHERE kind = 'payout' AND recorded_at >= ?1 AND recorded_at < ?2",
                       from, to, error)
      || !add_counts (store, summary, "by_state",
                      "SELECT o.state, count (*)" ORDERS_OF_PERIOD " GROUP BY 1 ORDER BY 2 DESC, 1",
                      from, to, error)
      || !add_counts (store, summary, "by_subdistrict",
                      "SELECT s.name, count (*) FROM orders o JOIN subdistricts s ON s.id = o.subdistrict_id"
                      " WHERE o.starts_at >= ?1 AND o.starts_at < ?2 GROUP BY 1 ORDER BY 2 DESC, 1",
                      from, to, error)
      || !add_counts (store, summary, "by_topic",
                      "SELECT COALESCE (t.name, ''), count (*) FROM orders o LEFT JOIN topics t ON t.id = o.topic_id"
                      " WHERE o.starts_at >= ?1 AND o.starts_at < ?2 GROUP BY 1 ORDER BY 2 DESC, 1",
                      from, to, error)
      || !add_counts (store, summary, "by_venue_kind",
                      "SELECT v.name, count (*) FROM orders o JOIN venue_kinds v ON v.id = o.venue_kind"
                      " WHERE o.starts_at >= ?1 AND o.starts_at < ?2 GROUP BY 1 ORDER BY v.sort, 1",
                      from, to, error))
    {
      wd_store_rollback (store);
      return NULL;
    }
  wd_store_rollback (store);
  return g_steal_pointer (&summary);
}
