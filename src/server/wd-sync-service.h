/* wd-sync-service.h: the server half of sync. Push applies a client's
 * queued operations exactly once, in order; pull hands a client the
 * changes it may see, one snapshot per page. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-server-store.h"

G_BEGIN_DECLS

#define WD_TYPE_SYNC_SERVICE (wd_sync_service_get_type ())

G_DECLARE_FINAL_TYPE (WdSyncService, wd_sync_service, WD, SYNC_SERVICE, GObject)

typedef struct
{
  const char *client_id;
  gint64      since;
  guint       limit;
  gint64      acked;      /* results of operations after this seq are returned; -1: none */
  const char *epoch;      /* the lineage the client's copy comes from; NULL: unknown */
} WdPullRequest;

WdSyncService *wd_sync_service_new   (WdStore              *store);
void           wd_sync_service_remove_stale_snapshots (void);
JsonObject    *wd_sync_service_push  (WdSyncService        *self,
                                      const WdUser         *user,
                                      const char           *body,
                                      gsize                 length,
                                      gint64                now,
                                      gint64               *last_seq,
                                      GError              **error);
void           wd_sync_service_pull_async      (WdSyncService        *self,
                                                const WdUser         *user,
                                                const WdPullRequest  *request,
                                                gint64                now,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              data);
char          *wd_sync_service_pull_finish     (WdSyncService        *self,
                                                GAsyncResult         *result,
                                                gsize                *length,
                                                GError              **error);
void           wd_sync_service_snapshot_async  (WdSyncService       *self,
                                                const WdUser        *user,
                                                const char          *client_id,
                                                gboolean             compress,
                                                gboolean             store_format,
                                                gint64               now,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             data);
char          *wd_sync_service_snapshot_finish (WdSyncService       *self,
                                                GAsyncResult        *result,
                                                gint64              *cursor,
                                                GError             **error);
void           wd_sync_service_prepare_snapshot (WdSyncService      *self);

G_END_DECLS
