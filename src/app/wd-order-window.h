/* wd-order-window.h: one order: everything about it, its history, and
 * exactly the actions its state and the user's role allow. */
#pragma once

#include <adwaita.h>

#include "wd-order-actions.h"
#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_ORDER_WINDOW (wd_order_window_get_type ())

G_DECLARE_FINAL_TYPE (WdOrderWindow, wd_order_window, WD, ORDER_WINDOW, AdwWindow)

WdOrderWindow  *wd_order_window_new         (GtkWindow     *parent,
                                             WdWorkspace   *workspace,
                                             const char    *order_id);
WdOrderActions  wd_order_window_get_actions (WdOrderWindow *self);

G_END_DECLS
