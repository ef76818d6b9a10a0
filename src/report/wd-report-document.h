/* wd-report-document.h: the monthly report to the district: key figures
 * and charts of orders, satisfaction, callbacks and rewards. */
#pragma once

#include "wd-chart.h"
#include "wd-print-document.h"
#include "wd-store.h"

G_BEGIN_DECLS

#define WD_TYPE_REPORT_DOCUMENT (wd_report_document_get_type ())

G_DECLARE_FINAL_TYPE (WdReportDocument, wd_report_document, WD, REPORT_DOCUMENT, WdPrintDocument)

/* month is "YYYY-MM"; reads the figures at once (off the UI thread). */
WdReportDocument *wd_report_document_new         (WdStore           *store,
                                                  const char        *month,
                                                  gint64             now,
                                                  GError           **error);
JsonObject       *wd_report_document_get_summary (WdReportDocument  *self);

/* The charts of a summary, for any surface: each has a title and items. */
typedef struct
{
  char         *title;
  gboolean      pie;
  WdChartItem  *items;
  guint         n_items;
} WdReportChart;

GPtrArray        *wd_report_charts               (JsonObject        *summary);
void              wd_report_chart_free           (WdReportChart     *chart);
/* The key figures as (label, value) pairs, in order. */
GPtrArray        *wd_report_figures              (JsonObject        *summary);

G_END_DECLS
