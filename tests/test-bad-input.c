/* test-bad-input.c: hostile and broken input gets a clear error and
 * leaves the store exactly as it was; text that merely looks dangerous is
 * stored as written. Ends with a seeded fuzz of the decoders. */
#include "config.h"

#include "wd-json.h"
#include "wd-search.h"
#include "wd-search-private.h"
#include "wd-test-util.h"
#include "wd-time.h"
#include "wd-validate.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

static void
test_sql_lookalikes_stored_verbatim (WdFixture     *fx,
                                     gconstpointer  data)
{
  const char *bio = "O'Brien said \"hi\"; DROP TABLE speakers; -- 1=1 OR '1'='1' %s %n \\ \\\\";
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *topics = json_array_new ();

  json_array_add_string_element (topics, "t-law");
  json_object_set_string_member (args, "id", "sp-quote");
  json_object_set_string_member (args, "name", "O'Brien \"王\"");
  json_object_set_string_member (args, "phone", "13800000001");
  json_object_set_string_member (args, "bio", bio);
  json_object_set_array_member (args, "topics", topics);
  g_assert_true (wd_operation_apply (fx->store, fx->centre, fx->t0, NULL, "speaker.upsert", args, &result,
                                     &error));
  g_assert_no_error (error);

  row = wd_store_get (fx->store, "speaker", "sp-quote", &error);
  g_assert_cmpstr (json_object_get_string_member (row, "bio"), ==, bio);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "O'Brien \"王\"");
  all = wd_store_list_all (fx->store, "speaker", &error);
  g_assert_cmpuint (json_array_get_length (all), ==, 5);
}

static void
test_huge_fields (WdFixture     *fx,
                  gconstpointer  data)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *json = NULL;
  GError *e;

  for (int i = 0; i < 100 * 1024 / 3; i++)
    g_string_append (big, "讲");
  json = g_strdup_printf ("{\"id\":\"sp-big\",\"name\":\"大\",\"phone\":\"13800000002\",\"bio\":\"%s\","
                          "\"topics\":[\"t-law\"]}", big->str);
  e = wd_test_refuse (fx, fx->centre, "speaker.upsert", json, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "bio"));
  g_assert_nonnull (strstr (e->message, "2000"));
  g_error_free (e);

  g_free (json);
  json = g_strdup_printf ("{\"id\":\"t-big\",\"name\":\"%s\"}", big->str);
  e = wd_test_refuse (fx, fx->centre, "topic.upsert", json, WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
}

static void
test_invalid_utf8 (WdFixture     *fx,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *before = wd_test_fingerprint (fx->store);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  GError *e;

  /* Built in memory, past any parser. */
  json_object_set_string_member (args, "id", "t-bad");
  json_object_set_string_member (args, "name", "党\xff\xfe史");
  g_assert_false (wd_operation_apply (fx->store, fx->centre, fx->t0, NULL, "topic.upsert", args, NULL, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  after = wd_test_fingerprint (fx->store);
  g_assert_cmpstr (before, ==, after);

  e = wd_test_refuse (fx, fx->centre, "topic.upsert", "{\"id\":\"t-bad\",\"name\":\"\xe5\x85\"}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
}

static void
test_embedded_nul (WdFixture     *fx,
                   gconstpointer  data)
{
  GError *e = wd_test_refuse (fx, fx->centre, "topic.upsert", "{\"id\":\"t-nul\",\"name\":\"党\\u0000史\"}",
                              WD_ERROR_INVALID_ARGUMENT);

  g_assert_nonnull (strstr (e->message, "NUL"));
  g_error_free (e);
}

static void
test_impossible_values (WdFixture     *fx,
                        gconstpointer  data)
{
  static const char * const cases[] = {
    "\"starts_at\":\"2026-02-30T09:00\",\"ends_at\":\"2026-03-01T11:00\"",
    "\"starts_at\":\"2026-12-05T25:00\",\"ends_at\":\"2026-12-05T26:00\"",
    "\"starts_at\":99999999999999,\"ends_at\":99999999999999",
    "\"starts_at\":\"2026-12-05T09:00\",\"ends_at\":\"2026-12-05T11:00\",\"audience\":-3",
    "\"starts_at\":\"2026-12-05T09:00\",\"ends_at\":\"2026-12-05T11:00\",\"audience\":1e12",
    "\"starts_at\":\"2026-12-05T09:00\",\"ends_at\":\"2026-12-05T11:00\",\"audience\":\"many\"",
    "\"starts_at\":[],\"ends_at\":{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
          "{\"title\":\"讲座\",\"topic_id\":\"t-law\",\"subdistrict_id\":\"sd-a\",\"venue\":\"活动室\","
          "\"venue_kind\":\"community\",\"requester\":\"社区\",\"contact_name\":\"刘洋\","
          "\"contact_phone\":\"13912340000\",%s}", cases[i]);
      GError *e = wd_test_refuse (fx, fx->office_a, "order.create", json, WD_ERROR_INVALID_ARGUMENT);

      g_error_free (e);
    }
}

/* Mutations of valid arguments: each must be applied cleanly or refused
 * with a WD_ERROR and no trace. Seeded; the seed is printed. */
static const char * const fuzz_seeds[][2] = {
  { "topic.upsert", "{\"id\":\"t-f\",\"name\":\"科学普及\",\"description\":\"健康\",\"sort\":3}" },
  { "speaker.upsert", "{\"id\":\"sp-f\",\"name\":\"钱明\",\"phone\":\"13900000009\",\"bio\":\"讲座\",\"topics\":[\"t-law\",\"t-mind\"]}" },
  { "order.create", "{\"title\":\"讲座\",\"topic_id\":\"t-law\",\"subdistrict_id\":\"sd-a\",\"venue\":\"室\",\"venue_kind\":\"community\",\"starts_at\":\"2026-12-05T09:00\",\"ends_at\":\"2026-12-05T11:00\",\"requester\":\"社区\",\"contact_name\":\"刘\",\"contact_phone\":\"13912340000\"}" },
  { "reward.rules", "{\"points_per_hour\":10,\"star_hours\":[1,2,3,4,5]}" },
  { "fund.deposit", "{\"fund_id\":\"fund-a\",\"amount_cents\":100}" },
  { "certificate.issue", "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\",\"from\":\"2026-11-01\",\"to\":\"2026-11-30\",\"purpose\":\"评优\"}" },
};

static void
test_fuzz_operations (WdFixture     *fx,
                      gconstpointer  data)
{
  guint32 seed = wd_test_fuzz_seed ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint applied = 0, refused = 0;

  g_test_message ("fuzz seed %u (WUDAN_FUZZ_SEED=%u reproduces it)", seed, seed);
  for (int i = 0; i < 1500; i++)
    {
      guint which = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (fuzz_seeds));
      g_autofree char *json = wd_test_mutate (rand, fuzz_seeds[which][1]);
      g_autofree char *before = wd_test_fingerprint (fx->store);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) result = NULL;

      if (wd_operation_apply_json (fx->store, fx->centre, fx->t0, fuzz_seeds[which][0], json, &result, &error))
        {
          applied++;
          continue;
        }
      refused++;
      if (error == NULL || error->domain != WD_ERROR || !g_utf8_validate (error->message, -1, NULL))
        g_error ("seed %u: %s %s gave no proper error", seed, fuzz_seeds[which][0], json);
      {
        g_autofree char *after = wd_test_fingerprint (fx->store);

        if (g_strcmp0 (before, after) != 0)
          g_error ("seed %u: refused %s %s changed the store", seed, fuzz_seeds[which][0], json);
      }
    }
  g_test_message ("%u applied, %u refused", applied, refused);
  g_assert_cmpuint (refused, >, 0);
}

static int
ignore_token (gpointer user_data, gboolean colocated, const char *token, int len, int start, int end)
{
  g_assert_cmpint (len, >, 0);
  g_assert_cmpint (start, <, end);
  g_assert_cmpint (end, <=, GPOINTER_TO_INT (user_data));
  return 0;
}

static void
test_fuzz_decoders (WdFixture     *fx,
                    gconstpointer  data)
{
  guint32 seed = wd_test_fuzz_seed ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GTimeZone) tz = wd_time_zone_new (NULL);

  g_test_message ("fuzz seed %u", seed);
  for (int i = 0; i < 3000; i++)
    {
      int len = g_rand_int_range (rand, 0, 24);
      g_autofree char *bytes = g_malloc0 (len + 1);
      g_autoptr(GPtrArray) hits = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      gint64 t;

      for (int k = 0; k < len; k++)
        {
          /* Bias towards the bytes that matter: UTF-8 lead bytes, digits, CJK. */
          static const char alphabet[] = "0123456789-:T Z+\"\\{}[]\xe4\xb8\x80\xe5\x85\x9a\xff\xc3";

          bytes[k] = g_rand_boolean (rand) ? alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]
                                           : (char) g_rand_int_range (rand, 1, 256);
        }

      wd_tokenize (bytes, len, WD_TOKENIZE_DOCUMENT, ignore_token, GINT_TO_POINTER (len));
      wd_tokenize (bytes, len, WD_TOKENIZE_QUERY, ignore_token, GINT_TO_POINTER (len));
      wd_time_parse (bytes, tz, &t, NULL);
      wd_validate_phone ("phone", bytes, NULL, NULL);
      node = wd_json_parse (bytes, len, NULL);
      hits = wd_store_search (fx->store, bytes, WD_SEARCH_ALL, 5, &error);
      g_assert_no_error (error);
      g_assert_nonnull (hits);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE ("/bad-input/sql-lookalikes-stored-verbatim", test_sql_lookalikes_stored_verbatim);
  FIXTURE ("/bad-input/huge-fields", test_huge_fields);
  FIXTURE ("/bad-input/invalid-utf8", test_invalid_utf8);
  FIXTURE ("/bad-input/embedded-nul", test_embedded_nul);
  FIXTURE ("/bad-input/impossible-values", test_impossible_values);
  FIXTURE ("/bad-input/fuzz-operations", test_fuzz_operations);
  FIXTURE ("/bad-input/fuzz-decoders", test_fuzz_decoders);

  return g_test_run ();
}
