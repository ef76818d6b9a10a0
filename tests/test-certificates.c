/* test-certificates.c: service record certificates (志愿服务记录证明) —
 * what one states, its number, each refusal, and revoking it. */
#include "config.h"

#include "wd-test-util.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

#define LATER(fx) ((fx)->t0 + 12 * WD_DAY)

/* An order for assignee delivered as planned, two hours on 4 December
 * (plus offset_hours). */
static char *
delivered_order (WdFixture  *fx,
                 gint        offset_hours,
                 const char *kind,
                 const char *assignee)
{
  char *id = wd_test_create_order (fx, offset_hours);
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"%s\","
                                               "\"assignee_id\":\"%s\"}", id, kind, assignee);
  g_autofree char *plain = g_strdup_printf ("{\"order_id\":\"%s\"}", id);

  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  json_object_unref (wd_test_apply (fx, fx->centre, "order.accept", plain));
  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 4 * WD_DAY, "order.deliver", plain));
  return id;
}

static JsonObject *
issue (WdFixture  *fx,
       const char *kind,
       const char *holder,
       const char *from,
       const char *to)
{
  g_autofree char *json = g_strdup_printf ("{\"holder_kind\":\"%s\",\"holder_id\":\"%s\","
                                           "\"from\":\"%s\",\"to\":\"%s\",\"purpose\":\"评优\"}",
                                           kind, holder, from, to);

  return wd_test_apply_at (fx, fx->centre, LATER (fx), "certificate.issue", json);
}

static void
test_issue_states_the_record (WdFixture     *fx,
                              gconstpointer  data)
{
  g_autofree char *first = delivered_order (fx, 0, "speaker", "sp-wang");
  g_autofree char *second = delivered_order (fx, 5, "speaker", "sp-wang");
  g_autofree char *complained = delivered_order (fx, 10, "speaker", "sp-wang");
  g_autofree char *other = delivered_order (fx, 15, "speaker", "sp-li");
  g_autofree char *undelivered = wd_test_create_order (fx, 20);
  g_autofree char *rate = g_strdup_printf ("{\"order_id\":\"%s\",\"stars\":2}", complained);
  g_autofree char *complaint = g_strdup_printf ("{\"order_id\":\"%s\",\"outcome\":\"complaint\","
                                                "\"satisfaction\":1}", complained);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) certificate = NULL;
  g_autoptr(JsonNode) record_node = NULL;
  g_autoptr(JsonArray) record = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autoptr(JsonArray) listed = NULL;
  g_autoptr(JsonObject) first_order = NULL;

  json_object_unref (wd_test_apply_at (fx, fx->office_a, fx->t0 + 5 * WD_DAY, "order.rate", rate));
  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 6 * WD_DAY, "order.callback", complaint));

  result = issue (fx, "speaker", "sp-wang", "2026-12-01", "2026-12-10");
  g_assert_cmpstr (json_object_get_string_member (result, "number"), ==, "C2026-00001");
  g_assert_cmpint (json_object_get_int_member (result, "services"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (result, "hours"), ==, 4.0);

  certificate = wd_store_get_certificate (fx->store, "C2026-00001", NULL);
  g_assert_nonnull (certificate);
  g_assert_cmpstr (json_object_get_string_member (certificate, "id"), ==,
                   json_object_get_string_member (result, "id"));
  g_assert_cmpstr (json_object_get_string_member (certificate, "holder_name"), ==, "王芳");
  g_assert_cmpstr (json_object_get_string_member (certificate, "purpose"), ==, "评优");
  g_assert_cmpstr (json_object_get_string_member (certificate, "issued_by"), ==, "centre-zhang");
  g_assert_true (json_object_get_null_member (certificate, "revoked_at"));

  /* The services it lists: wang's two delivered with hours, in order;
   * neither the one a complaint took the hours from, nor li's, nor one
   * not delivered. */
  record_node = json_from_string (json_object_get_string_member (certificate, "record"), NULL);
  g_assert_nonnull (record_node);
  record = json_node_dup_array (record_node);
  g_assert_cmpuint (json_array_get_length (record), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (record, 0), "order_id"), ==, first);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (record, 1), "order_id"), ==, second);
  first_order = wd_store_get (fx->store, "order", first, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (record, 0), "number"), ==,
                   json_object_get_string_member (first_order, "number"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (record, 0), "subdistrict"), ==,
                   "千佛山街道");

  history = wd_store_get_history (fx->store, json_object_get_string_member (result, "id"), NULL);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==,
                   "certificate.issue");

  /* Numbers run on through the year. */
  again = issue (fx, "speaker", "sp-li", "2026-12-01", "2026-12-10");
  g_assert_cmpstr (json_object_get_string_member (again, "number"), ==, "C2026-00002");
  listed = wd_store_list_certificates (fx->store, "sp-wang", NULL);
  g_assert_cmpuint (json_array_get_length (listed), ==, 1);
  g_clear_pointer (&listed, json_array_unref);
  listed = wd_store_list_certificates (fx->store, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (listed), ==, 2);
}

static void
test_team_certificate (WdFixture     *fx,
                       gconstpointer  data)
{
  g_autofree char *order = delivered_order (fx, 0, "team", "team-a");
  g_autoptr(JsonObject) result = issue (fx, "team", "team-a", "2026-12-04", "2026-12-04");
  g_autoptr(JsonObject) certificate = wd_store_get_certificate (fx->store,
                                                                json_object_get_string_member (result, "id"),
                                                                NULL);

  g_assert_cmpstr (json_object_get_string_member (certificate, "holder_kind"), ==, "team");
  g_assert_cmpstr (json_object_get_string_member (certificate, "holder_name"), ==, "千佛山银发宣讲团");
  g_assert_cmpint (json_object_get_int_member (certificate, "services"), ==, 1);
}

static void
test_refusals (WdFixture     *fx,
               gconstpointer  data)
{
  g_autofree char *order = delivered_order (fx, 0, "speaker", "sp-wang");
  static const struct
  {
    const char *json;
    int         code;
    const char *says;
  } cases[] = {
    { "{\"holder_kind\":\"person\",\"holder_id\":\"sp-wang\",\"from\":\"2026-12-01\",\"to\":\"2026-12-10\"}",
      WD_ERROR_INVALID_ARGUMENT, "holder_kind" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-nobody\",\"from\":\"2026-12-01\",\"to\":\"2026-12-10\"}",
      WD_ERROR_NOT_FOUND, "sp-nobody" },
    { "{\"holder_kind\":\"team\",\"holder_id\":\"sp-wang\",\"from\":\"2026-12-01\",\"to\":\"2026-12-10\"}",
      WD_ERROR_NOT_FOUND, "holder_id: there is no" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\",\"from\":\"2026-12-01\",\"to\":\"2026-12-31\"}",
      WD_ERROR_INVALID_ARGUMENT, "by today" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\",\"from\":\"2026-12-10\",\"to\":\"2026-12-01\"}",
      WD_ERROR_INVALID_ARGUMENT, "to:" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\",\"from\":\"2026-11-01\",\"to\":\"2026-11-30\"}",
      WD_ERROR_INVALID_ARGUMENT, "no delivered service" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-li\",\"from\":\"2026-12-01\",\"to\":\"2026-12-10\"}",
      WD_ERROR_INVALID_ARGUMENT, "no delivered service" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\",\"from\":\"2026-12-01\",\"to\":\"2026-12-10\","
      "\"hours\":100}", WD_ERROR_INVALID_ARGUMENT, "hours" },
    { "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\",\"from\":\"12/01/2026\",\"to\":\"2026-12-10\"}",
      WD_ERROR_INVALID_ARGUMENT, "from" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) e = wd_test_refuse_at (fx, fx->centre, LATER (fx), "certificate.issue",
                                               cases[i].json, cases[i].code);

      g_assert_nonnull (strstr (e->message, cases[i].says));
    }

  /* Only the centre issues them. */
  {
    g_autoptr(GError) e = wd_test_refuse_at (fx, fx->office_a, LATER (fx), "certificate.issue",
                                             cases[0].json, WD_ERROR_FORBIDDEN);
  }
  {
    g_autoptr(JsonObject) made = issue (fx, "speaker", "sp-wang", "2026-12-01", "2026-12-10");
    g_autofree char *duplicate = g_strdup_printf ("{\"id\":\"%s\",\"holder_kind\":\"speaker\","
                                                  "\"holder_id\":\"sp-wang\",\"from\":\"2026-12-01\","
                                                  "\"to\":\"2026-12-10\"}",
                                                  json_object_get_string_member (made, "id"));
    g_autoptr(GError) e = wd_test_refuse_at (fx, fx->centre, LATER (fx), "certificate.issue",
                                             duplicate, WD_ERROR_DUPLICATE);
  }
}

static void
test_revoke (WdFixture     *fx,
             gconstpointer  data)
{
  g_autofree char *order = delivered_order (fx, 0, "speaker", "sp-wang");
  g_autoptr(JsonObject) made = issue (fx, "speaker", "sp-wang", "2026-12-01", "2026-12-10");
  const char *id = json_object_get_string_member (made, "id");
  g_autofree char *revoke = g_strdup_printf ("{\"certificate_id\":\"%s\",\"reason\":\"期间填错，已重开\"}", id);
  g_autofree char *no_reason = g_strdup_printf ("{\"certificate_id\":\"%s\"}", id);
  g_autoptr(JsonObject) certificate = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;

  e1 = wd_test_refuse_at (fx, fx->centre, LATER (fx), "certificate.revoke", no_reason,
                          WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (e1->message, "reason"));
  e2 = wd_test_refuse_at (fx, fx->centre, LATER (fx), "certificate.revoke",
                          "{\"certificate_id\":\"C2026-00001\",\"reason\":\"x\"}", WD_ERROR_NOT_FOUND);

  json_object_unref (wd_test_apply_at (fx, fx->centre2, LATER (fx) + WD_HOUR, "certificate.revoke", revoke));
  certificate = wd_store_get_certificate (fx->store, id, NULL);
  g_assert_cmpstr (json_object_get_string_member (certificate, "revoked_by"), ==, "centre-li");
  g_assert_cmpstr (json_object_get_string_member (certificate, "revoke_reason"), ==, "期间填错，已重开");

  e3 = wd_test_refuse_at (fx, fx->centre, LATER (fx) + 2 * WD_HOUR, "certificate.revoke", revoke,
                          WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (e3->message, "centre-li"));
}

/* A syncing desk does not number: the server does, in the order it applies. */
static void
test_unnumbered_until_synced (WdFixture     *fx,
                              gconstpointer  data)
{
  g_autofree char *order = delivered_order (fx, 0, "speaker", "sp-wang");
  g_autoptr(JsonObject) made = NULL;
  g_autoptr(JsonObject) certificate = NULL;

  wd_store_set_authoritative (fx->store, FALSE);
  made = issue (fx, "speaker", "sp-wang", "2026-12-01", "2026-12-10");
  g_assert_false (json_object_has_member (made, "number"));
  certificate = wd_store_get_certificate (fx->store, json_object_get_string_member (made, "id"), NULL);
  g_assert_true (json_object_get_null_member (certificate, "number"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE ("/certificates/issue-states-the-record", test_issue_states_the_record);
  FIXTURE ("/certificates/team", test_team_certificate);
  FIXTURE ("/certificates/refusals", test_refusals);
  FIXTURE ("/certificates/revoke", test_revoke);
  FIXTURE ("/certificates/unnumbered-until-synced", test_unnumbered_until_synced);
  return g_test_run ();
}
