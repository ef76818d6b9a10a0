/* wd-screenshots.c: a PNG of each view of the main window on the demo
 * district, in the language of the environment. Run by
 * data/screenshots/update; the PNGs go into the AppStream metainfo. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "wd-dispatch-dialog.h"
#include "wd-import-dialog.h"
#include "wd-report-view.h"
#include "wd-time.h"
#include "wd-ui-test-util.h"

static void
wait_a_moment (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static gboolean
save_png (GtkWidget   *widget,
          const char  *path,
          GError     **error)
{
  g_autoptr(GdkTexture) texture = wd_ui_render (widget);

  if (texture == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing was drawn for %s", path);
      return FALSE;
    }
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s could not be written", path);
      return FALSE;
    }
  g_print ("%s\n", path);
  return TRUE;
}

static gboolean
dispatch_ready (gpointer data)
{
  return !wd_dispatch_dialog_get_loading (data);
}

/* The demo's "now" opens a month: the month before has its figures. */
static void
show_last_month (WdUiFixture *fx)
{
  WdReportView *view = WD_REPORT_VIEW (wd_window_get_view_widget (fx->window, "reports"));
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (fx->workspace));
  g_autofree char *month = wd_time_format_local (wd_time_day_start (fx->now, tz) - 86400 * 7, tz, "%Y-%m");

  wd_report_view_set_month (view, month);
}

static gboolean
is_scroller (GtkWidget     *widget,
             gconstpointer  data)
{
  return GTK_IS_SCROLLED_WINDOW (widget);
}

static gboolean
import_checked (gpointer data)
{
  return !wd_import_dialog_is_busy (data) && wd_import_dialog_get_import (data) != NULL;
}

int
main (int    argc,
      char **argv)
{
  const char *views[] = { "market", "speakers", "board", "callbacks", "rewards", "schedule", "reports" };
  const char *out = argc > 1 ? argv[1] : ".";
  g_autoptr(GError) error = NULL;
  WdUiFixture fx = { 0 };
  GtkWindow *page;
  GtkWindow *dispatch;
  g_autofree char *order_id = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("WUDAN_LOCALEDIR") ? g_getenv ("WUDAN_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_init ();
  adw_init ();

  wd_ui_fixture_setup (&fx, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fx.window), 1280, 800);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.png", views[i]);
      g_autofree char *path = g_build_filename (out, name, NULL);

      wd_ui_show_view (&fx, views[i]);
      if (g_str_equal (views[i], "reports"))
        show_last_month (&fx);
      wait_a_moment (600);
      if (!save_png (GTK_WIDGET (fx.window), path, &error))
        g_error ("%s", error->message);
    }

  /* An order waiting for dispatch, its page and the candidates. */
  {
    WdOrderFilter filter = { .state = "ordered", .from = fx.now + 86400 };
    g_autoptr(GArray) keys = wd_store_order_keys (wd_workspace_get_store (fx.workspace), &filter, NULL, NULL);
    g_autoptr(JsonArray) rows = wd_store_get_rows (wd_workspace_get_store (fx.workspace), "order",
                                                   (gint64 *) keys->data, MIN (keys->len, 1), NULL);
    g_autofree char *page_path = g_build_filename (out, "order.png", NULL);
    g_autofree char *dispatch_path = g_build_filename (out, "dispatch.png", NULL);

    g_assert (json_array_get_length (rows) == 1);
    order_id = g_strdup (json_object_get_string_member (json_array_get_object_element (rows, 0), "id"));
    page = wd_window_show_order (fx.window, order_id);
    wait_a_moment (600);
    if (!save_png (GTK_WIDGET (page), page_path, &error))
      g_error ("%s", error->message);
    gtk_widget_activate_action (GTK_WIDGET (page), "order.dispatch", NULL);
    wait_a_moment (100);
    dispatch = wd_ui_find_window (WD_TYPE_DISPATCH_DIALOG);
    wd_ui_wait (dispatch_ready, dispatch, "the candidates");
    wait_a_moment (600);
    if (!save_png (GTK_WIDGET (dispatch), dispatch_path, &error))
      g_error ("%s", error->message);
  }

  /* The profile of the speaker who served most this year, with the
   * service record certificate the centre issued them. */
  {
    WdStore *store = wd_workspace_get_store (fx.workspace);
    GTimeZone *tz = wd_store_get_time_zone (store);
    g_autoptr(JsonArray) speakers = wd_store_list_all (store, "speaker", NULL);
    g_autofree char *speaker_path = g_build_filename (out, "speaker.png", NULL);
    g_autofree char *from = wd_time_format_local (fx.now, tz, "%Y-01-01");
    g_autofree char *to = wd_time_format_local (fx.now, tz, "%Y-%m-%d");
    g_autoptr(JsonObject) args = json_object_new ();
    gint64 year_start = 0;
    const char *busiest = NULL;
    guint most = 0;

    wd_date_parse (from, tz, &year_start, NULL);
    for (guint i = 0; i < json_array_get_length (speakers); i++)
      {
        const char *id = json_object_get_string_member (json_array_get_object_element (speakers, i), "id");
        g_autoptr(JsonArray) record = wd_store_list_service_record (store, WD_ASSIGNEE_SPEAKER, id, year_start,
                                                                    fx.now, NULL);

        if (record != NULL && json_array_get_length (record) > most)
          {
            most = json_array_get_length (record);
            busiest = id;
          }
      }
    g_assert (busiest != NULL);
    json_object_set_string_member (args, "holder_kind", "speaker");
    json_object_set_string_member (args, "holder_id", busiest);
    json_object_set_string_member (args, "from", from);
    json_object_set_string_member (args, "to", to);
    json_object_set_string_member (args, "purpose", "年度优秀志愿者评选");
    if (!wd_workspace_apply (fx.workspace, "certificate.issue", args, NULL, &error))
      g_error ("%s", error->message);
    page = wd_window_show_speaker (fx.window, busiest);
    wait_a_moment (600);
    /* Down to the certificates, under the lectures. */
    {
      GtkWidget *scroller = wd_ui_find_widget (GTK_WIDGET (page), is_scroller, NULL);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      wait_a_moment (300);
    }
    if (!save_png (GTK_WIDGET (page), speaker_path, &error))
      g_error ("%s", error->message);
  }

  /* A team's page, as the project page's Team row opens it. */
  {
    g_autoptr(JsonArray) projects = wd_store_list_all (wd_workspace_get_store (fx.workspace), "project", NULL);
    g_autofree char *team_path = g_build_filename (out, "team.png", NULL);
    const char *team_id = json_object_get_string_member (json_array_get_object_element (projects, 0), "team_id");

    page = wd_window_show_team (fx.window, team_id);
    wait_a_moment (600);
    if (!save_png (GTK_WIDGET (page), team_path, &error))
      g_error ("%s", error->message);
  }

  /* A spreadsheet from an office, one row of it wrong, in the import
   * dialog's dry run. */
  {
    static const char sheet[] = "姓名,手机号码,宣讲主题,所属街道,工作单位\r\n"
                                "孙立新,13900001111,党史、心理健康,千佛山街道,山东大学附属中学\r\n"
                                "周晓敏,13900002222,法治宣传,甸柳街道,泉城律师事务所\r\n"
                                "陈建国,1390000,百姓故事,文东街道,退休教师\r\n";
    g_autofree char *import_path = g_build_filename (out, "import.png", NULL);
    g_autoptr(GBytes) contents = g_bytes_new_static (sheet, sizeof sheet - 1);
    WdImportDialog *dialog = wd_import_dialog_new (GTK_WINDOW (fx.window), fx.workspace);

    gtk_window_present (GTK_WINDOW (dialog));
    wd_import_dialog_load_bytes (dialog, contents, "宣讲员名单.csv");
    wd_ui_wait (import_checked, dialog, "the dry run");
    wait_a_moment (600);
    if (!save_png (GTK_WIDGET (dialog), import_path, &error))
      g_error ("%s", error->message);
  }

  wd_ui_fixture_teardown (&fx, NULL);
  return 0;
}
