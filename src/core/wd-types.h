/* wd-types.h: the small closed vocabularies of the domain (roles, order
 * states, assignee kinds, callback outcomes) and their names. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  WD_ROLE_ADMIN,
  WD_ROLE_CENTRE,
  WD_ROLE_OFFICE,
  WD_ROLE_TEAM,
} WdRole;

#define WD_N_ROLES 4
#define WD_ROLE_BIT(role) (1u << (role))

typedef enum
{
  WD_ORDER_ORDERED,
  WD_ORDER_DISPATCHED,
  WD_ORDER_ACCEPTED,
  WD_ORDER_DELIVERED,
  WD_ORDER_RATED,
  WD_ORDER_REWARDED,
  WD_ORDER_REJECTED,
  WD_ORDER_CANCELLED,
  WD_ORDER_CLOSED,
} WdOrderState;

#define WD_N_ORDER_STATES 9
#define WD_STATE_BIT(state) (1u << (state))

typedef enum
{
  WD_ASSIGNEE_NONE,
  WD_ASSIGNEE_TEAM,
  WD_ASSIGNEE_SPEAKER,
} WdAssigneeKind;

typedef enum
{
  WD_CALLBACK_SATISFIED,
  WD_CALLBACK_NEUTRAL,
  WD_CALLBACK_DISSATISFIED,
  WD_CALLBACK_COMPLAINT,
  WD_CALLBACK_UNREACHABLE,
} WdCallbackOutcome;

/* What the resident or community that ordered sees of an order: the
 * five statuses such platforms show (审核中, 服务中, 已完成, 已驳回,
 * 已取消), not the centre's nine states. */
typedef enum
{
  WD_RESIDENT_UNDER_REVIEW,
  WD_RESIDENT_IN_SERVICE,
  WD_RESIDENT_DONE,
  WD_RESIDENT_REJECTED,
  WD_RESIDENT_CANCELLED,
} WdResidentStatus;

/* Each vocabulary has a stable machine name (stored, sent over the wire)
 * and a translated label (shown to people). */
const char *wd_role_to_string              (WdRole             role);
gboolean    wd_role_from_string            (const char        *name,
                                            WdRole            *role);
const char *wd_role_label                  (WdRole             role);

const char *wd_order_state_to_string       (WdOrderState       state);
gboolean    wd_order_state_from_string     (const char        *name,
                                            WdOrderState      *state);
const char *wd_order_state_label           (WdOrderState       state);
gboolean    wd_order_state_is_open         (WdOrderState       state);

const char *wd_assignee_kind_to_string     (WdAssigneeKind     kind);
gboolean    wd_assignee_kind_from_string   (const char        *name,
                                            WdAssigneeKind    *kind);
const char *wd_assignee_kind_label         (WdAssigneeKind     kind);

const char *wd_callback_outcome_to_string  (WdCallbackOutcome  outcome);
gboolean    wd_callback_outcome_from_string (const char       *name,
                                             WdCallbackOutcome *outcome);
const char *wd_callback_outcome_label      (WdCallbackOutcome  outcome);

const char *wd_resident_status_to_string   (WdResidentStatus   status);
gboolean    wd_resident_status_from_string (const char        *name,
                                            WdResidentStatus  *status);
const char *wd_resident_status_label       (WdResidentStatus   status);
WdResidentStatus wd_order_resident_status  (WdOrderState       state);

G_END_DECLS
