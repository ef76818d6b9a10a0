/* wd-card-column.c: a scrolling column of cards that has a card only for
 * the rows on screen.
 *
 * GTK 4.8's grid view keeps 33 rows of widgets a column, whatever the
 * screen shows, and builds and throws away their list items as a list
 * shrinks and grows: on the dispatch board, where a keystroke in the
 * search changes five lists at once, that was most of the keystroke's
 * time on a large district (bench/README.md). Here every card of a column
 * is as tall as the tallest card it has shown, so a row's place is its
 * position times that height: the rows off screen need no widget and no
 * measuring, and a list that changes changes only the cards on screen.
 * Cards that leave the screen stay children, hidden, for the next rows:
 * showing one again restyles nothing. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <math.h>

#include "wd-card-column.h"
#include "wd-row.h"

/* Hidden cards kept for the next rows shown: a column's screenful. */
#define MAX_SPARE_CARDS 12

typedef struct
{
  guint      position;
  GtkWidget *card;
  GObject   *item;
  gboolean   stale;       /* the list changed at position: item may be another's */
} Shown;

struct _WdCardColumn
{
  GtkWidget            parent_instance;

  GListModel          *model;
  WdRowMaker           make;
  WdCardBinder         bind;
  gpointer             bind_data;

  GtkAdjustment       *adjustments[2];     /* by GtkOrientation */
  GtkScrollablePolicy  policies[2];
  gboolean             configuring;        /* the adjustment's change is ours */

  GArray              *shown;              /* of Shown, by position */
  GPtrArray           *spare;              /* hidden children for the next rows */
  int                  width;
  int                  height;
  int                  stride;             /* a row's height; 0 until a card is measured */
  gboolean             restride;           /* measure again, and let it shrink */
  int                  card_width;         /* a card's minimum width; -1 until measured */
  guint                cursor;             /* the position focus is or was last on */
};

enum
{
  PROP_0,
  PROP_MODEL,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

enum
{
  ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (WdCardColumn, wd_card_column, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static guint
n_items (WdCardColumn *self)
{
  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

static double
scrolled_to (WdCardColumn *self)
{
  return gtk_adjustment_get_value (self->adjustments[GTK_ORIENTATION_VERTICAL]);
}

static Shown *
shown_at (WdCardColumn *self,
          guint         index)
{
  return &g_array_index (self->shown, Shown, index);
}

/* The index in shown of position, or where it would go. */
static guint
shown_index (WdCardColumn *self,
             guint         position,
             gboolean     *found)
{
  guint index = 0;

  while (index < self->shown->len && shown_at (self, index)->position < position)
    index++;
  *found = index < self->shown->len && shown_at (self, index)->position == position;
  return index;
}

/* The card the window's focus is in, NULL when none. Asked of the
 * window: while it is not the active window GTK takes its focus out of
 * the widgets it is in (gtk_widget_get_focus_child gives NULL), and puts
 * it back in the same widget when it is active again. */
static GtkWidget *
focus_card (WdCardColumn *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return NULL;
  while (gtk_widget_get_parent (focus) != GTK_WIDGET (self))
    focus = gtk_widget_get_parent (focus);
  return focus;
}

/* The position of the card the focus is in, G_MAXUINT when none. */
static guint
focus_position (WdCardColumn *self)
{
  GtkWidget *focus = focus_card (self);

  return focus != NULL ? wd_card_column_get_position (self, focus) : G_MAXUINT;
}

/* The row's contents may come later (wd_row_replace): its card follows. */
static void
on_row_changed (WdRow        *row,
                WdCardColumn *self)
{
  for (guint i = 0; i < self->shown->len; i++)
    if (shown_at (self, i)->item == (GObject *) row)
      self->bind (shown_at (self, i)->card, row, self->bind_data);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
let_go_of_item (WdCardColumn *self,
                Shown        *shown)
{
  if (shown->item == NULL)
    return;
  if (WD_IS_ROW (shown->item))
    {
      g_signal_handlers_disconnect_by_func (shown->item, on_row_changed, self);
      wd_row_set_bound (WD_ROW (shown->item), FALSE);
    }
  g_clear_object (&shown->item);
}

/* item: owned. A row a card shows is kept by its list (wd_row_set_bound). */
static void
show_item (WdCardColumn *self,
           Shown        *shown,
           GObject      *item)
{
  shown->stale = FALSE;
  if (item == shown->item)
    {
      g_object_unref (item);
      return;
    }
  let_go_of_item (self, shown);
  shown->item = item;
  if (WD_IS_ROW (item))
    {
      wd_row_set_bound (WD_ROW (item), TRUE);
      g_signal_connect (item, "changed", G_CALLBACK (on_row_changed), self);
    }
  self->bind (shown->card, item, self->bind_data);
}

static void
refresh_if_stale (WdCardColumn *self,
                  Shown        *shown)
{
  if (shown->stale)
    show_item (self, shown, g_list_model_get_item (self->model, shown->position));
}

static void
hide_card (WdCardColumn *self,
           guint         index)
{
  GtkWidget *card = shown_at (self, index)->card;

  let_go_of_item (self, shown_at (self, index));
  g_array_remove_index (self->shown, index);
  if (self->spare->len < MAX_SPARE_CARDS)
    {
      gtk_widget_set_child_visible (card, FALSE);
      g_ptr_array_add (self->spare, card);
    }
  else
    gtk_widget_unparent (card);
}

static void
hide_all_cards (WdCardColumn *self)
{
  while (self->shown->len > 0)
    hide_card (self, self->shown->len - 1);
}

/* Children are in the order of their rows, for the focus chain and
 * screen readers. */
static void
add_card (WdCardColumn *self,
          guint         index,
          guint         position)
{
  Shown shown = { position, NULL, NULL, FALSE };
  GtkWidget *next = index < self->shown->len ? shown_at (self, index)->card : NULL;

  if (self->spare->len > 0)
    {
      shown.card = g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1);
      if (gtk_widget_get_next_sibling (shown.card) != next)
        gtk_widget_insert_before (shown.card, GTK_WIDGET (self), next);
      gtk_widget_set_child_visible (shown.card, TRUE);
    }
  else
    {
      shown.card = self->make ();
      gtk_widget_insert_before (shown.card, GTK_WIDGET (self), next);
      if (self->card_width < 0)
        gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  g_array_insert_val (self->shown, index, shown);
  show_item (self, shown_at (self, index), g_list_model_get_item (self->model, position));
}

static void
show_row (WdCardColumn *self,
          guint         position)
{
  gboolean found;
  guint index = shown_index (self, position, &found);

  if (found)
    refresh_if_stale (self, shown_at (self, index));
  else
    add_card (self, index, position);
}

/* Hides the cards of rows outside [first, end), but for the one with the
 * focus, which stays where it is, out of sight, like GTK's list views. */
static void
hide_rows_outside (WdCardColumn *self,
                   guint         first,
                   guint         end)
{
  guint n = n_items (self);
  guint focused = focus_position (self);

  for (guint i = self->shown->len; i-- > 0;)
    {
      Shown *shown = shown_at (self, i);

      if (shown->position >= n || ((shown->position < first || shown->position >= end) && shown->position != focused))
        hide_card (self, i);
      else
        refresh_if_stale (self, shown);
    }
}

static int
card_height (WdCardColumn *self,
             GtkWidget    *card)
{
  int height;

  gtk_widget_measure (card, GTK_ORIENTATION_VERTICAL, self->width, NULL, &height, NULL, NULL);
  return height;
}

static int
tallest_card (WdCardColumn *self)
{
  int tallest = 0;

  for (guint i = 0; i < self->shown->len; i++)
    tallest = MAX (tallest, card_height (self, shown_at (self, i)->card));
  return tallest;
}

static void
configure_vertical (WdCardColumn *self,
                    double        value)
{
  double upper = MAX ((double) n_items (self) * self->stride, self->height);

  self->configuring = TRUE;
  gtk_adjustment_configure (self->adjustments[GTK_ORIENTATION_VERTICAL],
                            CLAMP (value, 0, upper - self->height), 0, upper,
                            MAX (self->stride, 1), self->height * 0.9, self->height);
  self->configuring = FALSE;
}

static void
visible_rows (WdCardColumn *self,
              guint        *first,
              guint        *end)
{
  guint n = n_items (self);
  double value = scrolled_to (self);

  *first = MIN ((guint) (value / self->stride), n);
  *end = MIN ((guint) ceil ((value + self->height) / self->stride), n);
}

/* Gives the rows on screen their cards, and the column its row height:
 * a card taller than the rows so far makes every row that tall, with the
 * first row on screen kept where it was. */
static void
sync_cards (WdCardColumn *self)
{
  if (self->height <= 0 || n_items (self) == 0)
    {
      hide_all_cards (self);
      configure_vertical (self, 0);
      return;
    }
  if (self->stride <= 0)
    {
      /* Measures one card, then shows as many as fit. */
      self->stride = self->height;
      self->restride = TRUE;
    }
  for (guint pass = 0; pass < 3; pass++)
    {
      guint first, end;
      int tallest;
      double value, offset;

      visible_rows (self, &first, &end);
      hide_rows_outside (self, first, end);
      for (guint position = first; position < end; position++)
        show_row (self, position);
      tallest = tallest_card (self);
      if (tallest <= 0 || tallest == self->stride || (tallest < self->stride && !self->restride))
        break;
      value = scrolled_to (self);
      offset = MIN (value - (double) first * self->stride, tallest);
      self->stride = tallest;
      self->restride = FALSE;
      configure_vertical (self, (double) first * tallest + offset);
    }
  self->restride = FALSE;
  configure_vertical (self, scrolled_to (self));
}

static void
on_value_changed (WdCardColumn *self)
{
  if (self->configuring)
    return;
  sync_cards (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* The cards of rows after the change move with their rows; those of
 * rows replaced show the new rows (a search keeps the cards on screen).
 * When the row with the focus leaves the list (an order dispatched from
 * its menu leaves its column), GTK gives the focus of the card hidden to
 * the column, which gives it to the card now in its place (the cursor). */
static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  WdCardColumn *self)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = self->shown->len; i-- > 0;)
    {
      Shown *shown = shown_at (self, i);

      if (shown->position < position)
        continue;
      if (shown->position >= position + removed)
        shown->position = shown->position - removed + added;
      else if (shown->position < position + added)
        shown->stale = TRUE;
      else
        hide_card (self, i);
    }
  if (self->cursor != G_MAXUINT && self->cursor >= position + removed)
    self->cursor = self->cursor - removed + added;
  if (self->cursor != G_MAXUINT && self->cursor >= n)
    self->cursor = n > 0 ? n - 1 : G_MAXUINT;
  sync_cards (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
scroll_to_row (WdCardColumn *self,
               guint         position)
{
  double value = scrolled_to (self);
  double top = (double) position * self->stride;
  double bottom = top + self->stride;

  if (self->stride <= 0 || self->height <= 0)
    return;
  if (top < value)
    value = top;
  else if (bottom > value + self->height)
    value = bottom - self->height;
  else
    return;
  configure_vertical (self, value);
  sync_cards (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static gboolean
focus_row (WdCardColumn *self,
           guint         position)
{
  GtkWidget *card;

  scroll_to_row (self, position);
  card = wd_card_column_get_card (self, position);
  return card != NULL && gtk_widget_grab_focus (card);
}

/* Up and Down, Page Up and Page Down, Home and End move between the
 * cards, and stop at the first and the last, as in GTK's list views:
 * Tab leaves the column. */
static gboolean
move_focus (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);
  guint n = n_items (self);
  guint from = focus_position (self);
  int rows, pages;
  gint64 to;

  g_variant_get (args, "(ii)", &rows, &pages);
  if (from == G_MAXUINT || n == 0)
    return FALSE;
  if (pages != 0 && self->stride > 0)
    rows = pages * MAX (1, self->height / self->stride);
  to = CLAMP ((gint64) from + rows, 0, (gint64) n - 1);
  if (to != from)
    focus_row (self, (guint) to);
  return TRUE;
}

static gboolean
activate_focused (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);
  guint position = focus_position (self);

  if (position == G_MAXUINT)
    return FALSE;
  g_signal_emit (self, signals[ACTIVATE], 0, position);
  return TRUE;
}

/* A card clicked takes the focus (keys then go on from it); a double
 * click activates it, as a grid view's items do. */
static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            WdCardColumn    *self)
{
  GtkWidget *card = NULL;
  guint position = G_MAXUINT;

  if (self->stride > 0 && y >= 0)
    position = (guint) ((scrolled_to (self) + y) / self->stride);
  if (position < n_items (self))
    card = wd_card_column_get_card (self, position);
  if (card == NULL)
    return;
  if (n_press == 1)
    gtk_widget_grab_focus (card);
  else if (n_press == 2)
    g_signal_emit (self, signals[ACTIVATE], 0, position);
}

/* Tab into the column goes to the card last focused (or the first on
 * screen), and Tab out of a card leaves the column: one stop for the
 * whole list, as in GTK's list views. */
static gboolean
wd_card_column_focus (GtkWidget        *widget,
                      GtkDirectionType  direction)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);
  GtkWidget *focus = focus_card (self);
  guint first, end, position;

  if (focus != NULL)
    return gtk_widget_child_focus (focus, direction);
  if (self->stride <= 0 || n_items (self) == 0)
    return FALSE;
  visible_rows (self, &first, &end);
  position = self->cursor < n_items (self) ? self->cursor : first;
  scroll_to_row (self, position);
  focus = wd_card_column_get_card (self, position);
  return focus != NULL && gtk_widget_child_focus (focus, direction);
}

static gboolean
wd_card_column_grab_focus (GtkWidget *widget)
{
  return wd_card_column_focus (widget, GTK_DIR_TAB_FORWARD);
}

static void
wd_card_column_set_focus_child (GtkWidget *widget,
                                GtkWidget *child)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);
  guint position;

  GTK_WIDGET_CLASS (wd_card_column_parent_class)->set_focus_child (widget, child);
  position = child != NULL ? wd_card_column_get_position (self, child) : G_MAXUINT;
  if (position == G_MAXUINT)
    return;
  self->cursor = position;
  scroll_to_row (self, position);
}

static int
card_min_width (WdCardColumn *self)
{
  GtkWidget *card = gtk_widget_get_first_child (GTK_WIDGET (self));

  if (self->card_width < 0 && card != NULL)
    gtk_widget_measure (card, GTK_ORIENTATION_HORIZONTAL, -1, &self->card_width, NULL, NULL, NULL);
  return MAX (self->card_width, 0);
}

/* It asks no height: it scrolls. Its natural height would be its rows',
 * and asking it again at every change of the list measured the window. */
static void
wd_card_column_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = card_min_width (self);
  else
    *minimum = *natural = 0;
}

static void
wd_card_column_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);
  double value;

  self->restride |= width != self->width;
  self->width = width;
  self->height = height;
  sync_cards (self);

  self->configuring = TRUE;
  gtk_adjustment_configure (self->adjustments[GTK_ORIENTATION_HORIZONTAL], 0, 0, width, width * 0.1, width * 0.9,
                            width);
  self->configuring = FALSE;

  value = scrolled_to (self);
  for (guint i = 0; i < self->shown->len; i++)
    {
      Shown *shown = shown_at (self, i);
      int y = (int) round ((double) shown->position * self->stride - value);

      gtk_widget_size_allocate (shown->card, &(GtkAllocation) { 0, y, width, self->stride }, -1);
    }
}

/* A change of style may change the cards' font, and with it their
 * heights and widths. */
static void
wd_card_column_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  WdCardColumn *self = WD_CARD_COLUMN (widget);

  GTK_WIDGET_CLASS (wd_card_column_parent_class)->css_changed (widget, change);
  self->card_width = -1;
}

static void
set_adjustment (WdCardColumn   *self,
                GtkOrientation  orientation,
                GtkAdjustment  *adjustment)
{
  GtkAdjustment **slot = &self->adjustments[orientation];

  if (adjustment != NULL && adjustment == *slot)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_value_changed, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adjustment != NULL ? adjustment : gtk_adjustment_new (0, 0, 0, 0, 0, 0));
  if (orientation == GTK_ORIENTATION_VERTICAL)
    g_signal_connect_swapped (*slot, "value-changed", G_CALLBACK (on_value_changed), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
wd_card_column_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WdCardColumn *self = WD_CARD_COLUMN (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->adjustments[GTK_ORIENTATION_HORIZONTAL]);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->adjustments[GTK_ORIENTATION_VERTICAL]);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->policies[GTK_ORIENTATION_HORIZONTAL]);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->policies[GTK_ORIENTATION_VERTICAL]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_card_column_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WdCardColumn *self = WD_CARD_COLUMN (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      wd_card_column_set_model (self, g_value_get_object (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, GTK_ORIENTATION_HORIZONTAL, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, GTK_ORIENTATION_VERTICAL, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->policies[GTK_ORIENTATION_HORIZONTAL] = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->policies[GTK_ORIENTATION_VERTICAL] = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_card_column_dispose (GObject *object)
{
  WdCardColumn *self = WD_CARD_COLUMN (object);
  GtkWidget *child;

  wd_card_column_set_model (self, NULL);
  g_ptr_array_set_size (self->spare, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  for (guint i = 0; i < G_N_ELEMENTS (self->adjustments); i++)
    if (self->adjustments[i] != NULL)
      {
        g_signal_handlers_disconnect_by_func (self->adjustments[i], on_value_changed, self);
        g_clear_object (&self->adjustments[i]);
      }
  G_OBJECT_CLASS (wd_card_column_parent_class)->dispose (object);
}

static void
wd_card_column_finalize (GObject *object)
{
  WdCardColumn *self = WD_CARD_COLUMN (object);

  g_array_unref (self->shown);
  g_ptr_array_unref (self->spare);
  G_OBJECT_CLASS (wd_card_column_parent_class)->finalize (object);
}

static void
add_move_binding (GtkWidgetClass *widget_class,
                  guint           keyval,
                  guint           keypad_keyval,
                  int             rows,
                  int             pages)
{
  gtk_widget_class_add_binding (widget_class, keyval, 0, move_focus, "(ii)", rows, pages);
  gtk_widget_class_add_binding (widget_class, keypad_keyval, 0, move_focus, "(ii)", rows, pages);
}

static void
wd_card_column_class_init (WdCardColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wd_card_column_get_property;
  object_class->set_property = wd_card_column_set_property;
  object_class->dispose = wd_card_column_dispose;
  object_class->finalize = wd_card_column_finalize;
  widget_class->measure = wd_card_column_measure;
  widget_class->size_allocate = wd_card_column_size_allocate;
  widget_class->css_changed = wd_card_column_css_changed;
  widget_class->focus = wd_card_column_focus;
  widget_class->grab_focus = wd_card_column_grab_focus;
  widget_class->set_focus_child = wd_card_column_set_focus_child;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /* The card at position was double-clicked, or Enter pressed on it. */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_UINT);

  add_move_binding (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, -1, 0);
  add_move_binding (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 1, 0);
  add_move_binding (widget_class, GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up, 0, -1);
  add_move_binding (widget_class, GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down, 0, 1);
  add_move_binding (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, G_MININT, 0);
  add_move_binding (widget_class, GDK_KEY_End, GDK_KEY_KP_End, G_MAXINT, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, 0, activate_focused, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_ISO_Enter, 0, activate_focused, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, 0, activate_focused, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, 0, activate_focused, NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
  gtk_widget_class_set_css_name (widget_class, "cardcolumn");
}

static void
wd_card_column_init (WdCardColumn *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->shown = g_array_new (FALSE, FALSE, sizeof (Shown));
  self->spare = g_ptr_array_new ();
  self->card_width = -1;
  self->cursor = G_MAXUINT;
  set_adjustment (self, GTK_ORIENTATION_HORIZONTAL, NULL);
  set_adjustment (self, GTK_ORIENTATION_VERTICAL, NULL);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* make: a new card; bind: shows an item of the list on a card. */
GtkWidget *
wd_card_column_new (WdRowMaker   make,
                    WdCardBinder bind,
                    gpointer     user_data)
{
  WdCardColumn *self = g_object_new (WD_TYPE_CARD_COLUMN, NULL);

  self->make = make;
  self->bind = bind;
  self->bind_data = user_data;
  return GTK_WIDGET (self);
}

void
wd_card_column_set_model (WdCardColumn *self,
                          GListModel   *model)
{
  g_return_if_fail (WD_IS_CARD_COLUMN (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (model == self->model)
    return;
  hide_all_cards (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  self->cursor = G_MAXUINT;
  configure_vertical (self, 0);
  sync_cards (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

GListModel *
wd_card_column_get_model (WdCardColumn *self)
{
  g_return_val_if_fail (WD_IS_CARD_COLUMN (self), NULL);
  return self->model;
}

/* Binds the cards shown again, as when what they show depends on more
 * than their rows (the time left to a deadline). */
void
wd_card_column_rebind (WdCardColumn *self)
{
  g_return_if_fail (WD_IS_CARD_COLUMN (self));

  for (guint i = 0; i < self->shown->len; i++)
    if (shown_at (self, i)->item != NULL)
      self->bind (shown_at (self, i)->card, shown_at (self, i)->item, self->bind_data);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* The position of the row card shows (card, or a widget inside it), or
 * G_MAXUINT when it shows none. */
guint
wd_card_column_get_position (WdCardColumn *self,
                             GtkWidget    *card)
{
  g_return_val_if_fail (WD_IS_CARD_COLUMN (self), G_MAXUINT);

  while (card != NULL && gtk_widget_get_parent (card) != GTK_WIDGET (self))
    card = gtk_widget_get_parent (card);
  for (guint i = 0; card != NULL && i < self->shown->len; i++)
    if (shown_at (self, i)->card == card)
      return shown_at (self, i)->position;
  return G_MAXUINT;
}

/* Gives the focus to the card at y (in the column's coordinates), or the
 * nearest card on screen: for a key that moves from a column to the one
 * beside it on the same line of the screen. FALSE when the column has
 * no card. */
gboolean
wd_card_column_focus_at (WdCardColumn *self,
                         double        y)
{
  guint n, first, end;
  gint64 position;

  g_return_val_if_fail (WD_IS_CARD_COLUMN (self), FALSE);

  n = n_items (self);
  if (n == 0 || self->stride <= 0)
    return FALSE;
  visible_rows (self, &first, &end);
  position = (gint64) floor ((scrolled_to (self) + y) / self->stride);
  position = CLAMP (position, first, (gint64) MAX (end, first + 1) - 1);
  return focus_row (self, (guint) MIN (position, (gint64) n - 1));
}

/* The card that shows the row at position, NULL when none does. */
GtkWidget *
wd_card_column_get_card (WdCardColumn *self,
                         guint         position)
{
  gboolean found;
  guint index;

  g_return_val_if_fail (WD_IS_CARD_COLUMN (self), NULL);

  index = shown_index (self, position, &found);
  return found ? shown_at (self, index)->card : NULL;
}
