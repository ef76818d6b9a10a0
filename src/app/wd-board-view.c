/* wd-board-view.c: the dispatch board. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-board-view.h"
#include "wd-card-column.h"
#include "wd-forms.h"
#include "wd-order-actions.h"
#include "wd-order-card.h"
#include "wd-row.h"
#include "wd-ui-util.h"
#include "wd-view.h"

#define TICK_SECONDS 60

static const WdOrderState column_states[] = {
  WD_ORDER_ORDERED, WD_ORDER_DISPATCHED, WD_ORDER_ACCEPTED, WD_ORDER_DELIVERED, WD_ORDER_RATED,
};

#define N_COLUMNS G_N_ELEMENTS (column_states)

struct _WdBoardView
{
  AdwBin          parent_instance;

  GtkSearchEntry *search_entry;
  GtkDropDown    *subdistrict_filter;
  GtkBox         *columns_box;

  WdWorkspace    *workspace;
  WdRowModel     *models[N_COLUMNS];
  WdCardColumn   *columns[N_COLUMNS];
  GtkLabel       *count_labels[N_COLUMNS];
  guint           tick_id;
};

static void wd_board_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdBoardView, wd_board_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_board_view_view_init))

static void
wd_board_view_dispose (GObject *object)
{
  WdBoardView *self = WD_BOARD_VIEW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      /* The list views may keep the models alive after this view is gone. */
      if (self->models[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->models[i], self->count_labels[i]);
      g_clear_object (&self->models[i]);
    }
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_board_view_parent_class)->dispose (object);
}

static void
on_filter_changed (WdBoardView *self)
{
  for (guint i = 0; i < N_COLUMNS && self->models[i] != NULL; i++)
    wd_row_model_set_filter (self->models[i], "subdistrict_id", wd_drop_down_get_id (self->subdistrict_filter));
}

static JsonObject *
read_order (WdBoardView *self,
            const char  *order_id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = wd_store_get (wd_workspace_get_store (self->workspace), "order", order_id, &error);

  if (order == NULL)
    wd_toast (GTK_WIDGET (self), error->message);
  return order;
}

/* The card menu's actions carry (order id, action name). */
static void
act_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  WdBoardView *self = WD_BOARD_VIEW (widget);
  const char *order_id, *name;
  g_autoptr(JsonObject) order = NULL;

  g_variant_get (parameter, "(&s&s)", &order_id, &name);
  order = read_order (self, order_id);
  if (order == NULL)
    return;
  for (guint i = 0; i < WD_N_ORDER_ACTIONS; i++)
    if (g_str_equal (wd_order_action_info (i)->name, name))
      wd_forms_run_order_action (widget, self->workspace, order, wd_order_action_info (i)->action);
}

static gboolean open_focused_card_menu (GtkWidget *widget,
                                        GVariant  *args,
                                        gpointer   user_data);
static gboolean move_across_columns    (GtkWidget *widget,
                                        GVariant  *args,
                                        gpointer   user_data);

static void
wd_board_view_class_init (WdBoardViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_board_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-board-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdBoardView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, WdBoardView, subdistrict_filter);
  gtk_widget_class_bind_template_child (widget_class, WdBoardView, columns_box);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_install_action (widget_class, "board.act", "(ss)", act_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, open_focused_card_menu, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, open_focused_card_menu, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, move_across_columns, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Left, 0, move_across_columns, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, move_across_columns, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Right, 0, move_across_columns, "i", 1);
}

static void
wd_board_view_init (WdBoardView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The order a card (or a widget inside it) shows; cards are reused for
 * other orders, so it is read at the moment, never kept. */
static WdRow *
card_row (GtkWidget *inside)
{
  for (GtkWidget *w = inside; w != NULL; w = gtk_widget_get_parent (w))
    {
      WdRow *row = g_object_get_data (G_OBJECT (w), "wd-row");

      if (row != NULL)
        return row;
    }
  return NULL;
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  WdRow *row = card_row (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source)));

  if (row == NULL)
    return NULL;
  return gdk_content_provider_new_typed (G_TYPE_STRING, wd_row_get_id (row));
}

static void open_card_menu (GtkButton *button,
                            gpointer   user_data);
static void popup_card_menu (GtkWidget          *card,
                             const GdkRectangle *at);

/* A right click opens the card's menu where the pointer is. */
static void
on_card_secondary_click (GtkGestureClick *gesture,
                         int              n_press,
                         double           x,
                         double           y,
                         gpointer         user_data)
{
  GtkWidget *card = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *button = wd_order_card_get_menu_button (WD_ORDER_CARD (card));
  double bx, by;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (!gtk_widget_translate_coordinates (card, button, x, y, &bx, &by))
    return;
  popup_card_menu (card, &(GdkRectangle) { (int) bx, (int) by, 1, 1 });
}

static GtkWidget *
make_card (void)
{
  GtkWidget *card = wd_order_card_new ();
  GtkDragSource *drag = gtk_drag_source_new ();
  GtkGesture *secondary = gtk_gesture_click_new ();

  g_signal_connect (wd_order_card_get_menu_button (WD_ORDER_CARD (card)), "clicked", G_CALLBACK (open_card_menu), NULL);
  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), NULL);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_card_secondary_click), NULL);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (secondary));
  return card;
}

static GMenuModel *
card_menu (WdBoardView *self,
           WdRow       *row)
{
  GMenu *menu = g_menu_new ();
  GMenu *actions = g_menu_new ();
  WdOrderActions offered = wd_order_actions_for (wd_row_get_object (row), wd_workspace_get_actor (self->workspace),
                                                 wd_workspace_now (self->workspace));
  g_autoptr(GMenuItem) open = g_menu_item_new (_("Open Order"), NULL);

  g_menu_item_set_action_and_target_value (open, "win.show-order", g_variant_new_string (wd_row_get_id (row)));
  g_menu_append_item (menu, open);
  for (guint i = 0; i < WD_N_ORDER_ACTIONS; i++)
    {
      const WdOrderActionInfo *info = wd_order_action_info (i);
      g_autoptr(GMenuItem) entry = NULL;

      if (!(offered & info->action))
        continue;
      entry = g_menu_item_new (_(info->label), NULL);
      g_menu_item_set_action_and_target_value (entry, "board.act",
                                               g_variant_new ("(ss)", wd_row_get_id (row), info->name));
      g_menu_append_item (actions, entry);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (actions));
  g_object_unref (actions);
  return G_MENU_MODEL (menu);
}

static gboolean
drop_popover (gpointer popover)
{
  gtk_widget_unparent (popover);
  g_object_unref (popover);
  return G_SOURCE_REMOVE;
}

static void
on_card_menu_closed (GtkPopover *popover,
                     gpointer    user_data)
{
  g_idle_add (drop_popover, g_object_ref (popover));
}

/* The menu is built when opened, on a plain button: a menu button per
 * card (and a popover per bind) made cards several times dearer. It
 * hangs from the card's menu button, pointing at `at` in the button's
 * coordinates, or at the button when NULL. */
static void
popup_card_menu (GtkWidget          *card,
                 const GdkRectangle *at)
{
  WdBoardView *self = WD_BOARD_VIEW (gtk_widget_get_ancestor (card, WD_TYPE_BOARD_VIEW));
  WdRow *row = card_row (card);
  g_autoptr(GMenuModel) model = NULL;
  GtkWidget *popover;

  if (self == NULL || row == NULL)
    return;
  model = card_menu (self, row);
  popover = gtk_popover_menu_new_from_model (model);
  gtk_widget_set_parent (popover, wd_order_card_get_menu_button (WD_ORDER_CARD (card)));
  if (at != NULL)
    gtk_popover_set_pointing_to (GTK_POPOVER (popover), at);
  g_signal_connect (popover, "closed", G_CALLBACK (on_card_menu_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
open_card_menu (GtkButton *button,
                gpointer   user_data)
{
  popup_card_menu (gtk_widget_get_ancestor (GTK_WIDGET (button), WD_TYPE_ORDER_CARD), NULL);
}

/* The card the focus is in, when it is on the board, or NULL. */
static GtkWidget *
focused_card (GtkWidget *board)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (board));
  GtkWidget *card = focus != NULL ? gtk_widget_get_ancestor (focus, WD_TYPE_ORDER_CARD) : NULL;

  return card != NULL && gtk_widget_is_ancestor (card, board) ? card : NULL;
}

/* The Menu key and Shift+F10 open the menu of the card with the focus. */
static gboolean
open_focused_card_menu (GtkWidget *widget,
                        GVariant  *args,
                        gpointer   user_data)
{
  GtkWidget *card = focused_card (widget);

  if (card == NULL)
    return FALSE;
  popup_card_menu (card, NULL);
  return TRUE;
}

/* Left and Right move from a card to the card beside it, in the next
 * column with any on the same line of the screen, as on a paper board;
 * GTK's own moves stopped at the card's menu button first. */
static gboolean
move_across_columns (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  WdBoardView *self = WD_BOARD_VIEW (widget);
  GtkWidget *card = focused_card (widget);
  int step = g_variant_get_int32 (args);
  double x, y;
  int from = -1;

  if (card == NULL)
    return FALSE;
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    step = -step;
  for (guint i = 0; i < N_COLUMNS; i++)
    if (gtk_widget_is_ancestor (card, GTK_WIDGET (self->columns[i])))
      from = (int) i;
  if (from < 0 || !gtk_widget_translate_coordinates (card, GTK_WIDGET (self->columns[from]), 0,
                                                     gtk_widget_get_height (card) / 2.0, &x, &y))
    return FALSE;
  for (int i = from + step; i >= 0 && i < (int) N_COLUMNS; i += step)
    if (wd_card_column_focus_at (self->columns[i], y))
      return TRUE;
  return TRUE;
}

/* What the clock changes on a card: the time left to accept, and
 * whether that is soon or past. */
static void
show_deadline (WdBoardView *self,
               GtkWidget   *card,
               WdRow       *row)
{
  g_autofree char *deadline = NULL;
  WdDeadlineUrgency urgency = wd_deadline_describe (wd_row_get_object (row), wd_workspace_now (self->workspace),
                                                    &deadline);

  wd_order_card_set_deadline (WD_ORDER_CARD (card), deadline, urgency);
}

static void
bind_card (GtkWidget   *card,
           WdRow       *row,
           WdBoardView *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  const char *number = wd_row_get_string (row, "number");
  g_autofree char *when_text = wd_format_span (store, wd_row_get_int (row, "starts_at"), wd_row_get_int (row, "ends_at"));
  g_autofree char *title = g_strdup_printf ("%s · %s", *number ? number : _("(number pending)"),
                                            wd_row_get_string (row, "title"));
  g_autofree char *place = g_strdup_printf ("%s · %s", wd_row_get_string (row, "venue"),
                                            wd_row_get_string (row, "venue_kind_name"));
  g_autofree char *who = g_strdup_printf ("%s · %s", wd_row_get_string (row, "requester"),
                                          wd_row_get_string (row, "subdistrict_name"));
  const char *lines[WD_ORDER_CARD_N_LINES] = {
    [WD_ORDER_CARD_WHEN] = when_text,
    [WD_ORDER_CARD_TITLE] = title,
    [WD_ORDER_CARD_PLACE] = place,
    [WD_ORDER_CARD_WHO] = who,
    [WD_ORDER_CARD_SERVED] = wd_row_get_string (row, "assignee_name"),
  };

  wd_order_card_set_lines (WD_ORDER_CARD (card), lines);
  show_deadline (self, card, row);
  g_object_set_data_full (G_OBJECT (card), "wd-row", g_object_ref (row), g_object_unref);
}

static void
on_card_activate (WdCardColumn *column,
                  guint         position,
                  WdBoardView  *self)
{
  wd_list_show_row (GTK_WIDGET (self), wd_card_column_get_model (column), position, "win.show-order");
}

/* Dropping a card on the next column runs the step that moves it there:
 * dispatching opens the candidates, rating opens the stars. */
gboolean
wd_board_view_drop (WdBoardView  *self,
                    const char   *order_id,
                    WdOrderState  to)
{
  g_autoptr(JsonObject) order = read_order (self, order_id);
  WdOrderActions action, offered;
  WdOrderState from;

  if (order == NULL
      || !wd_order_state_from_string (json_object_get_string_member (order, "state"), &from))
    return FALSE;
  if (from == to)
    return FALSE;

  offered = wd_order_actions_for (order, wd_workspace_get_actor (self->workspace), wd_workspace_now (self->workspace));
  if (!wd_order_drop_action (from, to, &action) || !(offered & action))
    {
      g_autofree char *text = g_strdup_printf (_("An order that is “%s” cannot be moved to “%s” now; "
                                                 "open its menu to see what can be done"),
                                               wd_order_state_label (from), wd_order_state_label (to));

      wd_toast (GTK_WIDGET (self), text);
      return FALSE;
    }
  wd_forms_run_order_action (GTK_WIDGET (self), self->workspace, order, action);
  return TRUE;
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         WdBoardView   *self)
{
  WdOrderState to = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (target), "wd-state"));

  return wd_board_view_drop (self, g_value_get_string (value), to);
}

static void
update_count (WdRowModel *model,
              GParamSpec *pspec,
              GtkLabel   *label)
{
  g_autofree char *text = g_strdup_printf ("%u", g_list_model_get_n_items (G_LIST_MODEL (model)));

  gtk_label_set_text (label, text);
}

static GtkWidget *
build_column (WdBoardView *self,
              guint        index)
{
  WdOrderState state = column_states[index];
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (wd_order_state_label (state));
  GtkWidget *count = gtk_label_new ("0");
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *cards = wd_card_column_new (make_card, (WdCardBinder) bind_card, self);
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);

  self->models[index] = wd_row_model_new (self->workspace, "order");
  wd_row_model_set_filter (self->models[index], "state", wd_order_state_to_string (state));
  g_object_bind_property (self->search_entry, "text", self->models[index], "text", G_BINDING_DEFAULT);

  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), count);
  gtk_widget_set_margin_top (header, 6);
  self->count_labels[index] = GTK_LABEL (count);
  g_signal_connect (self->models[index], "notify::n-items", G_CALLBACK (update_count), count);

  self->columns[index] = WD_CARD_COLUMN (cards);
  wd_list_attach_on_map (cards, G_LIST_MODEL (self->models[index]));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (cards), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);
  g_signal_connect (cards, "activate", G_CALLBACK (on_card_activate), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), cards);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_size_request (column, 240, -1);

  g_object_set_data (G_OBJECT (drop), "wd-state", GUINT_TO_POINTER (state));
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (column, GTK_EVENT_CONTROLLER (drop));

  gtk_box_append (GTK_BOX (column), header);
  gtk_box_append (GTK_BOX (column), scrolled);
  return column;
}

/* Deadlines count down while the board is open. Only the cards on
 * screen are bound again: a card scrolled to is bound afresh, and telling
 * the list every row changed would read the whole column again (over a
 * second for the 13,000 dispatched orders of a large district). */
void
wd_board_view_refresh_deadlines (WdBoardView *self)
{
  g_return_if_fail (WD_IS_BOARD_VIEW (self));

  for (guint i = 0; i < N_COLUMNS; i++)
    wd_card_column_rebind (self->columns[i]);
}

static gboolean
on_tick (gpointer data)
{
  wd_board_view_refresh_deadlines (data);
  return G_SOURCE_CONTINUE;
}

static void
fill_subdistricts (WdBoardView *self)
{
  g_autoptr(JsonArray) subdistricts = wd_store_list_all (wd_workspace_get_store (self->workspace), "subdistrict", NULL);

  wd_drop_down_fill (self->subdistrict_filter, subdistricts, "id", "name", _("All sub-districts"));
}

static void
wd_board_view_bind (WdView      *view,
                    WdWorkspace *workspace)
{
  WdBoardView *self = WD_BOARD_VIEW (view);

  self->workspace = g_object_ref (workspace);
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) fill_subdistricts);
  for (guint i = 0; i < N_COLUMNS; i++)
    gtk_box_append (self->columns_box, build_column (self, i));
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, on_tick, self);
}

static void
wd_board_view_focus_search (WdView *view)
{
  gtk_widget_grab_focus (GTK_WIDGET (WD_BOARD_VIEW (view)->search_entry));
}

static GPtrArray *
wd_board_view_list_models (WdView *view)
{
  return wd_view_models_new (WD_BOARD_VIEW (view)->models, N_COLUMNS);
}

static void
wd_board_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_board_view_bind;
  iface->focus_search = wd_board_view_focus_search;
  iface->list_models = wd_board_view_list_models;
}

WdRowModel *
wd_board_view_get_column_model (WdBoardView  *self,
                                WdOrderState  state)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    if (column_states[i] == state)
      return self->models[i];
  return NULL;
}
