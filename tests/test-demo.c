/* test-demo.c: the demo district is complete, spread over every state and
 * over eight weeks, and valid by construction. */
#include "config.h"

#include "wd-demo.h"
#include "wd-store-private.h"
#include "wd-test-util.h"

/* One demo district, loaded once, read by every test. */
static WdFixture demo;

static gint64
count (const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (wd_store_get_db (demo.store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
test_catalogues (void)
{
  g_assert_cmpint (count ("SELECT count (*) FROM subdistricts"), ==, 14);
  g_assert_cmpint (count ("SELECT count (*) FROM topics"), ==, 10);
  g_assert_cmpint (count ("SELECT count (*) FROM venue_kinds"), ==, 6);
  g_assert_cmpint (count ("SELECT count (*) FROM speakers"), >=, 130);
  g_assert_cmpint (count ("SELECT count (*) FROM teams"), >=, 20);
  g_assert_cmpint (count ("SELECT count (*) FROM projects"), >=, 40);
  /* Every speaker has a topic, a biography and a name of two or three characters. */
  g_assert_cmpint (count ("SELECT count (*) FROM speakers WHERE id NOT IN (SELECT owner_id FROM speaker_topics)"),
                   ==, 0);
  g_assert_cmpint (count ("SELECT count (*) FROM speakers WHERE length (bio) < 20"), ==, 0);
  g_assert_cmpint (count ("SELECT count (*) FROM speakers WHERE length (name) NOT BETWEEN 2 AND 3"), ==, 0);
  /* Every topic has speakers to dispatch. */
  g_assert_cmpint (count ("SELECT count (*) FROM topics WHERE id NOT IN (SELECT ref_id FROM speaker_topics)"),
                   ==, 0);
}

static void
test_orders_cover_every_state (void)
{
  static const char * const states[] = {
    "ordered", "dispatched", "accepted", "delivered", "rated", "rewarded", "rejected", "cancelled", "closed",
  };
  g_autoptr(JsonObject) counts = wd_store_count_orders (demo.store, NULL, "state", NULL);

  g_assert_cmpint (count ("SELECT count (*) FROM orders"), >=, 300);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      if (json_object_get_int_member_with_default (counts, states[i], 0) == 0)
        g_error ("the demo district has no %s order", states[i]);
    }
  /* Some dispatched orders are overdue, for the board to mark. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM orders WHERE state = 'dispatched'"
                                            " AND accept_deadline < %" G_GINT64_FORMAT, demo.t0);

    g_assert_cmpint (count (sql), >, 0);
  }
}

static void
test_orders_span_eight_weeks (void)
{
  g_autofree char *past = g_strdup_printf ("SELECT count (*) FROM orders WHERE starts_at < %" G_GINT64_FORMAT
                                           " AND starts_at >= %" G_GINT64_FORMAT,
                                           demo.t0, demo.t0 - 29 * WD_DAY);
  g_autofree char *future = g_strdup_printf ("SELECT count (*) FROM orders WHERE starts_at > %" G_GINT64_FORMAT
                                             " AND starts_at <= %" G_GINT64_FORMAT,
                                             demo.t0, demo.t0 + 29 * WD_DAY);
  g_autofree char *outside = g_strdup_printf ("SELECT count (*) FROM orders WHERE starts_at < %" G_GINT64_FORMAT
                                              " OR starts_at > %" G_GINT64_FORMAT,
                                              demo.t0 - 29 * WD_DAY, demo.t0 + 29 * WD_DAY);

  g_assert_cmpint (count (past), >=, 100);
  g_assert_cmpint (count (future), >=, 100);
  g_assert_cmpint (count (outside), ==, 0);
  /* Nothing in the future has been delivered. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM orders WHERE delivered_start > %" G_GINT64_FORMAT,
                                            demo.t0);

    g_assert_cmpint (count (sql), ==, 0);
  }
}

static void
test_ratings_callbacks_rewards (void)
{
  g_assert_cmpint (count ("SELECT count (*) FROM ratings"), >=, 50);
  g_assert_cmpint (count ("SELECT count (*) FROM callbacks"), >=, 10);
  g_assert_cmpint (count ("SELECT count (*) FROM callbacks WHERE outcome = 'complaint'"), >=, 1);
  g_assert_cmpint (count ("SELECT count (*) FROM reward_periods WHERE state = 'approved'"), ==, 1);
  g_assert_cmpint (count ("SELECT count (*) FROM reward_lines"), >=, 5);
  g_assert_cmpint (count ("SELECT count (*) FROM fund_ledger WHERE kind = 'payout' AND amount_cents < 0"), ==, 1);
  g_assert_cmpint (count ("SELECT min (balance_cents) FROM funds"), >, 0);
  g_assert_cmpint (count ("SELECT count (*) FROM orders WHERE state = 'rated' AND id NOT IN (SELECT order_id FROM ratings)"),
                   ==, 0);
}

/* Valid by construction: every order's history is an unbroken chain of
 * transitions from its creation to its present state, and nobody holds
 * two bookings at once. */
static void
test_histories_are_chains (void)
{
  g_autoptr(JsonArray) orders = NULL;
  g_autofree char *cursor = NULL;
  guint checked = 0;

  do
    {
      g_autofree char *next = NULL;

      orders = wd_store_list_orders (demo.store, NULL, cursor, 100, &next, NULL);
      for (guint i = 0; i < json_array_get_length (orders); i++)
        {
          JsonObject *order = json_array_get_object_element (orders, i);
          g_autoptr(JsonArray) history = wd_store_get_history (demo.store,
                                                               json_object_get_string_member (order, "id"), NULL);
          const char *state = NULL;

          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"),
                           ==, "order.create");
          for (guint h = 0; h < json_array_get_length (history); h++)
            {
              JsonObject *entry = json_array_get_object_element (history, h);

              g_assert_cmpstr (json_object_get_string_member_with_default (entry, "from_state", NULL), ==, state);
              state = json_object_get_string_member (entry, "to_state");
            }
          g_assert_cmpstr (state, ==, json_object_get_string_member (order, "state"));
          checked++;
        }
      g_clear_pointer (&orders, json_array_unref);
      g_free (cursor);
      cursor = g_steal_pointer (&next);
    }
  while (cursor != NULL);

  g_assert_cmpint (checked, ==, count ("SELECT count (*) FROM orders"));
  g_assert_cmpint (count ("SELECT count (*) FROM orders a JOIN orders b ON a.assignee_id = b.assignee_id"
                          " AND a.id < b.id AND a.state IN ('dispatched', 'accepted')"
                          " AND b.state IN ('dispatched', 'accepted')"
                          " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"), ==, 0);
}

/* An order is placed by an organisation, never by a room or a square:
 * the sub-district office for its own places, the residents' committee
 * for the community's, the school or firm for its own. */
static void
test_requesters_are_organisations (void)
{
  g_assert_cmpint (count ("SELECT count (*) FROM orders WHERE venue_kind IN ('agency', 'subdistrict')"
                          " AND requester NOT LIKE '%办事处'"), ==, 0);
  g_assert_cmpint (count ("SELECT count (*) FROM orders WHERE venue_kind = 'community'"
                          " AND requester NOT LIKE '%居委会'"), ==, 0);
  g_assert_cmpint (count ("SELECT count (*) FROM orders WHERE venue_kind IN ('school', 'enterprise', 'social-org')"
                          " AND requester != venue"), ==, 0);
  g_assert_cmpint (count ("SELECT count (*) FROM orders WHERE venue_kind = 'agency'"), >, 0);
}

static void
test_loads_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = wd_demo_find_data ();
  g_autofree char *before = wd_test_fingerprint (demo.store);
  g_autofree char *after = NULL;

  g_assert_false (wd_demo_load (demo.store, path, demo.t0, NULL, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_DUPLICATE);
  after = wd_test_fingerprint (demo.store);
  g_assert_cmpstr (before, ==, after);
}

/* Loads a demo district into a new store; its fingerprint. */
static char *
load_again (guint32 seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = wd_demo_find_data ();
  WdFixture other = { 0 };
  WdDemoOptions options;
  char *fingerprint;

  wd_fixture_open_empty (&other);
  wd_demo_options_init (&options);
  options.seed = seed;
  g_assert_true (wd_demo_load (other.store, path, demo.t0, &options, &error));
  g_assert_no_error (error);
  fingerprint = wd_test_fingerprint (other.store);
  wd_fixture_teardown (&other, NULL);
  return fingerprint;
}

/* The same seed gives the same district, down to every id (the callback
 * sample is drawn by order id, so the screenshots stay the same too); another
 * seed gives another. */
static void
test_same_seed_same_district (void)
{
  WdDemoOptions options;
  g_autofree char *loaded = wd_test_fingerprint (demo.store);
  g_autofree char *again = NULL;
  g_autofree char *other = NULL;

  wd_demo_options_init (&options);
  again = load_again (options.seed);
  other = load_again (options.seed + 1);
  g_assert_cmpstr (again, ==, loaded);
  g_assert_cmpstr (other, !=, loaded);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  wd_fixture_open_empty (&demo);
  path = wd_demo_find_data ();
  g_assert_nonnull (path);
  if (!wd_demo_load (demo.store, path, demo.t0, NULL, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/demo/catalogues", test_catalogues);
  g_test_add_func ("/demo/orders-cover-every-state", test_orders_cover_every_state);
  g_test_add_func ("/demo/orders-span-eight-weeks", test_orders_span_eight_weeks);
  g_test_add_func ("/demo/ratings-callbacks-rewards", test_ratings_callbacks_rewards);
  g_test_add_func ("/demo/histories-are-chains", test_histories_are_chains);
  g_test_add_func ("/demo/requesters-are-organisations", test_requesters_are_organisations);
  g_test_add_func ("/demo/loads-once", test_loads_once);
  g_test_add_func ("/demo/same-seed-same-district", test_same_seed_same_district);

  status = g_test_run ();
  wd_fixture_teardown (&demo, NULL);
  return status;
}
