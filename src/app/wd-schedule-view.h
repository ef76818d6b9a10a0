/* wd-schedule-view.h: the coming days' events by day, for one
 * sub-district or all: what an office pins on its notice board. */
#pragma once

#include <adwaita.h>

#include "wd-row-model.h"
#include "wd-schedule-document.h"
#include "wd-sheet-document.h"

G_BEGIN_DECLS

#define WD_TYPE_SCHEDULE_VIEW (wd_schedule_view_get_type ())

G_DECLARE_FINAL_TYPE (WdScheduleView, wd_schedule_view, WD, SCHEDULE_VIEW, AdwBin)

WdRowModel         *wd_schedule_view_get_model             (WdScheduleView      *self);
/* The printable schedule of what the view shows, read off the UI thread. */
void                wd_schedule_view_build_document_async  (WdScheduleView      *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
WdScheduleDocument *wd_schedule_view_build_document_finish (WdScheduleView      *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
/* The work sheets of the shown events already dispatched. */
void                wd_schedule_view_build_sheets_async    (WdScheduleView      *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
WdSheetDocument    *wd_schedule_view_build_sheets_finish   (WdScheduleView      *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

G_END_DECLS
