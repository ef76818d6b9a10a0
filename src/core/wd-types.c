/* wd-types.c: names and labels of the domain vocabularies. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-types.h"

typedef struct
{
  const char *name;
  const char *label;   /* msgid, translated on use */
} Term;

static const Term roles[] = {
  [WD_ROLE_ADMIN] = { "admin", N_("Administrator") },
  [WD_ROLE_CENTRE] = { "centre", N_("Guidance centre") },
  [WD_ROLE_OFFICE] = { "office", N_("Sub-district office") },
  [WD_ROLE_TEAM] = { "team", N_("Volunteer team") },
};

static const Term order_states[] = {
  [WD_ORDER_ORDERED] = { "ordered", N_("Ordered") },
  [WD_ORDER_DISPATCHED] = { "dispatched", N_("Dispatched") },
  [WD_ORDER_ACCEPTED] = { "accepted", N_("Accepted") },
  [WD_ORDER_DELIVERED] = { "delivered", N_("Delivered") },
  [WD_ORDER_RATED] = { "rated", N_("Rated") },
  [WD_ORDER_REWARDED] = { "rewarded", N_("Rewarded") },
  [WD_ORDER_REJECTED] = { "rejected", N_("Rejected") },
  [WD_ORDER_CANCELLED] = { "cancelled", N_("Cancelled") },
  [WD_ORDER_CLOSED] = { "closed", N_("Closed") },
};

static const Term assignee_kinds[] = {
  [WD_ASSIGNEE_NONE] = { "none", N_("Nobody") },
  [WD_ASSIGNEE_TEAM] = { "team", N_("Team") },
  [WD_ASSIGNEE_SPEAKER] = { "speaker", N_("Speaker") },
};

static const Term callback_outcomes[] = {
  [WD_CALLBACK_SATISFIED] = { "satisfied", N_("Satisfied") },
  [WD_CALLBACK_NEUTRAL] = { "neutral", N_("Neutral") },
  [WD_CALLBACK_DISSATISFIED] = { "dissatisfied", N_("Dissatisfied") },
  [WD_CALLBACK_COMPLAINT] = { "complaint", N_("Complaint") },
  [WD_CALLBACK_UNREACHABLE] = { "unreachable", N_("Could not be reached") },
};

static const Term resident_statuses[] = {
  [WD_RESIDENT_UNDER_REVIEW] = { "under-review", N_("Under review") },
  [WD_RESIDENT_IN_SERVICE] = { "in-service", N_("In service") },
  [WD_RESIDENT_DONE] = { "done", N_("Done") },
  [WD_RESIDENT_REJECTED] = { "rejected", N_("Rejected") },
  [WD_RESIDENT_CANCELLED] = { "cancelled", N_("Cancelled") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (roles) == WD_N_ROLES);
G_STATIC_ASSERT (G_N_ELEMENTS (order_states) == WD_N_ORDER_STATES);

static gboolean
lookup (const Term *terms,
        guint       n_terms,
        const char *name,
        int        *value)
{
  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < n_terms; i++)
    {
      if (g_str_equal (terms[i].name, name))
        {
          *value = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

#define DEFINE_TERMS(prefix, Type, table)                                   \
  const char *                                                              \
  prefix##_to_string (Type value)                                           \
  {                                                                         \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (table), NULL);      \
    return table[value].name;                                               \
  }                                                                         \
  gboolean                                                                  \
  prefix##_from_string (const char *name,                                   \
                        Type       *value)                                  \
  {                                                                         \
    int v;                                                                  \
    if (!lookup (table, G_N_ELEMENTS (table), name, &v))                    \
      return FALSE;                                                         \
    if (value != NULL)                                                      \
      *value = (Type) v;                                                    \
    return TRUE;                                                            \
  }                                                                         \
  const char *                                                              \
  prefix##_label (Type value)                                               \
  {                                                                         \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (table), NULL);      \
    return _(table[value].label);                                           \
  }

DEFINE_TERMS (wd_role, WdRole, roles)
DEFINE_TERMS (wd_order_state, WdOrderState, order_states)
DEFINE_TERMS (wd_assignee_kind, WdAssigneeKind, assignee_kinds)
DEFINE_TERMS (wd_callback_outcome, WdCallbackOutcome, callback_outcomes)
DEFINE_TERMS (wd_resident_status, WdResidentStatus, resident_statuses)

/* Waiting for the centre, then in the hands of a team or speaker until
 * the service is given; after that done, whatever the centre still
 * records (rating, callback, reward). */
WdResidentStatus
wd_order_resident_status (WdOrderState state)
{
  switch (state)
    {
    case WD_ORDER_ORDERED:
      return WD_RESIDENT_UNDER_REVIEW;
    case WD_ORDER_DISPATCHED:
    case WD_ORDER_ACCEPTED:
      return WD_RESIDENT_IN_SERVICE;
    case WD_ORDER_REJECTED:
      return WD_RESIDENT_REJECTED;
    case WD_ORDER_CANCELLED:
      return WD_RESIDENT_CANCELLED;
    case WD_ORDER_DELIVERED:
    case WD_ORDER_RATED:
    case WD_ORDER_REWARDED:
    case WD_ORDER_CLOSED:
    default:
      return WD_RESIDENT_DONE;
    }
}

gboolean
wd_order_state_is_open (WdOrderState state)
{
  return state == WD_ORDER_ORDERED
      || state == WD_ORDER_DISPATCHED
      || state == WD_ORDER_ACCEPTED;
}
