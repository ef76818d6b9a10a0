/* wd-order-actions.c: the rules the views follow, from plain values. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "wd-error.h"
#include "wd-entity.h"
#include "wd-json.h"
#include "wd-operations.h"
#include "wd-order-actions.h"
#include "wd-time.h"

#define SOON_SECONDS (4 * 3600)
/* An order not dispatched two days before its event is late to plan. */
#define DISPATCH_SOON_SECONDS (48 * 3600)

static const WdOrderActionInfo actions[WD_N_ORDER_ACTIONS] = {
  { WD_ORDER_ACTION_DISPATCH, "dispatch", "order.dispatch", N_("Dispatch…") },
  { WD_ORDER_ACTION_ACCEPT, "accept", "order.accept", N_("Accept") },
  { WD_ORDER_ACTION_DECLINE, "decline", "order.decline", N_("Decline…") },
  { WD_ORDER_ACTION_EXPIRE, "expire", "order.expire", N_("Return to Queue") },
  { WD_ORDER_ACTION_DELIVER, "deliver", "order.deliver", N_("Record Delivery…") },
  { WD_ORDER_ACTION_RATE, "rate", "order.rate", N_("Rate…") },
  { WD_ORDER_ACTION_CORRECT_DELIVERY, "correct-delivery", "order.correct_delivery", N_("Correct Delivery…") },
  { WD_ORDER_ACTION_CALLBACK, "callback", "order.callback", N_("Record Callback…") },
  { WD_ORDER_ACTION_EDIT, "edit", "order.update", N_("Edit Details…") },
  { WD_ORDER_ACTION_CANCEL, "cancel", "order.cancel", N_("Cancel Order…") },
  { WD_ORDER_ACTION_REJECT, "reject", "order.reject", N_("Reject…") },
};

const WdOrderActionInfo *
wd_order_action_info (guint index)
{
  g_return_val_if_fail (index < WD_N_ORDER_ACTIONS, NULL);
  return &actions[index];
}

/* The same scope the operations enforce: an office acts on its own
 * sub-district, a team on what was dispatched to it. */
static gboolean
in_scope (JsonObject    *order,
          const WdActor *actor,
          const char    *operation)
{
  switch (actor->role)
    {
    case WD_ROLE_ADMIN:
    case WD_ROLE_CENTRE:
      return TRUE;
    case WD_ROLE_OFFICE:
      return g_strcmp0 (actor->subdistrict_id, wd_json_text (order, "subdistrict_id")) == 0;
    case WD_ROLE_TEAM:
      return g_strcmp0 (actor->assignee_id, wd_json_text (order, "assignee_id")) == 0;
    default:
      return FALSE;
    }
}

/* Beyond state and role, some actions depend on the clock: nothing is
 * dispatched or accepted after the event started, nothing delivered
 * before it, an accepted order is given back only before it, and only an
 * overdue dispatch goes back to the queue. */
static gboolean
timely (WdOrderActions  action,
        JsonObject     *order,
        gint64          now)
{
  gint64 starts_at = wd_json_int (order, "starts_at");
  gint64 deadline = wd_json_int (order, "accept_deadline");

  switch (action)
    {
    case WD_ORDER_ACTION_DISPATCH:
      return now < starts_at;
    case WD_ORDER_ACTION_ACCEPT:
      return now < starts_at && (deadline == 0 || now <= deadline);
    case WD_ORDER_ACTION_DECLINE:
      return g_strcmp0 (wd_json_text (order, "state"), "accepted") != 0 || now < starts_at;
    case WD_ORDER_ACTION_EXPIRE:
      return deadline != 0 && now > deadline;
    case WD_ORDER_ACTION_DELIVER:
      return now >= starts_at;
    default:
      return TRUE;
    }
}

WdOrderActions
wd_order_actions_for (JsonObject    *order,
                      const WdActor *actor,
                      gint64         now)
{
  WdOrderState state;
  WdOrderActions offered = 0;

  g_return_val_if_fail (order != NULL && actor != NULL, 0);

  if (!wd_order_state_from_string (wd_json_text (order, "state"), &state))
    return 0;

  for (guint i = 0; i < WD_N_ORDER_ACTIONS; i++)
    {
      WdOrderState to;

      if (wd_order_transition (actions[i].operation, state, &to)
          && wd_operation_allows_role (actions[i].operation, actor->role)
          && in_scope (order, actor, actions[i].operation)
          && timely (actions[i].action, order, now))
        offered |= actions[i].action;
    }

  return offered;
}

/* Dragging a card to the next column of the board means the step that
 * moves it there; any other move has no meaning. */
gboolean
wd_order_drop_action (WdOrderState    from,
                      WdOrderState    to,
                      WdOrderActions *action)
{
  static const struct { WdOrderState from, to; WdOrderActions action; } moves[] = {
    { WD_ORDER_ORDERED, WD_ORDER_DISPATCHED, WD_ORDER_ACTION_DISPATCH },
    { WD_ORDER_DISPATCHED, WD_ORDER_ACCEPTED, WD_ORDER_ACTION_ACCEPT },
    { WD_ORDER_DISPATCHED, WD_ORDER_ORDERED, WD_ORDER_ACTION_DECLINE },
    { WD_ORDER_ACCEPTED, WD_ORDER_ORDERED, WD_ORDER_ACTION_DECLINE },
    { WD_ORDER_ACCEPTED, WD_ORDER_DELIVERED, WD_ORDER_ACTION_DELIVER },
    { WD_ORDER_DELIVERED, WD_ORDER_RATED, WD_ORDER_ACTION_RATE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    if (moves[i].from == from && moves[i].to == to)
      {
        *action = moves[i].action;
        return TRUE;
      }
  return FALSE;
}

/* The acceptance deadline of a dispatched order. */
static WdDeadlineUrgency
describe_acceptance (gint64   deadline,
                     gint64   now,
                     char   **text)
{
  g_autofree char *span = NULL;

  if (now > deadline)
    {
      span = wd_time_format_duration (now - deadline);
      /* TRANSLATORS: %s is a span such as "3 hours" */
      *text = g_strdup_printf (_("Overdue by %s"), span);
      return WD_DEADLINE_OVERDUE;
    }
  span = wd_time_format_duration (deadline - now);
  /* TRANSLATORS: %s is a span such as "3 hours" */
  *text = g_strdup_printf (_("%s left to accept"), span);
  return deadline - now < SOON_SECONDS ? WD_DEADLINE_SOON : WD_DEADLINE_AHEAD;
}

/* An order still waiting for a dispatch: its event coming close, or
 * already begun, which only a cancellation or a rejection can settle. */
static WdDeadlineUrgency
describe_waiting_dispatch (gint64   starts_at,
                           gint64   now,
                           char   **text)
{
  g_autofree char *span = NULL;

  if (now >= starts_at)
    {
      span = wd_time_format_duration (now - starts_at);
      /* TRANSLATORS: %s is a span such as "3 days" */
      *text = g_strdup_printf (_("Began %s ago, never dispatched"), span);
      return WD_DEADLINE_OVERDUE;
    }
  if (starts_at - now >= DISPATCH_SOON_SECONDS)
    return WD_DEADLINE_NONE;
  span = wd_time_format_duration (starts_at - now);
  /* TRANSLATORS: %s is a span such as "20 hours" */
  *text = g_strdup_printf (_("Starts in %s, not yet dispatched"), span);
  return WD_DEADLINE_SOON;
}

/* What the clock says about the order's next step, in words, and how
 * urgent it is: the acceptance deadline of a dispatched order, the event
 * of an order nobody was dispatched to, the delivery of an event over. */
WdDeadlineUrgency
wd_deadline_describe (JsonObject  *order,
                      gint64       now,
                      char       **text)
{
  const char *state = wd_json_text (order, "state");
  gint64 deadline = wd_json_int (order, "accept_deadline");
  gint64 starts_at = wd_json_int (order, "starts_at");
  gint64 ends_at = wd_json_int (order, "ends_at");
  WdDeadlineUrgency urgency = WD_DEADLINE_NONE;

  *text = NULL;
  if (g_str_equal (state, "dispatched") && deadline != 0)
    urgency = describe_acceptance (deadline, now, text);
  else if (g_str_equal (state, "ordered") && starts_at != 0)
    urgency = describe_waiting_dispatch (starts_at, now, text);
  else if (g_str_equal (state, "accepted") && ends_at != 0 && now > ends_at)
    {
      g_autofree char *span = wd_time_format_duration (now - ends_at);

      /* TRANSLATORS: %s is a span such as "2 days" */
      *text = g_strdup_printf (_("Ended %s ago, delivery not recorded"), span);
      urgency = WD_DEADLINE_SOON;
    }
  return urgency;
}

/* What an operation does, for a person: a sync problem names the change
 * the server refused by it. */
const char *
wd_operation_title (const char *kind)
{
  static const struct { const char *kind; const char *title; } titles[] = {
    { "order.create", N_("Placing an order") },
    { "order.dispatch", N_("Dispatching an order") },
    { "order.accept", N_("Accepting an order") },
    { "order.decline", N_("Declining an order") },
    { "order.expire", N_("Returning an overdue order to the queue") },
    { "order.deliver", N_("Recording a delivery") },
    { "order.rate", N_("Rating a service") },
    { "order.callback", N_("Recording a callback") },
    { "order.cancel", N_("Cancelling an order") },
    { "order.reject", N_("Rejecting an order") },
    { "order.update", N_("Correcting an order") },
    { "order.correct_delivery", N_("Correcting a delivery record") },
    { "speaker.upsert", N_("Saving a speaker") },
    { "speaker.photo", N_("Changing a speaker's photo") },
    { "team.upsert", N_("Saving a team") },
    { "project.upsert", N_("Saving a project") },
    { "topic.upsert", N_("Saving a topic") },
    { "subdistrict.upsert", N_("Saving a sub-district") },
    { "settings.set", N_("Changing the district settings") },
    { "fund.upsert", N_("Saving a fund") },
    { "fund.deposit", N_("Depositing into a fund") },
    { "reward.rules", N_("Changing the reward rules") },
    { "reward.propose", N_("Proposing rewards") },
    { "reward.approve", N_("Approving rewards") },
    { "reward.withdraw", N_("Withdrawing a reward proposal") },
    { "certificate.issue", N_("Issuing a service record certificate") },
    { "certificate.revoke", N_("Revoking a service record certificate") },
    { "sync.first", N_("The first sync with the server") },
    { "sync.restored", N_("The server was restored from a backup") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (titles[i].kind, kind) == 0)
      return _(titles[i].title);
  return kind;
}


/* Whoever may place orders for the order's sub-district may place it
 * again, whatever became of it. */
gboolean
wd_order_can_order_again (JsonObject    *order,
                          const WdActor *actor)
{
  g_return_val_if_fail (order != NULL && actor != NULL, FALSE);

  if (!wd_operation_allows_role ("order.create", actor->role))
    return FALSE;
  return actor->role != WD_ROLE_OFFICE
      || g_strcmp0 (actor->subdistrict_id, wd_json_text (order, "subdistrict_id")) == 0;
}

/* The same weekday and local time as starts_at, whole weeks later, the
 * first still ahead of now. */
gint64
wd_order_next_occurrence (gint64     starts_at,
                          gint64     now,
                          GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (starts_at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  int weeks = 1;

  if (now > starts_at)
    weeks = (int) ((now - starts_at) / (7 * 86400)) + 1;
  for (;; weeks++)
    {
      g_autoptr(GDateTime) next = g_date_time_add_weeks (local, weeks);

      if (g_date_time_to_unix (next) > now)
        return g_date_time_to_unix (next);
    }
}

/* Names the bits of mask from labels, runs of three or more days as a
 * span ("Monday–Friday"). */
static void
append_flags (GString     *text,
              gint64       mask,
              guint        n,
              gboolean     spans,
              const char *(*label) (guint))
{
  for (guint i = 0; i < n; i++)
    {
      guint last = i;

      if (!(mask & (1 << i)))
        continue;
      while (spans && last + 1 < n && (mask & (1 << (last + 1))))
        last++;
      if (text->len > 0)
        /* TRANSLATORS: between the names of fields in a list */
        g_string_append (text, _(", "));
      if (last >= i + 2)
        /* TRANSLATORS: a span of weekdays, e.g. Monday–Friday */
        g_string_append_printf (text, _("%s–%s"), label (i), label (last));
      else
        {
          g_string_append (text, label (i));
          last = i;
        }
      i = last;
    }
}

/* When a speaker is usually free, in words; NULL when they have not said. */
char *
wd_free_time_describe (gint64 free_days,
                       gint64 free_times)
{
  g_autoptr(GString) days = g_string_new (NULL);
  g_autoptr(GString) times = g_string_new (NULL);

  if (free_days == 0 && free_times == 0)
    return NULL;
  if (free_days == 0 || free_days == 0x7f)
    g_string_append (days, _("Any day"));
  else
    append_flags (days, free_days, 7, TRUE, wd_weekday_label);
  if (free_times != 0 && free_times != 0x7)
    append_flags (times, free_times, 3, FALSE, wd_day_part_label);
  if (times->len == 0)
    return g_string_free (g_steal_pointer (&days), FALSE);
  /* TRANSLATORS: days, then parts of the day, e.g. Monday–Friday · morning */
  return g_strdup_printf (_("%s · %s"), days->str, times->str);
}

/* How a project's month stands: sessions booked against the sessions a
 * month its team can give (0: the team set no limit). */
WdBooking
wd_booking_describe (gint64   booked,
                     gint64   capacity,
                     char   **text)
{
  if (capacity <= 0)
    {
      *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d session booked", "%d sessions booked",
                                            (gulong) booked), (int) booked);
      return WD_BOOKING_OPEN;
    }
  if (booked < capacity)
    {
      /* TRANSLATORS: sessions of a project booked in a month, of those its team can give */
      *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d of %d session booked", "%d of %d sessions booked",
                                            (gulong) capacity), (int) booked, (int) capacity);
      return WD_BOOKING_OPEN;
    }
  if (booked == capacity)
    {
      *text = g_strdup_printf (_("Fully booked (%d of %d)"), (int) booked, (int) capacity);
      return WD_BOOKING_FULL;
    }
  *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Over capacity: %d booked, %d a month",
                                        "Over capacity: %d booked, %d a month", (gulong) booked),
                           (int) booked, (int) capacity);
  return WD_BOOKING_OVER;
}
