/* wd-certificate-group.c: a speaker's or team's service record
 * certificates on their page. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-certificate-document.h"
#include "wd-certificate-group.h"
#include "wd-forms.h"
#include "wd-json.h"
#include "wd-printing.h"
#include "wd-ui-util.h"

struct _WdCertificateGroup
{
  AdwPreferencesGroup  parent_instance;

  WdWorkspace         *workspace;
  WdAssigneeKind       holder_kind;
  char                *holder_id;
  char                *holder_name;
};

G_DEFINE_FINAL_TYPE (WdCertificateGroup, wd_certificate_group, ADW_TYPE_PREFERENCES_GROUP)

static void
wd_certificate_group_finalize (GObject *object)
{
  WdCertificateGroup *self = WD_CERTIFICATE_GROUP (object);

  g_clear_object (&self->workspace);
  g_free (self->holder_id);
  g_free (self->holder_name);
  G_OBJECT_CLASS (wd_certificate_group_parent_class)->finalize (object);
}

static gboolean
may_certify (WdCertificateGroup *self)
{
  return wd_actor_is_centre (wd_workspace_get_actor (self->workspace));
}

/* Forms and documents belong to the page: the group itself is built anew
 * whenever the data changes, as applying a form does. */
static GtkWidget *
page_of (WdCertificateGroup *self)
{
  return GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
issue_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdCertificateGroup *self = WD_CERTIFICATE_GROUP (widget);

  if (may_certify (self))
    gtk_window_present (GTK_WINDOW (wd_forms_issue_certificate (page_of (self), self->workspace, self->holder_kind,
                                                                self->holder_id, self->holder_name)));
}

/* Runs on the workspace's worker. */
static gpointer
build_certificate (WdStore  *store,
                   gpointer  data,
                   GError  **error)
{
  return wd_certificate_document_new (store, data, error);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdCertificateGroup *self = WD_CERTIFICATE_GROUP (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) certificate = wd_store_get_certificate (wd_workspace_get_store (self->workspace), id,
                                                                &error);
  g_autofree char *name = NULL;

  if (certificate == NULL)
    {
      wd_show_error (page_of (self), _("Could not prepare the document"), error);
      return;
    }
  /* TRANSLATORS: the file name offered when saving a certificate; %s is its number */
  name = g_strdup_printf (_("Certificate %s.pdf"), wd_json_text (certificate, "number"));
  wd_printing_build_and_run (page_of (self), self->workspace, build_certificate, g_strdup (id), g_free,
                             g_str_equal (action_name, "certificate.save"), name);
}

static void
revoke_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WdCertificateGroup *self = WD_CERTIFICATE_GROUP (widget);
  g_autoptr(JsonObject) certificate = wd_store_get_certificate (wd_workspace_get_store (self->workspace),
                                                                g_variant_get_string (parameter, NULL), NULL);

  if (certificate != NULL && may_certify (self))
    gtk_window_present (GTK_WINDOW (wd_forms_revoke_certificate (page_of (self), self->workspace, certificate)));
}

static void
wd_certificate_group_class_init (WdCertificateGroupClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = wd_certificate_group_finalize;
  gtk_widget_class_install_action (widget_class, "certificate.issue", NULL, issue_action);
  gtk_widget_class_install_action (widget_class, "certificate.print", "s", print_action);
  gtk_widget_class_install_action (widget_class, "certificate.save", "s", print_action);
  gtk_widget_class_install_action (widget_class, "certificate.revoke", "s", revoke_action);
}

static void
wd_certificate_group_init (WdCertificateGroup *self)
{
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Service Record Certificates"));
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             const char *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
add_certificate (WdCertificateGroup *self,
                 JsonObject         *certificate)
{
  const char *id = wd_json_text (certificate, "id");
  const char *number = wd_json_text (certificate, "number");
  gboolean revoked = !json_object_get_null_member (certificate, "revoked_at");
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  wd_format_certificate (wd_workspace_get_store (self->workspace), certificate, &title, &subtitle);
  row = wd_action_row_new (title, subtitle);

  if (revoked)
    {
      GtkWidget *chip = gtk_label_new (_("Revoked"));

      /* Red, as an order rejected. */
      gtk_widget_add_css_class (chip, "state-chip");
      gtk_widget_add_css_class (chip, "state-rejected");
      gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), chip);
    }
  else if (*number)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon_button ("document-print-symbolic", _("Print"),
                                                                    "certificate.print", id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon_button ("document-save-symbolic", _("Save as PDF"),
                                                                    "certificate.save", id));
    }
  if (!revoked && may_certify (self))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon_button ("edit-delete-symbolic", _("Revoke…"),
                                                                  "certificate.revoke", id));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
}

static void
fill (WdCertificateGroup *self)
{
  g_autoptr(JsonArray) certificates = wd_store_list_certificates (wd_workspace_get_store (self->workspace),
                                                                  self->holder_id, NULL);
  guint n = certificates ? json_array_get_length (certificates) : 0;

  gtk_widget_set_visible (GTK_WIDGET (self), n > 0 || may_certify (self));
  if (may_certify (self))
    {
      GtkWidget *issue = gtk_button_new_with_mnemonic (_("_Issue…"));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (issue), "certificate.issue");
      gtk_widget_add_css_class (issue, "flat");
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), issue);
    }
  if (n == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), wd_action_row_new (_("None issued"), " "));
  for (guint i = 0; i < n; i++)
    add_certificate (self, json_array_get_object_element (certificates, i));
}

GtkWidget *
wd_certificate_group_new (WdWorkspace    *workspace,
                          WdAssigneeKind  holder_kind,
                          const char     *holder_id,
                          const char     *holder_name)
{
  WdCertificateGroup *self;

  g_return_val_if_fail (WD_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (holder_kind != WD_ASSIGNEE_NONE && holder_id != NULL, NULL);

  self = g_object_new (WD_TYPE_CERTIFICATE_GROUP, NULL);
  self->workspace = g_object_ref (workspace);
  self->holder_kind = holder_kind;
  self->holder_id = g_strdup (holder_id);
  self->holder_name = g_strdup (holder_name);
  fill (self);
  return GTK_WIDGET (self);
}
