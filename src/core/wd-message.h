/* wd-message.h: the messages a dispatcher sends teams and speakers about
 * their orders, for the app to copy and for wudanctl to hand to a script
 * that texts them. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-store.h"

G_BEGIN_DECLS

char      *wd_order_team_message          (WdStore     *store,
                                           JsonObject  *order);
JsonArray *wd_store_list_awaiting_answer  (WdStore     *store,
                                           gint64       until,
                                           GError     **error);

G_END_DECLS
