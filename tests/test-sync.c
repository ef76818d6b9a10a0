/* test-sync.c: clients syncing with a real wudan-server on loopback:
 * offline edits on two clients, a conflict, lost answers, a server killed
 * mid-push, and a seeded randomized run that must converge. */
#include "config.h"

#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-operations.h"
#include "wd-search.h"
#include "wd-store-private.h"
#include "wd-sync-client.h"
#include "wd-sync-engine.h"
#include "wd-sync-protocol.h"
#include "wd-sync-store.h"
#include "wd-test-server.h"
#include "wd-test-util.h"
#include "wd-time.h"

typedef struct
{
  char         *path;
  WdStore      *store;
  WdSyncClient *client;
} Client;

static WdTestServer server;
static char *client_dir;

static void
client_open (Client     *client,
             const char *name,
             const char *account)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%s-%u.db", name, g_random_int ());

  client->path = g_build_filename (client_dir, file, NULL);
  client->store = wd_store_open (client->path, &error);
  g_assert_no_error (error);
  client->client = wd_sync_client_new (client->store, &error);
  g_assert_no_error (error);
  wd_sync_client_login (client->client, server.base, account,
                        g_hash_table_lookup (server.passwords, account), &error);
  g_assert_no_error (error);
}

static void
client_sync (Client *client)
{
  g_autoptr(GError) error = NULL;

  wd_sync_client_sync (client->client, NULL, &error);
  g_assert_no_error (error);
}

static void
client_close (Client *client)
{
  g_clear_object (&client->client);
  g_clear_object (&client->store);
  for (const char * const *s = (const char * const[]) { "", "-wal", "-shm", "-users", NULL }; *s; s++)
    {
      g_autofree char *file = g_strconcat (client->path, *s, NULL);

      g_unlink (file);
    }
  g_free (client->path);
}

static JsonObject *
apply (Client     *client,
       const char *kind,
       const char *json)
{
  g_autoptr(JsonObject) args = wd_json_parse_object (json, -1, NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *result = NULL;

  wd_sync_client_apply (client->client, g_get_real_time () / G_USEC_PER_SEC, kind, args, &result, &error);
  g_assert_no_error (error);
  return result;
}

/* Adds every row a statement gives to a checksum, column by column. */
static void
checksum_rows (GChecksum    *sum,
               sqlite3_stmt *stmt)
{
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count (stmt); c++)
      {
        const char *text = (const char *) sqlite3_column_text (stmt, c);

        g_checksum_update (sum, (const guchar *) (text ? text : "-"), -1);
        g_checksum_update (sum, (const guchar *) "|", 1);
      }
}

/* A digest of the orders (and what hangs on them) a store holds,
 * optionally only one sub-district's. */
static char *
orders_digest (sqlite3    *db,
               const char *subdistrict)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *stmt = NULL;
  const char *sql =
    "SELECT o.id, o.number, o.state, coalesce (o.assignee_id, ''), coalesce (o.closing_reason, ''),"
    " (SELECT count (*) FROM history h WHERE h.entity_id = o.id),"
    " coalesce ((SELECT stars FROM ratings r WHERE r.order_id = o.id), 0)"
    " FROM orders o WHERE ?1 IS NULL OR o.subdistrict_id = ?1 ORDER BY o.id";

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (subdistrict != NULL)
    sqlite3_bind_text (stmt, 1, subdistrict, -1, SQLITE_TRANSIENT);
  checksum_rows (sum, stmt);
  sqlite3_finalize (stmt);
  return g_strdup (g_checksum_get_string (sum));
}

static char *
server_digest (const char *subdistrict)
{
  sqlite3 *db = NULL;
  char *digest;

  g_assert_cmpint (sqlite3_open_v2 (server.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  digest = orders_digest (db, subdistrict);
  sqlite3_close (db);
  return digest;
}

static char *
client_digest (Client     *client,
               const char *subdistrict)
{
  return orders_digest (wd_store_get_db (client->store), subdistrict);
}

/* The first column of the first row a query of the server's database
 * gives, as text. */
static char *
server_text (const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (server.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static gint64
server_count (const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (server.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
exec_on (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
order_json (const char *id,
            const char *subdistrict,
            int         days_ahead,
            int         hour)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, days_ahead);
  g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");

  return g_strdup_printf ("{\"id\":\"%s\",\"title\":\"法治讲座\",\"topic_id\":\"law\",\"subdistrict_id\":\"%s\","
                          "\"venue\":\"社区活动室\",\"venue_kind\":\"community\","
                          "\"starts_at\":\"%sT%02d:00+08:00\",\"ends_at\":\"%sT%02d:30+08:00\","
                          "\"requester\":\"社区\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}",
                          id, subdistrict, date, hour, date, hour + 1);
}

static char *
first_ordered (Client     *client,
               const char *subdistrict)
{
  WdOrderFilter filter = { .state = "ordered", .subdistrict_id = subdistrict,
                           .from = g_get_real_time () / G_USEC_PER_SEC + 86400 };
  g_autoptr(JsonArray) rows = wd_store_list_orders (client->store, &filter, NULL, 1, NULL, NULL);

  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (rows, 0), "id"));
}

static void
test_offline_edits (void)
{
  Client centre, office;
  g_autofree char *a = order_json ("offline-a", "qianfoshan", 6, 9);
  g_autofree char *b = order_json ("offline-b", "dianliu", 7, 14);
  g_autofree char *existing = NULL;
  g_autofree char *dispatch = NULL;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL, *o_digest = NULL, *so_digest = NULL;

  client_open (&centre, "centre", "centre");
  client_open (&office, "office", "office");
  client_sync (&centre);
  client_sync (&office);

  /* Offline: each works on its own copy. */
  existing = first_ordered (&centre, NULL);
  dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"speaker-0005\","
                              "\"force\":true,\"force_reason\":\"测试\"}", existing);
  r1 = apply (&office, "order.create", a);
  r2 = apply (&centre, "order.create", b);
  r3 = apply (&centre, "order.dispatch", dispatch);
  /* Until the server has seen it, a new order has no number. */
  g_assert_false (json_object_has_member (r1, "number"));
  status = wd_sync_client_status (office.client);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 1);

  client_sync (&office);
  client_sync (&centre);
  client_sync (&office);

  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id IN ('offline-a', 'offline-b')"), ==, 2);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id IN ('offline-a', 'offline-b')"),
                   ==, 2);
  g_clear_pointer (&status, json_object_unref);
  status = wd_sync_client_status (office.client);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "problems"), ==, 0);

  {
    g_autoptr(JsonObject) order = wd_store_get (office.store, "order", "offline-a", NULL);
    g_autoptr(GPtrArray) speakers = wd_store_search (office.store, "党史", WD_SEARCH_SPEAKERS, 5, NULL);
    g_autoptr(GPtrArray) orders = wd_store_search (office.store, "法治讲座", WD_SEARCH_ORDERS, 50, NULL);
    gboolean found = FALSE;

    g_assert_nonnull (json_object_get_string_member_with_default (order, "number", NULL));
    /* The pulled copy is searchable, and so is what was made here. */
    g_assert_cmpuint (speakers->len, ==, 5);
    for (guint i = 0; i < orders->len; i++)
      found |= g_str_equal (((WdSearchHit *) orders->pdata[i])->id, "offline-a");
    g_assert_true (found);
  }

  /* Both end as the server is (the office for its own sub-district). */
  c_digest = client_digest (&centre, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  o_digest = client_digest (&office, "qianfoshan");
  so_digest = server_digest ("qianfoshan");
  g_assert_cmpstr (o_digest, ==, so_digest);
  g_assert_cmpint (wd_store_get_history (office.store, existing, NULL) == NULL ? 0 : 1, ==, 1);

  /* The pull brings the directory that says who the accounts in the
   * history are. */
  {
    g_autofree char *office_label = wd_store_describe_account (centre.store, "office");
    g_autofree char *centre_label = wd_store_describe_account (office.store, "centre");
    g_autofree char *unknown = wd_store_describe_account (office.store, "nobody-we-know");

    g_assert_cmpstr (office_label, ==, "千佛山街道 (office)");
    g_assert_cmpstr (centre_label, ==, "Guidance centre (centre)");
    g_assert_cmpstr (unknown, ==, "nobody-we-know");
  }

  client_close (&centre);
  client_close (&office);
}

static void
test_conflict (void)
{
  Client first, second;
  g_autofree char *order = NULL;
  g_autofree char *to_first = NULL;
  g_autofree char *to_second = NULL;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL;
  g_autoptr(JsonArray) problems = NULL;
  g_autoptr(JsonObject) mine = NULL;
  g_autofree char *d1 = NULL, *d2 = NULL;
  JsonObject *problem;

  client_open (&first, "first", "centre");
  client_open (&second, "second", "admin");
  client_sync (&first);
  client_sync (&second);

  order = first_ordered (&first, NULL);
  to_first = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"speaker-0007\","
                              "\"force\":true,\"force_reason\":\"就近\"}", order);
  to_second = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"speaker-0017\","
                               "\"force\":true,\"force_reason\":\"熟悉\"}", order);
  r1 = apply (&first, "order.dispatch", to_first);
  r2 = apply (&second, "order.dispatch", to_second);

  client_sync (&first);
  client_sync (&second);

  /* The second lost: its dispatch is undone and explained. */
  problems = wd_sync_store_problems (second.store, NULL);
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  problem = json_array_get_object_element (problems, 0);
  g_assert_cmpstr (json_object_get_string_member (problem, "code"), ==, "wrong-state");
  g_assert_nonnull (strstr (json_object_get_string_member (problem, "now"), "centre"));
  mine = wd_store_get (second.store, "order", order, NULL);
  g_assert_cmpstr (json_object_get_string_member (mine, "assignee_id"), ==, "speaker-0007");

  client_sync (&first);
  d1 = client_digest (&first, NULL);
  d2 = client_digest (&second, NULL);
  g_assert_cmpstr (d1, ==, d2);

  /* Dismissed, it is gone. */
  g_assert_true (wd_sync_store_dismiss_problem (second.store, json_object_get_int_member (problem, "id"), NULL));
  g_clear_pointer (&problems, json_array_unref);
  problems = wd_sync_store_problems (second.store, NULL);
  g_assert_cmpuint (json_array_get_length (problems), ==, 0);

  client_close (&first);
  client_close (&second);
}

/* Two desks dispatch the same order to different speakers; the second
 * to sync is refused. Returns the order. */
static char *
lose_a_dispatch (Client *winner,
                 Client *loser)
{
  char *order = first_ordered (winner, NULL);
  g_autofree char *to_winner = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                                "\"assignee_id\":\"speaker-0007\",\"force\":true,"
                                                "\"force_reason\":\"就近\"}", order);
  g_autofree char *to_loser = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"speaker-0017\",\"force\":true,"
                                               "\"force_reason\":\"熟悉\"}", order);

  json_object_unref (apply (winner, "order.dispatch", to_winner));
  json_object_unref (apply (loser, "order.dispatch", to_loser));
  client_sync (winner);
  client_sync (loser);
  return order;
}

/* A desk's refused operations stay listed, each once, when its numbers
 * start again (another account signed in): the list tells them apart by
 * operation, not by number. A store whose list was kept by number
 * (before sync schema 2) keeps what it listed. */
static void
test_problems_kept_apart (void)
{
  Client first, second;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autoptr(JsonArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  client_open (&first, "apart-first", "centre");
  client_open (&second, "apart-second", "admin");
  client_sync (&first);
  client_sync (&second);
  one = lose_a_dispatch (&first, &second);

  g_clear_object (&second.client);
  exec_on (second.path,
           "ALTER TABLE sync_problems RENAME TO newer;"
           "CREATE TABLE sync_problems (id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL UNIQUE,"
           " op_id TEXT NOT NULL, kind TEXT NOT NULL, args TEXT NOT NULL, code TEXT NOT NULL,"
           " message TEXT NOT NULL, now TEXT NOT NULL DEFAULT '', at INTEGER NOT NULL);"
           "INSERT INTO sync_problems SELECT * FROM newer;"
           "INSERT INTO sync_problems (seq, op_id, kind, args, code, message, at)"
           " VALUES (0, '', 'sync.first', '{}', 'kept-aside', '……', 0);"
           "DROP TABLE newer;"
           "UPDATE meta SET value = '1' WHERE key = 'sync_schema';");
  second.client = wd_sync_client_new (second.store, &error);
  g_assert_no_error (error);
  problems = wd_sync_store_problems (second.store, NULL);
  g_assert_cmpuint (json_array_get_length (problems), ==, 2);

  g_assert_true (wd_sync_client_logout (second.client, &error));
  wd_sync_client_login (second.client, server.base, "centre", g_hash_table_lookup (server.passwords, "centre"),
                        &error);
  g_assert_no_error (error);
  client_sync (&second);
  two = lose_a_dispatch (&first, &second);
  g_assert_cmpstr (one, !=, two);
  g_clear_pointer (&problems, json_array_unref);
  problems = wd_sync_store_problems (second.store, NULL);
  g_assert_cmpuint (json_array_get_length (problems), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (problems, 0), "seq"), ==,
                   json_object_get_int_member (json_array_get_object_element (problems, 2), "seq"));
  client_close (&first);
  client_close (&second);
}

/* A speaker's upsert arguments from its row, renamed, with free days. */
static char *
speaker_upsert_json (JsonObject         *speaker,
                     const char         *name,
                     const char * const *free_days)
{
  g_autoptr(JsonObject) args = json_object_new ();

  json_object_set_string_member (args, "id", json_object_get_string_member (speaker, "id"));
  json_object_set_string_member (args, "name", name);
  json_object_set_string_member (args, "phone", json_object_get_string_member (speaker, "phone"));
  json_object_set_array_member (args, "topics", json_array_ref (json_object_get_array_member (speaker, "topics")));
  if (free_days != NULL)
    {
      JsonArray *days = json_array_new ();

      for (guint i = 0; free_days[i] != NULL; i++)
        json_array_add_string_element (days, free_days[i]);
      json_object_set_array_member (args, "free_days", days);
    }
  return wd_json_object_to_string (args, FALSE);
}

/* The speakers' undo trigger as a store made before schema 4 had it,
 * without the columns that schema added. */
static void
age_undo_triggers (WdStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "SELECT sql FROM sqlite_schema WHERE name = 'undo_speakers_u'",
                                                   NULL);
  g_autoptr(GString) old = NULL;

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  old = g_string_new ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, wd_stmt_release);
  g_assert_cmpuint (g_string_replace (old, ", 'free_days', OLD.free_days, 'free_times', OLD.free_times", "", 0), ==, 1);
  g_assert_true (wd_store_exec (store, "DROP TRIGGER undo_speakers_u", NULL));
  g_assert_true (wd_store_exec (store, old->str, NULL));
  g_assert_true (wd_store_set_setting (store, "sync_triggers_schema", "3", NULL));
}

static gboolean
speakers_trigger_names (WdStore    *store,
                        const char *column)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "SELECT sql FROM sqlite_schema WHERE name = 'undo_speakers_u'",
                                                   NULL);

  return sqlite3_step (stmt) == SQLITE_ROW && strstr ((const char *) sqlite3_column_text (stmt, 0), column) != NULL;
}

/* Work queued before an upgrade that added columns still syncs: the
 * undo triggers are made again for the new columns, and an old undo
 * entry without them leaves them as they are. */
static void
test_upgrade_with_queued_work (void)
{
  Client centre;
  g_autoptr(JsonArray) speakers = NULL;
  g_autoptr(JsonObject) speaker = NULL;
  g_autoptr(JsonObject) synced = NULL;
  g_autofree char *renamed = NULL;
  g_autofree char *freed = NULL;
  g_autoptr(GError) error = NULL;

  client_open (&centre, "upgrade", "centre");
  client_sync (&centre);
  speakers = wd_store_list_all (centre.store, "speaker", &error);
  g_assert_no_error (error);
  speaker = wd_store_get (centre.store, "speaker",
                          json_object_get_string_member (json_array_get_object_element (speakers, 0), "id"), &error);
  g_assert_no_error (error);

  /* Queued with the old triggers... */
  age_undo_triggers (centre.store);
  renamed = speaker_upsert_json (speaker, "改名前", NULL);
  json_object_unref (apply (&centre, "speaker.upsert", renamed));

  /* ...and after the upgrade, which makes them again. */
  g_clear_object (&centre.client);
  centre.client = wd_sync_client_new (centre.store, &error);
  g_assert_no_error (error);
  g_assert_true (speakers_trigger_names (centre.store, "OLD.free_days"));
  freed = speaker_upsert_json (speaker, "改名后", (const char * const[]) { "sat", "sun", NULL });
  json_object_unref (apply (&centre, "speaker.upsert", freed));

  client_sync (&centre);
  synced = wd_store_get (centre.store, "speaker", json_object_get_string_member (speaker, "id"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (synced, "name"), ==, "改名后");
  g_assert_cmpint (json_object_get_int_member (synced, "free_days"), ==, 32 | 64);
  g_assert_cmpuint (wd_sync_store_count_pending (centre.store), ==, 0);
  client_close (&centre);
}

static void
test_local_refusal_queues_nothing (void)
{
  Client office;
  g_autofree char *other = order_json ("refused-1", "dianliu", 5, 10);
  g_autoptr(JsonObject) args = wd_json_parse_object (other, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = NULL;

  client_open (&office, "refusal", "office");
  client_sync (&office);
  g_assert_false (wd_sync_client_apply (office.client, g_get_real_time () / G_USEC_PER_SEC, "order.create", args,
                                        NULL, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_FORBIDDEN);
  status = wd_sync_client_status (office.client);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_null (wd_store_get (office.store, "order", "refused-1", NULL));
  client_close (&office);
}

/* A push carries as many queued operations as fit its size budget,
 * and an operation larger than the budget goes alone. */
static void
test_push_batches (void)
{
  Client office;
  gsize one = 0;

  client_open (&office, "batches", "office");
  client_sync (&office);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("batched-%d", i);
      g_autofree char *json = order_json (id, "qianfoshan", 6, 9 + 2 * i);

      json_object_unref (apply (&office, "order.create", json));
      one = MAX (one, strlen (json));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) all = wd_sync_store_pending (office.store, 0, 1000, 1024 * 1024, &error);
    g_autoptr(GPtrArray) two = wd_sync_store_pending (office.store, 0, 2, 1024 * 1024, &error);
    g_autoptr(GPtrArray) budget = wd_sync_store_pending (office.store, 0, 1000, one + one / 2, &error);
    g_autoptr(GPtrArray) alone = wd_sync_store_pending (office.store, 0, 1000, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 3);
    g_assert_cmpuint (two->len, ==, 2);
    g_assert_cmpuint (budget->len, ==, 1);
    g_assert_cmpuint (alone->len, ==, 1);
  }

  client_sync (&office);
  g_assert_cmpuint (wd_sync_store_count_pending (office.store), ==, 0);
  g_assert_nonnull (wd_store_get (office.store, "order", "batched-2", NULL));
  client_close (&office);
}

/* The client pushes, then dies before it records the answer: the next
 * sync sends the same operations again and each is applied once. */
static void
test_lost_answer (void)
{
  Client centre;
  g_autofree char *a = order_json ("lost-a", "yaojia", 8, 9);
  g_autofree char *b = order_json ("lost-b", "yaojia", 8, 14);
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;

  client_open (&centre, "lost", "centre");
  client_sync (&centre);
  r1 = apply (&centre, "order.create", a);
  r2 = apply (&centre, "order.create", b);

  g_assert_true (wd_sync_client_push (centre.client, NULL, &error));
  g_assert_no_error (error);
  /* As if the answer never arrived. */
  g_assert_true (wd_sync_store_set (centre.store, "sync_acked", "0", NULL));

  client_sync (&centre);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'lost-%'"), ==, 2);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id LIKE 'lost-%'"), ==, 2);
  c_digest = client_digest (&centre, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);

  /* The answer lost again, the next pull tells what the server applied,
   * and of which lineage of its database. */
  {
    g_autofree char *c = order_json ("lost-c", "yaojia", 9, 9);
    g_autoptr(JsonObject) r3 = apply (&centre, "order.create", c);
    gint64 sent = wd_sync_store_get_int (centre.store, "sync_next_seq") - 1;
    g_autofree char *acked_epoch = NULL;
    g_autofree char *server_epoch = server_text ("SELECT value FROM meta WHERE key = 'server_epoch'");

    g_assert_true (wd_sync_client_push (centre.client, NULL, &error));
    g_assert_true (wd_sync_store_set (centre.store, "sync_acked", "0", NULL));
    g_assert_true (wd_sync_store_set (centre.store, "sync_acked_epoch", NULL, NULL));
    g_assert_true (wd_sync_client_pull (centre.client, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (wd_sync_store_get_int (centre.store, "sync_acked"), ==, sent);
    acked_epoch = wd_sync_store_get (centre.store, "sync_acked_epoch");
    g_assert_nonnull (server_epoch);
    g_assert_cmpstr (acked_epoch, ==, server_epoch);
  }
  client_close (&centre);
}

/* The server dies in the middle: the sync fails, nothing is lost, and
 * the next sync after the restart completes it exactly once. */
static void
test_server_killed (void)
{
  Client centre;
  g_autoptr(GError) error = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;

  client_open (&centre, "killed", "centre");
  client_sync (&centre);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("killed-%02d", i);
      g_autofree char *json = order_json (id, "longdong", 9 + i % 10, 8 + i % 10);
      g_autoptr(JsonObject) r = apply (&centre, "order.create", json);
    }

  wd_test_server_kill (&server);
  g_assert_false (wd_sync_client_sync (centre.client, NULL, &error));
  g_assert_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NETWORK);
  wd_test_server_restart (&server, NULL);

  /* The restart printed a new address. */
  g_assert_true (wd_sync_store_set (centre.store, "sync_server", server.base, NULL));
  client_sync (&centre);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'killed-%'"), ==, 20);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id LIKE 'killed-%'"), ==, 20);
  g_assert_cmpint (server_count ("SELECT count (*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), ==, 1);
  c_digest = client_digest (&centre, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  client_close (&centre);
}

static void
place_orders (Client     *client,
              const char *prefix,
              int         n)
{
  for (int i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%d", prefix, i);
      g_autofree char *json = order_json (id, "qianfoshan", 20 + i, 9);
      g_autoptr(JsonObject) result = apply (client, "order.create", json);
    }
}

/* The notices of a server put back from a backup, with their message. */
static guint
restore_notices (Client      *client,
                 const char  *mentions)
{
  g_autoptr(JsonArray) problems = wd_sync_store_problems (client->store, NULL);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (problems); i++)
    {
      JsonObject *problem = json_array_get_object_element (problems, i);

      if (g_strcmp0 (json_object_get_string_member (problem, "code"), "server-restored") == 0)
        {
          g_assert_nonnull (strstr (json_object_get_string_member (problem, "message"), mentions));
          n++;
        }
    }
  return n;
}

/* The server's database put back from a backup: the desks that synced
 * after the backup was made do not stall on operation numbers the server
 * no longer knows nor on a cursor beyond its log. They start again from
 * what the server holds, send what they have queued since, and say how
 * many of their changes the restore took away. */
static void
test_restored_server (void)
{
  g_autofree char *backup = g_build_filename (client_dir, "restore-backup.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;
  Client pushing, pulling;

  client_open (&pushing, "restore-push", "centre");
  client_open (&pulling, "restore-pull", "office");
  client_sync (&pushing);
  client_sync (&pulling);
  place_orders (&pushing, "restore-kept", 1);
  client_sync (&pushing);

  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "backup", "--db", server.db, "--to", backup, NULL),
                   ==, 0);
  place_orders (&pushing, "restore-lost", 2);
  place_orders (&pulling, "restore-lost-office", 3);
  client_sync (&pushing);
  client_sync (&pulling);

  /* Not while the server has the database open. */
  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "restore", "--db", server.db, "--from", backup, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "stop the server"));
  wd_test_server_kill (&server);
  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "restore", "--db", server.db, "--from", server.log, NULL),
                   ==, 1);
  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "restore", "--db", server.db, "--from", backup, NULL),
                   ==, 0);
  wd_test_server_restart (&server, NULL);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'restore-lost%'"), ==, 0);
  /* What the restore replaced is kept beside it, in case it was the
   * wrong backup. */
  {
    g_autofree char *dir = g_path_get_dirname (server.db);
    g_autofree char *base = g_path_get_basename (server.db);
    g_autofree char *prefix = g_strconcat (base, ".before-restore-", NULL);
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;
    guint kept = 0;

    while ((name = g_dir_read_name (listing)) != NULL)
      if (g_str_has_prefix (name, prefix))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          sqlite3 *db = NULL;
          sqlite3_stmt *stmt = NULL;

          g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
          g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count (*) FROM orders WHERE id LIKE 'restore-lost%'", -1,
                                               &stmt, NULL), ==, SQLITE_OK);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 5);
          sqlite3_finalize (stmt);
          sqlite3_close (db);
          kept++;
        }
    g_assert_cmpuint (kept, ==, 1);
  }

  g_assert_true (wd_sync_store_set (pushing.store, "sync_server", server.base, NULL));
  g_assert_true (wd_sync_store_set (pulling.store, "sync_server", server.base, NULL));
  place_orders (&pushing, "restore-after", 1);
  place_orders (&pulling, "restore-after-office", 1);
  /* One sends first, the other reads first: either way round works. */
  client_sync (&pushing);
  wd_sync_client_pull (pulling.client, NULL, &error);
  g_assert_no_error (error);
  wd_sync_client_push (pulling.client, NULL, &error);
  g_assert_no_error (error);
  client_sync (&pulling);
  client_sync (&pushing);

  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id IN ('restore-kept-0', 'restore-after-0',"
                                 " 'restore-after-office-0') AND number IS NOT NULL"), ==, 3);
  g_assert_cmpint (wd_sync_store_count_pending (pushing.store), ==, 0);
  g_assert_cmpint (wd_sync_store_count_pending (pulling.store), ==, 0);
  c_digest = client_digest (&pushing, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  g_assert_null (wd_store_get (pushing.store, "order", "restore-lost-0", NULL));
  g_assert_null (wd_store_get (pulling.store, "order", "restore-lost-office-0", NULL));
  g_assert_cmpuint (restore_notices (&pushing, "2"), ==, 1);
  g_assert_cmpuint (restore_notices (&pulling, "3"), ==, 1);

  /* Told once. */
  place_orders (&pushing, "restore-later", 1);
  client_sync (&pushing);
  g_assert_cmpuint (restore_notices (&pushing, "2"), ==, 1);
  client_close (&pushing);
  client_close (&pulling);
  g_unlink (backup);
}

/* Another clerk signs in at the same desk. Changes queued by the first
 * must be sent by the first: the server applies them as whoever sends
 * them. With nothing queued, the desk becomes a new install to the
 * server and its copy is fetched again for the new account. */
static void
test_another_account (void)
{
  Client desk;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;

  client_open (&desk, "desk", "office");
  client_sync (&desk);
  first_id = wd_sync_store_get (desk.store, "sync_client_id");
  place_orders (&desk, "desk-office", 1);
  g_assert_true (wd_sync_client_logout (desk.client, &error));

  g_assert_false (wd_sync_client_login (desk.client, server.base, "centre",
                                        g_hash_table_lookup (server.passwords, "centre"), &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (error->message, "office"));
  g_clear_error (&error);
  g_assert_false (wd_sync_client_is_signed_in (desk.client));

  wd_sync_client_login (desk.client, server.base, "office", g_hash_table_lookup (server.passwords, "office"), &error);
  g_assert_no_error (error);
  client_sync (&desk);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders o JOIN history h ON h.entity_id = o.id"
                                 " WHERE o.id = 'desk-office-0' AND h.actor = 'office'"), ==, 1);
  g_assert_true (wd_sync_client_logout (desk.client, &error));

  wd_sync_client_login (desk.client, server.base, "centre", g_hash_table_lookup (server.passwords, "centre"), &error);
  g_assert_no_error (error);
  second_id = wd_sync_store_get (desk.store, "sync_client_id");
  g_assert_cmpstr (first_id, !=, second_id);
  place_orders (&desk, "desk-centre", 1);
  client_sync (&desk);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id = 'desk-centre-0'"), ==, 1);
  /* The centre's copy: every sub-district's orders, not the office's. */
  c_digest = client_digest (&desk, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  client_close (&desk);
}

/* An install whose id another account took goes on under an id of its
 * own: its queue is sent, once, and the other install is not disturbed. */
static void
test_install_of_another_account (void)
{
  Client mine, theirs;
  g_autofree char *their_id = NULL;
  g_autofree char *my_id = NULL;

  client_open (&theirs, "theirs", "centre");
  client_sync (&theirs);
  client_open (&mine, "mine", "office");
  client_sync (&mine);
  their_id = wd_sync_store_get (theirs.store, "sync_client_id");
  g_assert_true (wd_sync_store_set (mine.store, "sync_client_id", their_id, NULL));
  place_orders (&mine, "foreign-install", 1);

  client_sync (&mine);
  my_id = wd_sync_store_get (mine.store, "sync_client_id");
  g_assert_cmpstr (my_id, !=, their_id);
  g_assert_cmpint (wd_sync_store_count_pending (mine.store), ==, 0);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id = 'foreign-install-0'"
                                 " AND actor = 'office'"), ==, 1);
  place_orders (&theirs, "foreign-install-theirs", 1);
  client_sync (&theirs);
  g_assert_cmpint (wd_sync_store_count_pending (theirs.store), ==, 0);
  {
    g_autofree char *still = wd_sync_store_get (theirs.store, "sync_client_id");

    g_assert_cmpstr (still, ==, their_id);
  }
  client_close (&mine);
  client_close (&theirs);
}

/* A second desk made by copying a desk's store file: both send under one
 * client id. */
static void
client_copy (Client     *from,
             Client     *to,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%s-%u.db", name, g_random_int ());
  char *sql;

  to->path = g_build_filename (client_dir, file, NULL);
  sql = sqlite3_mprintf ("VACUUM INTO %Q", to->path);
  g_assert_cmpint (sqlite3_exec (wd_store_get_db (from->store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (sql);
  to->store = wd_store_open (to->path, &error);
  g_assert_no_error (error);
  to->client = wd_sync_client_new (to->store, &error);
  g_assert_no_error (error);
}

static void
assert_no_problems (Client *client)
{
  g_autoptr(JsonArray) problems = wd_sync_store_problems (client->store, NULL);

  g_assert_cmpuint (json_array_get_length (problems), ==, 0);
}

/* A desk's store put back from its own older copy (a PC restored from
 * last week's image): its numbers run behind those the server has from
 * it. It goes on under an id of its own; what it had sent since the copy
 * comes back from the server, and what it queues now is sent, once. */
static void
test_desk_restored_from_its_backup (void)
{
  Client desk, restored;
  g_autofree char *c_digest = NULL, *s_digest = NULL;

  client_open (&desk, "restored-desk", "centre");
  client_sync (&desk);
  client_copy (&desk, &restored, "restored-desk-image");
  place_orders (&desk, "restored-sent-since", 2);
  client_sync (&desk);
  client_close (&desk);

  place_orders (&restored, "restored-after", 1);
  client_sync (&restored);
  client_sync (&restored);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id LIKE 'restored-%'"), ==, 3);
  g_assert_nonnull (wd_store_get (restored.store, "order", "restored-sent-since-1", NULL));
  g_assert_cmpint (wd_sync_store_count_pending (restored.store), ==, 0);
  assert_no_problems (&restored);
  c_digest = client_digest (&restored, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  client_close (&restored);
}

/* A desk's store copied to a second computer: the two number their
 * operations alike under one client id. Whichever meets the other's
 * numbers goes on under an id of its own; what both queued before the
 * copy is applied once, and nothing either queued since is lost,
 * whether the copy sends first or reads first. */
static void
test_copied_store (void)
{
  Client first, second, third, fourth;
  g_autofree char *shared_id = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;
  g_autoptr(GError) error = NULL;

  client_open (&first, "copied-first", "centre");
  client_sync (&first);
  place_orders (&first, "copied-before", 1);
  client_copy (&first, &second, "copied-second");
  shared_id = wd_sync_store_get (first.store, "sync_client_id");
  place_orders (&first, "copied-on-first", 1);
  place_orders (&second, "copied-on-second", 2);

  client_sync (&first);
  client_sync (&second);
  client_sync (&first);
  first_id = wd_sync_store_get (first.store, "sync_client_id");
  second_id = wd_sync_store_get (second.store, "sync_client_id");
  g_assert_cmpstr (first_id, ==, shared_id);
  g_assert_cmpstr (second_id, !=, shared_id);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id = 'copied-before-0'"), ==, 1);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id IN ('copied-before-0', 'copied-on-first-0',"
                                 " 'copied-on-second-0', 'copied-on-second-1') AND number IS NOT NULL"), ==, 4);
  g_assert_cmpint (wd_sync_store_count_pending (first.store), ==, 0);
  g_assert_cmpint (wd_sync_store_count_pending (second.store), ==, 0);
  assert_no_problems (&first);
  assert_no_problems (&second);
  c_digest = client_digest (&second, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);

  /* The copy reads before it sends: the server's answers under the
   * shared id are the first desk's, and acknowledge none of its own. */
  client_copy (&first, &third, "copied-third");
  place_orders (&first, "copied-later-first", 1);
  client_sync (&first);
  place_orders (&third, "copied-later-third", 1);
  wd_sync_client_pull (third.client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wd_sync_store_count_pending (third.store), ==, 1);
  client_sync (&third);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id = 'copied-later-third-0'"), ==, 1);
  g_assert_cmpint (wd_sync_store_count_pending (third.store), ==, 0);
  assert_no_problems (&third);

  /* ...with nothing queued yet: the numbers the first desk took would
   * otherwise count as the copy's, and its next operation as sent. */
  client_copy (&first, &fourth, "copied-fourth");
  place_orders (&first, "copied-last-first", 1);
  client_sync (&first);
  wd_sync_client_pull (fourth.client, NULL, &error);
  g_assert_no_error (error);
  place_orders (&fourth, "copied-last-fourth", 1);
  client_sync (&fourth);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id = 'copied-last-fourth-0'"), ==, 1);
  g_assert_cmpint (wd_sync_store_count_pending (fourth.store), ==, 0);

  client_close (&first);
  client_close (&second);
  client_close (&third);
  client_close (&fourth);
}

/* Several clients, random operations, random partial syncs; at the end
 * everyone syncs and every copy equals the server's. */
static void
test_randomized_convergence (void)
{
  const char *env = g_getenv ("WUDAN_SYNC_SEED");
  guint32 seed = env ? (guint32) g_ascii_strtoull (env, NULL, 10) : 20261128;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  static const char * const accounts[] = { "centre", "admin", "office" };
  Client clients[G_N_ELEMENTS (accounts)];
  guint applied = 0, refused = 0;

  g_test_message ("convergence seed %u (WUDAN_SYNC_SEED=%u reproduces it)", seed, seed);
  for (guint c = 0; c < G_N_ELEMENTS (accounts); c++)
    {
      client_open (&clients[c], accounts[c], accounts[c]);
      client_sync (&clients[c]);
    }

  for (int step = 0; step < 60; step++)
    {
      guint c = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (accounts));
      Client *client = &clients[c];
      int what = g_rand_int_range (rand, 0, 10);
      g_autofree char *json = NULL;
      const char *kind;
      g_autoptr(JsonObject) args = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) result = NULL;

      if (what < 2)
        {
          client_sync (client);
          continue;
        }
      if (what < 5)
        {
          g_autofree char *id = g_strdup_printf ("conv-%u-%d", seed, step);

          kind = "order.create";
          json = order_json (id, "qianfoshan", 3 + g_rand_int_range (rand, 0, 20), 8 + g_rand_int_range (rand, 0, 10));
        }
      else
        {
          WdOrderFilter filter = { .subdistrict_id = "qianfoshan", .from = g_get_real_time () / G_USEC_PER_SEC };
          g_autoptr(JsonArray) rows = wd_store_list_orders (client->store, &filter, NULL, 200, NULL, NULL);
          JsonObject *order;

          if (json_array_get_length (rows) == 0)
            continue;
          order = json_array_get_object_element (rows, g_rand_int_range (rand, 0, json_array_get_length (rows)));
          if (what < 8)
            {
              kind = "order.dispatch";
              json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"speaker-%04d\","
                                      "\"force\":true,\"force_reason\":\"随机\"}",
                                      json_object_get_string_member (order, "id"), g_rand_int_range (rand, 1, 136));
            }
          else
            {
              kind = "order.cancel";
              json = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"随机取消\"}",
                                      json_object_get_string_member (order, "id"));
            }
        }

      args = wd_json_parse_object (json, -1, NULL);
      if (wd_sync_client_apply (client->client, g_get_real_time () / G_USEC_PER_SEC, kind, args, &result, &error))
        applied++;
      else
        {
          /* A local refusal (wrong state, an office dispatching) is final here. */
          g_assert_true (error->domain == WD_ERROR);
          refused++;
        }
    }

  for (int round = 0; round < 2; round++)
    for (guint c = 0; c < G_N_ELEMENTS (accounts); c++)
      client_sync (&clients[c]);

  g_test_message ("%u operations applied locally, %u refused locally", applied, refused);
  g_assert_cmpuint (applied, >, 10);
  {
    g_autofree char *all = server_digest (NULL);
    g_autofree char *own = server_digest ("qianfoshan");

    for (guint c = 0; c < G_N_ELEMENTS (accounts); c++)
      {
        gboolean office = g_str_equal (accounts[c], "office");
        g_autofree char *digest = client_digest (&clients[c], office ? "qianfoshan" : NULL);
        g_autoptr(JsonObject) status = wd_sync_client_status (clients[c].client);

        if (g_strcmp0 (digest, office ? own : all) != 0)
          g_error ("seed %u: %s's copy differs from the server's", seed, accounts[c]);
        g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
      }
  }

  for (guint c = 0; c < G_N_ELEMENTS (accounts); c++)
    client_close (&clients[c]);
}

/* A TCP proxy between client and server that can break connections on
 * purpose: it cuts the request or the answer after a number of bytes,
 * holds data back for a while, or sends every request a second time on a
 * shadow connection whose answers nobody reads, as a retrying middlebox
 * would. */
typedef enum
{
  FAULT_NONE,
  FAULT_CUT_REQUEST,
  FAULT_CUT_RESPONSE,
  FAULT_DELAY,
  FAULT_DUPLICATE,
  FAULT_NO_SNAPSHOT,   /* answer 404 to snapshot requests, as an older server does */
  FAULT_TABLES_ONLY,   /* ask snapshots without the client's store format, as an older client did */
  FAULT_CLOCK,         /* answers dated budget seconds later, as a server whose clock is ahead */
  FAULT_HOLD_PULL,     /* hold pull requests until the fault is changed */
} Fault;

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  char            *target_host;
  guint16          target_port;
  gint             fault;        /* Fault, atomically */
  gint             budget;       /* bytes let through before a cut */
  gint             cuts;         /* connections cut so far */
  gint             copied;       /* request bytes sent twice so far */
  gint             shadows;      /* shadow connections still open */
  gint             links;        /* client connections still open */
  gint             refused;      /* snapshot requests answered 404 */
  gint             holding;      /* a pull request held (FAULT_HOLD_PULL) */
  GCancellable    *stop;
  GThread         *acceptor;
} Proxy;

typedef struct
{
  Proxy             *proxy;
  GSocketConnection *client;
  GSocketConnection *server;
  GSocketConnection *shadow;     /* FAULT_DUPLICATE only */
} Link;

static gboolean
write_all (int         fd,
           const char *buffer,
           gssize      n)
{
  for (gssize sent = 0; sent < n;)
    {
      gssize w = write (fd, buffer + sent, (size_t) (n - sent));

      if (w <= 0)
        return FALSE;
      sent += w;
    }
  return TRUE;
}

/* Reads the shadow connection's answers and throws them away, until the
 * server closes it. */
static gpointer
drain_shadow (gpointer data)
{
  g_autoptr(GSocketConnection) shadow = data;
  int fd = g_socket_get_fd (g_socket_connection_get_socket (shadow));
  char buffer[4096];
  struct pollfd poll_fd = { fd, POLLIN, 0 };

  while (poll (&poll_fd, 1, 30000) > 0 && read (fd, buffer, sizeof buffer) > 0)
    ;
  g_io_stream_close (G_IO_STREAM (shadow), NULL, NULL);
  g_atomic_int_add (&((Proxy *) g_object_get_data (G_OBJECT (shadow), "proxy"))->shadows, -1);
  return NULL;
}

/* Forwards both ways on one thread, waiting on both sockets at once, and
 * breaks the link where the fault says. */
/* Moves the Date of an answer whose headers are in buffer by seconds;
 * the HTTP date has a fixed width, so the answer keeps its length. */
static void
shift_date (char   *buffer,
            gssize  n,
            gint    seconds)
{
  char *date = g_strstr_len (buffer, n, "\r\nDate: ");
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) sent = NULL;
  g_autoptr(GDateTime) moved = NULL;
  g_autofree char *shifted = NULL;
  char *end;

  if (date == NULL || (end = g_strstr_len (date + 2, n - (date + 2 - buffer), "\r\n")) == NULL)
    return;
  date += strlen ("\r\nDate: ");
  text = g_strndup (date, (gsize) (end - date));
  sent = soup_date_time_new_from_http_string (text);
  g_assert_nonnull (sent);
  moved = g_date_time_add_seconds (sent, seconds);
  shifted = soup_date_time_to_string (moved, SOUP_DATE_HTTP);
  g_assert_cmpuint (strlen (shifted), ==, (gsize) (end - date));
  memcpy (date, shifted, strlen (shifted));
}

static gpointer
forward (gpointer data)
{
  Link *link = data;
  int fds[2] = {
    g_socket_get_fd (g_socket_connection_get_socket (link->client)),
    g_socket_get_fd (g_socket_connection_get_socket (link->server)),
  };
  gint64 passed[2] = { 0, 0 };
  gboolean open = TRUE;

  while (open)
    {
      struct pollfd polls[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };

      if (poll (polls, 2, 30000) <= 0)
        break;
      for (int side = 0; side < 2 && open; side++)
        {
          Fault cut = side == 0 ? FAULT_CUT_REQUEST : FAULT_CUT_RESPONSE;
          char buffer[4096];
          gssize n;
          Fault fault;

          if (!(polls[side].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          n = read (fds[side], buffer, sizeof buffer);
          if (n <= 0)
            {
              open = FALSE;
              break;
            }
          fault = (Fault) g_atomic_int_get (&link->proxy->fault);
          if (fault == FAULT_NO_SNAPSHOT && side == 0 && n > 20 && strncmp (buffer, "GET /api/v1/snapshot", 20) == 0)
            {
              static const char not_found[] =
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                "Connection: close\r\n\r\n{}";

              write_all (fds[0], not_found, sizeof not_found - 1);
              g_atomic_int_inc (&link->proxy->refused);
              open = FALSE;
              break;
            }
          if (fault == FAULT_TABLES_ONLY && side == 0 && n > 20 && strncmp (buffer, "GET /api/v1/snapshot", 20) == 0)
            {
              char *format = g_strstr_len (buffer, n, "format=store");

              if (format != NULL)
                memcpy (format, "format=table", strlen ("format=table"));
            }
          if (fault == FAULT_CLOCK && side == 1)
            shift_date (buffer, n, g_atomic_int_get (&link->proxy->budget));
          if (fault == FAULT_HOLD_PULL && side == 0 && n > 16 && strncmp (buffer, "GET /api/v1/pull", 16) == 0)
            {
              g_atomic_int_set (&link->proxy->holding, 1);
              while (g_atomic_int_get (&link->proxy->fault) == FAULT_HOLD_PULL)
                g_usleep (1000);
            }
          if (fault == FAULT_DELAY)
            g_usleep (150000);
          if (fault == cut && passed[side] + n > g_atomic_int_get (&link->proxy->budget))
            {
              n = MAX (0, g_atomic_int_get (&link->proxy->budget) - passed[side]);
              if (n > 0 && write (fds[1 - side], buffer, (size_t) n) < 0)
                n = 0;
              g_atomic_int_inc (&link->proxy->cuts);
              open = FALSE;
              break;
            }
          if (side == 0 && link->shadow != NULL
              && write_all (g_socket_get_fd (g_socket_connection_get_socket (link->shadow)), buffer, n))
            g_atomic_int_add (&link->proxy->copied, (gint) n);
          if (!write_all (fds[1 - side], buffer, n))
            {
              open = FALSE;
              break;
            }
          passed[side] += n;
        }
    }
  if (link->shadow != NULL)
    {
      /* The server answers what it has read, then closes. */
      g_socket_shutdown (g_socket_connection_get_socket (link->shadow), FALSE, TRUE, NULL);
      g_object_unref (link->shadow);
    }
  g_io_stream_close (G_IO_STREAM (link->client), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (link->server), NULL, NULL);
  g_object_unref (link->client);
  g_object_unref (link->server);
  g_atomic_int_add (&link->proxy->links, -1);
  g_free (link);
  return NULL;
}

static gpointer
proxy_accept (gpointer data)
{
  Proxy *proxy = data;

  for (;;)
    {
      g_autoptr(GSocketClient) connector = g_socket_client_new ();
      GSocketConnection *client = g_socket_listener_accept (proxy->listener, NULL, proxy->stop, NULL);
      GSocketConnection *upstream;
      Link *link;

      if (client == NULL)
        return NULL;
      g_socket_client_set_enable_proxy (connector, FALSE);
      upstream = g_socket_client_connect_to_host (connector, proxy->target_host, proxy->target_port, NULL, NULL);
      if (upstream == NULL)
        {
          g_object_unref (client);
          continue;
        }
      link = g_new0 (Link, 1);
      g_atomic_int_inc (&proxy->links);
      link->proxy = proxy;
      link->client = client;
      link->server = upstream;
      if (g_atomic_int_get (&proxy->fault) == FAULT_DUPLICATE)
        {
          link->shadow = g_socket_client_connect_to_host (connector, proxy->target_host, proxy->target_port,
                                                          NULL, NULL);
          if (link->shadow != NULL)
            {
              g_object_set_data (G_OBJECT (link->shadow), "proxy", proxy);
              g_atomic_int_inc (&proxy->shadows);
              g_thread_unref (g_thread_new ("shadow", drain_shadow, g_object_ref (link->shadow)));
            }
        }
      g_thread_unref (g_thread_new ("forward", forward, link));
    }
}

static void
proxy_start (Proxy      *proxy,
             const char *target)
{
  g_autoptr(GUri) uri = g_uri_parse (target, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;

  memset (proxy, 0, sizeof *proxy);
  proxy->target_host = g_strdup (g_uri_get_host (uri));
  proxy->target_port = (guint16) g_uri_get_port (uri);
  proxy->listener = g_socket_listener_new ();
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_socket_listener_add_address (proxy->listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                   &bound, &error);
    g_assert_no_error (error);
    proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  proxy->stop = g_cancellable_new ();
  proxy->acceptor = g_thread_new ("proxy", proxy_accept, proxy);
}

/* Once its clients have closed their connections. */
static void
proxy_stop (Proxy *proxy)
{
  g_cancellable_cancel (proxy->stop);
  g_thread_join (proxy->acceptor);
  for (int wait = 0; wait < 200 && (g_atomic_int_get (&proxy->links) > 0 || g_atomic_int_get (&proxy->shadows) > 0);
       wait++)
    g_usleep (50000);
  g_assert_cmpint (g_atomic_int_get (&proxy->links), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&proxy->shadows), ==, 0);
  g_socket_listener_close (proxy->listener);
  g_clear_object (&proxy->listener);
  g_clear_object (&proxy->stop);
  g_clear_pointer (&proxy->target_host, g_free);
}

static void
set_fault (Proxy *proxy,
           Fault  fault,
           gint   budget)
{
  g_atomic_int_set (&proxy->budget, budget);
  g_atomic_int_set (&proxy->fault, fault);
}

/* A desk whose clock is far from the server's (a PC whose clock battery
 * went flat): the client learns by how much from the answers' Date, and
 * its clock then runs by the server's; small differences are taken as
 * none, and a clock set right again is noticed. */
static void
test_server_clock (void)
{
  Proxy proxy;
  Client office;
  g_autofree char *through = NULL;
  gint64 local;

  proxy_start (&proxy, server.base);
  through = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
  client_open (&office, "clock", "office");
  g_assert_true (wd_sync_store_set (office.store, "sync_server", through, NULL));
  client_sync (&office);
  g_assert_cmpint (wd_sync_store_clock_offset (office.store), ==, 0);

  set_fault (&proxy, FAULT_CLOCK, 3 * 3600 + 20 * 60);
  client_sync (&office);
  local = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (wd_sync_store_clock_offset (office.store) - (3 * 3600 + 20 * 60)), <=, 2);
  g_assert_cmpint (ABS (wd_sync_store_now (office.store) - (local + 3 * 3600 + 20 * 60)), <=, 3);

  set_fault (&proxy, FAULT_CLOCK, -40);
  client_sync (&office);
  g_assert_cmpint (wd_sync_store_clock_offset (office.store), ==, 0);

  set_fault (&proxy, FAULT_CLOCK, -2 * 86400);
  client_sync (&office);
  g_assert_cmpint (ABS (wd_sync_store_clock_offset (office.store) + 2 * 86400), <=, 2);
  /* wudanctl says so, and counts by the server's clock too. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                                   &error, g_getenv ("WUDANCTL"), "--store", office.path, "status",
                                                   NULL);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, &out, &err, &error));
    g_assert_cmpint (g_subprocess_get_exit_status (ctl), ==, 0);
    g_assert_nonnull (strstr (out, "clock is 2 days ahead of the server's"));
  }
  set_fault (&proxy, FAULT_NONE, 0);
  client_sync (&office);
  g_assert_cmpint (wd_sync_store_clock_offset (office.store), ==, 0);
  client_close (&office);
  proxy_stop (&proxy);
}

/* Syncs through the proxy while it breaks things in each way in turn;
 * after each failure the client simply syncs again. In the end every
 * operation is on the server exactly once and the copies agree. */
static void
test_faults (void)
{
  static const struct { Fault fault; gint budget; } faults[] = {
    { FAULT_CUT_REQUEST, 200 },       /* inside the request headers */
    { FAULT_CUT_REQUEST, 900 },       /* inside a push body */
    { FAULT_CUT_RESPONSE, 100 },      /* inside the answer's headers */
    { FAULT_CUT_RESPONSE, 400 },      /* inside a push answer: applied, unacknowledged */
    { FAULT_DELAY, 0 },
    { FAULT_CUT_RESPONSE, 20000 },    /* inside a pull page */
  };
  Proxy proxy;
  Client centre;
  g_autofree char *through = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;
  guint failed = 0;

  proxy_start (&proxy, server.base);
  through = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
  client_open (&centre, "faults", "centre");
  g_assert_true (wd_sync_store_set (centre.store, "sync_server", through, NULL));
  client_sync (&centre);

  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    {
      g_autoptr(GError) error = NULL;

      for (int i = 0; i < 3; i++)
        {
          g_autofree char *id = g_strdup_printf ("fault-%u-%d", f, i);
          g_autofree char *json = order_json (id, "zhiyuan", 12 + (int) f, 8 + i * 3);
          g_autoptr(JsonObject) r = apply (&centre, "order.create", json);
        }
      set_fault (&proxy, faults[f].fault, faults[f].budget);
      if (!wd_sync_client_sync (centre.client, NULL, &error))
        failed++;
      set_fault (&proxy, FAULT_NONE, 0);
      client_sync (&centre);
    }

  g_test_message ("%u of %zu syncs broke, %d connections cut", failed, G_N_ELEMENTS (faults),
                  g_atomic_int_get (&proxy.cuts));
  g_assert_cmpuint (failed, >=, 4);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'fault-%'"), ==, 18);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id LIKE 'fault-%'"), ==, 18);
  g_assert_cmpint (server_count ("SELECT count (*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), ==, 1);
  g_assert_cmpint (sqlite3_exec (wd_store_get_db (centre.store), "PRAGMA integrity_check", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  c_digest = client_digest (&centre, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  client_close (&centre);
  proxy_stop (&proxy);
}

static guint
count_log_lines (const char *needle)
{
  g_autofree char *log = wd_test_server_log (&server);
  guint n = 0;

  for (const char *at = strstr (log, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  return n;
}

/* Every request reaches the server twice, the copy on a connection of
 * its own whose answer nobody reads: logins, pushes and pulls alike. Each
 * operation is still applied once, and the client's answer is the same
 * whichever copy the server saw first. */
static void
test_duplicated_requests (void)
{
  Proxy proxy;
  Client centre;
  g_autofree char *through = NULL;
  g_autofree char *c_digest = NULL, *s_digest = NULL;
  g_autoptr(JsonArray) problems = NULL;
  guint pushes_before, pushes_after;

  proxy_start (&proxy, server.base);
  through = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
  client_open (&centre, "duplicates", "centre");
  g_assert_true (wd_sync_store_set (centre.store, "sync_server", through, NULL));
  client_sync (&centre);
  pushes_before = count_log_lines ("POST /api/v1/push 200");

  for (int round = 0; round < 3; round++)
    {
      g_autoptr(GError) error = NULL;

      for (int i = 0; i < 4; i++)
        {
          g_autofree char *id = g_strdup_printf ("dup-%d-%d", round, i);
          g_autofree char *json = order_json (id, "zhiyuan", 15 + round, 8 + i * 2);
          g_autoptr(JsonObject) r = apply (&centre, "order.create", json);
        }
      if (round > 0)
        {
          /* Not idempotent by itself: applied twice it would fail the
           * second time, or leave two history entries. */
          g_autofree char *json = g_strdup_printf ("{\"order_id\": \"dup-%d-0\", \"reason\": \"改期\"}",
                                                   round - 1);
          g_autoptr(JsonObject) r = apply (&centre, "order.cancel", json);
        }
      /* A new connection, so the proxy gives it a shadow. */
      set_fault (&proxy, FAULT_DUPLICATE, 0);
      g_clear_object (&centre.client);
      centre.client = wd_sync_client_new (centre.store, &error);
      g_assert_no_error (error);
      client_sync (&centre);
      g_clear_object (&centre.client);
      set_fault (&proxy, FAULT_NONE, 0);
      centre.client = wd_sync_client_new (centre.store, &error);
      g_assert_no_error (error);
    }

  /* Let the last copies finish before reading the server's store. */
  for (int wait = 0; wait < 200 && g_atomic_int_get (&proxy.shadows) > 0; wait++)
    g_usleep (50000);
  g_assert_cmpint (g_atomic_int_get (&proxy.shadows), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&proxy.copied), >, 0);
  /* Each round's push reached the server twice. */
  pushes_after = count_log_lines ("POST /api/v1/push 200");
  g_assert_cmpuint (pushes_after - pushes_before, >=, 6);
  client_sync (&centre);

  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'dup-%'"), ==, 12);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'dup-%' AND state = 'cancelled'"),
                   ==, 2);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id LIKE 'dup-%'"), ==, 14);
  g_assert_cmpint (wd_sync_store_count_pending (centre.store), ==, 0);
  problems = wd_sync_store_problems (centre.store, NULL);
  g_assert_cmpuint (json_array_get_length (problems), ==, 0);
  g_assert_cmpint (server_count ("SELECT count (*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), ==, 1);
  c_digest = client_digest (&centre, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  client_close (&centre);
  proxy_stop (&proxy);
}

static gint64
count_where (Client     *client,
             const char *condition)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM orders WHERE %s", condition);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (wd_store_get_db (client->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* A digest of everything a client holds of the server's: every synced
 * table, row by row, and the shared settings. */
static char *
mirror_digest (WdStore *store)
{
  static const char * const tables[] = {
    "subdistricts", "topics", "teams", "speakers", "speaker_topics", "projects", "project_venue_kinds",
    "orders", "ratings", "callbacks", "history", "funds", "fund_ledger", "reward_periods", "reward_lines",
    "reward_orders",
  };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = wd_store_get_db (store);

  for (guint t = 0; t <= G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = t < G_N_ELEMENTS (tables)
        ? g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", tables[t])
        : g_strdup ("SELECT key, value FROM meta WHERE key IN ('district_name', 'accept_hours',"
                    " 'callback_rate_percent', 'reward_rules', 'time_zone') ORDER BY 1");
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      checksum_rows (sum, stmt);
      sqlite3_finalize (stmt);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The ids a search finds, sorted. */
static char *
search_ids (WdStore    *store,
            const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = wd_store_search (store, query, WD_SEARCH_ALL, 200, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (ids, ((WdSearchHit *) hits->pdata[i])->id);
  /* Hits that rank alike may come in either order. */
  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

typedef struct
{
  gint64 done;
  gint64 total;
  guint  reports;
} SnapshotProgress;

static void
note_snapshot_progress (const char *phase,
                        gint64      done,
                        gint64      total,
                        gpointer    data)
{
  SnapshotProgress *progress = data;

  if (g_strcmp0 (phase, "snapshot") != 0)
    return;
  g_assert_cmpint (done, >=, progress->done);
  progress->done = done;
  progress->total = total;
  progress->reports++;
}

static guint64
inode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_ino;
}

/* The store's orders as one of its other connections reads them. */
static gint64
count_orders (WdStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "SELECT count (*) FROM orders", NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* A first sync from a snapshot leaves the same copy as one filled from
 * the change log (which an older server, here the proxy answering 404,
 * still serves), down to the search index, and all go on alike: a client
 * alone on its store takes the server's store as its file; one beside
 * another connection (the app's window) takes its pages, and the other
 * connection reads them; a snapshot of tables (an older client's
 * request) is copied in. */
static void
test_snapshot_or_pages (void)
{
  static const char * const queries[] = { "党史", "社区", "王", "讲座" };
  SnapshotProgress progress = { 0 };
  Proxy proxy;
  Client by_snapshot, by_pages, by_backup, by_tables, centre;
  Client *copies[] = { &by_snapshot, &by_backup, &by_tables };
  g_autoptr(WdStore) other_connection = NULL;
  g_autofree char *through = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *json = order_json ("after-snapshot", "qianfoshan", 9, 10);
  guint64 adopted_inode, backup_inode;

  proxy_start (&proxy, server.base);
  through = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
  client_open (&by_snapshot, "by-snapshot", "office");
  client_open (&by_pages, "by-pages", "office");
  client_open (&by_backup, "by-backup", "office");
  client_open (&by_tables, "by-tables", "office");
  g_assert_true (wd_sync_store_set (by_pages.store, "sync_server", through, NULL));
  g_assert_true (wd_sync_store_set (by_tables.store, "sync_server", through, NULL));
  other_connection = wd_store_open (by_backup.path, NULL);
  g_assert_nonnull (other_connection);
  g_assert_true (wd_sync_store_is_alone (by_snapshot.store));
  g_assert_false (wd_sync_store_is_alone (by_backup.store));
  /* Asking leaves the store open to others. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(WdStore) reader = wd_store_open (by_snapshot.path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (wd_sync_store_get_int (reader, "sync_cursor"), ==, 0);
  }
  adopted_inode = inode_of (by_snapshot.path);
  backup_inode = inode_of (by_backup.path);
  g_assert_cmpint (count_orders (other_connection), ==, 0);

  wd_sync_client_set_progress_func (by_snapshot.client, note_snapshot_progress, &progress);
  client_sync (&by_snapshot);
  client_sync (&by_backup);
  set_fault (&proxy, FAULT_TABLES_ONLY, 0);
  client_sync (&by_tables);
  set_fault (&proxy, FAULT_NO_SNAPSHOT, 0);
  client_sync (&by_pages);
  g_assert_cmpint (g_atomic_int_get (&proxy.refused), ==, 1);
  /* Alone, the client took the server's store as its file; beside
   * another connection it kept its file, and that connection reads
   * what the sync brought. */
  g_assert_cmpuint (inode_of (by_snapshot.path), !=, adopted_inode);
  g_assert_cmpuint (inode_of (by_backup.path), ==, backup_inode);
  g_assert_cmpint (count_orders (other_connection), >, 0);
  g_assert_cmpint (count_orders (other_connection), ==, count_orders (by_pages.store));
  g_assert_cmpint (wd_sync_store_get_int (other_connection, "sync_cursor"), ==,
                   wd_sync_store_get_int (by_pages.store, "sync_cursor"));
  g_clear_object (&other_connection);
  g_assert_true (wd_sync_store_is_alone (by_backup.store));
  /* The download is reported, to its known size (on loopback the
   * snapshot comes uncompressed, with a length). */
  g_assert_cmpuint (progress.reports, >=, 2);
  g_assert_cmpint (progress.done, >, 100000);
  g_assert_cmpint (progress.done, ==, progress.total);

  expected = mirror_digest (by_pages.store);
  for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
    {
      g_autofree char *digest = mirror_digest (copies[i]->store);

      g_assert_cmpstr (digest, ==, expected);
      g_assert_cmpint (wd_sync_store_get_int (copies[i]->store, "sync_cursor"), ==,
                       wd_sync_store_get_int (by_pages.store, "sync_cursor"));
      for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
        {
          g_autofree char *found = search_ids (copies[i]->store, queries[q]);
          g_autofree char *from_pages = search_ids (by_pages.store, queries[q]);

          g_assert_cmpstr (found, ==, from_pages);
          g_assert_cmpuint (strlen (found), >, 0);
        }
    }

  /* Later changes come to all as pages, found by search too: the pages
   * after a store taken whole keep its index up to date. */
  set_fault (&proxy, FAULT_NONE, 0);
  client_open (&centre, "after-snapshot", "centre");
  client_sync (&centre);
  json_object_unref (apply (&centre, "order.create", json));
  client_sync (&centre);
  client_sync (&by_pages);
  g_clear_pointer (&expected, g_free);
  expected = mirror_digest (by_pages.store);
  for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
    {
      g_autofree char *digest = NULL;
      g_autofree char *found = NULL;
      g_autofree char *from_pages = search_ids (by_pages.store, "法治讲座");

      client_sync (copies[i]);
      digest = mirror_digest (copies[i]->store);
      found = search_ids (copies[i]->store, "法治讲座");
      g_assert_cmpstr (digest, ==, expected);
      g_assert_nonnull (wd_store_get (copies[i]->store, "order", "after-snapshot", NULL));
      g_assert_cmpstr (found, ==, from_pages);
      g_assert_nonnull (strstr (found, "after-snapshot"));
    }

  client_close (&by_tables);
  client_close (&by_backup);
  client_close (&centre);
  client_close (&by_snapshot);
  client_close (&by_pages);
  proxy_stop (&proxy);
}

/* A speaker's photo set at the centre reaches an office through the
 * server, first syncs and later pulls alike, and so does its removal. */
static void
test_speaker_photo (void)
{
  Client centre, office, later;
  g_autoptr(JsonArray) speakers = NULL;
  g_autoptr(GBytes) at_office = NULL;
  g_autoptr(GBytes) at_later = NULL;
  g_autofree char *set = NULL;
  g_autofree char *removal = NULL;
  const char *id;

  client_open (&centre, "photo-centre", "centre");
  client_open (&office, "photo-office", "office");
  client_sync (&centre);
  client_sync (&office);
  speakers = wd_store_list_all (centre.store, "speaker", NULL);
  id = json_object_get_string_member (json_array_get_object_element (speakers, 0), "id");
  set = g_strdup_printf ("{\"speaker_id\":\"%s\",\"photo\":\"%s\"}", id, WD_TEST_PHOTO_PNG);
  json_object_unref (apply (&centre, "speaker.photo", set));
  client_sync (&centre);

  client_sync (&office);
  at_office = wd_store_get_speaker_photo (office.store, id, NULL);
  g_assert_nonnull (at_office);
  g_assert_cmpuint (g_bytes_get_size (at_office), ==, 70);
  client_open (&later, "photo-later", "office");
  client_sync (&later);
  at_later = wd_store_get_speaker_photo (later.store, id, NULL);
  g_assert_nonnull (at_later);
  g_assert_true (g_bytes_equal (at_office, at_later));

  removal = g_strdup_printf ("{\"speaker_id\":\"%s\",\"photo\":\"\"}", id);
  json_object_unref (apply (&centre, "speaker.photo", removal));
  client_sync (&centre);
  client_sync (&office);
  g_assert_null (wd_store_get_speaker_photo (office.store, id, NULL));

  client_close (&later);
  client_close (&office);
  client_close (&centre);
}

static char *
issue_certificate (Client     *client,
                   const char *team_id)
{
  g_autofree char *today = wd_time_format_local (g_get_real_time () / G_USEC_PER_SEC,
                                                 wd_store_get_time_zone (client->store), "%Y-%m-%d");
  g_autofree char *json = g_strdup_printf ("{\"holder_kind\":\"team\",\"holder_id\":\"%s\","
                                           "\"from\":\"2000-01-01\",\"to\":\"%s\"}", team_id, today);
  g_autoptr(JsonObject) result = apply (client, "certificate.issue", json);

  /* A syncing desk leaves the numbering to the server. */
  g_assert_false (json_object_has_member (result, "number"));
  return g_strdup (json_object_get_string_member (result, "id"));
}

/* A certificate issued at a desk gets its number from the server, and
 * reaches the team it certifies and nobody else outside the centre. */
static void
test_certificate_numbered_by_server (void)
{
  Client centre, team, office;
  g_autofree char *own = NULL;
  g_autofree char *other = NULL;
  g_autoptr(JsonObject) numbered = NULL;
  g_autoptr(JsonArray) at_team = NULL;
  g_autoptr(JsonArray) at_office = NULL;
  const char *number;

  client_open (&centre, "cert-centre", "centre");
  client_open (&team, "cert-team", "team");
  client_open (&office, "cert-office", "office");
  client_sync (&centre);

  own = issue_certificate (&centre, "team-02");
  other = issue_certificate (&centre, "team-01");
  client_sync (&centre);
  numbered = wd_store_get_certificate (centre.store, own, NULL);
  number = json_object_get_string_member (numbered, "number");
  g_assert_nonnull (number);
  g_assert_true (g_str_has_prefix (number, "C20"));

  client_sync (&team);
  at_team = wd_store_list_certificates (team.store, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (at_team), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (at_team, 0), "number"),
                   ==, number);
  client_sync (&office);
  at_office = wd_store_list_certificates (office.store, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (at_office), ==, 0);

  client_close (&office);
  client_close (&team);
  client_close (&centre);
}

typedef struct
{
  WdSyncClient *client;     /* on a connection of its own */
  gint          stop;
  GPtrArray    *written;    /* ids of the orders the store acknowledged */
} Writer;

static gpointer
write_orders (gpointer data)
{
  Writer *writer = data;

  for (guint i = 0; !g_atomic_int_get (&writer->stop); i++)
    {
      g_autofree char *id = g_strdup_printf ("beside-sync-%u", i);
      g_autofree char *json = order_json (id, "qianfoshan", 3 + (int) (i / 10 % 300), 8 + (int) i % 10);
      g_autoptr(JsonObject) args = wd_json_parse_object (json, -1, NULL);
      g_autoptr(JsonObject) result = NULL;

      if (wd_sync_client_apply (writer->client, g_get_real_time () / G_USEC_PER_SEC, "order.create", args, &result,
                                NULL))
        g_ptr_array_add (writer->written, g_steal_pointer (&id));
      /* A person's pace, far quicker: one every millisecond. */
      g_usleep (1000);
    }
  return NULL;
}

/* A store that takes the server's anew (a reset) while the app places
 * orders through another connection: every order the store acknowledged
 * is still there after the swap, and reaches the server. */
static void
test_snapshot_beside_writes (void)
{
  Client desk;
  g_autoptr(WdStore) window_store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  Writer writer = { NULL, 0, written };
  GThread *thread;

  client_open (&desk, "beside-writes", "centre");
  client_sync (&desk);
  window_store = wd_store_open (desk.path, &error);
  g_assert_no_error (error);
  writer.client = wd_sync_client_new (window_store, &error);
  g_assert_no_error (error);
  g_assert_true (wd_sync_store_set (desk.store, "sync_cursor", "0", NULL));

  thread = g_thread_new ("writer", write_orders, &writer);
  while (written->len == 0)
    g_thread_yield ();
  client_sync (&desk);
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);
  g_assert_cmpuint (written->len, >, 1);

  client_sync (&desk);
  g_assert_cmpint (wd_sync_store_count_pending (desk.store), ==, 0);
  for (guint i = 0; i < written->len; i++)
    {
      const char *id = written->pdata[i];
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM orders WHERE id = '%s'", id);
      g_autoptr(JsonObject) order = wd_store_get (desk.store, "order", id, NULL);

      g_assert_nonnull (order);
      g_assert_cmpint (server_count (sql), ==, 1);
    }

  g_clear_object (&writer.client);
  g_clear_object (&window_store);
  client_close (&desk);
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
}

/* Runs SQL on a database file from the side, as an administrator would. */
/* Something else the JSON grammar allows in place of a value: another
 * type, an empty container, an odd number or text, a change-like object. */
static JsonNode *
random_node (GRand *rand)
{
  JsonNode *node = json_node_alloc ();

  switch (g_rand_int_range (rand, 0, 9))
    {
    case 0: return json_node_init_null (node);
    case 1: return json_node_init_int (node, g_rand_boolean (rand) ? -1 : G_MAXINT64);
    case 2: return json_node_init_string (node, g_rand_boolean (rand) ? "" : "不是这个");
    case 3:
      json_node_take_array (json_node_init (node, JSON_NODE_ARRAY), json_array_new ());
      return node;
    case 4:
      json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), json_object_new ());
      return node;
    case 5: return json_node_init_boolean (node, TRUE);
    case 6: return json_node_init_double (node, 1e300);
    case 7:
      {
        JsonArray *array = json_array_new ();

        json_array_add_int_element (array, 7);
        json_node_init (node, JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }
    default:
      {
        JsonObject *object = json_object_new ();

        json_object_set_string_member (object, "entity", "order");
        json_object_set_int_member (object, "key", 7);
        json_node_init (node, JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }
    }
}

/* A copy of node in which the node numbered target (depth first, from
 * *n) is replaced by a random one. */
static JsonNode *
copy_mutated (JsonNode *node,
              guint     target,
              guint    *n,
              GRand    *rand)
{
  JsonNode *copy;

  if ((*n)++ == target)
    return random_node (rand);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObject *out = json_object_new ();
      g_autoptr(GList) names = json_object_get_members (object);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (out, l->data, copy_mutated (json_object_get_member (object, l->data),
                                                            target, n, rand));
      copy = json_node_init (json_node_alloc (), JSON_NODE_OBJECT);
      json_node_take_object (copy, out);
      return copy;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *out = json_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (out, copy_mutated (json_array_get_element (array, i), target, n, rand));
      copy = json_node_init (json_node_alloc (), JSON_NODE_ARRAY);
      json_node_take_array (copy, out);
      return copy;
    }
  return json_node_copy (node);
}

static guint
count_nodes (JsonNode *node)
{
  guint n = 1;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) values = json_object_get_values (json_node_get_object (node));

      for (GList *l = values; l != NULL; l = l->next)
        n += count_nodes (l->data);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      n += count_nodes (json_array_get_element (json_node_get_array (node), i));
  return n;
}

/* The page with one to three of its values replaced (never the whole). */
static JsonNode *
mutate_page (GRand    *rand,
             JsonNode *page)
{
  JsonNode *mutated = json_node_copy (page);

  for (int m = g_rand_int_range (rand, 1, 4); m > 0; m--)
    {
      JsonNode *next;
      guint n = 0;

      next = copy_mutated (mutated, (guint) g_rand_int_range (rand, 1, (gint32) count_nodes (mutated)), &n, rand);
      json_node_unref (mutated);
      mutated = next;
    }
  return mutated;
}

/* Pages from a server gone wrong (or something posing as one): whatever
 * shape the JSON takes, applying a page either works or is refused with
 * a message, and a refused page changes nothing. */
static void
test_bad_pages (void)
{
  Client office;
  g_autofree char *token = wd_test_login (&server, "office");
  g_autofree char *path = NULL;
  g_autoptr(WdTestReply) reply = NULL;
  g_autoptr(JsonNode) page = NULL;
  guint32 seed = wd_test_fuzz_seed ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint refused = 0;

  client_open (&office, "bad-pages", "office");
  client_sync (&office);
  path = g_strdup_printf ("/api/v1/pull?client_id=bad-pages-reader&since=0&limit=40&acked=0");
  reply = wd_test_request (&server, "GET", path, token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  page = wd_json_parse (reply->text, -1, NULL);

  g_test_message ("page fuzz seed %u (WUDAN_FUZZ_SEED=%u reproduces it)", seed, seed);
  for (int i = 0; i < 400; i++)
    {
      g_autoptr(JsonNode) root = mutate_page (rand, page);
      g_autofree char *before = mirror_digest (office.store);
      g_autofree char *cursor = wd_sync_store_get (office.store, "sync_cursor");
      g_autoptr(GError) error = NULL;

      /* As the client does: the page's shape first, its rows as written. */
      if (!wd_sync_check_page (json_node_get_object (root), &error)
          || !wd_sync_store_apply_page (office.store, json_node_get_object (root), 0, &error))
        {
          g_autofree char *after = mirror_digest (office.store);
          g_autofree char *cursor_after = wd_sync_store_get (office.store, "sync_cursor");

          g_assert_nonnull (error);
          g_assert_cmpstr (before, ==, after);
          g_assert_cmpstr (cursor, ==, cursor_after);
          refused++;
        }
    }
  g_test_message ("%u of 400 pages refused", refused);
  g_assert_cmpuint (refused, >, 0);
  client_close (&office);
}

/* Applying a bad snapshot is refused with a message and changes nothing:
 * the copy, the queued work and the file all stay as they were. */
static void
expect_refused (Client     *office,
                const char *path,
                const char *digest)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now = NULL;

  g_assert_false (wd_sync_store_apply_snapshot (office->store, path, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "snapshot"));
  now = mirror_digest (office->store);
  g_assert_cmpstr (now, ==, digest);
  g_assert_cmpuint (wd_sync_store_count_pending (office->store), ==, 1);
  g_assert_cmpint (sqlite3_exec (wd_store_get_db (office->store), "PRAGMA integrity_check", NULL, NULL, NULL),
                   ==, SQLITE_OK);
}

static void
test_bad_snapshot (void)
{
  Client office;
  g_autofree char *token = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *request = NULL;
  g_autoptr(WdTestReply) reply = NULL;
  g_autofree char *valid = NULL, *bad = NULL, *digest = NULL;
  g_autofree char *json = order_json ("queued-before-snapshot", "qianfoshan", 8, 15);
  const guint8 *bytes;
  gsize length;
  guint32 seed = wd_test_fuzz_seed ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint applied = 0;

  client_open (&office, "bad-snapshot", "office");
  client_sync (&office);
  json_object_unref (apply (&office, "order.create", json));
  digest = mirror_digest (office.store);

  token = wd_test_login (&server, "office");
  client_id = wd_sync_store_get (office.store, "sync_client_id");
  request = g_strdup_printf ("/api/v1/snapshot?client_id=%s", client_id);
  reply = wd_test_request (&server, "GET", request, token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  bytes = g_bytes_get_data (reply->bytes, &length);
  valid = g_build_filename (client_dir, "valid-snapshot.db", NULL);
  bad = g_build_filename (client_dir, "bad-snapshot.db", NULL);
  write_bytes (valid, bytes, length);

  write_bytes (bad, "not a database at all", 21);
  expect_refused (&office, bad, digest);
  write_bytes (bad, bytes, length / 2);
  expect_refused (&office, bad, digest);
  write_bytes (bad, bytes, length);
  exec_on (bad, "CREATE TRIGGER sneaky AFTER INSERT ON orders BEGIN DELETE FROM topics; END");
  expect_refused (&office, bad, digest);
  write_bytes (bad, bytes, length);
  exec_on (bad, "UPDATE snapshot SET value = 99 WHERE key = 'protocol'");
  expect_refused (&office, bad, digest);
  write_bytes (bad, bytes, length);
  exec_on (bad, "DROP TABLE snapshot");
  expect_refused (&office, bad, digest);
  write_bytes (bad, bytes, length);
  exec_on (bad, "INSERT INTO orders SELECT * FROM orders LIMIT 1");
  expect_refused (&office, bad, digest);

  /* Bytes flipped anywhere: refused, or (a flip in a cell) taken as data;
   * never a crash or a broken store, and a refusal changes nothing. */
  g_test_message ("snapshot fuzz seed %u (WUDAN_FUZZ_SEED=%u reproduces it)", seed, seed);
  for (int round = 0; round < 60; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (bytes, length);
      g_autoptr(GError) error = NULL;
      int flips = g_rand_int_range (rand, 1, 9);

      for (int f = 0; f < flips; f++)
        copy[g_rand_int_range (rand, 0, (gint32) length)] ^= (guint8) g_rand_int_range (rand, 1, 256);
      write_bytes (bad, copy, length);
      if (wd_sync_store_apply_snapshot (office.store, bad, NULL, &error))
        {
          applied++;
          g_assert_true (wd_sync_store_apply_snapshot (office.store, valid, NULL, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_autofree char *now = mirror_digest (office.store);

          g_assert_cmpstr (now, ==, digest);
        }
      g_assert_cmpuint (wd_sync_store_count_pending (office.store), ==, 1);
    }
  g_test_message ("%u of 60 damaged snapshots were still databases", applied);

  /* The good one applies, and the queued order is still there on top. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (wd_sync_store_apply_snapshot (office.store, valid, NULL, &error));
    g_assert_no_error (error);
    g_assert_nonnull (wd_store_get (office.store, "order", "queued-before-snapshot", NULL));
    g_assert_cmpuint (wd_sync_store_count_pending (office.store), ==, 1);
  }

  g_unlink (valid);
  g_unlink (bad);
  client_close (&office);
}

/* The administrator moves an account to another sub-district, as
 * `wudan-server user set` does it while the server runs. */
static void
move_account (const char *account,
              const char *subdistrict)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "user", "set", "--db", server.db, "--name", account,
                                       "--subdistrict", subdistrict, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "sessions have ended"));
}

/* The desk signs in again after its account changed: it now acts for
 * what the account serves. */
static void
sign_in_again (Client     *client,
               const char *account)
{
  g_autoptr(GError) error = NULL;

  wd_sync_client_sync (client->client, NULL, &error);
  g_assert_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_true (wd_sync_client_login (client->client, server.base, account,
                                       g_hash_table_lookup (server.passwords, account), &error));
  g_assert_no_error (error);
}

/* An office moved to another sub-district: its sessions end, so the desk
 * signs in again and acts for the new sub-district; its next pull answers
 * reset, and the client starts again from a snapshot of what it now sees,
 * keeping its queued work; its search finds the new sub-district. */
static void
test_reset_after_scope_change (void)
{
  Client office;
  g_autofree char *json = order_json ("before-the-move", "qianfoshan", 8, 9);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WdActor) actor = NULL;
  gint64 cursor;

  client_open (&office, "moved", "office");
  client_sync (&office);
  g_assert_cmpint (count_where (&office, "subdistrict_id = 'qianfoshan'"), >, 0);
  cursor = wd_sync_store_get_int (office.store, "sync_cursor");
  g_assert_cmpint (cursor, >, 0);

  move_account ("office", "甸柳街道");
  sign_in_again (&office, "office");
  actor = wd_sync_client_get_actor (office.client);
  g_assert_cmpstr (actor->subdistrict_id, ==, "dianliu");
  client_sync (&office);

  g_assert_cmpint (count_where (&office, "subdistrict_id <> 'dianliu'"), ==, 0);
  g_assert_cmpint (count_where (&office, "1"), ==, server_count ("SELECT count (*) FROM orders"
                                                                 " WHERE subdistrict_id = 'dianliu'"));
  g_assert_cmpint (wd_sync_store_get_int (office.store, "sync_cursor"), >=, cursor);
  hits = wd_store_search (office.store, "社区", WD_SEARCH_ORDERS, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, >, 0);

  /* Work queued before the move still goes out (and, no longer the
   * office's to do, comes back refused with a reason). */
  move_account ("office", "千佛山街道");
  sign_in_again (&office, "office");
  client_sync (&office);
  json_object_unref (apply (&office, "order.create", json));
  move_account ("office", "甸柳街道");
  sign_in_again (&office, "office");
  client_sync (&office);
  g_assert_cmpuint (wd_sync_store_count_pending (office.store), ==, 0);
  {
    g_autoptr(JsonArray) problems = wd_sync_store_problems (office.store, NULL);

    g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  }
  g_assert_cmpint (count_where (&office, "subdistrict_id <> 'dianliu'"), ==, 0);

  move_account ("office", "千佛山街道");
  client_close (&office);
}

/* Files beside path whose names start with path and prefix. */
static guint
count_kept_copies (const char *path,
                   char      **first)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *prefix = g_strconcat (path, ".before-first-sync-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (dir_name, name, NULL);

      if (g_str_has_prefix (full, prefix))
        {
          if (n++ == 0 && first != NULL)
            *first = g_strdup (full);
        }
    }
  return n;
}

/* A store used on its own, then signed in: the server's data replaces
 * its work, which is kept in a private copy beside it and named in the
 * problems list, whether the first sync comes as a snapshot or (from an
 * older server) as pages. */
static void
test_work_of_its_own_kept (void)
{
  for (guint pages = 0; pages < 2; pages++)
    {
      Proxy proxy;
      Client standalone, fresh;
      g_autoptr(WdActor) desk = wd_actor_new ("desk", WD_ROLE_CENTRE);
      g_autoptr(JsonObject) topic = wd_json_parse_object ("{\"id\":\"standalone-topic\",\"name\":\"单机主题\"}",
                                                          -1, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonArray) problems = NULL;
      g_autofree char *kept = NULL;
      g_autofree char *through = NULL;
      g_autofree char *file = g_strdup_printf ("standalone-%u-%u.db", pages, g_random_int ());
      g_autofree char *mine = NULL, *theirs = NULL;
      GStatBuf st;

      proxy_start (&proxy, server.base);
      set_fault (&proxy, pages ? FAULT_NO_SNAPSHOT : FAULT_NONE, 0);
      through = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
      standalone.path = g_build_filename (client_dir, file, NULL);
      standalone.store = wd_store_open (standalone.path, &error);
      g_assert_no_error (error);
      g_assert_true (wd_operation_apply (standalone.store, desk, g_get_real_time () / G_USEC_PER_SEC, NULL,
                                         "topic.upsert", topic, NULL, &error));
      g_assert_no_error (error);
      standalone.client = wd_sync_client_new (standalone.store, &error);
      g_assert_no_error (error);
      g_assert_true (wd_sync_client_login (standalone.client, through, "centre",
                                           g_hash_table_lookup (server.passwords, "centre"), &error));
      g_assert_no_error (error);
      /* What a copy killed half-way left is not mistaken for one. */
      {
        g_autofree char *left = g_strconcat (standalone.path, ".before-first-sync-20260101-000000.db.partial", NULL);

        g_assert_true (g_file_set_contents (left, "SQLite format 3", -1, NULL));
      }
      client_sync (&standalone);

      g_assert_cmpuint (count_kept_copies (standalone.path, &kept), ==, 1);
      g_assert_true (g_str_has_suffix (kept, ".db"));
      g_assert_cmpint (g_stat (kept, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      {
        sqlite3 *db = NULL;
        sqlite3_stmt *stmt = NULL;

        g_assert_cmpint (sqlite3_open_v2 (kept, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM topics WHERE id = 'standalone-topic'", -1, &stmt,
                                             NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "单机主题");
        sqlite3_finalize (stmt);
        sqlite3_close (db);
      }
      g_assert_null (wd_store_get (standalone.store, "topic", "standalone-topic", NULL));
      problems = wd_sync_store_problems (standalone.store, NULL);
      g_assert_cmpuint (json_array_get_length (problems), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (problems, 0), "code"), ==,
                       "kept-aside");
      g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (problems, 0),
                                                               "message"), kept));

      /* The copy here is the server's, as any new install's is. */
      client_open (&fresh, "fresh", "centre");
      client_sync (&fresh);
      mine = mirror_digest (standalone.store);
      theirs = mirror_digest (fresh.store);
      g_assert_cmpstr (mine, ==, theirs);

      /* Later syncs keep nothing more aside. */
      client_sync (&standalone);
      g_assert_cmpuint (count_kept_copies (standalone.path, NULL), ==, 1);

      g_unlink (kept);
      client_close (&fresh);
      client_close (&standalone);
      set_fault (&proxy, FAULT_NONE, 0);
      proxy_stop (&proxy);
    }
}

/* wudanctl is killed with SIGKILL at a random moment of a sync with a
 * large backlog; syncing again applies everything exactly once. */
static void
test_client_killed (void)
{
  Client centre;
  g_autofree char *c_digest = NULL, *s_digest = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);

  client_open (&centre, "client-killed", "centre");
  client_sync (&centre);
  for (int i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("ckill-%03d", i);
      g_autofree char *json = order_json (id, "shunhualu", 14 + i % 14, 8 + i % 10);
      g_autoptr(JsonObject) r = apply (&centre, "order.create", json);
    }
  /* The store is the other process's now. */
  g_clear_object (&centre.client);
  g_clear_object (&centre.store);

  for (int round = 0; round < 3; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                     &error, g_getenv ("WUDANCTL"), "--store", centre.path, "sync",
                                                     NULL);

      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 5000, 60000));
      g_subprocess_force_exit (ctl);
      g_subprocess_wait (ctl, NULL, NULL);
    }

  {
    g_autoptr(GError) error = NULL;

    centre.store = wd_store_open (centre.path, &error);
    g_assert_no_error (error);
    centre.client = wd_sync_client_new (centre.store, &error);
    g_assert_no_error (error);
  }
  client_sync (&centre);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id LIKE 'ckill-%'"), ==, 300);
  g_assert_cmpint (server_count ("SELECT count (*) FROM history WHERE entity_id LIKE 'ckill-%'"), ==, 300);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (wd_store_get_db (centre.store), "PRAGMA integrity_check", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  c_digest = client_digest (&centre, NULL);
  s_digest = server_digest (NULL);
  g_assert_cmpstr (c_digest, ==, s_digest);
  client_close (&centre);
}

/* A store taking the server's anew (a reset) is killed with SIGKILL at a
 * random moment, in even rounds beside another process's connection (so
 * by its pages), in odd ones alone (by renaming the prebuilt store over
 * it): it opens whole, and the order queued before is on the server
 * exactly once after the next sync, the copy the same as the server's. */
static void
test_snapshot_sync_killed (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261129);

  for (int round = 0; round < 8; round++)
    {
      Client desk;
      g_autoptr(WdStore) window_store = NULL;
      g_autoptr(GSubprocess) ctl = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *id = g_strdup_printf ("snapkill-%d", round);
      g_autofree char *json = order_json (id, "shunhualu", 20, 8 + round);
      g_autofree char *count = g_strdup_printf ("SELECT count (*) FROM orders WHERE id = '%s'", id);
      g_autofree char *c_digest = NULL, *s_digest = NULL;
      sqlite3_stmt *stmt = NULL;

      client_open (&desk, "first-killed", "centre");
      client_sync (&desk);
      json_object_unref (apply (&desk, "order.create", json));
      g_assert_true (wd_sync_store_set (desk.store, "sync_cursor", "0", NULL));
      g_clear_object (&desk.client);
      g_clear_object (&desk.store);
      /* Another connection stays open, as the app's window would. */
      if (round % 2 == 0)
        {
          window_store = wd_store_open (desk.path, &error);
          g_assert_no_error (error);
        }

      ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              g_getenv ("WUDANCTL"), "--store", desk.path, "sync", NULL);
      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 5000, 250000));
      g_subprocess_force_exit (ctl);
      g_subprocess_wait (ctl, NULL, NULL);

      desk.store = wd_store_open (desk.path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_prepare_v2 (wd_store_get_db (desk.store), "PRAGMA integrity_check", -1, &stmt,
                                           NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
      sqlite3_finalize (stmt);
      g_assert_nonnull (wd_store_get (window_store ? window_store : desk.store, "order", id, NULL));
      desk.client = wd_sync_client_new (desk.store, &error);
      g_assert_no_error (error);
      client_sync (&desk);
      g_assert_cmpint (server_count (count), ==, 1);
      g_assert_nonnull (wd_store_get (desk.store, "order", id, NULL));
      g_assert_cmpint (wd_sync_store_count_pending (desk.store), ==, 0);
      c_digest = client_digest (&desk, NULL);
      s_digest = server_digest (NULL);
      g_assert_cmpstr (c_digest, ==, s_digest);
      g_clear_object (&window_store);
      client_close (&desk);
    }
}

static void
sync_finished (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  GError **error = data;

  wd_sync_engine_sync_finish (WD_SYNC_ENGINE (source), result, error);
  *(gboolean *) g_object_get_data (source, "done") = TRUE;
}

static gboolean
engine_sync (WdSyncEngine  *engine,
             GError       **error)
{
  gboolean done = FALSE;

  g_object_set_data (G_OBJECT (engine), "done", &done);
  wd_sync_engine_sync_async (engine, NULL, sync_finished, error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return *error == NULL;
}

static void
note_phase (WdSyncEngine *engine,
            GParamSpec   *pspec,
            GString      *phases)
{
  gint64 total;
  g_autofree char *phase = NULL;

  g_object_get (engine, "phase", &phase, "total", &total, NULL);
  g_string_append_printf (phases, "%s:%s;", phase ? phase : "-", total > 0 ? "n" : "0");
}

static gboolean
give_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A change made while a sync runs (its push already passed, its pull
 * under way) goes out as soon as that sync ends, not at the next
 * interval an hour away. */
static void
test_engine_syncs_again (void)
{
  Client office;
  g_autoptr(WdSyncEngine) engine = NULL;
  g_autofree char *json = order_json ("engine-again", "qianfoshan", 11, 9);
  g_autofree char *through = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  guint timeout;
  Proxy proxy;

  client_open (&office, "engine-again", "office");
  client_sync (&office);
  /* The proxy holds the pull's request until the change is made: the
   * sync is in its pull then, however fast or busy the machine. (It used
   * to watch for the engine's "pull" phase, reported as a page arrives,
   * with answers delayed; a busy machine let the sync end first.) */
  proxy_start (&proxy, server.base);
  through = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
  g_assert_true (wd_sync_store_set (office.store, "sync_server", through, &error));
  g_atomic_int_set (&proxy.fault, FAULT_HOLD_PULL);
  engine = wd_sync_engine_new (office.path);
  wd_sync_engine_set_interval (engine, 3600);
  wd_sync_engine_start (engine);
  while (wd_sync_engine_get_state (engine) == WD_SYNC_STATE_SYNCING && !g_atomic_int_get (&proxy.holding))
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_cmpint (wd_sync_engine_get_state (engine), ==, WD_SYNC_STATE_SYNCING);
  json_object_unref (apply (&office, "order.create", json));
  wd_sync_engine_sync_now (engine);
  g_atomic_int_set (&proxy.fault, FAULT_NONE);

  timeout = g_timeout_add_seconds (20, give_up, &timed_out);
  while (!timed_out && server_count ("SELECT count (*) FROM orders WHERE id = 'engine-again'") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_clear_object (&engine);
  proxy_stop (&proxy);
  client_close (&office);
}

static void
test_engine (void)
{
  Client office;
  g_autoptr(WdSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) phases = g_string_new (NULL);
  g_autofree char *json = order_json ("engine-1", "qianfoshan", 10, 9);
  g_autoptr(JsonObject) created = NULL;
  guint pending = 99;

  client_open (&office, "engine", "office");
  client_sync (&office);
  created = apply (&office, "order.create", json);

  engine = wd_sync_engine_new (office.path);
  g_signal_connect (engine, "notify::total", G_CALLBACK (note_phase), phases);
  g_assert_cmpint (wd_sync_engine_get_state (engine), ==, WD_SYNC_STATE_SIGNED_OUT);
  g_assert_true (engine_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wd_sync_engine_get_state (engine), ==, WD_SYNC_STATE_UP_TO_DATE);
  g_object_get (engine, "pending", &pending, NULL);
  g_assert_cmpuint (pending, ==, 0);
  /* Progress came through for both phases, with the pull's total known. */
  g_assert_nonnull (strstr (phases->str, "push:"));
  g_assert_nonnull (strstr (phases->str, "pull:n"));
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id = 'engine-1'"), ==, 1);

  g_clear_object (&engine);
  client_close (&office);
}

static void
note_thread (WdSyncEngine *engine,
             GParamSpec   *pspec,
             guint        *elsewhere)
{
  if (g_thread_self () != g_object_get_data (G_OBJECT (engine), "owner"))
    (*elsewhere)++;
}

/* The engine's notifications reach the app's windows, whose handlers
 * read the window's own connection to the store: they must run on the
 * engine's thread even when that thread is busy, not iterating its
 * loop, while the worker reports progress. */
static void
test_engine_reports_on_its_thread (void)
{
  Client centre;
  g_autoptr(WdSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  guint elsewhere = 0;
  guint phases = 0;

  client_open (&centre, "engine-thread", "centre");
  client_sync (&centre);
  engine = wd_sync_engine_new (centre.path);
  g_object_set_data (G_OBJECT (engine), "owner", g_thread_self ());
  g_object_set_data (G_OBJECT (engine), "done", &done);
  g_signal_connect (engine, "notify", G_CALLBACK (note_thread), &elsewhere);
  g_signal_connect_swapped (engine, "notify::phase", G_CALLBACK (g_atomic_int_inc), &phases);

  wd_sync_engine_sync_async (engine, NULL, sync_finished, &error);
  /* Busy, as a window is while it lays out a long list: the worker
   * reports its push and pull meanwhile, and could take the loop. */
  g_usleep (G_USEC_PER_SEC / 2);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_cmpint (wd_sync_engine_get_state (engine), ==, WD_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpuint (phases, >, 0);
  g_assert_cmpuint (elsewhere, ==, 0);

  g_clear_object (&engine);
  client_close (&centre);
}

static void
test_engine_offline (void)
{
  Client centre;
  g_autoptr(WdSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  guint retry_in;

  client_open (&centre, "offline", "centre");
  /* Nothing listens on port 1. */
  g_assert_true (wd_sync_store_set (centre.store, "sync_server", "http://127.0.0.1:1", NULL));

  engine = wd_sync_engine_new (centre.path);
  wd_sync_engine_start (engine);
  while (wd_sync_engine_get_state (engine) == WD_SYNC_STATE_SIGNED_OUT
         || wd_sync_engine_get_state (engine) == WD_SYNC_STATE_SYNCING)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (wd_sync_engine_get_state (engine), ==, WD_SYNC_STATE_OFFLINE);
  g_assert_nonnull (strstr (wd_sync_engine_get_message (engine), "reach"));
  /* The first retry comes after about 15 s, give or take a quarter. */
  retry_in = wd_sync_engine_get_retry_in (engine);
  g_assert_cmpuint (retry_in, >=, 11);
  g_assert_cmpuint (retry_in, <=, 19);

  g_clear_object (&engine);
  client_close (&centre);
}

static char *
give_password (const char *server_url,
               const char *user,
               gpointer    data)
{
  guint *calls = data;

  (*calls)++;
  return g_strdup (g_hash_table_lookup (server.passwords, user));
}

static void
test_engine_signs_in_again (void)
{
  Client centre;
  g_autoptr(WdSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  guint calls = 0;

  client_open (&centre, "relogin", "centre");
  token = wd_sync_store_get (centre.store, "sync_token");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sql = g_strdup_printf ("UPDATE sessions SET expires_at = 1 WHERE token_hash = '%s'", hash);
  g_assert_cmpint (sqlite3_open (server.db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  engine = wd_sync_engine_new (centre.path);
  wd_sync_engine_set_password_func (engine, give_password, &calls, NULL);
  g_assert_true (engine_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_cmpint (wd_sync_engine_get_state (engine), ==, WD_SYNC_STATE_UP_TO_DATE);

  g_clear_object (&engine);
  client_close (&centre);
}

static void
assert_untrusted (WdSyncClient *client,
                  const GError *error,
                  const char   *fingerprint,
                  const char   *says)
{
  g_autofree char *presented = wd_sync_client_get_presented_fingerprint (client);

  g_assert_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNTRUSTED_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_nonnull (strstr (error->message, says));
  g_assert_cmpstr (presented, ==, fingerprint);
}

/* The fingerprint as someone might type it from a printout. */
static char *
typed_fingerprint (const char *fingerprint)
{
  g_autofree char *bare = g_strdelimit (g_ascii_strdown (fingerprint, -1), ":", ' ');

  return g_steal_pointer (&bare);
}

/* Runs python3 with args until the test ends; its first line names the
 * port it listens on ("port N"). NULL when python3 is not installed. */
static GSubprocess *
start_python_web (char       **base,
                  const char  *first,
                  ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *web;
  guint port = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "python3");
  g_ptr_array_add (argv, (gpointer) "-u");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  web = g_subprocess_newv ((const char * const *) argv->pdata,
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  if (web == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (web));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (strstr (line, "port "), "port %u", &port), ==, 1);
  *base = g_strdup_printf ("http://127.0.0.1:%u", port);
  return web;
}

static void
stop_python_web (GSubprocess *web)
{
  g_subprocess_force_exit (web);
  g_subprocess_wait (web, NULL, NULL);
  g_object_unref (web);
}

/* Something else answers at the address typed (a web server, a wrong
 * port; here python's http.server, which answers HTML, and 501 to a
 * POST): the sign-in names that address and says to check it, instead
 * of passing on the web server's bare HTTP reason phrase. */
static void
test_not_a_wudan_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  GSubprocess *web = start_python_web (&base, "-m", "http.server", "0", "--bind", "127.0.0.1",
                                       "--directory", client_dir, NULL);
  Client desk = { 0 };

  if (web == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  desk.path = g_build_filename (client_dir, "not-wudan.db", NULL);
  desk.store = wd_store_open (desk.path, &error);
  g_assert_no_error (error);
  desk.client = wd_sync_client_new (desk.store, &error);
  g_assert_no_error (error);
  g_assert_false (wd_sync_client_login (desk.client, base, "centre", "password", &error));
  g_assert_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, "check the server address"));
  g_clear_error (&error);
  g_assert_false (wd_sync_client_is_signed_in (desk.client));
  client_close (&desk);
  stop_python_web (web);
}

/* A reverse proxy in front of a server that is down answers 502 with a
 * page of its own: that is the network being down, not a wrong address.
 * The desk stays signed in, keeps what it queued, and sends it once the
 * server answers again. */
static void
test_proxy_of_a_server_down (void)
{
  static const char proxy[] =
    "import http.server\n"
    "class Down (http.server.BaseHTTPRequestHandler):\n"
    "    def answer (self):\n"
    "        self.rfile.read (int (self.headers.get ('Content-Length') or 0))\n"
    "        page = b'<html><body><h1>502 Bad Gateway</h1></body></html>'\n"
    "        self.send_response (502)\n"
    "        self.send_header ('Content-Type', 'text/html')\n"
    "        self.send_header ('Content-Length', str (len (page)))\n"
    "        self.end_headers ()\n"
    "        self.wfile.write (page)\n"
    "    do_GET = do_POST = answer\n"
    "    def log_message (self, *args):\n"
    "        pass\n"
    "web = http.server.HTTPServer (('127.0.0.1', 0), Down)\n"
    "print ('port', web.server_address[1])\n"
    "web.serve_forever ()\n";
  g_autofree char *json = order_json ("behind-the-proxy", "qianfoshan", 8, 9);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  GSubprocess *web = start_python_web (&base, "-c", proxy, NULL);
  Client desk;

  if (web == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  client_open (&desk, "behind-proxy", "centre");
  client_sync (&desk);
  json_object_unref (apply (&desk, "order.create", json));
  g_assert_true (wd_sync_store_set (desk.store, "sync_server", base, &error));

  g_assert_false (wd_sync_client_sync (desk.client, NULL, &error));
  g_assert_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "502"));
  g_clear_error (&error);
  g_assert_true (wd_sync_client_is_signed_in (desk.client));
  g_assert_cmpuint (wd_sync_store_count_pending (desk.store), ==, 1);

  g_assert_true (wd_sync_store_set (desk.store, "sync_server", server.base, &error));
  client_sync (&desk);
  g_assert_cmpuint (wd_sync_store_count_pending (desk.store), ==, 0);
  g_assert_cmpint (server_count ("SELECT count (*) FROM orders WHERE id = 'behind-the-proxy'"), ==, 1);
  client_close (&desk);
  stop_python_web (web);
}

/* Runs wudanctl with input on its standard input; its exit status. */
static int
run_ctl (const char  *input,
         char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("WUDANCTL"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  ctl = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDIN_PIPE
                           | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, input, NULL, out, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (ctl);
}

/* wudanctl's sign-in says what to compare and how to trust it. */
static void
ctl_trusts_certificate (WdTestServer *tls)
{
  g_autofree char *store = g_build_filename (client_dir, "ctl-certificate.db", NULL);
  g_autofree char *password = g_strconcat (g_hash_table_lookup (tls->passwords, "centre"), "\n", NULL);
  g_autofree char *refused = NULL;
  g_autofree char *said = NULL;
  g_autofree char *synced = NULL;
  g_autofree char *status = NULL;
  g_autofree char *status_err = NULL;

  g_assert_cmpint (run_ctl (password, NULL, &refused, "--store", store, "login", "--server", tls->base,
                            "--user", "centre", NULL), ==, 1);
  g_assert_nonnull (strstr (refused, tls->fingerprint));
  g_assert_nonnull (strstr (refused, "--trust"));
  g_assert_cmpint (run_ctl (password, NULL, &said, "--store", store, "login", "--server", tls->base,
                            "--user", "centre", "--trust", tls->fingerprint, NULL), ==, 0);
  g_assert_cmpint (run_ctl (NULL, NULL, &synced, "--store", store, "sync", NULL), ==, 0);
  /* An administrator can see what a desk trusts. */
  g_assert_cmpint (run_ctl (NULL, &status, &status_err, "--store", store, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (status, tls->fingerprint));
  for (const char * const *s = (const char * const[]) { "", "-wal", "-shm", "-users", NULL }; *s; s++)
    {
      g_autofree char *file = g_strconcat (store, *s, NULL);

      g_unlink (file);
    }
}

/* A district's server with a certificate of its own, which no authority
 * this computer knows signed: refused until its fingerprint is
 * confirmed, then trusted for every sync of that store; a certificate
 * replaced on the server is refused again, saying so. */
static void
test_certificate_of_its_own (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-cert-XXXXXX", NULL);
  g_autofree char *cert = NULL, *key = NULL, *other_cert = NULL, *other_key = NULL;
  g_autofree char *first = NULL;
  g_autofree char *typed = NULL;
  g_autoptr(GError) error = NULL;
  WdTestServer tls;
  Client desk = { 0 };

  if (!wd_test_make_certificate (dir, "district", &cert, &key)
      || !wd_test_make_certificate (dir, "replaced", &other_cert, &other_key))
    {
      g_test_skip ("openssl is not installed");
      wd_test_remove_tree (dir);
      return;
    }
  {
    const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    wd_test_server_start (&tls, NULL, args);
  }
  first = g_strdup (tls.fingerprint);
  typed = typed_fingerprint (first);

  desk.path = g_build_filename (client_dir, "own-certificate.db", NULL);
  desk.store = wd_store_open (desk.path, &error);
  g_assert_no_error (error);
  desk.client = wd_sync_client_new (desk.store, &error);
  g_assert_no_error (error);
  g_assert_false (wd_sync_client_login (desk.client, tls.base, "centre",
                                        g_hash_table_lookup (tls.passwords, "centre"), &error));
  assert_untrusted (desk.client, error, first, "does not trust");
  g_clear_error (&error);
  g_assert_false (wd_sync_client_is_signed_in (desk.client));

  /* A fingerprint that is not the server's changes nothing. */
  wd_sync_client_trust_certificate (desk.client, "00:11:22:33");
  g_assert_false (wd_sync_client_login (desk.client, tls.base, "centre",
                                        g_hash_table_lookup (tls.passwords, "centre"), &error));
  assert_untrusted (desk.client, error, first, "does not trust");
  g_clear_error (&error);

  wd_sync_client_trust_certificate (desk.client, typed);
  g_assert_true (wd_sync_client_login (desk.client, tls.base, "centre",
                                       g_hash_table_lookup (tls.passwords, "centre"), &error));
  g_assert_no_error (error);
  client_sync (&desk);
  g_assert_cmpint (count_orders (desk.store), >, 0);

  /* A wrong password on the trusted server is only that. */
  g_assert_false (wd_sync_client_login (desk.client, tls.base, "centre", "not-the-password", &error));
  g_assert_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_null (wd_sync_client_get_presented_fingerprint (desk.client));

  /* The next syncs are made by clients that were told nothing: the store
   * remembers the certificate. */
  g_clear_object (&desk.client);
  desk.client = wd_sync_client_new (desk.store, &error);
  g_assert_no_error (error);
  apply (&desk, "topic.upsert", "{\"id\":\"t-own\",\"name\":\"自有证书\"}");
  client_sync (&desk);
  g_assert_cmpint (wd_sync_store_count_pending (desk.store), ==, 0);

  /* The certificate replaced on the server, at the same address. */
  g_assert_true (g_rename (other_cert, cert) == 0 && g_rename (other_key, key) == 0);
  wd_test_server_restart (&tls, NULL);
  g_assert_cmpstr (tls.fingerprint, !=, first);
  g_clear_object (&desk.client);
  desk.client = wd_sync_client_new (desk.store, &error);
  g_assert_no_error (error);
  g_assert_false (wd_sync_client_sync (desk.client, NULL, &error));
  assert_untrusted (desk.client, error, tls.fingerprint, "not the one this computer trusted");
  g_clear_error (&error);

  wd_sync_client_trust_certificate (desk.client, tls.fingerprint);
  g_assert_true (wd_sync_client_login (desk.client, tls.base, "centre",
                                       g_hash_table_lookup (tls.passwords, "centre"), &error));
  g_assert_no_error (error);
  client_sync (&desk);

  /* Signing in to another server forgets the district's certificate. */
  {
    g_autofree char *pinned = wd_sync_store_get (desk.store, "sync_certificate");

    g_assert_nonnull (pinned);
    g_assert_true (wd_sync_client_login (desk.client, server.base, "centre",
                                         g_hash_table_lookup (server.passwords, "centre"), &error));
    g_assert_no_error (error);
    g_clear_pointer (&pinned, g_free);
    pinned = wd_sync_store_get (desk.store, "sync_certificate");
    g_assert_null (pinned);
  }

  client_close (&desk);
  ctl_trusts_certificate (&tls);
  wd_test_server_stop (&tls);
  wd_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("WUDAN_SERVER"));

  client_dir = g_dir_make_tmp ("wudan-sync-test-XXXXXX", NULL);
  wd_test_server_start (&server, NULL, NULL);

  g_test_add_func ("/sync/offline-edits", test_offline_edits);
  g_test_add_func ("/sync/speaker-photo", test_speaker_photo);
  g_test_add_func ("/sync/certificate-numbered-by-server", test_certificate_numbered_by_server);
  g_test_add_func ("/sync/conflict", test_conflict);
  g_test_add_func ("/sync/local-refusal-queues-nothing", test_local_refusal_queues_nothing);
  g_test_add_func ("/sync/upgrade-with-queued-work", test_upgrade_with_queued_work);
  g_test_add_func ("/sync/push-batches", test_push_batches);
  g_test_add_func ("/sync/lost-answer", test_lost_answer);
  g_test_add_func ("/sync/randomized-convergence", test_randomized_convergence);
  g_test_add_func ("/sync/engine", test_engine);
  g_test_add_func ("/sync/engine-syncs-again", test_engine_syncs_again);
  g_test_add_func ("/sync/engine-reports-on-its-thread", test_engine_reports_on_its_thread);
  g_test_add_func ("/sync/engine-offline", test_engine_offline);
  g_test_add_func ("/sync/engine-signs-in-again", test_engine_signs_in_again);
  g_test_add_func ("/sync/faults", test_faults);
  g_test_add_func ("/sync/server-clock", test_server_clock);
  g_test_add_func ("/sync/duplicated-requests", test_duplicated_requests);
  g_test_add_func ("/sync/snapshot-or-pages", test_snapshot_or_pages);
  g_test_add_func ("/sync/snapshot-beside-writes", test_snapshot_beside_writes);
  g_test_add_func ("/sync/snapshot-sync-killed", test_snapshot_sync_killed);
  g_test_add_func ("/sync/bad-snapshot", test_bad_snapshot);
  g_test_add_func ("/sync/reset-after-scope-change", test_reset_after_scope_change);
  g_test_add_func ("/sync/work-of-its-own-kept", test_work_of_its_own_kept);
  g_test_add_func ("/sync/client-killed", test_client_killed);
  g_test_add_func ("/sync/server-killed", test_server_killed);
  g_test_add_func ("/sync/another-account", test_another_account);
  g_test_add_func ("/sync/install-of-another-account", test_install_of_another_account);
  g_test_add_func ("/sync/copied-store", test_copied_store);
  g_test_add_func ("/sync/desk-restored-from-its-backup", test_desk_restored_from_its_backup);
  g_test_add_func ("/sync/problems-kept-apart", test_problems_kept_apart);
  g_test_add_func ("/sync/bad-pages", test_bad_pages);
  g_test_add_func ("/sync/restored-server", test_restored_server);
  g_test_add_func ("/sync/certificate-of-its-own", test_certificate_of_its_own);
  g_test_add_func ("/sync/not-a-wudan-server", test_not_a_wudan_server);
  g_test_add_func ("/sync/proxy-of-a-server-down", test_proxy_of_a_server_down);

  status = g_test_run ();
  wd_test_server_stop (&server);
  g_rmdir (client_dir);
  return status;
}
