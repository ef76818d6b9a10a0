/* wd-schedule-view.h: the coming days' events by day, for one
 * sub-district or all: what an office pins on its notice board. */
#pragma once

#include <adwaita.h>

#include "wd-row-model.h"

G_BEGIN_DECLS

#define WD_TYPE_SCHEDULE_VIEW (wd_schedule_view_get_type ())

G_DECLARE_FINAL_TYPE (WdScheduleView, wd_schedule_view, WD, SCHEDULE_VIEW, AdwBin)

WdRowModel *wd_schedule_view_get_model (WdScheduleView *self);

G_END_DECLS
