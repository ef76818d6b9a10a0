/* wd-ctl-table.h: plain-text tables for a terminal, aligned by display
 * width so Chinese text (two columns a character) lines up. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WdCtlTable WdCtlTable;

WdCtlTable *wd_ctl_table_new      (guint        n_columns,
                                   ...);
void        wd_ctl_table_add      (WdCtlTable  *table,
                                   ...);
void        wd_ctl_table_print    (WdCtlTable  *table);
void        wd_ctl_table_free     (WdCtlTable  *table);
guint       wd_ctl_display_width  (const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdCtlTable, wd_ctl_table_free)

G_END_DECLS
