/* wd-sync-protocol.h: the sync protocol's messages (DESIGN.md, "Sync
 * protocol"), encoded and decoded the same way by the server and by the
 * client engine. Decoders are strict: anything unexpected is refused with
 * a WD_SYNC_ERROR that names the problem. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define WD_SYNC_PROTOCOL_VERSION 1
#define WD_SYNC_PROTOCOL_HEADER "Wudan-Protocol"
#define WD_SYNC_MAX_OPS_PER_PUSH 1000
#define WD_SYNC_MAX_PULL_LIMIT 5000
/* A first sync's snapshot: an SQLite database of the rows the account
 * sees, up to date with the change named by the cursor header. */
#define WD_SYNC_SNAPSHOT_TYPE "application/vnd.sqlite3"
#define WD_SYNC_CURSOR_HEADER "Wudan-Cursor"

#define WD_SYNC_ERROR (wd_sync_error_quark ())

typedef enum
{
  WD_SYNC_ERROR_MALFORMED,        /* not the shape of a protocol message */
  WD_SYNC_ERROR_PROTOCOL,         /* an unknown protocol version */
  WD_SYNC_ERROR_GAP,              /* an operation was skipped */
  WD_SYNC_ERROR_SEQ_REUSED,       /* a number was reused for another operation */
  WD_SYNC_ERROR_CURSOR,           /* a cursor the server never handed out */
} WdSyncError;

GQuark      wd_sync_error_quark              (void);
const char *wd_sync_error_code_to_string     (int            code);

#define WD_TYPE_SYNC_OP (wd_sync_op_get_type ())

/* One queued operation as a client sends it. */
typedef struct
{
  gint64      seq;       /* 1, 2, 3… per client install */
  char       *op_id;     /* UUID */
  char       *kind;
  JsonObject *args;
  gint64      at;        /* the client's clock: display and audit only */
} WdSyncOp;

GType       wd_sync_op_get_type              (void) G_GNUC_CONST;
WdSyncOp   *wd_sync_op_new                   (gint64         seq,
                                              const char    *op_id,
                                              const char    *kind,
                                              JsonObject    *args,
                                              gint64         at);
WdSyncOp   *wd_sync_op_copy                  (const WdSyncOp *op);
void        wd_sync_op_free                  (WdSyncOp      *op);

gboolean    wd_sync_check_protocol           (JsonObject    *message,
                                              GError       **error);
gboolean    wd_sync_decode_push              (const char    *body,
                                              gsize          length,
                                              char         **client_id,
                                              char         **epoch,
                                              GPtrArray    **ops,
                                              GError       **error);
gboolean    wd_sync_check_page               (JsonObject    *page,
                                              GError       **error);
gboolean    wd_sync_check_push_answer        (JsonObject    *answer,
                                              GError       **error);
char       *wd_sync_encode_push              (const char    *client_id,
                                              const char    *epoch,
                                              GPtrArray     *ops);

char       *wd_sync_certificate_fingerprint  (GTlsCertificate *certificate);
gboolean    wd_sync_same_fingerprint         (const char    *a,
                                              const char    *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdSyncOp, wd_sync_op_free)

G_END_DECLS
