/* wd-chart.h: bar and pie charts drawn with cairo, for the printed
 * monthly report and the app's Reports view alike. */
#pragma once

#include <pango/pangocairo.h>

G_BEGIN_DECLS

typedef struct
{
  const char *label;
  double      value;
} WdChartItem;

/* Horizontal bars, one line each: label, bar, value. */
double wd_chart_bars_height (guint               n_items,
                             double              font_size);
void   wd_chart_draw_bars   (cairo_t            *cr,
                             PangoContext       *context,
                             double              width,
                             double              font_size,
                             const char         *title,
                             const WdChartItem  *items,
                             guint               n_items);

/* A pie with a legend of labels, values and shares beside it. */
double wd_chart_pie_height  (guint               n_items,
                             double              font_size);
void   wd_chart_draw_pie    (cairo_t            *cr,
                             PangoContext       *context,
                             double              width,
                             double              font_size,
                             const char         *title,
                             const WdChartItem  *items,
                             guint               n_items);

G_END_DECLS
