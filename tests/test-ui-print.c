/* test-ui-print.c: printing, reports and data exchange through the real
 * window on the demo district: the schedule and the monthly report go
 * through GtkPrintOperation to a PDF that is read back, and a spreadsheet
 * is imported through the dialog's dry run. */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "wd-csv.h"
#include "wd-import-dialog.h"
#include "wd-json.h"
#include "wd-order-window.h"
#include "wd-printing.h"
#include "wd-report-view.h"
#include "wd-row.h"
#include "wd-schedule-view.h"
#include "wd-time.h"
#include "wd-ui-test-util.h"
#include "wd-ui-util.h"

typedef struct
{
  GObject      *document;
  GAsyncResult *result;
} Built;

static void
on_built (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Built *built = user_data;

  built->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Built *) data)->result != NULL;
}

static char *
pdf_text (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static GtkWidget *find_descendant (GtkWidget *widget, GType type, const char *action);

/* The schedule view's Print goes through GtkPrintOperation: its "Print
 * to File" gives the pages a printer would get. */
static void
test_schedule_printed (WdUiFixture   *fx,
                       gconstpointer  data)
{
  WdScheduleView *view = WD_SCHEDULE_VIEW (wd_window_get_view_widget (fx->window, "schedule"));
  GListModel *events = G_LIST_MODEL (wd_schedule_view_get_model (view));
  g_autofree char *pdf = g_build_filename (fx->dir, "schedule.pdf", NULL);
  g_autoptr(WdScheduleDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) first = NULL;
  g_autofree char *text = NULL;
  Built built = { 0 };

  wd_ui_show_view (fx, "schedule");
  g_assert_cmpuint (g_list_model_get_n_items (events), >, 0);
  first = g_list_model_get_item (events, 0);

  wd_schedule_view_build_document_async (view, NULL, on_built, &built);
  wd_ui_wait (has_result, &built, "the schedule to be read");
  document = wd_schedule_view_build_document_finish (view, built.result, &error);
  g_clear_object (&built.result);
  g_assert_no_error (error);
  /* The printout holds what the view lists. */
  g_assert_cmpuint (wd_schedule_document_get_n_events (document), ==, g_list_model_get_n_items (events));

  g_assert_true (wd_printing_print_to_file (GTK_WIDGET (view), WD_PRINT_DOCUMENT (document), pdf, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "volunteer service events"));
  g_assert_nonnull (strstr (text, "Page 1 of"));
  g_assert_nonnull (strstr (text, wd_row_get_string (WD_ROW (first), "title")));
}

/* The work sheets of the shown events: one page for each already
 * dispatched, with the requester's number for the team. */
static void
test_schedule_work_sheets (WdUiFixture   *fx,
                           gconstpointer  data)
{
  WdScheduleView *view = WD_SCHEDULE_VIEW (wd_window_get_view_widget (fx->window, "schedule"));
  GListModel *events = G_LIST_MODEL (wd_schedule_view_get_model (view));
  g_autofree char *pdf = g_build_filename (fx->dir, "sheets.pdf", NULL);
  g_autoptr(WdSheetDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint dispatched = 0;
  Built built = { 0 };

  wd_ui_show_view (fx, "schedule");
  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(WdRow) row = g_list_model_get_item (events, i);
      const char *state = wd_row_get_string (row, "state");

      dispatched += g_str_equal (state, "dispatched") || g_str_equal (state, "accepted");
    }
  g_assert_cmpuint (dispatched, >, 0);

  wd_schedule_view_build_sheets_async (view, NULL, on_built, &built);
  wd_ui_wait (has_result, &built, "the work sheets to be read");
  document = wd_schedule_view_build_sheets_finish (view, built.result, &error);
  g_clear_object (&built.result);
  g_assert_no_error (error);
  g_assert_true (wd_printing_print_to_file (GTK_WIDGET (view), WD_PRINT_DOCUMENT (document), pdf, &error));
  g_assert_cmpuint (wd_print_document_get_n_pages (WD_PRINT_DOCUMENT (document)), ==, dispatched);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Volunteer service work sheet"));
}

/* "Next week" prints Monday to Sunday of the coming week, for the notice
 * an office puts up at the end of this one. */
static void
test_schedule_next_week (WdUiFixture   *fx,
                         gconstpointer  data)
{
  WdScheduleView *view = WD_SCHEDULE_VIEW (wd_window_get_view_widget (fx->window, "schedule"));
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (fx->workspace));
  GtkWidget *days = find_descendant (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN, NULL);
  g_autofree char *monday = wd_time_format_local (wd_time_week_start (fx->now, tz, 1), tz, "%Y-%m-%d");
  g_autofree char *sunday = wd_time_format_local (wd_time_week_start (fx->now, tz, 2) - 1, tz, "%Y-%m-%d");
  g_autofree char *period = g_strdup_printf ("Period: %s to %s", monday, sunday);
  g_autofree char *pdf = g_build_filename (fx->dir, "next-week.pdf", NULL);
  g_autoptr(WdScheduleDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Built built = { 0 };

  wd_ui_show_view (fx, "schedule");
  wd_drop_down_set_id (GTK_DROP_DOWN (days), "next-week");
  wd_ui_settle ();
  wd_schedule_view_build_document_async (view, NULL, on_built, &built);
  wd_ui_wait (has_result, &built, "the schedule to be read");
  document = wd_schedule_view_build_document_finish (view, built.result, &error);
  g_clear_object (&built.result);
  g_assert_no_error (error);
  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, period));
}

static gboolean
summary_shown (gpointer data)
{
  return wd_report_view_get_summary (data) != NULL;
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* The first widget of type under widget whose action is action (any,
 * when action is NULL). */
static GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *action)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && (action == NULL || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_report_view (WdUiFixture   *fx,
                  gconstpointer  data)
{
  WdReportView *view = WD_REPORT_VIEW (wd_window_get_view_widget (fx->window, "reports"));
  g_autofree char *pdf = g_build_filename (fx->dir, "report.pdf", NULL);
  g_autofree char *month = NULL;
  g_autoptr(WdReportDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *orders = NULL;
  GtkWidget *figures;
  g_autoptr(JsonObject) summary = NULL;
  Built built = { 0 };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.view", "s", "reports"));
  wd_ui_show_view (fx, "reports");
  wd_ui_wait (summary_shown, view, "the month's figures");

  /* The demo's events lie around now: this month has orders. */
  summary = json_object_ref (wd_report_view_get_summary (view));
  month = wd_time_format_local (fx->now, wd_store_get_time_zone (wd_workspace_get_store (fx->workspace)), "%Y-%m");
  g_assert_cmpstr (wd_report_view_get_month (view), ==, month);
  g_assert_cmpint (wd_json_int (summary, "orders"), >, 0);
  figures = find_descendant (GTK_WIDGET (view), GTK_TYPE_FLOW_BOX, NULL);
  g_assert_cmpuint (count_children (figures), ==, 10);
  g_assert_nonnull (find_descendant (GTK_WIDGET (view), GTK_TYPE_DRAWING_AREA, NULL));

  wd_report_view_build_document_async (view, NULL, on_built, &built);
  wd_ui_wait (has_result, &built, "the report to be read");
  document = wd_report_view_build_document_finish (view, built.result, &error);
  g_clear_object (&built.result);
  g_assert_no_error (error);
  g_assert_true (wd_printing_print_to_file (GTK_WIDGET (view), WD_PRINT_DOCUMENT (document), pdf, &error));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Orders by state"));
  orders = g_strdup_printf ("%" G_GINT64_FORMAT, wd_json_int (summary, "orders"));
  g_assert_nonnull (strstr (text, orders));
}

static gboolean
dialog_idle (gpointer data)
{
  return !wd_import_dialog_is_busy (data);
}

static gboolean
window_gone (gpointer data)
{
  return wd_ui_find_window (WD_TYPE_IMPORT_DIALOG) == NULL;
}

static GBytes *
gb18030 (const char *text)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = wd_csv_encode (text, "GB18030", &error);

  g_assert_no_error (error);
  return bytes;
}

static void
test_import_dialog (WdUiFixture   *fx,
                    gconstpointer  data)
{
  WdStore *store = wd_workspace_get_store (fx->workspace);
  g_autoptr(GBytes) bad = gb18030 ("姓名,电话,宣讲主题,所属街道\r\n"
                                   "孙立新,13900001111,党史,千佛山街道\r\n"
                                   "错号码,123,党史,千佛山街道\r\n");
  g_autoptr(GBytes) good = gb18030 ("姓名,电话,宣讲主题,所属街道\r\n"
                                    "孙立新,13900001111,党史,千佛山街道\r\n"
                                    "周晓敏,13900002222,心理健康,甸柳街道\r\n");
  WdImportDialog *dialog;
  GtkWidget *import_button;
  WdImportRow *problem;
  GPtrArray *rows;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.import", NULL));
  wd_ui_settle ();
  dialog = WD_IMPORT_DIALOG (wd_ui_find_window (WD_TYPE_IMPORT_DIALOG));
  g_assert_nonnull (dialog);
  import_button = find_descendant (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "import.run");
  g_assert_nonnull (import_button);
  g_assert_false (gtk_widget_get_sensitive (import_button));
  wd_import_dialog_set_kind (dialog, "speaker");

  /* One bad row: its line is named and nothing can be imported. */
  wd_import_dialog_load_bytes (dialog, bad, "讲师名单.csv");
  wd_ui_wait (dialog_idle, dialog, "the dry run");
  rows = wd_import_get_rows (wd_import_dialog_get_import (dialog));
  g_assert_cmpuint (rows->len, ==, 2);
  problem = g_ptr_array_index (rows, 1);
  g_assert_cmpint (problem->action, ==, WD_IMPORT_FAILED);
  g_assert_cmpuint (problem->line, ==, 3);
  g_assert_nonnull (strstr (problem->message, "电话"));
  wd_ui_settle ();
  g_assert_false (gtk_widget_get_sensitive (import_button));
  g_assert_null (wd_store_find_id_by_name (store, "speaker", "孙立新", NULL));

  /* The corrected file checks clean, and Import puts both rows in. */
  wd_import_dialog_load_bytes (dialog, good, "讲师名单.csv");
  wd_ui_wait (dialog_idle, dialog, "the dry run");
  g_assert_cmpuint (wd_import_count (wd_import_dialog_get_import (dialog), WD_IMPORT_CREATE), ==, 2);
  g_assert_null (wd_store_find_id_by_name (store, "speaker", "孙立新", NULL));
  wd_ui_settle ();
  g_assert_true (gtk_widget_get_sensitive (import_button));
  g_signal_emit_by_name (import_button, "clicked");
  wd_ui_wait (window_gone, NULL, "the dialog to close after importing");
  first = wd_store_find_id_by_name (store, "speaker", "孙立新", NULL);
  second = wd_store_find_id_by_name (store, "speaker", "周晓敏", NULL);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
}

static gboolean
is_column_row (GtkWidget     *widget,
               gconstpointer  header)
{
  return ADW_IS_COMBO_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), header) == 0;
}

static AdwComboRow *
find_column_row (GtkWidget  *widget,
                 const char *header)
{
  GtkWidget *row = wd_ui_find_widget (widget, is_column_row, header);

  return row ? ADW_COMBO_ROW (row) : NULL;
}

/* A header Wudan does not know is read as the field the user picks. */
static void
test_import_column_mapping (WdUiFixture   *fx,
                            gconstpointer  data)
{
  g_autoptr(GBytes) sheet = g_bytes_new_static ("团队全称,带头人,联络号码,备注\n历山义工队,王强,13900003333,新成立\n",
                                                strlen ("团队全称,带头人,联络号码,备注\n历山义工队,王强,13900003333,新成立\n"));
  WdImportDialog *dialog = wd_import_dialog_new (GTK_WINDOW (fx->window), fx->workspace);
  const char *mapped[][2] = { { "团队全称", "Team" }, { "带头人", "Leader" }, { "联络号码", "Phone" } };

  gtk_window_present (GTK_WINDOW (dialog));
  wd_import_dialog_set_kind (dialog, "team");
  wd_import_dialog_load_bytes (dialog, sheet, "团队.csv");
  wd_ui_wait (dialog_idle, dialog, "the dry run");
  g_assert_cmpuint (wd_import_count (wd_import_dialog_get_import (dialog), WD_IMPORT_FAILED), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (mapped); i++)
    {
      AdwComboRow *row = find_column_row (GTK_WIDGET (dialog), mapped[i][0]);
      GListModel *choices;
      guint n;

      g_assert_nonnull (row);
      choices = adw_combo_row_get_model (row);
      n = g_list_model_get_n_items (choices);
      for (guint c = 0; c < n; c++)
        if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (choices), c), mapped[i][1]))
          adw_combo_row_set_selected (row, c);
      wd_ui_wait (dialog_idle, dialog, "the dry run after mapping a column");
    }
  g_assert_cmpuint (wd_import_count (wd_import_dialog_get_import (dialog), WD_IMPORT_FAILED), ==, 0);
  g_assert_cmpuint (wd_import_count (wd_import_dialog_get_import (dialog), WD_IMPORT_CREATE), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
chooser_open (gpointer data)
{
  return wd_ui_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

/* Export List writes what a list view shows; a view without a list has
 * nothing to export, and the action does nothing there. */
static void
test_export_list_where_lists_are (WdUiFixture   *fx,
                                  gconstpointer  data)
{
  const char *views[][2] = { { "speakers", "Speakers.csv" }, { "rewards", "Rewards.csv" } };

  wd_ui_show_view (fx, "reports");
  gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.export-csv", NULL);
  wd_ui_settle ();
  g_assert_null (wd_ui_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG));

  /* A list model's rows (speakers) and rows a view holds (the fund's
   * ledger) alike. */
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      GtkWindow *chooser;
      g_autofree char *name = NULL;

      wd_ui_show_view (fx, views[i][0]);
      wd_ui_settle ();
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.export-csv", NULL));
      wd_ui_wait (chooser_open, NULL, "the save dialog");
      chooser = wd_ui_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG);
      name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
      g_assert_cmpstr (name, ==, views[i][1]);
      gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
      wd_ui_settle ();
    }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/ui-print/" path, WdUiFixture, NULL, wd_ui_fixture_setup, func, wd_ui_fixture_teardown)
  ADD ("schedule-printed", test_schedule_printed);
  ADD ("schedule-next-week", test_schedule_next_week);
  ADD ("schedule-work-sheets", test_schedule_work_sheets);
  ADD ("report-view", test_report_view);
  ADD ("import-dialog", test_import_dialog);
  ADD ("import-column-mapping", test_import_column_mapping);
  ADD ("export-list", test_export_list_where_lists_are);
#undef ADD

  return g_test_run ();
}
