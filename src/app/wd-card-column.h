/* wd-card-column.h: a scrolling column of cards, one for each row of a
 * list on screen. */
#pragma once

#include <gtk/gtk.h>

#include "wd-ui-util.h"

G_BEGIN_DECLS

/* Shows item on card, which may have shown another item before: it must
 * set everything the card shows. */
typedef void (*WdCardBinder) (GtkWidget *card,
                              gpointer   item,
                              gpointer   user_data);

#define WD_TYPE_CARD_COLUMN (wd_card_column_get_type ())

G_DECLARE_FINAL_TYPE (WdCardColumn, wd_card_column, WD, CARD_COLUMN, GtkWidget)

GtkWidget  *wd_card_column_new          (WdRowMaker    make,
                                         WdCardBinder  bind,
                                         gpointer      user_data);
void        wd_card_column_set_model    (WdCardColumn *self,
                                         GListModel   *model);
GListModel *wd_card_column_get_model    (WdCardColumn *self);
void        wd_card_column_rebind       (WdCardColumn *self);
guint       wd_card_column_get_position (WdCardColumn *self,
                                         GtkWidget    *card);
GtkWidget  *wd_card_column_get_card     (WdCardColumn *self,
                                         guint         position);
gboolean    wd_card_column_focus_at     (WdCardColumn *self,
                                         double        y);

G_END_DECLS
