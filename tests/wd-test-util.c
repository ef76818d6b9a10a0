/* wd-test-util.c: the test district and operation helpers. */
#include "config.h"

#include <glib/gstdio.h>

#include "wd-store-private.h"
#include "wd-test-util.h"

static gint64
test_epoch (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) dt = g_date_time_new (tz ? tz : g_time_zone_new_offset (8 * 3600),
                                             2026, 12, 1, 9, 0, 0);

  return g_date_time_to_unix (dt);
}

void
wd_fixture_open_empty (WdFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fx->dir = g_dir_make_tmp ("wudan-test-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fx->dir, "store.db", NULL);
  fx->store = wd_store_open (path, &error);
  g_assert_no_error (error);

  fx->t0 = test_epoch ();
  fx->admin = wd_actor_new ("admin", WD_ROLE_ADMIN);
  fx->centre = wd_actor_new ("centre-zhang", WD_ROLE_CENTRE);
  fx->centre2 = wd_actor_new ("centre-li", WD_ROLE_CENTRE);
  fx->office_a = wd_actor_new_office ("office-a", "sd-a");
  fx->office_b = wd_actor_new_office ("office-b", "sd-b");
}

void
wd_fixture_setup (WdFixture     *fx,
                  gconstpointer  data)
{
  gint64 setup = 0;

  wd_fixture_open_empty (fx);
  setup = fx->t0 - 30 * WD_DAY;

  wd_test_apply_at (fx, fx->admin, setup, "subdistrict.upsert", "{\"id\":\"sd-a\",\"name\":\"千佛山街道\"}");
  wd_test_apply_at (fx, fx->admin, setup, "subdistrict.upsert", "{\"id\":\"sd-b\",\"name\":\"甸柳街道\"}");
  wd_test_apply_at (fx, fx->admin, setup, "topic.upsert", "{\"id\":\"t-history\",\"name\":\"党史\"}");
  wd_test_apply_at (fx, fx->admin, setup, "topic.upsert", "{\"id\":\"t-mind\",\"name\":\"心理健康\"}");
  wd_test_apply_at (fx, fx->admin, setup, "topic.upsert", "{\"id\":\"t-law\",\"name\":\"法治宣传\"}");
  wd_test_apply_at (fx, fx->admin, setup, "team.upsert",
                    "{\"id\":\"team-a\",\"name\":\"千佛山银发宣讲团\",\"subdistrict_id\":\"sd-a\","
                    "\"leader\":\"王淑芬\",\"phone\":\"13805310102\",\"members\":32}");
  wd_test_apply_at (fx, fx->admin, setup, "team.upsert",
                    "{\"id\":\"team-b\",\"name\":\"甸柳亲子共读会\",\"subdistrict_id\":\"sd-b\","
                    "\"leader\":\"陈晓燕\",\"phone\":\"0531-86123456\"}");
  wd_test_apply_at (fx, fx->admin, setup, "speaker.upsert",
                    "{\"id\":\"sp-wang\",\"name\":\"王芳\",\"subdistrict_id\":\"sd-a\","
                    "\"phone\":\"139 1234 5678\",\"title\":\"退休教师\",\"organisation\":\"济南第一中学\","
                    "\"bio\":\"三十年中学历史教师，讲党史故事生动。\",\"topics\":[\"t-history\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "speaker.upsert",
                    "{\"id\":\"sp-li\",\"name\":\"李强\",\"subdistrict_id\":\"sd-b\","
                    "\"phone\":\"13700001111\",\"bio\":\"律师，长期普法。\","
                    "\"topics\":[\"t-history\",\"t-law\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "speaker.upsert",
                    "{\"id\":\"sp-zhang\",\"name\":\"张敏\",\"subdistrict_id\":\"sd-a\","
                    "\"phone\":\"13600002222\",\"bio\":\"心理咨询师。\",\"topics\":[\"t-mind\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "speaker.upsert",
                    "{\"id\":\"sp-zhao\",\"name\":\"赵刚\",\"phone\":\"13500003333\","
                    "\"bio\":\"法官，讲解民法典。\",\"topics\":[\"t-law\",\"t-history\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "project.upsert",
                    "{\"id\":\"p-reading\",\"title\":\"亲子共读时光\",\"category\":\"文化传承\","
                    "\"team_id\":\"team-b\",\"description\":\"亲子阅读与绘本分享。\","
                    "\"venue_kinds\":[\"community\",\"school\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "project.upsert",
                    "{\"id\":\"p-history\",\"title\":\"党史故事小讲堂\",\"category\":\"理论宣讲\","
                    "\"team_id\":\"team-a\",\"topic_id\":\"t-history\",\"description\":\"讲述党史故事。\","
                    "\"venue_kinds\":[\"community\",\"agency\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "project.upsert",
                    "{\"id\":\"p-story\",\"title\":\"故事会\",\"category\":\"文化传承\","
                    "\"team_id\":\"team-a\",\"description\":\"讲故事。\","
                    "\"venue_kinds\":[\"community\"]}");
  wd_test_apply_at (fx, fx->admin, setup, "fund.upsert", "{\"id\":\"fund-a\",\"name\":\"公益基金\"}");
  wd_test_apply_at (fx, fx->admin, setup, "fund.deposit",
                    "{\"fund_id\":\"fund-a\",\"amount_cents\":1000000,\"reference\":\"拨款\"}");
}

/* Removes a test's folder of files (no subfolders). */
void
wd_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

void
wd_fixture_teardown (WdFixture     *fx,
                     gconstpointer  data)
{
  g_clear_object (&fx->store);
  wd_test_remove_tree (fx->dir);
  g_free (fx->dir);
  wd_actor_free (fx->admin);
  wd_actor_free (fx->centre);
  wd_actor_free (fx->centre2);
  wd_actor_free (fx->office_a);
  wd_actor_free (fx->office_b);
}

JsonObject *
wd_test_parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

JsonObject *
wd_test_apply_at (WdFixture      *fx,
                  const WdActor  *actor,
                  gint64          now,
                  const char     *kind,
                  const char     *json)
{
  g_autoptr(JsonObject) args = wd_test_parse_object (json);
  g_autoptr(GError) error = NULL;
  JsonObject *result = NULL;

  wd_operation_apply (fx->store, actor, now, NULL, kind, args, &result, &error);
  if (error != NULL)
    g_test_message ("%s %s refused: %s", kind, json, error->message);
  g_assert_no_error (error);
  return result;
}

JsonObject *
wd_test_apply (WdFixture      *fx,
               const WdActor  *actor,
               const char     *kind,
               const char     *json)
{
  return wd_test_apply_at (fx, actor, fx->t0, kind, json);
}

/* Asserts that the operation is refused with code and that the store is
 * exactly as it was; returns the error for checks of its message. */
GError *
wd_test_refuse_at (WdFixture      *fx,
                   const WdActor  *actor,
                   gint64          now,
                   const char     *kind,
                   const char     *json,
                   int             code)
{
  g_autofree char *before = wd_test_fingerprint (fx->store);
  g_autofree char *after = NULL;
  GError *error = NULL;
  g_autoptr(JsonObject) result = NULL;

  g_assert_false (wd_operation_apply_json (fx->store, actor, now, kind, json, &result, &error));
  g_assert_nonnull (error);
  if (!g_error_matches (error, WD_ERROR, code))
    g_test_message ("%s %s: expected %s, got %s: %s", kind, json, wd_error_code_to_string (code),
                    wd_error_code_to_string (error->code), error->message);
  g_assert_error (error, WD_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 10);

  after = wd_test_fingerprint (fx->store);
  g_assert_cmpstr (before, ==, after);
  return error;
}

GError *
wd_test_refuse (WdFixture      *fx,
                const WdActor  *actor,
                const char     *kind,
                const char     *json,
                int             code)
{
  return wd_test_refuse_at (fx, actor, fx->t0, kind, json, code);
}

/* A digest of every row of every table: equal fingerprints, equal data. */
char *
wd_test_fingerprint (WdStore *store)
{
  sqlite3 *db = wd_store_get_db (store);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"",
                                              (char *) g_ptr_array_index (tables, i));

      g_checksum_update (sum, (const guchar *) sql, -1);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const void *blob = sqlite3_column_blob (stmt, c);

            g_checksum_update (sum, (const guchar *) "|", 1);
            if (blob != NULL)
              g_checksum_update (sum, blob, sqlite3_column_bytes (stmt, c));
          }
      sqlite3_finalize (stmt);
    }
  return g_strdup (g_checksum_get_string (sum));
}

char *
wd_test_create_order (WdFixture *fx,
                      gint       offset_hours)
{
  gint64 starts = fx->t0 + 3 * WD_DAY + (gint64) offset_hours * WD_HOUR;
  g_autofree char *json = g_strdup_printf (
      "{\"title\":\"党史专题宣讲\",\"topic_id\":\"t-history\",\"subdistrict_id\":\"sd-a\","
      "\"community\":\"历阳社区\",\"venue\":\"历阳社区党群服务中心\",\"venue_kind\":\"community\","
      "\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ",\"audience\":60,"
      "\"requester\":\"历阳社区居委会\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}",
      starts, starts + 2 * WD_HOUR);
  g_autoptr(JsonObject) result = wd_test_apply (fx, fx->office_a, "order.create", json);

  return g_strdup (json_object_get_string_member (result, "id"));
}

char *
wd_test_order_state (WdFixture  *fx,
                     const char *order_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = wd_store_get (fx->store, "order", order_id, &error);

  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (order, "state"));
}

WdActor *
wd_test_speaker_actor (const char *speaker_id)
{
  g_autofree char *user = g_strdup_printf ("%s-account", speaker_id);

  return wd_actor_new_assignee (user, WD_ASSIGNEE_SPEAKER, speaker_id);
}

/* The text seed with one to three mutations: bytes erased, replaced or cut off,
 * or pieces of JSON syntax and awkward text put in. */
char *
wd_test_mutate (GRand      *rand,
                const char *seed)
{
  GString *s = g_string_new (seed);
  static const char * const inserts[] = {
    "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1e999", "\\u0000", "\\ud800",
    "\xff", "\xe4\xb8", "党", "\x01", "0", " ", "\"id\":\"x\",",
  };
  int n = g_rand_int_range (rand, 1, 4);

  for (int i = 0; i < n && s->len > 0; i++)
    {
      gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) s->len);
      gsize span = (gsize) g_rand_int_range (rand, 1, 8);

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          g_string_erase (s, (gssize) at, (gssize) MIN (span, s->len - at));
          break;
        case 1:
          g_string_insert (s, at, inserts[g_rand_int_range (rand, 0, G_N_ELEMENTS (inserts))]);
          break;
        case 2:
          s->str[at] = (char) g_rand_int_range (rand, 1, 256);
          break;
        default:
          g_string_truncate (s, at);
          break;
        }
    }
  return g_string_free (s, FALSE);
}

/* A fixed seed keeps CI repeatable; WUDAN_FUZZ_SEED=random explores. */
guint32
wd_test_fuzz_seed (void)
{
  const char *env = g_getenv ("WUDAN_FUZZ_SEED");

  if (env == NULL)
    return 20261128;
  if (g_str_equal (env, "random"))
    return g_random_int ();
  return (guint32) g_ascii_strtoull (env, NULL, 10);
}
