/* wd-report-view.h: the month's figures and charts on screen, the same
 * the printed monthly report to the district shows. */
#pragma once

#include <adwaita.h>

#include "wd-report-document.h"

G_BEGIN_DECLS

#define WD_TYPE_REPORT_VIEW (wd_report_view_get_type ())

G_DECLARE_FINAL_TYPE (WdReportView, wd_report_view, WD, REPORT_VIEW, AdwBin)

/* The month shown, as YYYY-MM. */
const char       *wd_report_view_get_month              (WdReportView        *self);
void              wd_report_view_set_month              (WdReportView        *self,
                                                         const char          *month);
/* The figures shown, once read (NULL before). */
JsonObject       *wd_report_view_get_summary            (WdReportView        *self);
void              wd_report_view_build_document_async   (WdReportView        *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
WdReportDocument *wd_report_view_build_document_finish  (WdReportView        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
