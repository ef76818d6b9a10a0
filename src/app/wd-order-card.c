/* wd-order-card.c: a card of the dispatch board, which draws its own
 * lines of text.
 *
 * A search binds every card on screen again at each keystroke, and a
 * card built of a box, a row and six text widgets was eleven widgets to
 * measure, lay out and restyle. Drawn by the card, the lines cost a
 * layout each, made only when the card is first drawn. The time and the
 * deadline stay widgets: their type (a caption, a colour that follows the
 * card's urgency) comes from the stylesheet. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-order-card.h"
#include "wd-ui-util.h"

/* libadwaita's .dim-label, which the lines had. */
#define DIM_OPACITY 0.55
/* Between the lines, and between the time and the menu button. */
#define LINE_SPACING 2
#define MENU_SPACING 6
/* Chinese glyphs come from a taller fallback font than the first font
 * of the family, so a line is as tall as a sample with both. */
#define LINE_SAMPLE "国Ag"

struct _WdOrderCard
{
  GtkWidget             parent_instance;

  GtkWidget            *when;
  GtkWidget            *menu_button;
  GtkWidget            *deadline;
  char                 *lines[WD_ORDER_CARD_N_LINES];
  /* of the lines drawn, made when first drawn and given a new text
   * when next drawn: a card bound twice before a frame shapes once */
  PangoLayout          *layouts[WD_ORDER_CARD_N_LINES];
  guint                 describe_id;
  PangoFontDescription *font;         /* the font the heights are of */
  int                   line_height;  /* 0 until measured in font */
  int                   line_y[WD_ORDER_CARD_N_LINES];
};

G_DEFINE_FINAL_TYPE (WdOrderCard, wd_order_card, GTK_TYPE_WIDGET)

static gboolean
line_is_dim (WdOrderCardLine line)
{
  return line == WD_ORDER_CARD_WHO || line == WD_ORDER_CARD_SERVED;
}

static gboolean
line_is_shown (WdOrderCard     *self,
               WdOrderCardLine  line)
{
  return self->lines[line] != NULL && *self->lines[line] != '\0';
}

static PangoLayout *
make_layout (WdOrderCard     *self,
             WdOrderCardLine  line,
             const char      *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (line == WD_ORDER_CARD_TITLE)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  return layout;
}

/* Heights come from the font, never from a line's text, so binding a
 * card shapes nothing; only the cards on screen are shaped, as drawn. */
static void
ensure_line_height (WdOrderCard *self)
{
  g_autoptr(PangoLayout) sample = NULL;

  if (self->line_height > 0)
    return;
  sample = make_layout (self, WD_ORDER_CARD_TITLE, LINE_SAMPLE);
  pango_layout_get_pixel_size (sample, NULL, &self->line_height);
}

/* A child's natural height, 0 when hidden. */
static int
child_height (GtkWidget *child,
              int        width)
{
  int height;

  if (!gtk_widget_get_visible (child))
    return 0;
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
  return height;
}

static int
top_row_height (WdOrderCard *self)
{
  return MAX (child_height (self->menu_button, -1), child_height (self->when, -1));
}

static void
wd_order_card_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  WdOrderCard *self = WD_ORDER_CARD (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int menu_min, menu_nat, deadline_min = 0, deadline_nat = 0;

      gtk_widget_measure (self->menu_button, orientation, -1, &menu_min, &menu_nat, NULL, NULL);
      if (gtk_widget_get_visible (self->deadline))
        gtk_widget_measure (self->deadline, orientation, -1, &deadline_min, &deadline_nat, NULL, NULL);
      *minimum = MAX (menu_min, deadline_min);
      *natural = MAX (menu_nat, deadline_nat);
      return;
    }

  ensure_line_height (self);
  *minimum = top_row_height (self);
  for (guint line = WD_ORDER_CARD_WHEN + 1; line < WD_ORDER_CARD_N_LINES; line++)
    if (line_is_shown (self, line))
      *minimum += LINE_SPACING + self->line_height;
  if (gtk_widget_get_visible (self->deadline))
    *minimum += LINE_SPACING + child_height (self->deadline, for_size);
  *natural = *minimum;
}

/* An inscription keeps its alignment whatever the direction; the lines
 * drawn start on the right in a right-to-left widget, so it does too. */
static void
align_with_lines (GtkWidget *inscription,
                  gboolean   rtl)
{
  float xalign = rtl ? 1 : 0;

  if (gtk_inscription_get_xalign (GTK_INSCRIPTION (inscription)) != xalign)
    gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), xalign);
}

static void
wd_order_card_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  WdOrderCard *self = WD_ORDER_CARD (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int menu_width, menu_h, when_width, when_h, top, y;

  ensure_line_height (self);
  align_with_lines (self->when, rtl);
  align_with_lines (self->deadline, rtl);
  menu_h = child_height (self->menu_button, -1);
  when_h = child_height (self->when, -1);
  top = y = top_row_height (self);
  gtk_widget_measure (self->menu_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &menu_width, NULL, NULL);
  menu_width = MIN (menu_width, width);
  when_width = MAX (0, width - menu_width - MENU_SPACING);
  gtk_widget_size_allocate (self->menu_button,
                            &(GtkAllocation) { rtl ? 0 : width - menu_width, (top - menu_h) / 2, menu_width, menu_h },
                            -1);
  if (gtk_widget_get_visible (self->when))
    gtk_widget_size_allocate (self->when,
                              &(GtkAllocation) { rtl ? width - when_width : 0, (top - when_h) / 2, when_width, when_h },
                              -1);
  for (guint line = WD_ORDER_CARD_WHEN + 1; line < WD_ORDER_CARD_N_LINES; line++)
    if (line_is_shown (self, line))
      {
        self->line_y[line] = y + LINE_SPACING;
        y += LINE_SPACING + self->line_height;
      }
  if (gtk_widget_get_visible (self->deadline))
    gtk_widget_size_allocate (self->deadline,
                              &(GtkAllocation) { 0, y + LINE_SPACING, width, child_height (self->deadline, width) },
                              -1);
}

static void
text_color (GtkWidget *widget,
            GdkRGBA   *color)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

static void
draw_line (WdOrderCard     *self,
           GtkSnapshot     *snapshot,
           WdOrderCardLine  line,
           const GdkRGBA   *color)
{
  GdkRGBA shade = *color;

  /* Left-aligned, which Pango turns to the right in a right-to-left
   * widget (GTK gives the layout the widget's direction). */
  if (self->layouts[line] == NULL)
    self->layouts[line] = make_layout (self, line, self->lines[line]);
  else if (g_strcmp0 (pango_layout_get_text (self->layouts[line]), self->lines[line]) != 0)
    pango_layout_set_text (self->layouts[line], self->lines[line], -1);
  pango_layout_set_width (self->layouts[line], gtk_widget_get_width (GTK_WIDGET (self)) * PANGO_SCALE);
  if (line_is_dim (line))
    shade.alpha *= DIM_OPACITY;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, self->line_y[line]));
  gtk_snapshot_append_layout (snapshot, self->layouts[line], &shade);
  gtk_snapshot_restore (snapshot);
}

static void
wd_order_card_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  WdOrderCard *self = WD_ORDER_CARD (widget);
  GdkRGBA color;

  text_color (widget, &color);
  gtk_widget_snapshot_child (widget, self->when, snapshot);
  for (guint line = WD_ORDER_CARD_WHEN + 1; line < WD_ORDER_CARD_N_LINES; line++)
    if (line_is_shown (self, line))
      draw_line (self, snapshot, line, &color);
  gtk_widget_snapshot_child (widget, self->menu_button, snapshot);
  gtk_widget_snapshot_child (widget, self->deadline, snapshot);
}

/* A change of style (a hover, a new parent) keeps the font as it was,
 * and with it the heights and the shaped lines. */
static void
wd_order_card_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  WdOrderCard *self = WD_ORDER_CARD (widget);
  const PangoFontDescription *font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));

  GTK_WIDGET_CLASS (wd_order_card_parent_class)->css_changed (widget, change);

  if (self->font != NULL && pango_font_description_equal (self->font, font))
    return;
  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = pango_font_description_copy (font);
  self->line_height = 0;
  for (guint line = 0; line < WD_ORDER_CARD_N_LINES; line++)
    g_clear_object (&self->layouts[line]);
  gtk_widget_queue_resize (widget);
}

static void
wd_order_card_dispose (GObject *object)
{
  WdOrderCard *self = WD_ORDER_CARD (object);

  g_clear_pointer (&self->when, gtk_widget_unparent);
  g_clear_pointer (&self->menu_button, gtk_widget_unparent);
  g_clear_pointer (&self->deadline, gtk_widget_unparent);
  for (guint line = 0; line < WD_ORDER_CARD_N_LINES; line++)
    g_clear_object (&self->layouts[line]);
  g_clear_handle_id (&self->describe_id, g_source_remove);
  G_OBJECT_CLASS (wd_order_card_parent_class)->dispose (object);
}

static void
wd_order_card_finalize (GObject *object)
{
  WdOrderCard *self = WD_ORDER_CARD (object);

  for (guint line = 0; line < WD_ORDER_CARD_N_LINES; line++)
    g_free (self->lines[line]);
  g_clear_pointer (&self->font, pango_font_description_free);
  G_OBJECT_CLASS (wd_order_card_parent_class)->finalize (object);
}

static void
wd_order_card_class_init (WdOrderCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_order_card_dispose;
  object_class->finalize = wd_order_card_finalize;
  widget_class->measure = wd_order_card_measure;
  widget_class->size_allocate = wd_order_card_size_allocate;
  widget_class->snapshot = wd_order_card_snapshot;
  widget_class->css_changed = wd_order_card_css_changed;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
}

static void
wd_order_card_init (WdOrderCard *self)
{
  /* No tooltip on the menu button: one per card asks the X server where
   * the pointer is, and with hundreds of cards that was a third of the
   * board's start-up. Its accessible label names its order. */
  self->when = wd_inscription_new ("caption-heading");
  gtk_widget_set_parent (self->when, GTK_WIDGET (self));
  self->menu_button = gtk_button_new_from_icon_name ("view-more-symbolic");
  gtk_widget_add_css_class (self->menu_button, "flat");
  gtk_widget_set_parent (self->menu_button, GTK_WIDGET (self));
  self->deadline = wd_inscription_new ("deadline");
  gtk_widget_set_visible (self->deadline, FALSE);
  gtk_widget_set_parent (self->deadline, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_add_css_class (GTK_WIDGET (self), "order-card");
  /* A card of a column is a stop of the keyboard: arrows move between
   * cards, Enter opens the order, Tab goes on to its menu. */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

GtkWidget *
wd_order_card_new (void)
{
  return g_object_new (WD_TYPE_ORDER_CARD, NULL);
}

/* Tells screen readers what the card says: the title names the card,
 * the other lines describe it, and the menu button says whose it is. */
static gboolean
describe_card (gpointer data)
{
  WdOrderCard *self = data;
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *actions = g_strdup_printf (_("Actions for %s"), self->lines[WD_ORDER_CARD_TITLE]);

  self->describe_id = 0;
  for (guint line = 0; line < WD_ORDER_CARD_N_LINES; line++)
    if (line != WD_ORDER_CARD_TITLE && line_is_shown (self, line))
      g_string_append_printf (description, "%s%s", description->len ? "; " : "", self->lines[line]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->lines[WD_ORDER_CARD_TITLE],
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, actions, -1);
  return G_SOURCE_REMOVE;
}

/* lines: WD_ORDER_CARD_N_LINES strings, in the order of WdOrderCardLine.
 * A new text is drawn again; a line shown or hidden changes the card's
 * height and lays the column out again. Screen readers hear of the new
 * lines once the frame that shows them is painted: a keystroke in a
 * search binds every card on screen, and the frame waits for every bind. */
void
wd_order_card_set_lines (WdOrderCard        *self,
                         const char * const *lines)
{
  gboolean changed = FALSE, resized = FALSE;

  g_return_if_fail (WD_IS_ORDER_CARD (self));

  for (guint line = 0; line < WD_ORDER_CARD_N_LINES; line++)
    {
      gboolean was_shown = line_is_shown (self, line);

      if (g_strcmp0 (self->lines[line], lines[line]) == 0)
        continue;
      changed = TRUE;
      g_free (self->lines[line]);
      self->lines[line] = g_strdup (lines[line]);
      resized |= was_shown != line_is_shown (self, line);
    }
  if (!changed)
    return;
  gtk_inscription_set_text (GTK_INSCRIPTION (self->when), self->lines[WD_ORDER_CARD_WHEN]);
  gtk_widget_set_visible (self->when, line_is_shown (self, WD_ORDER_CARD_WHEN));
  if (self->describe_id == 0)
    self->describe_id = g_idle_add_full (G_PRIORITY_LOW, describe_card, self, NULL);
  if (resized)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
wd_order_card_get_line (WdOrderCard     *self,
                        WdOrderCardLine  line)
{
  g_return_val_if_fail (WD_IS_ORDER_CARD (self), NULL);
  g_return_val_if_fail (line < WD_ORDER_CARD_N_LINES, NULL);
  return self->lines[line];
}

/* Touches a class only when it changes: a change restyles the card, and
 * most cards a search binds again keep theirs. */
static void
show_urgency (GtkWidget  *card,
              const char *css_class,
              gboolean    urgent)
{
  if (urgent == gtk_widget_has_css_class (card, css_class))
    return;
  if (urgent)
    gtk_widget_add_css_class (card, css_class);
  else
    gtk_widget_remove_css_class (card, css_class);
}

/* The time left, under the lines, in the colour of its urgency. */
void
wd_order_card_set_deadline (WdOrderCard       *self,
                            const char        *text,
                            WdDeadlineUrgency  urgency)
{
  g_return_if_fail (WD_IS_ORDER_CARD (self));

  gtk_inscription_set_text (GTK_INSCRIPTION (self->deadline), text);
  gtk_widget_set_visible (self->deadline, text != NULL && *text != '\0');
  show_urgency (GTK_WIDGET (self), "overdue", urgency == WD_DEADLINE_OVERDUE);
  show_urgency (GTK_WIDGET (self), "soon", urgency == WD_DEADLINE_SOON);
}

const char *
wd_order_card_get_deadline (WdOrderCard *self)
{
  g_return_val_if_fail (WD_IS_ORDER_CARD (self), NULL);
  return gtk_widget_get_visible (self->deadline) ? gtk_inscription_get_text (GTK_INSCRIPTION (self->deadline)) : NULL;
}

GtkWidget *
wd_order_card_get_menu_button (WdOrderCard *self)
{
  g_return_val_if_fail (WD_IS_ORDER_CARD (self), NULL);
  return self->menu_button;
}
