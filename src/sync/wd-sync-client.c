/* wd-sync-client.c: the client's conversation with wudan-server. The
 * engine is synchronous and keeps no state of its own beyond the store:
 * whatever it knows (server, account, token, cursor, the last operation
 * the server answered) is in the store, so a crash at any point leaves
 * nothing to repair: the next sync resends what has no answer. */
#define G_LOG_DOMAIN "wudan-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-sync-client.h"
#include "wd-sync-protocol.h"
#include "wd-sync-store.h"

/* As many operations per push as the server takes, within a size it
 * takes whatever they are: a batch is one round trip and one commit on
 * each side (500 a batch, a 1,000-operation backlog took 0.42-0.45 s to
 * push; in one, 0.30-0.36 s). An operation larger than that goes alone. */
#define PUSH_BATCH WD_SYNC_MAX_OPS_PER_PUSH
#define PUSH_BYTES (1024 * 1024)
#define PULL_PAGE 2000
#define DOWNLOAD_CHUNK (256 * 1024)
#define REPORT_EVERY (4 * 1024 * 1024)

G_DEFINE_QUARK (wd-sync-client-error-quark, wd_sync_client_error)

struct _WdSyncClient
{
  GObject      parent_instance;

  WdStore            *store;
  SoupSession        *session;
  WdSyncProgressFunc  progress;
  gpointer            progress_data;

  /* A server whose certificate no authority this computer knows signed
   * (a district's own): trusted once its fingerprint was confirmed. */
  char               *trust;        /* fingerprint to accept at the next sign-in */
  gboolean            pin_ignored;  /* signing in elsewhere: the pin was another server's */
  GTlsCertificate    *trusted_now;  /* accepted by the fingerprint at this sign-in */
  GTlsCertificate    *refused;      /* the last certificate refused, NULL once one passed */
};

G_DEFINE_FINAL_TYPE (WdSyncClient, wd_sync_client, G_TYPE_OBJECT)

static void
wd_sync_client_finalize (GObject *object)
{
  WdSyncClient *self = WD_SYNC_CLIENT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->session);
  g_clear_object (&self->trusted_now);
  g_clear_object (&self->refused);
  g_free (self->trust);
  G_OBJECT_CLASS (wd_sync_client_parent_class)->finalize (object);
}

static void
wd_sync_client_class_init (WdSyncClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wd_sync_client_finalize;
}

static void
wd_sync_client_init (WdSyncClient *self)
{
  /* The content decoder, on by default, takes gzip answers. */
  self->session = soup_session_new_with_options ("timeout", 60, "user-agent", "wudan/" PACKAGE_VERSION, NULL);
}

WdSyncClient *
wd_sync_client_new (WdStore  *store,
                    GError  **error)
{
  g_autoptr(WdSyncClient) self = g_object_new (WD_TYPE_SYNC_CLIENT, NULL);

  if (!wd_sync_store_prepare (store, error))
    return NULL;
  self->store = g_object_ref (store);
  return g_steal_pointer (&self);
}

void
wd_sync_client_set_progress_func (WdSyncClient       *self,
                                  WdSyncProgressFunc  func,
                                  gpointer            data)
{
  g_return_if_fail (WD_IS_SYNC_CLIENT (self));
  self->progress = func;
  self->progress_data = data;
}

static void
report (WdSyncClient *self,
        const char   *phase,
        gint64        done,
        gint64        total)
{
  if (self->progress != NULL)
    self->progress (phase, done, total, self->progress_data);
}

/* Notes how far this computer's clock is from the server's, by the Date
 * of an answer (to the second, less the time it took to arrive). An
 * office PC whose clock battery went flat wakes up in another year:
 * its deadlines and its checks of "in the past" would all be wrong. */
static void
note_server_clock (WdSyncClient *self,
                   SoupMessage  *msg)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  g_autoptr(GDateTime) server_time = date ? soup_date_time_new_from_http_string (date) : NULL;
  gint64 offset;

  if (server_time == NULL)
    return;
  offset = g_date_time_to_unix (server_time) - g_get_real_time () / G_USEC_PER_SEC;
  wd_sync_store_note_clock_offset (self->store, offset);
}

static gboolean
is_pinned (WdSyncClient    *self,
           GTlsCertificate *certificate)
{
  g_autofree char *pem = self->pin_ignored ? NULL : wd_sync_store_get (self->store, "sync_certificate");
  g_autoptr(GTlsCertificate) pinned = pem ? g_tls_certificate_new_from_pem (pem, -1, NULL) : NULL;

  return pinned != NULL && g_tls_certificate_is_same (pinned, certificate);
}

/* Asked only for a certificate the system's authorities do not vouch
 * for: accepted if it is the one this store trusts for its server, or
 * the one whose fingerprint the user confirmed for this sign-in. */
static gboolean
accept_certificate (SoupMessage          *msg,
                    GTlsCertificate      *certificate,
                    GTlsCertificateFlags  errors,
                    WdSyncClient         *self)
{
  g_autofree char *fingerprint = wd_sync_certificate_fingerprint (certificate);

  if (self->trust != NULL && wd_sync_same_fingerprint (fingerprint, self->trust))
    g_set_object (&self->trusted_now, certificate);
  else if (!is_pinned (self, certificate))
    {
      g_set_object (&self->refused, certificate);
      return FALSE;
    }
  g_clear_object (&self->refused);
  return TRUE;
}

static void
set_network_error (GError       **error,
                   const GError  *cause)
{
  g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NETWORK,
               _("The server could not be reached: %s"), cause->message);
}

/* A request that got no answer: the network's failure, or the server's
 * certificate refused, which says what to compare before trusting it. */
static void
set_send_error (WdSyncClient  *self,
                GError       **error,
                const GError  *cause)
{
  g_autofree char *pinned = NULL;
  g_autofree char *fingerprint = NULL;

  if (!g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) || self->refused == NULL)
    {
      set_network_error (error, cause);
      return;
    }
  fingerprint = wd_sync_certificate_fingerprint (self->refused);
  pinned = self->pin_ignored ? NULL : wd_sync_store_get (self->store, "sync_certificate");
  if (pinned != NULL)
    g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNTRUSTED_CERTIFICATE,
                 _("The server's certificate is not the one this computer trusted; its SHA-256 fingerprint is "
                   "now %s. If the administrator replaced the certificate, compare the fingerprint and trust "
                   "it as you sign in again; if not, something may be posing as the server."), fingerprint);
  else
    g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNTRUSTED_CERTIFICATE,
                 _("This computer does not trust the server's certificate (SHA-256 fingerprint %s). Compare the "
                   "fingerprint with the one the server's administrator gives; if they match, trust the "
                   "certificate as you sign in."), fingerprint);
}

/* A request to the signed-in server, with the protocol header and, when
 * with_token, the session's token. */
static SoupMessage *
new_message (WdSyncClient  *self,
             const char    *method,
             const char    *path,
             const char    *body,
             gboolean       with_token,
             GError       **error)
{
  g_autofree char *server = wd_sync_store_get (self->store, "sync_server");
  g_autofree char *token = with_token ? wd_sync_store_get (self->store, "sync_token") : NULL;
  g_autofree char *uri = NULL;
  SoupMessage *msg;

  if (server == NULL || (with_token && token == NULL))
    {
      g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
                   _("This store is not signed in to a server; sign in first"));
      return NULL;
    }

  uri = g_strconcat (server, path, NULL);
  msg = soup_message_new (method, uri);
  if (msg == NULL)
    {
      g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NETWORK,
                   _("“%s” is not a server address; write it as http://host:port"), server);
      return NULL;
    }
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), self);
  soup_message_headers_replace (soup_message_get_request_headers (msg), WD_SYNC_PROTOCOL_HEADER,
                                G_STRINGIFY (WD_SYNC_PROTOCOL_VERSION));
  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) content = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", content);
    }
  return msg;
}

/* "https://host:port", for saying which address answered. */
static char *
address_of (SoupMessage *msg)
{
  GUri *uri = soup_message_get_uri (msg);

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                     "", NULL, NULL);
}

/* The error an answer other than 200 stands for, with the server's
 * message when its body carries one. Every answer of a Wudan server
 * does: one without came from something else at that address (a web
 * server, a wrong port), or from a proxy in front of a server that is
 * down, which is like the network being down. */
static void
set_answer_error (GError      **error,
                  SoupMessage  *msg,
                  JsonNode     *body)
{
  guint status = soup_message_get_status (msg);
  const char *message = body && JSON_NODE_HOLDS_OBJECT (body)
    ? json_object_get_string_member_with_default (json_node_get_object (body), "message", NULL) : NULL;
  g_autofree char *address = NULL;

  if (message != NULL)
    {
      g_set_error (error, WD_SYNC_CLIENT_ERROR,
                   status == SOUP_STATUS_UNAUTHORIZED ? WD_SYNC_CLIENT_ERROR_UNAUTHORIZED
                                                      : WD_SYNC_CLIENT_ERROR_SERVER,
                   "%s", message);
      return;
    }
  address = address_of (msg);
  if (status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_SERVICE_UNAVAILABLE
      || status == SOUP_STATUS_GATEWAY_TIMEOUT)
    g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NETWORK,
                 _("The server could not be reached: %s answered %u %s"), address, status,
                 soup_status_get_phrase (status));
  else
    g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_SERVER,
                 _("%s does not answer as a Wudan server would (%u %s); check the server address"), address,
                 status, soup_status_get_phrase (status));
}

/* Sends a request and returns the parsed JSON answer of a 200; any other
 * answer becomes an error carrying the server's message. */
static JsonNode *
request (WdSyncClient  *self,
         const char    *method,
         const char    *path,
         const char    *body,
         gboolean       with_token,
         guint         *status_out,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(SoupMessage) msg = new_message (self, method, path, body, with_token, error);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) node = NULL;
  gsize length = 0;
  const char *data;
  guint status;

  if (msg == NULL)
    return NULL;
  reply = soup_session_send_and_read (self->session, msg, cancellable, &local);
  if (reply == NULL)
    {
      set_send_error (self, error, local);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (status_out != NULL)
    *status_out = status;
  note_server_clock (self, msg);
  data = g_bytes_get_data (reply, &length);
  node = wd_json_parse (data ? data : "", (gssize) length, NULL);

  if (status != SOUP_STATUS_OK)
    {
      set_answer_error (error, msg, node);
      if (status == 409 && node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        return g_steal_pointer (&node);
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *address = address_of (msg);

      g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_SERVER,
                   _("%s does not answer as a Wudan server would; check the server address, and whether the "
                     "network first asks for a sign-in page in a web browser"), address);
      return NULL;
    }
  return g_steal_pointer (&node);
}

/* The account this store last signed in as, or NULL. */
static char *
signed_in_name (WdSyncClient *self)
{
  g_autoptr(WdActor) actor = wd_sync_client_get_actor (self);

  return actor ? g_strdup (actor->user) : NULL;
}

static gboolean keep_trust (WdSyncClient *self, GError **error);

/* Signs in and remembers the server, the account and the session token
 * in the store (which only its owner can read). The password is not kept. */
gboolean
wd_sync_client_login (WdSyncClient  *self,
                      const char    *server,
                      const char    *name,
                      const char    *password,
                      GError       **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *text = NULL;
  g_autofree char *user_text = NULL;
  g_autofree char *previous = wd_sync_store_get (self->store, "sync_server");
  g_autofree char *previous_name = signed_in_name (self);
  g_autofree char *base = g_str_has_suffix (server, "/") ? g_strndup (server, strlen (server) - 1)
                                                         : g_strdup (server);
  gint64 pending = wd_sync_store_count_pending (self->store);
  gboolean same_identity = previous_name == NULL
                           || (g_strcmp0 (previous, base) == 0 && g_str_equal (previous_name, name));
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *answer;

  if (previous != NULL && !g_str_equal (previous, base) && pending > 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("This store still has changes for %s; sync them before signing in elsewhere"),
                   previous);
      return FALSE;
    }
  /* The server applies queued changes as whoever sends them: another
   * account may not send this one's. */
  if (previous_name != NULL && !g_str_equal (previous_name, name) && pending > 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "This store still has %d change made as %s; sign in as %s and sync it "
                                "before another account signs in here",
                                "This store still has %d changes made as %s; sign in as %s and sync them "
                                "before another account signs in here", (gulong) pending),
                   (int) pending, previous_name, previous_name);
      return FALSE;
    }

  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "password", password);
  text = wd_json_object_to_string (body, FALSE);

  if (!wd_sync_store_set (self->store, "sync_server", base, error))
    return FALSE;
  self->pin_ignored = g_strcmp0 (previous, base) != 0;
  g_clear_object (&self->trusted_now);
  g_clear_object (&self->refused);
  reply = request (self, "POST", "/api/v1/session", text, FALSE, NULL, NULL, error);
  if (reply == NULL)
    {
      /* A failed sign-in leaves the store talking to the server it had. */
      wd_sync_store_set (self->store, "sync_server", previous, NULL);
      self->pin_ignored = FALSE;
      return FALSE;
    }
  answer = json_node_get_object (reply);
  user_text = wd_json_object_to_string (json_object_get_object_member (answer, "user"), FALSE);

  /* Another account, or another server: the server knows this install
   * under the account it first signed in as, and the copy holds what
   * that account may see. It starts again as a new install. */
  return (same_identity || wd_sync_store_start_afresh (self->store, error))
      && keep_trust (self, error)
      && wd_sync_store_set (self->store, "sync_user", user_text, error)
      && wd_sync_store_set (self->store, "sync_token", json_object_get_string_member (answer, "token"), error);
}

/* After a sign-in: the certificate trusted by its fingerprint is kept for
 * the syncs to come, and another server's is forgotten. */
static gboolean
keep_trust (WdSyncClient  *self,
            GError       **error)
{
  g_autofree char *pem = NULL;

  if (self->trusted_now != NULL)
    g_object_get (self->trusted_now, "certificate-pem", &pem, NULL);
  else if (!self->pin_ignored)
    return TRUE;
  self->pin_ignored = FALSE;
  return wd_sync_store_set (self->store, "sync_certificate", pem, error);
}

/* The next sign-in accepts a server certificate with this fingerprint
 * (SHA-256, any case, colons or not), one that no authority this
 * computer knows signed: a district's own. The user confirms the
 * fingerprint with the server's administrator first. */
void
wd_sync_client_trust_certificate (WdSyncClient *self,
                                  const char   *fingerprint)
{
  g_return_if_fail (WD_IS_SYNC_CLIENT (self));
  g_free (self->trust);
  self->trust = g_strdup (fingerprint);
}

/* The fingerprint of the certificate the server presented, when this
 * computer refused it; NULL when the last one presented was accepted. */
char *
wd_sync_client_get_presented_fingerprint (WdSyncClient *self)
{
  g_return_val_if_fail (WD_IS_SYNC_CLIENT (self), NULL);
  return self->refused != NULL ? wd_sync_certificate_fingerprint (self->refused) : NULL;
}

gboolean
wd_sync_client_logout (WdSyncClient  *self,
                       GError       **error)
{
  g_autoptr(GError) ignored = NULL;
  g_autoptr(JsonNode) reply = request (self, "DELETE", "/api/v1/session", NULL, TRUE, NULL, NULL, &ignored);

  /* Offline, the token still ends here; the server lets it expire. */
  return wd_sync_store_set (self->store, "sync_token", NULL, error);
}

gboolean
wd_sync_client_is_signed_in (WdSyncClient *self)
{
  g_autofree char *token = wd_sync_store_get (self->store, "sync_token");

  return token != NULL;
}

/* The signed-in account as the operations' actor. */
WdActor *
wd_sync_client_get_actor (WdSyncClient *self)
{
  g_autofree char *text = wd_sync_store_get (self->store, "sync_user");
  g_autoptr(JsonObject) user = text ? wd_json_parse_object (text, -1, NULL) : NULL;

  return user != NULL ? wd_actor_from_json (user, "name") : NULL;
}

gboolean
wd_sync_client_apply (WdSyncClient  *self,
                      gint64         now,
                      const char    *kind,
                      JsonObject    *args,
                      JsonObject   **result,
                      GError       **error)
{
  g_autoptr(WdActor) actor = wd_sync_client_get_actor (self);

  if (actor == NULL)
    {
      g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
                   _("This store is not signed in to a server; sign in first"));
      return FALSE;
    }
  return wd_sync_store_apply_local (self->store, actor, now, kind, args, result, error);
}

static gboolean
record_results (WdSyncClient  *self,
                JsonArray     *results,
                GError       **error)
{
  for (guint i = 0; results != NULL && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""), "rejected") == 0
          && !wd_sync_store_add_problem (self->store, result, wd_sync_store_now (self->store), error))
        return FALSE;
    }
  return TRUE;
}

/* An answer of the wrong shape: said so, with what was wrong in it. */
static gboolean
not_understood (GError **error)
{
  g_prefix_error (error, _("The server's answer was not understood: "));
  return FALSE;
}

/* Another install sends under this one's id (a copy of this store's
 * file, or an id another account took): this one goes on under an id of
 * its own, its queue numbered again; the server knows an operation by
 * its op_id, so none is applied twice (docs/sync.md). */
static gboolean
go_on_under_new_id (WdSyncClient  *self,
                    GError       **error)
{
  g_autofree char *client_id = wd_sync_store_get (self->store, "sync_client_id");

  g_message ("Another install uses this store's client id %s; going on under a new one", client_id);
  return wd_sync_store_renumber (self->store, error);
}

static gboolean
refused_as (JsonNode    *reply,
            const char  *code)
{
  return g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (reply), "code", ""),
                    code) == 0;
}

/* Sends the outbox in order, in batches. What the server answers is
 * recorded (rejections become sync problems) before anything else. */
gboolean
wd_sync_client_push (WdSyncClient  *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *client_id = wd_sync_store_get (self->store, "sync_client_id");
  gint64 total = wd_sync_store_count_pending (self->store);
  gint64 sent = 0;
  gboolean renumbered = FALSE;

  for (;;)
    {
      gint64 acked = wd_sync_store_get_int (self->store, "sync_acked");
      g_autofree char *lineage = wd_sync_store_get (self->store, "sync_acked_epoch");
      g_autoptr(GPtrArray) ops = wd_sync_store_pending (self->store, acked, PUSH_BATCH, PUSH_BYTES, error);
      g_autofree char *body = NULL;
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(GError) local = NULL;
      g_autofree char *last = NULL;
      JsonObject *answer;
      guint status = 0;

      if (ops == NULL)
        return FALSE;
      report (self, "push", sent, total);
      if (ops->len == 0)
        return TRUE;
      sent += ops->len;

      body = wd_sync_encode_push (client_id, lineage, ops);
      reply = request (self, "POST", "/api/v1/push", body, TRUE, &status, cancellable, &local);
      if (status == 409 && reply != NULL && refused_as (reply, "gap"))
        {
          /* The server answered operations whose answer was lost: resume
           * after the last it has. */
          gint64 server_last = json_object_get_int_member_with_default (json_node_get_object (reply), "last_seq", 0);

          if (server_last <= acked)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          last = g_strdup_printf ("%" G_GINT64_FORMAT, server_last);
          if (!wd_sync_store_set (self->store, "sync_acked", last, error))
            return FALSE;
          continue;
        }
      if (status == 409 && reply != NULL && !renumbered && refused_as (reply, "seq-reused"))
        {
          if (!go_on_under_new_id (self, error))
            return FALSE;
          g_free (client_id);
          client_id = wd_sync_store_get (self->store, "sync_client_id");
          renumbered = TRUE;
          sent = 0;
          continue;
        }
      /* Any other refusal (a 409 other than a gap comes with its body)
       * stops the push with the server's message: sending again would
       * only be refused again. */
      if (reply == NULL || local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }

      answer = json_node_get_object (reply);
      if (!wd_sync_check_push_answer (answer, error))
        return not_understood (error);
      last = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (answer, "last_seq"));
      if (!record_results (self, json_object_get_array_member (answer, "results"), error)
          || !wd_sync_store_note_lost (self->store, answer, error)
          || !wd_sync_store_set (self->store, "sync_acked", last, error)
          || !wd_sync_store_set (self->store, "sync_acked_epoch",
                                 json_object_get_string_member_with_default (answer, "epoch", NULL), error))
        return FALSE;
    }
}

/* Where a snapshot is downloaded: beside the store, as private as it. */
static char *
snapshot_path (WdSyncClient *self)
{
  return g_strconcat (wd_store_get_path (self->store), ".snapshot", NULL);
}

/* Removes a downloaded snapshot and the files SQLite keeps beside it. A
 * sync killed while it took a snapshot over leaves that store's
 * write-ahead log behind, which SQLite would otherwise play into the
 * next download of the same name. */
static void
remove_snapshot (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal", "-users", "-damaged", NULL };

  for (const char * const *suffix = suffixes; *suffix != NULL; suffix++)
    {
      g_autofree char *file = g_strconcat (path, *suffix, NULL);

      g_unlink (file);
    }
}

/* Copies an answer's body to out, reporting the bytes as the "snapshot"
 * phase; the total is known when the body comes uncompressed. */
static gboolean
download (WdSyncClient   *self,
          SoupMessage    *msg,
          GInputStream   *body,
          GOutputStream  *out,
          GCancellable   *cancellable,
          GError        **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  gint64 total = soup_message_headers_get_one (headers, "Content-Encoding") == NULL
                 ? soup_message_headers_get_content_length (headers) : 0;
  gint64 done = 0, reported = 0;
  g_autofree char *buffer = g_malloc (DOWNLOAD_CHUNK);

  for (;;)
    {
      gssize n = g_input_stream_read (body, buffer, DOWNLOAD_CHUNK, cancellable, error);

      if (n < 0 || (n > 0 && !g_output_stream_write_all (out, buffer, (gsize) n, NULL, cancellable, error)))
        return FALSE;
      if (n == 0)
        break;
      done += n;
      if (done - reported >= REPORT_EVERY)
        {
          report (self, "snapshot", done, total);
          reported = done;
        }
    }
  report (self, "snapshot", done, MAX (total, done));
  return g_input_stream_close (body, cancellable, error) && g_output_stream_close (out, cancellable, error);
}

/* Downloads the snapshot a first sync starts from into a file beside
 * the store (streamed: memory stays flat whatever its size) and applies
 * it. *unsupported is set for a server without snapshots (an older one):
 * the change log then serves a first sync, as it did before. */
static gboolean
pull_snapshot (WdSyncClient  *self,
               GCancellable  *cancellable,
               gboolean      *unsupported,
               gboolean      *indexed,
               GError       **error)
{
  g_autofree char *client_id = wd_sync_store_get (self->store, "sync_client_id");
  /* The client takes the server's prebuilt store as its own when it has
   * the client's schema (wd_sync_store_apply_snapshot). */
  g_autofree char *path = g_strdup_printf ("/api/v1/snapshot?client_id=%s&format=store&schema=%d", client_id,
                                           wd_store_get_schema_version (self->store));
  g_autoptr(SoupMessage) msg = new_message (self, "GET", path, NULL, TRUE, error);
  g_autofree char *file_path = snapshot_path (self);
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local = NULL;
  gboolean ok;
  guint status;

  *unsupported = FALSE;
  if (msg == NULL)
    return FALSE;
  report (self, "snapshot", 0, 0);
  body = soup_session_send (self->session, msg, cancellable, &local);
  if (body == NULL)
    {
      set_send_error (self, error, local);
      return FALSE;
    }
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      g_autoptr(GBytes) text = g_input_stream_read_bytes (body, 64 * 1024, cancellable, NULL);
      g_autoptr(JsonNode) node = text ? wd_json_parse (g_bytes_get_data (text, NULL), g_bytes_get_size (text), NULL)
                                      : NULL;

      *unsupported = status == SOUP_STATUS_NOT_FOUND;
      set_answer_error (error, msg, node);
      return FALSE;
    }

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        cancellable, error);
  if (out == NULL)
    return FALSE;
  if (!download (self, msg, body, G_OUTPUT_STREAM (out), cancellable, &local))
    {
      remove_snapshot (file_path);
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        set_network_error (error, local);
      return FALSE;
    }

  ok = wd_sync_store_apply_snapshot (self->store, file_path, indexed, error);
  remove_snapshot (file_path);
  return ok;
}

static gint64
last_result_seq (JsonArray *results)
{
  JsonObject *last = json_array_get_object_element (results, json_array_get_length (results) - 1);

  return last != NULL ? json_object_get_int_member_with_default (last, "seq", 0) : 0;
}

/* Pulls and applies one page of changes after the cursor. */
static gboolean
pull_page (WdSyncClient  *self,
           gboolean      *more,
           gboolean      *renumbered,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *client_id = wd_sync_store_get (self->store, "sync_client_id");
  gint64 cursor = wd_sync_store_get_int (self->store, "sync_cursor");
  gint64 acked = wd_sync_store_get_int (self->store, "sync_acked");
  g_autofree char *lineage = wd_sync_store_get (self->store, "sync_epoch");
  g_autofree char *escaped = lineage ? g_uri_escape_string (lineage, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/pull?client_id=%s&since=%" G_GINT64_FORMAT
                                           "&limit=%d&acked=%" G_GINT64_FORMAT "%s%s",
                                           client_id, cursor, PULL_PAGE, acked,
                                           escaped ? "&epoch=" : "", escaped ? escaped : "");
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) reply = request (self, "GET", path, NULL, TRUE, NULL, cancellable, &local);
  JsonObject *page;
  JsonArray *results;
  gint64 server_last;

  /* The id is another account's: the page is asked for again under a
   * new one (more stays as it was). */
  if (reply != NULL && local != NULL && !*renumbered && refused_as (reply, "seq-reused"))
    {
      *renumbered = TRUE;
      return go_on_under_new_id (self, error);
    }
  if (reply == NULL || local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  page = json_node_get_object (reply);
  if (!wd_sync_check_page (page, error))
    return not_understood (error);
  server_last = json_object_get_int_member_with_default (page, "last_seq", acked);
  results = json_object_has_member (page, "results") ? json_object_get_array_member (page, "results") : NULL;

  /* Answers to another install's operations under this one's id (a
   * copy of this store's file) acknowledge none of this one's. */
  if (!wd_sync_store_owns_answers (self->store, server_last, results))
    {
      if (!go_on_under_new_id (self, error))
        return FALSE;
      results = NULL;
      acked = server_last = 0;
    }
  /* Answers the push may have missed (a lost connection) come here;
   * a full page of them acknowledges no further than its last. */
  if (results != NULL && json_array_get_length (results) >= WD_SYNC_MAX_OPS_PER_PUSH)
    server_last = MIN (server_last, last_result_seq (results));
  if ((results != NULL && !record_results (self, results, error))
      || !wd_sync_store_apply_page (self->store, page, MAX (server_last, acked), error))
    return FALSE;
  *more = json_object_get_boolean_member_with_default (page, "more", FALSE);
  report (self, "pull", json_object_get_int_member_with_default (page, "cursor", 0),
          json_object_get_int_member_with_default (page, "head", 0));
  return TRUE;
}

/* The directory that says who the accounts named in the data are. A
 * server older than the directory answers 404: the names stay bare. */
static gboolean
pull_accounts (WdSyncClient  *self,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonNode *accounts;
  guint status = 0;

  reply = request (self, "GET", "/api/v1/accounts", NULL, TRUE, &status, cancellable, &local);
  if (status == SOUP_STATUS_NOT_FOUND)
    return TRUE;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  accounts = json_object_get_member (json_node_get_object (reply), "accounts");
  if (accounts == NULL || !JSON_NODE_HOLDS_ARRAY (accounts))
    {
      g_set_error (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_SERVER,
                   _("The server's answer was not understood: its directory lists no accounts"));
      return FALSE;
    }
  return wd_store_set_accounts (self->store, json_node_get_array (accounts), error);
}

/* Brings the store up to date: an empty copy (a first sync, or one after
 * a reset) from a snapshot, then pages of changes until the server has no
 * more, each applied with the outbox lifted off and replayed, and the
 * directory of accounts. */
gboolean
wd_sync_client_pull (WdSyncClient  *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  gboolean more = TRUE;
  gboolean renumbered = FALSE;
  /* Filling an empty copy, the search index is built once at the end
   * rather than entry by entry; a snapshot is always indexed afresh. */
  gboolean keeps_index = wd_store_get_search_index (self->store);
  gboolean rebuild_index = keeps_index && wd_sync_store_get_int (self->store, "sync_cursor") == 0;
  gboolean snapshot_tried = FALSE;
  gboolean failed = FALSE;
  g_autofree char *snapshot_file = snapshot_path (self);

  if (rebuild_index)
    wd_store_set_search_index (self->store, FALSE);
  /* A snapshot left by a sync that was killed is of no more use. */
  remove_snapshot (snapshot_file);

  while (more && !failed)
    {
      if (wd_sync_store_get_int (self->store, "sync_cursor") == 0 && !snapshot_tried)
        {
          g_autoptr(GError) snapshot_error = NULL;
          gboolean unsupported = FALSE;
          gboolean indexed = FALSE;

          snapshot_tried = TRUE;
          if (pull_snapshot (self, cancellable, &unsupported, &indexed, &snapshot_error))
            {
              /* A store taken whole came indexed: the pages after it
               * keep the index as they go. */
              rebuild_index = keeps_index && !indexed;
              wd_store_set_search_index (self->store, keeps_index && indexed);
              continue;
            }
          if (!unsupported)
            {
              g_propagate_error (error, g_steal_pointer (&snapshot_error));
              failed = TRUE;
              break;
            }
        }
      failed = !pull_page (self, &more, &renumbered, cancellable, error);
    }

  /* Even after a failure: what was pulled must be searchable. */
  if (rebuild_index)
    {
      wd_store_set_search_index (self->store, TRUE);
      if (!wd_store_rebuild_search_index (self->store, failed ? NULL : error))
        return FALSE;
    }
  if (failed || !pull_accounts (self, cancellable, error))
    return FALSE;

  {
    g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, wd_sync_store_now (self->store));

    return wd_sync_store_set (self->store, "sync_last_at", at, error);
  }
}

gboolean
wd_sync_client_sync (WdSyncClient  *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return wd_sync_client_push (self, cancellable, error)
      && wd_sync_client_pull (self, cancellable, error);
}

JsonObject *
wd_sync_client_status (WdSyncClient *self)
{
  JsonObject *status = json_object_new ();
  g_autofree char *server = wd_sync_store_get (self->store, "sync_server");
  g_autofree char *user = wd_sync_store_get (self->store, "sync_user");
  g_autoptr(JsonObject) user_json = user ? wd_json_parse_object (user, -1, NULL) : NULL;
  g_autoptr(JsonArray) problems = wd_sync_store_problems (self->store, NULL);

  json_object_set_string_member (status, "server", server ? server : "");
  json_object_set_string_member (status, "user",
                                 user_json ? json_object_get_string_member (user_json, "name") : "");
  json_object_set_boolean_member (status, "signed_in", wd_sync_client_is_signed_in (self));
  json_object_set_int_member (status, "cursor", wd_sync_store_get_int (self->store, "sync_cursor"));
  json_object_set_int_member (status, "acked", wd_sync_store_get_int (self->store, "sync_acked"));
  json_object_set_int_member (status, "pending", wd_sync_store_count_pending (self->store));
  json_object_set_int_member (status, "problems", problems ? json_array_get_length (problems) : 0);
  json_object_set_int_member (status, "last_sync", wd_sync_store_get_int (self->store, "sync_last_at"));
  json_object_set_int_member (status, "clock_offset", wd_sync_store_clock_offset (self->store));
  {
    /* What an administrator checks a desk for. */
    g_autofree char *trusted = wd_sync_store_trusted_certificate (self->store);

    if (trusted != NULL)
      json_object_set_string_member (status, "trusted_certificate", trusted);
  }
  return status;
}
