/* wd-test-util.h: a small district built through the operations, and
 * helpers to apply operations and to check that refusals change nothing. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-error.h"
#include "wd-operations.h"
#include "wd-store.h"

G_BEGIN_DECLS

/* A 1×1 PNG in base64: the smallest photo a speaker can have. */
#define WD_TEST_PHOTO_PNG \
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

/* Bytes to write over a search index's blocks, standing for a disk
 * error: fixed, since random bytes read as a structure can make FTS5
 * ask for absurd amounts of memory (SQLite's "out of memory", not
 * "malformed", now and then). */
#define WD_TEST_GARBAGE_BLOCK "X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'"

typedef struct
{
  char     *dir;
  WdStore  *store;
  WdActor  *admin;
  WdActor  *centre;
  WdActor  *centre2;     /* a second centre member, for four-eyes approval */
  WdActor  *office_a;    /* 千佛山街道 */
  WdActor  *office_b;    /* 甸柳街道 */
  gint64    t0;          /* "now" when the tests begin: 2026-12-01 09:00 +08:00 */
} WdFixture;

#define WD_HOUR 3600
#define WD_DAY (24 * WD_HOUR)

void        wd_fixture_setup        (WdFixture      *fx,
                                     gconstpointer   data);
void        wd_fixture_teardown     (WdFixture      *fx,
                                     gconstpointer   data);
void        wd_fixture_open_empty   (WdFixture      *fx);

JsonObject *wd_test_parse_object    (const char     *json);
JsonObject *wd_test_apply_at        (WdFixture      *fx,
                                     const WdActor  *actor,
                                     gint64          now,
                                     const char     *kind,
                                     const char     *json);
JsonObject *wd_test_apply           (WdFixture      *fx,
                                     const WdActor  *actor,
                                     const char     *kind,
                                     const char     *json);
GError     *wd_test_refuse_at       (WdFixture      *fx,
                                     const WdActor  *actor,
                                     gint64          now,
                                     const char     *kind,
                                     const char     *json,
                                     int             code);
GError     *wd_test_refuse          (WdFixture      *fx,
                                     const WdActor  *actor,
                                     const char     *kind,
                                     const char     *json,
                                     int             code);
void        wd_test_remove_tree     (const char     *path);
char       *wd_test_mutate          (GRand          *rand,
                                     const char     *seed);
guint32     wd_test_fuzz_seed       (void);
char       *wd_test_fingerprint     (WdStore        *store);

/* A speaker lecture order on 党史 in 千佛山街道, starting at t0 + 3 days
 * (plus offset_hours) and lasting two hours. Returns its id. */
char       *wd_test_create_order    (WdFixture      *fx,
                                     gint            offset_hours);
char       *wd_test_order_state     (WdFixture      *fx,
                                     const char     *order_id);
WdActor    *wd_test_speaker_actor   (const char     *speaker_id);

G_END_DECLS
