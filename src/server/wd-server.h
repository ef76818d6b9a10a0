/* wd-server.h: wudan-server's HTTP API (docs/api.md) on libsoup. */
#pragma once

#include <gio/gio.h>

#include "wd-accounts.h"
#include "wd-store.h"

G_BEGIN_DECLS

#define WD_TYPE_SERVER (wd_server_get_type ())

G_DECLARE_FINAL_TYPE (WdServer, wd_server, WD, SERVER, GObject)

#define WD_SERVER_DEFAULT_MAX_BODY (8 * 1024 * 1024)

/* When answers go out gzipped (to a client that takes gzip). */
typedef enum
{
  WD_COMPRESS_AUTO,     /* unless the client is on this machine */
  WD_COMPRESS_ALWAYS,
  WD_COMPRESS_NEVER,
} WdCompress;

gboolean    wd_compress_from_string (const char       *text,
                                     WdCompress       *compress);

WdServer   *wd_server_new           (WdStore          *store,
                                     WdAccounts       *accounts,
                                     GTlsCertificate  *certificate);
void        wd_server_set_max_body  (WdServer         *self,
                                     gsize             max_body);
void        wd_server_set_compress  (WdServer         *self,
                                     WdCompress        compress);
void        wd_server_set_trusted_proxies (WdServer       *self,
                                           GPtrArray      *proxies);
gboolean    wd_server_listen        (WdServer         *self,
                                     const char       *address,
                                     GError          **error);
GSList     *wd_server_get_uris      (WdServer         *self);
void        wd_server_prepare_snapshot (WdServer      *self);
void        wd_server_drain         (WdServer         *self);
gboolean    wd_server_is_drained    (WdServer         *self);

G_END_DECLS
