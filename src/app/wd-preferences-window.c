/* wd-preferences-window.c: server, account and district settings. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-forms.h"
#include "wd-preferences-window.h"
#include "wd-sync-store.h"
#include "wd-ui-util.h"

struct _WdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *server_row;
  AdwActionRow         *certificate_row;
  AdwActionRow         *account_row;
  GtkWidget            *sign_in_button;
  GtkWidget            *sign_out_button;
  GtkWidget            *district_group;

  WdWorkspace          *workspace;
};

G_DEFINE_FINAL_TYPE (WdPreferencesWindow, wd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
wd_preferences_window_dispose (GObject *object)
{
  WdPreferencesWindow *self = WD_PREFERENCES_WINDOW (object);

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_preferences_window_parent_class)->dispose (object);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  WdPreferencesWindow *self = WD_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!wd_workspace_sign_out (self->workspace, &error))
    wd_show_error (widget, _("Could not sign out"), error);
}

static void
district_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  WdPreferencesWindow *self = WD_PREFERENCES_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (wd_forms_district_settings (widget, self->workspace)));
}

static void
wd_preferences_window_class_init (WdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WdPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, WdPreferencesWindow, certificate_row);
  gtk_widget_class_bind_template_child (widget_class, WdPreferencesWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, WdPreferencesWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, WdPreferencesWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, WdPreferencesWindow, district_group);
  gtk_widget_class_install_action (widget_class, "prefs.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "prefs.district", NULL, district_action);
}

static void
wd_preferences_window_init (WdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
update (WdPreferencesWindow *self)
{
  g_autofree char *server = wd_workspace_get_server (self->workspace);
  const WdActor *actor = wd_workspace_get_actor (self->workspace);
  gboolean signed_in = wd_workspace_is_signed_in (self->workspace);
  g_autofree char *trusted = wd_sync_store_trusted_certificate (wd_workspace_get_store (self->workspace));
  g_autofree char *account = g_strdup_printf ("%s · %s", actor->user, wd_role_label (actor->role));

  adw_action_row_set_subtitle (self->server_row, server ? server : _("None: this computer works on its own"));
  adw_action_row_set_subtitle (self->certificate_row, trusted ? trusted : "");
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_row), trusted != NULL);
  adw_action_row_set_subtitle (self->account_row, signed_in ? account : _("Not signed in"));
  gtk_widget_set_visible (self->sign_in_button, !signed_in);
  gtk_widget_set_visible (self->sign_out_button, signed_in);
  gtk_widget_set_visible (self->district_group, wd_actor_is_centre (actor));
}

WdPreferencesWindow *
wd_preferences_window_new (GtkWindow   *parent,
                           WdWorkspace *workspace)
{
  WdPreferencesWindow *self = g_object_new (WD_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  self->workspace = g_object_ref (workspace);
  g_signal_connect_swapped (workspace, "changed", G_CALLBACK (update), self);
  update (self);
  return self;
}
