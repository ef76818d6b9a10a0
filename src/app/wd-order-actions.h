/* wd-order-actions.h: what the views show, computed from plain values so
 * it is tested without a display: which actions an order offers this
 * user now, and how its acceptance deadline reads. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-types.h"

G_BEGIN_DECLS

typedef enum
{
  WD_ORDER_ACTION_DISPATCH = 1 << 0,
  WD_ORDER_ACTION_ACCEPT = 1 << 1,
  WD_ORDER_ACTION_DECLINE = 1 << 2,
  WD_ORDER_ACTION_EXPIRE = 1 << 3,
  WD_ORDER_ACTION_DELIVER = 1 << 4,
  WD_ORDER_ACTION_RATE = 1 << 5,
  WD_ORDER_ACTION_CALLBACK = 1 << 6,
  WD_ORDER_ACTION_CANCEL = 1 << 7,
  WD_ORDER_ACTION_REJECT = 1 << 8,
  WD_ORDER_ACTION_EDIT = 1 << 9,
  WD_ORDER_ACTION_CORRECT_DELIVERY = 1 << 10,
} WdOrderActions;

#define WD_N_ORDER_ACTIONS 11

typedef struct
{
  WdOrderActions  action;
  const char     *name;         /* the GAction name, e.g. "dispatch" */
  const char     *operation;    /* the operation it applies */
  const char     *label;        /* untranslated; pass through gettext */
} WdOrderActionInfo;

const WdOrderActionInfo *wd_order_action_info    (guint          index);
WdOrderActions           wd_order_actions_for    (JsonObject    *order,
                                                  const WdActor *actor,
                                                  gint64         now);
gboolean                 wd_order_drop_action    (WdOrderState   from,
                                                  WdOrderState   to,
                                                  WdOrderActions *action);

typedef enum
{
  WD_DEADLINE_NONE,       /* nothing the clock presses for */
  WD_DEADLINE_AHEAD,
  WD_DEADLINE_SOON,       /* under four hours to accept, an event near and
                           * not dispatched, a delivery not recorded */
  WD_DEADLINE_OVERDUE,    /* acceptance overdue, an event begun undispatched */
} WdDeadlineUrgency;

WdDeadlineUrgency        wd_deadline_describe    (JsonObject    *order,
                                                  gint64         now,
                                                  char         **text);
const char              *wd_operation_title      (const char    *kind);
gboolean                 wd_order_can_order_again (JsonObject   *order,
                                                   const WdActor *actor);
char                    *wd_free_time_describe    (gint64        free_days,
                                                   gint64        free_times);
gint64                   wd_order_next_occurrence (gint64        starts_at,
                                                   gint64        now,
                                                   GTimeZone    *tz);

typedef enum
{
  WD_BOOKING_OPEN,        /* sessions left, or no capacity set */
  WD_BOOKING_FULL,        /* every session of the month booked */
  WD_BOOKING_OVER,        /* more booked than the team said it can give */
} WdBooking;

WdBooking                wd_booking_describe      (gint64        booked,
                                                   gint64        capacity,
                                                   char        **text);

G_END_DECLS
