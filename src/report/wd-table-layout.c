/* wd-table-layout.c: a paginated table. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-print-document.h"
#include "wd-table-layout.h"

#define PADDING 3.5
/* A row never grows past this many lines a cell, so no row is ever
 * taller than a page; longer text ends in an ellipsis. */
#define MAX_LINES 8

typedef struct
{
  char         *heading;    /* a group heading, or NULL for a row */
  GStrv         cells;
  PangoLayout **layouts;    /* one per column, or one for a heading */
  double        height;
  guint         page;
  double        y;
} Item;

typedef struct
{
  int           continued;  /* the group heading repeated at its top, or -1 */
  double        continued_y;
  double        bottom;
} Page;

struct _WdTableLayout
{
  WdTableColumn *columns;
  guint          n_columns;
  double         font_size;
  GArray        *items;     /* Item */
  GArray        *pages;     /* Page */

  double         width;
  double         first_top;
  PangoLayout  **header;
  double         header_height;
  PangoContext  *context;
};

static void
item_clear (Item *item)
{
  guint n = item->heading ? 1 : g_strv_length (item->cells);

  for (guint i = 0; item->layouts != NULL && i < n; i++)
    g_clear_object (&item->layouts[i]);
  g_clear_pointer (&item->layouts, g_free);
  g_free (item->heading);
  g_strfreev (item->cells);
}

WdTableLayout *
wd_table_layout_new (const WdTableColumn *columns,
                     guint                n_columns,
                     double               font_size)
{
  WdTableLayout *self = g_new0 (WdTableLayout, 1);

  self->columns = g_memdup2 (columns, sizeof *columns * n_columns);
  self->n_columns = n_columns;
  self->font_size = font_size;
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, (GDestroyNotify) item_clear);
  self->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  return self;
}

static void
clear_header (WdTableLayout *self)
{
  for (guint i = 0; self->header != NULL && i < self->n_columns; i++)
    g_clear_object (&self->header[i]);
  g_clear_pointer (&self->header, g_free);
}

void
wd_table_layout_free (WdTableLayout *self)
{
  if (self == NULL)
    return;
  clear_header (self);
  g_array_unref (self->items);
  g_array_unref (self->pages);
  g_clear_object (&self->context);
  g_free (self->columns);
  g_free (self);
}

void
wd_table_layout_add_group (WdTableLayout *self,
                           const char    *heading)
{
  Item item = { .heading = g_strdup (heading) };

  g_array_append_val (self->items, item);
}

void
wd_table_layout_add_row (WdTableLayout      *self,
                         const char * const *cells)
{
  Item item = { .cells = g_strdupv ((char **) cells) };

  g_return_if_fail (g_strv_length ((char **) cells) == self->n_columns);
  g_array_append_val (self->items, item);
}

guint
wd_table_layout_get_n_rows (WdTableLayout *self)
{
  guint rows = 0;

  for (guint i = 0; i < self->items->len; i++)
    if (g_array_index (self->items, Item, i).heading == NULL)
      rows++;
  return rows;
}

static double
column_width (WdTableLayout *self,
              guint          column)
{
  double total = 0;

  for (guint i = 0; i < self->n_columns; i++)
    total += self->columns[i].share;
  return self->width * self->columns[column].share / total;
}

static PangoLayout *
cell_layout (WdTableLayout *self,
             const char    *text,
             double         width,
             gboolean       bold)
{
  PangoLayout *layout = wd_print_layout_new (self->context, text, width - 2 * PADDING, self->font_size, bold);

  pango_layout_set_height (layout, -MAX_LINES);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  return layout;
}

/* Lays out the cells of a row and returns its height. */
static double
measure_cells (WdTableLayout  *self,
               const char    **texts,
               gboolean        bold,
               PangoLayout  ***layouts)
{
  double height = 0;

  *layouts = g_new0 (PangoLayout *, self->n_columns);
  for (guint c = 0; c < self->n_columns; c++)
    {
      (*layouts)[c] = cell_layout (self, texts[c], column_width (self, c), bold);
      height = MAX (height, wd_print_layout_height ((*layouts)[c]));
    }
  return height + 2 * PADDING;
}

static void
measure_item (WdTableLayout *self,
              Item          *item)
{
  if (item->layouts != NULL)
    return;
  if (item->heading != NULL)
    {
      item->layouts = g_new0 (PangoLayout *, 1);
      item->layouts[0] = cell_layout (self, item->heading, self->width, TRUE);
      item->height = wd_print_layout_height (item->layouts[0]) + 2 * PADDING + 2.0;
    }
  else
    item->height = measure_cells (self, (const char **) item->cells, FALSE, &item->layouts);
}

static void
clear_measures (WdTableLayout *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);
      guint n = item->heading ? 1 : self->n_columns;

      for (guint c = 0; item->layouts != NULL && c < n; c++)
        g_clear_object (&item->layouts[c]);
      g_clear_pointer (&item->layouts, g_free);
    }
  clear_header (self);
}

static Page *
start_page (WdTableLayout *self,
            double        *y)
{
  Page page = { .continued = -1 };

  g_array_append_val (self->pages, page);
  *y = (self->pages->len == 1 ? self->first_top : 0) + self->header_height;
  return &g_array_index (self->pages, Page, self->pages->len - 1);
}

guint
wd_table_layout_paginate (WdTableLayout *self,
                          PangoContext  *context,
                          double         width,
                          double         height,
                          double         first_top)
{
  g_autofree const char **titles = g_new0 (const char *, self->n_columns + 1);
  Page *page;
  double y;
  int group = -1;
  guint placed_on_page = 0;

  clear_measures (self);
  g_set_object (&self->context, context);
  self->width = width;
  self->first_top = first_top;
  g_array_set_size (self->pages, 0);

  for (guint c = 0; c < self->n_columns; c++)
    titles[c] = self->columns[c].title;
  self->header_height = measure_cells (self, titles, TRUE, &self->header);

  page = start_page (self, &y);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);
      double needed;

      measure_item (self, item);
      needed = item->height;
      /* A heading never ends a page: it goes with its first row. */
      if (item->heading != NULL && i + 1 < self->items->len)
        {
          Item *next = &g_array_index (self->items, Item, i + 1);

          measure_item (self, next);
          needed += next->height;
        }

      if (y + needed > height && placed_on_page > 0)
        {
          page = start_page (self, &y);
          placed_on_page = 0;
          if (item->heading == NULL && group >= 0)
            {
              page->continued = group;
              page->continued_y = y;
              y += g_array_index (self->items, Item, group).height;
            }
        }
      if (item->heading != NULL)
        group = (int) i;
      item->page = self->pages->len - 1;
      item->y = y;
      y += item->height;
      page->bottom = y;
      placed_on_page++;
    }
  return self->pages->len;
}

double
wd_table_layout_get_bottom (WdTableLayout *self,
                            guint          page)
{
  g_return_val_if_fail (page < self->pages->len, 0);
  return g_array_index (self->pages, Page, page).bottom;
}

static void
draw_rule (cairo_t *cr,
           double   width,
           double   y,
           double   line_width)
{
  cairo_set_line_width (cr, line_width);
  cairo_move_to (cr, 0, y);
  cairo_line_to (cr, width, y);
  cairo_stroke (cr);
}

static void
draw_cells (WdTableLayout *self,
            cairo_t       *cr,
            PangoLayout  **layouts,
            double         y)
{
  double x = 0;

  for (guint c = 0; c < self->n_columns; c++)
    {
      wd_print_show_layout (cr, layouts[c], x + PADDING, y + PADDING);
      x += column_width (self, c);
    }
}

static void
draw_heading (WdTableLayout *self,
              cairo_t       *cr,
              PangoLayout   *layout,
              double         y,
              double         height)
{
  cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
  cairo_rectangle (cr, 0, y, self->width, height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  wd_print_show_layout (cr, layout, PADDING, y + PADDING + 1.0);
}

static void
draw_continued (WdTableLayout *self,
                cairo_t       *cr,
                Page          *page)
{
  Item *group = &g_array_index (self->items, Item, page->continued);
  /* TRANSLATORS: a day's heading repeated at the top of the next page */
  g_autofree char *text = g_strdup_printf (_("%s (continued)"), group->heading);
  g_autoptr(PangoLayout) layout = cell_layout (self, text, self->width, TRUE);

  draw_heading (self, cr, layout, page->continued_y, group->height);
}

void
wd_table_layout_draw_page (WdTableLayout *self,
                           cairo_t       *cr,
                           guint          page_number)
{
  Page *page;
  double top;

  g_return_if_fail (page_number < self->pages->len);

  page = &g_array_index (self->pages, Page, page_number);
  top = page_number == 0 ? self->first_top : 0;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  cairo_rectangle (cr, 0, top, self->width, self->header_height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_cells (self, cr, self->header, top);
  draw_rule (cr, self->width, top, 1.0);
  draw_rule (cr, self->width, top + self->header_height, 0.8);

  if (page->continued >= 0)
    draw_continued (self, cr, page);

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      if (item->page != page_number)
        continue;
      if (item->heading != NULL)
        draw_heading (self, cr, item->layouts[0], item->y, item->height);
      else
        {
          draw_cells (self, cr, item->layouts, item->y);
          cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
          draw_rule (cr, self->width, item->y + item->height, 0.4);
          cairo_set_source_rgb (cr, 0, 0, 0);
        }
    }
  draw_rule (cr, self->width, page->bottom, 1.0);
  cairo_restore (cr);
}
