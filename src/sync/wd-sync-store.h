/* wd-sync-store.h: the client's side of sync in its local store: the
 * outbox of operations not yet confirmed by the server, the undo log
 * that lets them be lifted off and replayed over the server's state, the
 * pulled changes, and the list of sync problems. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-store.h"

G_BEGIN_DECLS

gboolean    wd_sync_store_prepare         (WdStore        *store,
                                           GError        **error);
gboolean    wd_sync_store_start_afresh    (WdStore        *store,
                                           GError        **error);
gboolean    wd_sync_store_renumber        (WdStore        *store,
                                           GError        **error);
gint64      wd_sync_store_clock_offset    (WdStore        *store);
char       *wd_sync_store_trusted_certificate (WdStore    *store);
gint64      wd_sync_store_now             (WdStore        *store);
void        wd_sync_store_note_clock_offset (WdStore      *store,
                                           gint64          offset);
gboolean    wd_sync_store_owns_answers    (WdStore        *store,
                                           gint64          last_seq,
                                           JsonArray      *results);
char       *wd_sync_store_get             (WdStore        *store,
                                           const char     *key);
gboolean    wd_sync_store_set             (WdStore        *store,
                                           const char     *key,
                                           const char     *value,
                                           GError        **error);
gint64      wd_sync_store_get_int         (WdStore        *store,
                                           const char     *key);

gboolean    wd_sync_store_apply_local     (WdStore        *store,
                                           const WdActor  *actor,
                                           gint64          now,
                                           const char     *kind,
                                           JsonObject     *args,
                                           JsonObject    **result,
                                           GError        **error);
GPtrArray  *wd_sync_store_pending         (WdStore        *store,
                                           gint64          after,
                                           guint           limit,
                                           gsize           max_bytes,
                                           GError        **error);
guint       wd_sync_store_count_pending   (WdStore        *store);

gboolean    wd_sync_store_note_lost       (WdStore        *store,
                                           JsonObject     *answer,
                                           GError        **error);
gboolean    wd_sync_store_apply_page      (WdStore        *store,
                                           JsonObject     *page,
                                           gint64          acked,
                                           GError        **error);
gboolean    wd_sync_store_is_alone        (WdStore        *store);
gboolean    wd_sync_store_apply_snapshot  (WdStore        *store,
                                           const char     *path,
                                           gboolean       *indexed,
                                           GError        **error);
gboolean    wd_sync_store_add_problem     (WdStore        *store,
                                           JsonObject     *result,
                                           gint64          now,
                                           GError        **error);
JsonArray  *wd_sync_store_problems        (WdStore        *store,
                                           GError        **error);
gboolean    wd_sync_store_dismiss_problem (WdStore        *store,
                                           gint64          id,
                                           GError        **error);

G_END_DECLS
