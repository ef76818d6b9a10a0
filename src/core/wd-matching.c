/* wd-matching.c: ranking the speakers or teams who could take an order. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-matching.h"
#include "wd-store-private.h"
#include "wd-time.h"

G_DEFINE_BOXED_TYPE (WdCandidate, wd_candidate, wd_candidate_copy, wd_candidate_free)

WdCandidate *
wd_candidate_copy (const WdCandidate *candidate)
{
  WdCandidate *copy = g_new0 (WdCandidate, 1);

  *copy = *candidate;
  copy->id = g_strdup (candidate->id);
  copy->name = g_strdup (candidate->name);
  copy->clash_order_id = g_strdup (candidate->clash_order_id);
  copy->reasons = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < candidate->reasons->len; i++)
    g_ptr_array_add (copy->reasons, g_strdup (g_ptr_array_index (candidate->reasons, i)));
  return copy;
}

void
wd_candidate_free (WdCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->id);
  g_free (candidate->name);
  g_free (candidate->clash_order_id);
  g_clear_pointer (&candidate->reasons, g_ptr_array_unref);
  g_free (candidate);
}

JsonObject *
wd_candidate_to_json (const WdCandidate *candidate)
{
  JsonObject *object = json_object_new ();
  JsonArray *reasons = json_array_new ();

  json_object_set_string_member (object, "kind", wd_assignee_kind_to_string (candidate->kind));
  json_object_set_string_member (object, "id", candidate->id);
  json_object_set_string_member (object, "name", candidate->name);
  json_object_set_double_member (object, "score", candidate->score);
  json_object_set_double_member (object, "fit", candidate->fit);
  json_object_set_double_member (object, "nearness", candidate->nearness);
  json_object_set_double_member (object, "quality", candidate->quality);
  json_object_set_double_member (object, "fairness", candidate->fairness);
  json_object_set_boolean_member (object, "clash", candidate->clash);
  json_object_set_boolean_member (object, "unavailable", candidate->unavailable);
  if (candidate->clash_order_id != NULL)
    json_object_set_string_member (object, "clash_order_id", candidate->clash_order_id);
  for (guint i = 0; i < candidate->reasons->len; i++)
    json_array_add_string_element (reasons, g_ptr_array_index (candidate->reasons, i));
  json_object_set_array_member (object, "reasons", reasons);
  return object;
}

/* Who may take the order, and how well each fits what was ordered: the
 * speakers of the order's topic, or the project's own team first and the
 * teams offering projects of the same category after it. */
static const char speaker_pool_sql[] =
  "SELECT 'speaker', sp.id, sp.name, sp.subdistrict_id, s.name, 1.0, t.name, sp.free_days, sp.free_times"
  " FROM speakers sp JOIN speaker_topics st ON st.owner_id = sp.id"
  " JOIN topics t ON t.id = st.ref_id"
  " LEFT JOIN subdistricts s ON s.id = sp.subdistrict_id"
  " WHERE st.ref_id = ?1 AND sp.active";

static const char team_pool_sql[] =
  "SELECT 'team', tm.id, tm.name, tm.subdistrict_id, s.name,"
  "  max (CASE WHEN p.id = ?1 THEN 1.0 ELSE 0.6 END), op.category, 0, 0"
  " FROM projects op JOIN projects p ON p.category = op.category"
  " JOIN teams tm ON tm.id = p.team_id"
  " LEFT JOIN subdistricts s ON s.id = tm.subdistrict_id"
  " WHERE op.id = ?1 AND tm.active AND (p.active OR p.id = ?1)"
  " GROUP BY tm.id";

typedef struct
{
  WdStore    *store;
  JsonObject *order;
  gint64      now;
  double      mean_rating;
  guint       weekday;        /* of the event, 0: Monday */
  guint       day_part;       /* of the event's start */
} Context;

static double
district_mean_rating (WdStore    *store,
                      const char *kind)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT avg (r.stars) FROM ratings r JOIN orders o ON o.id = r.order_id"
      " WHERE o.assignee_kind = ?", NULL);

  if (stmt == NULL)
    return 4.0;
  wd_stmt_bind_text (stmt, 1, kind);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return sqlite3_column_double (stmt, 0);
  return 4.0;
}

static void
add_reason (WdCandidate *candidate,
            char        *reason)
{
  g_ptr_array_add (candidate->reasons, reason);
}

/* A speaker's word on when they are usually free, against the event:
 * the reason why not, or NULL when nothing stands against it. */
static char *
not_usually_free (Context *ctx,
                  gint64   free_days,
                  gint64   free_times)
{
  if (free_days != 0 && !(free_days & (1 << ctx->weekday)))
    return g_strdup_printf (_("Usually not free on %s"), wd_weekday_label (ctx->weekday));
  if (free_times != 0 && !(free_times & (1 << ctx->day_part)))
    return g_strdup_printf (_("Usually not free in the %s"), wd_day_part_label (ctx->day_part));
  return NULL;
}

static gboolean
assess (Context      *ctx,
        WdCandidate  *candidate,
        const char   *subdistrict_id,
        const char   *subdistrict_name,
        const char   *fit_subject,
        gint64        free_days,
        gint64        free_times,
        GError      **error)
{
  g_autofree char *not_free = NULL;
  const char *order_id = json_object_get_string_member (ctx->order, "id");
  gint64 starts_at = json_object_get_int_member (ctx->order, "starts_at");
  gint64 ends_at = json_object_get_int_member (ctx->order, "ends_at");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) clash = NULL;
  gint64 n_ratings, workload;
  double total_stars, shrunk;

  if (candidate->kind == WD_ASSIGNEE_SPEAKER)
    add_reason (candidate, g_strdup_printf (_("Speaks on %s"), fit_subject));
  else if (candidate->fit >= 1.0)
    add_reason (candidate, g_strdup (_("Provides the ordered project")));
  else
    add_reason (candidate, g_strdup_printf (_("Offers a similar project (%s)"), fit_subject));

  if (subdistrict_id != NULL
      && g_strcmp0 (subdistrict_id, json_object_get_string_member (ctx->order, "subdistrict_id")) == 0)
    {
      candidate->nearness = 1.0;
      add_reason (candidate, g_strdup_printf (_("Same sub-district (%s)"), subdistrict_name));
    }
  else if (subdistrict_name != NULL)
    add_reason (candidate, g_strdup_printf (_("Based in %s"), subdistrict_name));
  else
    add_reason (candidate, g_strdup (_("Serves the whole district")));

  stmt = wd_store_prepare (ctx->store,
      "SELECT"
      " (SELECT count (*) FROM orders o JOIN ratings r ON r.order_id = o.id"
      "   WHERE o.assignee_id = ?1 AND o.assignee_kind = ?2),"
      " (SELECT total (r.stars) FROM orders o JOIN ratings r ON r.order_id = o.id"
      "   WHERE o.assignee_id = ?1 AND o.assignee_kind = ?2),"
      " (SELECT count (*) FROM orders o WHERE o.assignee_id = ?1 AND o.assignee_kind = ?2"
      "   AND o.state IN ('dispatched', 'accepted', 'delivered', 'rated', 'rewarded', 'closed')"
      "   AND o.starts_at >= ?3 AND o.starts_at < ?4 AND o.id <> ?5)", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, candidate->id);
  wd_stmt_bind_text (stmt, 2, wd_assignee_kind_to_string (candidate->kind));
  sqlite3_bind_int64 (stmt, 3, ctx->now - WD_MATCH_WORKLOAD_DAYS * 86400);
  sqlite3_bind_int64 (stmt, 4, ctx->now + WD_MATCH_WORKLOAD_DAYS * 86400);
  wd_stmt_bind_text (stmt, 5, order_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return wd_store_set_error (ctx->store, error);
  n_ratings = sqlite3_column_int64 (stmt, 0);
  total_stars = sqlite3_column_double (stmt, 1);
  workload = sqlite3_column_int64 (stmt, 2);

  /* A new speaker with one five-star rating should not outrank a proven
   * one: shrink towards the district mean in proportion to the evidence. */
  shrunk = (WD_MATCH_PRIOR_WEIGHT * ctx->mean_rating + total_stars)
         / (WD_MATCH_PRIOR_WEIGHT + (double) n_ratings);
  candidate->quality = CLAMP ((shrunk - 1.0) / 4.0, 0.0, 1.0);
  if (n_ratings > 0)
    add_reason (candidate,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Rated %.1f on average from %ld rating",
                                              "Rated %.1f on average from %ld ratings",
                                              (gulong) n_ratings),
                                 total_stars / (double) n_ratings, (long) n_ratings));
  else
    add_reason (candidate, g_strdup_printf (_("Not rated yet; counted at the district average of %.1f"),
                                            ctx->mean_rating));

  /* Fairness: every engagement already held halves the share of the rest. */
  candidate->fairness = 1.0 / (1.0 + (double) workload);
  if (workload > 0)
    add_reason (candidate,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%ld other engagement within %d days",
                                              "%ld other engagements within %d days",
                                              (gulong) workload),
                                 (long) workload, WD_MATCH_WORKLOAD_DAYS));
  else
    add_reason (candidate, g_strdup_printf (_("No other engagement within %d days"),
                                            WD_MATCH_WORKLOAD_DAYS));

  clash = wd_store_find_clash (ctx->store, candidate->kind, candidate->id, starts_at, ends_at,
                               order_id, error);
  if (clash == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (clash != NULL)
    {
      GTimeZone *tz = wd_store_get_time_zone (ctx->store);
      g_autofree char *from = wd_time_format_local (json_object_get_int_member (clash, "starts_at"),
                                                    tz, "%m-%d %H:%M");
      g_autofree char *to = wd_time_format_local (json_object_get_int_member (clash, "ends_at"),
                                                  tz, "%H:%M");
      const char *number = json_object_get_string_member_with_default (clash, "number", NULL);

      candidate->clash = TRUE;
      candidate->clash_order_id = g_strdup (json_object_get_string_member (clash, "id"));
      add_reason (candidate, g_strdup_printf (_("Busy: booked for %s “%s” from %s to %s"),
                                              number ? number : _("an order"),
                                              json_object_get_string_member (clash, "title"),
                                              from, to));
    }
  else if ((not_free = not_usually_free (ctx, free_days, free_times)) != NULL)
    {
      candidate->unavailable = TRUE;
      add_reason (candidate, g_steal_pointer (&not_free));
    }
  else
    add_reason (candidate, g_strdup (_("Free at that time")));

  candidate->score = WD_MATCH_WEIGHT_FIT * candidate->fit
                   + WD_MATCH_WEIGHT_NEARNESS * candidate->nearness
                   + WD_MATCH_WEIGHT_QUALITY * candidate->quality
                   + WD_MATCH_WEIGHT_FAIRNESS * candidate->fairness;
  return TRUE;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const WdCandidate *x = *(WdCandidate **) a;
  const WdCandidate *y = *(WdCandidate **) b;

  /* Whoever is free comes before whoever would be double booked, and
   * whoever is usually free then before whoever said they are not. */
  if (x->clash != y->clash)
    return x->clash ? 1 : -1;
  if (x->unavailable != y->unavailable)
    return x->unavailable ? 1 : -1;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

/* A candidate as the pool query found it, before assessment: assess()
 * runs statements of its own, so it waits until the pool query is done. */
typedef struct
{
  WdCandidate *candidate;
  char        *subdistrict_id;
  char        *subdistrict_name;
  char        *subject;
  gint64       free_days;
  gint64       free_times;
} PoolEntry;

static void
pool_entry_clear (PoolEntry *entry)
{
  g_free (entry->subdistrict_id);
  g_free (entry->subdistrict_name);
  g_free (entry->subject);
}

static GArray *
read_pool (WdStore     *store,
           gboolean     by_team,
           const char  *key,
           GError     **error)
{
  g_autoptr(GArray) pool = g_array_new (FALSE, TRUE, sizeof (PoolEntry));
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, by_team ? team_pool_sql : speaker_pool_sql,
                                                   error);
  int rc;

  g_array_set_clear_func (pool, (GDestroyNotify) pool_entry_clear);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, key);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PoolEntry entry;
      WdCandidate *candidate = g_new0 (WdCandidate, 1);

      candidate->kind = by_team ? WD_ASSIGNEE_TEAM : WD_ASSIGNEE_SPEAKER;
      candidate->id = wd_stmt_dup_text (stmt, 1);
      candidate->name = wd_stmt_dup_text (stmt, 2);
      candidate->fit = sqlite3_column_double (stmt, 5);
      candidate->reasons = g_ptr_array_new_with_free_func (g_free);

      entry.candidate = candidate;
      entry.subdistrict_id = wd_stmt_dup_text (stmt, 3);
      entry.subdistrict_name = wd_stmt_dup_text (stmt, 4);
      entry.subject = wd_stmt_dup_text (stmt, 6);
      entry.free_days = sqlite3_column_int64 (stmt, 7);
      entry.free_times = sqlite3_column_int64 (stmt, 8);
      g_array_append_val (pool, entry);
    }
  if (rc != SQLITE_DONE)
    {
      for (guint i = 0; i < pool->len; i++)
        wd_candidate_free (g_array_index (pool, PoolEntry, i).candidate);
      wd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&pool);
}

/* Returns the candidates for order_id, best first, at most limit of them
 * (0: all). */
GPtrArray *
wd_match_candidates (WdStore     *store,
                     const char  *order_id,
                     gint64       now,
                     guint        limit,
                     GError     **error)
{
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_candidate_free);
  g_autoptr(GArray) pool = NULL;
  const char *project_id;
  gboolean by_team;
  Context ctx;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);
  g_return_val_if_fail (order_id != NULL, NULL);

  order = wd_store_get (store, "order", order_id, error);
  if (order == NULL)
    return NULL;

  project_id = json_object_get_string_member_with_default (order, "project_id", NULL);
  by_team = project_id != NULL;

  ctx.store = store;
  ctx.order = order;
  ctx.now = now;
  ctx.mean_rating = district_mean_rating (store, by_team ? "team" : "speaker");
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (json_object_get_int_member (order, "starts_at"));
    g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, wd_store_get_time_zone (store));

    ctx.weekday = (guint) g_date_time_get_day_of_week (local) - 1;
    ctx.day_part = wd_day_part_of_hour (g_date_time_get_hour (local));
  }

  pool = read_pool (store, by_team,
                    by_team ? project_id
                            : json_object_get_string_member_with_default (order, "topic_id", NULL),
                    error);
  if (pool == NULL)
    return NULL;

  /* The candidates array owns each candidate from here on. */
  for (guint i = 0; i < pool->len; i++)
    g_ptr_array_add (candidates, g_array_index (pool, PoolEntry, i).candidate);

  for (guint i = 0; i < pool->len; i++)
    {
      PoolEntry *entry = &g_array_index (pool, PoolEntry, i);

      if (!assess (&ctx, entry->candidate, entry->subdistrict_id, entry->subdistrict_name,
                   entry->subject, entry->free_days, entry->free_times, error))
        return NULL;
    }

  g_ptr_array_sort (candidates, compare_candidates);
  if (limit > 0 && candidates->len > limit)
    g_ptr_array_set_size (candidates, limit);
  return g_steal_pointer (&candidates);
}
