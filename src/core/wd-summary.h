/* wd-summary.h: the figures of a period for the monthly report to the
 * district: what was ordered and delivered, how it was rated and called
 * back, and what rewards were paid. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-store.h"

G_BEGIN_DECLS

/* Orders count by the time of their event, callbacks by when the call was
 * made and rewards by when they were paid, all in [from, to). Members:
 * orders, delivered, audience, hours, ratings, rating_average, stars
 * (counts of 1..5), callbacks, callback_satisfaction, callback_outcomes,
 * rewards_paid, rewards_paid_cents, and by_state, by_subdistrict,
 * by_topic, by_venue_kind (name → count). */
JsonObject *wd_store_summarize (WdStore   *store,
                                gint64     from,
                                gint64     to,
                                GError   **error);

G_END_DECLS
