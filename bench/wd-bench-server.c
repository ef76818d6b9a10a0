/* wd-bench-server: push, pull and an authenticated HTTP load against a
 * real wudan-server started here on loopback. Numbers go to
 * bench/README.md. The load generator (wrk) shares the machine's cores
 * with the server, as the issue asks. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "wd-json.h"

static int n_push = 10000;
static int n_total = 50000;
static int batch = 500;
static int wrk_seconds = 10;
static int wrk_connections = 32;

static const GOptionEntry entries[] = {
  { "push", 0, 0, G_OPTION_ARG_INT, &n_push, "Operations in the measured push", "N" },
  { "total", 0, 0, G_OPTION_ARG_INT, &n_total, "Operations pushed in all (to grow the log for the pull)", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Operations per push request", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &wrk_seconds, "Length of the HTTP load", "S" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &wrk_connections, "Connections of the HTTP load", "N" },
  G_OPTION_ENTRY_NULL
};

typedef struct
{
  SoupSession *session;
  char        *base;
  char        *token;
} Client;

static JsonNode *
request (Client     *client,
         const char *method,
         const char *path,
         const char *body,
         gsize       length)
{
  g_autofree char *uri = g_strconcat (client->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  if (client->token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", client->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) content = g_bytes_new (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", content);
    }
  reply = soup_session_send_and_read (client->session, msg, NULL, &error);
  if (reply == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  data = g_bytes_get_data (reply, &size);
  if (soup_message_get_status (msg) != 200)
    g_error ("%s %s: %u %.*s", method, path, soup_message_get_status (msg), (int) size, data);
  return wd_json_parse (data, (gssize) size, NULL);
}

static char *
push_body (gint64 first,
           guint  n)
{
  g_autoptr(GString) body = g_string_new ("{\"protocol\":1,\"client_id\":\"bench\",\"ops\":[");
  gint64 base = g_get_real_time () / G_USEC_PER_SEC + 86400;

  for (guint i = 0; i < n; i++)
    {
      gint64 seq = first + i;
      gint64 starts = base + (seq % 5000) * 3600;

      g_string_append_printf (body,
          "%s{\"seq\":%" G_GINT64_FORMAT ",\"op_id\":\"bench-%" G_GINT64_FORMAT "\",\"kind\":\"order.create\","
          "\"args\":{\"id\":\"bench-order-%" G_GINT64_FORMAT "\",\"title\":\"党史专题宣讲\","
          "\"topic_id\":\"party-history\",\"subdistrict_id\":\"dianliu\",\"community\":\"甸柳第一社区\","
          "\"venue\":\"甸柳第一社区党群服务中心\",\"venue_kind\":\"community\",\"starts_at\":%" G_GINT64_FORMAT ","
          "\"ends_at\":%" G_GINT64_FORMAT ",\"audience\":80,\"requester\":\"甸柳第一社区居委会\","
          "\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\",\"notes\":\"需要投影仪\"}}",
          i ? "," : "", seq, seq, seq, starts, starts + 5400);
    }
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static double
push_ops (Client *client,
          gint64  first,
          int     count)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 seq = first; seq < first + count; seq += batch)
    {
      guint n = (guint) MIN (batch, first + count - seq);
      g_autofree char *body = push_body (seq, n);
      g_autoptr(JsonNode) reply = request (client, "POST", "/api/v1/push", body, strlen (body));
      JsonArray *results = json_object_get_array_member (json_node_get_object (reply), "results");

      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonObject *result = json_array_get_object_element (results, i);

          if (!g_str_equal (json_object_get_string_member (result, "status"), "applied"))
            g_error ("operation refused: %s", json_object_get_string_member (result, "message"));
        }
    }
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* Sums the milliseconds the server logged for requests starting with
 * prefix ("GET /api/v1/pull 200 75.3ms centre"). */
static double
server_seconds (const char *log,
                const char *prefix)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  double ms = 0;

  if (!g_file_get_contents (log, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *at = strstr (lines[i], prefix);

      if (at != NULL)
        ms += g_ascii_strtod (at + strlen (prefix), NULL);
    }
  return ms / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark wudan-server");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wudan-bench-server-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *log = g_build_filename (dir, "server.log", NULL);
  g_autofree char *password = NULL;
  g_autofree char *login = NULL;
  const char *binary = g_getenv ("WUDAN_SERVER");
  Client client = { 0 };
  char *line;
  double seconds;
  gint64 changes = 0, cursor = 0;
  gboolean more = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (binary == NULL)
    g_error ("set WUDAN_SERVER to the wudan-server binary");

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    /* The server's own request log gives its side of each pull's time. */
    g_subprocess_launcher_set_stderr_file_path (launcher, log);
    server = g_subprocess_launcher_spawn (launcher, &error, binary, "serve", "--db", db, "--listen",
                                          "127.0.0.1:0", "--demo", NULL);
  }
  if (server == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *owned = line;
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (line), " ", -1);

      if (g_str_has_prefix (line, "Listening on "))
        {
          client.base = g_strndup (line + 13, strlen (line) - 14);
          break;
        }
      if (g_str_equal (words[0], "centre"))
        for (guint i = 1; words[i]; i++)
          if (*words[i])
            {
              password = g_strdup (words[i]);
              break;
            }
    }
  client.session = soup_session_new ();

  login = g_strdup_printf ("{\"name\":\"centre\",\"password\":\"%s\"}", password);
  {
    g_autoptr(JsonNode) reply = request (&client, "POST", "/api/v1/session", login, strlen (login));

    client.token = g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
  }

  seconds = push_ops (&client, 1, n_push);
  printf ("push: %d order.create operations in batches of %d: %.2f s, %.0f operations/s\n",
          n_push, batch, seconds, n_push / seconds);
  printf ("push: the server's own time for them: %.2f s, %.0f operations/s\n",
          server_seconds (log, "POST /api/v1/push 200 "),
          n_push / server_seconds (log, "POST /api/v1/push 200 "));
  if (n_total > n_push)
    {
      double more_seconds = push_ops (&client, n_push + 1, n_total - n_push);

      printf ("push: %d more operations: %.0f operations/s\n", n_total - n_push,
              (n_total - n_push) / more_seconds);
    }

  {
    gint64 start = g_get_monotonic_time ();

    while (more)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/pull?client_id=bench-pull&limit=5000&since=%"
                                                 G_GINT64_FORMAT, cursor);
        g_autoptr(JsonNode) reply = request (&client, "GET", path, NULL, 0);
        JsonObject *page = json_node_get_object (reply);

        changes += json_array_get_length (json_object_get_array_member (page, "changes"));
        cursor = json_object_get_int_member (page, "cursor");
        more = json_object_get_boolean_member (page, "more");
      }
    seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
    printf ("pull: %" G_GINT64_FORMAT " changes in pages of 5000: %.2f s, %.0f changes/s"
            " (end to end, the client parsing every page)\n", changes, seconds, changes / seconds);
    printf ("pull: the server's own time for those pages: %.2f s, %.0f changes/s\n",
            server_seconds (log, "GET /api/v1/pull 200 "),
            changes / server_seconds (log, "GET /api/v1/pull 200 "));
  }

  /* The load: authenticated pulls of a small page near the head of the log. */
  {
    g_autofree char *script = g_build_filename (dir, "auth.lua", NULL);
    g_autofree char *lua = g_strdup_printf ("wrk.headers[\"Authorization\"] = \"Bearer %s\"\n", client.token);
    g_autofree char *url = g_strdup_printf ("%s/api/v1/pull?client_id=bench-load&limit=20&since=%" G_GINT64_FORMAT,
                                            client.base, MAX (cursor - 20, 0));
    g_autofree char *threads = g_strdup ("2");
    g_autofree char *connections = g_strdup_printf ("%d", wrk_connections);
    g_autofree char *duration = g_strdup_printf ("%ds", wrk_seconds);
    g_autoptr(GSubprocess) wrk = NULL;
    g_autofree char *report = NULL;

    g_file_set_contents (script, lua, -1, NULL);
    wrk = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "wrk", "-t", threads, "-c", connections,
                            "-d", duration, "--latency", "-s", script, url, NULL);
    if (wrk == NULL)
      printf ("load: wrk is not installed (apt-get install wrk): %s\n", error->message);
    else if (g_subprocess_communicate_utf8 (wrk, NULL, NULL, &report, NULL, &error))
      printf ("load: wrk -t2 -c%d -d%ds, authenticated pulls of 20 changes:\n%s", wrk_connections,
              wrk_seconds, report);
    g_unlink (script);
  }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_unlink (log);
  for (const char * const *s = (const char * const[]) { "", "-wal", "-shm", NULL }; *s; s++)
    {
      g_autofree char *file = g_strconcat (db, *s, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
  return 0;
}
