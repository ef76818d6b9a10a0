/* test-operations.c: each operation's happy path and each of its refusals,
 * and the history every operation leaves. */
#include "config.h"

#include <string.h>

#include "wd-json.h"
#include "wd-store-private.h"
#include "wd-test-util.h"
#include "wd-time.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

static JsonObject *
get (WdFixture  *fx,
     const char *kind,
     const char *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *row = wd_store_get (fx->store, kind, id, &error);

  g_assert_no_error (error);
  return row;
}

static void
dispatch_to (WdFixture  *fx,
             const char *order_id,
             const char *speaker_id)
{
  g_autofree char *json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                           "\"assignee_id\":\"%s\"}", order_id, speaker_id);
  g_autoptr(JsonObject) result = wd_test_apply (fx, fx->centre, "order.dispatch", json);
}

static char *
order_json (const char *order_id,
            const char *extra)
{
  return g_strdup_printf ("{\"order_id\":\"%s\"%s%s}", order_id, extra ? "," : "", extra ? extra : "");
}

static void
test_catalogue_upsert (WdFixture     *fx,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) topic = NULL;
  g_autoptr(JsonObject) speaker = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;

  r1 = wd_test_apply (fx, fx->centre, "topic.upsert",
                      "{\"id\":\"t-civ\",\"name\":\"  文明礼仪 \",\"description\":\"公共礼仪\"}");
  g_assert_cmpstr (json_object_get_string_member (r1, "id"), ==, "t-civ");
  topic = get (fx, "topic", "t-civ");
  /* Text is trimmed; defaults fill what was left out. */
  g_assert_cmpstr (json_object_get_string_member (topic, "name"), ==, "文明礼仪");
  g_assert_true (json_object_get_boolean_member (topic, "active"));

  r2 = wd_test_apply (fx, fx->centre, "topic.upsert",
                      "{\"id\":\"t-civ\",\"name\":\"文明实践\",\"active\":false}");
  g_clear_pointer (&topic, json_object_unref);
  topic = get (fx, "topic", "t-civ");
  g_assert_cmpstr (json_object_get_string_member (topic, "name"), ==, "文明实践");
  g_assert_false (json_object_get_boolean_member (topic, "active"));

  history = wd_store_get_history (fx->store, "t-civ", NULL);
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "actor"),
                   ==, "centre-zhang");

  /* Phones are stored normalized, topics as a list. */
  speaker = get (fx, "speaker", "sp-wang");
  g_assert_cmpstr (json_object_get_string_member (speaker, "phone"), ==, "13912345678");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (speaker, "topics")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (speaker, "subdistrict_name"), ==, "千佛山街道");
}

/* A catalogue entry's history says who added it and, for each edit,
 * which fields changed (never the values); an edit that changes nothing
 * leaves no trace. */
static void
test_catalogue_history (WdFixture     *fx,
                        gconstpointer  data)
{
  static const char first[] = "{\"id\":\"sp-hist\",\"name\":\"陈静\",\"phone\":\"13900001111\","
                              "\"topics\":[\"t-law\"],\"bio\":\"退休法官\"}";
  g_autoptr(JsonArray) history = NULL;
  JsonObject *entry;
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(JsonObject) topic = wd_test_apply (fx, fx->centre, "topic.upsert", "{\"id\":\"t-law\",\"name\":\"法治\"}");
  g_autoptr(JsonObject) topic2 = wd_test_apply (fx, fx->centre, "topic.upsert",
                                                "{\"id\":\"t-family\",\"name\":\"家风\"}");

  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert", first));
  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert", first));
  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-hist\",\"name\":\"陈静\",\"phone\":\"139 0000 2222\","
                                    "\"topics\":[\"t-law\",\"t-family\"],\"bio\":\"退休法官\"}"));

  history = wd_store_get_history (fx->store, "sp-hist", NULL);
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  entry = json_array_get_object_element (history, 0);
  detail = wd_json_parse_object (json_object_get_string_member (entry, "detail"), -1, NULL);
  g_assert_true (json_object_get_boolean_member (detail, "created"));
  g_clear_pointer (&detail, json_object_unref);

  entry = json_array_get_object_element (history, 1);
  detail = wd_json_parse_object (json_object_get_string_member (entry, "detail"), -1, NULL);
  g_assert_false (json_object_get_boolean_member (detail, "created"));
  {
    JsonArray *fields = json_object_get_array_member (detail, "fields");

    g_assert_cmpuint (json_array_get_length (fields), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (fields, 0), ==, "phone");
    g_assert_cmpstr (json_array_get_string_element (fields, 1), ==, "topics");
  }
  /* The new phone number is nowhere in the history. */
  g_assert_null (strstr (json_object_get_string_member (entry, "detail"), "2222"));
}

/* An edit that names the fields it sets ("only") leaves the others as
 * stored: two desks editing different fields of one speaker at once both
 * keep theirs, whatever else their forms held. */
static void
test_catalogue_edit_sets_only_its_fields (WdFixture     *fx,
                                          gconstpointer  data)
{
  g_autoptr(JsonObject) law = wd_test_apply (fx, fx->centre, "topic.upsert", "{\"id\":\"t-law\",\"name\":\"法治\"}");
  g_autoptr(JsonObject) family = wd_test_apply (fx, fx->centre, "topic.upsert",
                                                "{\"id\":\"t-family\",\"name\":\"家风\"}");
  g_autoptr(JsonObject) speaker = NULL;
  GError *e;

  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-two\",\"name\":\"陈静\",\"title\":\"法官\","
                                    "\"phone\":\"13900001111\",\"topics\":[\"t-law\"],\"bio\":\"退休法官\"}"));
  /* One desk changes the phone, its form still holding the old bio... */
  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-two\",\"name\":\"陈静\",\"phone\":\"13900002222\","
                                    "\"topics\":[\"t-law\"],\"bio\":\"退休法官\",\"only\":[\"phone\"]}"));
  /* ...the other the bio and topics, its form still holding the old phone,
   * and the title emptied. */
  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-two\",\"name\":\"陈静\",\"phone\":\"13900001111\","
                                    "\"topics\":[\"t-law\",\"t-family\"],\"bio\":\"退休法官，家风宣讲\","
                                    "\"only\":[\"bio\",\"topics\",\"title\"]}"));
  speaker = get (fx, "speaker", "sp-two");
  g_assert_cmpstr (json_object_get_string_member (speaker, "phone"), ==, "13900002222");
  g_assert_cmpstr (json_object_get_string_member (speaker, "bio"), ==, "退休法官，家风宣讲");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (speaker, "topics")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member_with_default (speaker, "title", ""), ==, "");
  g_assert_cmpstr (json_object_get_string_member (speaker, "name"), ==, "陈静");

  e = wd_test_refuse (fx, fx->centre, "speaker.upsert", "{\"id\":\"sp-two\",\"only\":[\"rating\"]}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "only"));
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "speaker.upsert", "{\"id\":\"sp-two\",\"only\":\"phone\"}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  /* A new entry is all its arguments say. */
  e = wd_test_refuse (fx, fx->centre, "speaker.upsert",
                      "{\"id\":\"sp-three\",\"phone\":\"13900003333\",\"only\":[\"phone\"]}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "name"));
  g_error_free (e);
}

static void
test_catalogue_refusals (WdFixture     *fx,
                         gconstpointer  data)
{
  GError *e;

  e = wd_test_refuse (fx, fx->centre, "topic.upsert", "{\"id\":\"t-x\",\"nmae\":\"党史\"}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "nmae"));
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "topic.upsert", "{\"id\":\"t-x\",\"name\":\"  \"}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "name"));
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "topic.upsert", "{\"id\":\"t-x\",\"name\":\"党史\"}",
                      WD_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (e->message, "党史"));
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "speaker.upsert",
                      "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\",\"topics\":[\"t-none\"]}",
                      WD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (e->message, "t-none"));
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "speaker.upsert",
                      "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"12345\",\"topics\":[\"t-law\"]}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "phone"));
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "speaker.upsert",
                      "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\",\"topics\":[]}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "project.upsert",
                      "{\"id\":\"p-x\",\"title\":\"x\",\"category\":\"c\",\"team_id\":\"team-a\","
                      "\"description\":\"d\",\"venue_kinds\":[\"moon\"]}", WD_ERROR_NOT_FOUND);
  g_error_free (e);

  e = wd_test_refuse (fx, fx->office_a, "speaker.upsert",
                      "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\",\"topics\":[\"t-law\"]}",
                      WD_ERROR_FORBIDDEN);
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "subdistrict.upsert", "{\"id\":\"sd-c\",\"name\":\"东关街道\"}",
                      WD_ERROR_FORBIDDEN);
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "order.teleport", "{}", WD_ERROR_UNKNOWN_OPERATION);
  g_assert_nonnull (strstr (e->message, "order.teleport"));
  g_error_free (e);

  e = wd_test_refuse (fx, fx->centre, "topic.upsert", "[1, 2]", WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
}

/* When a speaker is usually free: named days and parts of the day, kept
 * as bit masks; a stored mask is taken back as it is. */
/* A speaker's photo is set, kept through an edit of the details, and
 * removed; what is not a small PNG or JPEG in base64 is refused, and
 * only the centre may change it. */
static void
test_speaker_photo (WdFixture     *fx,
                    gconstpointer  data)
{
  g_autofree char *set = g_strdup_printf ("{\"speaker_id\":\"sp-li\",\"photo\":\"%s\"}", WD_TEST_PHOTO_PNG);
  g_autofree char *huge = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(JsonObject) speaker = NULL;
  g_autoptr(GString) big = g_string_new ("{\"speaker_id\":\"sp-li\",\"photo\":\"");
  gsize length;
  g_autofree guchar *expected = g_base64_decode (WD_TEST_PHOTO_PNG, &length);
  GError *e;

  g_assert_null (wd_store_get_speaker_photo (fx->store, "sp-li", NULL));
  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.photo", set));
  stored = wd_store_get_speaker_photo (fx->store, "sp-li", NULL);
  g_assert_nonnull (stored);
  g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), expected, length);
  speaker = wd_store_get (fx->store, "speaker", "sp-li", NULL);
  g_assert_true (json_object_get_boolean_member (speaker, "has_photo"));
  g_assert_false (json_object_has_member (speaker, "photo"));

  /* Editing the details leaves the photo. */
  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-li\",\"name\":\"李华\",\"phone\":\"13700001111\","
                                    "\"topics\":[\"t-law\"]}"));
  g_clear_pointer (&stored, g_bytes_unref);
  stored = wd_store_get_speaker_photo (fx->store, "sp-li", NULL);
  g_assert_nonnull (stored);

  e = wd_test_refuse (fx, fx->office_a, "speaker.photo", set, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "speaker.photo", "{\"speaker_id\":\"sp-li\",\"photo\":\"not base64!\"}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (e->message, "photo: "));
  g_error_free (e);
  /* Base64 of a text file, not a picture. */
  e = wd_test_refuse (fx, fx->centre, "speaker.photo", "{\"speaker_id\":\"sp-li\",\"photo\":\"5L2g5aW9\"}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "PNG"));
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "speaker.photo", "{\"speaker_id\":\"sp-li\",\"photo\":7}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "speaker.photo", "{\"speaker_id\":\"sp-nobody\",\"photo\":\"\"}",
                      WD_ERROR_NOT_FOUND);
  g_error_free (e);
  for (int i = 0; i < 90000; i++)
    g_string_append (big, "AAAA");
  g_string_append (big, "\"}");
  huge = g_string_free (g_steal_pointer (&big), FALSE);
  e = wd_test_refuse (fx, fx->centre, "speaker.photo", huge, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "256 KB"));
  g_error_free (e);

  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.photo", "{\"speaker_id\":\"sp-li\",\"photo\":\"\"}"));
  g_assert_null (wd_store_get_speaker_photo (fx->store, "sp-li", NULL));
}

static void
test_speaker_free_time (WdFixture     *fx,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) speaker = NULL;
  GError *e;

  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\","
                                    "\"topics\":[\"t-law\"],\"free_days\":[\"mon\",\"wed\",\"sat\",\"mon\"],"
                                    "\"free_times\":[\"evening\"]}"));
  speaker = get (fx, "speaker", "sp-new");
  g_assert_cmpint (json_object_get_int_member (speaker, "free_days"), ==, 1 | 4 | 32);
  g_assert_cmpint (json_object_get_int_member (speaker, "free_times"), ==, 4);

  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert",
                                    "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\","
                                    "\"topics\":[\"t-law\"],\"free_days\":127}"));
  g_clear_pointer (&speaker, json_object_unref);
  speaker = get (fx, "speaker", "sp-new");
  g_assert_cmpint (json_object_get_int_member (speaker, "free_days"), ==, 127);
  /* Left out: not said. */
  g_assert_cmpint (json_object_get_int_member (speaker, "free_times"), ==, 0);

  e = wd_test_refuse (fx, fx->centre, "speaker.upsert",
                      "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\","
                      "\"topics\":[\"t-law\"],\"free_days\":[\"someday\"]}", WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "free_days"));
  g_assert_nonnull (strstr (e->message, "mon, tue"));
  g_error_free (e);
  g_error_free (wd_test_refuse (fx, fx->centre, "speaker.upsert",
                                "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\","
                                "\"topics\":[\"t-law\"],\"free_times\":8}", WD_ERROR_INVALID_ARGUMENT));
  g_error_free (wd_test_refuse (fx, fx->centre, "speaker.upsert",
                                "{\"id\":\"sp-new\",\"name\":\"钱明\",\"phone\":\"13900000000\","
                                "\"topics\":[\"t-law\"],\"free_times\":\"evening\"}", WD_ERROR_INVALID_ARGUMENT));
}

static void
test_order_create (WdFixture     *fx,
                   gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *id2 = wd_test_create_order (fx, 4);
  g_autoptr(JsonObject) order = get (fx, "order", id);
  g_autoptr(JsonObject) order2 = get (fx, "order", id2);
  g_autoptr(JsonArray) history = wd_store_get_history (fx->store, id, NULL);
  JsonObject *entry;

  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "ordered");
  g_assert_cmpstr (json_object_get_string_member (order, "number"), ==, "2026-000001");
  g_assert_cmpstr (json_object_get_string_member (order2, "number"), ==, "2026-000002");
  g_assert_cmpstr (json_object_get_string_member (order, "created_by"), ==, "office-a");
  g_assert_cmpstr (json_object_get_string_member (order, "topic_name"), ==, "党史");

  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  entry = json_array_get_object_element (history, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "order.create");
  g_assert_cmpstr (json_object_get_string_member (entry, "to_state"), ==, "ordered");
  g_assert_true (json_object_get_null_member (entry, "from_state"));
  g_assert_cmpint (json_object_get_int_member (entry, "at"), ==, fx->t0);
}

static void
test_order_create_project (WdFixture     *fx,
                           gconstpointer  data)
{
  gint64 s = fx->t0 + 2 * WD_DAY;
  g_autofree char *ok = g_strdup_printf (
      "{\"title\":\"党史故事\",\"project_id\":\"p-history\",\"subdistrict_id\":\"sd-a\",\"venue\":\"办事处\","
      "\"venue_kind\":\"agency\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ","
      "\"requester\":\"街道\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}", s, s + 3600);
  g_autofree char *school = g_strdup_printf (
      "{\"title\":\"党史故事\",\"project_id\":\"p-history\",\"subdistrict_id\":\"sd-a\",\"venue\":\"小学\","
      "\"venue_kind\":\"school\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ","
      "\"requester\":\"小学\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}", s, s + 3600);
  g_autoptr(JsonObject) result = wd_test_apply (fx, fx->office_a, "order.create", ok);
  g_autoptr(JsonObject) order = get (fx, "order", json_object_get_string_member (result, "id"));
  GError *e;

  /* The project's topic carries over to the order. */
  g_assert_cmpstr (json_object_get_string_member (order, "topic_id"), ==, "t-history");
  g_assert_cmpstr (json_object_get_string_member (order, "project_title"), ==, "党史故事小讲堂");

  e = wd_test_refuse (fx, fx->office_a, "order.create", school, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "venue_kind"));
  g_error_free (e);
}

static char *
order_with_times (const char *subdistrict,
                  gint64      starts,
                  gint64      ends,
                  const char *extra)
{
  return g_strdup_printf (
      "{\"title\":\"讲座\",\"topic_id\":\"t-law\",\"subdistrict_id\":\"%s\",\"venue\":\"活动室\","
      "\"venue_kind\":\"community\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ","
      "\"requester\":\"社区\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"%s}",
      subdistrict, starts, ends, extra ? extra : "");
}

static void
test_order_create_refusals (WdFixture     *fx,
                            gconstpointer  data)
{
  gint64 s = fx->t0 + WD_DAY;
  g_autofree char *other_sd = order_with_times ("sd-b", s, s + 3600, NULL);
  g_autofree char *backwards = order_with_times ("sd-a", s, s - 60, NULL);
  g_autofree char *too_long = order_with_times ("sd-a", s, s + 13 * 3600, NULL);
  g_autofree char *past = order_with_times ("sd-a", fx->t0 - 3600, fx->t0, NULL);
  g_autofree char *no_topic = g_strdup_printf (
      "{\"title\":\"讲座\",\"subdistrict_id\":\"sd-a\",\"venue\":\"活动室\",\"venue_kind\":\"community\","
      "\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ",\"requester\":\"社区\","
      "\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}", s, s + 3600);
  g_autofree char *unknown_sd = order_with_times ("sd-zz", s, s + 3600, NULL);
  g_autofree char *with_id = order_with_times ("sd-a", s, s + 3600, ",\"id\":\"fixed-id\"");
  g_autoptr(JsonObject) created = NULL;
  GError *e;

  e = wd_test_refuse (fx, fx->office_a, "order.create", other_sd, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.create", backwards, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "ends_at"));
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.create", too_long, WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.create", past, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "starts_at"));
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.create", no_topic, WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "order.create", unknown_sd, WD_ERROR_NOT_FOUND);
  g_error_free (e);

  created = wd_test_apply (fx, fx->office_a, "order.create", with_id);
  g_assert_cmpstr (json_object_get_string_member (created, "id"), ==, "fixed-id");
  e = wd_test_refuse (fx, fx->office_a, "order.create", with_id, WD_ERROR_DUPLICATE);
  g_error_free (e);
}

static void
test_order_number_waits_for_server (WdFixture     *fx,
                                    gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) order = NULL;

  wd_store_set_authoritative (fx->store, FALSE);
  id = wd_test_create_order (fx, 0);
  order = get (fx, "order", id);
  g_assert_true (json_object_get_null_member (order, "number"));
}

static void
test_order_dispatch (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *soon = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) soon_order = NULL;
  gint64 starts;

  dispatch_to (fx, id, "sp-wang");
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "dispatched");
  g_assert_cmpstr (json_object_get_string_member (order, "assignee_name"), ==, "王芳");
  g_assert_cmpint (json_object_get_int_member (order, "accept_deadline"), ==, fx->t0 + 48 * WD_HOUR);

  /* The deadline never falls after the event begins. */
  soon = wd_test_create_order (fx, -3 * 24 + 5);
  dispatch_to (fx, soon, "sp-li");
  soon_order = get (fx, "order", soon);
  starts = json_object_get_int_member (soon_order, "starts_at");
  g_assert_cmpint (json_object_get_int_member (soon_order, "accept_deadline"), ==, starts);
}

static void
test_order_dispatch_refusals (WdFixture     *fx,
                              gconstpointer  data)
{
  g_autofree char *first = wd_test_create_order (fx, 0);
  g_autofree char *overlapping = wd_test_create_order (fx, 1);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) forced = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) history = NULL;
  GError *e;

  dispatch_to (fx, first, "sp-wang");

  json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-wang\"}",
                          overlapping);
  e = wd_test_refuse (fx, fx->centre, "order.dispatch", json, WD_ERROR_CLASH);
  g_assert_nonnull (strstr (e->message, "王芳"));
  g_assert_nonnull (strstr (e->message, "2026-000001"));
  g_error_free (e);
  g_clear_pointer (&json, g_free);

  json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-wang\","
                          "\"force\":true}", overlapping);
  e = wd_test_refuse (fx, fx->centre, "order.dispatch", json, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "force_reason"));
  g_error_free (e);
  g_clear_pointer (&json, g_free);

  json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-wang\","
                          "\"force\":true,\"force_reason\":\"两场在同一栋楼，前后衔接\"}", overlapping);
  forced = wd_test_apply (fx, fx->centre, "order.dispatch", json);
  order = get (fx, "order", overlapping);
  g_assert_cmpstr (json_object_get_string_member (order, "clash_override"), ==, "两场在同一栋楼，前后衔接");
  history = wd_store_get_history (fx->store, overlapping, NULL);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (history, 1), "detail"),
                            "force_reason"));
  g_clear_pointer (&json, g_free);

  g_free (first);
  first = wd_test_create_order (fx, 30);
  json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"robot\",\"assignee_id\":\"sp-wang\"}", first);
  e = wd_test_refuse (fx, fx->centre, "order.dispatch", json, WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  g_clear_pointer (&json, g_free);
}

static void
test_order_dispatch_scope (WdFixture     *fx,
                           gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *json = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                           "\"assignee_id\":\"sp-nobody\"}", id);
  g_autofree char *inactive = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"sp-zhao\"}", id);
  g_autofree char *later = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                            "\"assignee_id\":\"sp-li\"}", id);
  g_autoptr(JsonObject) r = NULL;
  GError *e;

  e = wd_test_refuse (fx, fx->centre, "order.dispatch", json, WD_ERROR_NOT_FOUND);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.dispatch", later, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "order.dispatch", "{\"order_id\":\"no-such\",\"assignee_kind\":\"speaker\","
                      "\"assignee_id\":\"sp-li\"}", WD_ERROR_NOT_FOUND);
  g_error_free (e);

  r = wd_test_apply (fx, fx->admin, "speaker.upsert",
                     "{\"id\":\"sp-zhao\",\"name\":\"赵刚\",\"phone\":\"13500003333\",\"topics\":[\"t-law\"],"
                     "\"active\":false}");
  e = wd_test_refuse (fx, fx->centre, "order.dispatch", inactive, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "赵刚"));
  g_error_free (e);

  /* Once the event has begun it is too late to dispatch it. */
  e = wd_test_refuse_at (fx, fx->centre, fx->t0 + 3 * WD_DAY + 60, "order.dispatch", later,
                         WD_ERROR_DEADLINE_PASSED);
  g_error_free (e);
}

static void
test_order_accept_decline (WdFixture     *fx,
                           gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *id2 = wd_test_create_order (fx, 24);
  g_autofree char *args = order_json (id, NULL);
  g_autofree char *args2 = order_json (id2, NULL);
  g_autofree char *decline = order_json (id2, "\"reason\":\"出差在外\"");
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  g_autoptr(WdActor) li = wd_test_speaker_actor ("sp-li");
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *state = NULL;
  GError *e;

  dispatch_to (fx, id, "sp-wang");
  e = wd_test_refuse (fx, li, "order.accept", args, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  r1 = wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.accept", args);
  state = wd_test_order_state (fx, id);
  g_assert_cmpstr (state, ==, "accepted");

  dispatch_to (fx, id2, "sp-li");
  e = wd_test_refuse (fx, li, "order.decline", args2, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "reason"));
  g_error_free (e);
  e = wd_test_refuse_at (fx, li, fx->t0 + 49 * WD_HOUR, "order.accept", args2, WD_ERROR_DEADLINE_PASSED);
  g_error_free (e);
  r2 = wd_test_apply (fx, li, "order.decline", decline);
  order = get (fx, "order", id2);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "ordered");
  g_assert_true (json_object_get_null_member (order, "assignee_id"));
  g_assert_true (json_object_get_null_member (order, "accept_deadline"));

  /* An accepted order is given back while the event is still ahead (the
   * speaker fell ill): to the queue, for someone else... */
  g_free (decline);
  decline = order_json (id, "\"reason\":\"突发疾病，无法到场\"");
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + 2 * WD_HOUR, "order.decline", decline));
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "ordered");
  g_assert_true (json_object_get_null_member (order, "assignee_id"));
  {
    g_autoptr(JsonArray) history = wd_store_get_history (fx->store, id, NULL);
    JsonObject *last = json_array_get_object_element (history, json_array_get_length (history) - 1);

    g_assert_cmpstr (json_object_get_string_member (last, "from_state"), ==, "accepted");
    g_assert_cmpstr (json_object_get_string_member (last, "to_state"), ==, "ordered");
  }
}

/* Once the event has begun, an accepted order is delivered or cancelled,
 * never given back. */
static void
test_order_decline_after_start (WdFixture     *fx,
                                gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *args = order_json (id, NULL);
  g_autofree char *decline = order_json (id, "\"reason\":\"来不及了\"");
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  g_autoptr(JsonObject) order = NULL;
  GError *e;

  dispatch_to (fx, id, "sp-wang");
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.accept", args));
  order = get (fx, "order", id);
  e = wd_test_refuse_at (fx, wang, json_object_get_int_member (order, "starts_at") + 60, "order.decline", decline,
                         WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (e->message, "begun"));
  g_assert_nonnull (strstr (e->message, json_object_get_string_member (order, "number")));
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->centre, json_object_get_int_member (order, "starts_at"), "order.decline", decline,
                         WD_ERROR_WRONG_STATE);
  g_error_free (e);
}

static void
test_order_expire (WdFixture     *fx,
                   gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *args = order_json (id, NULL);
  g_autofree char *redispatch = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *state = NULL;
  GError *e;
  guint n;

  dispatch_to (fx, id, "sp-wang");
  e = wd_test_refuse_at (fx, fx->centre, fx->t0 + 47 * WD_HOUR, "order.expire", args, WD_ERROR_WRONG_STATE);
  g_error_free (e);

  g_assert_cmpuint (wd_operations_expire_overdue (fx->store, fx->centre, fx->t0 + 47 * WD_HOUR, NULL), ==, 0);
  n = wd_operations_expire_overdue (fx->store, fx->centre, fx->t0 + 49 * WD_HOUR, NULL);
  g_assert_cmpuint (n, ==, 1);
  state = wd_test_order_state (fx, id);
  g_assert_cmpstr (state, ==, "ordered");

  /* Back in the queue, it can be dispatched again. */
  redispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                "\"assignee_id\":\"sp-li\"}", id);
  r = wd_test_apply_at (fx, fx->centre, fx->t0 + 50 * WD_HOUR, "order.dispatch", redispatch);
  g_free (state);
  state = wd_test_order_state (fx, id);
  g_assert_cmpstr (state, ==, "dispatched");
}

static void
test_order_deliver_rate_callback (WdFixture     *fx,
                                  gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *args = order_json (id, NULL);
  g_autofree char *deliver = order_json (id, "\"audience\":55");
  g_autofree char *rate = order_json (id, "\"stars\":5,\"comment\":\"讲得好\"");
  g_autofree char *bad_stars = order_json (id, "\"stars\":6");
  g_autofree char *complaint = order_json (id, "\"outcome\":\"complaint\",\"satisfaction\":1,\"notes\":\"迟到\"");
  g_autofree char *unreachable_bad = order_json (id, "\"outcome\":\"unreachable\",\"satisfaction\":3");
  g_autofree char *satisfied_bare = order_json (id, "\"outcome\":\"satisfied\"");
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  gint64 after = fx->t0 + 3 * WD_DAY + 3 * WD_HOUR;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(JsonObject) order = NULL;
  GError *e;

  dispatch_to (fx, id, "sp-wang");
  e = wd_test_refuse_at (fx, fx->centre, after, "order.callback", complaint, WD_ERROR_WRONG_STATE);
  g_error_free (e);
  r1 = wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.accept", args);

  e = wd_test_refuse_at (fx, wang, fx->t0 + 2 * WD_HOUR, "order.deliver", deliver, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "delivered_start"));
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->office_b, after, "order.deliver", deliver, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  r2 = wd_test_apply_at (fx, wang, after, "order.deliver", deliver);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "delivered");
  g_assert_cmpfloat (json_object_get_double_member (order, "hours"), ==, 2.0);
  g_assert_cmpint (json_object_get_int_member (order, "delivered_audience"), ==, 55);

  e = wd_test_refuse_at (fx, fx->office_a, after, "order.rate", bad_stars, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "stars"));
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->office_b, after, "order.rate", rate, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  e = wd_test_refuse_at (fx, wang, after, "order.rate", rate, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  r3 = wd_test_apply_at (fx, fx->office_a, after, "order.rate", rate);
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "rated");
  g_assert_cmpint (json_object_get_int_member (order, "rating"), ==, 5);
  e = wd_test_refuse_at (fx, fx->office_a, after, "order.rate", rate, WD_ERROR_WRONG_STATE);
  g_error_free (e);

  e = wd_test_refuse_at (fx, fx->centre, after, "order.callback", unreachable_bad, WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->centre, after, "order.callback", satisfied_bare, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "satisfaction"));
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->office_a, after, "order.callback", complaint, WD_ERROR_FORBIDDEN);
  g_error_free (e);

  /* An upheld complaint takes the hours away but keeps the record. */
  r4 = wd_test_apply_at (fx, fx->centre, after + WD_DAY, "order.callback", complaint);
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "rated");
  g_assert_cmpfloat (json_object_get_double_member (order, "hours"), ==, 2.0);
  g_assert_cmpfloat (json_object_get_double_member (order, "credited_hours"), ==, 0.0);
}

static void
test_order_cancel_reject (WdFixture     *fx,
                          gconstpointer  data)
{
  g_autofree char *a = wd_test_create_order (fx, 0);
  g_autofree char *b = wd_test_create_order (fx, 4);
  g_autofree char *cancel = order_json (a, "\"reason\":\"场地调整\"");
  g_autofree char *cancel_bare = order_json (a, NULL);
  g_autofree char *reject = order_json (b, "\"reason\":\"超出服务范围\"");
  g_autofree char *cancel_b = order_json (b, "\"reason\":\"需求取消\"");
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL;
  g_autoptr(JsonObject) order = NULL;
  GError *e;

  e = wd_test_refuse (fx, fx->office_a, "order.cancel", cancel_bare, WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_b, "order.cancel", cancel, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  r1 = wd_test_apply (fx, fx->office_a, "order.cancel", cancel);
  order = get (fx, "order", a);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (order, "closing_reason"), ==, "场地调整");

  e = wd_test_refuse (fx, fx->office_a, "order.reject", reject, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  dispatch_to (fx, b, "sp-li");
  e = wd_test_refuse (fx, fx->centre, "order.reject", reject, WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (e->message, "2026-000002"));
  g_error_free (e);
  r2 = wd_test_apply (fx, fx->centre, "order.cancel", cancel_b);
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", b);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "cancelled");
}

static JsonObject *
last_history (WdFixture  *fx,
              const char *order_id,
              guint      *n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) history = wd_store_get_history (fx->store, order_id, &error);

  g_assert_no_error (error);
  *n = json_array_get_length (history);
  return json_object_ref (json_array_get_object_element (history, *n - 1));
}

/* An office corrects its order's details until it is delivered; the time
 * only while nobody has been dispatched for it. */
static void
test_order_update (WdFixture     *fx,
                   gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *fix = order_json (id, "\"venue\":\"历阳社区二楼会议室\",\"contact_phone\":\"13912345678\"");
  g_autofree char *same = order_json (id, "\"venue\":\"历阳社区二楼会议室\"");
  g_autofree char *later = NULL;
  g_autofree char *past = NULL;
  g_autofree char *backwards = NULL;
  g_autofree char *bad_phone = order_json (id, "\"contact_phone\":\"12\"");
  g_autofree char *elsewhere = order_json (id, "\"subdistrict_id\":\"sd-b\"");
  g_autofree char *no_kind = order_json (id, "\"venue_kind\":\"moon\"");
  g_autofree char *cancel = order_json (id, "\"reason\":\"社区活动取消\"");
  g_autoptr(JsonObject) before = get (fx, "order", id);
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(JsonObject) detail = NULL;
  gint64 starts = json_object_get_int_member (before, "starts_at");
  guint n, n_after;
  GError *e;

  later = g_strdup_printf ("{\"order_id\":\"%s\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT "}",
                           id, starts + WD_DAY, starts + WD_DAY + 3 * WD_HOUR);
  past = g_strdup_printf ("{\"order_id\":\"%s\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT "}",
                          id, fx->t0 - 2 * WD_HOUR, fx->t0 - WD_HOUR);
  backwards = g_strdup_printf ("{\"order_id\":\"%s\",\"ends_at\":%" G_GINT64_FORMAT "}", id, starts - WD_HOUR);

  /* Only its own office, the centre or an administrator; only what the
   * requester may correct; each value checked as when it was placed. */
  g_error_free (wd_test_refuse (fx, fx->office_b, "order.update", fix, WD_ERROR_FORBIDDEN));
  g_error_free (wd_test_refuse (fx, wang, "order.update", fix, WD_ERROR_FORBIDDEN));
  e = wd_test_refuse (fx, fx->office_a, "order.update", elsewhere, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "subdistrict_id"));
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.update", bad_phone, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "contact_phone"));
  g_error_free (e);
  g_error_free (wd_test_refuse (fx, fx->office_a, "order.update", no_kind, WD_ERROR_NOT_FOUND));
  e = wd_test_refuse (fx, fx->office_a, "order.update", past, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "starts_at"));
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "order.update", backwards, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "ends_at"));
  g_error_free (e);

  json_object_unref (wd_test_apply (fx, fx->office_a, "order.update", fix));
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "venue"), ==, "历阳社区二楼会议室");
  g_assert_cmpstr (json_object_get_string_member (order, "contact_phone"), ==, "13912345678");
  g_assert_cmpstr (json_object_get_string_member (order, "contact_name"), ==, "刘洋");
  g_assert_cmpstr (json_object_get_string_member (order, "number"), ==,
                   json_object_get_string_member (before, "number"));
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "ordered");
  g_assert_cmpint (json_object_get_int_member (order, "updated_at"), ==, fx->t0);

  /* The history names what changed, and never a phone number. */
  entry = last_history (fx, id, &n);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "order.update");
  g_assert_cmpstr (json_object_get_string_member (entry, "from_state"), ==, "ordered");
  g_assert_cmpstr (json_object_get_string_member (entry, "to_state"), ==, "ordered");
  g_assert_null (strstr (json_object_get_string_member (entry, "detail"), "1391234"));
  detail = wd_test_parse_object (json_object_get_string_member (entry, "detail"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (detail, "fields")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (detail, "fields"), 0), ==, "venue");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (detail, "fields"), 1), ==,
                   "contact_phone");

  /* Saving what is already there changes nothing and records nothing. */
  json_object_unref (wd_test_apply (fx, fx->office_a, "order.update", same));
  g_clear_pointer (&entry, json_object_unref);
  entry = last_history (fx, id, &n_after);
  g_assert_cmpuint (n_after, ==, n);

  /* Moved while it waits for dispatch... */
  json_object_unref (wd_test_apply (fx, fx->centre, "order.update", later));
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpint (json_object_get_int_member (order, "starts_at"), ==, starts + WD_DAY);
  g_assert_cmpint (json_object_get_int_member (order, "ends_at"), ==, starts + WD_DAY + 3 * WD_HOUR);

  /* ...but not once a speaker was chosen for that time; the rest still can. */
  dispatch_to (fx, id, "sp-wang");
  g_free (later);
  later = g_strdup_printf ("{\"order_id\":\"%s\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT "}",
                           id, starts + 2 * WD_DAY, starts + 2 * WD_DAY + 2 * WD_HOUR);
  e = wd_test_refuse (fx, fx->office_a, "order.update", later, WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (e->message, "starts_at"));
  g_error_free (e);
  g_free (fix);
  fix = order_json (id, "\"notes\":\"请提前半小时到场\",\"audience\":80");
  json_object_unref (wd_test_apply (fx, fx->office_a, "order.update", fix));
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "dispatched");
  g_assert_cmpstr (json_object_get_string_member (order, "assignee_id"), ==, "sp-wang");
  g_assert_cmpint (json_object_get_int_member (order, "audience"), ==, 80);
  g_assert_cmpstr (json_object_get_string_member (order, "notes"), ==, "请提前半小时到场");

  /* A closed order is settled. */
  json_object_unref (wd_test_apply (fx, fx->office_a, "order.cancel", cancel));
  g_error_free (wd_test_refuse (fx, fx->office_a, "order.update", fix, WD_ERROR_WRONG_STATE));
}

/* A delivery recorded wrong is put right by the staff until a reward
 * period has judged it; what it was stays in the history. */
static void
test_order_correct_delivery (WdFixture     *fx,
                             gconstpointer  data)
{
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *args = order_json (id, NULL);
  g_autofree char *deliver = order_json (id, "\"audience\":55");
  g_autofree char *fix = order_json (id, "\"audience\":60,\"hours\":3");
  g_autofree char *too_long = order_json (id, "\"hours\":30");
  g_autofree char *rate = order_json (id, "\"stars\":5");
  g_autofree char *complaint = order_json (id, "\"outcome\":\"complaint\",\"satisfaction\":1");
  g_autofree char *fix_again = order_json (id, "\"hours\":2.5");
  g_autofree char *backwards = NULL;
  g_autofree char *future = NULL;
  g_autofree char *approve = NULL;
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  g_autoptr(JsonObject) delivered = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(JsonObject) proposed = NULL;
  gint64 after = fx->t0 + 3 * WD_DAY + 3 * WD_HOUR;
  guint n, n_after;
  GError *e;

  dispatch_to (fx, id, "sp-wang");
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + WD_HOUR, "order.accept", args));
  /* Nothing to correct before the delivery is recorded. */
  g_error_free (wd_test_refuse_at (fx, fx->centre, after, "order.correct_delivery", fix, WD_ERROR_WRONG_STATE));
  json_object_unref (wd_test_apply_at (fx, wang, after, "order.deliver", deliver));
  delivered = get (fx, "order", id);
  backwards = g_strdup_printf ("{\"order_id\":\"%s\",\"delivered_end\":%" G_GINT64_FORMAT "}", id,
                               json_object_get_int_member (delivered, "delivered_start") - WD_HOUR);
  future = g_strdup_printf ("{\"order_id\":\"%s\",\"delivered_start\":%" G_GINT64_FORMAT
                            ",\"delivered_end\":%" G_GINT64_FORMAT "}", id, after + WD_HOUR, after + 2 * WD_HOUR);

  /* The staff correct it, the team does not; each value is checked as
   * when it was recorded. */
  g_error_free (wd_test_refuse_at (fx, wang, after, "order.correct_delivery", fix, WD_ERROR_FORBIDDEN));
  g_error_free (wd_test_refuse_at (fx, fx->office_b, after, "order.correct_delivery", fix, WD_ERROR_FORBIDDEN));
  e = wd_test_refuse_at (fx, fx->office_a, after, "order.correct_delivery", too_long, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "hours"));
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->office_a, after, "order.correct_delivery", backwards, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "delivered_end"));
  g_error_free (e);
  e = wd_test_refuse_at (fx, fx->office_a, after, "order.correct_delivery", future, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e->message, "delivered_start"));
  g_error_free (e);
  order = get (fx, "order", id);
  g_assert_cmpfloat (json_object_get_double_member (order, "hours"), ==, 2.0);
  g_assert_cmpint (json_object_get_int_member (order, "delivered_audience"), ==, 55);

  json_object_unref (wd_test_apply_at (fx, fx->office_a, after + WD_HOUR, "order.correct_delivery", fix));
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "delivered");
  g_assert_cmpfloat (json_object_get_double_member (order, "hours"), ==, 3.0);
  g_assert_cmpfloat (json_object_get_double_member (order, "credited_hours"), ==, 3.0);
  g_assert_cmpint (json_object_get_int_member (order, "delivered_audience"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (order, "delivered_start"), ==,
                   json_object_get_int_member (delivered, "delivered_start"));

  /* The history says what it was and what it is. */
  entry = last_history (fx, id, &n);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "order.correct_delivery");
  g_assert_cmpstr (json_object_get_string_member (entry, "to_state"), ==, "delivered");
  detail = wd_test_parse_object (json_object_get_string_member (entry, "detail"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (detail, "fields")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (detail, "was"), "delivered_audience"),
                   ==, 55);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (detail, "was"), "hours"),
                     ==, 2.0);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (detail, "now"), "hours"),
                     ==, 3.0);

  /* The same correction again changes nothing and records nothing. */
  json_object_unref (wd_test_apply_at (fx, fx->office_a, after + WD_HOUR, "order.correct_delivery", fix));
  g_clear_pointer (&entry, json_object_unref);
  entry = last_history (fx, id, &n_after);
  g_assert_cmpuint (n_after, ==, n);

  /* A time served reads as both its ends: a later end keeps the start too. */
  {
    g_autofree char *later_end = g_strdup_printf ("{\"order_id\":\"%s\",\"delivered_end\":%" G_GINT64_FORMAT "}",
                                                  id, json_object_get_int_member (delivered, "delivered_end") + 1800);
    g_autoptr(JsonObject) times = NULL;
    g_autoptr(JsonObject) times_detail = NULL;

    json_object_unref (wd_test_apply_at (fx, fx->centre, after + WD_HOUR, "order.correct_delivery", later_end));
    times = last_history (fx, id, &n);
    times_detail = wd_test_parse_object (json_object_get_string_member (times, "detail"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (times_detail, "fields")), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (times_detail, "now"), "delivered_start"),
                     ==, json_object_get_int_member (delivered, "delivered_start"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (times_detail, "now"), "delivered_end"),
                     ==, json_object_get_int_member (delivered, "delivered_end") + 1800);
    g_clear_pointer (&order, json_object_unref);
    order = get (fx, "order", id);
    /* The hours are what was credited, not the time: they stay. */
    g_assert_cmpfloat (json_object_get_double_member (order, "hours"), ==, 3.0);
  }

  /* Rated, it can still be corrected; hours a complaint took away stay away. */
  json_object_unref (wd_test_apply_at (fx, fx->office_a, after + WD_HOUR, "order.rate", rate));
  json_object_unref (wd_test_apply_at (fx, fx->centre, after + WD_DAY, "order.callback", complaint));
  json_object_unref (wd_test_apply_at (fx, fx->centre, after + WD_DAY, "order.correct_delivery", fix_again));
  g_clear_pointer (&order, json_object_unref);
  order = get (fx, "order", id);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "rated");
  g_assert_cmpfloat (json_object_get_double_member (order, "hours"), ==, 2.5);
  g_assert_cmpfloat (json_object_get_double_member (order, "credited_hours"), ==, 0.0);

  /* A proposed reward period judged it by its record: not while it stands. */
  proposed = wd_test_apply_at (fx, fx->centre, after + 2 * WD_DAY, "reward.propose",
                               "{\"name\":\"十二月\",\"from\":\"2026-12-01\",\"to\":\"2026-12-31\","
                               "\"fund_id\":\"fund-a\"}");
  e = wd_test_refuse_at (fx, fx->centre, after + 2 * WD_DAY, "order.correct_delivery", fix,
                         WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (e->message, "十二月"));
  g_assert_nonnull (strstr (e->message, "withdraw"));
  g_error_free (e);

  /* Once paid on, the record stands. */
  approve = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (proposed, "id"));
  json_object_unref (wd_test_apply_at (fx, fx->admin, after + 2 * WD_DAY, "reward.approve", approve));
  g_error_free (wd_test_refuse_at (fx, fx->centre, after + 3 * WD_DAY, "order.correct_delivery", fix,
                                   WD_ERROR_WRONG_STATE));
}

static void
test_history_of_the_loop (WdFixture     *fx,
                          gconstpointer  data)
{
  static const char * const expected[][3] = {
    { "order.create", NULL, "ordered" },
    { "order.dispatch", "ordered", "dispatched" },
    { "order.accept", "dispatched", "accepted" },
    { "order.deliver", "accepted", "delivered" },
    { "order.rate", "delivered", "rated" },
    { "order.callback", "rated", "rated" },
  };
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *args = order_json (id, NULL);
  g_autofree char *rate = order_json (id, "\"stars\":4");
  g_autofree char *call = order_json (id, "\"outcome\":\"satisfied\",\"satisfaction\":5");
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");
  gint64 after = fx->t0 + 3 * WD_DAY + 3 * WD_HOUR;
  g_autoptr(JsonArray) history = NULL;

  dispatch_to (fx, id, "sp-wang");
  g_clear_pointer (&history, json_array_unref);
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + 60, "order.accept", args));
  json_object_unref (wd_test_apply_at (fx, wang, after, "order.deliver", args));
  json_object_unref (wd_test_apply_at (fx, fx->office_a, after + 60, "order.rate", rate));
  json_object_unref (wd_test_apply_at (fx, fx->centre, after + 120, "order.callback", call));

  history = wd_store_get_history (fx->store, id, NULL);
  g_assert_cmpuint (json_array_get_length (history), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *entry = json_array_get_object_element (history, i);

      g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, expected[i][0]);
      g_assert_cmpstr (json_object_get_string_member_with_default (entry, "from_state", NULL), ==, expected[i][1]);
      g_assert_cmpstr (json_object_get_string_member (entry, "to_state"), ==, expected[i][2]);
      g_assert_cmpstr (json_object_get_string_member (entry, "actor"), !=, "");
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 2), "actor"),
                   ==, "sp-wang-account");
}

static void
test_settings (WdFixture     *fx,
               gconstpointer  data)
{
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->centre, "settings.set", "{\"accept_hours\":24}");
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autoptr(JsonObject) order = NULL;
  GError *e;

  dispatch_to (fx, id, "sp-wang");
  order = get (fx, "order", id);
  g_assert_cmpint (json_object_get_int_member (order, "accept_deadline"), ==, fx->t0 + 24 * WD_HOUR);

  e = wd_test_refuse (fx, fx->centre, "settings.set", "{\"accept_hours\":0}", WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->office_a, "settings.set", "{\"accept_hours\":12}", WD_ERROR_FORBIDDEN);
  g_error_free (e);
}

static void
test_fund (WdFixture     *fx,
           gconstpointer  data)
{
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->centre, "fund.deposit",
                                           "{\"fund_id\":\"fund-a\",\"amount_cents\":50000,\"note\":\"捐赠\"}");
  g_autoptr(JsonArray) ledger = wd_store_list_fund_ledger (fx->store, "fund-a", NULL);
  JsonObject *last;
  GError *e;

  g_assert_cmpuint (json_array_get_length (ledger), ==, 2);
  last = json_array_get_object_element (ledger, 1);
  g_assert_cmpint (json_object_get_int_member (last, "balance_after_cents"), ==, 1050000);

  e = wd_test_refuse (fx, fx->centre, "fund.deposit", "{\"fund_id\":\"fund-a\",\"amount_cents\":-5}",
                      WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->centre, "fund.deposit", "{\"fund_id\":\"fund-z\",\"amount_cents\":5}",
                      WD_ERROR_NOT_FOUND);
  g_error_free (e);
  e = wd_test_refuse (fx, fx->admin, "fund.upsert", "{\"id\":\"fund-b\",\"name\":\"公益基金\"}",
                      WD_ERROR_DUPLICATE);
  g_error_free (e);
}

static void
test_actor_checks (WdFixture     *fx,
                   gconstpointer  data)
{
  g_autoptr(WdActor) nobody = wd_actor_new ("x", WD_ROLE_OFFICE);
  g_autoptr(WdActor) teamless = wd_actor_new ("y", WD_ROLE_TEAM);
  g_autofree char *id = wd_test_create_order (fx, 0);
  g_autofree char *args = order_json (id, NULL);
  GError *e;

  e = wd_test_refuse (fx, nobody, "order.cancel", args, WD_ERROR_FORBIDDEN);
  g_error_free (e);
  e = wd_test_refuse (fx, teamless, "order.accept", args, WD_ERROR_FORBIDDEN);
  g_error_free (e);
}

/* An order for the 党史 project in 千佛山街道, days after t0. */
static char *
create_project_order (WdFixture *fx,
                      int        days)
{
  gint64 starts = fx->t0 + (gint64) days * WD_DAY;
  g_autofree char *json = g_strdup_printf (
      "{\"title\":\"党史故事小讲堂\",\"project_id\":\"p-history\",\"subdistrict_id\":\"sd-a\","
      "\"venue\":\"历阳社区党群服务中心\",\"venue_kind\":\"community\","
      "\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ","
      "\"requester\":\"历阳社区居委会\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}",
      starts, starts + 2 * WD_HOUR);
  g_autoptr(JsonObject) result = wd_test_apply (fx, fx->office_a, "order.create", json);

  return g_strdup (json_object_get_string_member (result, "id"));
}

/* A project's month holds the sessions its orders book, whatever their
 * state, except those cancelled or rejected; months are the district's
 * calendar months. */
static void
test_project_sessions (WdFixture     *fx,
                       gconstpointer  data)
{
  GTimeZone *tz = wd_store_get_time_zone (fx->store);
  gint64 december = wd_time_month_start (fx->t0, tz, 0);
  gint64 january = wd_time_month_start (fx->t0, tz, 1);
  gint64 february = wd_time_month_start (fx->t0, tz, 2);
  g_autofree char *first = create_project_order (fx, 2);
  g_autofree char *second = create_project_order (fx, 9);
  g_autofree char *cancelled = create_project_order (fx, 16);
  g_autofree char *last_day = create_project_order (fx, 30);     /* 31 December */
  g_autofree char *next_month = create_project_order (fx, 31);   /* 1 January */
  g_autofree char *cancel = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"场地调整\"}", cancelled);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) jan = g_date_time_new (tz, 2027, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) nov = g_date_time_new (tz, 2026, 11, 1, 0, 0, 0);

  /* Month starts, across the year's end and backwards. */
  g_assert_cmpint (january, ==, g_date_time_to_unix (jan));
  g_assert_cmpint (wd_time_month_start (fx->t0, tz, -1), ==, g_date_time_to_unix (nov));
  g_assert_cmpint (wd_time_month_start (january - 1, tz, 0), ==, december);

  dispatch_to (fx, first, "sp-li");
  result = wd_test_apply (fx, fx->office_a, "order.cancel", cancel);
  g_assert_cmpint (wd_store_count_project_sessions (fx->store, "p-history", december, january, NULL, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpint (wd_store_count_project_sessions (fx->store, "p-history", january, february, NULL, &error), ==, 1);
  /* An order being moved does not count against the month. */
  g_assert_cmpint (wd_store_count_project_sessions (fx->store, "p-history", december, january, first, &error), ==, 2);
  g_assert_cmpint (wd_store_count_project_sessions (fx->store, "p-history", december, january, cancelled, &error),
                   ==, 3);
  g_assert_cmpint (wd_store_count_project_sessions (fx->store, "p-reading", december, january, NULL, &error), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE ("/operations/catalogue/upsert", test_catalogue_upsert);
  FIXTURE ("/operations/catalogue/history", test_catalogue_history);
  FIXTURE ("/operations/catalogue/refusals", test_catalogue_refusals);
  FIXTURE ("/operations/catalogue/edit-sets-only-its-fields", test_catalogue_edit_sets_only_its_fields);
  FIXTURE ("/operations/catalogue/speaker-free-time", test_speaker_free_time);
  FIXTURE ("/operations/catalogue/speaker-photo", test_speaker_photo);
  FIXTURE ("/operations/order/create", test_order_create);
  FIXTURE ("/operations/order/create-from-project", test_order_create_project);
  FIXTURE ("/operations/order/create-refusals", test_order_create_refusals);
  FIXTURE ("/operations/order/number-waits-for-server", test_order_number_waits_for_server);
  FIXTURE ("/operations/order/dispatch", test_order_dispatch);
  FIXTURE ("/operations/order/dispatch-clash", test_order_dispatch_refusals);
  FIXTURE ("/operations/order/dispatch-scope", test_order_dispatch_scope);
  FIXTURE ("/operations/order/accept-decline", test_order_accept_decline);
  FIXTURE ("/operations/order/decline-after-start", test_order_decline_after_start);
  FIXTURE ("/operations/order/expire", test_order_expire);
  FIXTURE ("/operations/order/deliver-rate-callback", test_order_deliver_rate_callback);
  FIXTURE ("/operations/order/cancel-reject", test_order_cancel_reject);
  FIXTURE ("/operations/order/update", test_order_update);
  FIXTURE ("/operations/order/correct-delivery", test_order_correct_delivery);
  FIXTURE ("/operations/order/project-sessions", test_project_sessions);
  FIXTURE ("/operations/history", test_history_of_the_loop);
  FIXTURE ("/operations/settings", test_settings);
  FIXTURE ("/operations/fund", test_fund);
  FIXTURE ("/operations/actor-checks", test_actor_checks);

  return g_test_run ();
}
