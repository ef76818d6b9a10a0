/* test-server.c: wudan-server as a real process on loopback: every
 * endpoint, each way of failing to authenticate, each kind of bad input,
 * duplicate and gap pushes, and crashes between apply and answer. */
#include "config.h"

#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "wd-json.h"
#include "wd-test-server.h"
#include "wd-test-util.h"

static WdTestServer shared;

static JsonObject *
result_of (WdTestReply *reply,
           guint        index)
{
  JsonArray *results = json_object_get_array_member (wd_test_reply_object (reply), "results");

  return json_array_get_object_element (results, index);
}

static gint64
count_in (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Changes the served database from another connection, as an
 * administrator's sqlite3 shell would: the log's triggers still see it. */
static void
exec_in (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
db_count (WdTestServer *server,
          const char   *sql)
{
  return count_in (server->db, sql);
}

static void
test_health (void)
{
  g_autoptr(WdTestReply) reply = wd_test_request (&shared, "GET", "/api/v1/health", NULL, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (wd_test_reply_object (reply), "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (wd_test_reply_object (reply), "protocol"), ==, 1);
}

static guint
count_open_files (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
trust_tls_peer (GTlsConnection       *connection,
                GTlsCertificate      *certificate,
                GTlsCertificateFlags  errors,
                gpointer              data)
{
  return TRUE;
}

static void
on_socket_client_event (GSocketClient      *client,
                        GSocketClientEvent  event,
                        GSocketConnectable *connectable,
                        GIOStream          *connection,
                        gpointer            data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (trust_tls_peer), NULL);
}

/* Connects n times, asks for the health once on each connection and
 * hangs up (over TLS, with a close_notify first), then waits for the
 * server's open files to come back to what they were. */
static void
assert_dropped_connections_released (WdTestServer *server,
                                     guint         n)
{
  g_autoptr(GUri) uri = g_uri_parse (server->base, G_URI_FLAGS_NONE, NULL);
  gboolean tls = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0;
  guint before = count_open_files (server->process);
  guint after = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GSocketClient) connector = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: wudan\r\n\r\n";
      char answer[1024];
      gssize got;

      g_socket_client_set_enable_proxy (connector, FALSE);
      g_socket_client_set_tls (connector, tls);
      g_signal_connect (connector, "event", G_CALLBACK (on_socket_client_event), NULL);
      connection = g_socket_client_connect_to_host (connector, g_uri_get_host (uri), (guint16) g_uri_get_port (uri),
                                                    NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                 sizeof request - 1, NULL, NULL, &error);
      g_assert_no_error (error);
      got = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), answer,
                                 sizeof answer - 1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (got, >, 12);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }

  for (int wait = 0; wait < 100; wait++)
    {
      after = count_open_files (server->process);
      if (after <= before + 2)
        break;
      g_usleep (50000);
    }
  g_assert_cmpuint (after, <=, before + 2);
}

/* Clients that close a kept-alive connection give its descriptor back;
 * a server that kept them would stop accepting after a day of syncs. */
static void
test_closed_connections_released (void)
{
  assert_dropped_connections_released (&shared, 60);
}

static void
test_session (void)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(WdTestReply) me = wd_test_request (&shared, "GET", "/api/v1/me", token, NULL);
  g_autoptr(WdTestReply) wrong = wd_test_request (&shared, "POST", "/api/v1/session", NULL,
                                                  "{\"name\":\"centre\",\"password\":\"not-it-at-all\"}");
  g_autoptr(WdTestReply) nobody = wd_test_request (&shared, "POST", "/api/v1/session", NULL,
                                                   "{\"name\":\"nobody\",\"password\":\"whatever1\"}");
  g_autoptr(WdTestReply) missing = wd_test_request (&shared, "POST", "/api/v1/session", NULL,
                                                    "{\"name\":\"centre\"}");
  g_autoptr(WdTestReply) broken = wd_test_request (&shared, "POST", "/api/v1/session", NULL, "{\"name\":");
  g_autoptr(WdTestReply) logout = NULL;
  g_autoptr(WdTestReply) after = NULL;

  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (wd_test_reply_object (me), "role"), ==, "centre");
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpstr (wd_test_reply_code (wrong), ==, "bad-credentials");
  g_assert_cmpuint (nobody->status, ==, 401);
  g_assert_cmpuint (missing->status, ==, 400);
  g_assert_nonnull (strstr (json_object_get_string_member (wd_test_reply_object (missing), "message"), "password"));
  g_assert_cmpuint (broken->status, ==, 400);
  g_assert_cmpstr (wd_test_reply_code (broken), ==, "invalid-json");

  logout = wd_test_request (&shared, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (logout->status, ==, 200);
  after = wd_test_request (&shared, "GET", "/api/v1/me", token, NULL);
  g_assert_cmpuint (after->status, ==, 401);
}

static void
test_auth_failures (void)
{
  g_autofree char *token = wd_test_login (&shared, "office");
  g_autoptr(WdTestReply) none = wd_test_request (&shared, "GET", "/api/v1/pull?client_id=a1", NULL, NULL);
  g_autoptr(WdTestReply) bad = wd_test_request (&shared, "GET", "/api/v1/pull?client_id=a1", "forged-token", NULL);
  g_autoptr(WdTestReply) no_push = wd_test_request (&shared, "POST", "/api/v1/push", NULL, "{}");
  g_autoptr(WdTestReply) expired = NULL;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_autofree char *sql = g_strdup_printf ("UPDATE sessions SET expires_at = 1 WHERE token_hash = '%s'", hash);
  sqlite3 *db = NULL;

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpstr (wd_test_reply_code (none), ==, "unauthorized");
  g_assert_cmpuint (bad->status, ==, 401);
  g_assert_cmpuint (no_push->status, ==, 401);

  /* The session runs out: the same token is refused. */
  g_assert_cmpint (sqlite3_open (shared.db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  expired = wd_test_request (&shared, "GET", "/api/v1/me", token, NULL);
  g_assert_cmpuint (expired->status, ==, 401);
}

/* Every change a pull from zero brings the account, page by page. */
static JsonArray *
pull_from_zero (WdTestServer *server,
                const char   *token,
                const char   *client_id)
{
  JsonArray *all = json_array_new ();
  gint64 cursor = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/pull?client_id=%s&since=%" G_GINT64_FORMAT "&limit=500",
                                               client_id, cursor);
      g_autoptr(WdTestReply) page = wd_test_request (server, "GET", path, token, NULL);
      JsonObject *reply = wd_test_reply_object (page);
      JsonArray *changes = json_object_get_array_member (reply, "changes");

      g_assert_cmpuint (page->status, ==, 200);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));
      cursor = json_object_get_int_member (reply, "cursor");
      more = json_object_get_boolean_member (reply, "more");
    }
  return all;
}

static void
test_roles_and_scope (void)
{
  g_autofree char *office = wd_test_login (&shared, "office");
  g_autofree char *centre = wd_test_login (&shared, "centre");
  g_autoptr(JsonObject) own = wd_test_order_args ("scope-own", "qianfoshan", 5);
  g_autoptr(JsonObject) other = wd_test_order_args ("scope-other", "dianliu", 5);
  g_autoptr(JsonObject) dispatch = wd_json_parse_object (
      "{\"order_id\":\"scope-own\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"speaker-0001\"}", -1, NULL);
  const char *office_kinds[] = { "order.create", "order.create", "order.dispatch" };
  JsonObject *office_args[] = { own, other, dispatch };
  g_autofree char *body = wd_test_push_body ("scope-office", 1, 3, office_kinds, office_args);
  g_autoptr(WdTestReply) pushed = wd_test_request (&shared, "POST", "/api/v1/push", office, body);
  g_autoptr(JsonArray) changes = NULL;
  guint orders = 0, speakers = 0;

  g_assert_cmpuint (pushed->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result_of (pushed, 0), "status"), ==, "applied");
  /* Another sub-district's order, and dispatching: not for an office. */
  g_assert_cmpstr (json_object_get_string_member (result_of (pushed, 1), "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result_of (pushed, 1), "code"), ==, "forbidden");
  g_assert_cmpstr (json_object_get_string_member (result_of (pushed, 2), "code"), ==, "forbidden");
  g_assert_cmpint (json_object_get_int_member (wd_test_reply_object (pushed), "last_seq"), ==, 3);

  /* Everything the office pulls is its own sub-district's, and no
   * speaker's phone number comes through whole. */
  changes = pull_from_zero (&shared, office, "scope-office");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *entity = json_object_get_string_member (change, "entity");
      JsonObject *row = json_object_get_object_member (change, "row");

      g_assert_true (row != NULL || json_object_get_boolean_member (change, "deleted"));
      if (row == NULL)
        continue;
      if (g_str_equal (entity, "order"))
        {
          g_assert_cmpstr (json_object_get_string_member (row, "subdistrict_id"), ==, "qianfoshan");
          orders++;
        }
      if (g_str_equal (entity, "speaker"))
        {
          g_assert_nonnull (strstr (json_object_get_string_member (row, "phone"), "****"));
          speakers++;
        }
      g_assert_false (g_str_equal (entity, "fund") || g_str_equal (entity, "reward_period"));
    }
  g_assert_cmpuint (orders, >, 10);
  g_assert_cmpuint (speakers, >=, 130);

  /* The centre sees the phone numbers. */
  {
    g_autoptr(WdTestReply) page = wd_test_request (&shared, "GET", "/api/v1/pull?client_id=scope-centre&limit=5000",
                                                   centre, NULL);

    g_assert_null (strstr (page->text, "****"));
  }
}

static void
test_team_scope (void)
{
  g_autofree char *team = wd_test_login (&shared, "team");
  g_autoptr(WdTestReply) page = wd_test_request (&shared, "GET", "/api/v1/pull?client_id=team-1&limit=5000",
                                                 team, NULL);
  JsonArray *changes = json_object_get_array_member (wd_test_reply_object (page), "changes");
  guint own = 0;

  g_assert_cmpuint (page->status, ==, 200);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "entity"), "order")
          && json_object_has_member (change, "row"))
        {
          JsonObject *row = json_object_get_object_member (change, "row");

          g_assert_cmpstr (json_object_get_string_member (row, "assignee_id"), ==, "team-02");
          own++;
        }
      g_assert_false (g_str_equal (json_object_get_string_member (change, "entity"), "callback"));
    }
  g_assert_cmpuint (own, >, 0);
}

/* Fetches a snapshot and keeps it in a file; returns its path. */
static char *
fetch_snapshot_as (WdTestServer *server,
                   const char   *token,
                   const char   *client_id,
                   const char   *format,
                   WdTestReply **reply_out)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/snapshot?client_id=%s%s", client_id, format ? format : "");
  g_autoptr(WdTestReply) reply = wd_test_request (server, "GET", path, token, NULL);
  g_autoptr(GError) error = NULL;
  char *file = NULL;
  int fd;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "application/vnd.sqlite3");
  fd = g_file_open_tmp ("wudan-test-snapshot-XXXXXX.db", &file, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (file, g_bytes_get_data (reply->bytes, NULL), (gssize) g_bytes_get_size (reply->bytes), &error);
  g_assert_no_error (error);
  if (reply_out != NULL)
    *reply_out = g_steal_pointer (&reply);
  return file;
}

/* A first sync's snapshot holds what a pull from zero would: the office's
 * own orders and what hangs on them, speakers' phones masked, no funds,
 * no rewards, none of the server's own tables; the centre's holds it all. */
static char *
fetch_snapshot (WdTestServer *server,
                const char   *token,
                const char   *client_id,
                WdTestReply **reply_out)
{
  return fetch_snapshot_as (server, token, client_id, NULL, reply_out);
}

/* How many rows of each entity a pull from zero brings the account. */
static GHashTable *
pulled_counts (WdTestServer *server,
               const char   *token,
               const char   *client_id)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonArray) changes = pull_from_zero (server, token, client_id);

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *entity = json_object_get_string_member (change, "entity");

      if (json_object_has_member (change, "row"))
        g_hash_table_insert (counts, g_strdup (entity),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, entity)) + 1));
    }
  return counts;
}

/* A snapshot holds every row of these entities a pull from zero brings,
 * and no other. */
static void
assert_snapshot_as_pulled (const char *snapshot,
                           GHashTable *pulled)
{
  static const char * const entities[][2] = {
    { "order", "orders" }, { "rating", "ratings" }, { "callback", "callbacks" },
    { "history", "history" }, { "certificate", "certificates" }, { "speaker", "speakers" },
    { "team", "teams" }, { "fund", "funds" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", entities[i][1]);

      g_test_message ("%s", entities[i][0]);
      g_assert_cmpint (count_in (snapshot, sql), ==,
                       GPOINTER_TO_UINT (g_hash_table_lookup (pulled, entities[i][0])));
    }
}

/* Issues, from the desk client, a service record certificate to a team
 * for all it has done; returns the operation's result. */
static JsonObject *
certify_team (const char *client,
              const char *team_id,
              const char *purpose)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(GTimeZone) district = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) now = g_date_time_new_now (district);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(JsonObject) issue = json_object_new ();
  const char *kinds[] = { "certificate.issue" };
  g_autofree char *body = NULL;
  g_autoptr(WdTestReply) pushed = NULL;

  json_object_set_string_member (issue, "holder_kind", "team");
  json_object_set_string_member (issue, "holder_id", team_id);
  json_object_set_string_member (issue, "from", "2000-01-01");
  json_object_set_string_member (issue, "to", today);
  if (purpose != NULL)
    json_object_set_string_member (issue, "purpose", purpose);
  body = wd_test_push_body (client, 1, 1, kinds, &issue);
  pushed = wd_test_request (&shared, "POST", "/api/v1/push", token, body);
  g_assert_cmpuint (pushed->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result_of (pushed, 0), "status"), ==, "applied");
  return json_object_ref (json_object_get_object_member (result_of (pushed, 0), "result"));
}

static void
test_snapshot (void)
{
  g_autofree char *office = wd_test_login (&shared, "office");
  g_autofree char *centre = wd_test_login (&shared, "centre");
  g_autofree char *team = wd_test_login (&shared, "team");
  g_autoptr(WdTestReply) reply = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *all = NULL;
  g_autofree char *theirs = NULL;
  g_autoptr(GHashTable) office_pulls = NULL;
  g_autoptr(GHashTable) team_pulls = NULL;
  gint64 cursor;

  json_object_unref (certify_team ("certify-team-02", "team-02", NULL));
  json_object_unref (certify_team ("certify-team-01", "team-01", NULL));
  mine = fetch_snapshot (&shared, office, "snap-office", &reply);
  all = fetch_snapshot (&shared, centre, "snap-centre", NULL);
  theirs = fetch_snapshot (&shared, team, "snap-team", NULL);
  cursor = g_ascii_strtoll (soup_message_headers_get_one (reply->headers, "Wudan-Cursor"), NULL, 10);
  office_pulls = pulled_counts (&shared, office, "snap-office-pull");
  team_pulls = pulled_counts (&shared, team, "snap-team-pull");
  assert_snapshot_as_pulled (mine, office_pulls);
  assert_snapshot_as_pulled (theirs, team_pulls);


  g_assert_cmpint (cursor, ==, db_count (&shared, "SELECT max (seq) FROM changes"));
  g_assert_cmpint (count_in (mine, "SELECT value FROM snapshot WHERE key = 'cursor'"), ==, cursor);
  g_assert_cmpint (count_in (mine, "SELECT value FROM snapshot WHERE key = 'protocol'"), ==, 1);
  /* On loopback nothing is worth compressing. */
  g_assert_null (soup_message_headers_get_one (reply->headers, "Content-Encoding"));

  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM orders"), ==,
                   db_count (&shared, "SELECT count (*) FROM orders WHERE subdistrict_id = 'qianfoshan'"));
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM orders"), >, 10);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM history"
                                   " WHERE entity_id NOT IN (SELECT id FROM orders)"), ==, 0);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM ratings WHERE order_id NOT IN (SELECT id FROM orders)"),
                   ==, 0);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM speakers"), ==,
                   db_count (&shared, "SELECT count (*) FROM speakers"));
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM speakers WHERE phone NOT LIKE '%****%'"), ==, 0);
  g_assert_cmpint (count_in (mine, "SELECT (SELECT count (*) FROM funds) + (SELECT count (*) FROM fund_ledger)"
                                   " + (SELECT count (*) FROM reward_periods)"), ==, 0);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM meta WHERE key NOT IN ('district_name', 'accept_hours',"
                                   " 'callback_rate_percent', 'reward_rules', 'time_zone')"), ==, 0);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM sqlite_schema"
                                   " WHERE name IN ('users', 'sessions', 'changes', 'clients', 'op_results')"), ==, 0);

  g_assert_cmpint (count_in (all, "SELECT count (*) FROM orders"), ==, db_count (&shared, "SELECT count (*) FROM orders"));
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM history"), ==,
                   db_count (&shared, "SELECT count (*) FROM history"));
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM speakers WHERE phone LIKE '%****%'"), ==, 0);
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM funds"), >, 0);

  g_assert_cmpint (count_in (theirs, "SELECT count (*) FROM orders"), >, 0);
  g_assert_cmpint (count_in (theirs, "SELECT count (*) FROM orders WHERE assignee_id IS NOT 'team-02'"), ==, 0);
  g_assert_cmpint (count_in (theirs, "SELECT count (*) FROM callbacks"), ==, 0);
  g_assert_cmpint (count_in (theirs, "SELECT count (*) FROM certificates WHERE holder_id = 'team-02'"), ==, 1);
  g_assert_cmpint (count_in (theirs, "SELECT count (*) FROM certificates"), ==, 1);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM callbacks"), >, 0);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM ratings"), >, 0);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM certificates"), ==, 0);

  g_unlink (mine);
  g_unlink (all);
  g_unlink (theirs);
}

/* A client alone on its store asks for the whole store it would have
 * after a first sync: the same schema as its own, indexes and search
 * index built, still only what the account may see and none of the
 * server's own tables. It is kept for the next first sync of the same
 * scope; one of another schema gets the tables. */
static void
test_snapshot_store (void)
{
  WdTestServer server;
  g_autofree char *centre = NULL;
  g_autofree char *office = NULL;
  g_autofree char *format = NULL;
  g_autofree char *older = NULL;
  g_autofree char *all = NULL, *again = NULL, *mine = NULL, *tables = NULL;
  g_autoptr(WdTestReply) first = NULL;
  g_autoptr(WdTestReply) second = NULL;
  g_autoptr(JsonObject) order = wd_test_order_args ("after-store", "dongguan", 6);
  const char *kinds[] = { "order.create" };
  g_autofree char *body = wd_test_push_body ("store-push", 1, 1, kinds, (JsonObject *[]) { order });
  g_autoptr(WdTestReply) pushed = NULL;
  g_autofree char *log = NULL;
  int version;

  wd_test_server_start (&server, NULL, NULL);
  /* The centre's store is made as the server starts. */
  for (int tries = 0; tries < 300; tries++)
    {
      g_autofree char *so_far = wd_test_server_log (&server);

      if (strstr (so_far, "Ready for first syncs (everything)") != NULL)
        break;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  centre = wd_test_login (&server, "centre");
  office = wd_test_login (&server, "office");
  {
    g_autofree char *db = g_strdup (server.db);

    version = (int) count_in (db, "SELECT user_version FROM pragma_user_version");
  }
  format = g_strdup_printf ("&format=store&schema=%d", version);
  older = g_strdup_printf ("&format=store&schema=%d", version - 1);

  all = fetch_snapshot_as (&server, centre, "store-centre", format, &first);
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM snapshot WHERE key = 'format' AND value = 'store'"), ==, 1);
  g_assert_cmpint (count_in (all, "SELECT user_version FROM pragma_user_version"), ==, version);
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM orders"), ==, db_count (&server, "SELECT count (*) FROM orders"));
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM orders_fts_docsize"), ==, db_count (&server, "SELECT count (*) FROM orders"));
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM sqlite_schema WHERE name = 'orders_by_state'"), ==, 1);
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM sqlite_schema"
                                  " WHERE name IN ('users', 'sessions', 'changes', 'clients', 'op_results')"), ==, 0);
  g_assert_cmpint (count_in (all, "SELECT count (*) FROM meta WHERE key NOT IN ('district_name', 'accept_hours',"
                                  " 'callback_rate_percent', 'reward_rules', 'time_zone')"), ==, 0);

  /* Kept: the next first sync of the scope gets the same store, behind
   * the log by what changed since, which its pull brings. */
  pushed = wd_test_request (&server, "POST", "/api/v1/push", centre, body);
  g_assert_cmpuint (pushed->status, ==, 200);
  again = fetch_snapshot_as (&server, centre, "store-centre-2", format, &second);
  g_assert_cmpstr (soup_message_headers_get_one (second->headers, "Wudan-Cursor"), ==,
                   soup_message_headers_get_one (first->headers, "Wudan-Cursor"));
  g_assert_cmpint (g_ascii_strtoll (soup_message_headers_get_one (second->headers, "Wudan-Cursor"), NULL, 10), <,
                   db_count (&server, "SELECT max (seq) FROM changes"));
  g_assert_cmpint (count_in (again, "SELECT count (*) FROM orders WHERE id = 'after-store'"), ==, 0);

  /* Another scope has a store of its own: the office's orders only. */
  mine = fetch_snapshot_as (&server, office, "store-office", format, NULL);
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM orders"), ==,
                   db_count (&server, "SELECT count (*) FROM orders WHERE subdistrict_id = 'qianfoshan'"));
  g_assert_cmpint (count_in (mine, "SELECT count (*) FROM speakers WHERE phone NOT LIKE '%****%'"), ==, 0);

  /* A client of another schema gets the tables to copy. */
  tables = fetch_snapshot_as (&server, office, "store-office-old", older, NULL);
  g_assert_cmpint (count_in (tables, "SELECT count (*) FROM snapshot WHERE key = 'format' AND value = 'tables'"), ==, 1);
  g_assert_cmpint (count_in (tables, "SELECT count (*) FROM sqlite_schema WHERE name = 'orders_fts'"), ==, 0);

  log = wd_test_server_log (&server);
  g_assert_nonnull (strstr (log, "Ready for first syncs (everything)"));
  for (const char * const *f = (const char * const[]) { all, again, mine, tables, NULL }; *f; f++)
    g_unlink (*f);
  wd_test_server_stop (&server);
}

static void
test_snapshot_refusals (void)
{
  g_autofree char *office = wd_test_login (&shared, "office");
  g_autofree char *centre = wd_test_login (&shared, "centre");
  g_autoptr(WdTestReply) anonymous = wd_test_request (&shared, "GET", "/api/v1/snapshot?client_id=s1", NULL, NULL);
  g_autoptr(WdTestReply) no_client = wd_test_request (&shared, "GET", "/api/v1/snapshot", office, NULL);
  g_autoptr(WdTestReply) posted = wd_test_request (&shared, "POST", "/api/v1/snapshot?client_id=s1", office, "{}");
  g_autoptr(WdTestReply) old = wd_test_request_raw (&shared, "GET", "/api/v1/snapshot?client_id=s1", office,
                                                    NULL, 0, "99");
  g_autoptr(WdTestReply) taken = NULL;
  g_autofree char *first = fetch_snapshot (&shared, office, "snap-owned", NULL);

  g_assert_cmpuint (anonymous->status, ==, 401);
  g_assert_cmpuint (no_client->status, ==, 400);
  g_assert_cmpstr (wd_test_reply_code (no_client), ==, "invalid-argument");
  g_assert_cmpuint (posted->status, ==, 405);
  g_assert_cmpuint (old->status, ==, 400);
  /* Another account's install id: refused, as by pull. */
  taken = wd_test_request (&shared, "GET", "/api/v1/snapshot?client_id=snap-owned", centre, NULL);
  g_assert_cmpuint (taken->status, ==, 409);
  g_assert_cmpstr (wd_test_reply_code (taken), ==, "seq-reused");
  g_unlink (first);
}

/* --compress always: what goes out is gzip, and still the same database. */
static void
test_snapshot_compressed (void)
{
  static const char * const args[] = { "--compress", "always", NULL };
  WdTestServer gz;
  g_autofree char *token = NULL;
  g_autofree char *file = NULL;
  g_autoptr(WdTestReply) reply = NULL;
  g_autoptr(WdTestReply) page = NULL;

  wd_test_server_start (&gz, NULL, args);
  token = wd_test_login (&gz, "centre");
  file = fetch_snapshot (&gz, token, "gz-1", &reply);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpint (count_in (file, "SELECT count (*) FROM orders"), ==, db_count (&gz, "SELECT count (*) FROM orders"));
  page = wd_test_request (&gz, "GET", "/api/v1/pull?client_id=gz-1&since=0&limit=100", token, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (page->headers, "Content-Encoding"), ==, "gzip");
  g_unlink (file);
  wd_test_server_stop (&gz);
}

/* A server killed while making a snapshot leaves its file in the
 * temporary folder; the next start removes it once it is a day old, and
 * leaves alone one that may be another server's in the making. */
static void
test_stale_snapshots_removed (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("wudan-test-tmp-XXXXXX", NULL);
  g_autofree char *old = g_build_filename (tmp, "wudan-snapshot-OLD123.db", NULL);
  g_autofree char *recent = g_build_filename (tmp, "wudan-snapshot-NEW123.db", NULL);
  g_autofree char *other = g_build_filename (tmp, "someone-else.db", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("TMPDIR"));
  struct utimbuf two_days_ago = { time (NULL) - 2 * 86400, time (NULL) - 2 * 86400 };
  WdTestServer server;

  for (const char * const *f = (const char * const[]) { old, recent, other, NULL }; *f; f++)
    g_assert_true (g_file_set_contents (*f, "x", 1, NULL));
  g_assert_cmpint (utime (old, &two_days_ago), ==, 0);
  g_assert_cmpint (utime (other, &two_days_ago), ==, 0);

  g_setenv ("TMPDIR", tmp, TRUE);
  wd_test_server_start (&server, NULL, NULL);
  if (saved != NULL)
    g_setenv ("TMPDIR", saved, TRUE);
  else
    g_unsetenv ("TMPDIR");

  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (recent, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  wd_test_server_stop (&server);
  g_unlink (recent);
  g_unlink (other);
  g_rmdir (tmp);
}

static void
expect_bad (WdTestReply *reply,
            guint        status,
            const char  *code)
{
  if (reply->status != status || !g_str_equal (wd_test_reply_code (reply), code))
    g_error ("expected %u %s, got %u %s", status, code, reply->status, reply->text);
  g_assert_cmpuint (strlen (json_object_get_string_member (wd_test_reply_object (reply), "message")), >, 10);
}

static void
test_bad_input (void)
{
  static const struct { const char *body; const char *code; } cases[] = {
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":", "malformed" },
    { "[1,2,3]", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":{}}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":[{\"seq\":\"1\",\"op_id\":\"x\",\"kind\":\"order.create\",\"args\":{}}]}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":[{\"seq\":1,\"kind\":\"order.create\",\"args\":{}}]}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":[{\"seq\":1,\"op_id\":\"x\",\"kind\":\"order.create\",\"args\":[]}]}", "malformed" },
    { "{\"protocol\":1,\"ops\":[]}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad 1\",\"ops\":[]}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":[],\"extra\":1}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"\xff\xfe\",\"ops\":[]}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"x\\u0000y\",\"ops\":[]}", "malformed" },
    { "{\"protocol\":2,\"client_id\":\"bad-1\",\"ops\":[]}", "unsupported-protocol" },
    { "{\"client_id\":\"bad-1\",\"ops\":[]}", "malformed" },
    { "{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":[{\"seq\":1,\"op_id\":\"a\",\"kind\":\"k\",\"args\":{}},"
      "{\"seq\":3,\"op_id\":\"b\",\"kind\":\"k\",\"args\":{}}]}", "malformed" },
  };
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(GString) deep = g_string_new ("{\"protocol\":1,\"client_id\":\"bad-1\",\"ops\":");
  gint64 before = db_count (&shared, "SELECT max (seq) FROM changes");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(WdTestReply) reply = wd_test_request_raw (&shared, "POST", "/api/v1/push", token,
                                                          cases[i].body, strlen (cases[i].body), NULL);

      expect_bad (reply, 400, cases[i].code);
    }

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(WdTestReply) reply = wd_test_request_raw (&shared, "POST", "/api/v1/push", token,
                                                        deep->str, deep->len, NULL);
    g_autoptr(WdTestReply) header = wd_test_request_raw (&shared, "GET", "/api/v1/pull?client_id=bad-1", token,
                                                         NULL, 0, "7");
    g_autoptr(WdTestReply) future = wd_test_request (&shared, "GET", "/api/v1/pull?client_id=bad-1&since=999999999",
                                                     token, NULL);
    g_autoptr(WdTestReply) limit = wd_test_request (&shared, "GET", "/api/v1/pull?client_id=bad-1&limit=0",
                                                    token, NULL);
    g_autoptr(WdTestReply) no_client = wd_test_request (&shared, "GET", "/api/v1/pull", token, NULL);
    g_autoptr(WdTestReply) unknown_kind = NULL;
    g_autoptr(JsonObject) empty = json_object_new ();
    const char *kinds[] = { "order.teleport" };
    JsonObject *args[] = { empty };
    g_autofree char *body = wd_test_push_body ("bad-2", 1, 1, kinds, args);

    expect_bad (reply, 400, "malformed");
    expect_bad (header, 400, "unsupported-protocol");
    expect_bad (future, 400, "bad-cursor");
    expect_bad (limit, 400, "invalid-argument");
    expect_bad (no_client, 400, "invalid-argument");

    /* An unknown operation is that operation's refusal, not the push's. */
    unknown_kind = wd_test_request (&shared, "POST", "/api/v1/push", token, body);
    g_assert_cmpuint (unknown_kind->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (result_of (unknown_kind, 0), "code"), ==, "unknown-operation");
  }

  /* Nothing of it changed any data. */
  g_assert_cmpint (db_count (&shared, "SELECT max (seq) FROM changes"), ==, before);
}

/* Seeded mutations of a good push (bytes erased, replaced or cut off,
 * JSON syntax put in): each is answered as a push (200, every operation
 * applied or refused with a reason) or refused whole with a code and a
 * message a person can act on, never a server error; a push refused
 * whole changes nothing, and the server stays up. */
static void
test_fuzz_push (void)
{
  static const char push[] =
    "{\"protocol\":1,\"client_id\":\"fuzz-%1$u-%2$d\",\"ops\":["
    "{\"seq\":1,\"op_id\":\"fuzz-%1$u-%2$d-1\",\"kind\":\"topic.upsert\","
    "\"args\":{\"id\":\"fuzz-topic\",\"name\":\"模糊测试\",\"description\":\"临时\"}},"
    "{\"seq\":2,\"op_id\":\"fuzz-%1$u-%2$d-2\",\"kind\":\"order.create\","
    "\"args\":{\"title\":\"讲座\",\"topic_id\":\"law\",\"subdistrict_id\":\"qianfoshan\","
    "\"venue\":\"社区活动室\",\"venue_kind\":\"community\",\"starts_at\":\"2027-03-01T09:00+08:00\","
    "\"ends_at\":\"2027-03-01T11:00+08:00\",\"requester\":\"社区\",\"contact_name\":\"刘洋\","
    "\"contact_phone\":\"13912340000\"}}]}";
  guint32 seed = wd_test_fuzz_seed ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *token = wd_test_login (&shared, "centre");
  guint answered = 0, refused = 0;

  g_test_message ("push fuzz seed %u (WUDAN_FUZZ_SEED=%u reproduces it)", seed, seed);
  for (int i = 0; i < 300; i++)
    {
      g_autofree char *body = g_strdup_printf (push, seed, i);
      g_autofree char *mutated = wd_test_mutate (rand, body);
      gint64 before = db_count (&shared, "SELECT coalesce (max (seq), 0) FROM changes");
      g_autoptr(WdTestReply) reply = wd_test_request_raw (&shared, "POST", "/api/v1/push", token,
                                                          mutated, strlen (mutated), NULL);
      JsonObject *answer = wd_test_reply_object (reply);

      if (reply->status == 200)
        {
          JsonArray *results = json_object_get_array_member (answer, "results");

          for (guint k = 0; k < json_array_get_length (results); k++)
            {
              JsonObject *result = json_array_get_object_element (results, k);
              const char *status = json_object_get_string_member (result, "status");

              g_assert_true (g_str_equal (status, "applied") || g_str_equal (status, "rejected"));
              if (g_str_equal (status, "rejected"))
                g_assert_cmpuint (strlen (json_object_get_string_member (result, "message")), >, 10);
            }
          answered++;
          continue;
        }
      if (reply->status < 400 || reply->status >= 500)
        g_error ("seed %u, push %d: %u for %s", seed, i, reply->status, mutated);
      g_assert_cmpuint (strlen (wd_test_reply_code (reply)), >, 0);
      g_assert_cmpuint (strlen (json_object_get_string_member (answer, "message")), >, 10);
      g_assert_cmpint (db_count (&shared, "SELECT coalesce (max (seq), 0) FROM changes"), ==, before);
      refused++;
    }
  g_test_message ("%u pushes answered, %u refused whole", answered, refused);
  g_assert_cmpuint (answered, >, 0);
  g_assert_cmpuint (refused, >, 0);
  {
    g_autoptr(WdTestReply) health = wd_test_request (&shared, "GET", "/api/v1/health", NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }
}

static void
test_body_limit (void)
{
  static const char * const args[] = { "--max-body", "4096", NULL };
  WdTestServer small;
  g_autoptr(GString) big = g_string_new ("{\"protocol\":1,\"client_id\":\"big\",\"ops\":[],\"pad\":\"");
  g_autofree char *token = NULL;
  g_autoptr(WdTestReply) reply = NULL;

  wd_test_server_start (&small, NULL, args);
  token = wd_test_login (&small, "centre");
  while (big->len < 8192)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  reply = wd_test_request_raw (&small, "POST", "/api/v1/push", token, big->str, big->len, NULL);
  g_assert_cmpuint (reply->status, ==, 413);
  g_assert_cmpstr (wd_test_reply_code (reply), ==, "too-large");
  wd_test_server_stop (&small);
}

static void
test_duplicate_and_gap (void)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(JsonObject) a = wd_test_order_args ("dup-a", "dongguan", 6);
  g_autoptr(JsonObject) b = wd_test_order_args ("dup-b", "dongguan", 7);
  g_autoptr(JsonObject) c = wd_test_order_args ("dup-c", "dongguan", 8);
  const char *kinds[] = { "order.create", "order.create", "order.create" };
  JsonObject *args[] = { a, b, c };
  g_autofree char *first = wd_test_push_body ("dup-client", 1, 2, kinds, args);
  g_autofree char *overlap = wd_test_push_body ("dup-client", 2, 2, kinds + 1, args + 1);
  g_autofree char *gap = wd_test_push_body ("dup-client", 7, 1, kinds, args);
  g_autoptr(WdTestReply) r1 = wd_test_request (&shared, "POST", "/api/v1/push", token, first);
  g_autoptr(WdTestReply) r2 = wd_test_request (&shared, "POST", "/api/v1/push", token, first);
  g_autoptr(WdTestReply) r3 = wd_test_request (&shared, "POST", "/api/v1/push", token, overlap);
  g_autoptr(WdTestReply) r4 = wd_test_request (&shared, "POST", "/api/v1/push", token, gap);
  g_autoptr(WdTestReply) r5 = NULL;
  g_autofree char *reused = NULL;

  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpuint (r2->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (result_of (r2, 0), "duplicate"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result_of (r2, 0), "result"),
                                                  "number"), ==,
                   json_object_get_string_member (json_object_get_object_member (result_of (r1, 0), "result"),
                                                  "number"));
  /* A resent queue: the first is a duplicate, the next is new. */
  g_assert_true (json_object_get_boolean_member (result_of (r3, 0), "duplicate"));
  g_assert_false (json_object_has_member (result_of (r3, 1), "duplicate"));
  g_assert_cmpint (json_object_get_int_member (wd_test_reply_object (r3), "last_seq"), ==, 3);

  g_assert_cmpuint (r4->status, ==, 409);
  g_assert_cmpstr (wd_test_reply_code (r4), ==, "gap");
  g_assert_cmpint (json_object_get_int_member (wd_test_reply_object (r4), "last_seq"), ==, 3);

  /* Number 1 again, for a different operation. */
  reused = wd_test_push_body ("dup-client", 1, 1, kinds + 2, args + 2);
  {
    g_autoptr(GString) text = g_string_new (reused);

    g_string_replace (text, "dup-client-op-1", "another-op", 0);
    r5 = wd_test_request (&shared, "POST", "/api/v1/push", token, text->str);
  }
  g_assert_cmpuint (r5->status, ==, 409);
  g_assert_cmpstr (wd_test_reply_code (r5), ==, "seq-reused");

  /* The same operations under another install's numbers (a copy of a
   * desk's store renumbers its queue): applied once, answered as then,
   * under the numbers they came with; a new one after them applies. */
  {
    g_autoptr(JsonObject) d = wd_test_order_args ("dup-d", "dongguan", 9);
    JsonObject *copy_args[] = { a, b, d };
    g_autofree char *renumbered = wd_test_push_body ("dup-copy", 1, 3, kinds, copy_args);
    g_autoptr(GString) text = g_string_new (renumbered);
    g_autoptr(WdTestReply) r6 = NULL;
    g_autoptr(WdTestReply) r7 = NULL;

    g_string_replace (text, "dup-copy-op-1", "dup-client-op-1", 0);
    g_string_replace (text, "dup-copy-op-2", "dup-client-op-2", 0);
    r6 = wd_test_request (&shared, "POST", "/api/v1/push", token, text->str);
    g_assert_cmpuint (r6->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (result_of (r6, 0), "duplicate"));
    g_assert_cmpint (json_object_get_int_member (result_of (r6, 0), "seq"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result_of (r6, 0), "result"),
                                                    "number"), ==,
                     json_object_get_string_member (json_object_get_object_member (result_of (r1, 0), "result"),
                                                    "number"));
    g_assert_true (json_object_get_boolean_member (result_of (r6, 1), "duplicate"));
    g_assert_cmpint (json_object_get_int_member (result_of (r6, 1), "seq"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (result_of (r6, 2), "status"), ==, "applied");
    g_assert_false (json_object_has_member (result_of (r6, 2), "duplicate"));
    g_assert_cmpint (json_object_get_int_member (wd_test_reply_object (r6), "last_seq"), ==, 3);

    /* Sent again under its own numbers, the answer is the same. */
    r7 = wd_test_request (&shared, "POST", "/api/v1/push", token, text->str);
    g_assert_cmpuint (r7->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (result_of (r7, 0), "duplicate"));
    g_assert_cmpint (json_object_get_int_member (result_of (r7, 0), "seq"), ==, 1);
    g_assert_true (json_object_get_boolean_member (result_of (r7, 2), "duplicate"));
  }

  g_assert_cmpint (db_count (&shared, "SELECT count (*) FROM orders WHERE id IN ('dup-a', 'dup-b', 'dup-c')"),
                   ==, 3);
  g_assert_cmpint (db_count (&shared, "SELECT count (*) FROM history WHERE entity_id IN ('dup-a', 'dup-b', 'dup-c')"),
                   ==, 3);
}

static JsonObject *
speaker_args (const char *name)
{
  JsonObject *args = json_object_new ();
  JsonArray *topics = json_array_new ();

  json_array_add_string_element (topics, "law");
  json_object_set_string_member (args, "id", "sp-edited");
  json_object_set_string_member (args, "name", name);
  json_object_set_string_member (args, "phone", "13900001111");
  json_object_set_array_member (args, "topics", topics);
  return args;
}

static void
assert_all_applied (WdTestReply *reply,
                    guint        n)
{
  g_assert_cmpuint (reply->status, ==, 200);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (json_object_get_string_member (result_of (reply, i), "status"), ==, "applied");
}

/* Editing what exists (a speaker, an order's details) writes over a row
 * the change log already names: it moves to the log's head. Before
 * schema 2 the log's triggers failed under such an upsert; a database
 * made then has its triggers made again. */
static void
test_edits_of_existing_rows (void)
{
  WdTestServer server;
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) created = speaker_args ("钱明");
  g_autoptr(JsonObject) renamed = speaker_args ("钱明亮");
  g_autoptr(JsonObject) order = wd_test_order_args ("edited-order", "dongguan", 6);
  g_autoptr(JsonObject) corrected = json_object_new ();
  g_autoptr(JsonObject) again = speaker_args ("钱小明");
  const char *kinds[] = { "speaker.upsert", "speaker.upsert", "order.create", "order.update" };
  JsonObject *args[] = { created, renamed, order, corrected };
  g_autofree char *body = NULL;
  g_autofree char *later = NULL;
  g_autoptr(WdTestReply) first = NULL;
  g_autoptr(WdTestReply) second = NULL;
  gint64 head;

  json_object_set_string_member (corrected, "order_id", "edited-order");
  json_object_set_string_member (corrected, "venue", "东关街道文化站二楼");
  wd_test_server_start (&server, NULL, NULL);
  token = wd_test_login (&server, "centre");
  body = wd_test_push_body ("edits", 1, 4, kinds, args);
  first = wd_test_request (&server, "POST", "/api/v1/push", token, body);
  assert_all_applied (first, 4);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM speakers WHERE id = 'sp-edited' AND name = '钱明亮'"), ==, 1);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM orders WHERE venue = '东关街道文化站二楼'"), ==, 1);
  head = db_count (&server, "SELECT max (seq) FROM changes");
  g_assert_cmpint (db_count (&server, "SELECT seq FROM changes WHERE entity = 'order' AND key = 'edited-order'"),
                   ==, head - 1);

  /* A database whose triggers schema 1 made, and which kept operations'
   * answers by install and number only (before schema 4). */
  g_assert_cmpint (wd_test_server_terminate (&server), ==, 0);
  exec_in (server.db, "UPDATE meta SET value = '1' WHERE key = 'server_schema';"
                      "DROP INDEX op_results_by_op_id;"
                      "ALTER TABLE op_results DROP COLUMN op_id;"
                      "DROP TRIGGER log_speakers_UPDATE;"
                      "CREATE TRIGGER log_speakers_UPDATE AFTER UPDATE ON speakers BEGIN"
                      " INSERT OR REPLACE INTO changes (entity, key) VALUES ('speaker', NEW.id); END;");
  wd_test_server_restart (&server, NULL);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM sqlite_schema WHERE sql LIKE '%OR REPLACE INTO changes%'"),
                   ==, 0);
  g_free (token);
  token = wd_test_login (&server, "centre");
  later = wd_test_push_body ("edits", 5, 1, kinds, (JsonObject *[]) { again });
  second = wd_test_request (&server, "POST", "/api/v1/push", token, later);
  assert_all_applied (second, 1);
  g_assert_cmpint (db_count (&server, "SELECT seq FROM changes WHERE entity = 'speaker' AND key = 'sp-edited'"),
                   >, head);
  /* What was answered before the upgrade is still known by its op_id. */
  {
    g_autofree char *copied = wd_test_push_body ("edits-copy", 1, 1, kinds + 2, args + 2);
    g_autoptr(GString) text = g_string_new (copied);
    g_autoptr(WdTestReply) third = NULL;

    g_string_replace (text, "edits-copy-op-1", "edits-op-3", 0);
    third = wd_test_request (&server, "POST", "/api/v1/push", token, text->str);
    assert_all_applied (third, 1);
    g_assert_true (json_object_get_boolean_member (result_of (third, 0), "duplicate"));
    g_assert_cmpint (db_count (&server, "SELECT count (*) FROM history WHERE entity_id = 'edited-order'"), ==, 2);
  }
  wd_test_server_stop (&server);
}

static void
test_pull_paging (void)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 cursor = 0;
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/pull?client_id=paging&since=%" G_GINT64_FORMAT
                                               "&limit=200", cursor);
      g_autoptr(WdTestReply) page = wd_test_request (&shared, "GET", path, token, NULL);
      JsonObject *reply = wd_test_reply_object (page);
      JsonArray *changes = json_object_get_array_member (reply, "changes");
      gint64 next = json_object_get_int_member (reply, "cursor");

      g_assert_cmpuint (page->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (changes), <=, 200);
      g_assert_cmpint (next, >=, cursor);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          g_autofree char *key = g_strdup_printf ("%s/%s", json_object_get_string_member (change, "entity"),
                                                  json_object_get_string_member (change, "key"));

          g_assert_cmpint (json_object_get_int_member (change, "seq"), >, cursor);
          /* Each entity comes once: the log keeps only its newest change. */
          g_assert_true (g_hash_table_add (keys, g_steal_pointer (&key)));
        }
      cursor = next;
      more = json_object_get_boolean_member (reply, "more");
      pages++;
    }
  g_assert_cmpuint (pages, >, 5);
  g_assert_cmpint (g_hash_table_size (keys), ==, db_count (&shared, "SELECT count (*) FROM changes"));
  g_assert_cmpint (db_count (&shared, "SELECT count (*) FROM orders"), <, g_hash_table_size (keys));
}

/* A page reads each entity's rows with one statement walking along the
 * log; a row gone since it was logged comes as deleted, in its place
 * among the rows still there, and a page cut short ends its cursor at the
 * last change it holds. */
static void
test_pull_rows_gone (void)
{
  WdTestServer server;
  g_autofree char *token = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *rest_path = NULL;
  g_autoptr(WdTestReply) first = NULL;
  g_autoptr(WdTestReply) rest = NULL;
  static const char * const keys[] = { "district_name", "callback_rate_percent", "accept_hours" };
  JsonArray *changes;
  gint64 head;

  wd_test_server_start (&server, NULL, NULL);
  token = wd_test_login (&server, "centre");
  head = db_count (&server, "SELECT max (seq) FROM changes");
  exec_in (server.db, "UPDATE meta SET value = '测试区' WHERE key = 'district_name';"
                      "DELETE FROM meta WHERE key = 'callback_rate_percent';"
                      "INSERT OR REPLACE INTO meta (key, value) VALUES ('accept_hours', '72');");

  first_path = g_strdup_printf ("/api/v1/pull?client_id=gone&since=%" G_GINT64_FORMAT "&limit=2", head);
  first = wd_test_request (&server, "GET", first_path, token, NULL);
  g_assert_cmpuint (first->status, ==, 200);
  changes = json_object_get_array_member (wd_test_reply_object (first), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, head + 1 + i);
      g_assert_cmpstr (json_object_get_string_member (change, "entity"), ==, "setting");
      g_assert_cmpstr (json_object_get_string_member (change, "key"), ==, keys[i]);
    }
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (changes, 0), "row"), "value"), ==, "测试区");
  g_assert_false (json_object_has_member (json_array_get_object_element (changes, 1), "row"));
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (changes, 1), "deleted"));
  g_assert_cmpint (json_object_get_int_member (wd_test_reply_object (first), "cursor"), ==, head + 2);
  g_assert_true (json_object_get_boolean_member (wd_test_reply_object (first), "more"));

  rest_path = g_strdup_printf ("/api/v1/pull?client_id=gone&since=%" G_GINT64_FORMAT "&limit=2", head + 2);
  rest = wd_test_request (&server, "GET", rest_path, token, NULL);
  changes = json_object_get_array_member (wd_test_reply_object (rest), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 0), "key"), ==,
                   keys[2]);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (changes, 0), "row"), "value"), ==, "72");
  g_assert_false (json_object_get_boolean_member (wd_test_reply_object (rest), "more"));
  wd_test_server_stop (&server);
}

static void
test_read_endpoints (void)
{
  g_autoptr(WdTestReply) projects = wd_test_request (&shared, "GET", "/api/v1/projects", NULL, NULL);
  g_autoptr(WdTestReply) speakers = wd_test_request (&shared, "GET", "/api/v1/speakers?topic=party-history",
                                                     NULL, NULL);
  g_autoptr(WdTestReply) schedule = wd_test_request (&shared, "GET", "/api/v1/schedule", NULL, NULL);
  g_autoptr(WdTestReply) missing = wd_test_request (&shared, "GET", "/api/v1/nothing-here", NULL, NULL);
  g_autoptr(WdTestReply) method = wd_test_request (&shared, "PUT", "/api/v1/projects", NULL, "{}");

  g_assert_cmpuint (projects->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (wd_test_reply_object (projects), "items")),
                    >=, 40);
  g_assert_cmpuint (speakers->status, ==, 200);
  g_assert_null (strstr (speakers->text, "\"phone\""));
  g_assert_cmpuint (schedule->status, ==, 200);
  g_assert_null (strstr (schedule->text, "contact_phone"));
  g_assert_null (strstr (schedule->text, "\"ordered\""));
  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpuint (method->status, ==, 405);
}

/* A speaker's photo, set through a push, is served as the picture it
 * is to anyone showing the library; a speaker without one is a 404. */
static void
test_speaker_photo_endpoint (void)
{
  g_autoptr(WdTestReply) list = wd_test_request (&shared, "GET", "/api/v1/speakers", NULL, NULL);
  JsonArray *items = json_object_get_array_member (wd_test_reply_object (list), "items");
  const char *id = json_object_get_string_member (json_array_get_object_element (items, 0), "id");
  const char *other = json_object_get_string_member (json_array_get_object_element (items, 1), "id");
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(JsonObject) args = json_object_new ();
  const char *kinds[] = { "speaker.photo" };
  g_autofree char *body = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/speakers/%s/photo", id);
  g_autofree char *other_path = g_strdup_printf ("/api/v1/speakers/%s/photo", other);
  g_autofree char *wrong_path = g_strdup_printf ("/api/v1/speakers/%s/portrait", id);
  g_autoptr(WdTestReply) pushed = NULL;
  g_autoptr(WdTestReply) photo = NULL;
  g_autoptr(WdTestReply) none = NULL;
  g_autoptr(WdTestReply) wrong = NULL;
  gsize length;
  g_autofree guchar *expected = g_base64_decode (WD_TEST_PHOTO_PNG, &length);

  json_object_set_string_member (args, "speaker_id", id);
  json_object_set_string_member (args, "photo", WD_TEST_PHOTO_PNG);
  body = wd_test_push_body ("photo-desk", 1, 1, kinds, &args);
  pushed = wd_test_request (&shared, "POST", "/api/v1/push", token, body);
  g_assert_cmpuint (pushed->status, ==, 200);

  photo = wd_test_request_raw (&shared, "GET", path, NULL, NULL, 0, NULL);
  g_assert_cmpuint (photo->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (photo->headers, NULL), ==, "image/png");
  g_assert_cmpmem (g_bytes_get_data (photo->bytes, NULL), g_bytes_get_size (photo->bytes), expected, length);
  none = wd_test_request (&shared, "GET", other_path, NULL, NULL);
  g_assert_cmpuint (none->status, ==, 404);
  g_assert_cmpstr (json_object_get_string_member (wd_test_reply_object (none), "code"), ==, "not-found");
  wrong = wd_test_request (&shared, "GET", wrong_path, NULL, NULL);
  g_assert_cmpuint (wrong->status, ==, 404);
}

/* Whoever is handed a certificate checks its number, without an account:
 * the answer says whose it is and the sums it states, and once it is
 * revoked, that it is no longer valid. */
static void
test_certificate_check (void)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(GTimeZone) district = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) now = g_date_time_new_now (district);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(JsonObject) revoke = json_object_new ();
  const char *revoke_kinds[] = { "certificate.revoke" };
  g_autofree char *revoke_body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(WdTestReply) valid = NULL;
  g_autoptr(WdTestReply) revoked = NULL;
  g_autoptr(WdTestReply) unknown = NULL;
  g_autoptr(WdTestReply) bare = NULL;
  g_autoptr(WdTestReply) withdrawn = NULL;
  g_autoptr(JsonObject) result = certify_team ("certificate-desk", "team-02", "评优");
  JsonObject *check;

  g_assert_nonnull (result);
  path = g_strdup_printf ("/api/v1/certificates/%s", json_object_get_string_member (result, "number"));

  valid = wd_test_request (&shared, "GET", path, NULL, NULL);
  g_assert_cmpuint (valid->status, ==, 200);
  check = wd_test_reply_object (valid);
  g_assert_true (json_object_get_boolean_member (check, "valid"));
  g_assert_cmpstr (json_object_get_string_member (check, "holder_kind"), ==, "team");
  g_assert_cmpstr (json_object_get_string_member (check, "from"), ==, "2000-01-01");
  g_assert_cmpstr (json_object_get_string_member (check, "to"), ==, today);
  g_assert_cmpint (json_object_get_int_member (check, "services"), ==, json_object_get_int_member (result, "services"));
  g_assert_false (json_object_has_member (check, "purpose"));
  g_assert_false (json_object_has_member (check, "issued_by"));
  g_assert_false (json_object_has_member (check, "record"));

  unknown = wd_test_request (&shared, "GET", "/api/v1/certificates/C1999-00001", NULL, NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_nonnull (strstr (json_object_get_string_member (wd_test_reply_object (unknown), "message"), "C1999-00001"));
  /* An id is not a number: it is not printed, and it answers nothing. */
  {
    g_autofree char *by_id = g_strdup_printf ("/api/v1/certificates/%s", json_object_get_string_member (result, "id"));
    g_autoptr(WdTestReply) reply = wd_test_request (&shared, "GET", by_id, NULL, NULL);

    g_assert_cmpuint (reply->status, ==, 404);
  }
  bare = wd_test_request (&shared, "GET", "/api/v1/certificates/", NULL, NULL);
  g_assert_cmpuint (bare->status, ==, 404);

  json_object_set_string_member (revoke, "certificate_id", json_object_get_string_member (result, "id"));
  json_object_set_string_member (revoke, "reason", "期间填错");
  revoke_body = wd_test_push_body ("certificate-desk", 2, 1, revoke_kinds, &revoke);
  withdrawn = wd_test_request (&shared, "POST", "/api/v1/push", token, revoke_body);
  g_assert_cmpuint (withdrawn->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result_of (withdrawn, 0), "status"), ==, "applied");
  revoked = wd_test_request (&shared, "GET", path, NULL, NULL);
  check = wd_test_reply_object (revoked);
  g_assert_false (json_object_get_boolean_member (check, "valid"));
  g_assert_cmpstr (json_object_get_string_member (check, "revoke_reason"), ==, "期间填错");
}

/* A server upgraded to a schema with a new synced table (certificates
 * came in schema 6) logs that table's rows too, or a certificate issued
 * after the upgrade would never reach a desk. */
static void
test_upgrade_logs_new_tables (void)
{
  WdTestServer server = { 0 };
  g_autofree char *token = NULL;
  g_autoptr(GTimeZone) district = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) now = g_date_time_new_now (district);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(JsonObject) issue = json_object_new ();
  const char *kinds[] = { "certificate.issue" };
  g_autofree char *body = NULL;
  g_autoptr(WdTestReply) pushed = NULL;

  wd_test_server_start (&server, NULL, NULL);
  wd_test_server_kill (&server);
  /* The database as a server of schema 5 left it. */
  exec_in (server.db, "DROP TABLE certificates; DROP TABLE certificate_numbers;"
                      " DELETE FROM meta WHERE key = 'server_triggers_schema'; PRAGMA user_version = 5;");
  wd_test_server_restart (&server, NULL);

  token = wd_test_login (&server, "centre");
  json_object_set_string_member (issue, "holder_kind", "team");
  json_object_set_string_member (issue, "holder_id", "team-02");
  json_object_set_string_member (issue, "from", "2000-01-01");
  json_object_set_string_member (issue, "to", today);
  body = wd_test_push_body ("upgraded-desk", 1, 1, kinds, &issue);
  pushed = wd_test_request (&server, "POST", "/api/v1/push", token, body);
  g_assert_cmpuint (pushed->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result_of (pushed, 0), "status"), ==, "applied");
  g_assert_cmpint (count_in (server.db, "SELECT count (*) FROM changes WHERE entity = 'certificate'"), ==, 1);
  wd_test_server_stop (&server);
}

/* A community follows its order with the number and the end of its
 * contact's phone: the status it would see, nothing of the centre's own;
 * the reason when rejected; a wrong guess answers alike and, repeated,
 * is refused for a while. */
static void
test_order_follow (void)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autoptr(JsonObject) args = wd_test_order_args ("follow-me", "qianfoshan", 5);
  g_autoptr(JsonObject) reject = json_object_new ();
  const char *kinds[] = { "order.create" };
  const char *reject_kinds[] = { "order.reject" };
  g_autofree char *body = NULL;
  g_autofree char *reject_body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(WdTestReply) pushed = NULL;
  g_autoptr(WdTestReply) followed = NULL;
  g_autoptr(WdTestReply) rejected = NULL;
  g_autoptr(WdTestReply) after = NULL;
  g_autoptr(WdTestReply) no_phone = NULL;
  g_autoptr(WdTestReply) limited = NULL;
  JsonObject *result, *seen;
  const char *number;

  body = wd_test_push_body ("follow-desk", 1, 1, kinds, &args);
  pushed = wd_test_request (&shared, "POST", "/api/v1/push", token, body);
  g_assert_cmpuint (pushed->status, ==, 200);
  result = json_object_get_object_member (result_of (pushed, 0), "result");
  number = json_object_get_string_member (result, "number");
  path = g_strdup_printf ("/api/v1/orders/%s?phone=0000", number);

  followed = wd_test_request (&shared, "GET", path, NULL, NULL);
  g_assert_cmpuint (followed->status, ==, 200);
  seen = wd_test_reply_object (followed);
  g_assert_cmpstr (json_object_get_string_member (seen, "number"), ==, number);
  g_assert_cmpstr (json_object_get_string_member (seen, "status"), ==, "under-review");
  g_assert_nonnull (json_object_get_string_member (seen, "status_label"));
  g_assert_false (json_object_has_member (seen, "contact_phone"));
  g_assert_false (json_object_has_member (seen, "contact_name"));
  g_assert_false (json_object_has_member (seen, "state"));
  g_assert_false (json_object_has_member (seen, "notes"));

  json_object_set_string_member (reject, "order_id", "follow-me");
  json_object_set_string_member (reject, "reason", "该时段场地已占用，请改约其他日期");
  reject_body = wd_test_push_body ("follow-desk", 2, 1, reject_kinds, &reject);
  rejected = wd_test_request (&shared, "POST", "/api/v1/push", token, reject_body);
  g_assert_cmpstr (json_object_get_string_member (result_of (rejected, 0), "status"), ==, "applied");
  after = wd_test_request (&shared, "GET", path, NULL, NULL);
  seen = wd_test_reply_object (after);
  g_assert_cmpstr (json_object_get_string_member (seen, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (seen, "reason"), ==, "该时段场地已占用，请改约其他日期");

  no_phone = wd_test_request (&shared, "GET", "/api/v1/orders/2026-000001", NULL, NULL);
  g_assert_cmpuint (no_phone->status, ==, 400);

  /* Wrong digits and an unknown number answer alike; the sixth try waits. */
  wrong = g_strdup_printf ("/api/v1/orders/%s?phone=9999", number);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(WdTestReply) reply = wd_test_request (&shared, "GET", i % 2 ? wrong : "/api/v1/orders/1999-000001?phone=0000",
                                                      NULL, NULL);

      g_assert_cmpuint (reply->status, ==, 404);
      g_assert_cmpstr (wd_test_reply_code (reply), ==, "not-found");
    }
  limited = wd_test_request (&shared, "GET", path, NULL, NULL);
  g_assert_cmpuint (limited->status, ==, 429);
}

/* A request as a reverse proxy passes it on: forwarded_for is its
 * X-Forwarded-For (NULL: none). Returns the message, answered. */
static SoupMessage *
request_via_proxy (WdTestServer *server,
                   const char   *method,
                   const char   *path,
                   const char   *body,
                   const char   *forwarded_for)
{
  g_autofree char *uri = g_strconcat (server->base, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (forwarded_for != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Forwarded-For", forwarded_for);
  if (body != NULL)
    {
      g_autoptr(GBytes) content = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", content);
    }
  answer = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  return msg;
}

static guint
sign_in_via_proxy (WdTestServer *server,
                   const char   *forwarded_for,
                   const char   *name,
                   const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"password\":\"%s\"}", name, password);
  g_autoptr(SoupMessage) msg = request_via_proxy (server, "POST", "/api/v1/session", body, forwarded_for);

  return soup_message_get_status (msg);
}

static void
test_rate_limit (void)
{
  guint limited = 0;

  for (int i = 0; i < 8; i++)
    {
      g_autoptr(WdTestReply) reply = wd_test_request (&shared, "POST", "/api/v1/session", NULL,
                                                      "{\"name\":\"admin\",\"password\":\"guess-guess\"}");

      limited += reply->status == 429;
    }
  g_assert_cmpuint (limited, >=, 3);
  /* The right password is refused as well while the limit holds. */
  {
    g_autofree char *body = g_strdup_printf ("{\"name\":\"admin\",\"password\":\"%s\"}",
                                             (char *) g_hash_table_lookup (shared.passwords, "admin"));
    g_autoptr(WdTestReply) reply = wd_test_request (&shared, "POST", "/api/v1/session", NULL, body);

    g_assert_cmpuint (reply->status, ==, 429);
    g_assert_cmpstr (wd_test_reply_code (reply), ==, "rate-limited");
  }
  /* No proxy is trusted here: a client naming another address in
   * X-Forwarded-For is still the address it connects from. */
  g_assert_cmpuint (sign_in_via_proxy (&shared, "203.0.113.9", "centre",
                                       g_hash_table_lookup (shared.passwords, "centre")), ==, 429);
}

/* Behind a reverse proxy the administrator names, the limits on failed
 * sign-ins count the client the proxy names, not the proxy: one
 * person's guessing does not lock out everyone behind it. What a client
 * writes in the header itself counts for nothing. */
static void
test_trusted_proxy (void)
{
  const char * const args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  WdTestServer server;
  const char *admin;

  wd_test_server_start (&server, NULL, args);
  admin = g_hash_table_lookup (server.passwords, "admin");

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("nobody-%d", i);

      g_assert_cmpuint (sign_in_via_proxy (&server, "203.0.113.5", name, "guess-guess"), ==, 401);
    }
  g_assert_cmpuint (sign_in_via_proxy (&server, "203.0.113.5", "admin", admin), ==, 429);
  /* A client cannot escape by naming another address first. */
  g_assert_cmpuint (sign_in_via_proxy (&server, "198.51.100.7, 203.0.113.5", "admin", admin), ==, 429);
  g_assert_cmpuint (sign_in_via_proxy (&server, "203.0.113.9", "admin", admin), ==, 200);
  /* The proxy's own requests count as its own. */
  g_assert_cmpuint (sign_in_via_proxy (&server, NULL, "admin", admin), ==, 200);

  /* A client far away gets its answers compressed, as it would without
   * the proxy; one on the proxy's machine does not. */
  {
    g_autoptr(SoupMessage) far = request_via_proxy (&server, "GET", "/api/v1/projects", NULL, "203.0.113.9");
    g_autoptr(SoupMessage) near = request_via_proxy (&server, "GET", "/api/v1/projects", NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (far), ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (far), "Content-Encoding"),
                     ==, "gzip");
    g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (near), "Content-Encoding"));
  }
  wd_test_server_stop (&server);
}

static void
test_no_secrets_in_log (void)
{
  g_autofree char *token = wd_test_login (&shared, "office");
  g_autofree char *log = wd_test_server_log (&shared);
  const char *password = g_hash_table_lookup (shared.passwords, "office");

  g_assert_nonnull (strstr (log, "POST /api/v1/session 200"));
  g_assert_null (strstr (log, password));
  g_assert_null (strstr (log, token));
  g_assert_null (strstr (log, "$argon2id$"));
}

/* The server dies after committing a push and before answering; the
 * client, having no answer, sends the same push again. */
static void
test_crash_after_commit (void)
{
  WdTestServer server;
  g_autoptr(JsonObject) a = wd_test_order_args ("crash-a", "wendong", 9);
  g_autoptr(JsonObject) b = wd_test_order_args ("crash-b", "wendong", 10);
  const char *kinds[] = { "order.create", "order.create" };
  JsonObject *args[] = { a, b };
  g_autofree char *body = wd_test_push_body ("crash-client", 1, 2, kinds, args);
  g_autofree char *token = NULL;
  g_autoptr(WdTestReply) lost = NULL;
  g_autoptr(WdTestReply) retried = NULL;

  wd_test_server_start (&server, NULL, NULL);
  wd_test_server_restart (&server, "crash-after-commit");
  token = wd_test_login (&server, "centre");

  lost = wd_test_request (&server, "POST", "/api/v1/push", token, body);
  g_assert_cmpuint (lost->status, ==, 0);           /* no answer at all */

  wd_test_server_restart (&server, NULL);
  g_free (token);
  token = wd_test_login (&server, "centre");
  retried = wd_test_request (&server, "POST", "/api/v1/push", token, body);
  g_assert_cmpuint (retried->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (result_of (retried, 0), "duplicate"));
  g_assert_true (json_object_get_boolean_member (result_of (retried, 1), "duplicate"));
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM orders WHERE id IN ('crash-a', 'crash-b')"), ==, 2);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM history WHERE entity_id IN ('crash-a', 'crash-b')"),
                   ==, 2);
  wd_test_server_stop (&server);
}

static gpointer
kill_soon (gpointer data)
{
  /* Somewhere between sending and answering, varying from run to run. */
  g_usleep (g_random_int_range (0, 20000));
  wd_test_server_kill (data);
  return NULL;
}

/* kill -9 at arbitrary moments during a stream of pushes; the client
 * resends whatever was not acknowledged. Every operation ends applied
 * exactly once, and the database is sound. */
static void
test_kill_during_pushes (void)
{
  WdTestServer server;
  const guint n_ops = 60;
  g_autofree char *token = NULL;
  gint64 acked = 0;
  guint kills = 0;

  wd_test_server_start (&server, NULL, NULL);
  token = wd_test_login (&server, "centre");

  while (acked < n_ops)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      const char *kinds[5];
      guint n = MIN (5, n_ops - (guint) acked);
      g_autofree char *body = NULL;
      g_autoptr(WdTestReply) reply = NULL;

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("kill-%" G_GINT64_FORMAT, acked + 1 + i);

          kinds[i] = "order.create";
          g_ptr_array_add (args, wd_test_order_args (id, "yanshan", 11 + (int) ((acked + i) % 20)));
        }
      body = wd_test_push_body ("kill-client", acked + 1, n, kinds, (JsonObject **) args->pdata);

      if (kills < 4 && acked > 10 * (kills + 1))
        {
          /* Kill while this push is on its way. */
          g_autoptr(GThread) killer = NULL;

          kills++;
          killer = g_thread_new ("killer", kill_soon, &server);
          reply = wd_test_request (&server, "POST", "/api/v1/push", token, body);
          g_thread_join (g_steal_pointer (&killer));
          wd_test_server_restart (&server, NULL);
          g_free (token);
          token = wd_test_login (&server, "centre");
          continue;     /* no answer taken as given: resend */
        }

      reply = wd_test_request (&server, "POST", "/api/v1/push", token, body);
      g_assert_cmpuint (reply->status, ==, 200);
      acked = json_object_get_int_member (wd_test_reply_object (reply), "last_seq");
    }

  g_assert_cmpuint (kills, ==, 4);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM orders WHERE id LIKE 'kill-%'"), ==, n_ops);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM history WHERE entity_id LIKE 'kill-%'"), ==, n_ops);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM op_results WHERE client_id = 'kill-client'"), ==, n_ops);
  g_assert_cmpint (db_count (&server, "SELECT count (*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
                   ==, 1);
  wd_test_server_stop (&server);
}

static void
test_sigterm (void)
{
  WdTestServer server;
  g_autofree char *log = NULL;

  const char *at;

  wd_test_server_start (&server, NULL, NULL);
  /* Answered just before the stop: their lines, still gathered in the
   * server, reach the log before it says it stops. */
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(WdTestReply) reply = wd_test_request (&server, "GET", "/api/v1/health", NULL, NULL);

      g_assert_cmpint (reply->status, ==, 200);
    }
  g_assert_cmpint (wd_test_server_terminate (&server), ==, 0);
  log = wd_test_server_log (&server);
  at = log;
  for (int i = 0; i < 20; i++)
    {
      at = strstr (at, "GET /api/v1/health 200 ");
      g_assert_nonnull (at);
      at++;
    }
  g_assert_null (strstr (at, "GET /api/v1/health"));
  at = strstr (at, "Stopping");
  g_assert_nonnull (at);
  g_assert_nonnull (strstr (at, "Stopped"));
  wd_test_server_stop (&server);
}

static gboolean
accept_any_certificate (SoupMessage          *msg,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              data)
{
  return TRUE;
}

static void
test_tls (void)
{
  WdTestServer server;
  g_autofree char *dir = g_dir_make_tmp ("wudan-tls-XXXXXX", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  if (!wd_test_make_certificate (dir, "cert", &cert, &key))
    {
      g_test_skip ("openssl is not installed");
      g_rmdir (dir);
      return;
    }
  {
    const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    wd_test_server_start (&server, NULL, args);
  }
  g_assert_true (g_str_has_prefix (server.base, "https://"));
  {
    g_autofree char *uri = g_strconcat (server.base, "/api/v1/health", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *command = g_strdup_printf ("openssl x509 -noout -fingerprint -sha256 -in %s", cert);
    g_autofree char *openssl = NULL;
    int status = 0;

    /* It prints the certificate's fingerprint for desks to compare, as
     * openssl prints it ("sha256 Fingerprint=AB:CD:…"). */
    g_assert_true (g_spawn_command_line_sync (command, &openssl, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (server.fingerprint);
    g_assert_cmpuint (strlen (server.fingerprint), ==, 32 * 3 - 1);
    g_assert_nonnull (strstr (openssl, server.fingerprint));

    /* The test trusts its own self-signed certificate. */
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
    body = soup_session_send_and_read (server.session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }
  /* A certificate that runs out within the month is warned of. */
  {
    g_autofree char *log = wd_test_server_log (&server);

    g_assert_nonnull (strstr (log, "renew it before then"));
  }
  assert_dropped_connections_released (&server, 20);
  wd_test_server_stop (&server);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

static void
test_cli (void)
{
  static const char * const commands[] = { "serve", "seed-demo", "user", "backup", "restore" };
  g_autofree char *dir = g_dir_make_tmp ("wudan-cli-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "cli.db", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_assert_cmpint (wd_test_run_server (NULL, &out, &err, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (out, commands[i]));
    }

#define RUN(input, ...) wd_test_run_server (input, &out, &err, __VA_ARGS__, NULL)

  g_assert_cmpint (RUN (NULL, "fly"), ==, 2);
  /* The shared server's accounts: the ones the tests signed in with say when. */
  g_free (wd_test_login (&shared, "centre"));
  g_assert_cmpint (RUN (NULL, "user", "list", "--db", shared.db, "--json"), ==, 0);
  {
    g_autoptr(JsonNode) accounts = wd_json_parse (out, -1, NULL);
    JsonArray *array = json_node_get_array (accounts);

    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *account = json_array_get_object_element (array, i);

        if (g_str_equal (json_object_get_string_member (account, "name"), "centre"))
          g_assert_cmpint (json_object_get_int_member (account, "last_sign_in_at"), >=,
                           g_get_real_time () / G_USEC_PER_SEC - 600);
        if (g_str_equal (json_object_get_string_member (account, "name"), "office"))
          g_assert_cmpstr (json_object_get_string_member (account, "serves"), ==, "千佛山街道");
      }
  }
  /* A database nobody can sign in to (a mistyped --db makes a new one),
   * and plain HTTP on an address other machines reach, are said as the
   * server starts, each with the way on. */
  {
    g_autofree char *fresh = g_build_filename (dir, "nobody.db", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                     | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                                     g_getenv ("WUDAN_SERVER"), "serve", "--db", fresh,
                                                     "--listen", "0.0.0.0:0", NULL);
    g_autoptr(GDataInputStream) log = NULL;
    gboolean nobody = FALSE, in_clear = FALSE;

    g_assert_no_error (error);
    log = g_data_input_stream_new (g_subprocess_get_stderr_pipe (serve));
    while (!(nobody && in_clear))
      {
        g_autofree char *line = g_data_input_stream_read_line_utf8 (log, NULL, NULL, &error);

        g_assert_no_error (error);
        g_assert_nonnull (line);
        nobody |= strstr (line, "No account can sign in") != NULL && strstr (line, "user add") != NULL;
        in_clear |= strstr (line, "plain HTTP") != NULL && strstr (line, "--tls-cert") != NULL;
      }
    g_subprocess_send_signal (serve, SIGTERM);
    g_subprocess_wait (serve, NULL, NULL);
  }
  /* One server to a database. */
  g_assert_cmpint (RUN (NULL, "serve", "--db", shared.db, "--listen", "127.0.0.1:0"), ==, 1);
  g_assert_nonnull (strstr (err, "already serving"));
  /* A proxy that is not an address is refused before any database is made. */
  {
    g_autofree char *never = g_build_filename (dir, "never.db", NULL);

    g_assert_cmpint (RUN (NULL, "serve", "--db", never, "--trusted-proxy", "nginx.local"), ==, 2);
    g_assert_nonnull (strstr (err, "nginx.local"));
    g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpint (RUN (NULL, "seed-demo", "--db", db), ==, 0);
  g_assert_cmpint (RUN ("secret-password-1\n", "user", "add", "--db", db, "--name", "zhang", "--role", "office",
                        "--subdistrict", "千佛山街道"), ==, 0);
  g_assert_cmpint (RUN ("secret-password-2\n", "user", "add", "--db", db, "--name", "zhang", "--role", "office",
                        "--subdistrict", "千佛山街道"), ==, 1);
  g_assert_nonnull (strstr (err, "zhang"));
  g_assert_cmpint (RUN ("short\n", "user", "add", "--db", db, "--name", "li", "--role", "centre"), ==, 1);
  g_assert_nonnull (strstr (err, "8"));
  g_assert_cmpint (RUN ("secret-password-3\n", "user", "add", "--db", db, "--name", "wang", "--role", "office"), ==, 2);
  g_assert_nonnull (strstr (err, "--subdistrict"));
  g_assert_cmpint (RUN ("secret-password-3\n", "user", "add", "--db", db, "--name", "wang", "--role", "office",
                        "--subdistrict", "火星街道"), ==, 1);
  g_assert_cmpint (RUN ("secret-password-4\n", "user", "add", "--db", db, "--name", "team1", "--role", "team",
                        "--team", "甸柳亲子共读会"), ==, 0);

  g_assert_cmpint (RUN (NULL, "user", "list", "--db", db, "--json"), ==, 0);
  {
    g_autoptr(JsonNode) users = wd_json_parse (out, -1, NULL);

    g_assert_true (JSON_NODE_HOLDS_ARRAY (users));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (users)), ==, 2);
    g_assert_null (strstr (out, "argon2"));
  }
  /* Whom each account serves, by name; never signed in yet. A server
   * database of schema 2 gains the column for it. */
  exec_in (db, "ALTER TABLE users DROP COLUMN last_sign_in_at;"
               " UPDATE meta SET value = '2' WHERE key = 'server_schema'");
  g_assert_cmpint (RUN (NULL, "user", "list", "--db", db), ==, 0);
  g_assert_nonnull (strstr (out, "Last sign-in"));
  g_assert_nonnull (strstr (out, "千佛山街道"));
  g_assert_nonnull (strstr (out, "甸柳亲子共读会"));
  g_assert_nonnull (strstr (out, "never"));
  /* Whom an account serves changes with set: only what fits its role. */
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang", "--subdistrict", "甸柳街道"), ==, 0);
  g_assert_nonnull (strstr (out, "sessions have ended"));
  g_assert_cmpint (RUN (NULL, "user", "list", "--db", db), ==, 0);
  g_assert_nonnull (strstr (out, "甸柳街道"));
  g_assert_null (strstr (out, "千佛山街道"));
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang"), ==, 2);
  g_assert_nonnull (strstr (err, "--role"));
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang", "--team", "甸柳亲子共读会"), ==, 2);
  g_assert_nonnull (strstr (err, "only for a team account"));
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang", "--subdistrict", "火星街道"), ==, 1);
  g_assert_nonnull (strstr (err, "火星街道"));
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "nobody", "--role", "centre"), ==, 1);
  g_assert_nonnull (strstr (err, "nobody"));
  /* A mistyped database is said, not made. */
  {
    g_autofree char *typo = g_strconcat (db, "-typo", NULL);

    g_assert_cmpint (RUN (NULL, "user", "set", "--db", typo, "--name", "zhang", "--role", "centre"), ==, 1);
    g_assert_nonnull (strstr (err, "no server database"));
    g_assert_cmpint (RUN (NULL, "user", "list", "--db", typo), ==, 1);
    g_assert_cmpint (RUN (NULL, "backup", "--db", typo, "--to", copy), ==, 1);
    g_assert_nonnull (strstr (err, "no server database"));
    g_assert_false (g_file_test (typo, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang", "--role", "centre"), ==, 0);
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang", "--role", "office"), ==, 2);
  g_assert_nonnull (strstr (err, "--subdistrict"));
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "team1", "--role", "centre",
                        "--subdistrict", "甸柳街道"), ==, 2);
  g_assert_nonnull (strstr (err, "only for an office account"));
  g_assert_cmpint (RUN (NULL, "user", "list", "--db", db, "--json"), ==, 0);
  {
    g_autoptr(JsonNode) users = wd_json_parse (out, -1, NULL);
    JsonArray *array = json_node_get_array (users);

    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *account = json_array_get_object_element (array, i);

        if (g_str_equal (json_object_get_string_member (account, "name"), "zhang"))
          {
            g_assert_cmpstr (json_object_get_string_member (account, "role"), ==, "centre");
            g_assert_null (json_object_get_string_member_with_default (account, "serves", NULL));
          }
        else
          /* A refused change changed nothing. */
          g_assert_cmpstr (json_object_get_string_member (account, "serves"), ==, "甸柳亲子共读会");
      }
  }
  g_assert_cmpint (RUN (NULL, "user", "set", "--db", db, "--name", "zhang", "--role", "office",
                        "--subdistrict", "千佛山街道"), ==, 0);

  g_assert_cmpint (RUN (NULL, "user", "disable", "--db", db, "--name", "zhang"), ==, 0);
  g_assert_cmpint (RUN (NULL, "user", "list", "--db", db), ==, 0);
  g_assert_nonnull (strstr (out, "disabled"));
  g_assert_cmpint (RUN ("another-password\n", "user", "passwd", "--db", db, "--name", "zhang"), ==, 0);
  g_assert_cmpint (RUN (NULL, "user", "disable", "--db", db, "--name", "nobody"), ==, 1);

  /* The password was taken from standard input: it is nowhere on disk in clear. */
  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_file_get_contents (db, &contents, &length, NULL);
    g_assert_null (g_strstr_len (contents, (gssize) length, "secret-password-1"));
  }

  g_assert_cmpint (RUN (NULL, "backup", "--db", db, "--to", copy), ==, 0);
  {
    sqlite3 *backup = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (copy, &backup, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (backup, "SELECT (SELECT count (*) FROM speakers),"
                                         " (SELECT integrity_check FROM pragma_integrity_check)", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 130);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "ok");
    sqlite3_finalize (stmt);
    sqlite3_close (backup);
  }

  /* A database damaged past opening is what a backup is for: restore
   * sets it aside and puts the backup in its place. */
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    const char *aside;

    g_unlink (wal);
    g_unlink (shm);
    g_assert_true (g_file_set_contents (db, "a disk error ate the first pages of this file", -1, NULL));
    g_assert_cmpint (RUN (NULL, "user", "list", "--db", db), ==, 1);
    g_assert_nonnull (strstr (err, "damaged"));
    g_assert_nonnull (strstr (err, "wudan-server restore"));
    g_assert_cmpint (RUN (NULL, "restore", "--db", db, "--from", copy), ==, 0);
    aside = strstr (out, "set aside as ");
    g_assert_nonnull (aside);
    g_assert_cmpint (RUN (NULL, "user", "list", "--db", db, "--json"), ==, 0);
    g_assert_nonnull (strstr (out, "zhang"));
  }
#undef RUN

  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* A backup taken while the server answers pushes is complete and sound. */
static char *
login_as (const char *name,
          const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"password\":\"%s\"}", name, password);
  g_autoptr(WdTestReply) reply = wd_test_request (&shared, "POST", "/api/v1/session", NULL, body);

  g_assert_cmpuint (reply->status, ==, 200);
  return g_strdup (json_object_get_string_member (wd_test_reply_object (reply), "token"));
}

/* The account called name in a directory's answer, or NULL. */
static JsonObject *
listed_account (WdTestReply *reply,
                const char  *name)
{
  JsonArray *accounts = json_object_get_array_member (wd_test_reply_object (reply), "accounts");

  for (guint i = 0; i < json_array_get_length (accounts); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (accounts, i), "name"), name))
      return json_array_get_object_element (accounts, i);
  return NULL;
}

/* The directory says who each account is (its role, whom it serves),
 * to anyone signed in, and nothing an administrator alone should see; a
 * team sees the staff's accounts and its own, no other team's. */
static void
test_account_directory (void)
{
  g_autofree char *centre = wd_test_login (&shared, "centre");
  g_autofree char *team = wd_test_login (&shared, "team");
  g_autoptr(WdTestReply) all = wd_test_request (&shared, "GET", "/api/v1/accounts", centre, NULL);
  g_autoptr(WdTestReply) teams = wd_test_request (&shared, "GET", "/api/v1/accounts", team, NULL);
  g_autoptr(WdTestReply) nobody = wd_test_request (&shared, "GET", "/api/v1/accounts", NULL, NULL);
  JsonObject *office;

  g_assert_cmpuint (all->status, ==, 200);
  office = listed_account (all, "office");
  g_assert_nonnull (office);
  g_assert_cmpstr (json_object_get_string_member (office, "role"), ==, "office");
  g_assert_cmpstr (json_object_get_string_member (office, "serves"), ==, "千佛山街道");
  g_assert_false (json_object_has_member (office, "password_hash"));
  g_assert_false (json_object_has_member (office, "last_sign_in_at"));
  g_assert_false (json_object_has_member (office, "disabled"));
  /* the demo's colleagues, whom its history names */
  g_assert_nonnull (listed_account (all, "office-baotuquan"));
  g_assert_nonnull (listed_account (all, "centre-zhang"));
  g_assert_nonnull (listed_account (all, "team"));

  g_assert_cmpuint (teams->status, ==, 200);
  g_assert_nonnull (listed_account (teams, "office"));
  g_assert_nonnull (listed_account (teams, "team"));
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (wd_test_reply_object (teams), "accounts"));
       i++)
    {
      JsonObject *account = json_array_get_object_element (
        json_object_get_array_member (wd_test_reply_object (teams), "accounts"), i);

      g_assert_true (!g_str_equal (json_object_get_string_member (account, "role"), "team")
                     || g_str_equal (json_object_get_string_member (account, "name"), "team"));
    }
  g_assert_cmpuint (nobody->status, ==, 401);
}

static guint
me_status (const char *token)
{
  g_autoptr(WdTestReply) me = wd_test_request (&shared, "GET", "/api/v1/me", token, NULL);

  return me->status;
}

/* An administrator disables an account or changes its password from a
 * shell while the server runs: its sessions end at once, even though the
 * server had just checked them (it remembers recent sessions). */
static void
test_account_changes_while_serving (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr(WdTestReply) logout = NULL;

  g_assert_cmpint (wd_test_run_server ("zhao-password-1\n", &out, &err, "user", "add", "--db", shared.db, "--name", "zhao",
                               "--role", "centre", NULL), ==, 0);
  first = login_as ("zhao", "zhao-password-1");
  g_assert_cmpuint (me_status (first), ==, 200);
  g_assert_cmpuint (me_status (first), ==, 200);

  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "user", "disable", "--db", shared.db, "--name", "zhao", NULL), ==, 0);
  g_assert_cmpuint (me_status (first), ==, 401);

  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "user", "disable", "--enable", "--db", shared.db, "--name", "zhao",
                               NULL), ==, 0);
  g_assert_cmpuint (me_status (first), ==, 401);
  second = login_as ("zhao", "zhao-password-1");
  g_assert_cmpuint (me_status (second), ==, 200);

  g_assert_cmpint (wd_test_run_server ("zhao-password-2\n", &out, &err, "user", "passwd", "--db", shared.db, "--name", "zhao",
                               NULL), ==, 0);
  g_assert_cmpuint (me_status (second), ==, 401);

  /* Logging out ends the session the server remembered. */
  third = login_as ("zhao", "zhao-password-2");
  g_assert_cmpuint (me_status (third), ==, 200);
  logout = wd_test_request (&shared, "DELETE", "/api/v1/session", third, NULL);
  g_assert_cmpuint (logout->status, ==, 200);
  g_assert_cmpuint (me_status (third), ==, 401);
}

static void
test_backup_while_serving (void)
{
  g_autofree char *token = wd_test_login (&shared, "centre");
  g_autofree char *copy = g_build_filename (shared.dir, "live-backup.db", NULL);
  g_autoptr(JsonObject) a = wd_test_order_args ("backup-a", "jianxin", 12);
  const char *kinds[] = { "order.create" };
  JsonObject *args[] = { a };
  g_autofree char *body = wd_test_push_body ("backup-client", 1, 1, kinds, args);
  g_autoptr(WdTestReply) pushed = wd_test_request (&shared, "POST", "/api/v1/push", token, body);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *backup = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpuint (pushed->status, ==, 200);
  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "backup", "--db", shared.db, "--to", copy, NULL), ==, 0);
  g_assert_cmpint (sqlite3_open_v2 (copy, &backup, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (backup, "SELECT count (*) FROM orders WHERE id = 'backup-a'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (backup);
  /* The copy is in WAL mode like its database: reading it made these. */
  for (const char * const *s = (const char * const[]) { "", "-wal", "-shm", NULL }; *s; s++)
    {
      g_autofree char *file = g_strconcat (copy, *s, NULL);

      g_unlink (file);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("WUDAN_SERVER"));

  wd_test_server_start (&shared, NULL, NULL);

  g_test_add_func ("/server/health", test_health);
  g_test_add_func ("/server/closed-connections-released", test_closed_connections_released);
  g_test_add_func ("/server/session", test_session);
  g_test_add_func ("/server/account-directory", test_account_directory);
  g_test_add_func ("/server/auth-failures", test_auth_failures);
  g_test_add_func ("/server/roles-and-scope", test_roles_and_scope);
  g_test_add_func ("/server/team-scope", test_team_scope);
  g_test_add_func ("/server/bad-input", test_bad_input);
  g_test_add_func ("/server/body-limit", test_body_limit);
  g_test_add_func ("/server/fuzz-push", test_fuzz_push);
  g_test_add_func ("/server/duplicate-and-gap", test_duplicate_and_gap);
  g_test_add_func ("/server/pull-paging", test_pull_paging);
  g_test_add_func ("/server/pull-rows-gone", test_pull_rows_gone);
  g_test_add_func ("/server/edits-of-existing-rows", test_edits_of_existing_rows);
  g_test_add_func ("/server/snapshot", test_snapshot);
  g_test_add_func ("/server/snapshot-refusals", test_snapshot_refusals);
  g_test_add_func ("/server/snapshot-store", test_snapshot_store);
  g_test_add_func ("/server/snapshot-compressed", test_snapshot_compressed);
  g_test_add_func ("/server/stale-snapshots-removed", test_stale_snapshots_removed);
  g_test_add_func ("/server/read-endpoints", test_read_endpoints);
  g_test_add_func ("/server/speaker-photo", test_speaker_photo_endpoint);
  g_test_add_func ("/server/certificate-check", test_certificate_check);
  g_test_add_func ("/server/order-follow", test_order_follow);
  g_test_add_func ("/server/upgrade-logs-new-tables", test_upgrade_logs_new_tables);
  g_test_add_func ("/server/no-secrets-in-log", test_no_secrets_in_log);
  g_test_add_func ("/server/crash-after-commit", test_crash_after_commit);
  g_test_add_func ("/server/kill-during-pushes", test_kill_during_pushes);
  g_test_add_func ("/server/sigterm", test_sigterm);
  g_test_add_func ("/server/tls", test_tls);
  g_test_add_func ("/server/cli", test_cli);
  g_test_add_func ("/server/backup-while-serving", test_backup_while_serving);
  g_test_add_func ("/server/account-changes-while-serving", test_account_changes_while_serving);
  /* Last: it locks sign-ins from this address on the shared server. */
  g_test_add_func ("/server/rate-limit", test_rate_limit);
  g_test_add_func ("/server/trusted-proxy", test_trusted_proxy);

  status = g_test_run ();
  wd_test_server_stop (&shared);
  return status;
}
