/* wd-market-view.c: the project marketplace. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-forms.h"
#include "wd-market-view.h"
#include "wd-row.h"
#include "wd-ui-util.h"
#include "wd-view.h"

struct _WdMarketView
{
  AdwBin        parent_instance;

  GtkSearchEntry *search_entry;
  GtkDropDown  *category_filter;
  GtkDropDown  *venue_kind_filter;
  GtkDropDown  *team_filter;
  GtkWidget    *add_button;
  GtkStack     *content_stack;
  GtkGridView  *grid_view;

  WdWorkspace  *workspace;
  WdRowModel   *model;
  GHashTable   *venue_kind_names;
};

static void wd_market_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdMarketView, wd_market_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_market_view_view_init))

static void
wd_market_view_dispose (GObject *object)
{
  WdMarketView *self = WD_MARKET_VIEW (object);

  wd_view_unlink (self, &self->workspace, &self->model);
  g_clear_pointer (&self->venue_kind_names, g_hash_table_unref);
  G_OBJECT_CLASS (wd_market_view_parent_class)->dispose (object);
}

static void
on_filter_changed (WdMarketView *self)
{
  if (self->model == NULL)
    return;
  wd_row_model_set_filter (self->model, "category", wd_drop_down_get_id (self->category_filter));
  wd_row_model_set_filter (self->model, "venue_kind", wd_drop_down_get_id (self->venue_kind_filter));
  wd_row_model_set_filter (self->model, "team_id", wd_drop_down_get_id (self->team_filter));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "market.show-team", wd_drop_down_get_id (self->team_filter) != NULL);
}

static void
on_activate (WdMarketView *self,
             guint         position)
{
  wd_list_show_row (GTK_WIDGET (self), G_LIST_MODEL (self->model), position, "win.show-project");
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  WdMarketView *self = WD_MARKET_VIEW (widget);

  gtk_window_present (GTK_WINDOW (wd_forms_edit_project (widget, self->workspace, NULL)));
}

static void
show_team_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WdMarketView *self = WD_MARKET_VIEW (widget);
  const char *team_id = wd_drop_down_get_id (self->team_filter);

  if (team_id != NULL)
    gtk_widget_activate_action (widget, "win.show-team", "s", team_id);
}

static void fill_filters (WdMarketView *self);

/* A new team's page opens at once: the centre adds its projects next. */
static void
on_team_added (WdFormDialog *dialog,
               JsonObject   *result,
               WdMarketView *self)
{
  const char *id = json_object_get_string_member_with_default (result, "id", NULL);

  if (self->workspace != NULL)
    fill_filters (self);
  if (id != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-team", "s", id);
}

static void
add_team_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  WdMarketView *self = WD_MARKET_VIEW (widget);
  WdFormDialog *dialog = wd_forms_edit_team (widget, self->workspace, NULL);

  g_signal_connect_object (dialog, "applied", G_CALLBACK (on_team_added), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
wd_market_view_class_init (WdMarketViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_market_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-market-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, category_filter);
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, venue_kind_filter);
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, team_filter);
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, add_button);
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, WdMarketView, grid_view);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_install_action (widget_class, "market.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "market.add-team", NULL, add_team_action);
  gtk_widget_class_install_action (widget_class, "market.show-team", NULL, show_team_action);
}

static void
wd_market_view_init (WdMarketView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Until a team is chosen in the filter. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "market.show-team", FALSE);
}

static GtkWidget *
make_card (void)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = wd_label_new ("heading");
  GtkWidget *team = wd_label_new (NULL);
  GtkWidget *meta = wd_label_new ("dim-label");
  GtkWidget *booking = wd_label_new ("warning");
  GtkWidget *description = wd_label_new ("caption");

  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_lines (GTK_LABEL (description), 3);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "project-card");
  gtk_box_append (GTK_BOX (card), title);
  gtk_box_append (GTK_BOX (card), team);
  gtk_box_append (GTK_BOX (card), meta);
  gtk_box_append (GTK_BOX (card), booking);
  gtk_box_append (GTK_BOX (card), description);
  return card;
}

static char *
venue_kinds_text (WdMarketView *self,
                  JsonArray    *ids)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      const char *name = g_hash_table_lookup (self->venue_kind_names, json_array_get_string_element (ids, i));

      g_string_append_printf (text, "%s%s", i ? "、" : "", name ? name : json_array_get_string_element (ids, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Joins the parts that are not empty: a project may have no topic. */
static char *
join_present (const char *separator,
              ...)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *part;
  va_list args;

  va_start (args, separator);
  while ((part = va_arg (args, const char *)) != NULL)
    if (*part != '\0')
      g_string_append_printf (text, "%s%s", text->len ? separator : "", part);
  va_end (args);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Said on a card only when this month has no session left: what an
 * office taking a phone order needs to see before it opens the project.
 * One count on an index, for the cards on screen. */
static void
show_month_booking (WdMarketView *self,
                    GtkLabel     *label,
                    JsonObject   *project)
{
  WdBooking booking = WD_BOOKING_OPEN;
  g_autofree char *text = wd_project_month_booking (wd_workspace_get_store (self->workspace), project,
                                                    wd_workspace_now (self->workspace), NULL, &booking);

  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && booking != WD_BOOKING_OPEN);
  if (text != NULL && booking != WD_BOOKING_OPEN)
    {
      /* TRANSLATORS: on a project's card; %s is e.g. "Fully booked (4 of 4)" */
      g_autofree char *line = g_strdup_printf (_("This month: %s"), text);

      gtk_label_set_text (label, line);
    }
}

static void
bind_card (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           WdMarketView             *self)
{
  WdRow *row = gtk_list_item_get_item (item);
  GtkWidget *card = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (card);
  GtkWidget *team = gtk_widget_get_next_sibling (title);
  GtkWidget *meta = gtk_widget_get_next_sibling (team);
  GtkWidget *booking = gtk_widget_get_next_sibling (meta);
  GtkWidget *description = gtk_widget_get_next_sibling (booking);
  JsonObject *object = wd_row_get_object (row);
  g_autofree char *kinds = venue_kinds_text (self, json_object_has_member (object, "venue_kinds")
                                                   ? json_object_get_array_member (object, "venue_kinds") : NULL);
  g_autofree char *meta_text = NULL;
  g_autofree char *team_text = NULL;
  g_autofree char *ordered = NULL;
  gint64 orders = wd_row_get_int (row, "orders");

  /* TRANSLATORS: how often a project was ordered */
  ordered = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "ordered %d time", "ordered %d times", (gulong) orders),
                             (int) orders);
  meta_text = join_present (" · ", wd_row_get_string (row, "category"), wd_row_get_string (row, "topic_name"),
                            kinds, ordered, NULL);
  team_text = g_strdup_printf (_("by %s"), wd_row_get_string (row, "team_name"));
  gtk_label_set_text (GTK_LABEL (title), wd_row_get_string (row, "title"));
  gtk_label_set_text (GTK_LABEL (team), team_text);
  gtk_label_set_text (GTK_LABEL (meta), meta_text);
  gtk_label_set_text (GTK_LABEL (description), wd_row_get_string (row, "description"));
  gtk_widget_set_opacity (card, wd_row_get_bool (row, "active") ? 1.0 : 0.55);
  show_month_booking (self, GTK_LABEL (booking), object);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
fill_filters (WdMarketView *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(JsonArray) projects = wd_store_list_all (store, "project", NULL);
  g_autoptr(JsonArray) venue_kinds = wd_store_list_all (store, "venue_kind", NULL);
  g_autoptr(JsonArray) teams = wd_store_list_all (store, "team", NULL);
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_widget_set_visible (self->add_button, wd_actor_is_centre (wd_workspace_get_actor (self->workspace)));
  for (guint i = 0; projects != NULL && i < json_array_get_length (projects); i++)
    {
      const char *category = json_object_get_string_member (json_array_get_object_element (projects, i),
                                                            "category");

      if (g_hash_table_add (seen, (gpointer) category))
        g_ptr_array_add (categories, (gpointer) category);
    }
  g_ptr_array_sort (categories, compare_strings);
  g_ptr_array_add (categories, NULL);
  wd_drop_down_fill_pairs (self->category_filter, (const char * const *) categories->pdata,
                           (const char * const *) categories->pdata, _("All categories"));
  wd_drop_down_fill (self->venue_kind_filter, venue_kinds, "id", "name", _("All venues"));
  wd_drop_down_fill (self->team_filter, teams, "id", "name", _("All teams"));

  g_hash_table_remove_all (self->venue_kind_names);
  for (guint i = 0; venue_kinds != NULL && i < json_array_get_length (venue_kinds); i++)
    {
      JsonObject *kind = json_array_get_object_element (venue_kinds, i);

      g_hash_table_insert (self->venue_kind_names, g_strdup (json_object_get_string_member (kind, "id")),
                           g_strdup (json_object_get_string_member (kind, "name")));
    }
}

static void
wd_market_view_bind (WdView      *view,
                     WdWorkspace *workspace)
{
  WdMarketView *self = WD_MARKET_VIEW (view);
  g_autoptr(GtkListItemFactory) factory = wd_recycling_factory_new (make_card, G_CALLBACK (bind_card), self);

  self->workspace = g_object_ref (workspace);
  self->venue_kind_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) fill_filters);

  self->model = wd_row_model_new (workspace, "project");
  wd_stack_follow_model (self->content_stack, G_LIST_MODEL (self->model));
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_bind_property (self->search_entry, "text", self->model, "text", G_BINDING_DEFAULT);
  wd_list_attach_on_map (GTK_WIDGET (self->grid_view), G_LIST_MODEL (self->model));
}

static void
wd_market_view_focus_search (WdView *view)
{
  gtk_widget_grab_focus (GTK_WIDGET (WD_MARKET_VIEW (view)->search_entry));
}

static GPtrArray *
wd_market_view_list_models (WdView *view)
{
  return wd_view_models_new (&WD_MARKET_VIEW (view)->model, 1);
}

static void
wd_market_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_market_view_bind;
  iface->focus_search = wd_market_view_focus_search;
  iface->list_models = wd_market_view_list_models;
}

WdRowModel *
wd_market_view_get_model (WdMarketView *self)
{
  return self->model;
}
