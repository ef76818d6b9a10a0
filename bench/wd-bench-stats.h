/* wd-bench-stats.h: the figures every benchmark reports of its samples. */
#pragma once

#include <glib.h>

typedef struct
{
  guint  n;
  double median;
  double p95;
  double max;
} WdBenchStats;

/* Sorts samples (doubles) and reads the figures off them. */
WdBenchStats wd_bench_stats (GArray *samples);
