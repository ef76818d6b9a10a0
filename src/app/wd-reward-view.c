/* wd-reward-view.c: the fund and the reward periods. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-forms.h"
#include "wd-json.h"
#include "wd-reward-view.h"
#include "wd-rewards.h"
#include "wd-ui-util.h"
#include "wd-view.h"

#define LEDGER_LINES 50
#define REGISTER_LINES 20

struct _WdRewardView
{
  AdwBin               parent_instance;

  GtkLabel            *fund_label;
  GtkLabel            *balance_label;
  GtkWidget           *deposit_button;
  GtkWidget           *propose_button;
  AdwPreferencesGroup *periods_group;
  AdwPreferencesGroup *certificates_group;
  AdwPreferencesGroup *ledger_group;

  WdWorkspace         *workspace;
  char                *fund_id;
  JsonArray           *ledger;   /* the fund's whole ledger, oldest first */
};

static void wd_reward_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdRewardView, wd_reward_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_reward_view_view_init))

static void
wd_reward_view_dispose (GObject *object)
{
  WdRewardView *self = WD_REWARD_VIEW (object);

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->fund_id, g_free);
  g_clear_pointer (&self->ledger, json_array_unref);
  G_OBJECT_CLASS (wd_reward_view_parent_class)->dispose (object);
}

static void
deposit_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WdRewardView *self = WD_REWARD_VIEW (widget);

  if (self->fund_id != NULL)
    gtk_window_present (GTK_WINDOW (wd_forms_deposit (widget, self->workspace, self->fund_id)));
}

static void
propose_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WdRewardView *self = WD_REWARD_VIEW (widget);

  gtk_window_present (GTK_WINDOW (wd_forms_propose_rewards (widget, self->workspace)));
}

static void
apply_period (WdRewardView *self,
              const char   *operation,
              const char   *period_id,
              const char   *done)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (args, "period_id", period_id);
  if (!wd_workspace_apply (self->workspace, operation, args, NULL, &error))
    wd_show_error (GTK_WIDGET (self), _("The reward period could not be changed"), error);
  else
    wd_toast (GTK_WIDGET (self), done);
}

static void
on_approve_response (AdwMessageDialog *dialog,
                     const char       *response,
                     WdRewardView     *self)
{
  if (g_str_equal (response, "approve"))
    apply_period (self, "reward.approve", g_object_get_data (G_OBJECT (dialog), "wd-period"),
                  _("Rewards approved and paid from the fund"));
}

/* Paying out is the one step that cannot be taken back: ask first. */
static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Approve and Pay?"),
                                              _("The total is paid out of the fund and the orders are closed. "
                                                "This cannot be undone."));

  g_object_set_data_full (G_OBJECT (dialog), "wd-period", g_variant_dup_string (parameter, NULL), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "approve", _("_Approve and Pay"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "approve", ADW_RESPONSE_SUGGESTED);
  g_signal_connect (dialog, "response", G_CALLBACK (on_approve_response), widget);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
withdraw_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  apply_period (WD_REWARD_VIEW (widget), "reward.withdraw", g_variant_get_string (parameter, NULL),
                _("Proposal withdrawn; its orders can be proposed again"));
}

static void
wd_reward_view_class_init (WdRewardViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_reward_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-reward-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, fund_label);
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, balance_label);
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, deposit_button);
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, propose_button);
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, periods_group);
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, certificates_group);
  gtk_widget_class_bind_template_child (widget_class, WdRewardView, ledger_group);
  gtk_widget_class_install_action (widget_class, "rewards.deposit", NULL, deposit_action);
  gtk_widget_class_install_action (widget_class, "rewards.propose", NULL, propose_action);
  gtk_widget_class_install_action (widget_class, "rewards.approve", "s", approve_action);
  gtk_widget_class_install_action (widget_class, "rewards.withdraw", "s", withdraw_action);
}

static void
wd_reward_view_init (WdRewardView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static const char *
period_state_label (const char *state)
{
  if (g_str_equal (state, "proposed"))
    return _("Waiting for approval");
  if (g_str_equal (state, "approved"))
    return _("Approved and paid");
  if (g_str_equal (state, "withdrawn"))
    return _("Withdrawn");
  return state;
}

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *period_id,
               const char *css)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (action != NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", period_id);
    }
  if (css != NULL)
    gtk_widget_add_css_class (button, css);
  return button;
}

/* A period's lines, built when it is first expanded: a period pays
 * dozens of teams and speakers, and building all their rows when the view
 * opened was most of its opening. */
static void
fill_period_lines (AdwExpanderRow *row,
                   GParamSpec     *pspec,
                   WdRewardView   *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "wd-period-id");
  g_autoptr(JsonObject) period = NULL;
  JsonArray *lines;

  if (!adw_expander_row_get_expanded (row) || g_object_get_data (G_OBJECT (row), "wd-lines-filled") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "wd-lines-filled", GINT_TO_POINTER (TRUE));
  period = wd_store_get_reward_period (wd_workspace_get_store (self->workspace), id, NULL);
  lines = period ? json_object_get_array_member (period, "lines") : NULL;
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      g_autofree char *amount = wd_format_money (json_object_get_int_member (line, "amount_cents"));
      g_autofree char *detail = g_strdup_printf (_("%1$d orders · %2$.1f hours · %3$d points · %4$s"),
                                                 (int) json_object_get_int_member (line, "orders"),
                                                 json_object_get_double_member (line, "hours"),
                                                 (int) json_object_get_int_member (line, "points"), amount);

      adw_expander_row_add_row (row, wd_action_row_new (wd_json_text (line, "recipient_name"), detail));
    }
}

static GtkWidget *
period_row (WdRewardView *self,
            JsonObject   *summary)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  const char *id = wd_json_text (summary, "id");
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *from = wd_format_time (store, json_object_get_int_member (summary, "starts_at"), "%Y-%m-%d");
  g_autofree char *to = wd_format_time (store, json_object_get_int_member (summary, "ends_at") - 1, "%Y-%m-%d");
  g_autofree char *total = wd_format_money (json_object_get_int_member (summary, "total_cents"));
  g_autofree char *proposer = wd_store_describe_account (store, wd_json_text (summary, "proposed_by"));
  g_autofree char *subtitle = g_strdup_printf ("%s – %s · %s · %s · %s", from, to, total,
                                               period_state_label (wd_json_text (summary, "state")), proposer);
  const WdActor *actor = wd_workspace_get_actor (self->workspace);
  gboolean proposed = g_str_equal (wd_json_text (summary, "state"), "proposed");
  g_autoptr(GError) stale = NULL;

  /* Said before anyone tries to approve it: an order of the period was
   * judged otherwise since (a complaint phoned in), and approval would
   * be refused. */
  if (proposed && !wd_rewards_check_period (store, summary, &stale))
    {
      g_autofree char *warned = g_strdup_printf ("%s · %s", subtitle, _("Changed since it was proposed"));

      g_free (subtitle);
      subtitle = g_steal_pointer (&warned);
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), wd_action_row_new (_("Propose it again"), stale->message));
      gtk_widget_set_tooltip_text (row, stale->message);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), wd_json_text (summary, "name"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  if (proposed && wd_actor_is_centre (actor))
    {
      /* Not offered while it would be refused; the action's own state
       * would make a button that names it sensitive again. */
      GtkWidget *approve = action_button (_("_Approve…"), stale ? NULL : "rewards.approve", id,
                                          "suggested-action");

      adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                   action_button (_("_Withdraw"), "rewards.withdraw", id, NULL));
      if (stale != NULL)
        {
          gtk_widget_set_sensitive (approve, FALSE);
          gtk_widget_set_tooltip_text (approve, stale->message);
        }
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), approve);
    }
  g_object_set_data_full (G_OBJECT (row), "wd-period-id", g_strdup (id), g_free);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (fill_period_lines), self);
  return row;
}

static void
fill_ledger (WdRewardView *self,
             WdStore      *store)
{
  JsonArray *ledger;
  guint n;

  g_clear_pointer (&self->ledger, json_array_unref);
  self->ledger = self->fund_id ? wd_store_list_fund_ledger (store, self->fund_id, NULL) : NULL;
  ledger = self->ledger;
  n = ledger ? json_array_get_length (ledger) : 0;

  /* Newest first. */
  for (guint i = n; i > 0 && n - i < LEDGER_LINES; i--)
    {
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      wd_format_ledger_line (store, json_array_get_object_element (ledger, i - 1), &title, &subtitle);
      wd_group_add (self->ledger_group, wd_action_row_new (title, subtitle));
    }
}

/* The register's latest certificates, whoever holds them. */
static void
fill_register (WdRewardView *self,
               WdStore      *store)
{
  g_autoptr(JsonArray) certificates = wd_store_list_recent_certificates (store, REGISTER_LINES, NULL);
  guint n = certificates ? json_array_get_length (certificates) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *certificate = json_array_get_object_element (certificates, i);
      gboolean team = g_str_equal (wd_json_text (certificate, "holder_kind"), "team");
      g_autofree char *number = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *title = NULL;

      wd_format_certificate (store, certificate, &number, &subtitle);
      title = g_strdup_printf ("%s · %s", wd_json_text (certificate, "holder_name"), number);
      wd_group_add (self->certificates_group,
                    wd_link_row_new (title, subtitle, team ? "win.show-team" : "win.show-speaker",
                                     wd_json_text (certificate, "holder_id")));
    }
  if (n == 0)
    wd_group_add (self->certificates_group, wd_action_row_new (_("None issued"), NULL));
}

static void
refresh (WdRewardView *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(JsonArray) funds = wd_store_list_funds (store, NULL);
  g_autoptr(JsonArray) periods = wd_store_list_reward_periods (store, NULL);
  gboolean may_manage = wd_actor_is_centre (wd_workspace_get_actor (self->workspace));

  wd_group_clear (self->periods_group);
  wd_group_clear (self->certificates_group);
  wd_group_clear (self->ledger_group);
  g_clear_pointer (&self->fund_id, g_free);
  if (funds != NULL && json_array_get_length (funds) > 0)
    {
      JsonObject *fund = json_array_get_object_element (funds, 0);
      g_autofree char *balance = wd_format_money (json_object_get_int_member (fund, "balance_cents"));

      self->fund_id = g_strdup (wd_json_text (fund, "id"));
      gtk_label_set_text (self->fund_label, wd_json_text (fund, "name"));
      gtk_label_set_text (self->balance_label, balance);
    }
  else
    {
      gtk_label_set_text (self->fund_label, _("No fund yet"));
      gtk_label_set_text (self->balance_label, "—");
    }
  gtk_widget_set_visible (self->deposit_button, may_manage && self->fund_id != NULL);
  gtk_widget_set_visible (self->propose_button, may_manage && self->fund_id != NULL);

  for (guint i = 0; periods != NULL && i < json_array_get_length (periods); i++)
    wd_group_add (self->periods_group, period_row (self, json_array_get_object_element (periods, i)));
  if (periods == NULL || json_array_get_length (periods) == 0)
    wd_group_add (self->periods_group, wd_action_row_new (_("No reward periods yet"), NULL));
  fill_register (self, store);
  fill_ledger (self, store);
}

static void
wd_reward_view_bind (WdView      *view,
                     WdWorkspace *workspace)
{
  WdRewardView *self = WD_REWARD_VIEW (view);

  self->workspace = g_object_ref (workspace);
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) refresh);
}

/* The list a bookkeeper wants in Excel is the fund's ledger, all of it. */
static JsonArray *
wd_reward_view_list_rows (WdView      *view,
                          const char **kind)
{
  WdRewardView *self = WD_REWARD_VIEW (view);

  *kind = "fund_ledger";
  return self->ledger ? json_array_ref (self->ledger) : NULL;
}

static void
wd_reward_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_reward_view_bind;
  iface->list_rows = wd_reward_view_list_rows;
}
