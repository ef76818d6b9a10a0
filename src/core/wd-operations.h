/* wd-operations.h: the rulebook. Every change to shared data is one named
 * operation with JSON arguments, applied by the same function on the app's
 * store and on the server's. docs/operations.md describes each. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-store.h"

G_BEGIN_DECLS

/* Applies one operation as actor at time now (UTC seconds; the caller's
 * clock, never read here). op_id names the operation for sync and seeds the
 * identifiers it creates; NULL makes a fresh one. On success *result (if not
 * NULL) receives what the operation created (ids, order numbers). On
 * failure nothing has changed: the operation runs in its own savepoint. */
gboolean            wd_operation_apply          (WdStore        *store,
                                                 const WdActor  *actor,
                                                 gint64          now,
                                                 const char     *op_id,
                                                 const char     *kind,
                                                 JsonObject     *args,
                                                 JsonObject    **result,
                                                 GError        **error);
gboolean            wd_operation_apply_json     (WdStore        *store,
                                                 const WdActor  *actor,
                                                 gint64          now,
                                                 const char     *kind,
                                                 const char     *args_json,
                                                 JsonObject    **result,
                                                 GError        **error);

char               *wd_id_from_name             (const char     *name);
const char * const *wd_operation_kinds          (void);
gboolean            wd_operation_is_known       (const char     *kind);
gboolean            wd_operation_allows_role    (const char     *kind,
                                                 WdRole          role);

/* Returns the dispatched orders whose acceptance deadline has passed at
 * now to the dispatch queue (order.expire on each); returns how many. */
guint               wd_operations_expire_overdue (WdStore       *store,
                                                  const WdActor *actor,
                                                  gint64         now,
                                                  GError       **error);

G_END_DECLS

G_BEGIN_DECLS

/* The order state machine as data: whether kind may run on an order in
 * state from, and the state it leaves the order in (to == from for
 * operations that record without moving, such as order.callback). */
gboolean            wd_order_transition         (const char     *kind,
                                                 WdOrderState    from,
                                                 WdOrderState   *to);

G_END_DECLS
