/* test-state-machine.c: every order state against every order operation.
 * The expected table is written out here on purpose, independent of the
 * table in the code, so a slip in either shows. */
#include "config.h"

#include "wd-test-util.h"

static const char * const states[] = {
  "ordered", "dispatched", "accepted", "delivered", "rated",
  "rewarded", "rejected", "cancelled", "closed",
};

static const char * const operations[] = {
  "order.dispatch", "order.accept", "order.decline", "order.expire", "order.deliver",
  "order.rate", "order.callback", "order.cancel", "order.reject", "order.update",
  "order.correct_delivery",
};

/* The state an operation leaves the order in, or NULL: refused. */
static const char * const expected[G_N_ELEMENTS (states)][G_N_ELEMENTS (operations)] = {
  /*               dispatch      accept      decline    expire     deliver      rate     callback     cancel       reject      update        correct_delivery */
  /* ordered */    { "dispatched", NULL,       NULL,      NULL,      NULL,        NULL,    NULL,        "cancelled", "rejected", "ordered",    NULL },
  /* dispatched */ { NULL,         "accepted", "ordered", "ordered", NULL,        NULL,    NULL,        "cancelled", NULL,       "dispatched", NULL },
  /* accepted */   { NULL,         NULL,       "ordered", NULL,      "delivered", NULL,    NULL,        "cancelled", NULL,       "accepted",   NULL },
  /* delivered */  { NULL,         NULL,       NULL,      NULL,      NULL,        "rated", "delivered", NULL,        NULL,       NULL,         "delivered" },
  /* rated */      { NULL,         NULL,       NULL,      NULL,      NULL,        NULL,    "rated",     NULL,        NULL,       NULL,         "rated" },
  /* rewarded */   { NULL },
  /* rejected */   { NULL },
  /* cancelled */  { NULL },
  /* closed */     { NULL },
};

typedef struct
{
  guint state;
  guint operation;
} Case;

#define EVENT_END(fx) ((fx)->t0 + 3 * WD_DAY + 2 * WD_HOUR)

static void
step (WdFixture  *fx,
      gint64      at,
      const char *kind,
      const char *order_id,
      const char *extra)
{
  g_autofree char *json = g_strdup_printf ("{\"order_id\":\"%s\"%s}", order_id, extra ? extra : "");
  g_autoptr(JsonObject) result = wd_test_apply_at (fx, fx->centre, at, kind, json);
}

static void
settle_period (WdFixture *fx)
{
  g_autoptr(JsonObject) proposed = wd_test_apply_at (fx, fx->centre, EVENT_END (fx) + 5 * WD_HOUR,
                                                     "reward.propose",
                                                     "{\"name\":\"十二月\",\"from\":\"2026-12-01\","
                                                     "\"to\":\"2026-12-31\",\"fund_id\":\"fund-a\"}");
  g_autofree char *approve = g_strdup_printf ("{\"period_id\":\"%s\"}",
                                              json_object_get_string_member (proposed, "id"));
  g_autoptr(JsonObject) approved = wd_test_apply_at (fx, fx->admin, EVENT_END (fx) + 6 * WD_HOUR,
                                                     "reward.approve", approve);
}

/* Drives a new order into state through the operations a district would use. */
static char *
order_in_state (WdFixture  *fx,
                const char *state)
{
  char *id = wd_test_create_order (fx, 0);

  if (g_str_equal (state, "ordered"))
    return id;
  if (g_str_equal (state, "rejected"))
    {
      step (fx, fx->t0, "order.reject", id, ",\"reason\":\"超出范围\"");
      return id;
    }
  if (g_str_equal (state, "cancelled"))
    {
      step (fx, fx->t0, "order.cancel", id, ",\"reason\":\"取消\"");
      return id;
    }

  step (fx, fx->t0, "order.dispatch", id, ",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-wang\"");
  if (g_str_equal (state, "dispatched"))
    return id;
  step (fx, fx->t0 + WD_HOUR, "order.accept", id, NULL);
  if (g_str_equal (state, "accepted"))
    return id;
  step (fx, EVENT_END (fx) + WD_HOUR, "order.deliver", id, NULL);
  if (g_str_equal (state, "delivered"))
    return id;
  step (fx, EVENT_END (fx) + 2 * WD_HOUR, "order.rate", id,
        g_str_equal (state, "closed") ? ",\"stars\":2" : ",\"stars\":5");
  if (g_str_equal (state, "rated"))
    return id;

  settle_period (fx);
  return id;
}

/* Arguments and a moment at which each operation would be accepted, so
 * that only the order's state decides. */
static void
operation_call (WdFixture   *fx,
                const char  *kind,
                const char  *order_id,
                char       **json,
                gint64      *at)
{
  const char *extra = "";

  *at = fx->t0 + 2 * WD_HOUR;
  if (g_str_equal (kind, "order.dispatch"))
    extra = ",\"assignee_kind\":\"speaker\",\"assignee_id\":\"sp-li\"";
  else if (g_str_equal (kind, "order.decline") || g_str_equal (kind, "order.cancel")
           || g_str_equal (kind, "order.reject"))
    extra = ",\"reason\":\"测试\"";
  else if (g_str_equal (kind, "order.expire"))
    *at = fx->t0 + 50 * WD_HOUR;
  else if (g_str_equal (kind, "order.update"))
    extra = ",\"notes\":\"改在二楼会议室\"";
  else if (g_str_equal (kind, "order.deliver"))
    *at = EVENT_END (fx) + 3 * WD_HOUR;
  else if (g_str_equal (kind, "order.rate"))
    {
      *at = EVENT_END (fx) + 4 * WD_HOUR;
      extra = ",\"stars\":4";
    }
  else if (g_str_equal (kind, "order.callback"))
    {
      *at = EVENT_END (fx) + 7 * WD_HOUR;
      extra = ",\"outcome\":\"satisfied\",\"satisfaction\":5";
    }
  else if (g_str_equal (kind, "order.correct_delivery"))
    {
      *at = EVENT_END (fx) + 7 * WD_HOUR;
      extra = ",\"hours\":3.5";
    }
  *json = g_strdup_printf ("{\"order_id\":\"%s\"%s}", order_id, extra);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  const char *state = states[c->state];
  const char *kind = operations[c->operation];
  const char *to = expected[c->state][c->operation];
  WdFixture fx = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *now_state = NULL;
  gint64 at;

  wd_fixture_setup (&fx, NULL);
  id = order_in_state (&fx, state);
  now_state = wd_test_order_state (&fx, id);
  g_assert_cmpstr (now_state, ==, state);
  g_clear_pointer (&now_state, g_free);

  operation_call (&fx, kind, id, &json, &at);
  if (to != NULL)
    {
      g_autoptr(JsonObject) result = wd_test_apply_at (&fx, fx.centre, at, kind, json);
      g_autoptr(JsonArray) history = wd_store_get_history (fx.store, id, NULL);
      JsonObject *last = json_array_get_object_element (history, json_array_get_length (history) - 1);

      now_state = wd_test_order_state (&fx, id);
      g_assert_cmpstr (now_state, ==, to);
      /* The history names the state the order left. */
      g_assert_cmpstr (json_object_get_string_member (last, "action"), ==, kind);
      g_assert_cmpstr (json_object_get_string_member (last, "from_state"), ==, state);
      g_assert_cmpstr (json_object_get_string_member (last, "to_state"), ==, to);
    }
  else
    {
      GError *error = wd_test_refuse_at (&fx, fx.centre, at, kind, json, WD_ERROR_WRONG_STATE);

      g_assert_nonnull (strstr (error->message, kind));
      g_error_free (error);
    }

  wd_fixture_teardown (&fx, NULL);
}

/* What the community that ordered is told, for every state an order
 * can be in: never a state of the centre's own bookkeeping. */
static void
test_resident_status (void)
{
  static const struct
  {
    WdOrderState state;
    const char  *status;
  } shown[] = {
    { WD_ORDER_ORDERED, "under-review" },
    { WD_ORDER_DISPATCHED, "in-service" },
    { WD_ORDER_ACCEPTED, "in-service" },
    { WD_ORDER_DELIVERED, "done" },
    { WD_ORDER_RATED, "done" },
    { WD_ORDER_REWARDED, "done" },
    { WD_ORDER_CLOSED, "done" },
    { WD_ORDER_REJECTED, "rejected" },
    { WD_ORDER_CANCELLED, "cancelled" },
  };
  WdResidentStatus parsed;

  g_assert_cmpuint (G_N_ELEMENTS (shown), ==, WD_N_ORDER_STATES);
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    g_assert_cmpstr (wd_resident_status_to_string (wd_order_resident_status (shown[i].state)), ==,
                     shown[i].status);
  g_assert_true (wd_resident_status_from_string ("in-service", &parsed));
  g_assert_cmpint (parsed, ==, WD_RESIDENT_IN_SERVICE);
  g_assert_cmpstr (wd_resident_status_label (WD_RESIDENT_UNDER_REVIEW), ==, "Under review");
}

int
main (int    argc,
      char **argv)
{
  static Case cases[G_N_ELEMENTS (states) * G_N_ELEMENTS (operations)];

  g_test_init (&argc, &argv, NULL);

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    for (guint o = 0; o < G_N_ELEMENTS (operations); o++)
      {
        Case *c = &cases[s * G_N_ELEMENTS (operations) + o];
        g_autofree char *path = g_strdup_printf ("/state-machine/%s/%s", states[s], operations[o]);

        c->state = s;
        c->operation = o;
        g_test_add_data_func (path, c, test_case);
      }
  g_test_add_func ("/state-machine/resident-status", test_resident_status);

  return g_test_run ();
}
