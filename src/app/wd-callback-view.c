/* wd-callback-view.c: the callbacks queue. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-callback-view.h"
#include "wd-forms.h"
#include "wd-order-actions.h"
#include "wd-ui-util.h"
#include "wd-view.h"

#define QUEUE_LIMIT 200

struct _WdCallbackView
{
  AdwBin        parent_instance;

  GtkLabel     *summary_label;
  GtkWidget    *settings_button;
  GtkStack     *content_stack;
  GtkListBox   *queue_list;

  WdWorkspace  *workspace;
  JsonArray    *queue;
  GCancellable *cancellable;
  gboolean      shown;        /* read the queue once the view is on screen */
};

static void wd_callback_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdCallbackView, wd_callback_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_callback_view_view_init))

static void
wd_callback_view_dispose (GObject *object)
{
  WdCallbackView *self = WD_CALLBACK_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->queue, json_array_unref);
  G_OBJECT_CLASS (wd_callback_view_parent_class)->dispose (object);
}

static void
call_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WdCallbackView *self = WD_CALLBACK_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (self->queue != NULL && index < json_array_get_length (self->queue))
    wd_forms_run_order_action (widget, self->workspace, json_array_get_object_element (self->queue, index),
                               WD_ORDER_ACTION_CALLBACK);
}

static void
settings_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  WdCallbackView *self = WD_CALLBACK_VIEW (widget);

  gtk_window_present (GTK_WINDOW (wd_forms_district_settings (widget, self->workspace)));
}

static void
wd_callback_view_class_init (WdCallbackViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_callback_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-callback-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdCallbackView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WdCallbackView, settings_button);
  gtk_widget_class_bind_template_child (widget_class, WdCallbackView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, WdCallbackView, queue_list);
  gtk_widget_class_install_action (widget_class, "callbacks.call", "u", call_action);
  gtk_widget_class_install_action (widget_class, "callbacks.settings", NULL, settings_action);
}

static void
wd_callback_view_init (WdCallbackView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GtkWidget *
queue_row (WdCallbackView *self,
           JsonObject     *order,
           guint           index)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  const WdActor *actor = wd_workspace_get_actor (self->workspace);
  const char *phone = json_object_get_string_member_with_default (order, "contact_phone", "");
  g_autofree char *shown_phone = wd_actor_sees_phones (actor, order) ? g_strdup (phone) : wd_mask_phone (phone);
  g_autofree char *when = wd_format_time (store, json_object_get_int_member (order, "starts_at"), "%Y-%m-%d");
  JsonNode *rating = json_object_get_member (order, "rating");
  g_autofree char *rated = rating && !JSON_NODE_HOLDS_NULL (rating)
    ? g_strdup_printf ("★%d", (int) json_node_get_int (rating)) : g_strdup (_("not rated"));
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s %s · %s", when,
                                               json_object_get_string_member (order, "requester"),
                                               json_object_get_string_member (order, "contact_name"),
                                               shown_phone, rated);
  GtkWidget *row = wd_action_row_new (json_object_get_string_member (order, "title"), subtitle);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Call…"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "callbacks.call");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static gpointer
read_queue (WdStore   *store,
            gpointer   data,
            GError   **error)
{
  guint rate = (guint) wd_store_get_setting_int (store, "callback_rate_percent", 20);

  return wd_store_callback_queue (store, rate, QUEUE_LIMIT, error);
}

static void
on_queue_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JsonArray *queue = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);
  WdCallbackView *self;
  guint rate, n;
  g_autofree char *summary = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WD_CALLBACK_VIEW (user_data);
  g_clear_object (&self->cancellable);
  if (queue == NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }

  g_clear_pointer (&self->queue, json_array_unref);
  self->queue = queue;
  wd_clear_list_box (self->queue_list);
  n = json_array_get_length (queue);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->queue_list, queue_row (self, json_array_get_object_element (queue, i), i));

  rate = (guint) wd_store_get_setting_int (wd_workspace_get_store (self->workspace), "callback_rate_percent", 20);
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%1$u call to make · %2$u%% of deliveries sampled",
                                          "%1$u calls to make · %2$u%% of deliveries sampled", n),
                             n, rate);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->content_stack, n == 0 ? "empty" : "queue");
}

static void
reload (WdCallbackView *self)
{
  WdRole role;

  if (!self->shown)
    return;
  role = wd_workspace_get_actor (self->workspace)->role;

  gtk_widget_set_visible (self->settings_button, role == WD_ROLE_CENTRE || role == WD_ROLE_ADMIN);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  wd_workspace_read_async (self->workspace, read_queue, NULL, NULL, (GDestroyNotify) json_array_unref,
                           self->cancellable, on_queue_read, self);
}

static void
on_map (WdCallbackView *self)
{
  if (self->shown)
    return;
  self->shown = TRUE;
  reload (self);
}

static void
wd_callback_view_bind (WdView      *view,
                       WdWorkspace *workspace)
{
  WdCallbackView *self = WD_CALLBACK_VIEW (view);

  self->workspace = g_object_ref (workspace);
  g_signal_connect_swapped (workspace, "changed", G_CALLBACK (reload), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    on_map (self);
}

static JsonArray *
wd_callback_view_list_rows (WdView      *view,
                            const char **kind)
{
  WdCallbackView *self = WD_CALLBACK_VIEW (view);

  *kind = "order";
  return self->queue ? json_array_ref (self->queue) : NULL;
}

static void
wd_callback_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_callback_view_bind;
  iface->list_rows = wd_callback_view_list_rows;
}

guint
wd_callback_view_get_n_waiting (WdCallbackView *self)
{
  return self->queue ? json_array_get_length (self->queue) : 0;
}

gboolean
wd_callback_view_get_loading (WdCallbackView *self)
{
  return self->cancellable != NULL;
}
