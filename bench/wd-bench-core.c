/* wd-bench-core: generates a district of any size through the operations,
 * then measures Chinese search and paged listing on it. Numbers go to
 * bench/README.md. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "wd-bench-stats.h"
#include "wd-demo.h"
#include "wd-search.h"
#include "wd-store.h"

static int n_orders = 100000;
static int n_speakers = 5000;
static int repeats = 50;
static char *store_path = NULL;
static gboolean reuse = FALSE;

static const GOptionEntry entries[] = {
  { "orders", 0, 0, G_OPTION_ARG_INT, &n_orders, "Orders to simulate", "N" },
  { "speakers", 0, 0, G_OPTION_ARG_INT, &n_speakers, "Speakers to enrol", "N" },
  { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Runs of each measurement", "N" },
  { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "Store file (default: a temporary one)", "PATH" },
  { "reuse", 0, 0, G_OPTION_ARG_NONE, &reuse, "Measure an existing store instead of generating", NULL },
  G_OPTION_ENTRY_NULL
};

static void
report (const char *what,
        GArray     *ms)
{
  WdBenchStats stats = wd_bench_stats (ms);

  printf ("%-44s median %7.3f ms   p95 %7.3f ms   max %7.3f ms\n", what, stats.median, stats.p95, stats.max);
}

static void
bench_search (WdStore       *store,
              const char    *query,
              WdSearchScope  scope,
              const char    *label)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *what = NULL;
  guint hits = 0;

  for (int i = 0; i < repeats; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) result = wd_store_search (store, query, scope, 20, NULL);
      double elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;

      g_array_append_val (ms, elapsed);
      hits = result->len;
    }
  what = g_strdup_printf ("search %s “%s” (%u hits)", label, query, hits);
  report (what, ms);
}

static void
bench_pages (WdStore             *store,
             const WdOrderFilter *filter,
             const char          *label)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *cursor = NULL;
  guint pages = 0;

  /* Walk the whole list page by page, as a scrolling view would. */
  do
    {
      g_autofree char *next = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(JsonArray) page = wd_store_list_orders (store, filter, cursor, 100, &next, NULL);
      double elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;

      g_array_append_val (ms, elapsed);
      g_free (cursor);
      cursor = g_steal_pointer (&next);
      pages++;
    }
  while (cursor != NULL);

  {
    g_autofree char *what = g_strdup_printf ("page of 100 orders, %s (%u pages)", label, pages);

    report (what, ms);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the Wudan core");
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = wd_demo_find_data ();
  WdOrderFilter all = { 0 }, rated = { .state = "rated" }, one_sd = { .subdistrict_id = "dianliu" };
  static const char * const queries[] = { "王", "李", "党史", "心理", "社区", "街道", "民法典", "5678" };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (store_path == NULL)
    {
      dir = g_dir_make_tmp ("wudan-bench-XXXXXX", NULL);
      store_path = g_build_filename (dir, "bench.db", NULL);
    }

  store = wd_store_open (store_path, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  if (!reuse)
    {
      WdDemoOptions options;
      gint64 start;
      double seconds;

      wd_demo_options_init (&options);
      options.orders = (guint) n_orders;
      options.speakers = (guint) n_speakers;
      options.use_matching = FALSE;
      options.batch = 10000;
      options.rewards = FALSE;
      /* Keep the demo's density of events, so bookings clash as often. */
      options.span_days = MAX (28, (guint) ((gint64) n_orders * 28 / 360));

      start = g_get_monotonic_time ();
      if (!wd_demo_load (store, data, g_get_real_time () / G_USEC_PER_SEC, &options, &error))
        g_error ("%s", error->message);
      seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      printf ("generated %d orders and %d speakers through the operations in %.1f s (%.0f orders/s)\n",
              n_orders, n_speakers, seconds, n_orders / seconds);
    }

  {
    g_autoptr(JsonObject) counts = wd_store_count_orders (store, NULL, "state", NULL);
    g_autoptr(GList) states = json_object_get_members (counts);

    printf ("orders by state:");
    for (GList *l = states; l; l = l->next)
      printf (" %s %" G_GINT64_FORMAT, (char *) l->data, json_object_get_int_member (counts, l->data));
    printf ("\n\n");
  }

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    bench_search (store, queries[i], WD_SEARCH_ALL, "all kinds");
  bench_search (store, "王", WD_SEARCH_ORDERS, "orders only");
  bench_search (store, "党史", WD_SEARCH_SPEAKERS, "speakers only");
  printf ("\n");
  bench_pages (store, &all, "all orders");
  bench_pages (store, &rated, "state rated");
  bench_pages (store, &one_sd, "one sub-district");

  if (dir != NULL)
    {
      g_clear_object (&store);
      for (const char * const *s = (const char * const[]) { "", "-wal", "-shm", NULL }; *s; s++)
        {
          g_autofree char *file = g_strconcat (store_path, *s, NULL);

          g_unlink (file);
        }
      g_rmdir (dir);
    }
  return 0;
}
