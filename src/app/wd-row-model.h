/* wd-row-model.h: a GListModel over orders, speakers or projects that
 * holds only the keys of the matching rows (read on a worker thread) and
 * fetches the rows of the part on screen a page at a time, so a list of
 * 100,000 orders costs what a list of 100 does. */
#pragma once

#include <gio/gio.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_ROW_MODEL (wd_row_model_get_type ())

G_DECLARE_FINAL_TYPE (WdRowModel, wd_row_model, WD, ROW_MODEL, GObject)

WdRowModel *wd_row_model_new         (WdWorkspace *workspace,
                                      const char  *kind);
void        wd_row_model_set_filter  (WdRowModel  *self,
                                      const char  *name,
                                      const char  *value);
void        wd_row_model_set_range   (WdRowModel  *self,
                                      gint64       from,
                                      gint64       to);
void        wd_row_model_set_live    (WdRowModel  *self,
                                      gboolean     live);
void        wd_row_model_set_text    (WdRowModel  *self,
                                      const char  *text);
void        wd_row_model_start       (WdRowModel  *self);
void        wd_row_model_set_hidden  (WdRowModel  *self,
                                      gboolean     hidden);
gboolean    wd_row_model_is_ready    (WdRowModel  *self);
void        wd_row_model_reload      (WdRowModel  *self);
gboolean    wd_row_model_get_loading (WdRowModel  *self);
const char *wd_row_model_get_kind    (WdRowModel  *self);
/* The keys of what the list holds, in its order (see wd_store_get_rows). */
GArray     *wd_row_model_dup_keys    (WdRowModel  *self);

G_END_DECLS
