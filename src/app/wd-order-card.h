#pragma once

#include <gtk/gtk.h>

#include "wd-order-actions.h"

G_BEGIN_DECLS

/* The lines a card draws, top to bottom; the first beside its menu
 * button. A line with nothing to say is not shown. */
typedef enum
{
  WD_ORDER_CARD_WHEN,
  WD_ORDER_CARD_TITLE,
  WD_ORDER_CARD_PLACE,
  WD_ORDER_CARD_WHO,
  WD_ORDER_CARD_SERVED,
  WD_ORDER_CARD_N_LINES
} WdOrderCardLine;

#define WD_TYPE_ORDER_CARD (wd_order_card_get_type ())

G_DECLARE_FINAL_TYPE (WdOrderCard, wd_order_card, WD, ORDER_CARD, GtkWidget)

GtkWidget  *wd_order_card_new             (void);
void        wd_order_card_set_lines       (WdOrderCard        *self,
                                           const char * const *lines);
const char *wd_order_card_get_line        (WdOrderCard        *self,
                                           WdOrderCardLine     line);
void        wd_order_card_set_deadline    (WdOrderCard        *self,
                                           const char         *text,
                                           WdDeadlineUrgency   urgency);
const char *wd_order_card_get_deadline    (WdOrderCard        *self);
GtkWidget  *wd_order_card_get_menu_button (WdOrderCard        *self);

G_END_DECLS
