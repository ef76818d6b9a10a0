/* wd-project-window.c: a project of the marketplace. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-forms.h"
#include "wd-json.h"
#include "wd-project-window.h"
#include "wd-time.h"
#include "wd-ui-util.h"

struct _WdProjectWindow
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkWidget      *main_button;
  GtkWidget      *edit_button;
  GtkBox         *content_box;

  WdWorkspace    *workspace;
  char           *project_id;
  JsonObject     *project;
};

G_DEFINE_FINAL_TYPE (WdProjectWindow, wd_project_window, ADW_TYPE_WINDOW)

static void
wd_project_window_dispose (GObject *object)
{
  WdProjectWindow *self = WD_PROJECT_WINDOW (object);

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_project_window_parent_class)->dispose (object);
}

static void
wd_project_window_finalize (GObject *object)
{
  WdProjectWindow *self = WD_PROJECT_WINDOW (object);

  g_free (self->project_id);
  g_clear_pointer (&self->project, json_object_unref);
  G_OBJECT_CLASS (wd_project_window_parent_class)->finalize (object);
}

/* 点单: the order form, filled in from the project. */
static void
order_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdProjectWindow *self = WD_PROJECT_WINDOW (widget);

  if (self->project != NULL)
    gtk_window_present (GTK_WINDOW (wd_forms_new_order (widget, self->workspace, self->project)));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WdProjectWindow *self = WD_PROJECT_WINDOW (widget);

  if (self->project != NULL)
    gtk_window_present (GTK_WINDOW (wd_forms_edit_project (widget, self->workspace, self->project)));
}

static void
wd_project_window_class_init (WdProjectWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_project_window_dispose;
  object_class->finalize = wd_project_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-project-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WdProjectWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, WdProjectWindow, main_button);
  gtk_widget_class_bind_template_child (widget_class, WdProjectWindow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, WdProjectWindow, content_box);
  gtk_widget_class_install_action (widget_class, "project.main", NULL, order_action);
  gtk_widget_class_install_action (widget_class, "project.edit", NULL, edit_action);
}

static void
wd_project_window_init (WdProjectWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_button_set_label (GTK_BUTTON (self->main_button), _("_Order"));
  gtk_widget_set_tooltip_text (self->main_button, _("Order this service for a community"));
}

static char *
venue_kinds_text (WdStore    *store,
                  JsonObject *project)
{
  JsonArray *ids = json_object_has_member (project, "venue_kinds")
    ? json_object_get_array_member (project, "venue_kinds") : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      g_autoptr(JsonObject) kind = wd_store_get (store, "venue_kind", json_array_get_string_element (ids, i), NULL);

      g_string_append_printf (text, "%s%s", i ? "、" : "",
                              kind ? wd_json_text (kind, "name") : json_array_get_string_element (ids, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A month's sessions booked against the team's capacity, marked when
 * there is none left: an office taking a phone order sees it first. */
static void
add_month_booking (WdProjectWindow *self,
                   GtkWidget       *group,
                   const char      *title,
                   int              months_later)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  gint64 month = wd_time_month_start (wd_workspace_now (self->workspace), wd_store_get_time_zone (store),
                                      months_later);
  WdBooking booking = WD_BOOKING_OPEN;
  g_autofree char *text = wd_project_month_booking (store, self->project, month, NULL, &booking);
  GtkWidget *row;

  if (text == NULL)
    return;
  row = wd_action_row_new (title, text);
  gtk_widget_set_name (row, months_later == 0 ? "this-month" : "next-month");
  if (booking != WD_BOOKING_OPEN)
    gtk_widget_add_css_class (row, "warning");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
refresh (WdProjectWindow *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(GError) error = NULL;
  JsonObject *project = wd_store_get (store, "project", self->project_id, &error);
  GtkWidget *child, *group, *description, *inactive;
  g_autofree char *kinds = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *capacity = NULL;
  g_autofree char *orders = NULL;
  gboolean active;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box))) != NULL)
    gtk_box_remove (self->content_box, child);
  if (project == NULL)
    {
      gtk_box_append (self->content_box, gtk_label_new (error->message));
      return;
    }
  g_clear_pointer (&self->project, json_object_unref);
  self->project = project;

  active = json_object_get_boolean_member_with_default (project, "active", TRUE);
  adw_window_title_set_title (self->window_title, wd_json_text (project, "title"));
  adw_window_title_set_subtitle (self->window_title, wd_json_text (project, "team_name"));
  gtk_window_set_title (GTK_WINDOW (self), wd_json_text (project, "title"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.main", active);
  gtk_widget_set_visible (self->edit_button, wd_actor_is_centre (wd_workspace_get_actor (self->workspace)));

  if (!active)
    {
      inactive = gtk_label_new (_("This project is not offered at present."));
      gtk_widget_add_css_class (inactive, "warning");
      gtk_box_append (self->content_box, inactive);
    }

  description = gtk_label_new (wd_json_text (project, "description"));
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_selectable (GTK_LABEL (description), TRUE);
  gtk_box_append (self->content_box, description);

  kinds = venue_kinds_text (store, project);
  duration = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                           (gulong) json_object_get_int_member_with_default (project, "duration_minutes", 0)),
                              (int) json_object_get_int_member_with_default (project, "duration_minutes", 0));
  capacity = g_strdup_printf (_("Up to %d a month"),
                              (int) json_object_get_int_member_with_default (project, "capacity_per_month", 0));
  orders = g_strdup_printf ("%d", (int) json_object_get_int_member_with_default (project, "orders", 0));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("About the Service"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             wd_link_row_new (_("Team"), wd_json_text (project, "team_name"), "open.team",
                                              wd_json_text (project, "team_id")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("Category"), wd_json_text (project, "category")));
  if (*wd_json_text (project, "topic_name"))
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("Topic"), wd_json_text (project, "topic_name")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("Goes to"), kinds));
  if (*wd_json_text (project, "audience"))
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("For"), wd_json_text (project, "audience")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("Length"), duration));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("Capacity"), capacity));
  add_month_booking (self, group, _("This Month"), 0);
  add_month_booking (self, group, _("Next Month"), 1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (_("Orders so far"), orders));
  gtk_box_append (self->content_box, group);
  wd_box_add_changes (self->content_box, self->workspace, "project", self->project_id);
}

static void
on_workspace_changed (WdWorkspace     *workspace,
                      WdProjectWindow *self)
{
  refresh (self);
}

WdProjectWindow *
wd_project_window_new (GtkWindow   *parent,
                       WdWorkspace *workspace,
                       const char  *project_id)
{
  WdProjectWindow *self = g_object_new (WD_TYPE_PROJECT_WINDOW, "transient-for", parent, NULL);

  wd_page_add_actions (GTK_WINDOW (self));
  self->workspace = g_object_ref (workspace);
  self->project_id = g_strdup (project_id);
  g_signal_connect (workspace, "changed", G_CALLBACK (on_workspace_changed), self);
  refresh (self);
  return self;
}
