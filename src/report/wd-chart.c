/* wd-chart.c: bar and pie charts. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "wd-chart.h"
#include "wd-print-document.h"

#define LINE_FACTOR 1.9     /* a bar's line, in font sizes */
#define TITLE_FACTOR 2.2
#define PIE_MIN_LINES 7

/* The GNOME palette, dark enough to tell apart on a grey printer. */
static const double palette[][3] = {
  { 0.11, 0.44, 0.85 },   /* blue 4 */
  { 0.18, 0.76, 0.49 },   /* green 4 */
  { 0.96, 0.47, 0.00 },   /* orange 4 */
  { 0.75, 0.11, 0.16 },   /* red 4 */
  { 0.51, 0.24, 0.61 },   /* purple 4 */
  { 0.96, 0.83, 0.18 },   /* yellow 4 */
  { 0.53, 0.36, 0.23 },   /* brown 4 */
  { 0.37, 0.39, 0.40 },   /* dark 1 */
};

static void
set_palette (cairo_t *cr,
             guint    index)
{
  const double *rgb = palette[index % G_N_ELEMENTS (palette)];

  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

static char *
format_value (double value)
{
  if (value == floor (value))
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

static double
draw_title (cairo_t      *cr,
            PangoContext *context,
            double        width,
            double        font_size,
            const char   *title)
{
  g_autoptr(PangoLayout) layout = wd_print_layout_new (context, title, width, font_size * 1.1, TRUE);

  cairo_set_source_rgb (cr, 0, 0, 0);
  wd_print_show_layout (cr, layout, 0, 0);
  return font_size * TITLE_FACTOR;
}

static double
total_of (const WdChartItem *items,
          guint              n_items)
{
  double total = 0;

  for (guint i = 0; i < n_items; i++)
    total += MAX (items[i].value, 0);
  return total;
}

static void
draw_no_data (cairo_t      *cr,
              PangoContext *context,
              double        width,
              double        font_size,
              double        y)
{
  g_autoptr(PangoLayout) layout = wd_print_layout_new (context, _("No data for this period"), width, font_size, FALSE);

  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  wd_print_show_layout (cr, layout, 0, y);
}

double
wd_chart_bars_height (guint  n_items,
                      double font_size)
{
  return font_size * (TITLE_FACTOR + LINE_FACTOR * MAX (n_items, 1));
}

void
wd_chart_draw_bars (cairo_t           *cr,
                    PangoContext      *context,
                    double             width,
                    double             font_size,
                    const char        *title,
                    const WdChartItem *items,
                    guint              n_items)
{
  double line = font_size * LINE_FACTOR;
  double label_width = width * 0.28;
  double value_width = font_size * 5;
  double bar_room = width - label_width - value_width;
  double top, largest = 0;

  cairo_save (cr);
  top = draw_title (cr, context, width, font_size, title);
  for (guint i = 0; i < n_items; i++)
    largest = MAX (largest, items[i].value);
  if (n_items == 0 || largest <= 0)
    {
      draw_no_data (cr, context, width, font_size, top);
      cairo_restore (cr);
      return;
    }

  for (guint i = 0; i < n_items; i++)
    {
      double y = top + i * line;
      double bar = bar_room * MAX (items[i].value, 0) / largest;
      g_autofree char *value = format_value (items[i].value);
      g_autoptr(PangoLayout) label = wd_print_layout_new (context, items[i].label, label_width - font_size,
                                                          font_size, FALSE);
      g_autoptr(PangoLayout) number = wd_print_layout_new (context, value, value_width, font_size, FALSE);

      pango_layout_set_ellipsize (label, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (label, PANGO_ALIGN_RIGHT);
      cairo_set_source_rgb (cr, 0, 0, 0);
      wd_print_show_layout (cr, label, 0, y + (line - wd_print_layout_height (label)) / 2);
      set_palette (cr, 0);
      cairo_rectangle (cr, label_width, y + line * 0.15, MAX (bar, 0.5), line * 0.7);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      wd_print_show_layout (cr, number, label_width + bar + font_size * 0.4,
                            y + (line - wd_print_layout_height (number)) / 2);
    }
  cairo_restore (cr);
}

double
wd_chart_pie_height (guint  n_items,
                     double font_size)
{
  return font_size * (TITLE_FACTOR + LINE_FACTOR * MAX (n_items, PIE_MIN_LINES));
}

static void
draw_legend_line (cairo_t           *cr,
                  PangoContext      *context,
                  double             x,
                  double             y,
                  double             width,
                  double             font_size,
                  const WdChartItem *item,
                  double             total,
                  guint              index)
{
  g_autofree char *value = format_value (item->value);
  g_autofree char *text = g_strdup_printf ("%s  %s (%.0f%%)", item->label, value, 100.0 * item->value / total);
  g_autoptr(PangoLayout) layout = wd_print_layout_new (context, text, width - font_size * 1.6, font_size, FALSE);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  set_palette (cr, index);
  cairo_rectangle (cr, x, y + font_size * 0.3, font_size, font_size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  wd_print_show_layout (cr, layout, x + font_size * 1.6, y);
}

void
wd_chart_draw_pie (cairo_t           *cr,
                   PangoContext      *context,
                   double             width,
                   double             font_size,
                   const char        *title,
                   const WdChartItem *items,
                   guint              n_items)
{
  double line = font_size * LINE_FACTOR;
  double total = total_of (items, n_items);
  double top, radius, angle = -G_PI / 2;

  cairo_save (cr);
  top = draw_title (cr, context, width, font_size, title);
  if (total <= 0)
    {
      draw_no_data (cr, context, width, font_size, top);
      cairo_restore (cr);
      return;
    }

  radius = MIN (width * 0.2, line * MAX (n_items, PIE_MIN_LINES) / 2) - 2;
  for (guint i = 0; i < n_items; i++)
    {
      double sweep = 2 * G_PI * MAX (items[i].value, 0) / total;

      set_palette (cr, i);
      cairo_move_to (cr, radius + 2, top + radius + 2);
      cairo_arc (cr, radius + 2, top + radius + 2, radius, angle, angle + sweep);
      cairo_close_path (cr);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 0.8);
      cairo_stroke (cr);
      angle += sweep;

      draw_legend_line (cr, context, 2 * radius + 4 + font_size * 2, top + i * line,
                        width - 2 * radius - 4 - font_size * 2, font_size, &items[i], total, i);
    }
  cairo_restore (cr);
}
