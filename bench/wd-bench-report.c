/* wd-bench-report: how long the printed documents take: the event
 * schedule of a busy fortnight rendered to PDF, the monthly report, and
 * CSV export and import of the speaker library. Numbers go to
 * bench/README.md. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gstdio.h>

#include "wd-bench-stats.h"
#include "wd-csv.h"
#include "wd-demo.h"
#include "wd-export.h"
#include "wd-import.h"
#include "wd-operations.h"
#include "wd-report-document.h"
#include "wd-schedule-document.h"
#include "wd-time.h"

static int n_orders = 1200;
static int n_speakers = 2000;
static int repeats = 7;

static const GOptionEntry entries[] = {
  { "orders", 0, 0, G_OPTION_ARG_INT, &n_orders, "Orders in the fortnight around now", "N" },
  { "speakers", 0, 0, G_OPTION_ARG_INT, &n_speakers, "Speakers in the library", "N" },
  { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Runs of each measurement", "N" },
  G_OPTION_ENTRY_NULL
};

static void
report (const char *what,
        GArray     *ms)
{
  WdBenchStats stats = wd_bench_stats (ms);

  printf ("%-48s median %8.1f ms   max %8.1f ms\n", what, stats.median, stats.max);
}

static double
elapsed_ms (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_schedule (WdStore    *store,
                const char *pdf,
                gint64      now,
                gboolean    landscape)
{
  g_autoptr(GArray) load = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) render = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(WdActor) reader = wd_actor_new ("bench", WD_ROLE_CENTRE);
  WdScheduleRange range = { .from = now - 8 * 86400, .to = now + 8 * 86400 };
  g_autofree char *what = NULL;
  guint events = 0, pages = 0;

  for (int i = 0; i < repeats; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(WdScheduleDocument) document = wd_schedule_document_new (store, &range, reader, now, &error);
      double ms;

      g_assert_no_error (error);
      ms = elapsed_ms (start);
      g_array_append_val (load, ms);
      wd_print_document_set_landscape (WD_PRINT_DOCUMENT (document), landscape);
      start = g_get_monotonic_time ();
      if (!wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error))
        g_error ("%s", error->message);
      ms = elapsed_ms (start);
      g_array_append_val (render, ms);
      events = wd_schedule_document_get_n_events (document);
      pages = wd_print_document_get_n_pages (WD_PRINT_DOCUMENT (document));
    }
  what = g_strdup_printf ("schedule %s, %u events: read", landscape ? "landscape" : "portrait", events);
  report (what, load);
  g_free (what);
  what = g_strdup_printf ("schedule %s, %u events: %u pages to PDF", landscape ? "landscape" : "portrait",
                          events, pages);
  report (what, render);
}

static void
bench_monthly (WdStore    *store,
               const char *pdf,
               gint64      now)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *month = wd_time_format_local (now, wd_store_get_time_zone (store), "%Y-%m");

  for (int i = 0; i < repeats; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(WdReportDocument) document = wd_report_document_new (store, month, now, &error);
      double elapsed;

      if (document == NULL || !wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error))
        g_error ("%s", error->message);
      elapsed = elapsed_ms (start);
      g_array_append_val (ms, elapsed);
    }
  report ("monthly report, figures and charts to PDF", ms);
}

static gboolean
apply_as_admin (const char  *kind,
                JsonObject  *args,
                gpointer     user_data,
                GError     **error)
{
  g_autoptr(WdActor) admin = wd_actor_new ("bench", WD_ROLE_ADMIN);

  return wd_operation_apply (user_data, admin, g_get_real_time () / G_USEC_PER_SEC, NULL, kind, args, NULL, error);
}

static double
time_dry_run (WdStore    *store,
              GString    *csv,
              guint      *rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WdImport) import = wd_import_new (store, "speaker", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (csv->str, csv->len);
  gint64 start = g_get_monotonic_time ();
  double ms;

  if (!wd_import_load (import, bytes, &error) || !wd_import_run (import, TRUE, apply_as_admin, store, &error))
    g_error ("%s", error->message);
  ms = elapsed_ms (start);
  *rows = wd_import_get_rows (import)->len;
  return ms;
}

/* A sheet of as many new speakers as the library holds: every row is
 * applied (and rolled back), not only compared. */
static GString *
new_speakers_sheet (guint n)
{
  GString *csv = g_string_new ("姓名,电话,宣讲主题,所属街道,工作单位\r\n");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("新讲师%04u", i);
      g_autofree char *phone = g_strdup_printf ("1390000%04u", i);
      const char *cells[] = { name, phone, i % 2 ? "党史、心理健康" : "法治宣传", "千佛山街道", "历下区某单位" };

      wd_csv_append_row (csv, cells, G_N_ELEMENTS (cells));
    }
  return csv;
}

static void
bench_csv (WdStore *store)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) same = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(WdActor) reader = wd_actor_new ("bench", WD_ROLE_CENTRE);
  g_autoptr(GString) sheet = new_speakers_sheet ((guint) n_speakers);
  g_autofree char *what = NULL;
  guint rows = 0, new_rows = 0;

  for (int i = 0; i < repeats; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      if (!wd_export_csv (text, store, "speaker", NULL, reader, &error))
        g_error ("%s", error->message);
      ms = elapsed_ms (start);
      g_array_append_val (out, ms);
      ms = time_dry_run (store, text, &rows);
      g_array_append_val (same, ms);
      ms = time_dry_run (store, sheet, &new_rows);
      g_array_append_val (fresh, ms);
    }
  what = g_strdup_printf ("speakers to CSV (%u rows)", rows);
  report (what, out);
  g_free (what);
  what = g_strdup_printf ("dry run of that file, nothing changed (%u rows)", rows);
  report (what, same);
  g_free (what);
  what = g_strdup_printf ("dry run of %u new speakers, each applied", new_rows);
  report (what, fresh);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time the printed documents");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wudan-bench-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *pdf = g_build_filename (dir, "out.pdf", NULL);
  g_autofree char *data = wd_demo_find_data ();
  g_autoptr(WdStore) store = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  WdDemoOptions options;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  store = wd_store_open (path, &error);
  wd_demo_options_init (&options);
  options.orders = (guint) n_orders;
  options.speakers = (guint) n_speakers;
  options.span_days = 7;
  options.use_matching = FALSE;
  if (store == NULL || !wd_demo_load (store, data, now, &options, &error))
    g_error ("%s", error->message);

  bench_schedule (store, pdf, now, FALSE);
  bench_schedule (store, pdf, now, TRUE);
  bench_monthly (store, pdf, now);
  bench_csv (store);

  g_clear_object (&store);
  g_unlink (path);
  g_unlink (pdf);
  g_rmdir (dir);
  return 0;
}
