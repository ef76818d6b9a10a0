/* wudan-server: the central server, and its administration from a shell. */
#define G_LOG_DOMAIN "wudan-server"

#define _GNU_SOURCE

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <sqlite3.h>

#include "wd-accounts.h"
#include "wd-demo.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-operations.h"
#include "wd-prompt.h"
#include "wd-server.h"
#include "wd-sync-protocol.h"
#include "wd-sync-service.h"
#include "wd-server-store.h"
#include "wd-text-table.h"
#include "wd-time.h"

#define EXIT_USAGE 2

static int
fail (const GError *error)
{
  g_printerr ("wudan-server: %s\n", error->message);
  if (g_error_matches (error, WD_ERROR, WD_ERROR_STORE_DAMAGED))
    g_printerr (_("wudan-server: put the latest backup back with: wudan-server restore --db PATH --from BACKUP\n"));
  return EXIT_FAILURE;
}

static int
usage (GOptionContext *context,
       const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("wudan-server: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GOptionContext *
context_for (const char   *parameter,
             const char   *summary,
             GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/* Opening a store makes it when it is not there: a command that reads
 * one would then act on a new, empty database at a mistyped path (a
 * backup of nothing, reported done). Says so on stderr. */
static gboolean
database_exists (const char *db)
{
  if (g_file_test (db, G_FILE_TEST_EXISTS))
    return TRUE;
  g_printerr (_("wudan-server: there is no server database at %s; check --db\n"), db);
  return FALSE;
}

static WdStore *
open_server_store (const char  *path,
                   GError     **error)
{
  g_autoptr(WdStore) store = wd_store_open (path, error);

  if (store == NULL || !wd_server_store_prepare (store, error))
    return NULL;
  wd_server_store_tune (store);
  return g_steal_pointer (&store);
}

static char *
random_password (void)
{
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  char password[13];

  for (guint i = 0; i < sizeof password - 1; i++)
    password[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  password[sizeof password - 1] = '\0';
  return g_strdup (password);
}

static gboolean
add_user (WdStore       *store,
          const WdUser  *scope,
          const char    *password,
          GError       **error)
{
  g_autofree char *hash = wd_password_hash (password, error);
  WdUser user = *scope;

  if (hash == NULL)
    return FALSE;
  user.password_hash = hash;
  return wd_server_store_add_user (store, &user, now_seconds (), error);
}

/* The staff, teams and speakers the demo's history names get accounts
 * that no one signs in to (disabled, and a password hash no password
 * matches: hashing one each made the demo server start seconds later),
 * so that the directory of accounts says who they are. */
#define LOCKED_PASSWORD_HASH "!"

static gboolean
add_demo_colleagues (WdStore  *store,
                     GError  **error)
{
  g_autoptr(JsonArray) colleagues = wd_demo_list_accounts (store, error);

  if (colleagues == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (colleagues); i++)
    {
      JsonObject *account = json_array_get_object_element (colleagues, i);
      WdUser user = {
        .name = (char *) json_object_get_string_member (account, "name"),
        .password_hash = (char *) LOCKED_PASSWORD_HASH,
        .subdistrict_id = (char *) json_object_get_string_member_with_default (account, "subdistrict_id", NULL),
        .assignee_id = (char *) json_object_get_string_member_with_default (account, "assignee_id", NULL),
      };
      g_autoptr(WdUser) existing = wd_server_store_find_user (store, user.name, NULL);

      if (existing != NULL)
        continue;
      if (!wd_role_from_string (json_object_get_string_member (account, "role"), &user.role)
          || (user.assignee_id != NULL
              && !wd_assignee_kind_from_string (json_object_get_string_member (account, "assignee_kind"),
                                                &user.assignee_kind)))
        continue;
      if (!wd_server_store_add_user (store, &user, now_seconds (), error)
          || !wd_server_store_set_disabled (store, user.name, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/* On an empty database: the demo district and one account per role. */
static gboolean
seed_demo (WdStore   *store,
           gboolean   with_accounts,
           GError   **error)
{
  static const WdUser accounts[] = {
    { .name = (char *) "admin", .role = WD_ROLE_ADMIN },
    { .name = (char *) "centre", .role = WD_ROLE_CENTRE },
    { .name = (char *) "office", .role = WD_ROLE_OFFICE, .subdistrict_id = (char *) "qianfoshan" },
    { .name = (char *) "team", .role = WD_ROLE_TEAM, .assignee_kind = WD_ASSIGNEE_TEAM,
      .assignee_id = (char *) "team-02" },
  };
  g_autofree char *data = wd_demo_find_data ();
  g_autoptr(JsonArray) existing = wd_store_list_all (store, "subdistrict", error);

  if (existing == NULL)
    return FALSE;
  if (json_array_get_length (existing) > 0)
    return TRUE;

  if (data == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("The demo data (demo/district.json) is not installed; set WUDAN_DATADIR"));
      return FALSE;
    }
  if (!wd_demo_load (store, data, now_seconds (), NULL, error))
    return FALSE;
  g_print (_("Loaded the demo district.\n"));

  if (!with_accounts)
    return TRUE;
  g_print (_("Demo accounts (name / password):\n"));
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autofree char *password = random_password ();

      if (!add_user (store, &accounts[i], password, error))
        return FALSE;
      g_print ("  %-8s %s  (%s)\n", accounts[i].name, password, wd_role_label (accounts[i].role));
    }
  return add_demo_colleagues (store, error);
}

typedef struct
{
  GMainLoop *loop;
  WdServer  *server;
  WdStore   *store;
  WdActor   *system;
} Serving;

static gboolean
on_terminate (gpointer data)
{
  Serving *serving = data;

  g_message ("Stopping: answering the requests in flight, taking no new ones");
  wd_server_drain (serving->server);
  return G_SOURCE_REMOVE;
}

static void
on_drained (WdServer *server,
            Serving  *serving)
{
  g_main_loop_quit (serving->loop);
}

static gboolean
on_give_up (gpointer data)
{
  Serving *serving = data;

  if (wd_server_is_drained (serving->server) || !g_main_loop_is_running (serving->loop))
    return G_SOURCE_REMOVE;
  g_warning ("Requests still in flight after 30 seconds; stopping anyway");
  g_main_loop_quit (serving->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_terminate_with_deadline (gpointer data)
{
  on_terminate (data);
  g_timeout_add_seconds (30, on_give_up, data);
  return G_SOURCE_REMOVE;
}

/* Dispatched orders nobody accepted in time go back to the queue. */
static gboolean
expire_overdue (gpointer data)
{
  Serving *serving = data;
  g_autoptr(GError) error = NULL;
  guint n = wd_operations_expire_overdue (serving->store, serving->system, now_seconds (), &error);

  if (error != NULL)
    g_warning ("Returning overdue orders failed: %s", error->message);
  else if (n > 0)
    g_message ("Returned %u overdue orders to the dispatch queue", n);
  return G_SOURCE_CONTINUE;
}

/* One server to a database: a second one would empty the first's
 * folder of prebuilt stores under it and sweep overdue orders twice.
 * The lock belongs to the open file, so it goes with the process however
 * the process ends; the descriptor stays open as long as the process. */
static gboolean
claim_database (const char  *db,
                int         *fd_out,
                GError     **error)
{
  g_autofree char *path = g_strconcat (db, "-serving", NULL);
  g_autofree char *dir = g_path_get_dirname (db);
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
  int fd;

  g_mkdir_with_parents (dir, 0700);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  if (fcntl (fd, F_OFD_SETLK, &lock) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("Another wudan-server is already serving %s; stop it first, or give this one "
                     "a database of its own"), db);
      close (fd);
      return FALSE;
    }
  *fd_out = fd;
  return TRUE;
}

/* IP addresses, or NULL when one is not. */
static GPtrArray *
parse_addresses (const char * const *texts,
                 const char        **bad)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; texts != NULL && texts[i] != NULL; i++)
    {
      GInetAddress *address = g_inet_address_new_from_string (texts[i]);

      if (address == NULL)
        {
          *bad = texts[i];
          return NULL;
        }
      g_ptr_array_add (addresses, address);
    }
  return g_steal_pointer (&addresses);
}

/* Desks refuse an authority's certificate once expired, and a renewed
 * one of the district's own must be trusted at each desk again: a
 * month's warning in the log. */
#define CERTIFICATE_WARNING_DAYS 30

/* The fingerprint is what a desk is shown when no authority it knows
 * signed the certificate: the administrator reads it out to compare. */
static void
tell_of_certificate (GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = wd_sync_certificate_fingerprint (certificate);
  g_autoptr(GDateTime) until = g_tls_certificate_get_not_valid_after (certificate);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_print (_("Certificate SHA-256 fingerprint %s\n"), fingerprint);
  if (until != NULL && g_date_time_difference (until, now) < CERTIFICATE_WARNING_DAYS * G_TIME_SPAN_DAY)
    {
      g_autofree char *when = g_date_time_format_iso8601 (until);

      g_warning (_("The TLS certificate is valid until %s: renew it before then, and tell the desks its new "
                   "fingerprint"), when);
    }
}

/* Passwords and session tokens cross the network in clear over plain
 * HTTP: fine on loopback (a TLS proxy on the same machine), not on an
 * address other machines reach. Not said when a trusted proxy is named:
 * the administrator has put one in front. */
static void
warn_if_clear_to_the_network (GUri *uri)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return;
  address = g_inet_address_new_from_string (g_uri_get_host (uri));
  if (address != NULL && g_inet_address_get_is_loopback (address))
    return;
  g_warning ("Serving plain HTTP on %s, which other machines reach: passwords and session tokens would cross "
             "the network in clear. Give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a reverse "
             "proxy that terminates TLS (and name it with --trusted-proxy)", g_uri_get_host (uri));
}

/* A server nobody can sign in to is a new database (often a mistyped
 * --db) or one whose accounts were all disabled: said at start, with
 * the way on, rather than learnt from every desk's refused sign-in. */
static void
warn_if_nobody_can_sign_in (WdStore    *store,
                            const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = wd_server_store_list_users (store, &error);

  if (users == NULL)
    return;
  for (guint i = 0; i < users->len; i++)
    if (!((WdUser *) g_ptr_array_index (users, i))->disabled)
      return;
  g_warning ("No account can sign in to %s: add one with wudan-server user add --db %s --name NAME --role admin "
             "(or start with --demo on an empty database)", db, db);
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  gboolean demo = FALSE;
  int max_body = WD_SERVER_DEFAULT_MAX_BODY;
  int session_minutes = 12 * 60;
  g_autofree char *compress_text = NULL;
  WdCompress compress = WD_COMPRESS_AUTO;
  g_auto(GStrv) proxy_texts = NULL;
  g_autoptr(GPtrArray) proxies = NULL;
  int serving_fd = -1;
  const char *bad_proxy = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The database file"), N_("PATH") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port (default 127.0.0.1:8080)"), N_("ADDR:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, N_("TLS certificate (PEM)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("TLS private key (PEM)"), N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, N_("On an empty database, load the demo district and accounts"), NULL },
    { "max-body", 0, 0, G_OPTION_ARG_INT, &max_body, N_("Largest request body in bytes"), N_("BYTES") },
    { "session-minutes", 0, 0, G_OPTION_ARG_INT, &session_minutes, N_("How long a sign-in lasts"), N_("MINUTES") },
    { "compress", 0, 0, G_OPTION_ARG_STRING, &compress_text,
      N_("gzip answers: auto (not to clients on this machine), always or never"), N_("WHEN") },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &proxy_texts,
      N_("A reverse proxy whose X-Forwarded-For names the client (may be given more than once)"), N_("ADDR") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = context_for ("", _("Serve the Wudan API"), entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;
  g_autoptr(WdAccounts) accounts = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(WdServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(WdActor) system = wd_actor_new ("system", WD_ROLE_CENTRE);
  Serving serving;
  GSList *uris;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (context, error->message);
  if (db == NULL)
    return usage (context, _("--db is required"));
  if ((cert == NULL) != (key == NULL))
    return usage (context, _("--tls-cert and --tls-key go together"));
  if (max_body < 1024 || session_minutes < 1)
    return usage (context, _("--max-body must be at least 1024 and --session-minutes at least 1"));
  if (compress_text != NULL && !wd_compress_from_string (compress_text, &compress))
    return usage (context, _("--compress is auto, always or never"));
  proxies = parse_addresses ((const char * const *) proxy_texts, &bad_proxy);
  if (proxies == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("--trusted-proxy: “%s” is not an IP address; "
                                                    "give the proxy's own address, such as 127.0.0.1"),
                                                  bad_proxy);

      return usage (context, message);
    }

  if (!wd_accounts_init_crypto (&error) || !claim_database (db, &serving_fd, &error))
    return fail (error);
  store = open_server_store (db, &error);
  if (store == NULL || (demo && !seed_demo (store, TRUE, &error)))
    return fail (error);
  warn_if_nobody_can_sign_in (store, db);
  wd_sync_service_remove_stale_snapshots ();

  if (cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (cert, key, &error);
      if (certificate == NULL)
        return fail (error);
    }

  accounts = wd_accounts_new (store);
  wd_accounts_set_session_seconds (accounts, (gint64) session_minutes * 60);
  server = wd_server_new (store, accounts, certificate);
  wd_server_set_max_body (server, (gsize) max_body);
  wd_server_set_compress (server, compress);
  wd_server_set_trusted_proxies (server, proxies);
  if (!wd_server_listen (server, listen ? listen : "127.0.0.1:8080", &error))
    return fail (error);

  /* Signals are caught before anyone is told where to connect. */
  loop = g_main_loop_new (NULL, FALSE);
  serving.loop = loop;
  serving.server = server;
  serving.store = store;
  serving.system = system;
  g_signal_connect (server, "drained", G_CALLBACK (on_drained), &serving);
  g_unix_signal_add (SIGTERM, on_terminate_with_deadline, &serving);
  g_unix_signal_add (SIGINT, on_terminate_with_deadline, &serving);

  if (certificate != NULL)
    tell_of_certificate (certificate);
  uris = wd_server_get_uris (server);
  for (GSList *l = uris; l; l = l->next)
    {
      g_autofree char *text = g_uri_to_string (l->data);

      g_print (_("Listening on %s\n"), text);
      if (proxy_texts == NULL)
        warn_if_clear_to_the_network (l->data);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fflush (stdout);

  g_timeout_add_seconds (60, expire_overdue, &serving);
  expire_overdue (&serving);
  /* After the expiry: its changes are in the store first syncs take. */
  wd_server_prepare_snapshot (server);

  g_main_loop_run (loop);
  g_message ("Stopped");
  return EXIT_SUCCESS;
}

static int
cmd_seed_demo (int    argc,
               char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The database file"), N_("PATH") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = context_for ("", _("Load the demo district into an empty database"), entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (context, error->message);
  if (db == NULL)
    return usage (context, _("--db is required"));
  store = open_server_store (db, &error);
  if (store == NULL || !seed_demo (store, FALSE, &error))
    return fail (error);
  return EXIT_SUCCESS;
}

static char *
resolve (WdStore    *store,
         const char *kind,
         const char *name,
         GError    **error)
{
  g_autoptr(GError) found_error = NULL;
  char *id = wd_store_find_id_by_name (store, kind, name, &found_error);

  if (found_error != NULL)
    g_propagate_error (error, g_steal_pointer (&found_error));
  else if (id == NULL)
    g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND, _("Nothing is called “%s”; check the spelling"), name);
  return id;
}

/* Whom an account serves, from the options given on top of what it was
 * (was: NULL for a new account). Options that do not fit together are
 * the command line's mistake (*problem); a name that is not found is an
 * error. */
static WdUser *
read_scope (WdStore       *store,
            const char    *name,
            const char    *role_name,
            const char    *subdistrict,
            const char    *team,
            const char    *speaker,
            const WdUser  *was,
            const char   **problem,
            GError       **error)
{
  g_autoptr(WdUser) user = g_new0 (WdUser, 1);
  gboolean same_role;

  user->name = g_strdup (name);
  if (role_name != NULL ? !wd_role_from_string (role_name, &user->role) : was == NULL)
    {
      *problem = _("--role must be admin, centre, office or team");
      return NULL;
    }
  if (role_name == NULL)
    user->role = was->role;
  same_role = was != NULL && was->role == user->role;

  if (subdistrict != NULL && user->role != WD_ROLE_OFFICE)
    *problem = _("--subdistrict is only for an office account");
  else if ((team != NULL || speaker != NULL) && user->role != WD_ROLE_TEAM)
    *problem = _("--team and --speaker are only for a team account");
  else if (user->role == WD_ROLE_OFFICE && subdistrict == NULL && !same_role)
    *problem = _("an office account needs --subdistrict");
  else if (user->role == WD_ROLE_TEAM && (team != NULL) == (speaker != NULL) && (team != NULL || !same_role))
    *problem = _("a team account needs either --team or --speaker");
  if (*problem != NULL)
    return NULL;

  if (user->role == WD_ROLE_OFFICE)
    user->subdistrict_id = subdistrict != NULL ? resolve (store, "subdistrict", subdistrict, error)
                                               : g_strdup (was->subdistrict_id);
  if (user->role == WD_ROLE_TEAM)
    {
      user->assignee_kind = team != NULL ? WD_ASSIGNEE_TEAM : speaker != NULL ? WD_ASSIGNEE_SPEAKER
                                                                             : was->assignee_kind;
      user->assignee_id = team != NULL ? resolve (store, "team", team, error)
                          : speaker != NULL ? resolve (store, "speaker", speaker, error)
                          : g_strdup (was->assignee_id);
    }
  if ((user->role == WD_ROLE_OFFICE && user->subdistrict_id == NULL)
      || (user->role == WD_ROLE_TEAM && user->assignee_id == NULL))
    return NULL;
  return g_steal_pointer (&user);
}

/* The accounts, for an administrator to see who uses the server: whom
 * each serves, by name, and when it last signed in. */
static int
list_users (WdStore  *store,
            gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) accounts = wd_server_store_describe_users (store, &error);
  g_autoptr(WdTextTable) table = NULL;

  if (accounts == NULL)
    return fail (error);
  if (json)
    {
      g_autofree char *text = wd_json_array_to_string (accounts, TRUE);

      puts (text);
      return EXIT_SUCCESS;
    }

  table = wd_text_table_new (5, _("Account"), _("Role"), _("Serves"), _("State"), _("Last sign-in"));
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);
      WdRole role = WD_ROLE_TEAM;
      gint64 signed_in = json_object_get_int_member_with_default (account, "last_sign_in_at", 0);
      g_autofree char *when = signed_in > 0
                              ? wd_time_format_local (signed_in, wd_store_get_time_zone (store), "%Y-%m-%d %H:%M")
                              : g_strdup (_("never"));

      wd_role_from_string (json_object_get_string_member (account, "role"), &role);
      wd_text_table_add (table, json_object_get_string_member (account, "name"), wd_role_label (role),
                         json_object_get_string_member_with_default (account, "serves", "—"),
                         json_object_get_boolean_member (account, "disabled") ? _("disabled") : _("enabled"),
                         when);
    }
  wd_text_table_print (table);
  return EXIT_SUCCESS;
}

static int
cmd_user (int    argc,
          char **argv)
{
  const char *action = argc > 1 ? argv[1] : NULL;
  g_autofree char *db = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role_name = NULL;
  g_autofree char *subdistrict = NULL;
  g_autofree char *team = NULL;
  g_autofree char *speaker = NULL;
  gboolean json = FALSE, enable = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The database file"), N_("PATH") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The account name"), N_("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_name, N_("admin, centre, office or team"), N_("ROLE") },
    { "subdistrict", 0, 0, G_OPTION_ARG_STRING, &subdistrict, N_("An office account's sub-district"), N_("NAME") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("A team account's team"), N_("NAME") },
    { "speaker", 0, 0, G_OPTION_ARG_STRING, &speaker, N_("A team account's speaker"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("List as JSON"), NULL },
    { "enable", 0, 0, G_OPTION_ARG_NONE, &enable, N_("With disable: enable the account again"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = context_for (_("add|set|list|disable|passwd"),
                                                    _("Manage accounts; passwords are read from standard input"),
                                                    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (context, error->message);
  action = argc > 1 ? argv[1] : NULL;
  if (action == NULL || argc > 2)
    return usage (context, _("give one of add, set, list, disable or passwd"));
  if (db == NULL)
    return usage (context, _("--db is required"));
  if (!g_str_equal (action, "list") && name == NULL)
    return usage (context, _("--name is required"));
  /* Only the first administrator is added to a database not there yet. */
  if (!g_str_equal (action, "add") && !database_exists (db))
    return EXIT_FAILURE;
  if (!wd_accounts_init_crypto (&error))
    return fail (error);
  store = open_server_store (db, &error);
  if (store == NULL)
    return fail (error);

  if (g_str_equal (action, "add"))
    {
      g_autoptr(WdUser) user = NULL;
      g_autofree char *password = NULL;
      const char *problem = NULL;

      user = read_scope (store, name, role_name, subdistrict, team, speaker, NULL, &problem, &error);
      if (problem != NULL)
        return usage (context, problem);
      if (user == NULL)
        return fail (error);
      password = wd_prompt_secret (_("Password: "));
      if (password == NULL)
        return usage (context, _("give the password on standard input"));
      if (!add_user (store, user, password, &error))
        return fail (error);
      g_print (_("Added %s (%s)\n"), name, wd_role_label (user->role));
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "set"))
    {
      g_autoptr(WdUser) was = wd_server_store_find_user (store, name, &error);
      g_autoptr(WdUser) user = NULL;
      const char *problem = NULL;

      if (was == NULL)
        return fail (error);
      if (role_name == NULL && subdistrict == NULL && team == NULL && speaker == NULL)
        return usage (context, _("give what changes: --role, --subdistrict, --team or --speaker"));
      user = read_scope (store, name, role_name, subdistrict, team, speaker, was, &problem, &error);
      if (problem != NULL)
        return usage (context, problem);
      if (user == NULL || !wd_server_store_set_scope (store, user, &error))
        return fail (error);
      g_print (_("%s is now %s; its sessions have ended and its desks start their copies again "
                 "at the next sign-in\n"), name, wd_role_label (user->role));
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "list"))
    return list_users (store, json);

  if (g_str_equal (action, "disable"))
    {
      if (!wd_server_store_set_disabled (store, name, !enable, &error))
        return fail (error);
      g_print (enable ? _("Enabled %s\n") : _("Disabled %s; its sessions have ended\n"), name);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (action, "passwd"))
    {
      g_autofree char *password = wd_prompt_secret (_("New password: "));
      g_autofree char *hash = NULL;

      if (password == NULL)
        return usage (context, _("give the password on standard input"));
      hash = wd_password_hash (password, &error);
      if (hash == NULL || !wd_server_store_set_password (store, name, hash, &error))
        return fail (error);
      g_print (_("Changed the password of %s; its sessions have ended\n"), name);
      return EXIT_SUCCESS;
    }

  return usage (context, _("give one of add, set, list, disable or passwd"));
}

static int
cmd_backup (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The database file"), N_("PATH") },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("Where to write the copy"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = context_for ("", _("Copy the database safely, even while serving"),
                                                    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (context, error->message);
  if (db == NULL || to == NULL)
    return usage (context, _("--db and --to are required"));
  if (!database_exists (db))
    return EXIT_FAILURE;
  store = wd_store_open (db, &error);
  if (store == NULL || !wd_server_store_backup (store, to, &error))
    return fail (error);
  g_print (_("Backed up %s to %s\n"), db, to);
  return EXIT_SUCCESS;
}

/* The database a backup goes over. One too damaged to open (the usual
 * reason to restore) is set aside, kept for whoever wants to look at
 * it, and a new one made in its place. */
static WdStore *
open_for_restore (const char  *db,
                  char       **set_aside,
                  GError     **error)
{
  g_autoptr(GError) local = NULL;
  WdStore *store = wd_store_open (db, &local);

  if (store != NULL)
    return store;
  if (!g_error_matches (local, WD_ERROR, WD_ERROR_STORE_DAMAGED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  *set_aside = wd_store_set_aside (db, "damaged", error);
  return *set_aside != NULL ? wd_store_open (db, error) : NULL;
}

static int
cmd_restore (int    argc,
             char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *from = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The database file"), N_("PATH") },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("The backup to put back"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = context_for ("", _("Put a backup back in place, with the server stopped"),
                                                    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdStore) store = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *damaged = NULL;
  int serving_fd = -1;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (context, error->message);
  if (db == NULL || from == NULL)
    return usage (context, _("--db and --from are required"));
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf (_("There is no backup %s"), from);

      return usage (context, message);
    }
  /* Claimed first: a database too damaged to open may be set aside, and
   * never from under a server. */
  if (!claim_database (db, &serving_fd, &error))
    {
      g_clear_error (&error);
      g_set_error (&error, WD_ERROR, WD_ERROR_STORE,
                   _("%s is in use (is wudan-server serving it?); stop the server and restore again"), db);
      return fail (error);
    }
  store = open_for_restore (db, &damaged, &error);
  if (store == NULL || !wd_server_store_restore (store, from, &kept, &error))
    return fail (error);
  g_print (_("Restored %s from %s. Desks that synced after the backup was made start again from "
             "what it holds at their next sync; what they synced since is gone from the server.\n"), db, from);
  if (damaged != NULL)
    g_print (_("The damaged database was set aside as %s.\n"), damaged);
  if (kept != NULL)
    g_print (_("The database it replaced is kept in %s; remove it once the restore is right.\n"), kept);
  return EXIT_SUCCESS;
}

static const struct
{
  const char *name;
  const char *summary;
  int (*func) (int argc, char **argv);
} commands[] = {
  { "serve", N_("Serve the Wudan API"), cmd_serve },
  { "seed-demo", N_("Load the demo district into an empty database"), cmd_seed_demo },
  { "user", N_("Manage accounts (add, list, disable, passwd)"), cmd_user },
  { "backup", N_("Copy the database safely, even while serving"), cmd_backup },
  { "restore", N_("Put a backup back in place, with the server stopped"), cmd_restore },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s", _("Usage: wudan-server COMMAND [OPTIONS]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "%s", _("\nCOMMAND --help tells about one command.\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* With TZ unset, glibc checks /etc/localtime again for every local
   * time it converts: a stat() for every request's log line. Naming the
   * same file keeps the zone and spares the calls. Before any thread. */
  if (g_getenv ("TZ") == NULL)
    g_setenv ("TZ", ":/etc/localtime", FALSE);

  /* SQLite counts every allocation under one global mutex, which the
   * reader threads and the main loop then queue on; the server never
   * reads those counts. Before any connection: it is refused after. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("wudan-server %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (argc - 1, argv + 1);

  g_printerr (_("wudan-server: “%s” is not a command\n\n"), argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}
