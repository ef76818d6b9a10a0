/* test-view-logic.c: what the views show, from plain values, without a
 * display: the actions an order offers each role, the deadline's words,
 * masking, the field a refusal names, and the sync indicator's state. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-message.h"
#include "wd-operations.h"
#include "wd-order-actions.h"
#include "wd-sync-engine.h"
#include "wd-sync-indicator.h"
#include "wd-rewards.h"
#include "wd-ui-util.h"

#define NOW 1764550800   /* 2025-12-01 01:00 UTC; any instant will do */

static JsonObject *
make_order (const char *state,
            gint64      starts_in,
            gint64      deadline_in)
{
  JsonObject *order = json_object_new ();

  json_object_set_string_member (order, "id", "o1");
  json_object_set_string_member (order, "state", state);
  json_object_set_string_member (order, "subdistrict_id", "qianfoshan");
  json_object_set_string_member (order, "assignee_id", "sp-1");
  json_object_set_int_member (order, "starts_at", NOW + starts_in);
  json_object_set_int_member (order, "ends_at", NOW + starts_in + 7200);
  if (deadline_in != 0)
    json_object_set_int_member (order, "accept_deadline", NOW + deadline_in);
  return order;
}

static void
test_centre_actions_follow_state_and_clock (void)
{
  g_autoptr(WdActor) centre = wd_actor_new ("zhang", WD_ROLE_CENTRE);
  g_autoptr(JsonObject) ordered = make_order ("ordered", 86400, 0);
  g_autoptr(JsonObject) started = make_order ("ordered", -600, 0);
  g_autoptr(JsonObject) dispatched = make_order ("dispatched", 86400, 3600);
  g_autoptr(JsonObject) overdue = make_order ("dispatched", 86400, -60);
  g_autoptr(JsonObject) accepted_ahead = make_order ("accepted", 86400, 0);
  g_autoptr(JsonObject) accepted_past = make_order ("accepted", -7300, 0);
  g_autoptr(JsonObject) delivered = make_order ("delivered", -86400, 0);
  g_autoptr(JsonObject) rated = make_order ("rated", -86400, 0);
  g_autoptr(JsonObject) closed = make_order ("closed", -86400, 0);

  g_assert_cmphex (wd_order_actions_for (ordered, centre, NOW), ==,
                   WD_ORDER_ACTION_DISPATCH | WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL | WD_ORDER_ACTION_REJECT);
  /* Too late to dispatch an event that has started. */
  g_assert_cmphex (wd_order_actions_for (started, centre, NOW), ==,
                   WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL | WD_ORDER_ACTION_REJECT);
  g_assert_cmphex (wd_order_actions_for (dispatched, centre, NOW), ==,
                   WD_ORDER_ACTION_ACCEPT | WD_ORDER_ACTION_DECLINE | WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL);
  g_assert_cmphex (wd_order_actions_for (overdue, centre, NOW), ==,
                   WD_ORDER_ACTION_DECLINE | WD_ORDER_ACTION_EXPIRE | WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL);
  /* Given back before the event, when the speaker cannot come. */
  g_assert_cmphex (wd_order_actions_for (accepted_ahead, centre, NOW), ==,
                   WD_ORDER_ACTION_DECLINE | WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL);
  g_assert_cmphex (wd_order_actions_for (accepted_past, centre, NOW), ==,
                   WD_ORDER_ACTION_DELIVER | WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL);
  /* A delivery record is corrected until a reward settles the order. */
  g_assert_cmphex (wd_order_actions_for (delivered, centre, NOW), ==,
                   WD_ORDER_ACTION_RATE | WD_ORDER_ACTION_CALLBACK | WD_ORDER_ACTION_CORRECT_DELIVERY);
  g_assert_cmphex (wd_order_actions_for (rated, centre, NOW), ==,
                   WD_ORDER_ACTION_CALLBACK | WD_ORDER_ACTION_CORRECT_DELIVERY);
  g_assert_cmphex (wd_order_actions_for (closed, centre, NOW), ==, 0);
}

static void
test_roles_see_only_their_actions (void)
{
  g_autoptr(WdActor) own_office = wd_actor_new_office ("li", "qianfoshan");
  g_autoptr(WdActor) other_office = wd_actor_new_office ("wang", "dianliu");
  g_autoptr(WdActor) own_team = wd_actor_new_assignee ("sp", WD_ASSIGNEE_SPEAKER, "sp-1");
  g_autoptr(WdActor) other_team = wd_actor_new_assignee ("sp2", WD_ASSIGNEE_SPEAKER, "sp-2");
  g_autoptr(JsonObject) ordered = make_order ("ordered", 86400, 0);
  g_autoptr(JsonObject) dispatched = make_order ("dispatched", 86400, 3600);
  g_autoptr(JsonObject) delivered = make_order ("delivered", -86400, 0);
  g_autoptr(JsonObject) accepted_ahead = make_order ("accepted", 86400, 0);
  g_autoptr(JsonObject) accepted_past = make_order ("accepted", -7300, 0);

  /* Offices do not dispatch or reject; they correct and cancel their own
   * orders. */
  g_assert_cmphex (wd_order_actions_for (ordered, own_office, NOW), ==,
                   WD_ORDER_ACTION_EDIT | WD_ORDER_ACTION_CANCEL);
  g_assert_cmphex (wd_order_actions_for (ordered, other_office, NOW), ==, 0);
  g_assert_cmphex (wd_order_actions_for (delivered, own_office, NOW), ==,
                   WD_ORDER_ACTION_RATE | WD_ORDER_ACTION_CORRECT_DELIVERY);
  /* A team accepts or declines what was sent to it, nothing else. */
  g_assert_cmphex (wd_order_actions_for (dispatched, own_team, NOW), ==,
                   WD_ORDER_ACTION_ACCEPT | WD_ORDER_ACTION_DECLINE);
  g_assert_cmphex (wd_order_actions_for (dispatched, other_team, NOW), ==, 0);
  /* It gives back what it accepted while the event is ahead, and records
   * the delivery once it has begun. */
  g_assert_cmphex (wd_order_actions_for (accepted_ahead, own_team, NOW), ==, WD_ORDER_ACTION_DECLINE);
  g_assert_cmphex (wd_order_actions_for (accepted_past, own_team, NOW), ==, WD_ORDER_ACTION_DELIVER);
  /* Correcting what it recorded is for the staff it tells. */
  g_assert_cmphex (wd_order_actions_for (delivered, own_team, NOW), ==, 0);
}

/* Ordering again is placing an order: for the centre, and for an office
 * in its own sub-district, whatever became of the first. */
static void
test_order_again (void)
{
  g_autoptr(WdActor) centre = wd_actor_new ("zhang", WD_ROLE_CENTRE);
  g_autoptr(WdActor) own_office = wd_actor_new_office ("li", "qianfoshan");
  g_autoptr(WdActor) other_office = wd_actor_new_office ("wang", "dianliu");
  g_autoptr(WdActor) team = wd_actor_new_assignee ("sp", WD_ASSIGNEE_SPEAKER, "sp-1");
  g_autoptr(JsonObject) cancelled = make_order ("cancelled", -86400, 0);
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  gint64 tuesday = 1764637200;   /* Tuesday 2025-12-02 09:00 in Shanghai */
  gint64 week = 7 * 86400;

  g_assert_true (wd_order_can_order_again (cancelled, centre));
  g_assert_true (wd_order_can_order_again (cancelled, own_office));
  g_assert_false (wd_order_can_order_again (cancelled, other_office));
  g_assert_false (wd_order_can_order_again (cancelled, team));

  /* A week on at the least; as many weeks as it takes to be ahead. */
  g_assert_cmpint (wd_order_next_occurrence (tuesday, tuesday - 86400, shanghai), ==, tuesday + week);
  g_assert_cmpint (wd_order_next_occurrence (tuesday, tuesday + 60, shanghai), ==, tuesday + week);
  g_assert_cmpint (wd_order_next_occurrence (tuesday, tuesday + 10 * 86400, shanghai), ==, tuesday + 2 * week);
  g_assert_cmpint (wd_order_next_occurrence (tuesday, tuesday + 2 * week, shanghai), ==, tuesday + 3 * week);
  /* The local time stays when the clocks change in between (Berlin goes
   * to summer time on 2026-03-29): an hour fewer seconds. */
  g_assert_cmpint (wd_order_next_occurrence (1774252800, 1774252800, berlin), ==, 1774252800 + week - 3600);
}

/* When a speaker is usually free, in words: runs of days as a span. */
static void
test_free_time_words (void)
{
  static const struct { gint64 days, times; const char *text; } cases[] = {
    { 0x1f, 0x3, "Monday–Friday · morning, afternoon" },
    { 1 | 4 | 32, 0, "Monday, Wednesday, Saturday" },
    { 0x3, 0x4, "Monday, Tuesday · evening" },
    { 0x7f, 0x4, "Any day · evening" },
    { 0, 0x1, "Any day · morning" },
    { 0x60, 0x7, "Saturday, Sunday" },
    { 0x1c, 0, "Wednesday–Friday" },
  };

  g_assert_null (wd_free_time_describe (0, 0));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = wd_free_time_describe (cases[i].days, cases[i].times);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_booking_words (void)
{
  static const struct { gint64 booked, capacity; WdBooking booking; const char *text; } cases[] = {
    { 0, 4, WD_BOOKING_OPEN, "0 of 4 sessions booked" },
    { 3, 4, WD_BOOKING_OPEN, "3 of 4 sessions booked" },
    { 4, 4, WD_BOOKING_FULL, "Fully booked (4 of 4)" },
    { 5, 4, WD_BOOKING_OVER, "Over capacity: 5 booked, 4 a month" },
    { 0, 1, WD_BOOKING_OPEN, "0 of 1 session booked" },
    { 7, 0, WD_BOOKING_OPEN, "7 sessions booked" },     /* no capacity set */
    { 1, 0, WD_BOOKING_OPEN, "1 session booked" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;

      g_assert_cmpint (wd_booking_describe (cases[i].booked, cases[i].capacity, &text), ==, cases[i].booking);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_drop_moves (void)
{
  WdOrderActions action = 0;

  g_assert_true (wd_order_drop_action (WD_ORDER_ORDERED, WD_ORDER_DISPATCHED, &action));
  g_assert_cmphex (action, ==, WD_ORDER_ACTION_DISPATCH);
  g_assert_true (wd_order_drop_action (WD_ORDER_DELIVERED, WD_ORDER_RATED, &action));
  g_assert_cmphex (action, ==, WD_ORDER_ACTION_RATE);
  g_assert_false (wd_order_drop_action (WD_ORDER_ORDERED, WD_ORDER_RATED, &action));
  g_assert_false (wd_order_drop_action (WD_ORDER_RATED, WD_ORDER_ORDERED, &action));
  g_assert_true (wd_order_drop_action (WD_ORDER_ACCEPTED, WD_ORDER_ORDERED, &action));
  g_assert_cmphex (action, ==, WD_ORDER_ACTION_DECLINE);
}

static void
test_deadline_words (void)
{
  g_autoptr(JsonObject) soon = make_order ("dispatched", 86400, 2 * 3600);
  g_autoptr(JsonObject) ahead = make_order ("dispatched", 5 * 86400, 3 * 86400);
  g_autoptr(JsonObject) overdue = make_order ("dispatched", 86400, -5 * 3600);
  g_autoptr(JsonObject) accepted = make_order ("accepted", 86400, 3600);
  g_autofree char *soon_text = NULL;
  g_autofree char *ahead_text = NULL;
  g_autofree char *overdue_text = NULL;
  g_autofree char *none_text = NULL;

  g_assert_cmpint (wd_deadline_describe (soon, NOW, &soon_text), ==, WD_DEADLINE_SOON);
  g_assert_cmpstr (soon_text, ==, "2 hours left to accept");
  g_assert_cmpint (wd_deadline_describe (ahead, NOW, &ahead_text), ==, WD_DEADLINE_AHEAD);
  g_assert_cmpstr (ahead_text, ==, "3 days left to accept");
  g_assert_cmpint (wd_deadline_describe (overdue, NOW, &overdue_text), ==, WD_DEADLINE_OVERDUE);
  g_assert_cmpstr (overdue_text, ==, "Overdue by 5 hours");
  g_assert_cmpint (wd_deadline_describe (accepted, NOW, &none_text), ==, WD_DEADLINE_NONE);
  g_assert_null (none_text);
}

/* The clock also speaks for orders nobody was dispatched to and for
 * events over whose delivery was never recorded. */
static void
test_deadline_words_beyond_acceptance (void)
{
  static const struct
  {
    const char        *state;
    gint64             starts_in;   /* the event lasts two hours */
    WdDeadlineUrgency  urgency;
    const char        *text;
  } cases[] = {
    { "ordered", 3 * 86400, WD_DEADLINE_NONE, NULL },
    { "ordered", 20 * 3600, WD_DEADLINE_SOON, "Starts in 20 hours, not yet dispatched" },
    { "ordered", 0, WD_DEADLINE_OVERDUE, "Began 1 minute ago, never dispatched" },
    { "ordered", -3 * 86400, WD_DEADLINE_OVERDUE, "Began 3 days ago, never dispatched" },
    { "accepted", -3600, WD_DEADLINE_NONE, NULL },
    { "accepted", -2 * 86400 - 7200, WD_DEADLINE_SOON, "Ended 2 days ago, delivery not recorded" },
    { "delivered", -5 * 86400, WD_DEADLINE_NONE, NULL },
    { "cancelled", -5 * 86400, WD_DEADLINE_NONE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) order = make_order (cases[i].state, cases[i].starts_in, 0);
      g_autofree char *text = NULL;

      g_assert_cmpint (wd_deadline_describe (order, NOW, &text), ==, cases[i].urgency);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_phones_masked_by_role (void)
{
  g_autoptr(WdActor) centre = wd_actor_new ("zhang", WD_ROLE_CENTRE);
  g_autoptr(WdActor) other_office = wd_actor_new_office ("wang", "dianliu");
  g_autoptr(JsonObject) order = make_order ("ordered", 86400, 0);
  g_autofree char *masked = wd_mask_phone ("13912340000");
  g_autofree char *landline = wd_mask_phone ("0531-86123456");
  g_autofree char *short_one = wd_mask_phone ("110");
  g_autoptr(WdActor) public = wd_actor_new_public ();

  g_assert_cmpstr (masked, ==, "139****0000");
  g_assert_cmpstr (landline, ==, "053****3456");
  g_assert_cmpstr (short_one, ==, "****");
  g_assert_true (wd_actor_sees_phones (centre, order));
  g_assert_false (wd_actor_sees_phones (other_office, order));
  g_assert_false (wd_actor_sees_phones (public, order));
  g_assert_false (wd_actor_sees_phones (public, NULL));
}

static void
test_refusal_names_field (void)
{
  g_autoptr(GError) field_error = g_error_new (WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                                               "contact_phone: “123” is not a phone number");
  g_autoptr(GError) sentence = g_error_new (WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                                            "The event ends before it starts: check the times");
  g_autoptr(GError) clash = g_error_new (WD_ERROR, WD_ERROR_CLASH, "speakers: booked");
  g_autofree char *field = NULL;
  g_autofree char *message = NULL;
  g_autofree char *none = NULL;
  g_autofree char *none_message = NULL;

  g_assert_true (wd_error_split_field (field_error, &field, &message));
  g_assert_cmpstr (field, ==, "contact_phone");
  g_assert_cmpstr (message, ==, "“123” is not a phone number");
  g_assert_false (wd_error_split_field (sentence, &none, &none_message));
  g_assert_null (none);
  g_assert_false (wd_error_split_field (clash, &none, &none_message));

  /* As the zh_CN catalogue words it, with a full-width colon. */
  {
    g_autoptr(GError) chinese = g_error_new (WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                                             "contact_phone：“123”不是电话号码");
    g_autofree char *zh_field = NULL;
    g_autofree char *zh_message = NULL;

    g_assert_true (wd_error_split_field (chinese, &zh_field, &zh_message));
    g_assert_cmpstr (zh_field, ==, "contact_phone");
    g_assert_cmpstr (zh_message, ==, "“123”不是电话号码");
  }
}

/* Every operation of the rulebook has words for a person. */
static void
test_operation_titles (void)
{
  const char * const *kinds = wd_operation_kinds ();

  for (guint i = 0; kinds[i] != NULL; i++)
    g_assert_cmpstr (wd_operation_title (kinds[i]), !=, kinds[i]);
  g_assert_cmpstr (wd_operation_title ("order.dispatch"), ==, "Dispatching an order");
}

static void
test_sync_look (void)
{
  g_assert_cmpint (wd_sync_look_for (FALSE, FALSE, WD_SYNC_STATE_SIGNED_OUT, 0, 0), ==, WD_SYNC_LOOK_LOCAL);
  g_assert_cmpint (wd_sync_look_for (TRUE, FALSE, WD_SYNC_STATE_SIGNED_OUT, 3, 0), ==, WD_SYNC_LOOK_SIGNED_OUT);
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_SIGNED_OUT, 0, 0), ==, WD_SYNC_LOOK_SIGNED_OUT);
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_OFFLINE, 3, 0), ==, WD_SYNC_LOOK_OFFLINE);
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_SYNCING, 3, 0), ==, WD_SYNC_LOOK_SYNCING);
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_UP_TO_DATE, 0, 0), ==, WD_SYNC_LOOK_UP_TO_DATE);
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_UP_TO_DATE, 2, 0), ==, WD_SYNC_LOOK_PENDING);
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_ERROR, 0, 0), ==, WD_SYNC_LOOK_ERROR);
  /* Problems outrank everything: they need the user. */
  g_assert_cmpint (wd_sync_look_for (TRUE, TRUE, WD_SYNC_STATE_OFFLINE, 0, 1), ==, WD_SYNC_LOOK_PROBLEMS);
}

static JsonObject *
ledger_line (const char *kind,
             gint64      amount_cents,
             gint64      balance_after_cents,
             const char *recorded_by,
             const char *reference,
             const char *note)
{
  JsonObject *line = json_object_new ();

  json_object_set_string_member (line, "kind", kind);
  json_object_set_int_member (line, "amount_cents", amount_cents);
  json_object_set_int_member (line, "balance_after_cents", balance_after_cents);
  json_object_set_int_member (line, "recorded_at", NOW);
  json_object_set_string_member (line, "recorded_by", recorded_by);
  json_object_set_string_member (line, "reference", reference);
  json_object_set_string_member (line, "note", note);
  return line;
}

/* A store of its own for a test, in a folder of its own. */
static WdStore *
open_temp_store (char **path)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-view-logic-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  WdStore *store;

  *path = g_build_filename (dir, "view-logic.db", NULL);
  store = wd_store_open (*path, &error);
  g_assert_no_error (error);
  return store;
}

static void
remove_temp_store (WdStore *store,
                   char    *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_object_unref (store);
  for (const char * const *suffix = (const char * const[]) { "", "-wal", "-shm", "-users", NULL }; *suffix; suffix++)
    {
      g_autofree char *file = g_strconcat (path, *suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
  g_free (path);
}

/* Amounts carry one sign, also below one yuan, and group their yuan by
 * thousands; a ledger line says what
 * moved and what for, never an internal id. */
static void
test_money_and_ledger (void)
{
  static const struct { gint64 cents; const char *shown; } amounts[] = {
    { 0, "¥0.00" }, { 5, "¥0.05" }, { 99999, "¥999.99" }, { 100000, "¥1,000.00" }, { 127500, "¥1,275.00" },
    { 12345678900, "¥123,456,789.00" }, { -50, "−¥0.50" }, { -127500, "−¥1,275.00" },
    { G_MININT64, "−¥92,233,720,368,547,758.08" },
  };
  char *path = NULL;
  WdStore *store = open_temp_store (&path);
  g_autoptr(JsonObject) payout = ledger_line ("payout", -127500, 4872500, "admin",
                                              "b6d6deb3-00bf-585f-a39c-ec5e5bf30e33", "2026-11-03至2026-11-23 奖励");
  g_autoptr(JsonObject) deposit = ledger_line ("deposit", 5000000, 5000000, "centre-zhang", "区财政拨款", "");
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    {
      g_autofree char *shown = wd_format_money (amounts[i].cents);

      g_assert_cmpstr (shown, ==, amounts[i].shown);
    }

  wd_format_ledger_line (store, payout, &title, &subtitle);
  g_assert_cmpstr (title, ==, "−¥1,275.00 paid out");
  g_assert_null (strstr (subtitle, "b6d6deb3"));
  g_assert_true (g_str_has_suffix (subtitle, "admin · balance ¥48,725.00 · 2026-11-03至2026-11-23 奖励"));
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&subtitle, g_free);

  wd_format_ledger_line (store, deposit, &title, &subtitle);
  g_assert_cmpstr (title, ==, "+¥50,000.00 deposited");
  g_assert_true (g_str_has_suffix (subtitle, "centre-zhang · balance ¥50,000.00 · 区财政拨款"));
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&subtitle, g_free);

  /* Once synced, the directory says who the clerk was. */
  {
    g_autoptr(JsonNode) accounts = wd_json_parse ("[{\"name\":\"centre-zhang\",\"role\":\"centre\"},"
                                                  "{\"name\":\"office-a\",\"role\":\"office\","
                                                  "\"serves\":\"解放路街道\"}]", -1, NULL);

    g_assert_true (wd_store_set_accounts (store, json_node_get_array (accounts), NULL));
  }
  wd_format_ledger_line (store, deposit, &title, &subtitle);
  g_assert_true (g_str_has_suffix (subtitle, " · Guidance centre (centre-zhang) · balance ¥50,000.00 · 区财政拨款"));
  {
    g_autofree char *office = wd_store_describe_account (store, "office-a");

    g_assert_cmpstr (office, ==, "解放路街道 (office-a)");
  }
  remove_temp_store (store, path);
}

/* The message a dispatcher pastes into a team's chat: the order, when
 * and where, whom to call; by when to accept only while it waits. */
static void
test_team_message (void)
{
  char *path = NULL;
  WdStore *store = open_temp_store (&path);
  g_autoptr(JsonObject) order = wd_json_parse_object (
      "{\"number\":\"2026-000123\",\"title\":\"党史专题宣讲\",\"state\":\"dispatched\","
      "\"starts_at\":1796778000,\"ends_at\":1796783400,\"accept_deadline\":1796605200,"
      "\"venue\":\"历阳社区党群服务中心\",\"community\":\"历阳社区\",\"subdistrict_name\":\"千佛山街道\","
      "\"assignee_name\":\"千佛山银发宣讲团\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\","
      "\"notes\":\"\"}", -1, NULL);
  g_autofree char *dispatched = NULL;
  g_autofree char *accepted = NULL;

  dispatched = wd_order_team_message (store, order);
  g_assert_true (g_str_has_prefix (dispatched, "To 千佛山银发宣讲团:\n"));
  g_assert_nonnull (strstr (dispatched, "Order 2026-000123 “党史专题宣讲”"));
  g_assert_nonnull (strstr (dispatched, "at 历阳社区党群服务中心 (历阳社区)"));
  g_assert_nonnull (strstr (dispatched, "Contact: 刘洋, 13912340000."));
  g_assert_nonnull (strstr (dispatched, "Please accept or decline it by"));
  g_assert_null (strstr (dispatched, "Notes"));

  json_object_set_string_member (order, "state", "accepted");
  json_object_set_string_member (order, "notes", "请带投影仪");
  accepted = wd_order_team_message (store, order);
  g_assert_null (strstr (accepted, "Please accept"));
  g_assert_true (g_str_has_suffix (accepted, "\nNotes: 请带投影仪"));
  remove_temp_store (store, path);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/view-logic/centre-actions", test_centre_actions_follow_state_and_clock);
  g_test_add_func ("/view-logic/role-actions", test_roles_see_only_their_actions);
  g_test_add_func ("/view-logic/drop-moves", test_drop_moves);
  g_test_add_func ("/view-logic/order-again", test_order_again);
  g_test_add_func ("/view-logic/team-message", test_team_message);
  g_test_add_func ("/view-logic/free-time-words", test_free_time_words);
  g_test_add_func ("/view-logic/booking-words", test_booking_words);
  g_test_add_func ("/view-logic/deadline-words", test_deadline_words);
  g_test_add_func ("/view-logic/deadline-words-beyond-acceptance", test_deadline_words_beyond_acceptance);
  g_test_add_func ("/view-logic/phones-masked", test_phones_masked_by_role);
  g_test_add_func ("/view-logic/refusal-names-field", test_refusal_names_field);
  g_test_add_func ("/view-logic/sync-look", test_sync_look);
  g_test_add_func ("/view-logic/operation-titles", test_operation_titles);
  g_test_add_func ("/view-logic/money-and-ledger", test_money_and_ledger);

  return g_test_run ();
}
