/* wd-login-dialog.c: sign-in, off the UI thread. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-login-dialog.h"
#include "wd-ui-util.h"

struct _WdLoginDialog
{
  AdwWindow     parent_instance;

  AdwEntryRow  *server_row;
  AdwEntryRow  *user_row;
  AdwEntryRow  *password_row;
  GtkLabel     *error_label;
  GtkCheckButton *trust_check;
  GtkSpinner   *spinner;

  WdWorkspace  *workspace;
  GCancellable *cancellable;
  char         *presented;    /* the certificate fingerprint refused last */
};

G_DEFINE_FINAL_TYPE (WdLoginDialog, wd_login_dialog, ADW_TYPE_WINDOW)

static void
wd_login_dialog_dispose (GObject *object)
{
  WdLoginDialog *self = WD_LOGIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->presented, g_free);
  G_OBJECT_CLASS (wd_login_dialog_parent_class)->dispose (object);
}

static void
set_busy (WdLoginDialog *self,
          gboolean       busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.sign-in", !busy);
}

/* The next sign-in on this desk (another store, another account) starts
 * from the server that worked. */
static void
remember_server (const char *server)
{
  g_autoptr(GSettings) settings = wd_settings_new ();

  if (settings != NULL)
    g_settings_set_string (settings, "server-address", server);
}

static char *
default_server (WdWorkspace *workspace)
{
  g_autofree char *server = wd_workspace_get_server (workspace);
  g_autoptr(GSettings) settings = NULL;

  if (server != NULL)
    return g_steal_pointer (&server);
  settings = wd_settings_new ();
  server = settings ? g_settings_get_string (settings, "server-address") : NULL;
  return server != NULL && *server != '\0' ? g_steal_pointer (&server) : NULL;
}

/* A server certificate this computer refused: the user may trust it,
 * once they compared the fingerprint the error shows. Never ticked for
 * them, and unticked whenever another certificate is shown. */
static void
offer_trust (WdLoginDialog *self,
             const char    *presented)
{
  if (g_strcmp0 (presented, self->presented) != 0)
    gtk_check_button_set_active (self->trust_check, FALSE);
  g_free (self->presented);
  self->presented = g_strdup (presented);
  gtk_widget_set_visible (GTK_WIDGET (self->trust_check), presented != NULL);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *presented = NULL;
  gboolean ok = wd_workspace_sign_in_finish (WD_WORKSPACE (source), result, &presented, &error);
  WdLoginDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WD_LOGIN_DIALOG (user_data);
  set_busy (self, FALSE);
  if (!ok)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      offer_trust (self, presented);
      gtk_widget_grab_focus (presented != NULL ? GTK_WIDGET (self->trust_check) : GTK_WIDGET (self->password_row));
      return;
    }
  remember_server (gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
  wd_toast (GTK_WIDGET (self), _("Signed in; syncing"));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WdLoginDialog *self = WD_LOGIN_DIALOG (widget);
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    {
      gtk_label_set_text (self->error_label, _("The server address starts with https:// (or http:// on a local network)"));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  set_busy (self, TRUE);
  wd_workspace_sign_in_async (self->workspace, server, user,
                              gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                              gtk_check_button_get_active (self->trust_check) ? self->presented : NULL,
                              self->cancellable, on_signed_in, self);
}

static void
on_entry_activated (WdLoginDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.sign-in", NULL);
}

static void
wd_login_dialog_class_init (WdLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_login_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WdLoginDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, WdLoginDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, WdLoginDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, WdLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WdLoginDialog, trust_check);
  gtk_widget_class_bind_template_child (widget_class, WdLoginDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_install_action (widget_class, "login.sign-in", NULL, sign_in_action);
}

static void
wd_login_dialog_init (WdLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* Opened because a sync found the desk signed out (a session ended, a
 * certificate changed): the reason, before the user types anything. */
static void
say_why_asked (WdLoginDialog *self,
               WdWorkspace   *workspace)
{
  WdSyncEngine *engine = wd_workspace_get_engine (workspace);
  const char *message = wd_sync_engine_get_message (engine);

  if (wd_sync_engine_get_state (engine) != WD_SYNC_STATE_SIGNED_OUT || message == NULL
      || !wd_workspace_is_signed_in (workspace))
    return;
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

WdLoginDialog *
wd_login_dialog_new (GtkWindow   *parent,
                     WdWorkspace *workspace)
{
  WdLoginDialog *self = g_object_new (WD_TYPE_LOGIN_DIALOG, "transient-for", parent, NULL);
  g_autofree char *server = default_server (workspace);
  g_autofree char *signed_to = wd_workspace_get_server (workspace);
  const WdActor *actor = wd_workspace_get_actor (workspace);

  self->workspace = g_object_ref (workspace);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server ? server : "https://");
  if (signed_to != NULL && actor != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->user_row), actor->user);
  gtk_widget_grab_focus (GTK_WIDGET (server ? self->password_row : self->server_row));
  say_why_asked (self, workspace);
  return self;
}

/* As a person would type them; sign in with the login.sign-in action. */
void
wd_login_dialog_fill (WdLoginDialog *self,
                      const char    *server,
                      const char    *user,
                      const char    *password)
{
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}

/* What the dialog shows the user after a failed sign-in, or NULL. */
const char *
wd_login_dialog_get_error (WdLoginDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

const char *
wd_login_dialog_get_server (WdLoginDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->server_row));
}
