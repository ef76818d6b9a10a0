/* wd-text-table.h: plain-text tables for a terminal, aligned by display
 * width so Chinese text (two columns a character) lines up. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WdTextTable WdTextTable;

WdTextTable *wd_text_table_new      (guint        n_columns,
                                   ...);
void        wd_text_table_add      (WdTextTable  *table,
                                   ...);
void        wd_text_table_print    (WdTextTable  *table);
void        wd_text_table_free     (WdTextTable  *table);
guint       wd_text_display_width  (const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdTextTable, wd_text_table_free)

G_END_DECLS
