/* wd-team-window.c: a volunteer team's page. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-certificate-group.h"
#include "wd-forms.h"
#include "wd-json.h"
#include "wd-team-window.h"
#include "wd-ui-util.h"

#define N_PROJECTS 50

struct _WdTeamWindow
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkWidget      *main_button;
  GtkBox         *content_box;

  WdWorkspace    *workspace;
  char           *team_id;
  JsonObject     *team;
};

G_DEFINE_FINAL_TYPE (WdTeamWindow, wd_team_window, ADW_TYPE_WINDOW)

static void
wd_team_window_dispose (GObject *object)
{
  WdTeamWindow *self = WD_TEAM_WINDOW (object);

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_team_window_parent_class)->dispose (object);
}

static void
wd_team_window_finalize (GObject *object)
{
  WdTeamWindow *self = WD_TEAM_WINDOW (object);

  g_free (self->team_id);
  g_clear_pointer (&self->team, json_object_unref);
  G_OBJECT_CLASS (wd_team_window_parent_class)->finalize (object);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WdTeamWindow *self = WD_TEAM_WINDOW (widget);

  if (self->team != NULL && wd_actor_is_centre (wd_workspace_get_actor (self->workspace)))
    gtk_window_present (GTK_WINDOW (wd_forms_edit_team (widget, self->workspace, self->team)));
}

static void
wd_team_window_class_init (WdTeamWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_team_window_dispose;
  object_class->finalize = wd_team_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-team-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WdTeamWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, WdTeamWindow, main_button);
  gtk_widget_class_bind_template_child (widget_class, WdTeamWindow, content_box);
  gtk_widget_class_install_action (widget_class, "team.edit", NULL, edit_action);
}

static void
wd_team_window_init (WdTeamWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_button_set_label (GTK_BUTTON (self->main_button), _("_Edit"));
  gtk_widget_remove_css_class (self->main_button, "suggested-action");
}

/* The team's name beside its avatar, its leader under it. */
static GtkWidget *
header_of (JsonObject *team)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *name = gtk_label_new (wd_json_text (team, "name"));
  g_autofree char *led_by = g_strdup_printf (_("Led by %s"), wd_json_text (team, "leader"));
  GtkWidget *leader = gtk_label_new (led_by);

  gtk_widget_add_css_class (name, "title-1");
  gtk_widget_add_css_class (leader, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_xalign (GTK_LABEL (leader), 0);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_box_append (GTK_BOX (names), name);
  gtk_box_append (GTK_BOX (names), leader);
  gtk_box_append (GTK_BOX (header), adw_avatar_new (96, wd_json_text (team, "name"), TRUE));
  gtk_box_append (GTK_BOX (header), names);
  return header;
}

static char *
describe_record (JsonObject *team)
{
  gint64 ratings = json_object_get_int_member_with_default (team, "ratings", 0);
  int services = (int) json_object_get_int_member_with_default (team, "services", 0);

  if (ratings == 0)
    return g_strdup_printf (_("Not yet rated · %d services"), services);
  return g_strdup_printf (_("★ %.1f from %d ratings · %d services · %.1f service hours"),
                          json_object_get_double_member_with_default (team, "rating", 0), (int) ratings, services,
                          json_object_get_double_member_with_default (team, "hours", 0));
}

static void
fill_profile (WdTeamWindow *self,
              JsonObject   *team)
{
  const WdActor *actor = wd_workspace_get_actor (self->workspace);
  GtkWidget *group = wd_box_add_group (self->content_box, _("Basic Information"));
  const char *subdistrict = wd_json_text (team, "subdistrict_name");
  g_autofree char *phone = wd_actor_show_phone (actor, wd_json_text (team, "phone"));
  g_autofree char *members = g_strdup_printf ("%d", (int) json_object_get_int_member_with_default (team, "members", 0));
  g_autofree char *record = describe_record (team);
  GtkWidget *about;

  wd_group_add_text (group, _("Sub-district"), *subdistrict ? subdistrict : _("District-wide"));
  wd_group_add_text (group, _("Leader"), wd_json_text (team, "leader"));
  wd_group_add_text (group, _("Phone"), phone);
  wd_group_add_text (group, _("Members"), members);
  wd_group_add_text (group, _("Record"), record);
  if (!json_object_get_boolean_member_with_default (team, "active", TRUE))
    wd_group_add_text (group, _("Status"), _("Not taking services at present"));

  group = wd_box_add_group (self->content_box, _("About the Team"));
  about = gtk_label_new (*wd_json_text (team, "description") ? wd_json_text (team, "description")
                                                              : _("No description yet."));
  gtk_label_set_wrap (GTK_LABEL (about), TRUE);
  gtk_label_set_xalign (GTK_LABEL (about), 0);
  gtk_label_set_selectable (GTK_LABEL (about), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), about);
}

/* What the team offers in the marketplace; each row opens the project. */
static void
fill_projects (WdTeamWindow *self)
{
  WdProjectFilter filter = { .team_id = self->team_id };
  g_autoptr(JsonArray) projects = wd_store_list_projects (wd_workspace_get_store (self->workspace), &filter,
                                                          NULL, N_PROJECTS, NULL, NULL);
  GtkWidget *group = wd_box_add_group (self->content_box, _("Projects in the Marketplace"));
  guint n = projects ? json_array_get_length (projects) : 0;

  if (n == 0)
    wd_group_add_text (group, _("None offered"), " ");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *project = json_array_get_object_element (projects, i);
      g_autofree char *subtitle = json_object_get_boolean_member_with_default (project, "active", TRUE)
        ? g_strdup (wd_json_text (project, "category"))
        : g_strdup_printf (_("%s · not offered at present"), wd_json_text (project, "category"));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 wd_link_row_new (wd_json_text (project, "title"), subtitle, "open.project",
                                                  wd_json_text (project, "id")));
    }
}

static void
refresh (WdTeamWindow *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(GError) error = NULL;
  JsonObject *team = wd_store_get (store, "team", self->team_id, &error);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box))) != NULL)
    gtk_box_remove (self->content_box, child);
  if (team == NULL)
    {
      gtk_box_append (self->content_box, gtk_label_new (error->message));
      return;
    }
  g_clear_pointer (&self->team, json_object_unref);
  self->team = team;

  adw_window_title_set_title (self->window_title, wd_json_text (team, "name"));
  gtk_window_set_title (GTK_WINDOW (self), wd_json_text (team, "name"));
  gtk_widget_set_visible (self->main_button, wd_actor_is_centre (wd_workspace_get_actor (self->workspace)));

  gtk_box_append (self->content_box, header_of (team));
  fill_profile (self, team);
  fill_projects (self);
  gtk_box_append (self->content_box, wd_assignments_group_new (self->workspace, self->team_id, TRUE,
                                                               _("Upcoming Services")));
  gtk_box_append (self->content_box, wd_assignments_group_new (self->workspace, self->team_id, FALSE,
                                                               _("Past Services")));
  gtk_box_append (self->content_box, wd_certificate_group_new (self->workspace, WD_ASSIGNEE_TEAM, self->team_id,
                                                               wd_json_text (team, "name")));
  wd_box_add_changes (self->content_box, self->workspace, "team", self->team_id);
}

static void
on_workspace_changed (WdWorkspace  *workspace,
                      WdTeamWindow *self)
{
  refresh (self);
}

WdTeamWindow *
wd_team_window_new (GtkWindow   *parent,
                    WdWorkspace *workspace,
                    const char  *team_id)
{
  WdTeamWindow *self = g_object_new (WD_TYPE_TEAM_WINDOW, "transient-for", parent, NULL);

  wd_page_add_actions (GTK_WINDOW (self));
  self->workspace = g_object_ref (workspace);
  self->team_id = g_strdup (team_id);
  g_signal_connect (workspace, "changed", G_CALLBACK (on_workspace_changed), self);
  refresh (self);
  return self;
}
