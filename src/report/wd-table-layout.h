/* wd-table-layout.h: a table that runs over pages: its header repeated on
 * every page, rows never split, a group heading kept with its first row
 * and repeated, marked as continued, when its group runs onto a new page. */
#pragma once

#include <pango/pangocairo.h>

G_BEGIN_DECLS

typedef struct
{
  const char *title;
  double      share;    /* of the table's width */
} WdTableColumn;

typedef struct _WdTableLayout WdTableLayout;

WdTableLayout *wd_table_layout_new        (const WdTableColumn *columns,
                                           guint                n_columns,
                                           double               font_size);
void           wd_table_layout_free       (WdTableLayout       *self);
void           wd_table_layout_add_group  (WdTableLayout       *self,
                                           const char          *heading);
/* cells: one text per column; a cell's text may hold line breaks. */
void           wd_table_layout_add_row    (WdTableLayout       *self,
                                           const char * const  *cells);
guint          wd_table_layout_get_n_rows (WdTableLayout       *self);

/* Places the table on pages height high, starting first_top down the
 * first page and at the top of the others; returns the pages it takes. */
guint          wd_table_layout_paginate   (WdTableLayout       *self,
                                           PangoContext        *context,
                                           double               width,
                                           double               height,
                                           double               first_top);
/* How far down page the table reaches, once paginated. */
double         wd_table_layout_get_bottom (WdTableLayout       *self,
                                           guint                page);
void           wd_table_layout_draw_page  (WdTableLayout       *self,
                                           cairo_t             *cr,
                                           guint                page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdTableLayout, wd_table_layout_free)

G_END_DECLS
