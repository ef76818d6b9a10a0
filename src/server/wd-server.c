/* wd-server.c: routes, authentication, JSON errors, request logging and
 * the orderly shutdown of wudan-server. Every write goes through push. */
#define G_LOG_DOMAIN "wudan-server"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-search.h"
#include "wd-server.h"
#include "wd-sync-protocol.h"
#include "wd-sync-service.h"
#include "wd-time.h"
#include "wd-validate.h"

struct _WdServer
{
  GObject          parent_instance;

  WdStore         *store;
  WdAccounts      *accounts;
  WdSyncService   *sync;
  SoupServer      *soup;
  gsize            max_body;
  WdCompress       compress;
  GPtrArray       *trusted_proxies;   /* of GInetAddress */
  guint            in_flight;
  gboolean         draining;
};

enum { SIGNAL_DRAINED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WdServer, wd_server, G_TYPE_OBJECT)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
wd_compress_from_string (const char *text,
                         WdCompress *compress)
{
  static const char * const names[] = { "auto", "always", "never" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *compress = (WdCompress) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_trusted_proxy (WdServer     *self,
                  GInetAddress *address)
{
  for (guint i = 0; i < self->trusted_proxies->len; i++)
    if (g_inet_address_equal (address, self->trusted_proxies->pdata[i]))
      return TRUE;
  return FALSE;
}

/* Who sent a request: the peer, or, when the peer is a proxy the
 * administrator named, the client the proxy names in X-Forwarded-For:
 * the rightmost address there that is not itself a trusted proxy, since
 * whatever lies left of it the client could have written. Behind a
 * proxy every peer is the proxy, and failed sign-ins from anyone would
 * lock everyone out. NULL when the peer has no IP address. */
static GInetAddress *
client_address (WdServer          *self,
                SoupServerMessage *msg)
{
  GSocketAddress *peer = soup_server_message_get_remote_address (msg);
  g_autoptr(GInetAddress) address = NULL;
  g_auto(GStrv) hops = NULL;
  const char *forwarded;

  if (!G_IS_INET_SOCKET_ADDRESS (peer))
    return NULL;
  address = g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));
  if (!is_trusted_proxy (self, address))
    return g_steal_pointer (&address);
  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "X-Forwarded-For");
  if (forwarded == NULL)
    return g_steal_pointer (&address);

  hops = g_strsplit (forwarded, ",", -1);
  for (guint i = g_strv_length (hops); i > 0 && is_trusted_proxy (self, address); i--)
    {
      GInetAddress *hop = g_inet_address_new_from_string (g_strstrip (hops[i - 1]));

      /* Not an address: keep the last one known. */
      if (hop == NULL)
        break;
      g_set_object (&address, hop);
      g_object_unref (hop);
    }
  return g_steal_pointer (&address);
}

/* The client's address as text, for the per-address limits. */
static char *
client_host (WdServer          *self,
             SoupServerMessage *msg)
{
  g_autoptr(GInetAddress) address = client_address (self, msg);

  return address ? g_inet_address_to_string (address) : g_strdup ("");
}

/* Compression trades the server's time for the network's: worth it on a
 * line to a sub-district office, a loss to a client on this machine,
 * where a first sync's snapshot would spend seconds in zlib to save
 * nothing. Decided once per request, from its headers and its peer. */
static void
decide_gzip (WdServer          *self,
             SoupServerMessage *msg)
{
  g_autoptr(GInetAddress) client = client_address (self, msg);
  gboolean local = client != NULL && g_inet_address_get_is_loopback (client);
  gboolean gzip = self->compress == WD_COMPRESS_ALWAYS || (self->compress == WD_COMPRESS_AUTO && !local);

  if (gzip && soup_message_headers_header_contains (soup_server_message_get_request_headers (msg),
                                                    "Accept-Encoding", "gzip"))
    g_object_set_data (G_OBJECT (msg), "wd-gzip", GINT_TO_POINTER (TRUE));
}

static gboolean
wants_gzip (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), "wd-gzip") != NULL;
}

/* Bodies of a kilobyte or more go out gzipped when decide_gzip says so;
 * level 1 keeps most of the saving at a third of the work of level 6. */
static void
respond_text (SoupServerMessage *msg,
              guint              status,
              char              *text,
              gsize              length)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (response, "Cache-Control", "no-store");
  if (length >= 1024 && wants_gzip (msg))
    {
      g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
      g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) gzip = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

      if (g_output_stream_write_all (gzip, text, length, NULL, NULL, NULL)
          && g_output_stream_close (gzip, NULL, NULL))
        {
          g_autoptr(GBytes) bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));

          soup_message_headers_replace (response, "Content-Encoding", "gzip");
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                            g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          g_free (text);
          return;
        }
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonObject        *object)
{
  char *text = wd_json_object_to_string (object, FALSE);

  respond_text (msg, status, text, strlen (text));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "code", code);
  json_object_set_string_member (body, "message", message);
  respond_json (msg, status, body);
}

static void
respond_gerror (SoupServerMessage *msg,
                const GError      *error)
{
  if (error->domain == WD_SYNC_ERROR)
    {
      guint status = error->code == WD_SYNC_ERROR_GAP || error->code == WD_SYNC_ERROR_SEQ_REUSED
                     ? SOUP_STATUS_CONFLICT : SOUP_STATUS_BAD_REQUEST;

      respond_error (msg, status, wd_sync_error_code_to_string (error->code), error->message);
    }
  else if (wd_error_is_refusal (error))
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, wd_error_code_to_string (error->code), error->message);
  else
    {
      /* A failure of the store is passing (disk full, locked): try again. */
      g_warning ("Store failure: %s", error->message);
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                     _("The server could not save the change just now; try again shortly"));
    }
}

static void
note_user (SoupServerMessage *msg,
           const WdUser      *user)
{
  g_object_set_data_full (G_OBJECT (msg), "wd-user", g_strdup (user->name), g_free);
}

static gboolean
allow_methods (SoupServerMessage *msg,
               const char        *first,
               const char        *second)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_strcmp0 (method, first) == 0 || g_strcmp0 (method, second) == 0)
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                second ? "GET, POST, DELETE" : first);
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                 _("This address does not take that method"));
  return FALSE;
}

static WdUser *
authenticate (WdServer          *self,
              SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  WdUser *user = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    user = wd_accounts_authenticate (self->accounts, header + 7, now_seconds ());

  if (user == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer realm=\"wudan\"");
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     header == NULL ? _("Sign in first: this needs a session token")
                                    : _("The session has ended or is not valid; sign in again"));
      return NULL;
    }
  note_user (msg, user);
  return user;
}

static GBytes *
request_body (SoupServerMessage *msg)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

static JsonObject *
request_object (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = request_body (msg);
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  object = wd_json_parse_object (data ? data : "", (gssize) length, &error);
  if (object == NULL)
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-json", error->message);
  return object;
}

typedef struct
{
  WdServer          *server;
  SoupServerMessage *msg;
  char              *name;
  char              *password;
  char              *address;
  WdUser            *user;
} Login;

static void
login_free (Login *login)
{
  g_object_unref (login->server);
  g_object_unref (login->msg);
  g_free (login->name);
  if (login->password != NULL)
    memset (login->password, 0, strlen (login->password));
  g_free (login->password);
  g_free (login->address);
  wd_user_free (login->user);
  g_free (login);
}

/* Checking a password takes a tenth of a second on purpose; it runs on a
 * worker so other requests are not kept waiting behind it. Only the
 * check runs there: the store and the failure counts stay on the main
 * thread, before and after. */
static void
check_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Login *login = data;

  g_task_return_boolean (task, wd_accounts_check_password (login->user, login->password));
}

static void
login_checked (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Login *login = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean password_ok = g_task_propagate_boolean (G_TASK (result), NULL);
  gint64 expires_at = 0;

  if (wd_accounts_finish_login (login->server->accounts, login->name, login->address, login->user,
                                password_ok, now_seconds (), &token, &expires_at, &error))
    {
      g_autoptr(JsonObject) reply = json_object_new ();

      json_object_set_string_member (reply, "token", token);
      json_object_set_int_member (reply, "expires_at", expires_at);
      json_object_set_object_member (reply, "user", wd_user_to_json (login->user));
      note_user (login->msg, login->user);
      respond_json (login->msg, SOUP_STATUS_OK, reply);
    }
  else if (g_error_matches (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_BAD_CREDENTIALS))
    respond_error (login->msg, SOUP_STATUS_UNAUTHORIZED, "bad-credentials", error->message);
  else
    respond_gerror (login->msg, error);

  soup_server_message_unpause (login->msg);
  login_free (login);
}

static void
handle_session (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  WdServer *self = data;

  if (!allow_methods (msg, "POST", "DELETE"))
    return;

  if (g_str_equal (soup_server_message_get_method (msg), "DELETE"))
    {
      g_autoptr(WdUser) user = authenticate (self, msg);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) reply = json_object_new ();
      const char *header;

      if (user == NULL)
        return;
      header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
      if (!wd_accounts_logout (self->accounts, header + 7, &error))
        {
          respond_gerror (msg, error);
          return;
        }
      respond_json (msg, SOUP_STATUS_OK, reply);
      return;
    }

  {
    g_autoptr(JsonObject) args = request_object (msg);
    static const char * const known[] = { "name", "password", NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *password = NULL;
    Login *login;
    GTask *task;

    if (args == NULL)
      return;
    if (!wd_args_only (args, known, &error)
        || !wd_args_text (args, "name", WD_ARG_REQUIRED, 64, &name, &error)
        || !wd_args_text (args, "password", WD_ARG_REQUIRED, 256, &password, &error))
      {
        respond_error (msg, SOUP_STATUS_BAD_REQUEST, wd_error_code_to_string (error->code), error->message);
        return;
      }

    login = g_new0 (Login, 1);
    login->server = g_object_ref (self);
    login->msg = g_object_ref (msg);
    login->name = g_steal_pointer (&name);
    login->password = g_steal_pointer (&password);
    login->address = client_host (self, msg);

    if (!wd_accounts_begin_login (self->accounts, login->name, login->address, now_seconds (),
                                  &login->user, &error))
      {
        respond_error (msg, 429, "rate-limited", error->message);
        login_free (login);
        return;
      }

    soup_server_message_pause (msg);
    task = g_task_new (NULL, NULL, login_checked, login);
    g_task_set_task_data (task, login, NULL);
    g_task_run_in_thread (task, check_in_thread);
    g_object_unref (task);
  }
}

static gboolean
check_protocol_header (SoupServerMessage *msg,
                       GHashTable        *query)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    WD_SYNC_PROTOCOL_HEADER);
  g_autofree char *message = NULL;

  if (value == NULL && query != NULL)
    value = g_hash_table_lookup (query, "protocol");
  if (value == NULL || g_strcmp0 (value, G_STRINGIFY (WD_SYNC_PROTOCOL_VERSION)) == 0)
    return TRUE;

  message = g_strdup_printf (_("Protocol version %s is not spoken here (this server speaks %d); "
                               "update Wudan"), value, WD_SYNC_PROTOCOL_VERSION);
  respond_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported-protocol", message);
  return FALSE;
}

static void
handle_push (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  WdServer *self = data;
  g_autoptr(WdUser) user = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gint64 last_seq = 0;
  gsize length;
  const char *bytes;

  if (!allow_methods (msg, "POST", NULL) || !check_protocol_header (msg, query))
    return;
  user = authenticate (self, msg);
  if (user == NULL)
    return;

  body = request_body (msg);
  bytes = g_bytes_get_data (body, &length);
  reply = wd_sync_service_push (self->sync, user, bytes ? bytes : "", length, now_seconds (),
                                &last_seq, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, WD_SYNC_ERROR, WD_SYNC_ERROR_GAP))
        {
          /* The client learns where its queue must resume. */
          g_autoptr(JsonObject) gap = json_object_new ();

          json_object_set_string_member (gap, "code", "gap");
          json_object_set_string_member (gap, "message", error->message);
          json_object_set_int_member (gap, "last_seq", last_seq);
          respond_json (msg, SOUP_STATUS_CONFLICT, gap);
          return;
        }
      respond_gerror (msg, error);
      return;
    }

  /* For fault-injection tests: die after the commit, before the answer. */
  if (g_strcmp0 (g_getenv ("WUDAN_SERVER_FAULT"), "crash-after-commit") == 0)
    abort ();

  respond_json (msg, SOUP_STATUS_OK, reply);
}

static gboolean
query_int (GHashTable  *query,
           const char  *name,
           gint64       fallback,
           gint64       min,
           gint64       max,
           gint64      *out,
           char       **problem)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_signed (text, 10, min, max, out, NULL))
    {
      *problem = g_strdup_printf (_("%s must be a whole number from %lld to %lld"),
                                  name, (long long) min, (long long) max);
      return FALSE;
    }
  return TRUE;
}

/* The install a pull or snapshot is for; NULL, answered, if the query
 * has none or a malformed one. */
static const char *
query_client_id (SoupServerMessage *msg,
                 GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;

  if (client_id != NULL && wd_validate_id ("client_id", client_id, &error))
    return client_id;
  respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-argument",
                 error ? error->message : _("client_id: give this install's client id"));
  return NULL;
}

static void
page_read (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(SoupServerMessage) msg = data;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  char *reply = wd_sync_service_pull_finish (WD_SYNC_SERVICE (source), result, &length, &error);

  if (reply == NULL)
    respond_gerror (msg, error);
  else
    respond_text (msg, SOUP_STATUS_OK, reply, length);
  soup_server_message_unpause (msg);
}

static void
handle_pull (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  WdServer *self = data;
  g_autoptr(WdUser) user = NULL;
  g_autofree char *problem = NULL;
  WdPullRequest request = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 limit;

  if (!allow_methods (msg, "GET", NULL) || !check_protocol_header (msg, query))
    return;
  user = authenticate (self, msg);
  if (user == NULL)
    return;

  request.client_id = query_client_id (msg, query);
  if (request.client_id == NULL)
    return;
  if (!query_int (query, "since", 0, 0, G_MAXINT64, &request.since, &problem)
      || !query_int (query, "limit", 500, 1, WD_SYNC_MAX_PULL_LIMIT, &limit, &problem)
      || !query_int (query, "acked", -1, -1, G_MAXINT64, &request.acked, &problem))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-argument", problem);
      return;
    }
  request.limit = (guint) limit;
  request.epoch = query ? g_hash_table_lookup (query, "epoch") : NULL;
  if (request.epoch != NULL && !wd_validate_id ("epoch", request.epoch, &error))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-argument", error->message);
      return;
    }

  soup_server_message_pause (msg);
  wd_sync_service_pull_async (self->sync, user, &request, now_seconds (), NULL, page_read, g_object_ref (msg));
}

static void
snapshot_made (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(SoupServerMessage) msg = data;
  g_autoptr(GError) error = NULL;
  gint64 cursor = 0;
  g_autofree char *path = wd_sync_service_snapshot_finish (WD_SYNC_SERVICE (source), result, &cursor, &error);
  g_autoptr(GMappedFile) file = path ? g_mapped_file_new (path, FALSE, &error) : NULL;

  /* The mapping keeps the pages; the name can go at once. */
  if (path != NULL)
    g_unlink (path);
  if (file == NULL)
    respond_gerror (msg, error);
  else
    {
      g_autoptr(GBytes) bytes = g_mapped_file_get_bytes (file);
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      g_autofree char *cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, WD_SYNC_SNAPSHOT_TYPE, NULL);
      soup_message_headers_replace (headers, "Cache-Control", "no-store");
      soup_message_headers_replace (headers, WD_SYNC_CURSOR_HEADER, cursor_text);
      if (wants_gzip (msg))
        soup_message_headers_replace (headers, "Content-Encoding", "gzip");
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
    }
  soup_server_message_unpause (msg);
}

/* GET /api/v1/snapshot: what a first sync starts from (docs/api.md). */
static void
handle_snapshot (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  WdServer *self = data;
  g_autoptr(WdUser) user = NULL;
  const char *client_id;
  const char *format = query ? g_hash_table_lookup (query, "format") : NULL;
  const char *schema = query ? g_hash_table_lookup (query, "schema") : NULL;
  gboolean store_format;

  if (!allow_methods (msg, "GET", NULL) || !check_protocol_header (msg, query))
    return;
  user = authenticate (self, msg);
  if (user == NULL)
    return;
  client_id = query_client_id (msg, query);
  if (client_id == NULL)
    return;

  /* A client that can take its whole store from the server says so, and
   * which schema its stores have; any other gets the tables. */
  store_format = g_strcmp0 (format, "store") == 0 && schema != NULL
                 && g_ascii_strtoll (schema, NULL, 10) == wd_store_get_schema_version (self->store);
  soup_server_message_pause (msg);
  wd_sync_service_snapshot_async (self->sync, user, client_id, wants_gzip (msg), store_format, now_seconds (), NULL,
                                  snapshot_made, g_object_ref (msg));
}

static void
handle_health (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  WdServer *self = data;
  g_autoptr(JsonObject) reply = json_object_new ();

  if (!allow_methods (msg, "GET", NULL))
    return;
  json_object_set_string_member (reply, "status", self->draining ? "draining" : "ok");
  json_object_set_string_member (reply, "version", PACKAGE_VERSION);
  json_object_set_int_member (reply, "protocol", WD_SYNC_PROTOCOL_VERSION);
  respond_json (msg, self->draining ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK, reply);
}

static void
handle_me (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  WdServer *self = data;
  g_autoptr(WdUser) user = NULL;
  g_autoptr(JsonObject) reply = NULL;

  if (!allow_methods (msg, "GET", NULL))
    return;
  user = authenticate (self, msg);
  if (user == NULL)
    return;
  reply = wd_user_to_json (user);
  respond_json (msg, SOUP_STATUS_OK, reply);
}

static void
strip_members (JsonArray          *rows,
               const char * const *members)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    for (guint m = 0; members[m]; m++)
      json_object_remove_member (json_array_get_object_element (rows, i), members[m]);
}

/* Whether user may see account in the directory: the staff's accounts
 * act on everyone's orders, but a team sees no other team's account. */
static gboolean
account_is_listed_for (const WdUser *user,
                       JsonObject   *account)
{
  WdRole role = WD_ROLE_TEAM;

  wd_role_from_string (json_object_get_string_member (account, "role"), &role);
  return user->role != WD_ROLE_TEAM || role != WD_ROLE_TEAM
      || g_str_equal (json_object_get_string_member (account, "name"), user->name);
}

/* GET /api/v1/accounts: who the accounts named in the data are (an
 * order's history, a ledger line, a certificate's clerk name the account
 * that acted): each account's name, role and whom it serves. */
static void
handle_accounts (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  static const char * const private_members[] = {
    "subdistrict_id", "assignee_kind", "assignee_id", "disabled", "last_sign_in_at", NULL
  };
  WdServer *self = data;
  g_autoptr(WdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) accounts = NULL;
  g_autoptr(JsonArray) listed = json_array_new ();
  g_autoptr(JsonObject) reply = json_object_new ();

  if (!allow_methods (msg, "GET", NULL))
    return;
  user = authenticate (self, msg);
  if (user == NULL)
    return;
  accounts = wd_server_store_describe_users (self->store, &error);
  if (accounts == NULL)
    {
      respond_gerror (msg, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    if (account_is_listed_for (user, json_array_get_object_element (accounts, i)))
      json_array_add_element (listed, json_node_copy (json_array_get_element (accounts, i)));
  strip_members (listed, private_members);
  json_object_set_array_member (reply, "accounts", g_steal_pointer (&listed));
  respond_json (msg, SOUP_STATUS_OK, reply);
}

static void
respond_page (SoupServerMessage *msg,
              JsonArray         *rows,
              const char        *next)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_array_member (reply, "items", json_array_ref (rows));
  if (next != NULL)
    json_object_set_string_member (reply, "next", next);
  respond_json (msg, SOUP_STATUS_OK, reply);
}

/* The public read endpoints: what a community notice board or a website
 * may show. No phone numbers, no residents' names. */
static void
handle_projects (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  WdServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autofree char *next = NULL;

  if (!allow_methods (msg, "GET", NULL))
    return;
  rows = wd_store_list_projects (self->store, NULL, query ? g_hash_table_lookup (query, "after") : NULL,
                                 200, &next, &error);
  if (rows == NULL)
    {
      respond_gerror (msg, error);
      return;
    }
  respond_page (msg, rows, next);
}

/* GET /api/v1/speakers/ID/photo: the picture itself, for a page that
 * shows the library; its type from its first bytes. */
static void
respond_speaker_photo (WdServer          *self,
                       SoupServerMessage *msg,
                       const char        *speaker_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) photo = wd_store_get_speaker_photo (self->store, speaker_id, &error);
  gsize length;
  const guchar *bytes;
  const char *type;

  if (photo == NULL && error != NULL)
    {
      respond_gerror (msg, error);
      return;
    }
  if (photo == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Speaker “%s” has no photo, or there is no such speaker"),
                                                  speaker_id);

      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
      return;
    }
  bytes = g_bytes_get_data (photo, &length);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  /* A photo changes now and then: an hour's caching spares the server. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "public, max-age=3600");
  type = wd_picture_mime_type (bytes, length);
  soup_server_message_set_response (msg, type ? type : "application/octet-stream", SOUP_MEMORY_COPY,
                                    (const char *) bytes, length);
}

static void
handle_speakers (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  static const char * const private_members[] = { "phone", NULL };
  WdServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autofree char *next = NULL;
  WdSpeakerFilter filter = { 0 };

  if (!allow_methods (msg, "GET", NULL))
    return;
  if (g_str_has_prefix (path, "/api/v1/speakers/"))
    {
      g_auto(GStrv) parts = g_strsplit (path + strlen ("/api/v1/speakers/"), "/", -1);

      if (g_strv_length (parts) == 2 && *parts[0] != '\0' && g_str_equal (parts[1], "photo"))
        respond_speaker_photo (self, msg, parts[0]);
      else
        respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                       _("There is no such address; a speaker's photo is at /api/v1/speakers/ID/photo"));
      return;
    }
  filter.topic_id = query ? g_hash_table_lookup (query, "topic") : NULL;
  rows = wd_store_list_speakers (self->store, &filter, query ? g_hash_table_lookup (query, "after") : NULL,
                                 200, &next, &error);
  if (rows == NULL)
    {
      respond_gerror (msg, error);
      return;
    }
  strip_members (rows, private_members);
  respond_page (msg, rows, next);
}

static void
handle_schedule (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  static const char * const private_members[] = {
    "contact_name", "contact_phone", "notes", "requester", "created_by", "clash_override",
    "closing_reason", "rating_comment", NULL
  };
  WdServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) events = json_array_new ();
  g_autofree char *next = NULL;
  WdOrderFilter filter = { 0 };
  GTimeZone *tz = wd_store_get_time_zone (self->store);
  const char *from = query ? g_hash_table_lookup (query, "from") : NULL;
  const char *to = query ? g_hash_table_lookup (query, "to") : NULL;

  if (!allow_methods (msg, "GET", NULL))
    return;

  filter.from = wd_time_day_start (now_seconds (), tz);
  filter.to = filter.from + 7 * 24 * 3600;
  if ((from != NULL && !wd_date_parse (from, tz, &filter.from, &error))
      || (to != NULL && !wd_date_parse (to, tz, &filter.to, &error)))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-argument", error->message);
      return;
    }
  filter.subdistrict_id = query ? g_hash_table_lookup (query, "subdistrict") : NULL;

  rows = wd_store_list_orders (self->store, &filter, query ? g_hash_table_lookup (query, "after") : NULL,
                               500, &next, &error);
  if (rows == NULL)
    {
      respond_gerror (msg, error);
      return;
    }
  /* Only events that will take place or have: dispatched, accepted, done. */
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *state = json_object_get_string_member (row, "state");

      if (g_str_equal (state, "dispatched") || g_str_equal (state, "accepted")
          || g_str_equal (state, "delivered") || g_str_equal (state, "rated")
          || g_str_equal (state, "rewarded") || g_str_equal (state, "closed"))
        json_array_add_object_element (events, json_object_ref (row));
    }
  strip_members (events, private_members);
  respond_page (msg, events, next);
}

/* The one item a path names under prefix ("/api/v1/orders/" and
 * "2026-000123"), or NULL when it names none or more than one. */
static const char *
path_item (const char *path,
           const char *prefix)
{
  const char *item = g_str_has_prefix (path, prefix) ? path + strlen (prefix) : NULL;

  return item != NULL && *item != '\0' && strchr (item, '/') == NULL ? item : NULL;
}

/* GET /api/v1/orders/NUMBER?phone=1234: a resident or community follows
 * its order with the number it was given on the phone and the last four
 * digits of the contact's phone. It is told the status it would see on
 * a notice (审核中, 服务中, 已完成, 已驳回 with the reason, 已取消), when
 * and where, and who serves: nothing of anyone else's. A wrong number or
 * wrong digits answer alike, and count against the address as failed
 * sign-ins do. */
static JsonObject *
resident_view (WdServer   *self,
               JsonObject *order)
{
  GTimeZone *tz = wd_store_get_time_zone (self->store);
  JsonObject *reply = json_object_new ();
  WdOrderState state = WD_ORDER_ORDERED;
  WdResidentStatus status;
  g_autofree char *starts = wd_time_format_local (json_object_get_int_member (order, "starts_at"), tz,
                                                  "%Y-%m-%dT%H:%M");
  g_autofree char *ends = wd_time_format_local (json_object_get_int_member (order, "ends_at"), tz,
                                                "%Y-%m-%dT%H:%M");
  const char *assignee = json_object_get_string_member_with_default (order, "assignee_name", NULL);

  wd_order_state_from_string (json_object_get_string_member (order, "state"), &state);
  status = wd_order_resident_status (state);
  json_object_set_string_member (reply, "number", json_object_get_string_member (order, "number"));
  json_object_set_string_member (reply, "title", json_object_get_string_member (order, "title"));
  json_object_set_string_member (reply, "status", wd_resident_status_to_string (status));
  json_object_set_string_member (reply, "status_label", wd_resident_status_label (status));
  json_object_set_string_member (reply, "starts_at", starts);
  json_object_set_string_member (reply, "ends_at", ends);
  json_object_set_string_member (reply, "venue", json_object_get_string_member (order, "venue"));
  if (status == WD_RESIDENT_IN_SERVICE || status == WD_RESIDENT_DONE)
    json_object_set_string_member (reply, "served_by", assignee ? assignee : "");
  if (status == WD_RESIDENT_REJECTED)
    json_object_set_string_member (reply, "reason",
                                   json_object_get_string_member_with_default (order, "closing_reason", ""));
  return reply;
}

static gboolean
phone_ends_with (JsonObject *order,
                 const char *digits)
{
  const char *phone = json_object_get_string_member_with_default (order, "contact_phone", "");

  return strlen (digits) == 4 && g_str_has_suffix (phone, digits);
}

static void
handle_orders (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  WdServer *self = data;
  const char *number = path_item (path, "/api/v1/orders/");
  const char *digits = query ? g_hash_table_lookup (query, "phone") : NULL;
  g_autofree char *host = client_host (self, msg);
  g_autofree char *key = g_strdup_printf ("order:%s", host);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gint64 now = now_seconds ();

  if (!allow_methods (msg, "GET", NULL))
    return;
  if (number == NULL || digits == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid-argument",
                     _("Follow an order at /api/v1/orders/NUMBER?phone=1234, with the order's number and the "
                       "last four digits of the contact's phone"));
      return;
    }
  if (!wd_accounts_guess_allowed (self->accounts, key, now, &error))
    {
      respond_error (msg, 429, "rate-limited", error->message);
      return;
    }
  id = wd_store_find_id_by_name (self->store, "order", number, NULL);
  order = id ? wd_store_get (self->store, "order", id, NULL) : NULL;
  /* By the number only: ids are not given out. */
  if (order == NULL || g_strcmp0 (json_object_get_string_member_with_default (order, "number", NULL), number) != 0
      || !phone_ends_with (order, digits))
    {
      wd_accounts_guess_failed (self->accounts, key, now);
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                     _("No order has that number with that phone; check the number you were given and the "
                       "last four digits of the contact's phone"));
      return;
    }
  reply = resident_view (self, order);
  respond_json (msg, SOUP_STATUS_OK, reply);
}

/* GET /api/v1/certificates/NUMBER: whoever is handed a service record
 * certificate checks its number here. It answers what the paper says in
 * sum (whose, which period, how many services and hours, when issued)
 * and whether it is still valid, nothing more: no clerk, no purpose, no
 * list of services. */
static JsonObject *
certificate_check (WdServer   *self,
                   JsonObject *certificate)
{
  GTimeZone *tz = wd_store_get_time_zone (self->store);
  JsonObject *reply = json_object_new ();
  gboolean revoked = !json_object_get_null_member (certificate, "revoked_at");
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *issued = wd_time_format_local (json_object_get_int_member (certificate, "issued_at"), tz,
                                                  "%Y-%m-%d");
  g_autofree char *district = wd_store_get_setting (self->store, "district_name");

  wd_time_format_days (json_object_get_int_member (certificate, "starts_at"),
                       json_object_get_int_member (certificate, "ends_at"), tz, &first, &last);
  json_object_set_string_member (reply, "number", json_object_get_string_member (certificate, "number"));
  json_object_set_boolean_member (reply, "valid", !revoked);
  json_object_set_string_member (reply, "holder_kind", json_object_get_string_member (certificate, "holder_kind"));
  json_object_set_string_member (reply, "holder_name", json_object_get_string_member (certificate, "holder_name"));
  json_object_set_string_member (reply, "from", first);
  json_object_set_string_member (reply, "to", last);
  json_object_set_int_member (reply, "services", json_object_get_int_member (certificate, "services"));
  json_object_set_double_member (reply, "hours", json_object_get_double_member (certificate, "hours"));
  json_object_set_string_member (reply, "issued_on", issued);
  json_object_set_string_member (reply, "district", district ? district : "");
  if (revoked)
    {
      g_autofree char *when = wd_time_format_local (json_object_get_int_member (certificate, "revoked_at"), tz,
                                                    "%Y-%m-%d");

      json_object_set_string_member (reply, "revoked_on", when);
      json_object_set_string_member (reply, "revoke_reason",
                                     json_object_get_string_member (certificate, "revoke_reason"));
    }
  return reply;
}

static void
handle_certificates (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           data)
{
  WdServer *self = data;
  const char *number = path_item (path, "/api/v1/certificates/");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) certificate = NULL;
  g_autoptr(JsonObject) reply = NULL;

  if (!allow_methods (msg, "GET", NULL))
    return;
  if (number == NULL)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                     _("Check a certificate at /api/v1/certificates/NUMBER, with the number printed on it"));
      return;
    }
  certificate = wd_store_get_certificate (self->store, number, &error);
  /* By number only: an id is not printed, and a desk's unsynced one has none. */
  if (certificate != NULL && g_strcmp0 (json_object_get_string_member_with_default (certificate, "number", NULL),
                                        number) != 0)
    g_clear_pointer (&certificate, json_object_unref);
  if (certificate == NULL && error != NULL && !g_error_matches (error, WD_ERROR, WD_ERROR_NOT_FOUND))
    {
      respond_gerror (msg, error);
      return;
    }
  if (certificate == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("No certificate was issued with the number “%s”; "
                                                    "check the number as printed"), number);

      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
      return;
    }
  reply = certificate_check (self, certificate);
  respond_json (msg, SOUP_STATUS_OK, reply);
}

static void
handle_unknown (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                 _("There is nothing at this address; see docs/api.md for the API"));
}

/* Refuses a body over the limit before reading it, and decides how the
 * answer is encoded. */
static void
early_check (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  WdServer *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  decide_gzip (self, msg);

  if (encoding == SOUP_ENCODING_CHUNKED && g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      respond_error (msg, SOUP_STATUS_LENGTH_REQUIRED, "length-required",
                     _("Send the body with a Content-Length"));
      return;
    }
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH && length > (goffset) self->max_body)
    {
      g_autofree char *message = g_strdup_printf (_("The body is larger than %lu bytes; send less at a time"),
                                                  (unsigned long) self->max_body);

      /* Whatever of the body still arrives is thrown away, not kept. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", message);
    }
}

/* libsoup 3.2 (Debian 12's) never notices a keep-alive connection the
 * client closes while it is idle: the socket stays in CLOSE_WAIT and its
 * descriptor is lost, one per closed connection, until the server runs
 * out (fixed upstream in 3.3). Until then the server watches each idle
 * connection itself and closes it when the peer has gone. */

#define IDLE_STALE_SECONDS 2

/* What the next byte on an idle socket says, without taking it.
 * MSG_DONTWAIT: whatever libsoup made of the socket, the main loop must
 * not block here. */
typedef enum
{
  PEEK_NOTHING,      /* nothing to read (libsoup has read it) */
  PEEK_DATA,
  PEEK_GONE,         /* end of stream, or the socket is broken */
} PeekResult;

static PeekResult
peek_socket (GSocket *socket)
{
  char byte;
  ssize_t n;

  if (g_socket_is_closed (socket))
    return PEEK_GONE;
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0)
    return PEEK_DATA;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return PEEK_NOTHING;
  return PEEK_GONE;
}

static guint
requests_started_on (GSocket *socket)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (socket), "wd-requests"));
}

typedef struct
{
  GSocket *socket;
  guint    requests;
} StaleCheck;

static void
stale_check_free (gpointer data)
{
  StaleCheck *check = data;

  g_object_unref (check->socket);
  g_free (check);
}

/* Bytes that sit unread while no request starts are bytes libsoup is not
 * reading: over TLS, the client's close_notify. A request still being
 * answered (a slow push, a sign-in) may have a pipelined one waiting. */
static gboolean
close_if_stale (gpointer data)
{
  StaleCheck *check = data;

  if (requests_started_on (check->socket) == check->requests
      && g_object_get_data (G_OBJECT (check->socket), "wd-busy") == NULL
      && peek_socket (check->socket) != PEEK_NOTHING)
    g_socket_close (check->socket, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
idle_connection_readable (GSocket      *socket,
                          GIOCondition  condition,
                          gpointer      user_data)
{
  switch (peek_socket (socket))
    {
    case PEEK_GONE:
      g_socket_close (socket, NULL);
      break;
    case PEEK_DATA:
      {
        /* Most likely the next request, which libsoup is about to read;
         * look again later in case it is not. */
        StaleCheck *check = g_new0 (StaleCheck, 1);

        check->socket = g_object_ref (socket);
        check->requests = requests_started_on (socket);
        g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, IDLE_STALE_SECONDS, close_if_stale, check,
                                    stale_check_free);
      }
      break;
    case PEEK_NOTHING:
      break;
    }
  /* Set again when the next request ends. */
  g_object_set_data (G_OBJECT (socket), "wd-idle-watch", NULL);
  return G_SOURCE_REMOVE;
}

static void
source_destroy_and_unref (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
watch_idle_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr(GSource) source = NULL;

  if (socket == NULL || g_socket_is_closed (socket)
      || g_object_get_data (G_OBJECT (socket), "wd-idle-watch") != NULL)
    return;
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (idle_connection_readable), NULL, NULL);
  g_source_set_name (source, "wd-idle-connection");
  /* After libsoup's own reads, so that a request arriving is taken by
   * libsoup first and this watch finds nothing to look at. */
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_attach (source, NULL);
  /* The watch goes with the socket, whichever ends first. */
  g_object_set_data_full (G_OBJECT (socket), "wd-idle-watch", g_steal_pointer (&source),
                          source_destroy_and_unref);
}

static void
note_request_on_socket (SoupServerMessage *msg,
                        gboolean           started)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket == NULL)
    return;
  if (started)
    g_object_set_data (G_OBJECT (socket), "wd-requests", GUINT_TO_POINTER (requests_started_on (socket) + 1));
  g_object_set_data (G_OBJECT (socket), "wd-busy", GINT_TO_POINTER (started));
}

static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 WdServer          *self)
{
  gint64 *start = g_new (gint64, 1);

  *start = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "wd-start", start, g_free);
  self->in_flight++;
  note_request_on_socket (msg, TRUE);
}

static void
request_ended (SoupServer        *soup,
               SoupServerMessage *msg,
               WdServer          *self)
{
  gint64 *start = g_object_get_data (G_OBJECT (msg), "wd-start");
  const char *user = g_object_get_data (G_OBJECT (msg), "wd-user");
  GUri *uri = soup_server_message_get_uri (msg);

  /* One line per request; never the query string (it may hold ids) nor
   * any header, so no token or password reaches the log. */
  g_message ("%s %s %u %.1fms %s", soup_server_message_get_method (msg),
             uri ? g_uri_get_path (uri) : "?", soup_server_message_get_status (msg),
             start ? (double) (g_get_monotonic_time () - *start) / 1000.0 : 0.0,
             user ? user : "-");

  note_request_on_socket (msg, FALSE);
  watch_idle_connection (msg);

  g_assert (self->in_flight > 0);
  self->in_flight--;
  if (self->draining && self->in_flight == 0)
    g_signal_emit (self, signals[SIGNAL_DRAINED], 0);
}

static void
wd_server_dispose (GObject *object)
{
  WdServer *self = WD_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->sync);
  g_clear_object (&self->accounts);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (wd_server_parent_class)->dispose (object);
}

static void
wd_server_finalize (GObject *object)
{
  WdServer *self = WD_SERVER (object);

  g_ptr_array_unref (self->trusted_proxies);
  G_OBJECT_CLASS (wd_server_parent_class)->finalize (object);
}

static void
wd_server_class_init (WdServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wd_server_dispose;
  G_OBJECT_CLASS (klass)->finalize = wd_server_finalize;

  /* All requests in flight when draining began have been answered. */
  signals[SIGNAL_DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wd_server_init (WdServer *self)
{
  self->max_body = WD_SERVER_DEFAULT_MAX_BODY;
  self->trusted_proxies = g_ptr_array_new_with_free_func (g_object_unref);
}

WdServer *
wd_server_new (WdStore         *store,
               WdAccounts      *accounts,
               GTlsCertificate *certificate)
{
  WdServer *self = g_object_new (WD_TYPE_SERVER, NULL);
  static const struct
  {
    const char *path;
    SoupServerCallback callback;
  } routes[] = {
    { "/api/v1/session", handle_session },
    { "/api/v1/push", handle_push },
    { "/api/v1/pull", handle_pull },
    { "/api/v1/snapshot", handle_snapshot },
    { "/api/v1/health", handle_health },
    { "/api/v1/me", handle_me },
    { "/api/v1/accounts", handle_accounts },
    { "/api/v1/projects", handle_projects },
    { "/api/v1/speakers", handle_speakers },
    { "/api/v1/schedule", handle_schedule },
    { "/api/v1/certificates", handle_certificates },
    { "/api/v1/orders", handle_orders },
  };

  self->store = g_object_ref (store);
  self->accounts = g_object_ref (accounts);
  self->sync = wd_sync_service_new (store);
  self->soup = soup_server_new ("server-header", "wudan-server/" PACKAGE_VERSION,
                                "tls-certificate", certificate, NULL);

  /* An early handler only runs for the very path it is registered at. */
  soup_server_add_early_handler (self->soup, NULL, early_check, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_unknown, self, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      soup_server_add_early_handler (self->soup, routes[i].path, early_check, self, NULL);
      soup_server_add_handler (self->soup, routes[i].path, routes[i].callback, self, NULL);
    }

  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_ended), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_ended), self);
  return self;
}

void
wd_server_set_max_body (WdServer *self,
                        gsize     max_body)
{
  g_return_if_fail (WD_IS_SERVER (self));
  self->max_body = max_body;
}

void
wd_server_set_compress (WdServer   *self,
                        WdCompress  compress)
{
  g_return_if_fail (WD_IS_SERVER (self));
  self->compress = compress;
}

/* The proxies (GInetAddress) whose X-Forwarded-For names the client. */
void
wd_server_set_trusted_proxies (WdServer  *self,
                               GPtrArray *proxies)
{
  g_return_if_fail (WD_IS_SERVER (self));

  g_ptr_array_set_size (self->trusted_proxies, 0);
  for (guint i = 0; proxies != NULL && i < proxies->len; i++)
    g_ptr_array_add (self->trusted_proxies, g_object_ref (proxies->pdata[i]));
}

/* address is HOST:PORT; port 0 picks a free one (see the printed URI). */
gboolean
wd_server_listen (WdServer    *self,
                  const char  *address,
                  GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  SoupServerListenOptions options = soup_server_is_https (self->soup) ? SOUP_SERVER_LISTEN_HTTPS : 0;

  g_return_val_if_fail (WD_IS_SERVER (self), FALSE);

  connectable = g_network_address_parse (address, 8080, error);
  if (connectable == NULL)
    {
      g_prefix_error (error, _("--listen %s: "), address);
      return FALSE;
    }
  enumerator = g_socket_connectable_enumerate (connectable);
  socket_address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (socket_address == NULL)
    {
      g_prefix_error (error, _("--listen %s: "), address);
      return FALSE;
    }
  return soup_server_listen (self->soup, socket_address, options, error);
}

GSList *
wd_server_get_uris (WdServer *self)
{
  g_return_val_if_fail (WD_IS_SERVER (self), NULL);
  return soup_server_get_uris (self->soup);
}

/* Starts making the prebuilt store a centre desk's first sync adopts. */
void
wd_server_prepare_snapshot (WdServer *self)
{
  g_return_if_fail (WD_IS_SERVER (self));
  wd_sync_service_prepare_snapshot (self->sync);
}

/* Stops taking connections; "drained" follows once every request already
 * received has had its answer. */
void
wd_server_drain (WdServer *self)
{
  GSList *listeners;

  g_return_if_fail (WD_IS_SERVER (self));

  if (self->draining)
    return;
  self->draining = TRUE;
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l; l = l->next)
    g_socket_close (l->data, NULL);
  g_slist_free (listeners);
  if (self->in_flight == 0)
    g_signal_emit (self, signals[SIGNAL_DRAINED], 0);
}

gboolean
wd_server_is_drained (WdServer *self)
{
  return self->draining && self->in_flight == 0;
}
