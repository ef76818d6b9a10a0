/* test-store.c: migrations from older files, paged views, counts. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "wd-search.h"
#include "wd-search-private.h"
#include "wd-store-private.h"
#include "wd-test-util.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

static char *
make_file_from_sql (const char *dir,
                    const char *sql_file)
{
  g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "data", sql_file, NULL);
  g_autofree char *sql = NULL;
  char *db_path = g_build_filename (dir, "old.db", NULL);
  sqlite3 *db = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (sql_path, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return db_path;
}

static void
test_migrate_from_schema_1 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-test-XXXXXX", NULL);
  g_autofree char *path = make_file_from_sql (dir, "store-v1.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = wd_store_open (path, &error);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(WdActor) office = wd_actor_new_office ("office-a", "sd-a");
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (wd_store_get_schema_version (store), ==, 6);

  /* A store from before certificates has none, and can list them. */
  {
    g_autoptr(JsonArray) certificates = wd_store_list_certificates (store, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (certificates), ==, 0);
  }

  /* The old rows are still there and now searchable; old speakers have
   * not said when they are free. */
  {
    g_autoptr(JsonObject) speaker = wd_store_get (store, "speaker", "sp-old", &error);

    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (speaker, "free_days"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (speaker, "free_times"), ==, 0);
  }
  order = wd_store_get (store, "order", "o-old", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (order, "number"), ==, "2025-000007");
  hits = wd_store_search (store, "秀兰", WD_SEARCH_ALL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((WdSearchHit *) hits->pdata[0])->id, ==, "sp-old");
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = wd_store_search (store, "党史", WD_SEARCH_ORDERS, 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);

  /* And the migrated store takes new operations. */
  json = g_strdup_printf ("{\"title\":\"讲座\",\"topic_id\":\"t-history\",\"subdistrict_id\":\"sd-a\","
                          "\"venue\":\"活动室\",\"venue_kind\":\"community\",\"starts_at\":\"2026-12-05T09:00\","
                          "\"ends_at\":\"2026-12-05T11:00\",\"requester\":\"社区\",\"contact_name\":\"刘洋\","
                          "\"contact_phone\":\"13912340000\"}");
  wd_operation_apply_json (store, office, 1764550000, "order.create", json, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "number"), ==, "2025-000008");

  g_clear_object (&store);
  /* Opening again finds nothing to do. */
  store = wd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wd_store_get_schema_version (store), ==, 6);
}

static void
test_refuses_newer_schema (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = wd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, WD_ERROR, WD_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "99"));
}

/* A store file damaged (its header overwritten, as a disk error or a
 * copy cut short leaves it) is said to be damaged, with what to do, not
 * as a passing failure; set aside with its write-ahead log, the name is
 * free for a new store, and the damaged bytes are kept as they were. */
static void
test_damaged_store_set_aside (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "desk.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *aside = NULL;
  g_autofree char *aside_wal = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) fresh = NULL;
  gsize length = 0;

  {
    g_autoptr(WdStore) store = wd_store_open (path, &error);

    g_assert_no_error (error);
    g_clear_object (&store);
  }
  g_assert_true (g_file_set_contents (path, "this is not what SQLite wrote, not at all........", -1, NULL));
  g_assert_null (wd_store_open (path, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED);
  g_assert_nonnull (strstr (error->message, "is damaged"));
  g_clear_error (&error);
  /* What a crash left beside it goes with it. */
  g_assert_true (g_file_set_contents (wal, "an old write-ahead log", -1, NULL));

  aside = wd_store_set_aside (path, "damaged", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (aside, path));
  g_assert_nonnull (strstr (aside, ".damaged-"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (aside, &kept, &length, NULL));
  g_assert_nonnull (strstr (kept, "not what SQLite wrote"));
  aside_wal = g_strconcat (aside, "-wal", NULL);
  g_assert_true (g_file_test (aside_wal, G_FILE_TEST_EXISTS));

  fresh = wd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wd_store_get_schema_version (fresh), >, 0);

  /* Nothing there to set aside is said so. */
  g_clear_pointer (&aside, g_free);
  {
    g_autofree char *nothing = g_build_filename (dir, "nothing.db", NULL);

    aside = wd_store_set_aside (nothing, "damaged", &error);
  }
  g_assert_null (aside);
  g_assert_error (error, WD_ERROR, WD_ERROR_STORE);
  g_clear_object (&fresh);
  wd_test_remove_tree (dir);
}

/* Damage deep in a store opens fine and shows only when a query reads
 * it. Once seen, the store does not open again until the whole file
 * proves sound, so the app's start-up offers to set it aside instead of
 * failing query by query. */
static void
test_damage_found_in_use (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "desk.db", NULL);
  g_autofree char *marker = wd_store_damage_mark_path (path);
  g_autofree char *aside = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = wd_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (wd_store_exec (store, "CREATE TABLE filler (b BLOB);"
                                       "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                                       " INSERT INTO filler SELECT randomblob (1500) FROM n;", &error));
  g_clear_object (&store);
  {
    /* The last pages are the filler's: garbage over them, the header and
     * the schema untouched. */
    g_autofree char *bytes = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
    g_assert_cmpuint (length, >, 64 * 1024);
    memset (bytes + length - 32 * 1024, 0x5a, 32 * 1024);
    g_assert_true (g_file_set_contents (path, bytes, (gssize) length, NULL));
  }

  store = wd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (wd_store_exec (store, "SELECT sum (length (b)) FROM filler", &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED);
  g_clear_error (&error);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_clear_object (&store);

  g_assert_null (wd_store_open (path, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED);
  g_clear_error (&error);

  aside = wd_store_set_aside (path, "damaged", &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  store = wd_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  wd_test_remove_tree (dir);
}

/* A full disk: the operation fails saying what to do, and changes
 * nothing. SQLite's page limit stands in for the disk filling up:
 * speakers are added until one finds no room. */
static void
test_disk_full (WdFixture     *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mark = wd_store_damage_mark_path (wd_store_get_path (fx->store));
  guint added = 0;

  g_assert_true (wd_store_exec (fx->store, "PRAGMA max_page_count = 1", &error));
  g_assert_no_error (error);
  for (; added < 1000; added++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"sp-full-%u\",\"name\":\"孙丽%u\",\"phone\":\"13812345678\","
                                               "\"bio\":\"三十年中学历史教师，讲党史故事生动。\","
                                               "\"topics\":[\"t-history\"]}", added, added);
      g_autofree char *before = wd_test_fingerprint (fx->store);
      g_autofree char *after = NULL;
      g_autoptr(JsonObject) result = NULL;

      if (wd_operation_apply_json (fx->store, fx->centre, fx->t0, "speaker.upsert", json, &result, &error))
        continue;
      g_assert_error (error, WD_ERROR, WD_ERROR_STORE);
      g_assert_nonnull (strstr (error->message, "free some disk space"));
      after = wd_test_fingerprint (fx->store);
      g_assert_cmpstr (before, ==, after);
      break;
    }
  g_assert_cmpuint (added, <, 1000);
  g_assert_false (g_file_test (mark, G_FILE_TEST_EXISTS));
}

/* A store that may not be written (a read-only disk, a file of another
 * user): said so, with what to check, and nothing changed. SQLite's
 * query_only stands in, since tests may run as root. */
static void
test_read_only (WdFixture     *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = NULL;

  g_assert_true (wd_store_exec (fx->store, "PRAGMA query_only = 1", &error));
  g_assert_no_error (error);
  refused = wd_test_refuse (fx, fx->centre, "topic.upsert", "{\"id\":\"t-new\",\"name\":\"垃圾分类\"}",
                            WD_ERROR_STORE);
  g_assert_nonnull (strstr (refused->message, "cannot be written"));
  g_assert_nonnull (strstr (refused->message, "nothing was changed"));
}

static void
test_pragmas (WdFixture     *fx,
              gconstpointer  data)
{
  sqlite3 *db = wd_store_get_db (fx->store);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "PRAGMA foreign_keys", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
}

static void
make_orders (WdFixture *fx,
             guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      /* Two orders share each start time, to exercise the id tie-break. */
      g_autofree char *id = wd_test_create_order (fx, (gint) (i / 2) * 3);
    }
}

static void
test_paging (WdFixture     *fx,
             gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gint64 last_start = 0;
  guint pages = 0;

  make_orders (fx, 23);
  do
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;
      g_autoptr(JsonArray) page = wd_store_list_orders (fx->store, NULL, cursor, 5, &next, &error);

      g_assert_no_error (error);
      pages++;
      for (guint i = 0; i < json_array_get_length (page); i++)
        {
          JsonObject *row = json_array_get_object_element (page, i);
          gint64 start = json_object_get_int_member (row, "starts_at");

          g_assert_cmpint (start, >=, last_start);
          last_start = start;
          g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (row, "id"))));
        }
      g_free (cursor);
      cursor = g_steal_pointer (&next);
    }
  while (cursor != NULL);

  g_assert_cmpuint (g_hash_table_size (seen), ==, 23);
  g_assert_cmpuint (pages, ==, 5);
}

static void
test_filters_and_counts (WdFixture     *fx,
                         gconstpointer  data)
{
  g_autofree char *a = wd_test_create_order (fx, 0);
  g_autofree char *b = wd_test_create_order (fx, 5);
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"sp-li\"}", b);
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->centre, "order.dispatch", dispatch);
  WdOrderFilter by_state = { .state = "dispatched" };
  WdOrderFilter by_assignee = { .assignee_id = "sp-li" };
  WdOrderFilter by_range = { .from = fx->t0 + 3 * WD_DAY + WD_HOUR, .to = fx->t0 + 4 * WD_DAY };
  WdOrderFilter by_other_sd = { .subdistrict_id = "sd-b" };
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonObject) counts = NULL;
  g_autoptr(GError) error = NULL;

  rows = wd_store_list_orders (fx->store, &by_state, NULL, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "id"), ==, b);
  g_clear_pointer (&rows, json_array_unref);
  rows = wd_store_list_orders (fx->store, &by_assignee, NULL, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_clear_pointer (&rows, json_array_unref);
  rows = wd_store_list_orders (fx->store, &by_range, NULL, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_clear_pointer (&rows, json_array_unref);
  rows = wd_store_list_orders (fx->store, &by_other_sd, NULL, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 0);

  counts = wd_store_count_orders (fx->store, NULL, "state", &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (counts, "ordered"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "dispatched"), ==, 1);
  g_clear_pointer (&counts, json_object_unref);
  counts = wd_store_count_orders (fx->store, NULL, "subdistrict", &error);
  g_assert_cmpint (json_object_get_int_member (counts, "千佛山街道"), ==, 2);
  g_clear_pointer (&counts, json_object_unref);
  counts = wd_store_count_orders (fx->store, NULL, "venue_kind", &error);
  g_assert_cmpint (json_object_get_int_member (counts, "社区"), ==, 2);
  g_clear_pointer (&counts, json_object_unref);

  counts = wd_store_count_orders (fx->store, NULL, "phone; DROP TABLE orders", &error);
  g_assert_null (counts);
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
}

static void
test_speaker_and_project_views (WdFixture     *fx,
                                gconstpointer  data)
{
  WdSpeakerFilter history = { .topic_id = "t-history" };
  WdSpeakerFilter in_a = { .subdistrict_id = "sd-a" };
  WdProjectFilter schools = { .venue_kind = "school" };
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  g_autofree char *id = NULL;

  rows = wd_store_list_speakers (fx->store, &history, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 3);
  g_clear_pointer (&rows, json_array_unref);
  rows = wd_store_list_speakers (fx->store, &in_a, NULL, 1, &next, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_nonnull (next);
  g_clear_pointer (&rows, json_array_unref);
  rows = wd_store_list_speakers (fx->store, &in_a, next, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_clear_pointer (&rows, json_array_unref);

  rows = wd_store_list_projects (fx->store, &schools, NULL, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "team_name"),
                   ==, "甸柳亲子共读会");
  g_clear_pointer (&rows, json_array_unref);

  rows = wd_store_list_speakers (fx->store, NULL, "not a cursor", 10, NULL, &error);
  g_assert_null (rows);
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);

  id = wd_store_find_id_by_name (fx->store, "subdistrict", "甸柳街道", NULL);
  g_assert_cmpstr (id, ==, "sd-b");
  g_clear_pointer (&id, g_free);
  id = wd_store_find_id_by_name (fx->store, "topic", "t-law", NULL);
  g_assert_cmpstr (id, ==, "t-law");
  g_clear_pointer (&id, g_free);
  id = wd_store_find_id_by_name (fx->store, "topic", "'; DROP TABLE topics; --", NULL);
  g_assert_null (id);

  /* Two speakers may share a name: neither is taken for the other. */
  {
    g_autoptr(JsonObject) added = wd_test_apply (fx, fx->centre, "speaker.upsert",
                                                 "{\"id\":\"sp-wang-2\",\"name\":\"王芳\",\"phone\":\"13900000077\","
                                                 "\"topics\":[\"t-law\"]}");
    g_autoptr(GError) ambiguous = NULL;

    id = wd_store_find_id_by_name (fx->store, "speaker", "王芳", &ambiguous);
    g_assert_null (id);
    g_assert_error (ambiguous, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (ambiguous->message, "sp-wang"));
    g_assert_nonnull (strstr (ambiguous->message, "sp-wang-2"));
    id = wd_store_find_id_by_name (fx->store, "speaker", "sp-wang-2", NULL);
    g_assert_cmpstr (id, ==, "sp-wang-2");
    g_clear_pointer (&id, g_free);
  }
}

/* The list models' reads: keys in display order, rows by key in the
 * order asked, a vanished key left out; more keys than the store looks
 * up at once (50) come back whole. */
static void
test_keys_and_rows (WdFixture     *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) keys = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) reversed = NULL;
  gint64 backwards[3];
  WdOrderFilter ordered = { .state = "ordered" };
  WdOrderFilter cancelled = { .state = "cancelled" };

  make_orders (fx, 123);
  all = wd_store_list_orders (fx->store, NULL, NULL, 200, NULL, &error);
  g_assert_no_error (error);
  keys = wd_store_order_keys (fx->store, &ordered, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 123);
  rows = wd_store_get_rows (fx->store, "order", (gint64 *) keys->data, keys->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (rows), ==, 123);
  for (guint i = 0; i < 123; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, i), "id"), ==,
                     json_object_get_string_member (json_array_get_object_element (all, i), "id"));

  backwards[0] = g_array_index (keys, gint64, 2);
  backwards[1] = 999999;
  backwards[2] = g_array_index (keys, gint64, 0);
  reversed = wd_store_get_rows (fx->store, "order", backwards, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (reversed), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (reversed, 0), "id"), ==,
                   json_object_get_string_member (json_array_get_object_element (all, 2), "id"));

  none = wd_store_order_keys (fx->store, &cancelled, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

/* A list reads an order's row narrower than the whole: what a board card
 * and a schedule line show and the card's menu judges by, each member as
 * the whole row has it; and no more (the point of it: a search reads the
 * rows it shows while the user types). */
static void
test_list_rows (WdFixture     *fx,
                gconstpointer  data)
{
  static const char * const shown[] = {
    "id", "number", "title", "starts_at", "ends_at", "venue", "venue_kind_name", "requester",
    "subdistrict_id", "subdistrict_name", "state", "assignee_id", "assignee_name", "accept_deadline", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) keys = NULL;
  g_autoptr(GHashTable) whole = NULL;
  g_autoptr(GHashTable) listed = NULL;
  WdOrderFilter ordered = { .state = "ordered" };
  GHashTableIter iter;
  gpointer key, value;

  make_orders (fx, 3);
  keys = wd_store_order_keys (fx->store, &ordered, NULL, &error);
  g_assert_no_error (error);
  whole = wd_store_get_rows_by_key (fx->store, "order", (gint64 *) keys->data, keys->len, &error);
  g_assert_no_error (error);
  listed = wd_store_get_list_rows_by_key (fx->store, "order", (gint64 *) keys->data, keys->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (listed), ==, 3);

  g_hash_table_iter_init (&iter, listed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *row = value;
      JsonObject *full = g_hash_table_lookup (whole, key);
      g_autoptr(GList) members = json_object_get_members (row);

      g_assert_nonnull (full);
      for (guint i = 0; shown[i] != NULL; i++)
        g_assert_true (json_object_has_member (row, shown[i]));
      for (GList *m = members; m != NULL; m = m->next)
        g_assert_true (json_node_equal (json_object_get_member (row, m->data), json_object_get_member (full, m->data)));
      g_assert_cmpuint (json_object_get_size (row), <, json_object_get_size (full) / 2 + 1);
    }
}

/* The callbacks sample depends on the order alone, takes about the rate
 * asked, and everything at 100 %. */
static void
test_callback_sample (void)
{
  guint in_sample = 0;

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *id = g_strdup_printf ("order-%u", i);

      g_assert_true (wd_callback_sampled (id, 100));
      g_assert_false (wd_callback_sampled (id, 0));
      g_assert_cmpint (wd_callback_sampled (id, 20), ==, wd_callback_sampled (id, 20));
      in_sample += wd_callback_sampled (id, 20);
    }
  g_assert_cmpuint (in_sample, >, 340);
  g_assert_cmpuint (in_sample, <, 460);
}

/* Takes an order through dispatch, acceptance and delivery. */
static void
deliver (WdFixture  *fx,
         const char *order_id)
{
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"sp-wang\"}", order_id);
  g_autofree char *plain = g_strdup_printf ("{\"order_id\":\"%s\"}", order_id);
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  gint64 after = fx->t0 + 5 * WD_DAY;

  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.accept", plain));
  json_object_unref (wd_test_apply_at (fx, wang, after, "order.deliver", plain));
}

static void
assert_queue (WdFixture   *fx,
              guint        rate,
              guint        limit,
              const char **expected,
              guint        expected_due)
{
  g_autoptr(GError) error = NULL;
  guint due = G_MAXUINT;
  g_autoptr(JsonArray) queue = wd_store_callback_queue (fx->store, rate, limit, &due, &error);
  g_autoptr(JsonArray) uncounted = wd_store_callback_queue (fx->store, rate, limit, NULL, &error);
  guint n = g_strv_length ((char **) expected);

  g_assert_no_error (error);
  g_assert_cmpuint (due, ==, expected_due);
  g_assert_cmpuint (json_array_get_length (uncounted), ==, n);
  g_assert_cmpuint (json_array_get_length (queue), ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *order = json_array_get_object_element (queue, i);

      g_assert_cmpstr (json_object_get_string_member (order, "id"), ==, expected[i]);
      /* Rows as the views show them, names joined in. */
      g_assert_cmpstr (json_object_get_string_member (order, "subdistrict_name"), !=, NULL);
      g_assert_true (json_object_has_member (order, "rating"));
    }
}

/* The callbacks queue: delivered or rated orders in the sample that
 * nobody has phoned yet, the earliest held first, and how many there are. */
static void
test_callback_queue (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autofree char *a = wd_test_create_order (fx, 0);
  g_autofree char *b = wd_test_create_order (fx, 3);
  g_autofree char *c = wd_test_create_order (fx, 6);
  g_autofree char *d = wd_test_create_order (fx, 9);
  g_autofree char *undelivered = wd_test_create_order (fx, 12);
  g_autofree char *called = NULL;
  const char *all[] = { a, c, d, NULL };
  const char *first_two[] = { a, c, NULL };
  const char *none[] = { NULL };

  /* Made in another order than they end. */
  deliver (fx, d);
  deliver (fx, b);
  deliver (fx, a);
  deliver (fx, c);
  called = g_strdup_printf ("{\"order_id\":\"%s\",\"outcome\":\"satisfied\",\"satisfaction\":5}", b);
  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 6 * WD_DAY, "order.callback", called));

  assert_queue (fx, 100, 10, all, 3);
  /* The count goes on past the orders shown. */
  assert_queue (fx, 100, 2, first_two, 3);
  assert_queue (fx, 100, 0, none, 3);
  assert_queue (fx, 0, 10, none, 0);
}

/* How many orders a take reports for actor, and the first of them. */
static guint
take_waiting (WdFixture     *fx,
              const WdActor *actor,
              guint          limit,
              const char   **first_id)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;
  g_autoptr(JsonArray) rows = wd_store_take_newly_waiting (fx->store, actor, limit, &n, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_cmpuint (json_array_get_length (rows), ==, MIN (n, limit));
  if (first_id != NULL)
    *first_id = json_array_get_length (rows) > 0
                ? g_intern_string (json_object_get_string_member (json_array_get_object_element (rows, 0), "id"))
                : NULL;
  return n;
}

/* What a user is told after a sync: orders that came to wait for their
 * next step through someone else's, each once; one sent back waits anew.
 * The centre dispatches, an office rates its deliveries, a speaker
 * answers what was dispatched to them. */
static void
test_newly_waiting (WdFixture     *fx,
                    gconstpointer  data)
{
  g_autofree char *before = wd_test_create_order (fx, 0);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *own = NULL;
  g_autofree char *dispatch = NULL;
  g_autofree char *decline = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  const char *first = NULL;

  /* The first take of each queue only notes what waits already. */
  g_assert_cmpuint (take_waiting (fx, fx->centre, 10, &first), ==, 0);
  g_assert_cmpuint (take_waiting (fx, fx->office_a, 10, &first), ==, 0);
  g_assert_cmpuint (take_waiting (fx, wang, 10, &first), ==, 0);

  a = wd_test_create_order (fx, 3);
  g_assert_cmpint (wd_store_count_waiting (fx->store, fx->centre, NULL), ==, 2);
  g_assert_cmpuint (take_waiting (fx, fx->centre, 10, &first), ==, 1);
  g_assert_cmpstr (first, ==, a);
  g_assert_cmpuint (take_waiting (fx, fx->centre, 10, &first), ==, 0);
  /* Not the office's to act on, nor the speaker's. */
  g_assert_cmpuint (take_waiting (fx, fx->office_a, 10, &first), ==, 0);
  g_assert_cmpuint (take_waiting (fx, wang, 10, &first), ==, 0);

  /* The desk's own order is not news to it. */
  own = g_strdup_printf ("{\"title\":\"中心自己的讲座\",\"topic_id\":\"t-history\",\"subdistrict_id\":\"sd-a\","
                         "\"venue\":\"历阳社区党群服务中心\",\"venue_kind\":\"community\",\"starts_at\":%" G_GINT64_FORMAT
                         ",\"ends_at\":%" G_GINT64_FORMAT ",\"requester\":\"历阳社区居委会\",\"contact_name\":\"刘洋\","
                         "\"contact_phone\":\"13912340000\"}", fx->t0 + 4 * WD_DAY, fx->t0 + 4 * WD_DAY + 2 * WD_HOUR);
  json_object_unref (wd_test_apply (fx, fx->centre, "order.create", own));
  g_assert_cmpuint (take_waiting (fx, fx->centre, 10, &first), ==, 0);

  /* Several at once: counted all, read up to the limit, earliest first. */
  c = wd_test_create_order (fx, 9);
  b = wd_test_create_order (fx, 6);
  g_assert_cmpuint (take_waiting (fx, fx->centre, 1, &first), ==, 2);
  g_assert_cmpstr (first, ==, b);

  /* Dispatched: the speaker's to answer. Declined by them, it is back in
   * the centre's queue: news again there. */
  dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-wang\"}",
                              before);
  decline = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"那天出差\"}", before);
  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  g_assert_cmpuint (take_waiting (fx, fx->centre, 10, &first), ==, 0);
  g_assert_cmpint (wd_store_count_waiting (fx->store, wang, NULL), ==, 1);
  g_assert_cmpuint (take_waiting (fx, wang, 10, &first), ==, 1);
  g_assert_cmpstr (first, ==, before);
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.decline", decline));
  g_assert_cmpuint (take_waiting (fx, fx->centre, 10, &first), ==, 1);
  g_assert_cmpstr (first, ==, before);
  g_assert_cmpuint (take_waiting (fx, wang, 10, &first), ==, 0);

  /* Delivered by the speaker: the office's to rate. */
  deliver (fx, a);
  g_assert_cmpint (wd_store_count_waiting (fx->store, fx->office_a, NULL), ==, 1);
  g_assert_cmpint (wd_store_count_waiting (fx->store, fx->office_b, NULL), ==, 0);
  g_assert_cmpuint (take_waiting (fx, fx->office_a, 10, &first), ==, 1);
  g_assert_cmpstr (first, ==, a);
  g_assert_cmpuint (take_waiting (fx, fx->office_b, 10, &first), ==, 0);
  g_assert_cmpuint (take_waiting (fx, fx->office_a, 10, &first), ==, 0);

  /* A delivery the office recorded itself is not news to it. */
  g_free (dispatch);
  dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-wang\"}", b);
  plain = g_strdup_printf ("{\"order_id\":\"%s\"}", b);
  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.accept", plain));
  json_object_unref (wd_test_apply_at (fx, fx->office_a, fx->t0 + 5 * WD_DAY, "order.deliver", plain));
  g_assert_cmpuint (take_waiting (fx, fx->office_a, 10, &first), ==, 0);
}

/* Another process ends its session with the store: it may checkpoint and
 * delete the WAL only when it is the last one with the file open. */
static void
close_from_another_process (void)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (g_getenv ("WD_TEST_STORE"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "SELECT count (*) FROM orders", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Opening a second connection in the same process (the server's
 * snapshot worker, the app's sync engine) must not drop the first one's
 * locks: if it did, another process closing the file would think itself
 * the last user, delete the WAL, and every later commit of the first
 * connection would go to a file nobody else can see. */
static void
test_second_connection_keeps_locks (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autoptr(WdStore) first = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      close_from_another_process ();
      return;
    }

  dir = g_dir_make_tmp ("wudan-test-XXXXXX", NULL);
  path = g_build_filename (dir, "locks.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  first = wd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (wd_store_set_setting (first, "probe", "1", &error));
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_object_unref (wd_store_open (path, &error));
  g_assert_no_error (error);

  g_setenv ("WD_TEST_STORE", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_clear_object (&first);
  wd_test_remove_tree (dir);
}

static guint
count_keys (WdStore    *store,
            const char *state,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  WdOrderFilter filter = { .state = state };
  g_autoptr(GArray) keys = wd_store_order_keys (store, &filter, text, &error);

  g_assert_no_error (error);
  return keys->len;
}

/* A list's keys and a search's matches are held by the store between
 * the reads that ask for them (a search filters the list's keys by the
 * match); they must follow every change: another connection's, the
 * store's own, and a new search. */
static void
test_searched_keys_follow_changes (WdFixture     *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "store.db", NULL);
  g_autoptr(WdStore) reader = wd_store_open (path, &error);
  g_autofree char *first = NULL;
  g_autofree char *cancel = NULL;
  guint many = 3100;

  g_assert_no_error (error);
  make_orders (fx, 3);
  g_assert_cmpuint (count_keys (reader, "ordered", "党史"), ==, 3);
  g_assert_cmpuint (count_keys (reader, "ordered", "刘洋"), ==, 3);
  g_assert_cmpuint (count_keys (reader, "ordered", "民法典"), ==, 0);
  g_assert_cmpuint (count_keys (reader, "dispatched", "党史"), ==, 0);
  g_assert_cmpuint (count_keys (reader, "ordered", NULL), ==, 3);

  /* Another connection commits: the reader sees it at once. */
  first = wd_test_create_order (fx, 1);
  g_assert_cmpuint (count_keys (reader, "ordered", "党史"), ==, 4);
  g_assert_cmpuint (count_keys (reader, "ordered", NULL), ==, 4);

  /* The store's own write. */
  g_assert_cmpuint (count_keys (fx->store, "ordered", "党史"), ==, 4);
  g_assert_cmpuint (count_keys (fx->store, "ordered", NULL), ==, 4);
  g_free (wd_test_create_order (fx, 2));
  g_assert_cmpuint (count_keys (fx->store, "ordered", "党史"), ==, 5);
  g_assert_cmpuint (count_keys (fx->store, "ordered", NULL), ==, 5);

  /* A write rolled back leaves what it changed, but the list is read anew. */
  g_assert_true (wd_store_begin (fx->store, &error));
  g_free (wd_test_create_order (fx, 3));
  g_assert_cmpuint (count_keys (fx->store, "ordered", NULL), ==, 6);
  wd_store_rollback (fx->store);
  g_assert_cmpuint (count_keys (fx->store, "ordered", NULL), ==, 5);
  g_assert_cmpuint (count_keys (fx->store, "ordered", "党史"), ==, 5);

  /* Many matches, then a change among them. */
  g_assert_true (wd_store_begin (fx->store, &error));
  make_orders (fx, many - 5);
  g_assert_true (wd_store_commit (fx->store, &error));
  g_assert_cmpuint (count_keys (reader, "ordered", "党史"), ==, many);
  g_assert_cmpuint (count_keys (reader, "ordered", "历阳"), ==, many);
  g_assert_cmpuint (count_keys (reader, "ordered", NULL), ==, many);
  g_free (wd_test_create_order (fx, 4));
  g_assert_cmpuint (count_keys (reader, "ordered", "党史"), ==, many + 1);
  cancel = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"场地临时不可用\"}", first);
  json_object_unref (wd_test_apply (fx, fx->office_a, "order.cancel", cancel));
  g_assert_cmpuint (count_keys (reader, "ordered", "党史"), ==, many);
  g_assert_cmpuint (count_keys (reader, "cancelled", "党史"), ==, 1);
  g_assert_cmpuint (count_keys (reader, "cancelled", NULL), ==, 1);
  g_assert_cmpuint (count_keys (reader, "ordered", NULL), ==, many);

  /* Matches kept inside a transaction that is rolled back go with it. */
  g_assert_cmpuint (count_keys (reader, "ordered", "民法典"), ==, 0);
  g_assert_true (wd_store_begin (reader, &error));
  g_assert_cmpuint (count_keys (reader, "ordered", "刘洋"), ==, many);
  wd_store_rollback (reader);
  g_assert_cmpuint (count_keys (reader, "ordered", "刘洋"), ==, many);
}

/* A row's rowid may be anything SQLite allows, huge or below zero (a
 * store put together by hand, or damaged): a search finds it all the
 * same, and holds no set the size of the number. */
static void
test_searched_keys_with_huge_rowids (WdFixture     *fx,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *move = NULL;
  gint64 huge[] = { G_GINT64_CONSTANT (9000000000), G_MAXINT64, -5 };

  make_orders (fx, 3);
  id = wd_test_create_order (fx, 1);
  for (guint i = 0; i < G_N_ELEMENTS (huge); i++)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE orders SET rowid = %" G_GINT64_FORMAT " WHERE id = '%s'",
                                              huge[i], id);

      g_assert_true (wd_store_exec (fx->store, sql, &error));
      g_assert_no_error (error);
      g_assert_true (wd_search_reindex_all (fx->store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count_keys (fx->store, "ordered", "党史"), ==, 4);
      g_assert_cmpuint (count_keys (fx->store, "ordered", "民法典"), ==, 0);
      g_assert_cmpuint (count_keys (fx->store, "ordered", NULL), ==, 4);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/migrate-from-schema-1", test_migrate_from_schema_1);
  g_test_add_func ("/store/refuses-newer-schema", test_refuses_newer_schema);
  g_test_add_func ("/store/damaged-store-set-aside", test_damaged_store_set_aside);
  g_test_add_func ("/store/damage-found-in-use", test_damage_found_in_use);
  FIXTURE ("/store/pragmas", test_pragmas);
  FIXTURE ("/store/disk-full", test_disk_full);
  FIXTURE ("/store/read-only", test_read_only);
  FIXTURE ("/store/paging", test_paging);
  FIXTURE ("/store/filters-and-counts", test_filters_and_counts);
  FIXTURE ("/store/speaker-and-project-views", test_speaker_and_project_views);
  FIXTURE ("/store/keys-and-rows", test_keys_and_rows);
  FIXTURE ("/store/list-rows", test_list_rows);
  FIXTURE ("/store/searched-keys-follow-changes", test_searched_keys_follow_changes);
  FIXTURE ("/store/searched-keys-with-huge-rowids", test_searched_keys_with_huge_rowids);
  g_test_add_func ("/store/callback-sample", test_callback_sample);
  FIXTURE ("/store/callback-queue", test_callback_queue);
  FIXTURE ("/store/newly-waiting", test_newly_waiting);
  g_test_add_func ("/store/second-connection-keeps-locks", test_second_connection_keeps_locks);

  return g_test_run ();
}
