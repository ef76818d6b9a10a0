/* test-rewards.c: reward rules, a period's proposal, approval from the
 * fund, and what each order becomes. */
#include "config.h"

#include "wd-rewards.h"
#include "wd-test-util.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

#define DONE(fx, offset) ((fx)->t0 + 3 * WD_DAY + ((offset) + 3) * WD_HOUR)

/* An order for speaker delivered two hours' service on 4 December. */
static char *
delivered_order (WdFixture  *fx,
                 gint        offset_hours,
                 const char *speaker)
{
  char *id = wd_test_create_order (fx, offset_hours);
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"%s\"}", id, speaker);
  g_autofree char *plain = g_strdup_printf ("{\"order_id\":\"%s\"}", id);

  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  json_object_unref (wd_test_apply (fx, fx->centre, "order.accept", plain));
  json_object_unref (wd_test_apply_at (fx, fx->centre, DONE (fx, offset_hours), "order.deliver", plain));
  return id;
}

static void
rate (WdFixture  *fx,
      const char *id,
      int         stars,
      gint        offset_hours)
{
  g_autofree char *json = g_strdup_printf ("{\"order_id\":\"%s\",\"stars\":%d}", id, stars);

  json_object_unref (wd_test_apply_at (fx, fx->office_a, DONE (fx, offset_hours) + WD_HOUR, "order.rate", json));
}

static void
call_back (WdFixture  *fx,
           const char *id,
           const char *outcome,
           int         satisfaction)
{
  g_autofree char *json = g_strdup_printf ("{\"order_id\":\"%s\",\"outcome\":\"%s\",\"satisfaction\":%d}",
                                           id, outcome, satisfaction);

  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 5 * WD_DAY, "order.callback", json));
}

static const char period[] =
  "{\"name\":\"十二月上旬\",\"from\":\"2026-12-01\",\"to\":\"2026-12-10\",\"fund_id\":\"fund-a\"}";

static gint64
fund_balance (WdFixture *fx)
{
  g_autoptr(JsonArray) ledger = wd_store_list_fund_ledger (fx->store, "fund-a", NULL);

  return json_object_get_int_member (json_array_get_object_element (ledger, json_array_get_length (ledger) - 1),
                                     "balance_after_cents");
}

static void
test_propose_and_approve (WdFixture     *fx,
                          gconstpointer  data)
{
  g_autofree char *good = delivered_order (fx, 0, "sp-wang");
  g_autofree char *low = delivered_order (fx, 3, "sp-wang");
  g_autofree char *complained = delivered_order (fx, 6, "sp-li");
  g_autofree char *lukewarm = delivered_order (fx, 9, "sp-li");
  g_autofree char *unrated = delivered_order (fx, 12, "sp-zhao");
  g_autoptr(JsonObject) proposed = NULL;
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autofree char *approve = NULL;
  g_autofree char *state = NULL;
  JsonArray *lines;
  GError *e;
  gint64 before;

  rate (fx, good, 5, 0);
  rate (fx, low, 3, 3);
  rate (fx, complained, 5, 6);
  rate (fx, lukewarm, 5, 9);
  call_back (fx, complained, "complaint", 1);
  call_back (fx, lukewarm, "neutral", 3);

  proposed = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose", period);
  /* Only the well-rated order without complaints earns: 2 h × 10 points × ¥1. */
  g_assert_cmpint (json_object_get_int_member (proposed, "total_cents"), ==, 2000);

  detail = wd_store_get_reward_period (fx->store, json_object_get_string_member (proposed, "id"), NULL);
  g_assert_cmpstr (json_object_get_string_member (detail, "state"), ==, "proposed");
  lines = json_object_get_array_member (detail, "lines");
  g_assert_cmpuint (json_array_get_length (lines), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (lines, 0), "recipient_name"),
                   ==, "王芳");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (lines, 0), "points"), ==, 20);

  approve = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (proposed, "id"));
  /* Four eyes: the proposer cannot approve. */
  e = wd_test_refuse_at (fx, fx->centre, fx->t0 + 13 * WD_DAY, "reward.approve", approve, WD_ERROR_FORBIDDEN);
  g_error_free (e);

  before = fund_balance (fx);
  approved = wd_test_apply_at (fx, fx->centre2, fx->t0 + 13 * WD_DAY, "reward.approve", approve);
  g_assert_cmpint (fund_balance (fx), ==, before - 2000);

  state = wd_test_order_state (fx, good);
  g_assert_cmpstr (state, ==, "rewarded");
  g_free (state);
  state = wd_test_order_state (fx, low);
  g_assert_cmpstr (state, ==, "closed");
  g_free (state);
  state = wd_test_order_state (fx, complained);
  g_assert_cmpstr (state, ==, "closed");
  g_free (state);
  state = wd_test_order_state (fx, lukewarm);
  g_assert_cmpstr (state, ==, "closed");
  g_free (state);
  state = wd_test_order_state (fx, unrated);
  g_assert_cmpstr (state, ==, "delivered");

  e = wd_test_refuse_at (fx, fx->centre2, fx->t0 + 13 * WD_DAY, "reward.approve", approve,
                         WD_ERROR_WRONG_STATE);
  g_error_free (e);
  /* Nothing is left to reward in that period. */
  e = wd_test_refuse_at (fx, fx->centre, fx->t0 + 14 * WD_DAY, "reward.propose", period,
                         WD_ERROR_INVALID_ARGUMENT);
  g_error_free (e);
}

static void
test_fund_never_negative (WdFixture     *fx,
                          gconstpointer  data)
{
  g_autofree char *good = delivered_order (fx, 0, "sp-wang");
  g_autoptr(JsonObject) rules = NULL;
  g_autoptr(JsonObject) proposed = NULL;
  g_autoptr(JsonObject) spend = NULL;
  g_autofree char *approve = NULL;
  GError *e;

  rate (fx, good, 5, 0);
  rules = wd_test_apply (fx, fx->centre, "reward.rules", "{\"cents_per_point\":60000}");

  /* 20 points at ¥600 is ¥12,000; the fund holds ¥10,000. */
  e = wd_test_refuse_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose", period,
                         WD_ERROR_FUND_INSUFFICIENT);
  g_assert_nonnull (strstr (e->message, "¥12,000.00"));
  g_assert_nonnull (strstr (e->message, "¥10,000.00"));
  g_error_free (e);

  /* A proposal that fitted can still meet an emptier fund at approval. */
  json_object_unref (wd_test_apply (fx, fx->centre, "reward.rules", "{\"cents_per_point\":40000}"));
  proposed = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose", period);
  g_assert_cmpint (json_object_get_int_member (proposed, "total_cents"), ==, 800000);

  {
    g_autofree char *other = delivered_order (fx, 20, "sp-li");
    g_autoptr(JsonObject) r2 = NULL;

    rate (fx, other, 5, 20);
    r2 = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose",
                           "{\"name\":\"补充\",\"from\":\"2026-12-04\",\"to\":\"2026-12-05\",\"fund_id\":\"fund-a\"}");
    approve = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (r2, "id"));
    json_object_unref (wd_test_apply_at (fx, fx->admin, fx->t0 + 13 * WD_DAY, "reward.approve", approve));
    g_free (approve);
  }

  approve = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (proposed, "id"));
  e = wd_test_refuse_at (fx, fx->admin, fx->t0 + 13 * WD_DAY, "reward.approve", approve,
                         WD_ERROR_FUND_INSUFFICIENT);
  g_error_free (e);
  g_assert_cmpint (fund_balance (fx), ==, 200000);
}

static void
test_withdraw_frees_orders (WdFixture     *fx,
                            gconstpointer  data)
{
  g_autofree char *good = delivered_order (fx, 0, "sp-wang");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) withdrawn = NULL;
  g_autofree char *args = NULL;

  rate (fx, good, 5, 0);
  first = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose", period);
  args = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (first, "id"));
  withdrawn = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.withdraw", args);
  second = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose", period);
  g_assert_cmpint (json_object_get_int_member (second, "total_cents"), ==, 2000);
}

/* A complaint taken on the phone after the proposal is not paid for: the
 * approval finds the proposal out of date and nothing leaves the fund. */
static void
test_complaint_after_proposal (WdFixture     *fx,
                               gconstpointer  data)
{
  g_autofree char *good = delivered_order (fx, 0, "sp-wang");
  g_autofree char *other = delivered_order (fx, 3, "sp-li");
  g_autoptr(JsonObject) proposed = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *approve = NULL;
  g_autofree char *complaint = NULL;
  g_autofree char *state = NULL;
  gint64 before;
  GError *e;

  rate (fx, good, 5, 0);
  rate (fx, other, 5, 3);
  proposed = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "reward.propose", period);
  g_assert_cmpint (json_object_get_int_member (proposed, "total_cents"), ==, 4000);
  complaint = g_strdup_printf ("{\"order_id\":\"%s\",\"outcome\":\"complaint\",\"satisfaction\":1}",
                               other);
  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY + WD_HOUR, "order.callback",
                                       complaint));

  before = fund_balance (fx);
  order = wd_store_get (fx->store, "order", other, NULL);
  approve = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (proposed, "id"));
  e = wd_test_refuse_at (fx, fx->centre2, fx->t0 + 13 * WD_DAY, "reward.approve", approve,
                         WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (e->message, json_object_get_string_member (order, "number")));
  g_assert_nonnull (strstr (e->message, "complaint"));
  g_assert_nonnull (strstr (e->message, "Withdraw the period"));
  g_error_free (e);
  g_assert_cmpint (fund_balance (fx), ==, before);
  state = wd_test_order_state (fx, good);
  g_assert_cmpstr (state, ==, "rated");

  /* Proposed again, the period pays only the order without a complaint. */
  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 13 * WD_DAY, "reward.withdraw", approve));
  again = wd_test_apply_at (fx, fx->centre, fx->t0 + 13 * WD_DAY, "reward.propose", period);
  g_assert_cmpint (json_object_get_int_member (again, "total_cents"), ==, 2000);
  g_free (approve);
  approve = g_strdup_printf ("{\"period_id\":\"%s\"}", json_object_get_string_member (again, "id"));
  json_object_unref (wd_test_apply_at (fx, fx->centre2, fx->t0 + 13 * WD_DAY, "reward.approve", approve));
  g_assert_cmpint (fund_balance (fx), ==, before - 2000);
}

static void
test_complaint_rule (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autofree char *id = delivered_order (fx, 0, "sp-wang");
  g_autoptr(JsonObject) rules = wd_test_apply (fx, fx->centre, "reward.rules", "{\"complaint_zeroes\":false}");
  g_autoptr(JsonObject) order = NULL;

  rate (fx, id, 5, 0);
  call_back (fx, id, "complaint", 2);
  order = wd_store_get (fx->store, "order", id, NULL);
  g_assert_cmpfloat (json_object_get_double_member (order, "credited_hours"), ==, 2.0);
}

static void
test_rules (void)
{
  WdRewardRules rules;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) bad_stars = wd_test_parse_object ("{\"star_hours\":[100,300,200,1000,1500]}");
  g_autoptr(JsonObject) bad_min = wd_test_parse_object ("{\"min_stars\":6}");
  g_autoptr(JsonObject) unknown = wd_test_parse_object ("{\"points_per_hr\":5}");
  g_autoptr(JsonObject) good = wd_test_parse_object ("{\"points_per_hour\":1,\"star_hours\":[10,20,30,40,50]}");
  g_autoptr(JsonObject) back = NULL;

  wd_reward_rules_init_default (&rules);
  g_assert_cmpint (wd_reward_star_level (&rules, 99), ==, 0);
  g_assert_cmpint (wd_reward_star_level (&rules, 100), ==, 1);
  g_assert_cmpint (wd_reward_star_level (&rules, 1499.5), ==, 4);
  g_assert_cmpint (wd_reward_star_level (&rules, 1500), ==, 5);

  g_assert_false (wd_reward_rules_from_json (bad_stars, &rules, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (wd_reward_rules_from_json (bad_min, &rules, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (wd_reward_rules_from_json (unknown, &rules, &error));
  g_assert_nonnull (strstr (error->message, "points_per_hr"));
  g_clear_error (&error);

  g_assert_true (wd_reward_rules_from_json (good, &rules, &error));
  g_assert_cmpfloat (rules.points_per_hour, ==, 1.0);
  g_assert_cmpint (wd_reward_star_level (&rules, 35), ==, 3);
  back = wd_reward_rules_to_json (&rules);
  g_assert_cmpint (json_object_get_int_member (back, "min_stars"), ==, 4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rewards/rules", test_rules);
  FIXTURE ("/rewards/propose-and-approve", test_propose_and_approve);
  FIXTURE ("/rewards/fund-never-negative", test_fund_never_negative);
  FIXTURE ("/rewards/withdraw-frees-orders", test_withdraw_frees_orders);
  FIXTURE ("/rewards/complaint-rule", test_complaint_rule);
  FIXTURE ("/rewards/complaint-after-proposal", test_complaint_after_proposal);

  return g_test_run ();
}
