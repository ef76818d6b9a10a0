/* wd-sync-engine.h: keeps a local store in sync in the background: on
 * demand, on a timer, when the network comes back, with backoff after a
 * failure. State and progress are properties a UI can bind to. */
#pragma once

#include <gio/gio.h>

#include "wd-store.h"

G_BEGIN_DECLS

typedef enum
{
  WD_SYNC_STATE_SIGNED_OUT,
  WD_SYNC_STATE_OFFLINE,
  WD_SYNC_STATE_SYNCING,
  WD_SYNC_STATE_UP_TO_DATE,
  WD_SYNC_STATE_ERROR,
} WdSyncState;

#define WD_TYPE_SYNC_STATE (wd_sync_state_get_type ())
GType wd_sync_state_get_type (void) G_GNUC_CONST;

/* Returns the account's password for signing in again when the session
 * has ended (the app asks the keyring); NULL if there is none. Called on
 * the engine's worker thread. */
typedef char *(*WdPasswordFunc) (const char *server,
                                 const char *user,
                                 gpointer    data);

#define WD_TYPE_SYNC_ENGINE (wd_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (WdSyncEngine, wd_sync_engine, WD, SYNC_ENGINE, GObject)

WdSyncEngine *wd_sync_engine_new               (const char           *store_path);
void          wd_sync_engine_set_password_func (WdSyncEngine         *self,
                                                WdPasswordFunc        func,
                                                gpointer              data,
                                                GDestroyNotify        destroy);
void          wd_sync_engine_set_interval      (WdSyncEngine         *self,
                                                guint                 seconds);
void          wd_sync_engine_start             (WdSyncEngine         *self);
void          wd_sync_engine_sync_now          (WdSyncEngine         *self);
void          wd_sync_engine_sync_async        (WdSyncEngine         *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      wd_sync_engine_sync_finish       (WdSyncEngine         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
WdSyncState   wd_sync_engine_get_state         (WdSyncEngine         *self);
const char   *wd_sync_engine_get_message       (WdSyncEngine         *self);
const char   *wd_sync_engine_get_phase         (WdSyncEngine         *self);
guint         wd_sync_engine_get_retry_in      (WdSyncEngine         *self);

G_END_DECLS
