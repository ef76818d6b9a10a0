/* wd-board-view.h: the dispatch board (派单): orders in columns by state,
 * as cards a dispatcher scans and moves on, by menu or by dragging. */
#pragma once

#include <adwaita.h>

#include "wd-row-model.h"
#include "wd-types.h"

G_BEGIN_DECLS

#define WD_TYPE_BOARD_VIEW (wd_board_view_get_type ())

G_DECLARE_FINAL_TYPE (WdBoardView, wd_board_view, WD, BOARD_VIEW, AdwBin)

WdRowModel *wd_board_view_get_column_model (WdBoardView  *self,
                                            WdOrderState  state);
gboolean    wd_board_view_drop            (WdBoardView  *self,
                                           const char   *order_id,
                                           WdOrderState  to);
void        wd_board_view_refresh_deadlines (WdBoardView *self);

G_END_DECLS
