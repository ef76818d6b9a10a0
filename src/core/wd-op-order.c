/* wd-op-order.c: the five-order loop on one order: create, dispatch,
 * accept or decline (or expire), deliver, rate, call back; and the two
 * ways out, cancel and reject. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "wd-entity.h"
#include "wd-operations-private.h"
#include "wd-rewards.h"
#include "wd-time.h"

#define S(state) WD_STATE_BIT (WD_ORDER_##state)
#define SAME -1

/* Every transition names the states it leaves; anything else is refused. */
static const struct
{
  const char *kind;
  guint       from;
  int         to;
} transitions[] = {
  { "order.dispatch", S (ORDERED), WD_ORDER_DISPATCHED },
  { "order.accept", S (DISPATCHED), WD_ORDER_ACCEPTED },
  { "order.decline", S (DISPATCHED) | S (ACCEPTED), WD_ORDER_ORDERED },
  { "order.expire", S (DISPATCHED), WD_ORDER_ORDERED },
  { "order.deliver", S (ACCEPTED), WD_ORDER_DELIVERED },
  { "order.rate", S (DELIVERED), WD_ORDER_RATED },
  { "order.callback", S (DELIVERED) | S (RATED), SAME },
  { "order.cancel", S (ORDERED) | S (DISPATCHED) | S (ACCEPTED), WD_ORDER_CANCELLED },
  { "order.reject", S (ORDERED), WD_ORDER_REJECTED },
  { "order.update", S (ORDERED) | S (DISPATCHED) | S (ACCEPTED), SAME },
  { "order.correct_delivery", S (DELIVERED) | S (RATED), SAME },
  { "reward.approve", S (RATED), WD_ORDER_REWARDED },
};

gboolean
wd_order_transition (const char   *kind,
                     WdOrderState  from,
                     WdOrderState *to)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      if (!g_str_equal (transitions[i].kind, kind))
        continue;
      if (!(transitions[i].from & WD_STATE_BIT (from)))
        return FALSE;
      if (to != NULL)
        *to = transitions[i].to == SAME ? from : (WdOrderState) transitions[i].to;
      return TRUE;
    }
  return FALSE;
}

static guint
allowed_from (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (g_str_equal (transitions[i].kind, kind))
      return transitions[i].from;
  return 0;
}

typedef struct
{
  JsonObject   *row;
  const char   *id;
  WdOrderState  state;
} Order;

static void
order_clear (Order *order)
{
  g_clear_pointer (&order->row, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Order, order_clear)

static char *
order_label (JsonObject *row)
{
  const char *number = json_object_get_string_member_with_default (row, "number", NULL);
  const char *title = json_object_get_string_member (row, "title");

  if (number != NULL)
    return g_strdup_printf (_("order %s “%s”"), number, title);
  return g_strdup_printf (_("order “%s” (not yet numbered)"), title);
}

static char *
local_time (WdOpContext *ctx,
            gint64       t)
{
  return wd_time_format_local (t, ctx->tz, "%Y-%m-%d %H:%M");
}

static gboolean
load_order (WdOpContext  *ctx,
            JsonObject   *args,
            Order        *order,
            GError      **error)
{
  g_autofree char *id = NULL;

  if (!wd_args_id (args, "order_id", WD_ARG_REQUIRED, &id, error))
    return FALSE;

  order->row = wd_store_get (ctx->store, "order", id, NULL);
  if (order->row == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("order_id: there is no order “%s”; it may not have been synced yet"), id);
      return FALSE;
    }
  order->id = json_object_get_string_member (order->row, "id");
  if (!wd_order_state_from_string (json_object_get_string_member (order->row, "state"),
                                   &order->state))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("The store holds an order in an unknown state"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_state (WdOpContext  *ctx,
               Order        *order,
               GError      **error)
{
  guint from = allowed_from (ctx->kind);
  g_autoptr(GString) wanted = g_string_new (NULL);
  g_autofree char *label = NULL;

  if (from & WD_STATE_BIT (order->state))
    return TRUE;

  for (int s = 0; s < WD_N_ORDER_STATES; s++)
    if (from & WD_STATE_BIT (s))
      g_string_append_printf (wanted, "%s%s", wanted->len ? _(" or ") : "",
                              wd_order_state_label ((WdOrderState) s));

  label = order_label (order->row);
  g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
               _("The %s is %s; %s works only on an order that is %s"),
               label, wd_order_state_label (order->state), ctx->kind, wanted->str);
  return FALSE;
}

static gboolean
actor_is_assignee (const WdActor *actor,
                   JsonObject    *row)
{
  return g_strcmp0 (wd_assignee_kind_to_string (actor->assignee_kind),
                    json_object_get_string_member_with_default (row, "assignee_kind", NULL)) == 0
      && g_strcmp0 (actor->assignee_id,
                    json_object_get_string_member_with_default (row, "assignee_id", NULL)) == 0;
}

/* Offices act on their own sub-district's orders, teams on their own. */
static gboolean
check_scope (WdOpContext  *ctx,
             Order        *order,
             GError      **error)
{
  g_autofree char *label = order_label (order->row);

  if (ctx->actor->role == WD_ROLE_OFFICE
      && g_strcmp0 (ctx->actor->subdistrict_id,
                    json_object_get_string_member (order->row, "subdistrict_id")) != 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("The %s belongs to %s; an office account may act only on its own "
                     "sub-district's orders"),
                   label, json_object_get_string_member (order->row, "subdistrict_name"));
      return FALSE;
    }

  if (ctx->actor->role == WD_ROLE_TEAM && !actor_is_assignee (ctx->actor, order->row))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("The %s was not dispatched to you; a team account may act only on "
                     "orders dispatched to it"), label);
      return FALSE;
    }
  return TRUE;
}

/* Loads the order named by args and checks state and scope: the common
 * start of every operation on an existing order. */
static gboolean
begin_on_order (WdOpContext  *ctx,
                JsonObject   *args,
                const char * const *known,
                Order        *order,
                GError      **error)
{
  return wd_args_only (args, known, error)
      && load_order (ctx, args, order, error)
      && check_scope (ctx, order, error)
      && require_state (ctx, order, error);
}

static gboolean
move (WdOpContext  *ctx,
      Order        *order,
      JsonObject   *changes,
      JsonObject   *detail,
      GError      **error)
{
  WdOrderState to;
  const char *from_name = wd_order_state_to_string (order->state);

  if (!wd_order_transition (ctx->kind, order->state, &to))
    g_assert_not_reached ();

  json_object_set_string_member (changes, "state", wd_order_state_to_string (to));
  json_object_set_int_member (changes, "updated_at", ctx->now);
  if (!wd_store_update_entity (ctx->store, &wd_entity_order, order->id, changes, error))
    return FALSE;
  return wd_op_record (ctx, "order", order->id, from_name, wd_order_state_to_string (to),
                       detail, error);
}

static gboolean
check_project_fit (WdOpContext  *ctx,
                   JsonObject   *row,
                   GError      **error)
{
  const char *project_id = json_object_get_string_member_with_default (row, "project_id", NULL);
  const char *venue_kind = json_object_get_string_member (row, "venue_kind");
  g_autoptr(JsonObject) project = NULL;
  JsonArray *kinds;

  if (project_id == NULL)
    return TRUE;

  project = wd_store_get (ctx->store, "project", project_id, NULL);
  if (project == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("project_id: there is no project “%s”; choose one from the project marketplace"),
                   project_id);
      return FALSE;
    }
  if (!json_object_get_boolean_member (project, "active"))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("project_id: the project “%s” is no longer offered; choose another"),
                   json_object_get_string_member (project, "title"));
      return FALSE;
    }

  kinds = json_object_get_array_member (project, "venue_kinds");
  for (guint i = 0; i < json_array_get_length (kinds); i++)
    if (g_strcmp0 (json_array_get_string_element (kinds, i), venue_kind) == 0)
      goto fits;

  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("venue_kind: the project “%s” does not go to venues of kind “%s”; "
                 "choose a venue kind the project lists or another project"),
               json_object_get_string_member (project, "title"), venue_kind);
  return FALSE;

fits:
  if (!json_object_has_member (row, "topic_id")
      || json_object_get_null_member (row, "topic_id"))
    {
      JsonNode *topic = json_object_get_member (project, "topic_id");

      json_object_set_member (row, "topic_id", json_node_copy (topic));
    }
  return TRUE;
}

/* An order is for an event still to come, of a day's length at most. */
static gboolean
check_event_times (WdOpContext  *ctx,
                   JsonObject   *row,
                   GError      **error)
{
  gint64 starts_at = json_object_get_int_member (row, "starts_at");
  gint64 ends_at = json_object_get_int_member (row, "ends_at");

  if (ends_at <= starts_at)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("ends_at: the event must end after it starts"));
      return FALSE;
    }
  if (ends_at - starts_at > 12 * 3600)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("ends_at: an event lasts at most 12 hours; enter longer services as "
                     "one order a day"));
      return FALSE;
    }
  if (starts_at <= ctx->now)
    {
      g_autofree char *when = local_time (ctx, starts_at);

      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("starts_at: %s is already past; an order is for an event still to come"),
                   when);
      return FALSE;
    }
  return TRUE;
}

gboolean
wd_op_order_create (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  g_autoptr(JsonObject) with_id = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *number = NULL;
  const char *id;

  /* A script may leave the id out; the app always sends its own. */
  if (!json_object_has_member (args, "id"))
    {
      g_autofree char *new_id = wd_op_new_id (ctx);
      g_autoptr(JsonNode) copy = json_node_init_object (json_node_alloc (), args);
      g_autoptr(JsonNode) dup = json_node_copy (copy);

      with_id = json_object_ref (json_node_get_object (dup));
      json_object_set_string_member (with_id, "id", new_id);
      args = with_id;
    }

  row = wd_entity_read_args (&wd_entity_order, args, ctx->tz, error);
  if (row == NULL)
    return FALSE;
  id = json_object_get_string_member (row, "id");

  if (wd_store_exists (ctx->store, "orders", id))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                   _("id: an order with the identifier “%s” already exists"), id);
      return FALSE;
    }

  if (ctx->actor->role == WD_ROLE_OFFICE
      && g_strcmp0 (ctx->actor->subdistrict_id,
                    json_object_get_string_member (row, "subdistrict_id")) != 0)
    return wd_op_forbid (ctx, _("subdistrict_id: an office account may enter orders only for "
                                "its own sub-district"), error);

  if (!check_event_times (ctx, row, error))
    return FALSE;

  if (!json_object_get_null_member (row, "project_id")
      && !check_project_fit (ctx, row, error))
    return FALSE;
  if (json_object_get_null_member (row, "project_id")
      && json_object_get_null_member (row, "topic_id"))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("project_id: choose a project from the marketplace or a lecture topic"));
      return FALSE;
    }

  if (wd_store_get_authoritative (ctx->store))
    {
      number = wd_op_next_number (ctx, "order_numbers", "", 6, error);
      if (number == NULL)
        return FALSE;
      json_object_set_string_member (row, "number", number);
    }
  json_object_set_string_member (row, "state", wd_order_state_to_string (WD_ORDER_ORDERED));
  json_object_set_string_member (row, "created_by", ctx->actor->user);
  json_object_set_int_member (row, "created_at", ctx->now);
  json_object_set_int_member (row, "updated_at", ctx->now);

  if (!wd_store_put_entity (ctx->store, &wd_entity_order, row, error))
    return FALSE;

  json_object_set_string_member (ctx->result, "id", id);
  if (number != NULL)
    json_object_set_string_member (ctx->result, "number", number);
  return wd_op_record (ctx, "order", id, NULL, wd_order_state_to_string (WD_ORDER_ORDERED),
                       NULL, error);
}

gboolean
wd_op_order_dispatch (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  static const char * const known[] = {
    "order_id", "assignee_kind", "assignee_id", "accept_hours", "force", "force_reason", NULL
  };
  g_auto(Order) order = { 0 };
  WdAssigneeKind kind;
  g_autofree char *assignee_id = NULL;
  g_autofree char *assignee_name = NULL;
  g_autofree char *force_reason = NULL;
  g_autoptr(JsonObject) clash = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = json_object_new ();
  gboolean force = FALSE;
  gint64 accept_hours;
  gint64 starts_at, ends_at, deadline;

  if (!begin_on_order (ctx, args, known, &order, error)
      || !wd_op_read_assignee (ctx, args, "assignee", TRUE, &kind, &assignee_id, &assignee_name, error))
    return FALSE;

  accept_hours = wd_store_get_setting_int (ctx->store, "accept_hours", 48);
  if (!wd_args_int (args, "accept_hours", WD_ARG_OPTIONAL, 1, 24 * 30, &accept_hours, error)
      || !wd_args_bool (args, "force", &force, error)
      || !wd_args_text (args, "force_reason", WD_ARG_OPTIONAL, 200, &force_reason, error))
    return FALSE;

  starts_at = json_object_get_int_member (order.row, "starts_at");
  ends_at = json_object_get_int_member (order.row, "ends_at");
  if (starts_at <= ctx->now)
    {
      g_autofree char *label = order_label (order.row);
      g_autofree char *when = local_time (ctx, starts_at);

      g_set_error (error, WD_ERROR, WD_ERROR_DEADLINE_PASSED,
                   _("The %s was to start at %s, which has passed; cancel it or agree a new "
                     "date with the requester and enter a new order"), label, when);
      return FALSE;
    }

  clash = wd_store_find_clash (ctx->store, kind, assignee_id, starts_at, ends_at, order.id, error);
  if (clash == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (clash != NULL)
    {
      g_autofree char *other = order_label (clash);
      g_autofree char *from = local_time (ctx, json_object_get_int_member (clash, "starts_at"));
      g_autofree char *to = local_time (ctx, json_object_get_int_member (clash, "ends_at"));

      if (!force)
        {
          g_set_error (error, WD_ERROR, WD_ERROR_CLASH,
                       _("%s is already booked for the %s from %s to %s; choose someone else, "
                         "or force the dispatch and give the reason"),
                       assignee_name, other, from, to);
          return FALSE;
        }
      if (force_reason == NULL || *force_reason == '\0')
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("force_reason: a forced double booking needs a reason; say why %s "
                         "can do both"), assignee_name);
          return FALSE;
        }
      json_object_set_string_member (changes, "clash_override", force_reason);
      json_object_set_string_member (detail, "clash_order_id",
                                     json_object_get_string_member (clash, "id"));
      json_object_set_string_member (detail, "force_reason", force_reason);
    }
  else
    json_object_set_null_member (changes, "clash_override");

  /* The deadline never falls after the event itself has begun. */
  deadline = MIN (ctx->now + accept_hours * 3600, starts_at);

  json_object_set_string_member (changes, "assignee_kind", wd_assignee_kind_to_string (kind));
  json_object_set_string_member (changes, "assignee_id", assignee_id);
  json_object_set_int_member (changes, "dispatched_at", ctx->now);
  json_object_set_int_member (changes, "accept_deadline", deadline);

  json_object_set_string_member (detail, "assignee_kind", wd_assignee_kind_to_string (kind));
  json_object_set_string_member (detail, "assignee_id", assignee_id);
  json_object_set_string_member (detail, "assignee_name", assignee_name);
  json_object_set_int_member (detail, "accept_deadline", deadline);
  return move (ctx, &order, changes, detail, error);
}

gboolean
wd_op_order_accept (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  static const char * const known[] = { "order_id", NULL };
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  gint64 deadline;

  if (!begin_on_order (ctx, args, known, &order, error))
    return FALSE;

  deadline = json_object_get_int_member (order.row, "accept_deadline");
  if (ctx->now > deadline)
    {
      g_autofree char *label = order_label (order.row);
      g_autofree char *when = local_time (ctx, deadline);

      g_set_error (error, WD_ERROR, WD_ERROR_DEADLINE_PASSED,
                   _("The deadline to accept the %s passed at %s; ask the guidance centre "
                     "to dispatch it again"), label, when);
      return FALSE;
    }
  return move (ctx, &order, changes, NULL, error);
}

static void
clear_assignment (JsonObject *changes)
{
  json_object_set_null_member (changes, "assignee_kind");
  json_object_set_null_member (changes, "assignee_id");
  json_object_set_null_member (changes, "dispatched_at");
  json_object_set_null_member (changes, "accept_deadline");
  json_object_set_null_member (changes, "clash_override");
}

static JsonObject *
assignment_detail (JsonObject *row)
{
  JsonObject *detail = json_object_new ();

  json_object_set_string_member (detail, "assignee_kind",
                                 json_object_get_string_member (row, "assignee_kind"));
  json_object_set_string_member (detail, "assignee_id",
                                 json_object_get_string_member (row, "assignee_id"));
  json_object_set_string_member (detail, "assignee_name",
                                 json_object_get_string_member (row, "assignee_name"));
  return detail;
}

gboolean
wd_op_order_decline (WdOpContext  *ctx,
                     JsonObject   *args,
                     GError      **error)
{
  static const char * const known[] = { "order_id", "reason", NULL };
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = NULL;
  g_autofree char *reason = NULL;

  if (!begin_on_order (ctx, args, known, &order, error)
      || !wd_args_text (args, "reason", WD_ARG_REQUIRED, 200, &reason, error))
    return FALSE;

  /* A speaker who fell ill gives an accepted order back, while there is
   * still time to send someone else; once the event began, what happened
   * is recorded as a delivery or the order is cancelled. */
  if (order.state == WD_ORDER_ACCEPTED && ctx->now >= json_object_get_int_member (order.row, "starts_at"))
    {
      g_autofree char *label = order_label (order.row);

      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("The %s has begun, too late to give it back; record its delivery, or cancel it"),
                   label);
      return FALSE;
    }

  clear_assignment (changes);
  detail = assignment_detail (order.row);
  json_object_set_string_member (detail, "reason", reason);
  return move (ctx, &order, changes, detail, error);
}

gboolean
wd_op_order_expire (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  static const char * const known[] = { "order_id", NULL };
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = NULL;
  gint64 deadline;

  if (!begin_on_order (ctx, args, known, &order, error))
    return FALSE;

  deadline = json_object_get_int_member (order.row, "accept_deadline");
  if (ctx->now <= deadline)
    {
      g_autofree char *label = order_label (order.row);
      g_autofree char *when = local_time (ctx, deadline);

      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("The %s may still be accepted until %s; it expires only after that"),
                   label, when);
      return FALSE;
    }

  clear_assignment (changes);
  detail = assignment_detail (order.row);
  json_object_set_int_member (detail, "accept_deadline", deadline);
  return move (ctx, &order, changes, detail, error);
}

static const char * const delivery_args[] = {
  "order_id", "delivered_start", "delivered_end", "audience", "hours", NULL
};

/* The times and audience of a delivery record, checked alike when it is
 * recorded and when it is corrected; in: the defaults. */
static gboolean
read_delivery (WdOpContext  *ctx,
               JsonObject   *args,
               gint64       *start,
               gint64       *end,
               gint64       *audience,
               GError      **error)
{
  if (!wd_args_time (args, "delivered_start", WD_ARG_OPTIONAL, ctx->tz, start, error)
      || !wd_args_time (args, "delivered_end", WD_ARG_OPTIONAL, ctx->tz, end, error)
      || !wd_args_int (args, "audience", WD_ARG_OPTIONAL, 0, 100000, audience, error))
    return FALSE;

  if (*end <= *start)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("delivered_end: the service must end after it starts"));
      return FALSE;
    }
  if (*start > ctx->now)
    {
      g_autofree char *when = local_time (ctx, *start);

      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("delivered_start: %s is still to come; record the delivery after the "
                     "service has taken place"), when);
      return FALSE;
    }
  return TRUE;
}

gboolean
wd_op_order_deliver (WdOpContext  *ctx,
                     JsonObject   *args,
                     GError      **error)
{
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  gint64 start, end, audience;
  double hours;

  if (!begin_on_order (ctx, args, delivery_args, &order, error))
    return FALSE;

  start = json_object_get_int_member (order.row, "starts_at");
  end = json_object_get_int_member (order.row, "ends_at");
  audience = json_object_get_int_member (order.row, "audience");
  if (!read_delivery (ctx, args, &start, &end, &audience, error))
    return FALSE;

  /* Service hours default to the time served, to the nearest half hour. */
  hours = MAX (0.5, round ((double) (end - start) / 1800.0) / 2.0);
  if (!wd_args_double (args, "hours", WD_ARG_OPTIONAL, 0.5, 24.0, &hours, error))
    return FALSE;

  json_object_set_int_member (changes, "delivered_start", start);
  json_object_set_int_member (changes, "delivered_end", end);
  json_object_set_int_member (changes, "delivered_audience", audience);
  json_object_set_double_member (changes, "hours", hours);
  json_object_set_double_member (changes, "credited_hours", hours);
  return move (ctx, &order, changes, changes, error);
}

/* A proposed reward period has judged the order by its record: the
 * record may change only once the period is withdrawn. */
static gboolean
check_unclaimed (WdOpContext  *ctx,
                 Order        *order,
                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (ctx->store,
      "SELECT rp.name FROM reward_orders ro JOIN reward_periods rp ON rp.id = ro.period_id"
      " WHERE ro.order_id = ? AND rp.state = 'proposed'", error);
  g_autofree char *label = NULL;

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, order->id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;

  label = order_label (order->row);
  g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
               _("The %s is in the reward period “%s”, proposed and not yet approved; withdraw "
                 "the period, correct the record, then propose the period again"),
               label, (const char *) sqlite3_column_text (stmt, 0));
  return FALSE;
}

static gboolean
differs (JsonObject *row,
         const char *member,
         JsonNode   *value)
{
  JsonNode *before = json_object_get_member (row, member);

  return before == NULL || !json_node_equal (before, value);
}

/* Notes in detail what a correction changed in member of the row: the
 * field's name, and its value before and after (a delivery record holds
 * nothing private). */
static void
note_correction (JsonObject *row,
                 const char *member,
                 JsonNode   *value,
                 JsonObject *changes,
                 JsonObject *detail)
{
  JsonNode *before = json_object_get_member (row, member);

  json_array_add_string_element (json_object_get_array_member (detail, "fields"), member);
  json_object_set_member (json_object_get_object_member (detail, "was"), member,
                          before ? json_node_copy (before) : json_node_new (JSON_NODE_NULL));
  json_object_set_member (json_object_get_object_member (detail, "now"), member, json_node_copy (value));
  json_object_set_member (changes, member, json_node_copy (value));
}

/* A delivery recorded wrong (the hours, the audience, the times) is put
 * right until a reward has been paid on it. */
gboolean
wd_op_order_correct_delivery (WdOpContext  *ctx,
                              JsonObject   *args,
                              GError      **error)
{
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(JsonNode) start_node = NULL;
  g_autoptr(JsonNode) end_node = NULL;
  g_autoptr(JsonNode) audience_node = NULL;
  g_autoptr(JsonNode) hours_node = NULL;
  gint64 start, end, audience;
  double hours, was_hours;

  if (!begin_on_order (ctx, args, delivery_args, &order, error)
      || !check_unclaimed (ctx, &order, error))
    return FALSE;

  start = json_object_get_int_member (order.row, "delivered_start");
  end = json_object_get_int_member (order.row, "delivered_end");
  audience = json_object_get_int_member_with_default (order.row, "delivered_audience", 0);
  was_hours = hours = json_object_get_double_member_with_default (order.row, "hours", 0.5);
  if (!read_delivery (ctx, args, &start, &end, &audience, error)
      || !wd_args_double (args, "hours", WD_ARG_OPTIONAL, 0.5, 24.0, &hours, error))
    return FALSE;

  json_object_set_array_member (detail, "fields", json_array_new ());
  json_object_set_object_member (detail, "was", json_object_new ());
  json_object_set_object_member (detail, "now", json_object_new ());
  start_node = json_node_init_int (json_node_alloc (), start);
  end_node = json_node_init_int (json_node_alloc (), end);
  audience_node = json_node_init_int (json_node_alloc (), audience);
  hours_node = json_node_init_double (json_node_alloc (), hours);
  /* A time served reads as its start and end: both are kept when either
   * changes. */
  if (differs (order.row, "delivered_start", start_node) || differs (order.row, "delivered_end", end_node))
    {
      note_correction (order.row, "delivered_start", start_node, changes, detail);
      note_correction (order.row, "delivered_end", end_node, changes, detail);
    }
  if (differs (order.row, "delivered_audience", audience_node))
    note_correction (order.row, "delivered_audience", audience_node, changes, detail);
  if (hours != was_hours)
    note_correction (order.row, "hours", hours_node, changes, detail);
  /* The same correction made on two desks offline, or a form saved
   * unchanged, is not an error and leaves no trace. */
  if (json_object_get_size (changes) == 0)
    return TRUE;

  /* Hours a complaint took away stay taken away. */
  if (json_object_has_member (changes, "hours")
      && json_object_get_double_member_with_default (order.row, "credited_hours", was_hours) == was_hours)
    json_object_set_double_member (changes, "credited_hours", hours);
  json_object_set_int_member (changes, "updated_at", ctx->now);
  if (!wd_store_update_entity (ctx->store, &wd_entity_order, order.id, changes, error))
    return FALSE;
  return wd_op_record (ctx, "order", order.id, wd_order_state_to_string (order.state),
                       wd_order_state_to_string (order.state), detail, error);
}

gboolean
wd_op_order_rate (WdOpContext  *ctx,
                  JsonObject   *args,
                  GError      **error)
{
  static const char * const known[] = { "order_id", "stars", "comment", NULL };
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) rating = json_object_new ();
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *comment = NULL;
  gint64 stars = 0;

  if (!begin_on_order (ctx, args, known, &order, error)
      || !wd_args_int (args, "stars", WD_ARG_REQUIRED, 1, 5, &stars, error)
      || !wd_args_text (args, "comment", WD_ARG_MULTILINE, 500, &comment, error))
    return FALSE;

  json_object_set_string_member (rating, "order_id", order.id);
  json_object_set_int_member (rating, "stars", stars);
  json_object_set_string_member (rating, "comment", comment ? comment : "");
  json_object_set_string_member (rating, "rated_by", ctx->actor->user);
  json_object_set_int_member (rating, "rated_at", ctx->now);
  if (!wd_store_insert_row (ctx->store, "ratings", rating, error))
    return FALSE;

  return move (ctx, &order, changes, rating, error);
}

gboolean
wd_op_order_callback (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  static const char * const known[] = { "order_id", "outcome", "satisfaction", "notes", NULL };
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) callback = json_object_new ();
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *outcome_name = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *id = NULL;
  WdCallbackOutcome outcome;
  gint64 satisfaction = 0;

  if (!begin_on_order (ctx, args, known, &order, error)
      || !wd_args_text (args, "outcome", WD_ARG_REQUIRED, 16, &outcome_name, error)
      || !wd_args_text (args, "notes", WD_ARG_MULTILINE, 500, &notes, error))
    return FALSE;

  if (!wd_callback_outcome_from_string (outcome_name, &outcome))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("outcome: write satisfied, neutral, dissatisfied, complaint or unreachable"));
      return FALSE;
    }

  /* Nobody answered: there is nothing to score. */
  if (!wd_args_int (args, "satisfaction",
                    outcome == WD_CALLBACK_UNREACHABLE ? WD_ARG_OPTIONAL : WD_ARG_REQUIRED,
                    1, 5, &satisfaction, error))
    return FALSE;
  if (outcome == WD_CALLBACK_UNREACHABLE && satisfaction != 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("satisfaction: nobody was reached, so leave the satisfaction out"));
      return FALSE;
    }

  id = wd_op_new_id (ctx);
  json_object_set_string_member (callback, "id", id);
  json_object_set_string_member (callback, "order_id", order.id);
  json_object_set_string_member (callback, "outcome", outcome_name);
  if (satisfaction != 0)
    json_object_set_int_member (callback, "satisfaction", satisfaction);
  json_object_set_string_member (callback, "notes", notes ? notes : "");
  json_object_set_string_member (callback, "called_by", ctx->actor->user);
  json_object_set_int_member (callback, "called_at", ctx->now);
  if (!wd_store_insert_row (ctx->store, "callbacks", callback, error))
    return FALSE;

  /* A complaint upheld on the phone takes the activity's hours away. */
  if (outcome == WD_CALLBACK_COMPLAINT)
    {
      WdRewardRules rules;

      if (!wd_reward_rules_load (ctx->store, &rules, error))
        return FALSE;
      if (rules.complaint_zeroes)
        json_object_set_double_member (changes, "credited_hours", 0.0);
    }

  json_object_set_string_member (ctx->result, "id", id);
  return move (ctx, &order, changes, callback, error);
}

static gboolean
close_with_reason (WdOpContext  *ctx,
                   JsonObject   *args,
                   GError      **error)
{
  static const char * const known[] = { "order_id", "reason", NULL };
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *reason = NULL;

  if (!begin_on_order (ctx, args, known, &order, error)
      || !wd_args_text (args, "reason", WD_ARG_REQUIRED, 200, &reason, error))
    return FALSE;

  json_object_set_string_member (changes, "closing_reason", reason);
  json_object_set_string_member (detail, "reason", reason);
  return move (ctx, &order, changes, detail, error);
}

gboolean
wd_op_order_cancel (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  return close_with_reason (ctx, args, error);
}

gboolean
wd_op_order_reject (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  return close_with_reason (ctx, args, error);
}

/* What may be corrected on a placed order until it is delivered: not its
 * sub-district (whose office it is), project or topic (what was ordered;
 * that is a new order). */
static const char * const correctable[] = {
  "title", "community", "venue", "venue_kind", "starts_at", "ends_at", "audience", "requester",
  "contact_name", "contact_phone", "notes", NULL
};

/* The order's own fields as order.create arguments, with args on top. */
static JsonObject *
order_with_corrections (JsonObject *row,
                        JsonObject *args)
{
  JsonObject *merged = json_object_new ();

  for (guint i = 0; i < wd_entity_order.n_fields; i++)
    {
      const WdField *field = &wd_entity_order.fields[i];
      JsonObject *from = json_object_has_member (args, field->name) ? args : row;

      if (!(field->flags & WD_FIELD_INTERNAL) && json_object_has_member (from, field->name))
        json_object_set_member (merged, field->name, json_node_copy (json_object_get_member (from, field->name)));
    }
  return merged;
}

static gboolean
is_time_field (const char *name)
{
  return g_str_equal (name, "starts_at") || g_str_equal (name, "ends_at");
}

gboolean
wd_op_order_update (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  g_auto(Order) order = { 0 };
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(JsonArray) fields = json_array_new ();
  g_autoptr(GPtrArray) known = g_ptr_array_new ();
  gboolean times_changed = FALSE;

  g_ptr_array_add (known, (gpointer) "order_id");
  for (guint i = 0; correctable[i] != NULL; i++)
    g_ptr_array_add (known, (gpointer) correctable[i]);
  g_ptr_array_add (known, NULL);
  if (!begin_on_order (ctx, args, (const char * const *) known->pdata, &order, error))
    return FALSE;

  merged = order_with_corrections (order.row, args);
  row = wd_entity_read_args (&wd_entity_order, merged, ctx->tz, error);
  if (row == NULL)
    return FALSE;

  for (guint i = 0; correctable[i] != NULL; i++)
    if (!json_node_equal (json_object_get_member (row, correctable[i]),
                          json_object_get_member (order.row, correctable[i])))
      {
        json_array_add_string_element (fields, correctable[i]);
        times_changed |= is_time_field (correctable[i]);
      }
  /* Saving a form nobody changed, or the same correction made twice
   * offline, is not an error and leaves no trace. */
  if (json_array_get_length (fields) == 0)
    return TRUE;

  if (times_changed && order.state != WD_ORDER_ORDERED)
    {
      g_autofree char *label = order_label (order.row);

      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("starts_at: the %s is already %s, to a team chosen for its time; the time can "
                     "change only before it is dispatched (have it returned to the queue, or cancel it "
                     "and place a new order)"),
                   label, wd_order_state_label (order.state));
      return FALSE;
    }
  if (times_changed && !check_event_times (ctx, row, error))
    return FALSE;
  if (!json_object_get_null_member (row, "project_id")
      && !json_node_equal (json_object_get_member (row, "venue_kind"),
                           json_object_get_member (order.row, "venue_kind"))
      && !check_project_fit (ctx, row, error))
    return FALSE;

  /* The rest of the row stays as it is: state, assignment, number. */
  for (guint i = 0; i < wd_entity_order.n_fields; i++)
    {
      const WdField *field = &wd_entity_order.fields[i];

      if ((field->flags & WD_FIELD_INTERNAL) && json_object_has_member (order.row, field->name))
        json_object_set_member (row, field->name, json_node_copy (json_object_get_member (order.row, field->name)));
    }
  json_object_set_int_member (row, "updated_at", ctx->now);
  if (!wd_store_put_entity (ctx->store, &wd_entity_order, row, error))
    return FALSE;

  /* The names of what changed, never the values: the history goes where
   * a resident's phone number may not. */
  json_object_set_array_member (detail, "fields", g_steal_pointer (&fields));
  return wd_op_record (ctx, "order", order.id, wd_order_state_to_string (order.state),
                       wd_order_state_to_string (order.state), detail, error);
}

/* Closes the reward cycle of one rated order: rewarded when the approved
 * period paid for it, closed when the period looked at it and did not. */
gboolean
wd_op_order_settle (WdOpContext  *ctx,
                    const char   *order_id,
                    gboolean      rewarded,
                    const char   *period_id,
                    GError      **error)
{
  g_autoptr(JsonObject) row = wd_store_get (ctx->store, "order", order_id, error);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = json_object_new ();
  WdOrderState to = rewarded ? WD_ORDER_REWARDED : WD_ORDER_CLOSED;

  if (row == NULL)
    return FALSE;
  if (!g_str_equal (json_object_get_string_member (row, "state"),
                    wd_order_state_to_string (WD_ORDER_RATED)))
    {
      g_autofree char *label = order_label (row);

      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("The %s is no longer rated, so the period cannot settle it; "
                     "withdraw the period and propose it again"), label);
      return FALSE;
    }

  json_object_set_string_member (changes, "state", wd_order_state_to_string (to));
  json_object_set_int_member (changes, "updated_at", ctx->now);
  if (!rewarded)
    json_object_set_string_member (changes, "closing_reason", "no-reward");
  if (!wd_store_update_entity (ctx->store, &wd_entity_order, order_id, changes, error))
    return FALSE;

  json_object_set_string_member (detail, "period_id", period_id);
  return wd_op_record (ctx, "order", order_id, wd_order_state_to_string (WD_ORDER_RATED),
                       wd_order_state_to_string (to), detail, error);
}
