/* wd-callback-view.c: the callbacks queue. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-callback-view.h"
#include "wd-forms.h"
#include "wd-order-actions.h"
#include "wd-row.h"
#include "wd-ui-util.h"
#include "wd-view.h"

#define QUEUE_LIMIT 200

struct _WdCallbackView
{
  AdwBin        parent_instance;

  GtkLabel     *summary_label;
  GtkWidget    *settings_button;
  GtkStack     *content_stack;
  GtkGridView  *queue_list;

  WdWorkspace  *workspace;
  JsonArray    *queue;        /* the longest waiting, at most QUEUE_LIMIT */
  guint         n_due;        /* all the calls to make */
  GListStore   *rows;         /* WdRow of each order in queue */
  GCancellable *cancellable;
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
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (wd_callback_view_parent_class)->dispose (object);
}

/* Phones back the order of the queue with this id. By id, not position:
 * a row keeps what its button names even if the rows around it move. */
static void
call (WdCallbackView *self,
      const char     *order_id)
{
  guint n = self->queue != NULL ? json_array_get_length (self->queue) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *order = json_array_get_object_element (self->queue, i);

      if (g_strcmp0 (json_object_get_string_member (order, "id"), order_id) == 0)
        {
          wd_forms_run_order_action (GTK_WIDGET (self), self->workspace, order, WD_ORDER_ACTION_CALLBACK);
          return;
        }
    }
}

static void
call_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  call (WD_CALLBACK_VIEW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_activate (WdCallbackView *self,
             guint           position)
{
  g_autoptr(WdRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);

  if (row != NULL)
    call (self, wd_row_get_id (row));
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
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_install_action (widget_class, "callbacks.call", "s", call_action);
  gtk_widget_class_install_action (widget_class, "callbacks.settings", NULL, settings_action);
}

/* One order to phone: what and when, who to ask, and a Call button. */
static GtkWidget *
make_queue_row (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Call…"));

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), wd_inscription_new ("title-line"));
  gtk_box_append (GTK_BOX (text), wd_inscription_new ("dim-label"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* The target first: the action takes an order id, set again at bind. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "callbacks.call");
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), button);
  return box;
}

static void
bind_queue_row (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                WdCallbackView           *self)
{
  JsonObject *order = wd_row_get_object (gtk_list_item_get_item (item));
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_first_child (box));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *button = gtk_widget_get_last_child (box);
  WdStore *store = wd_workspace_get_store (self->workspace);
  const WdActor *actor = wd_workspace_get_actor (self->workspace);
  const char *phone = json_object_get_string_member_with_default (order, "contact_phone", "");
  g_autofree char *shown_phone = wd_actor_sees_phones (actor, order) ? g_strdup (phone) : wd_mask_phone (phone);
  g_autofree char *when = wd_format_span (store, json_object_get_int_member (order, "starts_at"),
                                          json_object_get_int_member (order, "ends_at"));
  JsonNode *rating = json_object_get_member (order, "rating");
  g_autofree char *rated = rating && !JSON_NODE_HOLDS_NULL (rating)
    ? g_strdup_printf ("★%d", (int) json_node_get_int (rating)) : g_strdup (_("not rated"));
  g_autofree char *about = g_strdup_printf ("%s · %s · %s %s · %s", when,
                                            json_object_get_string_member (order, "requester"),
                                            json_object_get_string_member (order, "contact_name"),
                                            shown_phone, rated);

  gtk_inscription_set_text (GTK_INSCRIPTION (title), json_object_get_string_member (order, "title"));
  gtk_inscription_set_text (GTK_INSCRIPTION (subtitle), about);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", json_object_get_string_member (order, "id"));
  /* A screen reader's "Call…" says whom. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  json_object_get_string_member (order, "title"), -1);
}

static void
wd_callback_view_init (WdCallbackView *self)
{
  g_autoptr(GtkListItemFactory) factory = wd_recycling_factory_new (make_queue_row, G_CALLBACK (bind_queue_row),
                                                                    self);
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (WD_TYPE_ROW);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_grid_view_set_factory (self->queue_list, factory);
  gtk_grid_view_set_model (self->queue_list, GTK_SELECTION_MODEL (selection));
}

typedef struct
{
  JsonArray *orders;
  guint      n_due;
  guint      rate;
} QueueRead;

static void
queue_read_free (QueueRead *read)
{
  g_clear_pointer (&read->orders, json_array_unref);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QueueRead, queue_read_free)

static gpointer
read_queue (WdStore   *store,
            gpointer   data,
            GError   **error)
{
  g_autoptr(QueueRead) read = g_new0 (QueueRead, 1);

  read->rate = wd_store_get_callback_rate (store);
  read->orders = wd_store_callback_queue (store, read->rate, QUEUE_LIMIT, &read->n_due, error);
  return read->orders != NULL ? g_steal_pointer (&read) : NULL;
}

static char *
describe_queue (guint n_due,
                guint n_shown,
                guint rate)
{
  g_autofree char *calls = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "%1$'u call to make · %2$u%% of deliveries sampled",
                                                         "%1$'u calls to make · %2$u%% of deliveries sampled",
                                                         n_due),
                                            n_due, rate);

  if (n_shown == n_due)
    return g_steal_pointer (&calls);
  /* TRANSLATORS: the first part says how many calls are due in all. */
  return g_strdup_printf (_("%s · the %u waiting longest shown"), calls, n_shown);
}

static void
on_queue_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QueueRead) read = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);
  WdCallbackView *self;
  guint n;
  g_autofree char *summary = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WD_CALLBACK_VIEW (user_data);
  g_clear_object (&self->cancellable);
  if (read == NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }

  g_clear_pointer (&self->queue, json_array_unref);
  self->queue = g_steal_pointer (&read->orders);
  self->n_due = read->n_due;
  n = json_array_get_length (self->queue);
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, g_object_unref);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (rows, wd_row_new ("order", json_array_get_object_element (self->queue, i)));
    g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)), rows->pdata, n);
  }

  summary = describe_queue (self->n_due, n, read->rate);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->content_stack, n == 0 ? "empty" : "queue");
}

static void
reload (WdCallbackView *self)
{
  gtk_widget_set_visible (self->settings_button, wd_actor_is_centre (wd_workspace_get_actor (self->workspace)));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  wd_workspace_read_async (self->workspace, read_queue, NULL, NULL, (GDestroyNotify) queue_read_free,
                           self->cancellable, on_queue_read, self);
}

static void
wd_callback_view_bind (WdView      *view,
                       WdWorkspace *workspace)
{
  WdCallbackView *self = WD_CALLBACK_VIEW (view);

  self->workspace = g_object_ref (workspace);
  /* Sampling the queue reads through the delivered orders (a third of a
   * second on a large district) on the worker the lists share. */
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) reload);
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

/* All the calls to make, also those beyond the rows shown. */
guint
wd_callback_view_get_n_waiting (WdCallbackView *self)
{
  return self->n_due;
}

gboolean
wd_callback_view_get_loading (WdCallbackView *self)
{
  return self->cancellable != NULL;
}
