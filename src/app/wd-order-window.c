/* wd-order-window.c: the page of one order. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "wd-forms.h"
#include "wd-json.h"
#include "wd-message.h"
#include "wd-order-window.h"
#include "wd-printing.h"
#include "wd-sheet-document.h"
#include "wd-ui-util.h"

struct _WdOrderWindow
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkBox         *status_box;
  GtkLabel       *summary_label;
  GtkFlowBox     *actions_box;
  GtkBox         *groups_box;
  GtkWidget      *chip;

  WdWorkspace    *workspace;
  char           *order_id;
  JsonObject     *order;
  WdOrderActions  offered;
};

G_DEFINE_FINAL_TYPE (WdOrderWindow, wd_order_window, ADW_TYPE_WINDOW)

static void
wd_order_window_dispose (GObject *object)
{
  WdOrderWindow *self = WD_ORDER_WINDOW (object);

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_order_window_parent_class)->dispose (object);
}

static void
wd_order_window_finalize (GObject *object)
{
  WdOrderWindow *self = WD_ORDER_WINDOW (object);

  g_free (self->order_id);
  g_clear_pointer (&self->order, json_object_unref);
  G_OBJECT_CLASS (wd_order_window_parent_class)->finalize (object);
}

static void
order_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdOrderWindow *self = WD_ORDER_WINDOW (widget);
  const char *name = action_name + strlen ("order.");

  for (guint i = 0; i < WD_N_ORDER_ACTIONS; i++)
    if (g_str_equal (wd_order_action_info (i)->name, name) && self->order != NULL)
      wd_forms_run_order_action (widget, self->workspace, self->order, wd_order_action_info (i)->action);
}

static void
order_again_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WdOrderWindow *self = WD_ORDER_WINDOW (widget);

  if (self->order != NULL)
    gtk_window_present (GTK_WINDOW (wd_forms_order_again (widget, self->workspace, self->order)));
}

static WdSheetDocument *
sheet_document (WdOrderWindow *self,
                WdSheetKinds   kinds)
{
  const char *ids[] = { self->order_id, NULL };
  g_autoptr(GError) error = NULL;
  WdSheetDocument *document = wd_sheet_document_new (wd_workspace_get_store (self->workspace), ids, kinds,
                                                     wd_workspace_get_actor (self->workspace), &error);

  if (document == NULL)
    wd_show_error (GTK_WIDGET (self), _("Could not prepare the form"), error);
  return document;
}

/* One order's forms are a page or two: made on the spot. */
static void
sheet_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdOrderWindow *self = WD_ORDER_WINDOW (widget);
  g_autoptr(WdSheetDocument) document = NULL;
  g_autofree char *name = NULL;

  if (g_str_equal (action_name, "sheet.export"))
    {
      document = sheet_document (self, WD_SHEET_WORK | WD_SHEET_RATING);
      /* TRANSLATORS: the file name offered for an order's forms; %s is its number */
      name = g_strdup_printf (_("Forms %s.pdf"), *wd_json_text (self->order, "number")
                                                 ? wd_json_text (self->order, "number") : self->order_id);
      if (document != NULL)
        wd_printing_export_pdf (widget, WD_PRINT_DOCUMENT (document), name);
      return;
    }
  document = sheet_document (self, g_str_equal (action_name, "sheet.print-work") ? WD_SHEET_WORK : WD_SHEET_RATING);
  if (document != NULL)
    wd_printing_print (widget, WD_PRINT_DOCUMENT (document));
}

/* The message for the team, to paste into the chat it uses. */
static void
copy_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  WdOrderWindow *self = WD_ORDER_WINDOW (widget);
  g_autofree char *text = NULL;

  if (self->order == NULL)
    return;
  text = wd_order_team_message (wd_workspace_get_store (self->workspace), self->order);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  wd_toast (widget, _("Message copied: paste it into the chat or text message to the team"));
}

static void
wd_order_window_class_init (WdOrderWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_order_window_dispose;
  object_class->finalize = wd_order_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-order-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WdOrderWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, WdOrderWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, WdOrderWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WdOrderWindow, actions_box);
  gtk_widget_class_bind_template_child (widget_class, WdOrderWindow, groups_box);

  for (guint i = 0; i < WD_N_ORDER_ACTIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("order.%s", wd_order_action_info (i)->name);

      gtk_widget_class_install_action (widget_class, name, NULL, order_action);
    }
  gtk_widget_class_install_action (widget_class, "page.order-again", NULL, order_again_action);
  gtk_widget_class_install_action (widget_class, "sheet.print-work", NULL, sheet_action);
  gtk_widget_class_install_action (widget_class, "sheet.print-rating", NULL, sheet_action);
  gtk_widget_class_install_action (widget_class, "sheet.export", NULL, sheet_action);
  gtk_widget_class_install_action (widget_class, "sheet.copy-message", NULL, copy_message_action);
}

static void
wd_order_window_init (WdOrderWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.order-again", FALSE);
}

static void
add_row (GtkWidget  *group,
         const char *title,
         const char *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = wd_action_row_new (title, value);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static GtkWidget *
new_group (WdOrderWindow *self,
           const char    *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->groups_box, group);
  return group;
}

/* Who serves, and for the centre chasing an acceptance the number to
 * call; the row opens their page. */
static void
add_assignee (WdOrderWindow *self,
              WdStore       *store,
              GtkWidget     *group)
{
  const char *id = wd_json_text (self->order, "assignee_id");
  gboolean team = g_str_equal (wd_json_text (self->order, "assignee_kind"), "team");
  g_autoptr(JsonObject) who = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  if (*id == '\0')
    return;
  who = wd_store_get (store, team ? "team" : "speaker", id, NULL);
  phone = wd_actor_show_phone (wd_workspace_get_actor (self->workspace), wd_json_text (who, "phone"));
  subtitle = team ? g_strdup_printf ("%s · %s %s", wd_json_text (self->order, "assignee_name"),
                                     wd_json_text (who, "leader"), phone)
                  : g_strdup_printf ("%s · %s", wd_json_text (self->order, "assignee_name"), phone);
  row = wd_link_row_new (_("Served by"), subtitle, team ? "open.team" : "open.speaker", id);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
fill_event (WdOrderWindow *self,
            WdStore       *store)
{
  JsonObject *order = self->order;
  GtkWidget *group = new_group (self, _("Event"));
  g_autofree char *when = wd_format_span (store, wd_json_int (order, "starts_at"), wd_json_int (order, "ends_at"));
  g_autofree char *where = g_strdup_printf ("%s (%s) · %s %s", wd_json_text (order, "venue"),
                                            wd_json_text (order, "venue_kind_name"), wd_json_text (order, "subdistrict_name"),
                                            wd_json_text (order, "community"));
  g_autofree char *audience = g_strdup_printf ("%" G_GINT64_FORMAT, wd_json_int (order, "audience"));
  g_autofree char *phone = wd_actor_sees_phones (wd_workspace_get_actor (self->workspace), order)
    ? g_strdup (wd_json_text (order, "contact_phone")) : wd_mask_phone (wd_json_text (order, "contact_phone"));
  g_autofree char *contact = g_strdup_printf ("%s %s", wd_json_text (order, "contact_name"), phone);
  WdOrderState state;

  add_row (group, _("When"), when);
  add_row (group, _("Where"), where);
  add_row (group, _("Project"), wd_json_text (order, "project_title"));
  add_row (group, _("Topic"), wd_json_text (order, "topic_name"));
  add_row (group, _("Expected audience"), audience);
  add_row (group, _("Requested by"), wd_json_text (order, "requester"));
  add_row (group, _("Contact"), contact);
  /* What to tell a community phoning about its order, in its words. */
  if (wd_order_state_from_string (wd_json_text (order, "state"), &state))
    add_row (group, _("What the requester is told"), wd_resident_status_label (wd_order_resident_status (state)));
  add_row (group, _("Notes"), wd_json_text (order, "notes"));
  add_assignee (self, store, group);
  add_row (group, _("Booked twice because"), wd_json_text (order, "clash_override"));
  add_row (group, _("Closed because"), wd_json_text (order, "closing_reason"));
}

static void
fill_outcome (WdOrderWindow *self,
              WdStore       *store)
{
  JsonObject *order = self->order;
  g_autoptr(JsonArray) callbacks = wd_store_get_callbacks (store, self->order_id, NULL);
  GtkWidget *group;

  if (wd_json_int (order, "delivered_start") == 0 && callbacks != NULL && json_array_get_length (callbacks) == 0)
    return;

  group = new_group (self, _("Delivery and Rating"));
  if (wd_json_int (order, "delivered_start") != 0)
    {
      g_autofree char *when = wd_format_span (store, wd_json_int (order, "delivered_start"),
                                              wd_json_int (order, "delivered_end"));
      g_autofree char *audience = g_strdup_printf ("%" G_GINT64_FORMAT, wd_json_int (order, "delivered_audience"));
      double served = json_object_get_double_member_with_default (order, "hours", 0);
      double credited = json_object_get_double_member_with_default (order, "credited_hours", served);
      /* A complaint upheld on the phone takes the hours away from the
       * record rewards and certificates read; the page says so. */
      g_autofree char *hours = credited < served
        ? g_strdup_printf (_("%.1f (%.1f credited after a complaint)"), served, credited)
        : g_strdup_printf ("%.1f", served);

      add_row (group, _("Delivered"), when);
      add_row (group, _("Audience"), audience);
      add_row (group, _("Service hours"), hours);
    }
  if (wd_json_int (order, "rating") > 0)
    {
      g_autofree char *stars = g_strdup_printf ("%s %s", "★★★★★" + 3 * (5 - MIN (wd_json_int (order, "rating"), 5)),
                                                wd_json_text (order, "rating_comment"));

      add_row (group, _("Rating"), stars);
    }
  for (guint i = 0; callbacks != NULL && i < json_array_get_length (callbacks); i++)
    {
      JsonObject *call = json_array_get_object_element (callbacks, i);
      WdCallbackOutcome outcome;
      g_autofree char *at = wd_format_time (store, wd_json_int (call, "called_at"), "%Y-%m-%d %H:%M");
      g_autofree char *text = NULL;

      if (!wd_callback_outcome_from_string (wd_json_text (call, "outcome"), &outcome))
        continue;
      if (wd_json_int (call, "satisfaction") > 0)
        text = g_strdup_printf ("%s · %s · %d/5 %s", at, wd_callback_outcome_label (outcome),
                                (int) wd_json_int (call, "satisfaction"), wd_json_text (call, "notes"));
      else
        text = g_strdup_printf ("%s · %s %s", at, wd_callback_outcome_label (outcome), wd_json_text (call, "notes"));
      add_row (group, _("Callback"), text);
    }
}

static const char *
history_label (const char *action)
{
  static const struct { const char *action; const char *label; } labels[] = {
    { "order.create", N_("Ordered") },
    { "order.dispatch", N_("Dispatched") },
    { "order.accept", N_("Accepted") },
    { "order.decline", N_("Declined") },
    { "order.expire", N_("Returned to the queue after the deadline") },
    { "order.deliver", N_("Delivery recorded") },
    { "order.rate", N_("Rated") },
    { "order.callback", N_("Phoned back") },
    { "order.cancel", N_("Cancelled") },
    { "order.reject", N_("Rejected") },
    { "order.update", N_("Details corrected") },
    { "order.correct_delivery", N_("Delivery record corrected") },
    { "reward.approve", N_("Reward period approved") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].action, action))
      return _(labels[i].label);
  return action;
}

/* A delivery record's correction, with the values before and after. */
static char *
describe_delivery_correction (WdStore    *store,
                              JsonObject *detail)
{
  JsonObject *was = json_object_get_object_member (detail, "was");
  JsonObject *now = json_object_get_object_member (detail, "now");
  g_autoptr(GString) text = g_string_new (NULL);

  if (was == NULL || now == NULL)
    return NULL;
  if (json_object_has_member (now, "delivered_audience"))
    /* TRANSLATORS: a corrected delivery record, e.g. "Audience 55 → 60" */
    g_string_append_printf (text, _("Audience %d → %d"),
                            (int) wd_json_int (was, "delivered_audience"), (int) wd_json_int (now, "delivered_audience"));
  if (json_object_has_member (now, "hours"))
    {
      if (text->len > 0)
        g_string_append (text, _(", "));
      /* TRANSLATORS: a corrected delivery record, e.g. "Service hours 2 → 3" */
      g_string_append_printf (text, _("Service hours %g → %g"),
                              json_object_get_double_member (was, "hours"),
                              json_object_get_double_member (now, "hours"));
    }
  /* Both ends of the time served are kept when either changed. */
  if (json_object_has_member (now, "delivered_start"))
    {
      g_autofree char *before = wd_format_span (store, wd_json_int (was, "delivered_start"),
                                                wd_json_int (was, "delivered_end"));
      g_autofree char *after = wd_format_span (store, wd_json_int (now, "delivered_start"),
                                               wd_json_int (now, "delivered_end"));

      if (text->len > 0)
        g_string_append (text, _(", "));
      /* TRANSLATORS: a corrected delivery record: the times served before and after */
      g_string_append_printf (text, _("Time served %s → %s"), before, after);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Who did what, when, and why when they said. */
static void
fill_history (WdOrderWindow *self,
              WdStore       *store)
{
  g_autoptr(JsonArray) history = wd_store_get_history (store, self->order_id, NULL);
  GtkWidget *group = new_group (self, _("History"));

  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonObject *entry = json_array_get_object_element (history, i);
      g_autoptr(JsonObject) detail = wd_json_parse_object (wd_json_text (entry, "detail"), -1, NULL);
      gboolean delivery = g_str_equal (wd_json_text (entry, "action"), "order.correct_delivery");
      g_autofree char *corrected = detail && delivery ? describe_delivery_correction (store, detail)
        : detail && json_object_has_member (detail, "fields")
        ? wd_describe_fields ("order", json_object_get_array_member (detail, "fields")) : NULL;
      const char *reason = corrected ? corrected
        : detail ? json_object_get_string_member_with_default (detail, "reason", NULL) : NULL;
      g_autofree char *at = wd_format_time (store, wd_json_int (entry, "at"), "%Y-%m-%d %H:%M");
      g_autofree char *who = wd_store_describe_account (store, wd_json_text (entry, "actor"));
      g_autofree char *subtitle = reason && *reason
        ? g_strdup_printf ("%s · %s · %s", at, who, reason)
        : g_strdup_printf ("%s · %s", at, who);

      add_row (group, history_label (wd_json_text (entry, "action")), subtitle);
    }
}

/* The forms go with a dispatched order to its team, until it is over. */
static void
update_sheet_actions (WdOrderWindow *self)
{
  WdOrderState state = WD_ORDER_ORDERED;
  gboolean printable = self->order != NULL
                       && wd_order_state_from_string (wd_json_text (self->order, "state"), &state)
                       && *wd_json_text (self->order, "assignee_id") != '\0'
                       && state != WD_ORDER_CANCELLED && state != WD_ORDER_REJECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sheet.print-work", printable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sheet.print-rating", printable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sheet.export", printable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sheet.copy-message", printable);
}

static void
fill_actions (WdOrderWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box))) != NULL)
    gtk_flow_box_remove (self->actions_box, child);

  self->offered = wd_order_actions_for (self->order, wd_workspace_get_actor (self->workspace),
                                        wd_workspace_now (self->workspace));
  for (guint i = 0; i < WD_N_ORDER_ACTIONS; i++)
    {
      const WdOrderActionInfo *info = wd_order_action_info (i);
      g_autofree char *action = g_strdup_printf ("order.%s", info->name);
      GtkWidget *button;

      gtk_widget_action_set_enabled (GTK_WIDGET (self), action, (self->offered & info->action) != 0);
      if (!(self->offered & info->action))
        continue;
      button = gtk_button_new_with_mnemonic (_(info->label));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
      if (info->action == WD_ORDER_ACTION_CANCEL || info->action == WD_ORDER_ACTION_REJECT)
        gtk_widget_add_css_class (button, "destructive-action");
      else if (info->action != WD_ORDER_ACTION_DECLINE && info->action != WD_ORDER_ACTION_CALLBACK
               && info->action != WD_ORDER_ACTION_EDIT && info->action != WD_ORDER_ACTION_CORRECT_DELIVERY)
        gtk_widget_add_css_class (button, "suggested-action");
      gtk_flow_box_append (self->actions_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), self->offered != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.order-again",
                                 wd_order_can_order_again (self->order, wd_workspace_get_actor (self->workspace)));
  update_sheet_actions (self);
}

static void
refresh (WdOrderWindow *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(GError) error = NULL;
  JsonObject *order = wd_store_get (store, "order", self->order_id, &error);
  GtkWidget *child;
  g_autofree char *summary = NULL;
  g_autofree char *deadline = NULL;
  const char *number;

  if (order == NULL)
    {
      /* Gone after a sync (the server refused its creation): say so. */
      gtk_label_set_text (self->summary_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->actions_box), FALSE);
      g_clear_pointer (&self->order, json_object_unref);
      update_sheet_actions (self);
      return;
    }
  g_clear_pointer (&self->order, json_object_unref);
  self->order = order;

  number = wd_json_text (order, "number");
  adw_window_title_set_title (self->window_title, wd_json_text (order, "title"));
  adw_window_title_set_subtitle (self->window_title, *number ? number : _("Number pending until synced"));
  gtk_window_set_title (GTK_WINDOW (self), wd_json_text (order, "title"));

  if (self->chip != NULL)
    gtk_box_remove (self->status_box, self->chip);
  self->chip = wd_status_chip_new (wd_json_text (order, "state"));
  gtk_box_prepend (self->status_box, self->chip);
  wd_deadline_describe (order, wd_workspace_now (self->workspace), &deadline);
  summary = g_strdup_printf ("%s%s%s", wd_json_text (order, "requester"), deadline ? " · " : "", deadline ? deadline : "");
  gtk_label_set_text (self->summary_label, summary);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
  fill_actions (self);
  fill_event (self, store);
  fill_outcome (self, store);
  fill_history (self, store);
}

static void
on_workspace_changed (WdWorkspace   *workspace,
                      WdOrderWindow *self)
{
  refresh (self);
}

WdOrderWindow *
wd_order_window_new (GtkWindow   *parent,
                     WdWorkspace *workspace,
                     const char  *order_id)
{
  WdOrderWindow *self = g_object_new (WD_TYPE_ORDER_WINDOW, "transient-for", parent, NULL);

  wd_page_add_actions (GTK_WINDOW (self));
  self->workspace = g_object_ref (workspace);
  self->order_id = g_strdup (order_id);
  g_signal_connect (workspace, "changed", G_CALLBACK (on_workspace_changed), self);
  refresh (self);
  return self;
}

WdOrderActions
wd_order_window_get_actions (WdOrderWindow *self)
{
  return self->offered;
}

