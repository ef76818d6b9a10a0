/* wd-bench-sync: initial sync of a large district from a local server
 * into an empty store, and the push of an offline backlog. Reports time
 * and the client's peak memory (VmHWM). Numbers go to bench/README.md. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "wd-json.h"
#include "wd-sync-client.h"
#include "wd-sync-store.h"

static char *server_db = NULL;
static int backlog = 1000;
static gboolean cold = FALSE;
static gboolean not_alone = FALSE;
static char *office = NULL;

static const GOptionEntry entries[] = {
  { "server-db", 0, 0, G_OPTION_ARG_FILENAME, &server_db, "A district database to serve (it is modified)", "PATH" },
  { "backlog", 0, 0, G_OPTION_ARG_INT, &backlog, "Offline operations to push afterwards", "N" },
  { "cold", 0, 0, G_OPTION_ARG_NONE, &cold, "Sync at once, before the server has its store for first syncs ready",
    NULL },
  { "not-alone", 0, 0, G_OPTION_ARG_NONE, &not_alone,
    "Keep a second connection open on the client store, as the app does (the prebuilt store is copied page by page)", NULL },
  { "office", 0, 0, G_OPTION_ARG_STRING, &office,
    "Sync as an office of this sub-district (its store for first syncs is made on demand)", "NAME" },
  G_OPTION_ENTRY_NULL
};

static long
peak_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line ? strtol (line + 6, NULL, 10) : -1;
}

/* The account the client signs in as (made once: a second add of the
 * same name fails quietly), and its password. */
static char *
add_account (const char *binary,
             const char *db,
             const char *name)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = "bench-password-1";

  if (office != NULL)
    process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, binary, "user", "add", "--db", db,
                                "--name", name, "--role", "office", "--subdistrict", office, NULL);
  else
    process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, binary, "user", "add", "--db", db,
                                "--name", name, "--role", "centre", NULL);
  if (process == NULL)
    g_error ("%s", error->message);
  g_subprocess_communicate_utf8 (process, "bench-password-1\n", NULL, NULL, NULL, NULL);
  return g_strdup (password);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the sync client");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *server_log = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wudan-bench-sync-XXXXXX", NULL);
  g_autofree char *client_db = g_build_filename (dir, "client.db", NULL);
  g_autofree char *password = NULL;
  g_autofree char *account = NULL;
  g_autofree char *backlog_subdistrict = NULL;
  g_autofree char *base = NULL;
  g_autoptr(WdStore) store = NULL;
  g_autoptr(WdStore) second = NULL;
  g_autoptr(WdSyncClient) client = NULL;
  const char *binary = g_getenv ("WUDAN_SERVER");
  char *line;
  gint64 start;
  double seconds;

  /* The sub-district's name is Chinese: arguments are read in the locale's encoding. */
  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (server_db == NULL || binary == NULL)
    g_error ("give --server-db and set WUDAN_SERVER");

  account = g_strdup_printf ("bench-%s", office ? "office" : "centre");
  password = add_account (binary, server_db, account);
  server_log = g_build_filename (dir, "server.log", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, server_log);
  server = g_subprocess_launcher_spawn (launcher, &error, binary, "serve", "--db", server_db, "--listen",
                                        "127.0.0.1:0", NULL);
  if (server == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *owned = line;

      if (g_str_has_prefix (line, "Listening on "))
        {
          base = g_strndup (line + 13, strlen (line) - 14);
          break;
        }
    }

  if (base == NULL)
    g_error ("%s serve --db %s did not start; run it by hand to see why", binary, server_db);

  /* A server that has been running has the store a centre desk's first
   * sync takes ready; one just started makes it first. */
  start = g_get_monotonic_time ();
  while (!cold)
    {
      g_autofree char *log = NULL;

      if (g_file_get_contents (server_log, &log, NULL, NULL) && strstr (log, "Ready for first syncs") != NULL)
        break;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  if (!cold)
    printf ("server: its store for first syncs made in %.1f s after it started listening\n",
            (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);

  store = wd_store_open (client_db, &error);
  client = store ? wd_sync_client_new (store, &error) : NULL;
  if (client == NULL || !wd_sync_client_login (client, base, account, password, &error))
    g_error ("%s", error->message);

  if (not_alone)
    {
      second = wd_store_open (client_db, &error);
      if (second == NULL)
        g_error ("%s", error->message);
    }
  start = g_get_monotonic_time ();
  if (!wd_sync_client_sync (client, NULL, &error))
    g_error ("%s", error->message);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_clear_object (&second);
  {
    g_autoptr(JsonObject) counts = wd_store_count_orders (store, NULL, "state", NULL);
    g_autoptr(GList) states = json_object_get_members (counts);
    gint64 orders = 0;

    for (GList *l = states; l; l = l->next)
      orders += json_object_get_int_member (counts, l->data);
    printf ("initial sync%s%s%s%s: %" G_GINT64_FORMAT " orders with their history, search index included: %.2f s,"
            " client peak memory %ld MiB\n", cold ? " (cold server)" : "",
            not_alone ? " (not alone: pages copied)" : "", office ? " as the office of " : "", office ? office : "",
            orders, seconds, peak_kib () / 1024);
  }

  {
    g_autoptr(WdActor) actor = wd_sync_client_get_actor (client);

    backlog_subdistrict = g_strdup (actor->subdistrict_id ? actor->subdistrict_id : "dianliu");
  }
  for (int i = 0; i < backlog; i++)
    {
      g_autofree char *json = g_strdup_printf (
          "{\"id\":\"backlog-%d\",\"title\":\"法治讲座\",\"topic_id\":\"law\",\"subdistrict_id\":\"%s\","
          "\"venue\":\"社区活动室\",\"venue_kind\":\"community\",\"starts_at\":%" G_GINT64_FORMAT ","
          "\"ends_at\":%" G_GINT64_FORMAT ",\"requester\":\"社区\",\"contact_name\":\"刘洋\","
          "\"contact_phone\":\"13912340000\"}",
          i, backlog_subdistrict, g_get_real_time () / G_USEC_PER_SEC + 86400 * 30 + i * 3600,
          g_get_real_time () / G_USEC_PER_SEC + 86400 * 30 + i * 3600 + 3600);
      g_autoptr(JsonObject) args = wd_json_parse_object (json, -1, NULL);

      if (!wd_sync_client_apply (client, g_get_real_time () / G_USEC_PER_SEC, "order.create", args, NULL, &error))
        g_error ("%s", error->message);
    }
  start = g_get_monotonic_time ();
  if (!wd_sync_client_push (client, NULL, &error))
    g_error ("%s", error->message);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  printf ("backlog: %d offline operations pushed in %.2f s\n", backlog, seconds);
  start = g_get_monotonic_time ();
  if (!wd_sync_client_pull (client, NULL, &error))
    g_error ("%s", error->message);
  printf ("backlog: and their results pulled back and applied in %.2f s\n",
          (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);

  {
    g_autofree char *wal = g_strconcat (client_db, "-wal", NULL);
    GStatBuf st = { 0 };

    g_stat (wal, &st);
    printf ("client write-ahead log after the backlog: %.1f MiB\n", (double) st.st_size / (1024 * 1024));
  }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&client);
  g_clear_object (&store);
  g_unlink (server_log);
  for (const char * const *s = (const char * const[]) { "", "-wal", "-shm", "-users", NULL }; *s; s++)
    {
      g_autofree char *file = g_strconcat (client_db, *s, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
  return 0;
}
