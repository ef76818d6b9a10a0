/* wd-bench-stats.c: median, 95th percentile and worst of samples. */
#include "config.h"

#include "wd-bench-stats.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

WdBenchStats
wd_bench_stats (GArray *samples)
{
  WdBenchStats stats = { samples->len, 0, 0, 0 };

  if (samples->len == 0)
    return stats;
  g_array_sort (samples, compare_doubles);
  stats.median = g_array_index (samples, double, samples->len / 2);
  stats.p95 = g_array_index (samples, double, (samples->len * 95) / 100);
  stats.max = g_array_index (samples, double, samples->len - 1);
  return stats;
}
