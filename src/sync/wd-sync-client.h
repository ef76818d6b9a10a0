/* wd-sync-client.h: a client install talking to wudan-server: sign-in,
 * then push of the outbox and pull of the changes, on one store. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-store.h"

G_BEGIN_DECLS

#define WD_SYNC_CLIENT_ERROR (wd_sync_client_error_quark ())

typedef enum
{
  WD_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
  WD_SYNC_CLIENT_ERROR_UNAUTHORIZED,
  WD_SYNC_CLIENT_ERROR_NETWORK,
  WD_SYNC_CLIENT_ERROR_SERVER,
  WD_SYNC_CLIENT_ERROR_UNTRUSTED_CERTIFICATE,
} WdSyncClientError;

#define WD_TYPE_SYNC_CLIENT (wd_sync_client_get_type ())

G_DECLARE_FINAL_TYPE (WdSyncClient, wd_sync_client, WD, SYNC_CLIENT, GObject)

/* Called as sync proceeds: phase is "push" or "pull"; done of total. */
typedef void (*WdSyncProgressFunc) (const char *phase,
                                    gint64      done,
                                    gint64      total,
                                    gpointer    data);

GQuark        wd_sync_client_error_quark (void);

WdSyncClient *wd_sync_client_new        (WdStore       *store,
                                         GError       **error);
void          wd_sync_client_set_progress_func (WdSyncClient       *self,
                                                WdSyncProgressFunc  func,
                                                gpointer            data);
gboolean      wd_sync_client_login      (WdSyncClient  *self,
                                         const char    *server,
                                         const char    *name,
                                         const char    *password,
                                         GError       **error);
void          wd_sync_client_trust_certificate (WdSyncClient *self,
                                                const char   *fingerprint);
char         *wd_sync_client_get_presented_fingerprint (WdSyncClient *self);
gboolean      wd_sync_client_logout     (WdSyncClient  *self,
                                         GError       **error);
gboolean      wd_sync_client_is_signed_in (WdSyncClient *self);
WdActor      *wd_sync_client_get_actor  (WdSyncClient  *self);
gboolean      wd_sync_client_apply      (WdSyncClient  *self,
                                         gint64         now,
                                         const char    *kind,
                                         JsonObject    *args,
                                         JsonObject   **result,
                                         GError       **error);
gboolean      wd_sync_client_push       (WdSyncClient  *self,
                                         GCancellable  *cancellable,
                                         GError       **error);
gboolean      wd_sync_client_pull       (WdSyncClient  *self,
                                         GCancellable  *cancellable,
                                         GError       **error);
gboolean      wd_sync_client_sync       (WdSyncClient  *self,
                                         GCancellable  *cancellable,
                                         GError       **error);
JsonObject   *wd_sync_client_status     (WdSyncClient  *self);

G_END_DECLS
