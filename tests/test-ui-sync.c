/* test-ui-sync.c: the app against a real wudan-server on loopback: sign in
 * through the login dialog, the first sync fills the board, the header
 * says what is happening, an order placed here reaches the server and
 * comes back with its number, and a stopped server leaves the app working
 * with the change waiting. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <sqlite3.h>

#include "wd-board-view.h"
#include "wd-form-dialog.h"
#include "wd-json.h"
#include "wd-forms.h"
#include "wd-login-dialog.h"
#include "wd-preferences-window.h"
#include "wd-row-model.h"
#include "wd-store-private.h"
#include "wd-sync-indicator.h"
#include "wd-ui-util.h"
#include "wd-sync-store.h"
#include "wd-test-server.h"
#include "wd-test-util.h"
#include "wd-ui-test-util.h"

typedef struct
{
  WdTestServer server;
  char        *dir;
  WdWorkspace *workspace;
  WdWindow    *window;
  guint        waiting;         /* orders reported by "orders-waiting" */
  char        *waiting_title;   /* the first of them */
} SyncFixture;

static void
on_orders_waiting (WdWorkspace *workspace,
                   guint        n,
                   JsonArray   *rows,
                   SyncFixture *fx)
{
  fx->waiting += n;
  if (fx->waiting_title == NULL)
    fx->waiting_title = g_strdup (json_object_get_string_member (json_array_get_object_element (rows, 0), "title"));
}

static void
sync_setup (SyncFixture   *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  wd_test_server_start (&fx->server, NULL, NULL);
  fx->dir = g_dir_make_tmp ("wudan-ui-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fx->dir, "wudan.db", NULL);
  fx->workspace = wd_workspace_open (path, &error);
  g_assert_no_error (error);
  g_signal_connect (fx->workspace, "orders-waiting", G_CALLBACK (on_orders_waiting), fx);
  fx->window = wd_window_new (NULL, fx->workspace);
  gtk_window_present (GTK_WINDOW (fx->window));
  wd_window_set_view (fx->window, "board");
  wd_ui_settle ();
}

static void
sync_teardown (SyncFixture   *fx,
               gconstpointer  data)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();
  g_autoptr(GDir) dir = NULL;
  const char *name;

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  wd_ui_settle ();
  g_clear_object (&fx->workspace);
  wd_test_server_stop (&fx->server);
  dir = g_dir_open (fx->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fx->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->waiting_title);
}

static const char *
status (SyncFixture *fx)
{
  return wd_sync_indicator_get_status (WD_SYNC_INDICATOR (wd_window_get_sync_indicator (fx->window)));
}

static gboolean
up_to_date (gpointer data)
{
  SyncFixture *fx = data;
  WdSyncEngine *engine = wd_workspace_get_engine (fx->workspace);

  return wd_sync_engine_get_state (engine) == WD_SYNC_STATE_UP_TO_DATE
      && wd_sync_store_count_pending (wd_workspace_get_store (fx->workspace)) == 0;
}

static gboolean
board_filled (gpointer data)
{
  SyncFixture *fx = data;
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));
  WdRowModel *ordered = wd_board_view_get_column_model (board, WD_ORDER_ORDERED);

  return wd_row_model_is_ready (ordered) && g_list_model_get_n_items (G_LIST_MODEL (ordered)) > 0;
}

static gboolean
engine_failed (gpointer data)
{
  SyncFixture *fx = data;
  WdSyncState state = wd_sync_engine_get_state (wd_workspace_get_engine (fx->workspace));

  return state == WD_SYNC_STATE_ERROR || state == WD_SYNC_STATE_OFFLINE;
}

static WdFormDialog *
new_order_form (SyncFixture *fx,
                const char  *title)
{
  WdFormDialog *form;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.new-order", NULL));
  wd_ui_settle ();
  form = WD_FORM_DIALOG (wd_ui_find_window (WD_TYPE_FORM_DIALOG));
  g_assert_nonnull (form);
  wd_form_dialog_set_value (form, "title", title);
  wd_form_dialog_set_value (form, "topic_id", "law");
  wd_form_dialog_set_value (form, "subdistrict_id", "qianfoshan");
  wd_form_dialog_set_value (form, "venue", "历阳社区党群服务中心");
  wd_form_dialog_set_value (form, "venue_kind", "community");
  wd_form_dialog_set_value (form, "requester", "历阳社区居委会");
  wd_form_dialog_set_value (form, "contact_name", "刘洋");
  wd_form_dialog_set_value (form, "contact_phone", "13912340000");
  return form;
}

static JsonObject *
order_titled (SyncFixture *fx,
              const char  *title)
{
  WdOrderFilter all = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) keys = wd_store_order_keys (wd_workspace_get_store (fx->workspace), &all, title, &error);
  g_autoptr(JsonArray) rows = NULL;

  g_assert_no_error (error);
  rows = wd_store_get_rows (wd_workspace_get_store (fx->workspace), "order", (gint64 *) keys->data, keys->len,
                            &error);
  g_assert_no_error (error);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (rows, i), "title"), title))
      return json_object_ref (json_array_get_object_element (rows, i));
  return NULL;
}

static gboolean
orders_reported (gpointer data)
{
  return ((SyncFixture *) data)->waiting > 0;
}

/* Another desk's change reaches the server first, as its push would. */
static void
push_from_elsewhere (SyncFixture *fx,
                     const char  *account,
                     const char  *kind,
                     JsonObject  *args)
{
  g_autofree char *token = wd_test_login (&fx->server, account);
  const char *kinds[] = { kind };
  g_autofree char *client = g_strdup_printf ("%s-desk", account);
  g_autofree char *body = wd_test_push_body (client, 1, 1, kinds, &args);
  g_autoptr(WdTestReply) reply = wd_test_request (&fx->server, "POST", "/api/v1/push", token, body);
  JsonObject *result;

  g_assert_cmpuint (reply->status, ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (wd_test_reply_object (reply), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
}

/* An office places an order straight on the server, as its own app would. */
static void
office_places_order (SyncFixture *fx,
                     const char  *title)
{
  g_autoptr(JsonObject) args = wd_test_order_args ("office-order-1", "qianfoshan", 5);

  json_object_set_string_member (args, "title", title);
  push_from_elsewhere (fx, "office", "order.create", args);
}

static void
test_sign_in_sync_and_work_offline (SyncFixture   *fx,
                                    gconstpointer  data)
{
  WdLoginDialog *login;
  g_autoptr(JsonObject) placed = NULL;
  g_autoptr(JsonObject) synced = NULL;
  g_autoptr(JsonObject) offline = NULL;
  const char *number;

  g_assert_cmpstr (status (fx), ==, "Local");

  /* The desk's default server (an IT department's override) is offered. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("cn.wudan.Wudan");

    g_settings_set_string (settings, "server-address", fx->server.base);
  }

  /* A wrong password is said in the dialog, which stays open. */
  login = wd_login_dialog_new (GTK_WINDOW (fx->window), fx->workspace);
  gtk_window_present (GTK_WINDOW (login));
  g_assert_cmpstr (wd_login_dialog_get_server (login), ==, fx->server.base);
  wd_login_dialog_fill (login, fx->server.base, "centre", "not-the-password");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (login), "login.sign-in", NULL));
  while (wd_login_dialog_get_error (login) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (wd_workspace_is_signed_in (fx->workspace));

  wd_login_dialog_fill (login, fx->server.base, "centre", g_hash_table_lookup (fx->server.passwords, "centre"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (login), "login.sign-in", NULL));
  wd_ui_wait (up_to_date, fx, "the first sync");
  wd_ui_wait (board_filled, fx, "the board to show the pulled orders");
  g_assert_true (wd_workspace_is_signed_in (fx->workspace));
  g_assert_cmpstr (wd_workspace_get_actor (fx->workspace)->user, ==, "centre");
  wd_ui_settle ();
  g_assert_cmpstr (status (fx), ==, "Up to date");

  /* Placed here, numbered by the server, and back. */
  g_assert_true (wd_form_dialog_apply (new_order_form (fx, "同步测试讲座")));
  placed = order_titled (fx, "同步测试讲座");
  g_assert_nonnull (placed);
  wd_ui_wait (up_to_date, fx, "the order to reach the server");
  synced = order_titled (fx, "同步测试讲座");
  number = json_object_get_string_member_with_default (synced, "number", NULL);
  g_assert_nonnull (number);
  g_assert_true (g_str_has_prefix (number, "2026-"));

  /* The server goes away: the app keeps working, the change waits. */
  wd_test_server_kill (&fx->server);
  g_assert_true (wd_form_dialog_apply (new_order_form (fx, "离线测试讲座")));
  offline = order_titled (fx, "离线测试讲座");
  g_assert_nonnull (offline);
  g_assert_cmpuint (wd_sync_store_count_pending (wd_workspace_get_store (fx->workspace)), ==, 1);
  wd_ui_wait (engine_failed, fx, "the sync to fail");
  wd_ui_settle ();
  g_assert_cmpuint (wd_sync_indicator_get_pending (WD_SYNC_INDICATOR (wd_window_get_sync_indicator (fx->window))), ==, 1);
  g_assert_true (g_str_equal (status (fx), "Sync failed") || g_str_equal (status (fx), "Offline"));

  /* Back again: Sync Now sends it. */
  wd_test_server_restart (&fx->server, NULL);
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (up_to_date, fx, "the waiting order to go out");
  g_clear_pointer (&offline, json_object_unref);
  offline = order_titled (fx, "离线测试讲座");
  g_assert_nonnull (json_object_get_string_member_with_default (offline, "number", NULL));

  /* The first sync filled the board and the centre's own orders went
   * out: nothing of that is news. An office's new order is, once. */
  g_assert_cmpuint (fx->waiting, ==, 0);
  wd_window_set_view (fx->window, "speakers");
  office_places_order (fx, "街道新点的讲座");
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (orders_reported, fx, "the office's order to be reported");
  g_assert_cmpuint (fx->waiting, ==, 1);
  g_assert_cmpstr (fx->waiting_title, ==, "街道新点的讲座");

  /* In another view, the window says so and leads to the board. */
  {
    GtkWidget *window = GTK_WIDGET (fx->window);
    GtkLabel *notice = GTK_LABEL (gtk_widget_get_template_child (window, WD_TYPE_WINDOW, "notice_label"));
    GtkWidget *show = GTK_WIDGET (gtk_widget_get_template_child (window, WD_TYPE_WINDOW, "notice_button"));
    GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_template_child (window, WD_TYPE_WINDOW,
                                                                         "notice_revealer"));

    g_assert_true (gtk_revealer_get_reveal_child (revealer));
    g_assert_cmpstr (gtk_label_get_text (notice), ==, "1 New Order to Dispatch");
    g_assert_true (gtk_widget_get_visible (show));
    g_signal_emit_by_name (show, "clicked");
    wd_ui_settle ();
    g_assert_cmpstr (wd_window_get_view (fx->window), ==, "board");
    g_assert_false (gtk_revealer_get_reveal_child (revealer));
  }
}

static gint64
count_in (sqlite3    *db,
                 const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
server_count (SyncFixture *fx,
               const char  *sql)
{
  sqlite3 *db = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (fx->server.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  n = count_in (db, sql);
  sqlite3_close (db);
  return n;
}

/* The desk holds the office's orders and nothing else. */
static gboolean
holds_office_copy (gpointer data)
{
  SyncFixture *fx = data;
  sqlite3 *db = wd_store_get_db (wd_workspace_get_store (fx->workspace));

  return up_to_date (fx)
      && count_in (db, "SELECT count (*) FROM orders WHERE subdistrict_id IS NOT 'qianfoshan'") == 0
      && count_in (db, "SELECT count (*) FROM orders") > 0;
}

static void
sign_in_with_dialog (SyncFixture *fx,
                     const char  *account)
{
  /* Held: the dialog closes itself once signed in. */
  g_autoptr(WdLoginDialog) login = g_object_ref (wd_login_dialog_new (GTK_WINDOW (fx->window), fx->workspace));

  gtk_window_present (GTK_WINDOW (login));
  wd_login_dialog_fill (login, fx->server.base, account, g_hash_table_lookup (fx->server.passwords, account));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (login), "login.sign-in", NULL));
  while (g_strcmp0 (wd_workspace_get_actor (fx->workspace)->user, account) != 0
         && wd_login_dialog_get_error (login) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (wd_login_dialog_get_error (login));
}

/* The centre's clerk signs out and an office's signs in at the same
 * desk: the desk then holds what the office may see, and the office's
 * work goes out as the office's. */
static void
test_another_clerk (SyncFixture   *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the centre's first sync");
  wd_ui_wait (board_filled, fx, "the board to show the centre's orders");
  db = wd_store_get_db (wd_workspace_get_store (fx->workspace));
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM orders WHERE subdistrict_id IS NOT 'qianfoshan'"),
                   >, 0);

  g_assert_true (wd_workspace_sign_out (fx->workspace, &error));
  sign_in_with_dialog (fx, "office");
  g_assert_cmpstr (wd_workspace_get_actor (fx->workspace)->user, ==, "office");
  wd_ui_wait (holds_office_copy, fx, "the desk to hold the office's copy");
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM orders"), ==,
                   server_count (fx, "SELECT count (*) FROM orders WHERE subdistrict_id = 'qianfoshan'"));

  g_assert_true (wd_form_dialog_apply (new_order_form (fx, "换人后的讲座")));
  wd_ui_wait (up_to_date, fx, "the office's order to reach the server");
  g_assert_cmpint (server_count (fx, "SELECT count (*) FROM orders o JOIN history h ON h.entity_id = o.id"
                                      " WHERE o.title = '换人后的讲座' AND h.actor = 'office'"), ==, 1);
}

static gboolean
label_mentions (GtkWidget     *widget,
                gconstpointer  needle)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL;
}

static gboolean
is_menu_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget);
}

static gboolean
clock_agrees (gpointer data)
{
  SyncFixture *fx = data;

  return wd_ui_find_widget (wd_window_get_sync_indicator (fx->window), label_mentions, "clock") == NULL;
}

/* A desk whose clock is hours off (its clock battery went flat): the
 * sync button is marked and says so, the app's clock runs by the
 * server's, and once the clocks agree again the word goes. */
static void
test_clock_far_off (SyncFixture   *fx,
                    gconstpointer  data)
{
  GtkWidget *indicator = wd_window_get_sync_indicator (fx->window);
  GtkWidget *button = wd_ui_find_widget (indicator, is_menu_button, NULL);
  gint64 local;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");
  g_assert_true (clock_agrees (fx));
  g_assert_false (gtk_widget_has_css_class (button, "warning"));

  /* As a sync through a server three hours ahead would have noted. */
  wd_sync_store_note_clock_offset (wd_workspace_get_store (fx->workspace), 3 * 3600 + 10);
  wd_workspace_changed (fx->workspace);
  local = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (wd_workspace_now (fx->workspace) - (local + 3 * 3600 + 10)), <=, 2);
  g_assert_nonnull (wd_ui_find_widget (indicator, label_mentions, "clock is 3 hours behind the server's"));
  g_assert_true (gtk_widget_has_css_class (button, "warning"));

  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (clock_agrees, fx, "the next sync to find the clocks agree");
  g_assert_false (gtk_widget_has_css_class (button, "warning"));
  local = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (wd_workspace_now (fx->workspace) - local), <=, 2);
}

static guint
count_problems (SyncFixture *fx)
{
  g_autoptr(JsonArray) problems = wd_sync_store_problems (wd_workspace_get_store (fx->workspace), NULL);

  return json_array_get_length (problems);
}

static gboolean
has_problem (gpointer data)
{
  return count_problems (data) > 0;
}

/* The one problem listed, of kind, made again: its form, opened by the
 * problem's button as the user would. */
static WdFormDialog *
open_again (SyncFixture *fx,
            const char  *kind)
{
  g_autoptr(JsonArray) problems = wd_sync_store_problems (wd_workspace_get_store (fx->workspace), NULL);
  JsonObject *problem;
  WdFormDialog *form;

  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  problem = json_array_get_object_element (problems, 0);
  g_assert_cmpstr (json_object_get_string_member (problem, "kind"), ==, kind);
  g_assert_true (gtk_widget_activate_action (wd_window_get_sync_indicator (fx->window), "sync.again", "x",
                                             json_object_get_int_member (problem, "id")));
  wd_ui_settle ();
  form = WD_FORM_DIALOG (wd_ui_find_window (WD_TYPE_FORM_DIALOG));
  g_assert_nonnull (form);
  g_assert_cmpstr (wd_form_dialog_get_operation (form), ==, kind);
  return form;
}

static gboolean
office_order_here (gpointer data)
{
  g_autoptr(JsonObject) order = order_titled (data, "改期的讲座");

  return order != NULL;
}

/* A rated order no live reward period has looked at, and the day its
 * service ended, as a period's date. */
static char *
unclaimed_rated_order (SyncFixture  *fx,
                       char        **day)
{
  sqlite3 *db = wd_store_get_db (wd_workspace_get_store (fx->workspace));
  sqlite3_stmt *stmt = NULL;
  char *id = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT o.id, o.delivered_end FROM orders o WHERE o.state = 'rated'"
                                           " AND NOT EXISTS (SELECT 1 FROM reward_orders ro JOIN reward_periods rp"
                                           "   ON rp.id = ro.period_id WHERE ro.order_id = o.id"
                                           "   AND rp.state <> 'withdrawn')"
                                           " ORDER BY o.delivered_end DESC LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *day = wd_format_time (wd_workspace_get_store (fx->workspace), sqlite3_column_int64 (stmt, 1) - 60, "%Y-%m-%d");
  sqlite3_finalize (stmt);
  return id;
}

static gboolean
period_withdrawn_here (gpointer data)
{
  SyncFixture *fx = data;

  return count_in (wd_store_get_db (wd_workspace_get_store (fx->workspace)),
                   "SELECT count (*) FROM reward_periods WHERE id = 'period-held' AND state = 'withdrawn'") == 1;
}

/* A correction of a delivery record made at a desk while, on the server,
 * the centre proposed a reward period holding that order: the server
 * refuses it (the period judged the record), the desk lists why, and
 * Correct Again opens the form with the hours that were entered (the
 * desk, which has heard of the period by then, refuses it the same);
 * once the period is withdrawn, saving it again goes through. */
static void
test_refused_delivery_correction_corrected_again (SyncFixture   *fx,
                                                  gconstpointer  data)
{
  g_autofree char *day = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *propose_json = NULL;
  g_autofree char *count_sql = NULL;
  g_autoptr(JsonObject) propose = NULL;
  g_autoptr(JsonObject) withdraw = wd_json_parse_object ("{\"period_id\":\"period-held\"}", -1, NULL);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) entered = NULL;
  WdFormDialog *form;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");
  order_id = unclaimed_rated_order (fx, &day);
  propose_json = g_strdup_printf ("{\"period_id\":\"period-held\",\"name\":\"本期\",\"from\":\"%s\","
                                  "\"to\":\"%s\",\"fund_id\":\"fund-lixia\"}", day, day);
  propose = wd_json_parse_object (propose_json, -1, NULL);
  push_from_elsewhere (fx, "admin", "reward.propose", propose);

  order = wd_store_get (wd_workspace_get_store (fx->workspace), "order", order_id, NULL);
  form = wd_forms_order_action (GTK_WIDGET (fx->window), fx->workspace, order, WD_ORDER_ACTION_CORRECT_DELIVERY);
  g_assert_true (wd_form_dialog_set_value (form, "hours", "6"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (has_problem, fx, "the server to refuse the correction");
  wd_ui_wait (up_to_date, fx, "the refused correction to leave the outbox");

  form = open_again (fx, "order.correct_delivery");
  entered = wd_form_dialog_read_args (form);
  g_assert_cmpfloat (json_object_get_double_member (entered, "hours"), ==, 6.0);
  /* Here too the desk knows the period by now, and refuses the same. */
  g_assert_false (wd_form_dialog_apply (form));
  push_from_elsewhere (fx, "centre", "reward.withdraw", withdraw);
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (period_withdrawn_here, fx, "the withdrawal to reach the desk");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the correction saved again to reach the server");
  count_sql = g_strdup_printf ("SELECT count (*) FROM orders WHERE id = '%s' AND hours = 6", order_id);
  g_assert_cmpint (server_count (fx, count_sql), ==, 1);
}

/* Two desks correct one order at once, each a different detail: both
 * corrections stand. The form sends only what was changed in it, so the
 * other desk's new phone number is not put back by this one's save; an
 * optional detail emptied in the form is cleared. */
static void
test_corrections_of_two_desks_both_stand (SyncFixture   *fx,
                                          gconstpointer  data)
{
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) placed = wd_test_order_args ("office-order-1", "qianfoshan", 5);
  g_autoptr(JsonObject) phone = wd_json_parse_object ("{\"order_id\":\"office-order-1\","
                                                      "\"contact_phone\":\"13900009999\"}", -1, NULL);
  WdFormDialog *form;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");
  json_object_set_string_member (placed, "title", "改期的讲座");
  json_object_set_string_member (placed, "community", "历山名郡社区");
  push_from_elsewhere (fx, "office", "order.create", placed);
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (office_order_here, fx, "the office's order to reach the centre");

  order = order_titled (fx, "改期的讲座");
  form = wd_forms_order_action (GTK_WIDGET (fx->window), fx->workspace, order, WD_ORDER_ACTION_EDIT);
  push_from_elsewhere (fx, "admin", "order.update", phone);
  g_assert_true (wd_form_dialog_set_value (form, "venue", "改到二楼会议室"));
  g_assert_true (wd_form_dialog_set_value (form, "community", ""));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the correction to reach the server");

  g_assert_cmpuint (count_problems (fx), ==, 0);
  g_assert_cmpint (server_count (fx, "SELECT count (*) FROM orders WHERE id = 'office-order-1'"
                                      " AND venue = '改到二楼会议室' AND contact_phone = '13900009999'"
                                      " AND coalesce (community, '') = ''"), ==, 1);
}

/* Catalogue entries edited at two desks at once: each form sends only
 * what was changed in it, so a speaker keeps both desks' changes; and a
 * team's new name refused (another desk took it meanwhile) opens again
 * on the team as it is, with every other detail in the form. */
static void
test_catalogue_edits_of_two_desks (SyncFixture   *fx,
                                   gconstpointer  data)
{
  WdStore *store;
  g_autoptr(JsonObject) speaker = NULL;
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonObject) phone = wd_json_parse_object ("{\"id\":\"speaker-0007\",\"phone\":\"13900007777\","
                                                      "\"only\":[\"phone\"]}", -1, NULL);
  g_autoptr(JsonObject) taken = wd_json_parse_object ("{\"id\":\"team-elsewhere\",\"name\":\"燕山红马甲服务队\","
                                                      "\"leader\":\"王五\",\"phone\":\"13900000000\"}", -1, NULL);
  g_autoptr(JsonObject) entered = NULL;
  g_autofree char *team_id = NULL;
  g_autofree char *leader = NULL;
  WdFormDialog *form;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");
  store = wd_workspace_get_store (fx->workspace);

  speaker = wd_store_get (store, "speaker", "speaker-0007", NULL);
  form = wd_forms_edit_speaker (GTK_WIDGET (fx->window), fx->workspace, speaker);
  push_from_elsewhere (fx, "admin", "speaker.upsert", phone);
  g_assert_true (wd_form_dialog_set_value (form, "bio", "退休教师，擅长家风家教宣讲"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the speaker's edit to reach the server");
  g_assert_cmpint (server_count (fx, "SELECT count (*) FROM speakers WHERE id = 'speaker-0007'"
                                      " AND phone = '13900007777' AND bio = '退休教师，擅长家风家教宣讲'"), ==, 1);

  {
    g_autoptr(JsonArray) teams = wd_store_list_all (store, "team", NULL);

    team = json_object_ref (json_array_get_object_element (teams, 0));
    team_id = g_strdup (json_object_get_string_member (team, "id"));
    leader = g_strdup (json_object_get_string_member (team, "leader"));
  }
  push_from_elsewhere (fx, "centre", "team.upsert", taken);
  form = wd_forms_edit_team (GTK_WIDGET (fx->window), fx->workspace, team);
  g_assert_true (wd_form_dialog_set_value (form, "name", "燕山红马甲服务队"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (has_problem, fx, "the server to refuse the team's new name");
  wd_ui_wait (up_to_date, fx, "the refused edit to leave the outbox");

  form = open_again (fx, "team.upsert");
  entered = wd_form_dialog_read_args (form);
  g_assert_cmpstr (json_object_get_string_member (entered, "name"), ==, "燕山红马甲服务队");
  g_assert_cmpstr (json_object_get_string_member (entered, "leader"), ==, leader);
  g_assert_true (wd_form_dialog_set_value (form, "name", "燕山红马甲服务二队"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the team saved again to reach the server");
  g_assert_cmpuint (count_problems (fx), ==, 0);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM teams WHERE id = '%s'"
                                            " AND name = '燕山红马甲服务二队' AND leader = '%s'", team_id, leader);

    g_assert_cmpint (server_count (fx, sql), ==, 1);
  }
}

/* A correction made here while another desk dispatched the order: the
 * server refuses its new time. Edit Again opens the order as it is now
 * with what was entered on top, without the time (fixed once a team was
 * chosen), and the rest of the correction is saved. */
static void
test_refused_correction_edited_again (SyncFixture   *fx,
                                      gconstpointer  data)
{
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) dispatch = wd_json_parse_object ("{\"order_id\":\"office-order-1\",\"assignee_kind\":"
                                                         "\"speaker\",\"assignee_id\":\"speaker-0007\","
                                                         "\"force\":true,\"force_reason\":\"就近\"}", -1, NULL);
  g_autoptr(JsonObject) entered = NULL;
  g_autofree char *starts = NULL;
  g_autofree char *ends = NULL;
  WdFormDialog *form;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");
  office_places_order (fx, "改期的讲座");
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (office_order_here, fx, "the office's order to reach the centre");
  push_from_elsewhere (fx, "admin", "order.dispatch", dispatch);

  order = order_titled (fx, "改期的讲座");
  starts = wd_format_time (wd_workspace_get_store (fx->workspace),
                           json_object_get_int_member (order, "starts_at") + 3600, "%Y-%m-%d %H:%M");
  ends = wd_format_time (wd_workspace_get_store (fx->workspace),
                         json_object_get_int_member (order, "ends_at") + 3600, "%Y-%m-%d %H:%M");
  form = wd_forms_order_action (GTK_WIDGET (fx->window), fx->workspace, order, WD_ORDER_ACTION_EDIT);
  g_assert_true (wd_form_dialog_set_value (form, "starts_at", starts));
  g_assert_true (wd_form_dialog_set_value (form, "ends_at", ends));
  g_assert_true (wd_form_dialog_set_value (form, "venue", "改到二楼会议室"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (has_problem, fx, "the server to refuse the new time");
  wd_ui_wait (up_to_date, fx, "the refused correction to leave the outbox");

  form = open_again (fx, "order.update");
  entered = wd_form_dialog_read_args (form);
  g_assert_cmpstr (json_object_get_string_member (entered, "venue"), ==, "改到二楼会议室");
  g_assert_false (json_object_has_member (entered, "starts_at"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the correction saved again to reach the server");
  g_assert_cmpuint (count_problems (fx), ==, 0);
  g_assert_cmpint (server_count (fx, "SELECT count (*) FROM orders WHERE id = 'office-order-1'"
                                      " AND venue = '改到二楼会议室' AND state = 'dispatched'"), ==, 1);
  g_assert_cmpint (server_count (fx, "SELECT starts_at FROM orders WHERE id = 'office-order-1'"), ==,
                   json_object_get_int_member (order, "starts_at"));
}

/* An order placed offline that the server refuses keeps what was typed:
 * Place Again opens the form as it was, with the reason, and once it is
 * placed the problem goes. */
static void
test_refused_order_placed_again (SyncFixture   *fx,
                                 gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(JsonObject) typed = NULL;
  WdFormDialog *form;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");

  /* The desk's clock is three days slow: tomorrow here is past there. */
  wd_workspace_set_clock (fx->workspace, now - 3 * 86400);
  form = new_order_form (fx, "被拒后重下的讲座");
  wd_form_dialog_set_value (form, "notes", "请带投影仪");
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (has_problem, fx, "the server to refuse the order");
  wd_workspace_set_clock (fx->workspace, 0);
  wd_ui_wait (up_to_date, fx, "the refused order to leave the outbox");

  g_assert_null (order_titled (fx, "被拒后重下的讲座"));
  form = open_again (fx, "order.create");
  typed = wd_form_dialog_read_args (form);
  g_assert_cmpstr (json_object_get_string_member (typed, "title"), ==, "被拒后重下的讲座");
  g_assert_cmpstr (json_object_get_string_member (typed, "contact_name"), ==, "刘洋");
  g_assert_cmpstr (json_object_get_string_member (typed, "notes"), ==, "请带投影仪");

  /* A week on, and placed. */
  {
    g_autoptr(GDateTime) week = g_date_time_new_from_unix_local (now + 7 * 86400);
    g_autofree char *date = g_date_time_format (week, "%Y-%m-%d");
    g_autofree char *starts = g_strdup_printf ("%s 09:00", date);
    g_autofree char *ends = g_strdup_printf ("%s 10:30", date);

    g_assert_true (wd_form_dialog_set_value (form, "starts_at", starts));
    g_assert_true (wd_form_dialog_set_value (form, "ends_at", ends));
  }
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the order placed again to reach the server");
  g_assert_cmpuint (count_problems (fx), ==, 0);
  {
    g_autoptr(JsonObject) placed = order_titled (fx, "被拒后重下的讲座");

    g_assert_nonnull (placed);
    g_assert_nonnull (json_object_get_string_member_with_default (placed, "number", NULL));
    g_assert_cmpstr (json_object_get_string_member (placed, "notes"), ==, "请带投影仪");
  }
}

/* A new team whose name another desk took meanwhile: Edit Again opens
 * the team's form as it was entered, and saved under another name the
 * team reaches the server. */
static void
test_refused_team_edited_again (SyncFixture   *fx,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) entered = NULL;
  WdFormDialog *form;

  sign_in_with_dialog (fx, "centre");
  wd_ui_wait (up_to_date, fx, "the first sync");
  {
    g_autoptr(JsonObject) team = wd_json_parse_object ("{\"id\":\"team-elsewhere\",\"name\":\"燕山红马甲服务队\","
                                                       "\"leader\":\"王五\",\"phone\":\"13900000000\"}", -1, NULL);

    push_from_elsewhere (fx, "centre", "team.upsert", team);
  }

  form = wd_forms_edit_team (GTK_WIDGET (fx->window), fx->workspace, NULL);
  g_assert_true (wd_form_dialog_set_value (form, "name", "燕山红马甲服务队"));
  g_assert_true (wd_form_dialog_set_value (form, "leader", "赵六"));
  g_assert_true (wd_form_dialog_set_value (form, "phone", "13811112222"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (has_problem, fx, "the server to refuse the team");
  wd_ui_wait (up_to_date, fx, "the refused team to leave the outbox");

  form = open_again (fx, "team.upsert");
  entered = wd_form_dialog_read_args (form);
  g_assert_cmpstr (json_object_get_string_member (entered, "leader"), ==, "赵六");
  g_assert_true (wd_form_dialog_set_value (form, "name", "燕山红马甲服务二队"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the team saved again to reach the server");
  g_assert_cmpuint (count_problems (fx), ==, 0);
  g_assert_cmpint (server_count (fx, "SELECT count (*) FROM teams WHERE name = '燕山红马甲服务二队'"
                                      " AND leader = '赵六'"), ==, 1);
}

static gboolean
is_visible_check (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_CHECK_BUTTON (widget) && gtk_widget_get_visible (widget);
}

static gboolean
is_row_with_subtitle (GtkWidget     *widget,
                      gconstpointer  subtitle)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget)
      && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), subtitle) == 0;
}

static gboolean
signed_out (gpointer data)
{
  SyncFixture *fx = data;

  return wd_sync_engine_get_state (wd_workspace_get_engine (fx->workspace)) == WD_SYNC_STATE_SIGNED_OUT;
}

/* Signs in with the dialog as it is and returns what it says, or NULL
 * once signed in. */
static const char *
try_sign_in (WdLoginDialog *login)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (login), "login.sign-in", NULL));
  /* The dialog closes itself once signed in. */
  while (gtk_widget_get_visible (GTK_WIDGET (login)) && wd_login_dialog_get_error (login) == NULL)
    g_main_context_iteration (NULL, TRUE);
  return wd_login_dialog_get_error (login);
}

static gboolean
acts_for_dianliu_with_its_copy (gpointer data)
{
  SyncFixture *fx = data;
  sqlite3 *db = wd_store_get_db (wd_workspace_get_store (fx->workspace));

  return g_strcmp0 (wd_workspace_get_actor (fx->workspace)->subdistrict_id, "dianliu") == 0
      && up_to_date (fx)
      && count_in (db, "SELECT count (*) FROM orders WHERE subdistrict_id IS NOT 'dianliu'") == 0
      && count_in (db, "SELECT count (*) FROM orders") > 0;
}

/* The keyring's part, without a keyring: the password of the account. */
static char *
office_password (const char *server,
                 const char *user,
                 gpointer    data)
{
  SyncFixture *fx = data;

  g_assert_cmpstr (user, ==, "office");
  return g_strdup (g_hash_table_lookup (fx->server.passwords, "office"));
}

/* The administrator moves the office's account to another sub-district
 * while the desk is open (`wudan-server user set`): the session ends, the
 * desk signs in again by itself with the password the keyring keeps, and
 * from then on acts for the new sub-district and holds its copy; what it
 * places is placed there. (Without a password at hand it asks for the
 * sign-in, as /ui-sync/certificate-trusted-at-sign-in shows.) */
static void
test_account_moved_to_another_office (SyncFixture   *fx,
                                      gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  WdFormDialog *form;

  sign_in_with_dialog (fx, "office");
  wd_ui_wait (holds_office_copy, fx, "the desk to hold the office's copy");
  wd_sync_engine_set_password_func (wd_workspace_get_engine (fx->workspace), office_password, fx, NULL);

  g_assert_cmpint (wd_test_run_server (NULL, &out, &err, "user", "set", "--db", fx->server.db, "--name", "office",
                                       "--subdistrict", "甸柳街道", NULL), ==, 0);
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (acts_for_dianliu_with_its_copy, fx, "the desk to act for dianliu and hold its copy");

  form = new_order_form (fx, "搬迁后的讲座");
  g_assert_true (wd_form_dialog_set_value (form, "subdistrict_id", "dianliu"));
  g_assert_true (wd_form_dialog_apply (form));
  wd_ui_wait (up_to_date, fx, "the order to reach the server");
  g_assert_cmpint (server_count (fx, "SELECT count (*) FROM orders WHERE title = '搬迁后的讲座'"
                                      " AND subdistrict_id = 'dianliu'"), ==, 1);
  g_assert_cmpint (count_problems (fx), ==, 0);
}

/* A district server with a certificate of its own: the sign-in says this
 * computer does not trust it and shows its fingerprint; nothing is
 * trusted until the user says so, and then the desk syncs. */
static void
test_certificate_trusted_at_sign_in (SyncFixture   *fx,
                                     gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("wudan-ui-cert-XXXXXX", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(WdLoginDialog) login = NULL;
  GtkWidget *trust;
  WdTestServer tls;
  const char *said;

  if (!wd_test_make_certificate (dir, "district", &cert, &key))
    {
      g_test_skip ("openssl is not installed");
      g_rmdir (dir);
      return;
    }
  {
    const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    wd_test_server_start (&tls, NULL, args);
  }
  login = g_object_ref (wd_login_dialog_new (GTK_WINDOW (fx->window), fx->workspace));
  gtk_window_present (GTK_WINDOW (login));
  wd_login_dialog_fill (login, tls.base, "centre", g_hash_table_lookup (tls.passwords, "centre"));
  said = try_sign_in (login);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "does not trust"));
  g_assert_nonnull (strstr (said, tls.fingerprint));
  trust = wd_ui_find_widget (GTK_WIDGET (login), is_visible_check, NULL);
  g_assert_nonnull (trust);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (trust)));

  /* Signing in again is refused the same until the box is ticked. */
  said = try_sign_in (login);
  g_assert_nonnull (said);
  g_assert_false (wd_workspace_is_signed_in (fx->workspace));

  gtk_check_button_set_active (GTK_CHECK_BUTTON (trust), TRUE);
  said = try_sign_in (login);
  g_assert_null (said);
  wd_ui_wait (up_to_date, fx, "the first sync over TLS");
  g_assert_cmpstr (wd_workspace_get_actor (fx->workspace)->user, ==, "centre");
  /* Preferences show what the desk trusts. */
  {
    GtkWindow *prefs = GTK_WINDOW (wd_preferences_window_new (GTK_WINDOW (fx->window), fx->workspace));

    gtk_window_present (prefs);
    wd_ui_settle ();
    g_assert_nonnull (wd_ui_find_widget (GTK_WIDGET (prefs), is_row_with_subtitle, tls.fingerprint));
    gtk_window_destroy (prefs);
  }
  gtk_window_destroy (GTK_WINDOW (login));
  g_clear_object (&login);

  /* The certificate replaced on the server: the desk is signed out, says
   * why, and trusts the new one only when told to at the next sign-in. */
  {
    g_autofree char *new_cert = NULL;
    g_autofree char *new_key = NULL;

    g_assert_true (wd_test_make_certificate (dir, "renewed", &new_cert, &new_key));
    g_assert_true (g_rename (new_cert, cert) == 0 && g_rename (new_key, key) == 0);
  }
  wd_test_server_restart (&tls, NULL);
  wd_sync_engine_sync_now (wd_workspace_get_engine (fx->workspace));
  wd_ui_wait (signed_out, fx, "the replaced certificate to be refused");
  wd_ui_settle ();
  g_assert_cmpstr (status (fx), ==, "Signed out");
  g_assert_nonnull (wd_ui_find_widget (wd_window_get_sync_indicator (fx->window), label_mentions,
                                       "not the one this computer trusted"));

  /* The sign-in the app then asks for says why before anything is typed. */
  login = g_object_ref (wd_login_dialog_new (GTK_WINDOW (fx->window), fx->workspace));
  gtk_window_present (GTK_WINDOW (login));
  g_assert_nonnull (wd_login_dialog_get_error (login));
  g_assert_nonnull (strstr (wd_login_dialog_get_error (login), "not the one this computer trusted"));
  wd_login_dialog_fill (login, tls.base, "centre", g_hash_table_lookup (tls.passwords, "centre"));
  said = try_sign_in (login);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, tls.fingerprint));
  trust = wd_ui_find_widget (GTK_WIDGET (login), is_visible_check, NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (trust), TRUE);
  g_assert_null (try_sign_in (login));
  wd_ui_wait (up_to_date, fx, "a sync with the renewed certificate");

  wd_workspace_sign_out (fx->workspace, NULL);
  wd_test_server_stop (&tls);
  wd_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui-sync/sign-in-sync-and-work-offline", SyncFixture, NULL, sync_setup,
              test_sign_in_sync_and_work_offline, sync_teardown);
  g_test_add ("/ui-sync/another-clerk", SyncFixture, NULL, sync_setup, test_another_clerk, sync_teardown);
  g_test_add ("/ui-sync/clock-far-off", SyncFixture, NULL, sync_setup, test_clock_far_off, sync_teardown);
  g_test_add ("/ui-sync/account-moved-to-another-office", SyncFixture, NULL, sync_setup,
              test_account_moved_to_another_office, sync_teardown);
  g_test_add ("/ui-sync/refused-correction-edited-again", SyncFixture, NULL, sync_setup,
              test_refused_correction_edited_again, sync_teardown);
  g_test_add ("/ui-sync/corrections-of-two-desks-both-stand", SyncFixture, NULL, sync_setup,
              test_corrections_of_two_desks_both_stand, sync_teardown);
  g_test_add ("/ui-sync/catalogue-edits-of-two-desks", SyncFixture, NULL, sync_setup,
              test_catalogue_edits_of_two_desks, sync_teardown);
  g_test_add ("/ui-sync/refused-delivery-correction-corrected-again", SyncFixture, NULL, sync_setup,
              test_refused_delivery_correction_corrected_again, sync_teardown);
  g_test_add ("/ui-sync/refused-order-placed-again", SyncFixture, NULL, sync_setup,
              test_refused_order_placed_again, sync_teardown);
  g_test_add ("/ui-sync/refused-team-edited-again", SyncFixture, NULL, sync_setup,
              test_refused_team_edited_again, sync_teardown);
  g_test_add ("/ui-sync/certificate-trusted-at-sign-in", SyncFixture, NULL, sync_setup,
              test_certificate_trusted_at_sign_in, sync_teardown);
  return g_test_run ();
}
