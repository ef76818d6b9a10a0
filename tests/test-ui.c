/* test-ui.c: the real main window on the demo district, driven through
 * its actions as a dispatcher would: an order placed, dispatched,
 * accepted, delivered and rated, and what the store holds afterwards. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <sqlite3.h>

#include "wd-application.h"
#include "wd-board-view.h"
#include "wd-card-column.h"
#include "wd-certificate-document.h"
#include "wd-demo.h"
#include "wd-certificate-group.h"
#include "wd-callback-view.h"
#include "wd-dispatch-dialog.h"
#include "wd-form-dialog.h"
#include "wd-forms.h"
#include "wd-login-dialog.h"
#include "wd-order-card.h"
#include "wd-market-view.h"
#include "wd-matching.h"
#include "wd-message.h"
#include "wd-order-window.h"
#include "wd-project-window.h"
#include "wd-row-model.h"
#include "wd-search.h"
#include "wd-speaker-view.h"
#include "wd-speaker-window.h"
#include "wd-store-private.h"
#include "wd-team-window.h"
#include "wd-time.h"
#include "wd-row.h"
#include "wd-test-util.h"
#include "wd-ui-test-util.h"
#include "wd-ui-util.h"
#include "wd-view.h"
#include "wd-window.h"

static WdStore *
store_of (WdUiFixture *fx)
{
  return wd_workspace_get_store (fx->workspace);
}

static gint64
count_orders (WdUiFixture *fx,
              const char  *state)
{
  WdOrderFilter filter = { .state = state };
  g_autoptr(GArray) keys = wd_store_order_keys (store_of (fx), &filter, NULL, NULL);

  return keys->len;
}

static void
test_views_show_the_district (WdUiFixture   *fx,
                              gconstpointer  data)
{
  const char *views[] = { "market", "speakers", "board", "callbacks", "rewards", "schedule", "reports" };
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  g_autoptr(JsonArray) projects = wd_store_list_all (store_of (fx), "project", NULL);
  g_autoptr(JsonArray) speakers = wd_store_list_all (store_of (fx), "speaker", NULL);
  GListModel *market = G_LIST_MODEL (wd_market_view_get_model (WD_MARKET_VIEW (wd_window_get_view_widget (fx->window, "market"))));
  GListModel *library = G_LIST_MODEL (wd_speaker_view_get_model (WD_SPEAKER_VIEW (wd_window_get_view_widget (fx->window, "speakers"))));

  /* Every view is reachable by keyboard (Alt+1 … Alt+7 run win.view). */
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.view", "s", views[i]));
      wd_ui_settle ();
      g_assert_cmpstr (wd_window_get_view (fx->window), ==, views[i]);
      wd_ui_show_view (fx, views[i]);
    }

  g_assert_cmpuint (g_list_model_get_n_items (market), ==, json_array_get_length (projects));
  g_assert_cmpuint (g_list_model_get_n_items (library), ==, json_array_get_length (speakers));
  g_assert_cmpuint (json_array_get_length (speakers), >=, 130);
  for (WdOrderState s = WD_ORDER_ORDERED; s <= WD_ORDER_RATED; s++)
    {
      GListModel *column = G_LIST_MODEL (wd_board_view_get_column_model (board, s));

      g_assert_cmpuint (g_list_model_get_n_items (column), ==, count_orders (fx, wd_order_state_to_string (s)));
      g_assert_cmpuint (g_list_model_get_n_items (column), >, 0);
    }
}

static gboolean
dispatch_ready (gpointer data)
{
  return !wd_dispatch_dialog_get_loading (data);
}

static JsonObject *
order (WdUiFixture *fx,
       const char  *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *row = wd_store_get (store_of (fx), "order", id, &error);

  g_assert_no_error (error);
  return row;
}

/* The first order called title, other than except. */
static char *
find_order_by_title (WdUiFixture *fx,
                     const char  *title,
                     const char  *except)
{
  WdOrderFilter filter = { 0 };
  g_autoptr(GArray) keys = wd_store_order_keys (store_of (fx), &filter, NULL, NULL);
  g_autoptr(JsonArray) rows = wd_store_get_rows (store_of (fx), "order", (gint64 *) keys->data, keys->len, NULL);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_str_equal (json_object_get_string_member (row, "title"), title)
          && g_strcmp0 (json_object_get_string_member (row, "id"), except) != 0)
        return g_strdup (json_object_get_string_member (row, "id"));
    }
  return NULL;
}

static WdFormDialog *
open_form (GtkWidget  *widget,
           const char *action)
{
  WdFormDialog *form;

  g_assert_true (gtk_widget_activate_action (widget, action, NULL));
  wd_ui_settle ();
  form = WD_FORM_DIALOG (wd_ui_find_window (WD_TYPE_FORM_DIALOG));
  g_assert_nonnull (form);
  return form;
}

typedef gboolean (*WidgetTest) (GtkWidget *widget, gconstpointer data);

static GtkWidget *find_widget (GtkWidget *root, WidgetTest test, gconstpointer data);

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_row_subtitled (GtkWidget     *widget,
                  gconstpointer  subtitle)
{
  return ADW_IS_ACTION_ROW (widget)
      && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), subtitle) == 0;
}

/* The whole loop through the window's own actions and dialogs. */
typedef struct
{
  WdUiFixture *fx;
  const char  *view;
  guint        expected;
} BadgeWait;

static gboolean
badge_is (gpointer data)
{
  BadgeWait *wait = data;
  GtkWidget *window = GTK_WIDGET (wait->fx->window);
  AdwViewStack *stack = ADW_VIEW_STACK (gtk_widget_get_template_child (window, WD_TYPE_WINDOW, "stack"));
  AdwViewStackPage *page = adw_view_stack_get_page (stack, wd_window_get_view_widget (wait->fx->window, wait->view));

  return adw_view_stack_page_get_badge_number (page) == wait->expected;
}

/* The board's tab counts the orders waiting for the user (the centre:
 * to dispatch). */
static void
wait_for_board_badge (WdUiFixture *fx,
                      gint64       expected)
{
  BadgeWait wait = { fx, "board", (guint) expected };

  wd_ui_wait (badge_is, &wait, "the board's tab to count the waiting orders");
}

/* The callbacks tab counts the calls the centre has to make. */
static void
wait_for_callbacks_badge (WdUiFixture *fx,
                          guint        expected)
{
  BadgeWait wait = { fx, "callbacks", expected };

  wd_ui_wait (badge_is, &wait, "the callbacks tab to count the calls to make");
}

static void
test_five_order_loop (WdUiFixture   *fx,
                      gconstpointer  data)
{
  gint64 ordered_before = count_orders (fx, "ordered");
  WdFormDialog *form;
  WdDispatchDialog *dispatch;
  WdOrderWindow *page;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) placed = NULL;
  g_autoptr(JsonObject) corrected = NULL;
  g_autoptr(JsonObject) dispatched = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(JsonObject) delivered = NULL;
  g_autoptr(JsonObject) redelivered = NULL;
  g_autoptr(JsonObject) rated = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *again_id = NULL;
  g_autoptr(JsonArray) history = NULL;

  /* 点单: Ctrl+N's action opens the order form. */
  form = open_form (GTK_WIDGET (fx->window), "win.new-order");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "order.create");
  g_assert_true (wd_form_dialog_set_value (form, "title", "冬季防火安全讲座"));
  g_assert_true (wd_form_dialog_set_value (form, "topic_id", "science"));
  g_assert_true (wd_form_dialog_set_value (form, "subdistrict_id", "qianfoshan"));
  g_assert_true (wd_form_dialog_set_value (form, "community", "历阳社区"));
  g_assert_true (wd_form_dialog_set_value (form, "venue", "历阳社区党群服务中心"));
  g_assert_true (wd_form_dialog_set_value (form, "venue_kind", "community"));
  g_assert_true (wd_form_dialog_set_value (form, "starts_at", "2026-12-05 09:00"));
  g_assert_true (wd_form_dialog_set_value (form, "ends_at", "2026-12-05 11:00"));
  g_assert_true (wd_form_dialog_set_value (form, "audience", "60"));
  g_assert_true (wd_form_dialog_set_value (form, "requester", "历阳社区居委会"));
  g_assert_true (wd_form_dialog_set_value (form, "contact_name", "刘洋"));
  g_assert_true (wd_form_dialog_set_value (form, "contact_phone", "13912340000"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();

  id = find_order_by_title (fx, "冬季防火安全讲座", NULL);
  g_assert_nonnull (id);
  placed = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (placed, "state"), ==, "ordered");
  g_assert_cmpstr (json_object_get_string_member (placed, "subdistrict_id"), ==, "qianfoshan");
  g_assert_cmpstr (json_object_get_string_member (placed, "contact_phone"), ==, "13912340000");
  g_assert_cmpint (json_object_get_int_member (placed, "audience"), ==, 60);
  g_assert_cmpint (count_orders (fx, "ordered"), ==, ordered_before + 1);
  wait_for_board_badge (fx, ordered_before + 1);

  /* The community moved it to another room and an hour later, and the
   * phone number was mistyped: corrected in place, number kept. */
  page = WD_ORDER_WINDOW (wd_window_show_order (fx->window, id));
  g_assert_true (wd_order_window_get_actions (page) & WD_ORDER_ACTION_EDIT);
  form = open_form (GTK_WIDGET (page), "order.edit");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "order.update");
  g_assert_true (wd_form_dialog_set_value (form, "venue", "历阳社区二楼会议室"));
  g_assert_true (wd_form_dialog_set_value (form, "starts_at", "2026-12-05 10:00"));
  g_assert_true (wd_form_dialog_set_value (form, "ends_at", "2026-12-05 12:00"));
  g_assert_true (wd_form_dialog_set_value (form, "contact_phone", "13912345678"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  corrected = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (corrected, "venue"), ==, "历阳社区二楼会议室");
  g_assert_cmpstr (json_object_get_string_member (corrected, "contact_phone"), ==, "13912345678");
  g_assert_cmpint (json_object_get_int_member (corrected, "starts_at"), ==,
                   json_object_get_int_member (placed, "starts_at") + 3600);
  g_assert_cmpstr (json_object_get_string_member (corrected, "number"), ==,
                   json_object_get_string_member (placed, "number"));
  g_assert_cmpstr (json_object_get_string_member (corrected, "community"), ==, "历阳社区");
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, "Details corrected"));
  /* What to tell the community if it phones: its order is under review. */
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_subtitled, "Under review"));

  /* The order page offers dispatching, and the dialog ranks candidates. */
  g_assert_true (wd_order_window_get_actions (page) & WD_ORDER_ACTION_DISPATCH);
  g_assert_false (wd_order_window_get_actions (page) & WD_ORDER_ACTION_DELIVER);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "order.dispatch", NULL));
  wd_ui_settle ();
  dispatch = WD_DISPATCH_DIALOG (wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG));
  g_assert_nonnull (dispatch);
  wd_ui_wait (dispatch_ready, dispatch, "the candidates");
  g_assert_cmpuint (wd_dispatch_dialog_get_n_candidates (dispatch), >, 0);
  wd_dispatch_dialog_select (dispatch, 0);
  g_assert_true (wd_dispatch_dialog_apply (dispatch));
  wd_ui_settle ();
  dispatched = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (dispatched, "state"), ==, "dispatched");
  g_assert_nonnull (json_object_get_string_member (dispatched, "assignee_id"));
  wait_for_board_badge (fx, ordered_before);
  /* The page says who serves and, to the centre chasing the acceptance,
   * their number; the row opens their page. */
  {
    gboolean team = g_str_equal (json_object_get_string_member (dispatched, "assignee_kind"), "team");
    const char *assignee = json_object_get_string_member (dispatched, "assignee_id");
    g_autoptr(JsonObject) who = wd_store_get (store_of (fx), team ? "team" : "speaker", assignee, NULL);
    GtkWidget *row = find_widget (GTK_WIDGET (page), is_row_titled, "Served by");
    GtkWindow *their_page;

    g_assert_nonnull (row);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                              json_object_get_string_member (who, "phone")));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), team ? "open.team" : "open.speaker", "s", assignee));
    wd_ui_settle ();
    their_page = wd_ui_find_window (team ? WD_TYPE_TEAM_WINDOW : WD_TYPE_SPEAKER_WINDOW);
    g_assert_nonnull (their_page);
    g_assert_cmpstr (gtk_window_get_title (their_page), ==, json_object_get_string_member (who, "name"));
    gtk_window_destroy (their_page);
  }

  /* Once someone was chosen for its time, the time is no longer offered. */
  form = open_form (GTK_WIDGET (page), "order.edit");
  g_assert_false (wd_form_dialog_set_value (form, "starts_at", "2026-12-06 10:00"));
  g_assert_true (wd_form_dialog_set_value (form, "notes", "请提前半小时到场"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  g_clear_pointer (&dispatched, json_object_unref);
  dispatched = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (dispatched, "notes"), ==, "请提前半小时到场");
  g_assert_cmpstr (json_object_get_string_member (dispatched, "state"), ==, "dispatched");

  /* 接单 */
  g_assert_true (wd_order_window_get_actions (page) & WD_ORDER_ACTION_ACCEPT);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "order.accept", NULL));
  wd_ui_settle ();
  accepted = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (accepted, "state"), ==, "accepted");

  /* Delivery is recorded once the event has begun. */
  g_assert_false (wd_order_window_get_actions (page) & WD_ORDER_ACTION_DELIVER);
  wd_workspace_set_clock (fx->workspace, json_object_get_int_member (accepted, "ends_at") + 3600);
  wd_workspace_changed (fx->workspace);
  g_assert_true (wd_order_window_get_actions (page) & WD_ORDER_ACTION_DELIVER);
  form = open_form (GTK_WIDGET (page), "order.deliver");
  g_assert_true (wd_form_dialog_set_value (form, "audience", "72"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  delivered = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (delivered, "state"), ==, "delivered");
  g_assert_cmpint (json_object_get_int_member (delivered, "delivered_audience"), ==, 72);
  g_assert_cmpfloat (json_object_get_double_member (delivered, "hours"), ==, 2.0);

  /* The team phones: they served three hours, not two. The record is put
   * right, and the history says what it said before. */
  g_assert_true (wd_order_window_get_actions (page) & WD_ORDER_ACTION_CORRECT_DELIVERY);
  form = open_form (GTK_WIDGET (page), "order.correct-delivery");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "order.correct_delivery");
  g_assert_true (wd_form_dialog_set_value (form, "hours", "3"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  redelivered = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (redelivered, "state"), ==, "delivered");
  g_assert_cmpfloat (json_object_get_double_member (redelivered, "hours"), ==, 3.0);
  g_assert_cmpint (json_object_get_int_member (redelivered, "delivered_audience"), ==, 72);
  {
    GtkWidget *row = find_widget (GTK_WIDGET (page), is_row_titled, "Delivery record corrected");

    g_assert_nonnull (row);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Service hours 2 → 3"));
    g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Audience"));
  }

  /* 评单 */
  form = open_form (GTK_WIDGET (page), "order.rate");
  g_assert_true (wd_form_dialog_set_value (form, "stars", "4"));
  g_assert_true (wd_form_dialog_set_value (form, "comment", "讲得很实用"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  rated = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (rated, "state"), ==, "rated");
  g_assert_cmpint (json_object_get_int_member (rated, "rating"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (rated, "rating_comment"), ==, "讲得很实用");

  /* Each step is in the history, in order, by the person at the desk. */
  history = wd_store_get_history (store_of (fx), id, NULL);
  g_assert_cmpuint (json_array_get_length (history), ==, 8);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==, "order.create");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "action"), ==, "order.update");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 6), "action"), ==,
                   "order.correct_delivery");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 7), "action"), ==, "order.rate");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 7), "actor"), ==,
                   g_get_user_name ());

  /* 再次点单: the community wants it again; the form starts from this
   * order, a week on from it or more, and places a new one. */
  form = open_form (GTK_WIDGET (page), "page.order-again");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "order.create");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  again_id = find_order_by_title (fx, "冬季防火安全讲座", id);
  g_assert_nonnull (again_id);
  again = order (fx, again_id);
  g_assert_cmpstr (json_object_get_string_member (again, "state"), ==, "ordered");
  g_assert_cmpstr (json_object_get_string_member (again, "venue"), ==, "历阳社区二楼会议室");
  g_assert_cmpstr (json_object_get_string_member (again, "contact_phone"), ==, "13912345678");
  g_assert_cmpstr (json_object_get_string_member (again, "notes"), ==, "请提前半小时到场");
  g_assert_cmpstr (json_object_get_string_member (again, "topic_id"), ==, "science");
  g_assert_cmpint (json_object_get_int_member (again, "audience"), ==, 60);
  g_assert_cmpint ((json_object_get_int_member (again, "starts_at") - json_object_get_int_member (rated, "starts_at"))
                   % (7 * 86400), ==, 0);
  g_assert_cmpint (json_object_get_int_member (again, "starts_at"), >, wd_workspace_now (fx->workspace));
  g_assert_cmpint (json_object_get_int_member (again, "ends_at") - json_object_get_int_member (again, "starts_at"),
                   ==, 2 * 3600);
}

static char *
create_order_at (WdUiFixture *fx,
                 const char  *title,
                 const char  *starts,
                 const char  *ends)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (args, "title", title);
  json_object_set_string_member (args, "topic_id", "law");
  json_object_set_string_member (args, "subdistrict_id", "qianfoshan");
  json_object_set_string_member (args, "venue", "千佛山街道新时代文明实践所");
  json_object_set_string_member (args, "venue_kind", "subdistrict");
  json_object_set_string_member (args, "starts_at", starts);
  json_object_set_string_member (args, "ends_at", ends);
  json_object_set_string_member (args, "requester", "千佛山街道办事处");
  json_object_set_string_member (args, "contact_name", "赵敏");
  json_object_set_string_member (args, "contact_phone", "13905310000");
  g_assert_true (wd_workspace_apply (fx->workspace, "order.create", args, &result, &error));
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (result, "id"));
}

static WdDispatchDialog *
open_dispatch (WdUiFixture *fx,
               const char  *order_id)
{
  GtkWindow *page = wd_window_show_order (fx->window, order_id);
  WdDispatchDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "order.dispatch", NULL));
  wd_ui_settle ();
  dialog = WD_DISPATCH_DIALOG (wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG));
  g_assert_nonnull (dialog);
  wd_ui_wait (dispatch_ready, dialog, "the candidates");
  return dialog;
}

/* Booking someone twice is flagged among the candidates and needs a
 * reason, which the order keeps. */
static void
test_dispatch_clash_needs_reason (WdUiFixture   *fx,
                                  gconstpointer  data)
{
  g_autofree char *first = create_order_at (fx, "民法典讲座（上午场）", "2026-12-08 09:00", "2026-12-08 11:00");
  g_autofree char *second = create_order_at (fx, "民法典讲座（加场）", "2026-12-08 10:00", "2026-12-08 12:00");
  WdDispatchDialog *dialog = open_dispatch (fx, first);
  g_autoptr(JsonObject) booked = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) forced = NULL;
  const char *assignee;
  gboolean clash = TRUE;
  int index;

  wd_dispatch_dialog_select (dialog, 0);
  g_assert_true (wd_dispatch_dialog_apply (dialog));
  wd_ui_settle ();
  booked = order (fx, first);
  assignee = json_object_get_string_member (booked, "assignee_id");

  dialog = open_dispatch (fx, second);
  index = wd_dispatch_dialog_find (dialog, assignee, &clash);
  g_assert_cmpint (index, >=, 0);
  g_assert_true (clash);
  wd_dispatch_dialog_select (dialog, (guint) index);
  g_assert_false (wd_dispatch_dialog_apply (dialog));
  refused = order (fx, second);
  g_assert_cmpstr (json_object_get_string_member (refused, "state"), ==, "ordered");

  wd_dispatch_dialog_set_force_reason (dialog, "已与服务队商定两场连讲");
  g_assert_true (wd_dispatch_dialog_apply (dialog));
  forced = order (fx, second);
  g_assert_cmpstr (json_object_get_string_member (forced, "state"), ==, "dispatched");
  g_assert_cmpstr (json_object_get_string_member (forced, "assignee_id"), ==, assignee);
  g_assert_cmpstr (json_object_get_string_member (forced, "clash_override"), ==, "已与服务队商定两场连讲");
}

/* A refused field is marked, the dialog stays, the store is untouched. */
static void
test_bad_input_marks_field (WdUiFixture   *fx,
                            gconstpointer  data)
{
  gint64 before = count_orders (fx, NULL);
  WdFormDialog *form = open_form (GTK_WIDGET (fx->window), "win.new-order");

  wd_form_dialog_set_value (form, "title", "测试");
  wd_form_dialog_set_value (form, "topic_id", "science");
  wd_form_dialog_set_value (form, "venue", "某地");
  wd_form_dialog_set_value (form, "requester", "某社区");
  wd_form_dialog_set_value (form, "contact_name", "某人");
  wd_form_dialog_set_value (form, "contact_phone", "123");
  g_assert_false (wd_form_dialog_apply (form));
  g_assert_cmpstr (wd_form_dialog_get_error_field (form), ==, "contact_phone");
  g_assert_true (wd_ui_find_window (WD_TYPE_FORM_DIALOG) == GTK_WINDOW (form));
  g_assert_cmpint (count_orders (fx, NULL), ==, before);

  wd_form_dialog_set_value (form, "contact_phone", "13912340000");
  wd_form_dialog_set_value (form, "ends_at", "2026-12-01 08:00");
  g_assert_false (wd_form_dialog_apply (form));
  g_assert_cmpint (count_orders (fx, NULL), ==, before);
}

/* The first widget under root that passes test, depth first. */
static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetTest     test,
             gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (test (child, data))
        return child;
      if ((found = find_widget (child, test, data)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_order (GtkWidget     *widget,
             gconstpointer  order_id)
{
  WdRow *row = g_object_get_data (G_OBJECT (widget), "wd-row");

  return row != NULL && gtk_widget_get_mapped (widget) && g_str_equal (wd_row_get_id (row), order_id);
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
is_call_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "callbacks.call") == 0;
}

/* The card on screen that shows order_id, or NULL. */
static GtkWidget *
find_card (GtkWidget  *widget,
           const char *order_id)
{
  return find_widget (widget, shows_order, order_id);
}

static char *
deadline_text (GtkWidget *card)
{
  g_assert_true (WD_IS_ORDER_CARD (card));
  return g_strdup (wd_order_card_get_deadline (WD_ORDER_CARD (card)));
}

/* A community that calls twice, or a request a colleague entered first:
 * the order form says when the sub-district already has an order that
 * day for the same requester or venue, and names it. */
static void
test_order_form_warns_of_similar (WdUiFixture   *fx,
                                  gconstpointer  data)
{
  WdStore *store = wd_workspace_get_store (fx->workspace);
  WdOrderFilter waiting = { .state = "ordered", .from = wd_workspace_now (fx->workspace) };
  g_autoptr(JsonArray) rows = wd_store_list_orders (store, &waiting, NULL, 1, NULL, NULL);
  JsonObject *first;
  g_autofree char *day = NULL;
  g_autofree char *same_day = NULL;
  g_autofree char *next_day = NULL;
  WdFormDialog *form;

  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  first = json_array_get_object_element (rows, 0);
  day = wd_format_time (store, json_object_get_int_member (first, "starts_at"), "%Y-%m-%d");
  same_day = g_strdup_printf ("%s 20:00", day);
  next_day = wd_format_time (store, json_object_get_int_member (first, "starts_at") + 86400, "%Y-%m-%d 20:00");

  form = open_form (GTK_WIDGET (fx->window), "win.new-order");
  wd_form_dialog_set_value (form, "subdistrict_id", json_object_get_string_member (first, "subdistrict_id"));
  wd_form_dialog_set_value (form, "starts_at", same_day);
  wd_form_dialog_set_value (form, "venue", "另一个地方");
  wd_form_dialog_set_value (form, "requester", "另一个单位");
  g_assert_null (wd_form_dialog_get_warning (form));

  wd_form_dialog_set_value (form, "requester", json_object_get_string_member (first, "requester"));
  g_assert_nonnull (wd_form_dialog_get_warning (form));
  g_assert_nonnull (strstr (wd_form_dialog_get_warning (form), json_object_get_string_member (first, "number")));
  g_assert_nonnull (strstr (wd_form_dialog_get_warning (form), "same request"));

  /* Another day, or only the venue the same. */
  wd_form_dialog_set_value (form, "starts_at", next_day);
  g_assert_null (wd_form_dialog_get_warning (form));
  wd_form_dialog_set_value (form, "starts_at", same_day);
  wd_form_dialog_set_value (form, "requester", "另一个单位");
  g_assert_null (wd_form_dialog_get_warning (form));
  wd_form_dialog_set_value (form, "venue", json_object_get_string_member (first, "venue"));
  g_assert_nonnull (wd_form_dialog_get_warning (form));
  gtk_window_destroy (GTK_WINDOW (form));

  /* The order itself, corrected, is not like itself. */
  form = wd_forms_order_action (GTK_WIDGET (fx->window), fx->workspace, first, WD_ORDER_ACTION_EDIT);
  g_assert_null (wd_form_dialog_get_warning (form));
  gtk_window_destroy (GTK_WINDOW (form));
}

/* The same volunteer entered twice: the speaker form names who already
 * has the name typed, and not the speaker being edited itself. */
static void
test_speaker_form_warns_of_namesake (WdUiFixture   *fx,
                                     gconstpointer  data)
{
  WdStore *store = wd_workspace_get_store (fx->workspace);
  g_autoptr(JsonObject) speaker = wd_store_get (store, "speaker", "speaker-0001", NULL);
  const char *name;
  WdFormDialog *form;

  g_assert_nonnull (speaker);
  name = json_object_get_string_member (speaker, "name");

  form = wd_forms_edit_speaker (GTK_WIDGET (fx->window), fx->workspace, NULL);
  g_assert_null (wd_form_dialog_get_warning (form));
  g_assert_true (wd_form_dialog_set_value (form, "name", name));
  g_assert_nonnull (wd_form_dialog_get_warning (form));
  g_assert_nonnull (strstr (wd_form_dialog_get_warning (form), name));
  g_assert_nonnull (strstr (wd_form_dialog_get_warning (form), json_object_get_string_member (speaker, "title")));
  g_assert_true (wd_form_dialog_set_value (form, "name", "一个新名字"));
  g_assert_null (wd_form_dialog_get_warning (form));
  gtk_window_destroy (GTK_WINDOW (form));

  /* Editing the speaker: a warning only for a namesake of its own. */
  {
    g_autoptr(JsonArray) others = wd_store_list_speakers_named (store, name, "speaker-0001", NULL);

    g_assert_nonnull (others);
    form = wd_forms_edit_speaker (GTK_WIDGET (fx->window), fx->workspace, speaker);
    g_assert_true ((wd_form_dialog_get_warning (form) == NULL) == (json_array_get_length (others) == 0));
    gtk_window_destroy (GTK_WINDOW (form));
  }
}

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  char **text = data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
text_read (gpointer data)
{
  return *(char **) data != NULL;
}

/* Chasing an acceptance: the order page copies the message for the team,
 * to paste into the chat it uses. */
static void
test_order_message_copied (WdUiFixture   *fx,
                           gconstpointer  data)
{
  WdStore *store = wd_workspace_get_store (fx->workspace);
  WdOrderFilter dispatched = { .state = "dispatched" };
  g_autoptr(JsonArray) rows = wd_store_list_orders (store, &dispatched, NULL, 1, NULL, NULL);
  const char *order_id;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *copied = NULL;
  GtkWindow *page;

  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  order_id = json_object_get_string_member (json_array_get_object_element (rows, 0), "id");
  order = wd_store_get (store, "order", order_id, NULL);
  expected = wd_order_team_message (store, order);

  page = wd_window_show_order (fx->window, order_id);
  wd_ui_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sheet.copy-message", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL, on_clipboard_read, &copied);
  wd_ui_wait (text_read, &copied, "the clipboard");
  g_assert_cmpstr (copied, ==, expected);
  g_assert_nonnull (strstr (copied, json_object_get_string_member (order, "number")));
  g_assert_nonnull (strstr (copied, "Please accept"));
  gtk_window_destroy (page);
}

static gboolean
row_subtitle_has (GtkWidget     *widget,
                  gconstpointer  text)
{
  const char *subtitle = ADW_IS_ACTION_ROW (widget) ? adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) : NULL;

  return subtitle != NULL && strstr (subtitle, text) != NULL;
}

/* An order's history says who acted as the directory of accounts names
 * them (the demo district's store holds one, as a synced store does):
 * the centre's clerk as the guidance centre, never the bare account. */
static void
test_history_names_accounts (WdUiFixture   *fx,
                             gconstpointer  data)
{
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  GListModel *dispatched = G_LIST_MODEL (wd_board_view_get_column_model (board, WD_ORDER_DISPATCHED));
  g_autoptr(WdRow) first = NULL;
  GtkWindow *page;

  wd_ui_wait_models (fx);
  first = g_list_model_get_item (dispatched, 0);
  page = wd_window_show_order (fx->window, wd_row_get_id (first));
  wd_ui_settle ();
  g_assert_nonnull (wd_ui_find_widget (GTK_WIDGET (page), row_subtitle_has, "Guidance centre (centre-zhang)"));
  g_assert_null (wd_ui_find_widget (GTK_WIDGET (page), row_subtitle_has, "· centre-zhang"));
  gtk_window_destroy (page);
}

static gboolean
is_labelled (gpointer widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* A dispatched card counts down to its acceptance deadline as the clock
 * moves, and turns overdue past it. */
static void
test_board_deadlines_count_down (WdUiFixture   *fx,
                                 gconstpointer  data)
{
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  GListModel *dispatched = G_LIST_MODEL (wd_board_view_get_column_model (board, WD_ORDER_DISPATCHED));
  g_autoptr(WdRow) first = NULL;
  g_autofree char *ahead = NULL;
  g_autofree char *overdue = NULL;
  GtkWidget *card;
  gint64 deadline;

  g_assert_cmpuint (g_list_model_get_n_items (dispatched), >, 0);
  first = g_list_model_get_item (dispatched, 0);
  deadline = wd_row_get_int (first, "accept_deadline");
  g_assert_cmpint (deadline, >, 0);

  wd_workspace_set_clock (fx->workspace, deadline - 20 * 3600);
  wd_board_view_refresh_deadlines (board);
  wd_ui_settle ();
  card = find_card (GTK_WIDGET (board), wd_row_get_id (first));
  g_assert_nonnull (card);
  ahead = deadline_text (card);
  g_assert_nonnull (ahead);
  /* Its menu button tells a screen reader whose actions it holds, once
   * the main loop is idle. */
  {
    g_autofree char *label = g_strdup_printf ("Actions for %s · %s", wd_row_get_string (first, "number"),
                                              wd_row_get_string (first, "title"));
    GtkWidget *menu = wd_order_card_get_menu_button (WD_ORDER_CARD (card));
    GtkWidget *popover;

    g_assert_true (GTK_IS_BUTTON (menu));
    wd_ui_wait (is_labelled, menu, "the card's menu button to be named");
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (menu), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
    /* It opens the order's menu, over the card. */
    g_signal_emit_by_name (menu, "clicked");
    wd_ui_settle ();
    popover = gtk_widget_get_last_child (menu);
    g_assert_true (GTK_IS_POPOVER_MENU (popover));
    g_assert_true (gtk_widget_get_mapped (popover));
    gtk_popover_popdown (GTK_POPOVER (popover));
    wd_ui_settle ();
    g_assert_false (GTK_IS_POPOVER_MENU (gtk_widget_get_last_child (menu)));
  }
  g_assert_false (gtk_widget_has_css_class (card, "overdue"));
  g_assert_false (gtk_widget_has_css_class (card, "soon"));

  wd_workspace_set_clock (fx->workspace, deadline - 3600);
  wd_board_view_refresh_deadlines (board);
  g_assert_true (gtk_widget_has_css_class (card, "soon"));

  wd_workspace_set_clock (fx->workspace, deadline + 2 * 3600);
  wd_board_view_refresh_deadlines (board);
  overdue = deadline_text (card);
  g_assert_cmpstr (overdue, !=, ahead);
  g_assert_true (gtk_widget_has_css_class (card, "overdue"));
  g_assert_false (gtk_widget_has_css_class (card, "soon"));
  /* The same card, not one bound anew from a reread list. */
  g_assert_true (find_card (GTK_WIDGET (board), wd_row_get_id (first)) == card);
}

/* Dragging a card to the next column runs that step; other moves are
 * refused and change nothing. */
static void
test_board_drag_and_drop (WdUiFixture   *fx,
                          gconstpointer  data)
{
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  GListModel *ordered = G_LIST_MODEL (wd_board_view_get_column_model (board, WD_ORDER_ORDERED));
  g_autoptr(GObject) first = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) after = NULL;
  guint i;

  /* An order whose event is still ahead can be dispatched. */
  for (i = 0; i < g_list_model_get_n_items (ordered); i++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (ordered, i);
      g_autoptr(JsonObject) o = order (fx, wd_row_get_id ((WdRow *) row));

      if (json_object_get_int_member (o, "starts_at") > fx->now + 86400)
        {
          id = g_strdup (wd_row_get_id ((WdRow *) row));
          break;
        }
    }
  g_assert_nonnull (id);

  g_assert_false (wd_board_view_drop (board, id, WD_ORDER_RATED));
  after = order (fx, id);
  g_assert_cmpstr (json_object_get_string_member (after, "state"), ==, "ordered");
  g_assert_null (wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG));

  g_assert_true (wd_board_view_drop (board, id, WD_ORDER_DISPATCHED));
  wd_ui_settle ();
  g_assert_nonnull (wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG));
  gtk_window_destroy (wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG));
  wd_ui_settle ();

  /* The card menu's entries run the same steps. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.act", "(ss)", id, "dispatch"));
  wd_ui_settle ();
  g_assert_nonnull (wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG));
}

typedef struct
{
  WdRowModel *model;
  guint       expected;
} CountWait;

static gboolean
model_has (gpointer data)
{
  CountWait *wait = data;

  return !wd_row_model_get_loading (wait->model)
      && g_list_model_get_n_items (G_LIST_MODEL (wait->model)) == wait->expected;
}

static void
collect_title_lines (GtkWidget *widget,
                     GPtrArray *texts)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_INSCRIPTION (child) && gtk_widget_get_mapped (child) && gtk_widget_has_css_class (child, "title-line"))
        g_ptr_array_add (texts, g_strdup (gtk_inscription_get_text (GTK_INSCRIPTION (child))));
      else if (WD_IS_ORDER_CARD (child) && gtk_widget_get_mapped (child))
        g_ptr_array_add (texts, g_strdup (wd_order_card_get_line (WD_ORDER_CARD (child), WD_ORDER_CARD_TITLE)));
      else
        collect_title_lines (child, texts);
    }
}

/* The rows on screen show speakers among keys, and there are some. */
static void
assert_rows_show (GtkWidget *view,
                  WdStore   *store,
                  GArray    *keys)
{
  g_autoptr(JsonArray) rows = wd_store_get_rows (store, "speaker", (const gint64 *) keys->data, keys->len, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  wd_ui_settle ();
  collect_title_lines (view, texts);
  g_assert_cmpuint (texts->len, >, 0);
  g_assert_cmpuint (texts->len, <=, keys->len);
  for (guint t = 0; t < texts->len; t++)
    {
      gboolean found = FALSE;

      for (guint r = 0; r < json_array_get_length (rows) && !found; r++)
        found = g_str_has_prefix (texts->pdata[t],
                                  json_object_get_string_member (json_array_get_object_element (rows, r), "name"));
      if (!found)
        g_error ("a row shows “%s”, which the search did not find", (char *) texts->pdata[t]);
    }
  /* The list is at its top: the first row shows the first found. */
  g_assert_true (g_str_has_prefix (texts->pdata[0],
                                   json_object_get_string_member (json_array_get_object_element (rows, 0), "name")));
}

/* Whether a list widget's model is model, as wd_list_attach_on_map
 * gives it: inside a GtkNoSelection. */
static gboolean
shows_model (gpointer      shown,
             gconstpointer model)
{
  return GTK_IS_NO_SELECTION (shown) && gtk_no_selection_get_model (GTK_NO_SELECTION (shown)) == model;
}

static gboolean
is_grid_of (GtkWidget     *widget,
            gconstpointer  model)
{
  return GTK_IS_GRID_VIEW (widget) && shows_model (gtk_grid_view_get_model (GTK_GRID_VIEW (widget)), model);
}

/* Ctrl+F puts the cursor in the view's search; typing narrows the list
 * to what the search index finds. */
static void
test_search_as_you_type (WdUiFixture   *fx,
                         gconstpointer  data)
{
  WdSpeakerView *view = WD_SPEAKER_VIEW (wd_window_get_view_widget (fx->window, "speakers"));
  WdSpeakerFilter none = { 0 };
  g_autoptr(GArray) expected = wd_store_speaker_keys (store_of (fx), &none, "党史", NULL);
  CountWait wait = { wd_speaker_view_get_model (view), expected->len };
  GtkWidget *focus;

  g_assert_cmpuint (expected->len, >, 0);
  g_assert_cmpuint (expected->len, <, 130);
  wd_ui_show_view (fx, "speakers");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.search", NULL));
  wd_ui_settle ();
  focus = gtk_root_get_focus (GTK_ROOT (fx->window));
  g_assert_nonnull (focus);
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_true (GTK_IS_SEARCH_ENTRY (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)));

  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)), "党史");
  wd_ui_wait (model_has, &wait, "the search results");
  assert_rows_show (GTK_WIDGET (view), store_of (fx), expected);

  /* Rows are reused for other speakers as the results change: what
   * they show follows. */
  {
    static const char * const queries[] = { "", "心理", "党史" };

    for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
      {
        g_autoptr(GArray) found = wd_store_speaker_keys (store_of (fx), &none, queries[q], NULL);

        wait.expected = found->len;
        gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)), queries[q]);
        wd_ui_wait (model_has, &wait, "the search results");
        assert_rows_show (GTK_WIDGET (view), store_of (fx), found);
        /* Scrolled down a few rows, the next search still shows its
         * results from the first. */
        if (*queries[q] == '\0')
          {
            GtkWidget *grid = wd_ui_find_widget (GTK_WIDGET (view), is_grid_of, wd_speaker_view_get_model (view));
            GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));

            gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 5 / found->len);
            wd_ui_settle ();
            g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
          }
      }
  }
}

static gboolean
is_column_of (GtkWidget     *widget,
              gconstpointer  model)
{
  return WD_IS_CARD_COLUMN (widget) && shows_model (wd_card_column_get_model (WD_CARD_COLUMN (widget)), model);
}

/* Each column's cards show, from its top, the orders its list holds. */
static void
assert_columns_show_their_lists (WdUiFixture *fx,
                                 WdBoardView *board)
{
  wd_ui_settle ();
  for (WdOrderState s = WD_ORDER_ORDERED; s <= WD_ORDER_RATED; s++)
    {
      WdRowModel *model = wd_board_view_get_column_model (board, s);
      GtkWidget *column = wd_ui_find_widget (GTK_WIDGET (board), is_column_of, model);
      g_autoptr(GArray) keys = wd_row_model_dup_keys (model);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonArray) rows = NULL;

      g_assert_nonnull (column);
      collect_title_lines (column, texts);
      g_assert_cmpuint (texts->len, <=, keys->len);
      g_assert_true (keys->len == 0 || texts->len > 0);
      rows = wd_store_get_rows (store_of (fx), "order", (const gint64 *) keys->data, texts->len, NULL);
      g_assert_cmpuint (json_array_get_length (rows), ==, texts->len);
      for (guint i = 0; i < texts->len; i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          g_autofree char *expected = g_strdup_printf ("%s · %s", json_object_get_string_member (row, "number"),
                                                       json_object_get_string_member (row, "title"));

          g_assert_cmpstr (texts->pdata[i], ==, expected);
        }
    }
}

/* As a search narrows and widens the board, the cards on screen are
 * kept and given other orders: each shows the order its list holds there. */
static void
test_board_search_shows_what_it_found (WdUiFixture   *fx,
                                       gconstpointer  data)
{
  static const char * const queries[] = { "社区", "王", "党史", "", "5678", "宣讲", "" };
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  GtkWidget *entry;

  wd_ui_show_view (fx, "board");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.search", NULL));
  wd_ui_settle ();
  entry = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  assert_columns_show_their_lists (fx, board);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), queries[q]);
      wd_ui_wait_models (fx);
      assert_columns_show_their_lists (fx, board);
    }
}

/* Shows the board, and returns its column with the most orders. */
static WdCardColumn *
show_longest_column (WdUiFixture *fx)
{
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  WdCardColumn *longest = NULL;
  guint most = 0;

  wd_ui_show_view (fx, "board");
  wd_ui_wait_models (fx);

  for (WdOrderState s = WD_ORDER_ORDERED; s <= WD_ORDER_RATED; s++)
    {
      WdRowModel *model = wd_board_view_get_column_model (board, s);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

      if (n > most)
        {
          most = n;
          longest = WD_CARD_COLUMN (wd_ui_find_widget (GTK_WIDGET (board), is_column_of, model));
        }
    }
  g_assert_nonnull (longest);
  return longest;
}

/* The cards a column shows: each at least partly on screen, below the
 * one before, all of one height, with nothing spilling out, each showing
 * the order at its place in the list. Returns how many there are. */
static guint
assert_cards_on_screen (WdCardColumn *column)
{
  GListModel *model = wd_card_column_get_model (column);
  int height = gtk_widget_get_height (GTK_WIDGET (column));
  float bottom = -G_MAXFLOAT, card_height = -1;
  guint count = 0;

  wd_ui_settle ();
  for (GtkWidget *card = gtk_widget_get_first_child (GTK_WIDGET (column)); card; card = gtk_widget_get_next_sibling (card))
    {
      guint position = wd_card_column_get_position (column, card);
      g_autoptr(WdRow) row = NULL;
      g_autofree char *expected = NULL;
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (card))
        continue;
      count++;
      g_assert_cmpuint (position, <, g_list_model_get_n_items (model));
      g_assert_true (gtk_widget_compute_bounds (card, GTK_WIDGET (column), &bounds));
      g_assert_cmpfloat (bounds.origin.y, <, height);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, >, 0);
      g_assert_cmpfloat (bounds.origin.y, >=, bottom);
      bottom = bounds.origin.y + bounds.size.height;
      if (card_height < 0)
        card_height = bounds.size.height;
      g_assert_cmpfloat (bounds.size.height, ==, card_height);
      for (GtkWidget *part = gtk_widget_get_first_child (card); part; part = gtk_widget_get_next_sibling (part))
        {
          graphene_rect_t inside;

          if (gtk_widget_get_mapped (part) && gtk_widget_compute_bounds (part, card, &inside))
            g_assert_cmpfloat (inside.origin.y + inside.size.height, <=, bounds.size.height);
        }

      row = g_list_model_get_item (model, position);
      expected = g_strdup_printf ("%s · %s", wd_row_get_string (row, "number"), wd_row_get_string (row, "title"));
      g_assert_cmpstr (wd_order_card_get_line (WD_ORDER_CARD (card), WD_ORDER_CARD_TITLE), ==, expected);
      /* and the list keeps it while it is shown */
      g_assert_true (wd_row_is_bound (row));
    }
  return count;
}

/* A column has cards only for the orders on screen, wherever it is
 * scrolled to; the orders scrolled away are let go. */
static void
test_board_cards_only_on_screen (WdUiFixture   *fx,
                                 gconstpointer  data)
{
  WdCardColumn *column = show_longest_column (fx);
  GListModel *model;
  GtkAdjustment *adjustment;
  g_autoptr(WdRow) first = NULL;
  double bottom;
  guint n, shown;

  model = wd_card_column_get_model (column);
  n = g_list_model_get_n_items (model);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column));
  bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  g_assert_cmpfloat (bottom, >, 0);

  shown = assert_cards_on_screen (column);
  g_assert_cmpuint (shown, >, 1);
  g_assert_cmpuint (shown, <, n);
  g_assert_nonnull (wd_card_column_get_card (column, 0));
  first = g_list_model_get_item (model, 0);

  gtk_adjustment_set_value (adjustment, bottom / 2);
  g_assert_cmpuint (assert_cards_on_screen (column), <=, shown + 1);
  g_assert_null (wd_card_column_get_card (column, 0));
  g_assert_false (wd_row_is_bound (first));

  gtk_adjustment_set_value (adjustment, bottom);
  g_assert_cmpuint (assert_cards_on_screen (column), <=, shown + 1);
  g_assert_nonnull (wd_card_column_get_card (column, n - 1));
}

static gboolean
is_secondary_click (GtkEventController *controller)
{
  return GTK_IS_GESTURE_CLICK (controller)
      && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 gboolean (*match) (GtkEventController *controller))
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (match (controller))
        return controller;
    }
  return NULL;
}

/* The order the card at position shows. */
static WdRow *
card_row_of (WdCardColumn *column,
             guint         position)
{
  GtkWidget *card = wd_card_column_get_card (column, position);

  g_assert_nonnull (card);
  return g_object_get_data (G_OBJECT (card), "wd-row");
}

static guint
focused_position (WdUiFixture  *fx,
                  WdCardColumn *column)
{
  return wd_card_column_get_position (column, gtk_root_get_focus (GTK_ROOT (fx->window)));
}

/* The arrows, Page Down, Home and End move between a column's cards,
 * scrolling to them, and stop at the first; Left and Right go to the
 * columns beside; Tab leaves the column, and
 * coming back finds the card it left; Enter opens the order, and the Menu
 * key the card's menu; an order that leaves the column leaves the focus
 * on the card in its place. */
static void
test_board_keyboard (WdUiFixture   *fx,
                     gconstpointer  data)
{
  WdCardColumn *column = show_longest_column (fx);
  GListModel *model;
  GtkAdjustment *adjustment;
  GtkWindow *page;
  g_autoptr(WdRow) row = NULL;
  guint n, paged;

  model = wd_card_column_get_model (column);
  n = g_list_model_get_n_items (model);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column));

  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (column)));
  g_assert_cmpuint (focused_position (fx, column), ==, 0);
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Down));
  g_assert_cmpuint (focused_position (fx, column), ==, 1);
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Down));
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Up));
  g_assert_cmpuint (focused_position (fx, column), ==, 1);
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Up));
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Up));
  g_assert_cmpuint (focused_position (fx, column), ==, 0);

  /* Tab goes to the card's menu, then out of the column; coming back,
   * the card it left has the focus. */
  wd_ui_wait_active (GTK_WINDOW (fx->window));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (fx->window), GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fx->window))
                 == wd_order_card_get_menu_button (WD_ORDER_CARD (wd_card_column_get_card (column, 0))));
  wd_ui_wait_active (GTK_WINDOW (fx->window));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (fx->window), GTK_DIR_TAB_FORWARD));
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), GTK_WIDGET (column)));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (column)));
  g_assert_cmpuint (focused_position (fx, column), ==, 0);
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_End));
  g_assert_cmpuint (focused_position (fx, column), ==, n - 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==,
                     gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  assert_cards_on_screen (column);
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Home));
  g_assert_cmpuint (focused_position (fx, column), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Page_Down));
  paged = focused_position (fx, column);
  g_assert_cmpuint (paged, >, 1);
  g_assert_cmpuint (paged, <, n - 1);

  /* Right goes to the card beside it in the next column, on the same
   * line of the screen; Left comes back to the card it left. */
  {
    GtkWidget *left = wd_card_column_get_card (column, paged);
    GtkWidget *right, *beside;
    graphene_rect_t from, to;

    g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Right));
    right = gtk_root_get_focus (GTK_ROOT (fx->window));
    beside = gtk_widget_get_ancestor (right, WD_TYPE_CARD_COLUMN);
    g_assert_true (WD_IS_ORDER_CARD (right));
    g_assert_nonnull (beside);
    g_assert_true (beside != GTK_WIDGET (column));
    g_assert_true (gtk_widget_compute_bounds (left, GTK_WIDGET (fx->window), &from));
    g_assert_true (gtk_widget_compute_bounds (right, GTK_WIDGET (fx->window), &to));
    g_assert_cmpfloat (to.origin.x, >, from.origin.x);
    g_assert_cmpfloat (to.origin.y, <=, from.origin.y + from.size.height / 2);
    g_assert_cmpfloat (to.origin.y + to.size.height, >=, from.origin.y + from.size.height / 2);
    g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Left));
    g_assert_cmpuint (focused_position (fx, column), ==, paged);
  }

  g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Return));
  page = wd_ui_find_window (WD_TYPE_ORDER_WINDOW);
  g_assert_nonnull (page);
  row = g_list_model_get_item (model, paged);
  g_assert_cmpstr (gtk_window_get_title (page), ==, wd_row_get_string (row, "title"));
  gtk_window_destroy (page);

  /* The Menu key opens the card's menu. */
  {
    GtkWidget *menu = wd_order_card_get_menu_button (WD_ORDER_CARD (wd_card_column_get_card (column, paged)));

    g_assert_true (wd_ui_press_key (GTK_WINDOW (fx->window), GDK_KEY_Menu));
    g_assert_true (GTK_IS_POPOVER_MENU (gtk_widget_get_last_child (menu)));
    g_assert_true (gtk_widget_get_mapped (gtk_widget_get_last_child (menu)));
    gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_last_child (menu)));
    wd_ui_settle ();
    g_assert_false (GTK_IS_POPOVER_MENU (gtk_widget_get_last_child (menu)));
  }
  /* So does a right click, pointing where it was. */
  {
    GtkWidget *card = wd_card_column_get_card (column, paged);
    GtkWidget *menu = wd_order_card_get_menu_button (WD_ORDER_CARD (card));
    GtkGesture *secondary = GTK_GESTURE (find_controller (card, is_secondary_click));
    GdkRectangle pointing;
    double x, y;

    g_signal_emit_by_name (secondary, "pressed", 1, 20.0, 30.0);
    wd_ui_settle ();
    g_assert_true (GTK_IS_POPOVER_MENU (gtk_widget_get_last_child (menu)));
    g_assert_true (gtk_popover_get_pointing_to (GTK_POPOVER (gtk_widget_get_last_child (menu)), &pointing));
    g_assert_true (gtk_widget_translate_coordinates (card, menu, 20.0, 30.0, &x, &y));
    g_assert_cmpint (pointing.x, ==, (int) x);
    g_assert_cmpint (pointing.y, ==, (int) y);
    gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_last_child (menu)));
    wd_ui_settle ();
  }

  /* When its order leaves the column, the focus goes to the card in its
   * place, the next order's: with the window active, and with another
   * window in front (a dialog that changed the order). */
  for (guint in_front = 0; in_front < 2; in_front++)
    {
      WdRow *leaving = card_row_of (column, paged);
      g_autoptr(WdRow) next = g_list_model_get_item (model, paged + 1);
      g_autoptr(JsonObject) args = json_object_new ();
      g_autoptr(GError) error = NULL;
      GtkWindow *other = NULL;
      CountWait wait = { WD_ROW_MODEL (gtk_no_selection_get_model (GTK_NO_SELECTION (model))),
                         g_list_model_get_n_items (model) - 1 };

      g_assert_true (gtk_widget_grab_focus (wd_card_column_get_card (column, paged)));
      if (in_front)
        {
          other = GTK_WINDOW (gtk_window_new ());
          wd_ui_wait_active (other);
          g_assert_false (gtk_window_is_active (GTK_WINDOW (fx->window)));
        }
      json_object_set_string_member (args, "order_id", wd_row_get_id (leaving));
      json_object_set_string_member (args, "reason", "活动取消");
      g_assert_true (wd_workspace_apply (fx->workspace, "order.cancel", args, NULL, &error));
      g_assert_no_error (error);
      wd_ui_wait (model_has, &wait, "the cancelled order to leave its column");
      wd_ui_settle ();
      g_assert_cmpuint (focused_position (fx, column), ==, paged);
      g_assert_true (gtk_widget_get_mapped (gtk_root_get_focus (GTK_ROOT (fx->window))));
      g_assert_cmpstr (wd_row_get_id (card_row_of (column, paged)), ==, wd_row_get_id (next));
      g_clear_pointer (&other, gtk_window_destroy);
    }
}

static gboolean
callbacks_loaded (gpointer data)
{
  return !wd_callback_view_get_loading (data);
}

/* A list whose view is hidden reads the store again when it is next
 * shown, not at every change made meanwhile. */
static void
test_hidden_lists_wait (WdUiFixture   *fx,
                        gconstpointer  data)
{
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  WdRowModel *ordered = wd_board_view_get_column_model (board, WD_ORDER_ORDERED);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (ordered));
  CountWait wait = { ordered, before + 1 };
  g_autofree char *id = NULL;

  wd_window_set_view (fx->window, "speakers");
  wd_ui_settle ();
  id = create_order_at (fx, "垃圾分类宣讲", "2026-12-20 09:00", "2026-12-20 10:30");
  wd_ui_settle ();
  g_assert_false (wd_row_model_get_loading (ordered));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ordered)), ==, before);

  wd_window_set_view (fx->window, "board");
  wd_ui_wait (model_has, &wait, "the board to show the new order");
}

/* The callbacks queue shrinks by the order phoned. */
static void
test_callback_recorded (WdUiFixture   *fx,
                        gconstpointer  data)
{
  WdCallbackView *view = WD_CALLBACK_VIEW (wd_window_get_view_widget (fx->window, "callbacks"));
  g_autoptr(JsonArray) queue = NULL;
  g_autoptr(JsonArray) called = NULL;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first_id = NULL;
  const char *kind;
  GtkWidget *button;
  GtkWidget *grid;
  guint before;
  WdFormDialog *form;

  /* The sample is chosen by the orders' ids, which the demo draws anew
   * each time: phone every delivery back, so the queue is never short. */
  {
    g_autoptr(JsonObject) args = json_object_new ();
    g_autoptr(GError) error = NULL;

    json_object_set_int_member (args, "callback_rate_percent", 100);
    g_assert_true (wd_workspace_apply (fx->workspace, "settings.set", args, NULL, &error));
    g_assert_no_error (error);
  }
  wd_window_set_view (fx->window, "callbacks");
  wd_ui_settle ();
  wd_ui_wait (callbacks_loaded, view, "the callbacks queue");
  before = wd_callback_view_get_n_waiting (view);
  g_assert_cmpuint (before, >, 1);
  wait_for_callbacks_badge (fx, before);
  queue = wd_view_list_rows (WD_VIEW (view), &kind);
  first_id = g_strdup (json_object_get_string_member (json_array_get_object_element (queue, 0), "id"));

  /* The rows on screen are the queue's, in its order. */
  collect_title_lines (GTK_WIDGET (view), titles);
  g_assert_cmpuint (titles->len, >, 1);
  for (guint i = 0; i < titles->len; i++)
    g_assert_cmpstr (titles->pdata[i], ==,
                     json_object_get_string_member (json_array_get_object_element (queue, i), "title"));

  /* The first row's Call button phones the first order. */
  button = find_widget (GTK_WIDGET (view), is_call_button, NULL);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  wd_ui_settle ();
  form = WD_FORM_DIALOG (wd_ui_find_window (WD_TYPE_FORM_DIALOG));
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "order.callback");
  g_assert_true (wd_form_dialog_set_value (form, "outcome", "satisfied"));
  g_assert_true (wd_form_dialog_set_value (form, "satisfaction", "5"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (callbacks_loaded, view, "the callbacks queue");
  g_assert_cmpuint (wd_callback_view_get_n_waiting (view), ==, before - 1);
  wait_for_callbacks_badge (fx, before - 1);
  called = wd_store_get_callbacks (store_of (fx), first_id, NULL);
  g_assert_cmpuint (json_array_get_length (called), ==, 1);

  /* Activating a row calls its order too. */
  grid = find_widget (GTK_WIDGET (view), is_of_type, GSIZE_TO_POINTER (GTK_TYPE_GRID_VIEW));
  g_signal_emit_by_name (grid, "activate", 0);
  wd_ui_settle ();
  form = WD_FORM_DIALOG (wd_ui_find_window (WD_TYPE_FORM_DIALOG));
  g_assert_nonnull (form);
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "order.callback");
  gtk_window_destroy (GTK_WINDOW (form));
}

/* The centre adds a speaker to the library from the speakers view. */
static void
test_speaker_added (WdUiFixture   *fx,
                    gconstpointer  data)
{
  WdSpeakerView *view = WD_SPEAKER_VIEW (wd_window_get_view_widget (fx->window, "speakers"));
  WdSpeakerFilter none = { 0 };
  g_autoptr(GArray) before = wd_store_speaker_keys (store_of (fx), &none, NULL, NULL);
  g_autoptr(GArray) found = NULL;
  CountWait wait = { NULL, 0 };
  WdFormDialog *form;
  g_autoptr(JsonArray) rows = NULL;
  JsonObject *speaker;
  GtkWindow *page;

  wd_ui_show_view (fx, "speakers");
  wait.model = wd_speaker_view_get_model (view);
  wait.expected = before->len + 1;
  form = open_form (GTK_WIDGET (view), "speakers.add");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "speaker.upsert");
  wd_form_dialog_set_value (form, "name", "欧阳明");
  wd_form_dialog_set_value (form, "title", "退休法官");
  wd_form_dialog_set_value (form, "subdistrict_id", "qianfoshan");
  wd_form_dialog_set_value (form, "phone", "13800001111");

  /* A speaker needs a topic: the form says so on that field. */
  g_assert_false (wd_form_dialog_apply (form));
  g_assert_cmpstr (wd_form_dialog_get_error_field (form), ==, "topics");
  wd_form_dialog_set_value (form, "topics", "law,policy");
  /* A retired judge, free on weekday mornings. */
  g_assert_true (wd_form_dialog_set_value (form, "free_days", "mon,tue,wed,thu,fri"));
  g_assert_true (wd_form_dialog_set_value (form, "free_times", "morning"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (model_has, &wait, "the new speaker in the library");

  found = wd_store_speaker_keys (store_of (fx), &none, "欧阳明", NULL);
  g_assert_cmpuint (found->len, ==, 1);
  rows = wd_store_get_rows (store_of (fx), "speaker", (gint64 *) found->data, 1, NULL);
  speaker = json_array_get_object_element (rows, 0);
  g_assert_cmpint (json_object_get_int_member (speaker, "free_days"), ==, 0x1f);
  g_assert_cmpint (json_object_get_int_member (speaker, "free_times"), ==, 1);

  /* Its page says so. */
  page = wd_window_show_speaker (fx->window, json_object_get_string_member (speaker, "id"));
  wd_ui_settle ();
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_subtitled, "Monday–Friday · morning"));
}

static gboolean
message_dialog_shown (gpointer data)
{
  return wd_ui_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* A change made while the rewards view is hidden shows when it is shown
 * again, and is not built before (its rows are not cheap to build). */
static void
test_rewards_follow_changes (WdUiFixture   *fx,
                             gconstpointer  data)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, "rewards");
  g_autoptr(JsonArray) funds = wd_store_list_funds (store_of (fx), NULL);
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) hidden = NULL;
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *kind;

  wd_window_set_view (fx->window, "rewards");
  wd_ui_settle ();
  before = wd_view_list_rows (WD_VIEW (view), &kind);
  g_assert_nonnull (before);
  wd_window_set_view (fx->window, "board");
  wd_ui_settle ();

  json_object_set_string_member (args, "fund_id",
                                 json_object_get_string_member (json_array_get_object_element (funds, 0), "id"));
  json_object_set_int_member (args, "amount_cents", 120000);
  json_object_set_string_member (args, "reference", "社会捐赠");
  g_assert_true (wd_workspace_apply (fx->workspace, "fund.deposit", args, &result, &error));
  g_assert_no_error (error);
  wd_ui_settle ();
  hidden = wd_view_list_rows (WD_VIEW (view), &kind);
  g_assert_cmpuint (json_array_get_length (hidden), ==, json_array_get_length (before));

  wd_window_set_view (fx->window, "rewards");
  wd_ui_settle ();
  after = wd_view_list_rows (WD_VIEW (view), &kind);
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (before) + 1);
}

static guint
count_of_type (GtkWidget *widget,
               GType      type)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += (G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? 1 : 0) + count_of_type (child, type);
  return n;
}

/* Expanding a reward period lists whom it pays, one row per line. */
static void
test_reward_period_lines (WdUiFixture   *fx,
                          gconstpointer  data)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, "rewards");
  g_autoptr(JsonArray) periods = wd_store_list_reward_periods (store_of (fx), NULL);
  g_autoptr(JsonObject) period = NULL;
  GtkWidget *row;
  guint before;

  g_assert_cmpuint (json_array_get_length (periods), >, 0);
  period = wd_store_get_reward_period (store_of (fx),
                                       json_object_get_string_member (json_array_get_object_element (periods, 0), "id"),
                                       NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (period, "lines")), >, 0);

  wd_window_set_view (fx->window, "rewards");
  wd_ui_settle ();
  row = find_widget (view, is_of_type, GSIZE_TO_POINTER (ADW_TYPE_EXPANDER_ROW));
  g_assert_nonnull (row);
  before = count_of_type (row, ADW_TYPE_ACTION_ROW);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  wd_ui_settle ();
  g_assert_cmpuint (count_of_type (row, ADW_TYPE_ACTION_ROW) - before, ==,
                    json_array_get_length (json_object_get_array_member (period, "lines")));
  /* Collapsing and expanding again adds nothing twice. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  wd_ui_settle ();
  g_assert_cmpuint (count_of_type (row, ADW_TYPE_ACTION_ROW) - before, ==,
                    json_array_get_length (json_object_get_array_member (period, "lines")));
}

/* 奖单: money in, a proposal by the rules, and no approving one's own. */
static void
test_rewards_four_eyes (WdUiFixture   *fx,
                        gconstpointer  data)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, "rewards");
  g_autoptr(JsonArray) funds = wd_store_list_funds (store_of (fx), NULL);
  g_autoptr(JsonArray) before = wd_store_list_reward_periods (store_of (fx), NULL);
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(JsonArray) still = NULL;
  g_autoptr(JsonArray) funds_after = NULL;
  gint64 balance = json_object_get_int_member (json_array_get_object_element (funds, 0), "balance_cents");
  JsonObject *proposal;
  WdFormDialog *form;
  AdwMessageDialog *confirm;

  wd_window_set_view (fx->window, "rewards");
  wd_ui_settle ();
  form = open_form (view, "rewards.deposit");
  wd_form_dialog_set_value (form, "amount_cents", "5000000");
  wd_form_dialog_set_value (form, "reference", "区财政拨款");
  g_assert_true (wd_form_dialog_apply (form));
  funds_after = wd_store_list_funds (store_of (fx), NULL);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (funds_after, 0), "balance_cents"), ==,
                   balance + 5000000);

  form = open_form (view, "rewards.propose");
  g_assert_true (wd_form_dialog_set_value (form, "from", "2026-11-01"));
  g_assert_true (wd_form_dialog_set_value (form, "to", "2026-11-30"));
  g_assert_true (wd_form_dialog_apply (form));
  after = wd_store_list_reward_periods (store_of (fx), NULL);
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (before) + 1);
  proposal = json_array_get_object_element (after, 0);
  g_assert_cmpstr (json_object_get_string_member (proposal, "state"), ==, "proposed");

  /* The proposer confirms approval; the rulebook refuses, and says why. */
  g_assert_true (gtk_widget_activate_action (view, "rewards.approve", "s",
                                             json_object_get_string_member (proposal, "id")));
  wd_ui_settle ();
  confirm = ADW_MESSAGE_DIALOG (wd_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  adw_message_dialog_response (confirm, "approve");
  gtk_window_destroy (GTK_WINDOW (confirm));
  wd_ui_wait (message_dialog_shown, NULL, "the refusal");
  still = wd_store_list_reward_periods (store_of (fx), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (still, 0), "state"), ==, "proposed");
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* An order of the period that earns a reward, as the proposal judged it. */
static char *
eligible_order_of (WdUiFixture *fx,
                   const char  *period_id)
{
  sqlite3_stmt *stmt = NULL;
  char *id = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (wd_store_get_db (store_of (fx)),
                                       "SELECT order_id FROM reward_orders WHERE period_id = ? AND eligible"
                                       " LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, period_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return id;
}

/* A complaint phoned in after a period was proposed: the period says it
 * changed, and Approve is not offered, before anyone tries; proposed
 * again, it is offered again. */
static void
test_reward_proposal_changed_since (WdUiFixture   *fx,
                                    gconstpointer  data)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, "rewards");
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonObject) complaint = json_object_new ();
  g_autoptr(JsonArray) funds = wd_store_list_funds (store_of (fx), NULL);
  g_autoptr(JsonArray) periods = NULL;
  g_autoptr(JsonArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *order_id = NULL;
  GtkWidget *approve;
  const char *period_id;

  json_object_set_string_member (args, "name", "十一月");
  json_object_set_string_member (args, "from", "2026-11-01");
  json_object_set_string_member (args, "to", "2026-11-30");
  json_object_set_string_member (args, "fund_id",
                                 json_object_get_string_member (json_array_get_object_element (funds, 0), "id"));
  g_assert_true (wd_workspace_apply (fx->workspace, "reward.propose", args, NULL, &error));
  g_assert_no_error (error);
  periods = wd_store_list_reward_periods (store_of (fx), NULL);
  period_id = json_object_get_string_member (json_array_get_object_element (periods, 0), "id");
  order_id = eligible_order_of (fx, period_id);
  g_assert_nonnull (order_id);

  wd_ui_show_view (fx, "rewards");
  approve = find_widget (view, is_button_labelled, "_Approve…");
  g_assert_nonnull (approve);
  g_assert_true (gtk_widget_is_sensitive (approve));
  g_assert_null (find_widget (view, is_row_titled, "Propose it again"));

  json_object_set_string_member (complaint, "order_id", order_id);
  json_object_set_string_member (complaint, "outcome", "complaint");
  json_object_set_int_member (complaint, "satisfaction", 1);
  g_assert_true (wd_workspace_apply (fx->workspace, "order.callback", complaint, NULL, &error));
  g_assert_no_error (error);
  wd_ui_settle ();
  g_assert_nonnull (find_widget (view, is_row_titled, "Propose it again"));
  approve = find_widget (view, is_button_labelled, "_Approve…");
  g_assert_false (gtk_widget_is_sensitive (approve));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (approve), "complaint"));
  /* The order's page says its hours were not credited. */
  {
    GtkWindow *page = GTK_WINDOW (wd_window_show_order (fx->window, order_id));
    GtkWidget *hours;

    wd_ui_settle ();
    hours = find_widget (GTK_WIDGET (page), is_row_titled, "Service hours");
    g_assert_nonnull (hours);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (hours)), "0.0 credited after a complaint"));
    gtk_window_destroy (page);
  }

  g_assert_true (gtk_widget_activate_action (view, "rewards.withdraw", "s", period_id));
  wd_ui_settle ();
  g_assert_true (wd_workspace_apply (fx->workspace, "reward.propose", args, NULL, &error));
  g_assert_no_error (error);
  wd_ui_settle ();
  again = wd_store_list_reward_periods (store_of (fx), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (again, 0), "state"), ==,
                   "proposed");
  g_assert_null (find_widget (view, is_row_titled, "Propose it again"));
  approve = find_widget (view, is_button_labelled, "_Approve…");
  g_assert_true (gtk_widget_is_sensitive (approve));
}

static gboolean
is_named (GtkWidget     *widget,
          gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
is_label_starting (GtkWidget     *widget,
                   gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
      && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), text);
}

typedef struct
{
  WdUiFixture *fx;
  const char  *project_id;
} MarketWait;

/* The marketplace lists that project alone. */
static gboolean
market_shows_only (gpointer data)
{
  MarketWait *wait = data;
  WdMarketView *market = WD_MARKET_VIEW (wd_window_get_view_widget (wait->fx->window, "market"));
  GListModel *model = G_LIST_MODEL (wd_market_view_get_model (market));
  g_autoptr(WdRow) first = NULL;

  if (!wd_row_model_is_ready (WD_ROW_MODEL (model)) || g_list_model_get_n_items (model) != 1)
    return FALSE;
  first = g_list_model_get_item (model, 0);
  return g_strcmp0 (wd_row_get_string (first, "id"), wait->project_id) == 0;
}

/* The centre keeps the marketplace: it adds a project and edits one; the
 * sessions a month a project's team can give are shown against those
 * booked, the order form says when the month is full (and still takes
 * the order), and dispatching beyond the capacity is said in the dialog. */
static void
test_project_capacity (WdUiFixture   *fx,
                       gconstpointer  data)
{
  WdStore *store = store_of (fx);
  GTimeZone *tz = wd_store_get_time_zone (store);
  gint64 december = wd_time_month_start (fx->now, tz, 0);
  gint64 january = wd_time_month_start (fx->now, tz, 1);
  g_autoptr(JsonArray) projects = wd_store_list_all (store, "project", NULL);
  g_autoptr(JsonObject) edited = NULL;
  g_autofree char *booked_text = NULL;
  g_autofree char *order_id = NULL;
  JsonObject *project = NULL;
  const char *project_id;
  gint64 booked = 0;
  WdProjectWindow *page;
  WdFormDialog *form;
  WdDispatchDialog *dispatch;
  GtkWidget *row;

  for (guint i = 0; project == NULL && i < json_array_get_length (projects); i++)
    {
      JsonObject *p = json_array_get_object_element (projects, i);

      booked = wd_store_count_project_sessions (store, json_object_get_string_member (p, "id"), december, january,
                                                NULL, NULL);
      if (booked > 0)
        project = p;
    }
  g_assert_nonnull (project);
  project_id = json_object_get_string_member (project, "id");

  /* Edited to give exactly what December has booked. */
  page = wd_project_window_new (GTK_WINDOW (fx->window), fx->workspace, project_id);
  gtk_window_present (GTK_WINDOW (page));
  wd_ui_settle ();
  form = open_form (GTK_WIDGET (page), "project.edit");
  booked_text = g_strdup_printf ("%" G_GINT64_FORMAT, booked);
  g_assert_true (wd_form_dialog_set_value (form, "capacity_per_month", booked_text));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  edited = wd_store_get (store, "project", project_id, NULL);
  g_assert_cmpint (json_object_get_int_member (edited, "capacity_per_month"), ==, booked);
  g_assert_cmpstr (json_object_get_string_member (edited, "title"), ==, json_object_get_string_member (project, "title"));

  row = wd_ui_find_widget (GTK_WIDGET (page), is_named, "this-month");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Fully booked"));
  g_assert_true (gtk_widget_has_css_class (row, "warning"));

  /* The marketplace's card says so too. */
  wd_ui_show_view (fx, "market");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.search", NULL));
  wd_ui_settle ();
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)),
                                                                GTK_TYPE_SEARCH_ENTRY)),
                         json_object_get_string_member (project, "title"));
  {
    MarketWait wait = { fx, project_id };

    wd_ui_wait (market_shows_only, &wait, "the search for the project");
  }
  wd_ui_settle ();
  g_assert_nonnull (wd_ui_find_widget (wd_window_get_view_widget (fx->window, "market"), is_label_starting,
                                       "This month: Fully booked"));

  /* The order form says so, and the order is placed all the same. */
  form = open_form (GTK_WIDGET (page), "project.main");
  g_assert_nonnull (wd_form_dialog_get_warning (form));
  g_assert_nonnull (strstr (wd_form_dialog_get_warning (form), "Fully booked"));
  /* It follows the date entered: a month with room says nothing. */
  g_assert_true (wd_form_dialog_set_value (form, "starts_at", "2027-06-01 09:00"));
  g_assert_null (wd_form_dialog_get_warning (form));
  g_assert_true (wd_form_dialog_set_value (form, "starts_at", "2026-12-02 09:00"));
  g_assert_nonnull (wd_form_dialog_get_warning (form));
  wd_form_dialog_set_value (form, "title", "满额之后的点单");
  wd_form_dialog_set_value (form, "subdistrict_id", "qianfoshan");
  wd_form_dialog_set_value (form, "venue", "历阳社区党群服务中心");
  wd_form_dialog_set_value (form, "requester", "历阳社区居委会");
  wd_form_dialog_set_value (form, "contact_name", "刘洋");
  wd_form_dialog_set_value (form, "contact_phone", "13912340000");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  order_id = find_order_by_title (fx, "满额之后的点单", NULL);
  g_assert_nonnull (order_id);
  g_assert_cmpint (wd_store_count_project_sessions (store, project_id, december, january, NULL, NULL), ==, booked + 1);

  /* Editing it: the order does not count against itself. December,
   * without it, is full; June has room. */
  {
    g_autoptr(JsonObject) placed = wd_store_get (store, "order", order_id, NULL);
    g_autofree char *full = g_strdup_printf ("Fully booked (%d of %d)", (int) booked, (int) booked);

    form = wd_forms_order_action (GTK_WIDGET (fx->window), fx->workspace, placed, WD_ORDER_ACTION_EDIT);
    g_assert_nonnull (wd_form_dialog_get_warning (form));
    g_assert_nonnull (strstr (wd_form_dialog_get_warning (form), full));
    g_assert_true (wd_form_dialog_set_value (form, "starts_at", "2027-06-01 09:00"));
    g_assert_null (wd_form_dialog_get_warning (form));
    gtk_window_destroy (GTK_WINDOW (form));
  }

  dispatch = wd_dispatch_dialog_new (GTK_WIDGET (fx->window), fx->workspace, order_id);
  gtk_window_present (GTK_WINDOW (dispatch));
  wd_ui_wait (dispatch_ready, dispatch, "the candidates");
  g_assert_nonnull (wd_dispatch_dialog_get_capacity_warning (dispatch));
  g_assert_nonnull (strstr (wd_dispatch_dialog_get_capacity_warning (dispatch), "Over capacity"));
  gtk_window_destroy (GTK_WINDOW (dispatch));
  gtk_window_destroy (GTK_WINDOW (page));
  wd_ui_settle ();

  /* A new project from the marketplace. */
  wd_ui_show_view (fx, "market");
  form = open_form (wd_window_get_view_widget (fx->window, "market"), "market.add");
  wd_form_dialog_set_value (form, "title", "老年人智能手机课堂");
  wd_form_dialog_set_value (form, "category", "科学普及");
  wd_form_dialog_set_value (form, "team_id", json_object_get_string_member (project, "team_id"));
  wd_form_dialog_set_value (form, "venue_kinds", "community,school");
  wd_form_dialog_set_value (form, "description", "教老年人用手机挂号、付款、视频通话。");
  wd_form_dialog_set_value (form, "capacity_per_month", "6");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  {
    g_autoptr(JsonArray) now = wd_store_list_all (store, "project", NULL);
    gboolean found = FALSE;

    g_assert_cmpuint (json_array_get_length (now), ==, json_array_get_length (projects) + 1);
    for (guint i = 0; i < json_array_get_length (now); i++)
      {
        JsonObject *p = json_array_get_object_element (now, i);

        if (g_str_equal (json_object_get_string_member (p, "title"), "老年人智能手机课堂"))
          {
            g_autoptr(JsonObject) added = wd_store_get (store, "project", json_object_get_string_member (p, "id"), NULL);

            found = TRUE;
            g_assert_cmpint (json_object_get_int_member (added, "capacity_per_month"), ==, 6);
            g_assert_cmpuint (json_array_get_length (json_object_get_array_member (added, "venue_kinds")), ==, 2);
          }
      }
    g_assert_true (found);
  }
}

static gboolean
photo_stored (gpointer data)
{
  WdUiFixture *fx = data;
  g_autoptr(GBytes) photo = wd_store_get_speaker_photo (store_of (fx), g_object_get_data (G_OBJECT (fx->window),
                                                                                          "speaker-id"), NULL);

  return photo != NULL;
}

static gboolean
has_custom_image (GtkWidget     *widget,
                  gconstpointer  data)
{
  return ADW_IS_AVATAR (widget) && adw_avatar_get_custom_image (ADW_AVATAR (widget)) != NULL;
}

static gboolean
shows_a_photo (gpointer data)
{
  return wd_ui_find_widget (data, has_custom_image, NULL) != NULL;
}

static GdkPaintable *
profile_photo (WdSpeakerWindow *page)
{
  GtkWidget *avatar = wd_ui_find_widget (GTK_WIDGET (page), is_named, "photo");

  g_assert_nonnull (avatar);
  return adw_avatar_get_custom_image (ADW_AVATAR (avatar));
}

/* The centre gives a speaker a photo from a camera's picture: it is made
 * small, kept, and shown on the profile instead of the initials; removed,
 * the initials come back. */
static void
test_speaker_photo (WdUiFixture   *fx,
                    gconstpointer  data)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, "speakers");
  GListModel *library = G_LIST_MODEL (wd_speaker_view_get_model (WD_SPEAKER_VIEW (view)));
  g_autoptr(WdRow) first = NULL;
  const char *id;
  g_autofree char *dir = g_dir_make_tmp ("wudan-photo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "camera.jpg", NULL);
  g_autoptr(GdkPixbuf) picture = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1200, 900);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GdkPixbuf) small = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  WdSpeakerWindow *page;

  wd_ui_show_view (fx, "speakers");
  first = g_list_model_get_item (library, 0);
  id = wd_row_get_string (first, "id");
  g_assert_null (wd_ui_find_widget (view, has_custom_image, NULL));
  gdk_pixbuf_fill (picture, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save (picture, path, "jpeg", &error, NULL));
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (fx->window), "speaker-id", (gpointer) id);

  page = wd_speaker_window_new (GTK_WINDOW (fx->window), fx->workspace, id);
  gtk_window_present (GTK_WINDOW (page));
  wd_ui_settle ();
  g_assert_null (profile_photo (page));
  wd_speaker_window_set_photo_file (page, file);
  wd_ui_wait (photo_stored, fx, "the photo to be saved");
  wd_ui_settle ();
  g_assert_nonnull (profile_photo (page));

  stored = wd_store_get_speaker_photo (store_of (fx), id, NULL);
  stream = g_memory_input_stream_new_from_bytes (stored);
  small = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (small), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (small), ==, 192);
  g_assert_cmpuint (g_bytes_get_size (stored), <, 32 * 1024);
  /* The library's row shows it too, once its list has read the change
   * on the worker (longer than a settle on a busy machine). */
  wd_ui_wait (shows_a_photo, view, "the library's row to show the photo");

  /* What is not a picture is said, and changes nothing. */
  {
    g_autofree char *text_path = g_build_filename (dir, "notes.txt", NULL);
    g_autoptr(GFile) text = g_file_new_for_path (text_path);
    g_autoptr(GBytes) still = NULL;

    g_assert_true (g_file_set_contents (text_path, "不是图片", -1, NULL));
    wd_speaker_window_set_photo_file (page, text);
    for (int i = 0; i < 50; i++)
      {
        wd_ui_settle ();
        g_usleep (10000);
      }
    still = wd_store_get_speaker_photo (store_of (fx), id, NULL);
    g_assert_true (g_bytes_equal (still, stored));
    g_unlink (text_path);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "speaker.remove-photo", NULL));
  wd_ui_settle ();
  g_assert_null (wd_store_get_speaker_photo (store_of (fx), id, NULL));
  g_assert_null (profile_photo (page));

  gtk_window_destroy (GTK_WINDOW (page));
  g_unlink (path);
  g_rmdir (dir);
}

/* Dispatching shows the speakers' photos beside their names. */
static void
test_dispatch_shows_photos (WdUiFixture   *fx,
                            gconstpointer  data)
{
  g_autofree char *order_id = create_order_at (fx, "法治宣传讲座", "2026-12-09 09:00", "2026-12-09 11:00");
  g_autoptr(GPtrArray) candidates = wd_match_candidates (store_of (fx), order_id, fx->now, 40, NULL);
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;
  WdDispatchDialog *dialog;
  const char *speaker_id = NULL;

  for (guint i = 0; speaker_id == NULL && i < candidates->len; i++)
    if (((WdCandidate *) g_ptr_array_index (candidates, i))->kind == WD_ASSIGNEE_SPEAKER)
      speaker_id = ((WdCandidate *) g_ptr_array_index (candidates, i))->id;
  g_assert_nonnull (speaker_id);

  dialog = open_dispatch (fx, order_id);
  g_assert_null (wd_ui_find_widget (GTK_WIDGET (dialog), has_custom_image, NULL));
  gtk_window_destroy (GTK_WINDOW (dialog));

  json_object_set_string_member (args, "speaker_id", speaker_id);
  json_object_set_string_member (args, "photo", WD_TEST_PHOTO_PNG);
  g_assert_true (wd_workspace_apply (fx->workspace, "speaker.photo", args, NULL, &error));
  g_assert_no_error (error);
  dialog = open_dispatch (fx, order_id);
  g_assert_nonnull (wd_ui_find_widget (GTK_WIDGET (dialog), has_custom_image, NULL));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
is_certificate_group (GtkWidget     *widget,
                      gconstpointer  data)
{
  return WD_IS_CERTIFICATE_GROUP (widget);
}

/* The centre issues a speaker's service record certificate from the
 * profile: the form says what the period holds as the dates are typed,
 * the certificate is listed with its number and can be printed; revoked,
 * it says so and prints no more. */
static void
test_speaker_certificate (WdUiFixture   *fx,
                          gconstpointer  data)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, "speakers");
  GListModel *library = G_LIST_MODEL (wd_speaker_view_get_model (WD_SPEAKER_VIEW (view)));
  g_autoptr(JsonArray) certificates = NULL;
  g_autoptr(JsonObject) certificate = NULL;
  g_autofree char *title = NULL;
  g_autoptr(WdCertificateDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = NULL;
  const char *id = NULL;
  GtkWidget *group;
  WdSpeakerWindow *page;
  WdFormDialog *form;

  wd_ui_show_view (fx, "speakers");
  for (guint i = 0; id == NULL && i < g_list_model_get_n_items (library); i++)
    {
      g_autoptr(WdRow) row = g_list_model_get_item (library, i);
      g_autoptr(JsonArray) record = wd_store_list_service_record (store_of (fx), WD_ASSIGNEE_SPEAKER,
                                                                  wd_row_get_string (row, "id"), 0, fx->now, NULL);

      if (record != NULL && json_array_get_length (record) > 0)
        id = g_intern_string (wd_row_get_string (row, "id"));
    }
  g_assert_nonnull (id);

  page = wd_speaker_window_new (GTK_WINDOW (fx->window), fx->workspace, id);
  gtk_window_present (GTK_WINDOW (page));
  wd_ui_settle ();
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, "None issued"));
  /* The demo's speakers are far from their first star (100 hours). */
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_subtitled, "None yet; the first star at 100 service hours"));

  group = wd_ui_find_widget (GTK_WIDGET (page), is_certificate_group, NULL);
  g_assert_nonnull (group);
  form = open_form (group, "certificate.issue");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "certificate.issue");
  wd_form_dialog_set_value (form, "from", "2001-01-01");
  wd_form_dialog_set_value (form, "to", "2001-12-31");
  g_assert_nonnull (wd_form_dialog_get_warning (form));
  g_assert_false (wd_form_dialog_apply (form));
  certificates = wd_store_list_certificates (store_of (fx), id, NULL);
  g_assert_cmpuint (json_array_get_length (certificates), ==, 0);
  g_clear_pointer (&certificates, json_array_unref);
  today = wd_time_format_local (fx->now, wd_store_get_time_zone (store_of (fx)), "%Y-%m-%d");
  wd_form_dialog_set_value (form, "from", "2020-01-01");
  wd_form_dialog_set_value (form, "to", today);
  g_assert_null (wd_form_dialog_get_warning (form));
  wd_form_dialog_set_value (form, "purpose", "年度评优");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();

  certificates = wd_store_list_certificates (store_of (fx), id, NULL);
  g_assert_cmpuint (json_array_get_length (certificates), ==, 1);
  certificate = json_object_ref (json_array_get_object_element (certificates, 0));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (certificate, "number"), "C"));
  title = g_strdup_printf ("No. %s", json_object_get_string_member (certificate, "number"));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, title));
  /* The register in the rewards view lists it under its holder's name. */
  {
    g_autofree char *entry = g_strdup_printf ("%s · %s", json_object_get_string_member (certificate, "holder_name"),
                                              title);

    wd_ui_show_view (fx, "rewards");
    wd_ui_settle ();
    g_assert_nonnull (find_widget (wd_window_get_view_widget (fx->window, "rewards"), is_row_titled, entry));
  }
  /* The group was built anew with the certificate in it. */
  group = wd_ui_find_widget (GTK_WIDGET (page), is_certificate_group, NULL);
  g_assert_true (gtk_widget_activate_action (group, "certificate.revoke", "s",
                                             json_object_get_string_member (certificate, "id")));
  wd_ui_settle ();
  form = WD_FORM_DIALOG (wd_ui_find_window (WD_TYPE_FORM_DIALOG));
  g_assert_nonnull (form);
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "certificate.revoke");
  /* A reason is needed, and said on its field. */
  g_assert_false (wd_form_dialog_apply (form));
  g_assert_cmpstr (wd_form_dialog_get_error_field (form), ==, "reason");
  wd_form_dialog_set_value (form, "reason", "期间填错");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, title));
  document = wd_certificate_document_new (store_of (fx), json_object_get_string_member (certificate, "id"), &error);
  g_assert_null (document);
  g_assert_error (error, WD_ERROR, WD_ERROR_WRONG_STATE);

  gtk_window_destroy (GTK_WINDOW (page));
}

/* A team has a page: reached from a project it gives, listing its
 * projects, kept up to date by the centre (edited, or added from the
 * marketplace), and issuing its service record certificates. */
static void
test_team_page (WdUiFixture   *fx,
                gconstpointer  data)
{
  WdStore *store = store_of (fx);
  g_autoptr(JsonArray) teams = wd_store_list_all (store, "team", NULL);
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(JsonArray) certificates = NULL;
  g_autoptr(JsonArray) projects = NULL;
  g_autofree char *today = wd_time_format_local (fx->now, wd_store_get_time_zone (store), "%Y-%m-%d");
  WdProjectFilter filter = { 0 };
  const char *team_id = NULL;
  GtkWindow *project_page;
  GtkWindow *page;
  GtkWidget *group;
  WdFormDialog *form;

  /* A team that served, and one of its projects. */
  for (guint i = 0; team_id == NULL && i < json_array_get_length (teams); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (teams, i), "id");
      g_autoptr(JsonArray) record = wd_store_list_service_record (store, WD_ASSIGNEE_TEAM, id, 0, fx->now, NULL);

      filter.team_id = id;
      g_clear_pointer (&projects, json_array_unref);
      projects = wd_store_list_projects (store, &filter, NULL, 10, NULL, NULL);
      if (record != NULL && json_array_get_length (record) > 0 && json_array_get_length (projects) > 0)
        team_id = id;
    }
  g_assert_nonnull (team_id);
  team = wd_store_get (store, "team", team_id, NULL);

  project_page = wd_window_show_project (fx->window, json_object_get_string_member (
                                           json_array_get_object_element (projects, 0), "id"));
  wd_ui_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (project_page), "open.team", "s", team_id));
  wd_ui_settle ();
  page = wd_ui_find_window (WD_TYPE_TEAM_WINDOW);
  g_assert_nonnull (page);
  g_assert_cmpstr (gtk_window_get_title (page), ==, json_object_get_string_member (team, "name"));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled,
                                 json_object_get_string_member (json_array_get_object_element (projects, 0), "title")));

  form = open_form (GTK_WIDGET (page), "team.edit");
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, "team.upsert");
  wd_form_dialog_set_value (form, "members", "42");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  edited = wd_store_get (store, "team", team_id, NULL);
  g_assert_cmpint (json_object_get_int_member (edited, "members"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (edited, "leader"), ==, json_object_get_string_member (team, "leader"));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_subtitled, "42"));
  /* The page says who changed what: the edit, above the team's adding. */
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, "Edited: Members"));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, "Added"));

  group = wd_ui_find_widget (GTK_WIDGET (page), is_certificate_group, NULL);
  form = open_form (group, "certificate.issue");
  wd_form_dialog_set_value (form, "from", "2020-01-01");
  wd_form_dialog_set_value (form, "to", today);
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  certificates = wd_store_list_certificates (store, team_id, NULL);
  g_assert_cmpuint (json_array_get_length (certificates), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certificates, 0), "holder_kind"),
                   ==, "team");
  gtk_window_destroy (page);
  gtk_window_destroy (project_page);

  /* A new team, from the marketplace: its page opens at once. */
  wd_ui_show_view (fx, "market");
  form = open_form (wd_window_get_view_widget (fx->window, "market"), "market.add-team");
  wd_form_dialog_set_value (form, "name", "燕山夕阳红合唱团");
  wd_form_dialog_set_value (form, "leader", "赵秀英");
  g_assert_false (wd_form_dialog_apply (form));
  g_assert_cmpstr (wd_form_dialog_get_error_field (form), ==, "phone");
  wd_form_dialog_set_value (form, "phone", "13900008888");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_settle ();
  page = wd_ui_find_window (WD_TYPE_TEAM_WINDOW);
  g_assert_nonnull (page);
  g_assert_cmpstr (gtk_window_get_title (page), ==, "燕山夕阳红合唱团");
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_row_titled, "None offered"));
  gtk_window_destroy (page);
}

/* Closing the window keeps its view for next time. */
static void
test_window_remembers_view (WdUiFixture   *fx,
                            gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("cn.wudan.Wudan");
  g_autofree char *saved = NULL;

  wd_window_set_view (fx->window, "rewards");
  gtk_window_close (GTK_WINDOW (fx->window));
  wd_ui_settle ();
  saved = g_settings_get_string (settings, "last-view");
  g_assert_cmpstr (saved, ==, "rewards");
}

static gboolean
not_loading (gpointer data)
{
  return !wd_row_model_get_loading (data);
}

static gboolean
read_failure_said (gpointer window)
{
  return wd_ui_find_widget (window, is_label_starting, "Some of the data could not be read") != NULL;
}

/* A list that cannot be read (here SQLite out of memory) would look
 * empty: the window says why. */
static void
test_read_failure_said (WdUiFixture   *fx,
                        gconstpointer  data)
{
  WdSpeakerView *view = WD_SPEAKER_VIEW (wd_window_get_view_widget (fx->window, "speakers"));
  WdRowModel *model = wd_speaker_view_get_model (view);

  wd_ui_show_view (fx, "speakers");
  wd_ui_wait (not_loading, model, "the speakers");
  g_assert_null (wd_ui_find_widget (GTK_WIDGET (fx->window), is_label_starting, "Some of the data could not be read"));

  /* A list read before is held until the data changes: the failing read
   * is of a filter not chosen yet. */
  g_test_expect_message ("wudan", G_LOG_LEVEL_WARNING, "The speaker list could not be read: *out of memory*");
  sqlite3_hard_heap_limit64 (1);
  wd_row_model_set_filter (model, "topic_id", "topic-law");
  wd_ui_wait (read_failure_said, fx->window, "the failed read to be said");
  sqlite3_hard_heap_limit64 (0);
  wd_ui_wait (not_loading, model, "the failed read to end");
  wd_ui_settle ();
  g_test_assert_expected_messages ();
  /* The next read, with memory again, fills the list. */
  wd_row_model_set_filter (model, "topic_id", NULL);
  wd_ui_wait (not_loading, model, "the speakers again");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
}

/* Ends a test that runs the real application: every window closed. */
static void
quit_app (GApplication *app)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_application_quit (app);
}

typedef struct
{
  char     *store;
  gboolean  started_again;
} DamagedStart;

/* Runs once the app has answered its activation: the damaged store's
 * dialog is there; Set Aside and Start Again opens the window on a new
 * store and asks for the sign-in that brings the district back. */
static void
start_again_from_dialog (GApplication *app,
                         DamagedStart *start)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (wd_ui_find_window (ADW_TYPE_MESSAGE_DIALOG));

  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "damaged"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "comes back from the server"));
  g_assert_true (adw_message_dialog_has_response (dialog, "start-again"));
  adw_message_dialog_response (dialog, "start-again");
  wd_ui_settle ();
  g_assert_nonnull (wd_ui_find_window (WD_TYPE_WINDOW));
  g_assert_nonnull (wd_ui_find_window (WD_TYPE_LOGIN_DIALOG));
  start->started_again = TRUE;

  quit_app (app);
}

/* A desk's store damaged (a disk error, a power cut mid-copy): the app
 * does not stop at an error every morning. It offers to set the file
 * aside, kept for rescue, and start again from the server. */
static void
test_damaged_store_started_again (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-ui-damaged-XXXXXX", NULL);
  DamagedStart start = { g_build_filename (dir, "wudan.db", NULL), FALSE };
  g_autoptr(WdApplication) app = wd_application_new ();
  char *args[] = { (char *) "wudan", (char *) "--store", start.store, NULL };
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint kept = 0;

  g_assert_true (g_file_set_contents (start.store, "not a database: the first page was lost", -1, NULL));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (start_again_from_dialog), &start);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, args), ==, 0);
  g_assert_true (start.started_again);

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "wudan.db.damaged-") && strlen (name) == strlen ("wudan.db.damaged-YYYYmmdd-HHMMSS"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;

        g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
        g_assert_nonnull (strstr (contents, "the first page was lost"));
        kept++;
      }
  g_assert_cmpuint (kept, ==, 1);
  wd_test_remove_tree (dir);
  g_free (start.store);
}

typedef struct
{
  char     *store;
  gboolean  restarted;
} DamageInUse;

static gboolean
damage_told (gpointer data)
{
  GtkWindow *dialog = wd_ui_find_window (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "Damaged") != NULL;
}

/* data: a weak pointer to the window that was open, NULL once it is
 * gone (a new window may well have its address). */
static gboolean
other_window_open (gpointer data)
{
  GtkWindow **old = data;

  return *old == NULL && wd_ui_find_window (WD_TYPE_WINDOW) != NULL;
}

/* Types text into the search field of a window's view (Ctrl+F there). */
static void
search_in_view (WdWindow   *window,
                const char *view,
                const char *text)
{
  GtkWidget *focus;

  wd_window_set_view (window, view);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  wd_ui_settle ();
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)), text);
}

/* The speakers' search index is damaged under the open window, and a
 * search there reads the damage: the app says so at once. */
static void
damage_while_open (DamageInUse *run,
                   GtkWindow   *window)
{
  g_autofree char *mark = wd_store_damage_mark_path (run->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = wd_store_open (run->store, &error);

  g_assert_no_error (error);
  g_assert_true (wd_store_exec (store, "UPDATE speakers_fts_data SET block = " WD_TEST_GARBAGE_BLOCK
                                       " WHERE id >= 10", &error));
  search_in_view (WD_WINDOW (window), "speakers", "王");
  wd_ui_wait (damage_told, NULL, "the damage to be told");
  g_assert_true (g_file_test (mark, G_FILE_TEST_EXISTS));
}

/* Runs once the app has opened its window: the damage is told, and the
 * app restarts on the store, which makes the index anew. */
static void
restart_on_damage (GApplication *app,
                   DamageInUse  *run)
{
  GtkWindow *window = wd_ui_find_window (WD_TYPE_WINDOW);
  g_autofree char *mark = wd_store_damage_mark_path (run->store);
  g_autoptr(GError) error = NULL;
  GtkWindow *again;

  g_assert_nonnull (window);
  damage_while_open (run, window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (wd_ui_find_window (ADW_TYPE_MESSAGE_DIALOG)), "restart");
  wd_ui_wait (other_window_open, &window, "the window to open again");
  g_assert_false (g_file_test (mark, G_FILE_TEST_EXISTS));
  again = wd_ui_find_window (WD_TYPE_WINDOW);
  {
    WdSpeakerView *view = WD_SPEAKER_VIEW (wd_window_get_view_widget (WD_WINDOW (again), "speakers"));
    g_autoptr(WdStore) store = wd_store_open (run->store, &error);
    WdSpeakerFilter none = { 0 };
    g_autoptr(GArray) expected = wd_store_speaker_keys (store, &none, "王", &error);
    CountWait wait = { wd_speaker_view_get_model (view), 0 };

    g_assert_no_error (error);
    g_assert_cmpuint (expected->len, >, 0);
    wait.expected = expected->len;
    search_in_view (WD_WINDOW (again), "speakers", "王");
    wd_ui_wait (model_has, &wait, "the search results after the restart");
  }
  run->restarted = TRUE;

  quit_app (app);
}

/* Runs the app on a store of the demo district; on_open runs once it has
 * opened its window, damages the store and restarts the app. */
static void
run_app_to_restart (GCallback on_open,
                    guint     restart_wait)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-ui-damage-XXXXXX", NULL);
  g_autofree char *district = wd_demo_find_data ();
  DamageInUse run = { g_build_filename (dir, "wudan.db", NULL), FALSE };
  g_autoptr(WdApplication) app = wd_application_new ();
  char *args[] = { (char *) "wudan", (char *) "--store", run.store, NULL };
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(WdStore) store = wd_store_open (run.store, &error);

    g_assert_no_error (error);
    g_assert_true (wd_demo_load (store, district, wd_ui_demo_now (), NULL, &error));
    g_assert_no_error (error);
  }
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (restart_wait > 0)
    wd_application_set_restart_wait (app, restart_wait);
  g_signal_connect_after (app, "activate", on_open, &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, args), ==, 0);
  g_assert_true (run.restarted);
  g_clear_object (&app);
  wd_test_remove_tree (dir);
  g_free (run.store);
}

/* Damage read while the app is open (here in a search index, which the
 * whole-file check cannot see) is told at once, and restarting on the
 * store repairs what can be repaired without setting the file aside. */
static void
test_damage_found_while_open (void)
{
  run_app_to_restart (G_CALLBACK (restart_on_damage), 0);
}

static guint
count_main_windows (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = windows; l != NULL; l = l->next)
    n += WD_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data);
  return n;
}

/* Runs once the app has opened its window: something (here a list the
 * test holds) keeps the old workspace alive through a restart. The app
 * waits for it as long as it was told, then opens the store beside it;
 * when the old workspace goes at last, no second window opens. */
static void
restart_without_waiting_for_ever (GApplication *app,
                                  DamageInUse  *run)
{
  GtkWindow *window = wd_ui_find_window (WD_TYPE_WINDOW);
  WdSpeakerView *view = WD_SPEAKER_VIEW (wd_window_get_view_widget (WD_WINDOW (window), "speakers"));
  WdRowModel *held = g_object_ref (wd_speaker_view_get_model (view));

  damage_while_open (run, window);
  g_test_expect_message ("wudan", G_LOG_LEVEL_WARNING, "The last workspace was not closed after 1 s*");
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (wd_ui_find_window (ADW_TYPE_MESSAGE_DIALOG)), "restart");
  wd_ui_wait (other_window_open, &window, "the window to open again");
  /* The warning says the wait ran out rather than the old parts going. */
  g_test_assert_expected_messages ();

  g_object_unref (held);
  for (guint i = 0; i < 20; i++)
    wd_ui_settle ();
  g_assert_cmpuint (count_main_windows (), ==, 1);
  run->restarted = TRUE;
  quit_app (app);
}

static void
test_restart_gives_up_waiting (void)
{
  run_app_to_restart (G_CALLBACK (restart_without_waiting_for_ever), 1);
}

/* The card as GTK draws it, as bytes; its size in width and height. */
static GBytes *
render_card (GtkWidget *card,
             int       *width,
             int       *height)
{
  g_autoptr(GdkTexture) texture = NULL;
  guchar *pixels;

  wd_ui_settle ();
  texture = wd_ui_render (card);
  g_assert_nonnull (texture);
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  pixels = g_malloc (*width * *height * 4);
  gdk_texture_download (texture, pixels, *width * 4);
  return g_bytes_new_take (pixels, *width * *height * 4);
}

/* A board card draws each of its lines, hides the empty ones, and tells
 * a screen reader what it says. */
static void
test_order_card_draws_its_lines (void)
{
  const char *lines[WD_ORDER_CARD_N_LINES] = {
    "11月3日 周二 14:30–16:30", "2026-000005 · 文明劝导进社区", "解放路街道新时代文明实践所 · 社区",
    "解放路社区 · 解放路街道", "文明实践志愿服务队",
  };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *card = wd_order_card_new ();
  g_autoptr(GBytes) all = NULL;
  int width, height, shorter;

  wd_load_app_style ();
  gtk_window_set_default_size (GTK_WINDOW (window), 280, -1);
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_widget_set_valign (card, GTK_ALIGN_START);
  wd_order_card_set_lines (WD_ORDER_CARD (card), lines);
  wd_order_card_set_deadline (WD_ORDER_CARD (card), "已超时 2 小时", WD_DEADLINE_OVERDUE);
  gtk_window_present (GTK_WINDOW (window));
  all = render_card (card, &width, &height);

  g_assert_cmpstr (wd_order_card_get_line (WD_ORDER_CARD (card), WD_ORDER_CARD_PLACE), ==, lines[WD_ORDER_CARD_PLACE]);
  g_assert_cmpstr (wd_order_card_get_deadline (WD_ORDER_CARD (card)), ==, "已超时 2 小时");
  g_assert_true (gtk_widget_has_css_class (card, "overdue"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, lines[WD_ORDER_CARD_TITLE]);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "11月3日 周二 14:30–16:30; 解放路街道新时代文明实践所 · 社区; "
                                       "解放路社区 · 解放路街道; 文明实践志愿服务队");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (wd_order_card_get_menu_button (WD_ORDER_CARD (card))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Actions for 2026-000005 · 文明劝导进社区");

  /* Each line is drawn: another text of it draws another card. */
  for (guint line = 0; line < WD_ORDER_CARD_N_LINES; line++)
    {
      const char *changed[WD_ORDER_CARD_N_LINES];
      g_autoptr(GBytes) other = NULL;
      int other_width, other_height;

      memcpy (changed, lines, sizeof changed);
      changed[line] = "2026-009999 · 一个不同的标题";
      wd_order_card_set_lines (WD_ORDER_CARD (card), changed);
      other = render_card (card, &other_width, &other_height);
      g_assert_cmpint (other_height, ==, height);
      g_assert_false (g_bytes_equal (other, all));
      /* Screen readers hear of the new line too, once it is drawn. */
      if (line == WD_ORDER_CARD_TITLE)
        gtk_test_accessible_assert_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, changed[line]);
      else
        gtk_test_accessible_assert_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                             lines[WD_ORDER_CARD_TITLE]);
    }

  /* A line with nothing to say takes no room; the deadline neither. */
  {
    const char *served_by_nobody[WD_ORDER_CARD_N_LINES] = { lines[0], lines[1], lines[2], lines[3], "" };
    g_autoptr(GBytes) less = NULL;

    wd_order_card_set_lines (WD_ORDER_CARD (card), served_by_nobody);
    less = render_card (card, &width, &shorter);
    g_assert_cmpint (shorter, <, height);
    wd_order_card_set_deadline (WD_ORDER_CARD (card), NULL, WD_DEADLINE_NONE);
    g_clear_pointer (&less, g_bytes_unref);
    less = render_card (card, &width, &height);
    g_assert_cmpint (height, <, shorter);
    g_assert_null (wd_order_card_get_deadline (WD_ORDER_CARD (card)));
    g_assert_false (gtk_widget_has_css_class (card, "overdue"));
  }

  /* A larger font (a setting changed while the card is shown) makes
   * taller lines. */
  {
    GtkSettings *settings = gtk_widget_get_settings (card);
    g_autofree char *font = NULL;
    g_autoptr(GBytes) larger = NULL;
    int larger_height;

    g_object_get (settings, "gtk-font-name", &font, NULL);
    g_object_set (settings, "gtk-font-name", "Sans 20", NULL);
    larger = render_card (card, &width, &larger_height);
    g_object_set (settings, "gtk-font-name", font, NULL);
    g_assert_cmpint (larger_height, >, height + 4 * 6);
  }

  /* Right to left, the menu button is on the left and the lines start
   * on the right. */
  {
    GtkWidget *menu = wd_order_card_get_menu_button (WD_ORDER_CARD (card));
    g_autoptr(GBytes) ltr = render_card (card, &width, &height);
    g_autoptr(GBytes) rtl = NULL;
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (menu, card, &bounds));
    g_assert_cmpfloat (bounds.origin.x, >, width / 2);
    gtk_widget_set_direction (card, GTK_TEXT_DIR_RTL);
    rtl = render_card (card, &width, &height);
    g_assert_true (gtk_widget_compute_bounds (menu, card, &bounds));
    g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <, width / 2);
    g_assert_false (g_bytes_equal (ltr, rtl));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/ui/" path, WdUiFixture, NULL, wd_ui_fixture_setup, func, wd_ui_fixture_teardown)
  ADD ("views-show-the-district", test_views_show_the_district);
  ADD ("five-order-loop", test_five_order_loop);
  ADD ("bad-input-marks-field", test_bad_input_marks_field);
  ADD ("dispatch-clash-needs-reason", test_dispatch_clash_needs_reason);
  ADD ("board-drag-and-drop", test_board_drag_and_drop);
  ADD ("order-form-warns-of-similar", test_order_form_warns_of_similar);
  ADD ("speaker-form-warns-of-namesake", test_speaker_form_warns_of_namesake);
  ADD ("order-message-copied", test_order_message_copied);
  ADD ("board-deadlines-count-down", test_board_deadlines_count_down);
  ADD ("history-names-accounts", test_history_names_accounts);
  ADD ("search-as-you-type", test_search_as_you_type);
  ADD ("board-search-shows-what-it-found", test_board_search_shows_what_it_found);
  ADD ("board-cards-only-on-screen", test_board_cards_only_on_screen);
  ADD ("board-keyboard", test_board_keyboard);
  ADD ("callback-recorded", test_callback_recorded);
  ADD ("rewards-follow-changes", test_rewards_follow_changes);
  ADD ("reward-period-lines", test_reward_period_lines);
  ADD ("hidden-lists-wait", test_hidden_lists_wait);
  ADD ("speaker-added", test_speaker_added);
  ADD ("rewards-four-eyes", test_rewards_four_eyes);
  ADD ("reward-proposal-changed-since", test_reward_proposal_changed_since);
  ADD ("window-remembers-view", test_window_remembers_view);
  ADD ("project-capacity", test_project_capacity);
  ADD ("speaker-photo", test_speaker_photo);
  ADD ("dispatch-shows-photos", test_dispatch_shows_photos);
  ADD ("speaker-certificate", test_speaker_certificate);
  ADD ("team-page", test_team_page);
  ADD ("read-failure-said", test_read_failure_said);
#undef ADD
  g_test_add_func ("/ui/order-card-draws-its-lines", test_order_card_draws_its_lines);
  g_test_add_func ("/ui/damaged-store-started-again", test_damaged_store_started_again);
  g_test_add_func ("/ui/damage-found-while-open", test_damage_found_while_open);
  g_test_add_func ("/ui/restart-gives-up-waiting", test_restart_gives_up_waiting);

  return g_test_run ();
}
