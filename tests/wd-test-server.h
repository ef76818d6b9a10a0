/* wd-test-server.h: a real wudan-server process on loopback for tests,
 * and a small synchronous HTTP client to talk to it. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  char        *dir;
  char        *db;
  char        *log;
  char        *base;          /* http://127.0.0.1:PORT */
  GSubprocess *process;
  GHashTable  *passwords;     /* demo account → password */
  SoupSession *session;
  char       **args;          /* what it was started with, for restarts */
  char        *fingerprint;   /* of its TLS certificate, as it printed it */
} WdTestServer;

typedef struct
{
  guint               status;
  JsonNode           *body;
  char               *text;
  GBytes             *bytes;      /* the body as it came, decoded */
  SoupMessageHeaders *headers;
} WdTestReply;

void         wd_test_server_start       (WdTestServer   *server,
                                         const char     *fault,
                                         const char * const *extra_args);
void         wd_test_server_restart     (WdTestServer   *server,
                                         const char     *fault);
void         wd_test_server_kill        (WdTestServer   *server);
int          wd_test_server_terminate   (WdTestServer   *server);
void         wd_test_server_stop        (WdTestServer   *server);
char        *wd_test_server_log         (WdTestServer   *server);
gboolean     wd_test_make_certificate   (const char     *dir,
                                         const char     *name,
                                         char          **cert,
                                         char          **key);
int          wd_test_run_server         (const char     *input,
                                         char          **out,
                                         char          **err,
                                         ...) G_GNUC_NULL_TERMINATED;

WdTestReply *wd_test_request            (WdTestServer   *server,
                                         const char     *method,
                                         const char     *path,
                                         const char     *token,
                                         const char     *body);
WdTestReply *wd_test_request_raw        (WdTestServer   *server,
                                         const char     *method,
                                         const char     *path,
                                         const char     *token,
                                         const char     *body,
                                         gsize           length,
                                         const char     *protocol);
char        *wd_test_login              (WdTestServer   *server,
                                         const char     *name);
JsonObject  *wd_test_reply_object       (WdTestReply    *reply);
const char  *wd_test_reply_code         (WdTestReply    *reply);
void         wd_test_reply_free         (WdTestReply    *reply);

JsonObject  *wd_test_order_args         (const char     *id,
                                         const char     *subdistrict,
                                         int             day_offset);
char        *wd_test_push_body          (const char     *client_id,
                                         gint64          first_seq,
                                         guint           n,
                                         const char    **kinds,
                                         JsonObject    **args);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdTestReply, wd_test_reply_free)

G_END_DECLS
