/* wd-demo.h: a whole district made through the operations, for the demo,
 * the tests and the benchmarks. Valid by construction: nothing is inserted
 * except by the operations a real district would perform. */
#pragma once

#include "wd-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint    speakers;       /* how many volunteer speakers to enrol */
  guint    orders;         /* how many orders to simulate */
  guint32  seed;           /* the same seed gives the same district */
  gboolean use_matching;   /* dispatch to the top candidate (slow at scale) */
  guint    batch;          /* commit every this many steps; 0: one transaction */
  gboolean rewards;        /* propose and approve a reward period */
  guint    span_days;      /* events fall this many days either side of now */
} WdDemoOptions;

#define WD_DEMO_CENTRE_USER "centre-zhang"
#define WD_DEMO_ADMIN_USER "admin"

void       wd_demo_options_init  (WdDemoOptions        *options);
char      *wd_demo_find_data     (void);
gboolean   wd_demo_load          (WdStore              *store,
                                  const char           *district_path,
                                  gint64                now,
                                  const WdDemoOptions  *options,
                                  GError              **error);
JsonArray *wd_demo_list_accounts (WdStore              *store,
                                  GError              **error);

G_END_DECLS
