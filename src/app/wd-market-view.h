/* wd-market-view.h: the project marketplace (项目超市): the services the
 * teams offer, searched and filtered, each a click away from an order. */
#pragma once

#include <adwaita.h>

#include "wd-row-model.h"

G_BEGIN_DECLS

#define WD_TYPE_MARKET_VIEW (wd_market_view_get_type ())

G_DECLARE_FINAL_TYPE (WdMarketView, wd_market_view, WD, MARKET_VIEW, AdwBin)

WdRowModel *wd_market_view_get_model (WdMarketView *self);

G_END_DECLS
