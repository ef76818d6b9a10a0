/* wd-test-server.c: starting, killing and talking to wudan-server. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "wd-json.h"
#include "wd-test-server.h"

/* A test that aborts must not leave its server running: a stray server
 * holding the test's output open would stall the whole run. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
spawn (WdTestServer        *server,
       const char          *fault,
       gboolean             demo,
       const char * const  *extra_args)
{
  /* A restarted server comes back where it was, as a real one does. */
  const char *address = server->base != NULL ? strstr (server->base, "://") : NULL;
  g_autofree char *listen = g_strdup (address != NULL ? address + strlen ("://") : "127.0.0.1:0");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  char *line;

  if (fault != NULL)
    g_subprocess_launcher_setenv (launcher, "WUDAN_SERVER_FAULT", fault, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "WUDAN_SERVER_FAULT");
  g_subprocess_launcher_set_stderr_file_path (launcher, server->log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  g_ptr_array_add (argv, (gpointer) g_getenv ("WUDAN_SERVER"));
  g_ptr_array_add (argv, (gpointer) "serve");
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, server->db);
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, listen);
  if (demo)
    g_ptr_array_add (argv, (gpointer) "--demo");
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (line), " ", -1);
      g_autofree char *owned = line;

      if (g_str_has_prefix (line, "Certificate SHA-256 fingerprint "))
        {
          g_free (server->fingerprint);
          server->fingerprint = g_strdup (line + strlen ("Certificate SHA-256 fingerprint "));
          continue;
        }
      if (g_str_has_prefix (line, "Listening on "))
        {
          g_clear_pointer (&server->base, g_free);
          server->base = g_strndup (line + strlen ("Listening on "), strlen (line) - strlen ("Listening on ") - 1);
          break;
        }
      /* "admin    PASSWORD  (Administrator)" */
      if (g_strv_length (words) >= 2 && *words[0] && !g_str_has_suffix (words[0], ":"))
        {
          g_autoptr(GPtrArray) parts = g_ptr_array_new ();

          for (guint i = 0; words[i]; i++)
            if (*words[i])
              g_ptr_array_add (parts, words[i]);
          if (parts->len >= 3 && g_str_has_prefix (parts->pdata[2], "("))
            g_hash_table_insert (server->passwords, g_strdup (parts->pdata[0]), g_strdup (parts->pdata[1]));
        }
    }
  g_assert_no_error (error);
  g_assert_nonnull (server->base);
}

void
wd_test_server_start (WdTestServer       *server,
                      const char         *fault,
                      const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;

  memset (server, 0, sizeof *server);
  server->dir = g_dir_make_tmp ("wudan-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  server->db = g_build_filename (server->dir, "server.db", NULL);
  server->log = g_build_filename (server->dir, "server.log", NULL);
  server->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->session = soup_session_new_with_options ("timeout", 30, NULL);
  server->args = g_strdupv ((char **) extra_args);
  spawn (server, fault, TRUE, extra_args);
}

void
wd_test_server_restart (WdTestServer *server,
                        const char   *fault)
{
  if (server->process != NULL)
    wd_test_server_kill (server);
  /* A fresh session: connections to the old process are gone. */
  g_clear_object (&server->session);
  server->session = soup_session_new_with_options ("timeout", 30, NULL);
  spawn (server, fault, FALSE, (const char * const *) server->args);
}

void
wd_test_server_kill (WdTestServer *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

/* SIGTERM; returns the exit status. */
int
wd_test_server_terminate (WdTestServer *server)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  status = g_subprocess_get_if_exited (server->process) ? g_subprocess_get_exit_status (server->process) : -1;
  g_clear_object (&server->process);
  return status;
}

char *
wd_test_server_log (WdTestServer *server)
{
  char *text = NULL;

  g_file_get_contents (server->log, &text, NULL, NULL);
  return text ? text : g_strdup ("");
}

/* Removes a folder a test made and whatever the server left in it: its
 * database and logs, the snapshots folder, a restore's kept copy. */
static void
remove_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_folder (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
wd_test_server_stop (WdTestServer *server)
{
  wd_test_server_kill (server);
  g_clear_object (&server->session);
  remove_folder (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->log);
  g_free (server->base);
  g_free (server->fingerprint);
  g_strfreev (server->args);
  g_hash_table_unref (server->passwords);
}

WdTestReply *
wd_test_request_raw (WdTestServer *server,
                     const char   *method,
                     const char   *path,
                     const char   *token,
                     const char   *body,
                     gsize         length,
                     const char   *protocol)
{
  g_autofree char *uri = g_strconcat (server->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  WdTestReply *reply = g_new0 (WdTestReply, 1);
  gsize size;
  const char *data;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (protocol != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Wudan-Protocol", protocol);
  if (body != NULL)
    {
      g_autoptr(GBytes) content = g_bytes_new (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", content);
    }

  bytes = soup_session_send_and_read (server->session, msg, NULL, &error);
  if (bytes == NULL)
    {
      reply->status = 0;
      reply->text = g_strdup (error->message);
      return reply;
    }
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  reply->bytes = g_bytes_ref (bytes);
  data = g_bytes_get_data (bytes, &size);
  reply->text = g_strndup (data ? data : "", size);
  reply->body = wd_json_parse (reply->text, -1, NULL);
  return reply;
}

WdTestReply *
wd_test_request (WdTestServer *server,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *body)
{
  return wd_test_request_raw (server, method, path, token, body, body ? strlen (body) : 0, NULL);
}

JsonObject *
wd_test_reply_object (WdTestReply *reply)
{
  if (reply->body == NULL || !JSON_NODE_HOLDS_OBJECT (reply->body))
    g_error ("expected a JSON object, got %u: %s", reply->status, reply->text);
  return json_node_get_object (reply->body);
}

const char *
wd_test_reply_code (WdTestReply *reply)
{
  return json_object_get_string_member_with_default (wd_test_reply_object (reply), "code", "");
}

void
wd_test_reply_free (WdTestReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, json_node_unref);
  g_clear_pointer (&reply->bytes, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply->text);
  g_free (reply);
}

char *
wd_test_login (WdTestServer *server,
               const char   *name)
{
  const char *password = g_hash_table_lookup (server->passwords, name);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"password\":\"%s\"}", name, password);
  g_autoptr(WdTestReply) reply = wd_test_request (server, "POST", "/api/v1/session", NULL, body);

  g_assert_nonnull (password);
  if (reply->status != 200)
    g_error ("login as %s failed: %u %s", name, reply->status, reply->text);
  return g_strdup (json_object_get_string_member (wd_test_reply_object (reply), "token"));
}

/* The arguments of an order.create: a 反诈讲座 in subdistrict, day_offset
 * days from today, 09:00-11:00. */
JsonObject *
wd_test_order_args (const char *id,
                    const char *subdistrict,
                    int         day_offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, day_offset);
  g_autofree char *starts = g_date_time_format (day, "%Y-%m-%dT09:00+08:00");
  g_autofree char *ends = g_date_time_format (day, "%Y-%m-%dT11:00+08:00");
  g_autofree char *json = g_strdup_printf (
      "{\"id\":\"%s\",\"title\":\"反诈讲座\",\"topic_id\":\"law\",\"subdistrict_id\":\"%s\","
      "\"venue\":\"社区活动室\",\"venue_kind\":\"community\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
      "\"requester\":\"社区居委会\",\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}",
      id, subdistrict, starts, ends);

  return wd_json_parse_object (json, -1, NULL);
}

/* A push body of n operations of a client, numbered from first_seq. */
char *
wd_test_push_body (const char  *client_id,
                   gint64       first_seq,
                   guint        n,
                   const char **kinds,
                   JsonObject **args)
{
  g_autoptr(JsonObject) message = json_object_new ();
  JsonArray *ops = json_array_new ();

  json_object_set_int_member (message, "protocol", 1);
  json_object_set_string_member (message, "client_id", client_id);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *op = json_object_new ();
      g_autofree char *op_id = g_strdup_printf ("%s-op-%" G_GINT64_FORMAT, client_id, first_seq + i);

      json_object_set_int_member (op, "seq", first_seq + i);
      json_object_set_string_member (op, "op_id", op_id);
      json_object_set_string_member (op, "kind", kinds[i]);
      json_object_set_object_member (op, "args", json_object_ref (args[i]));
      json_array_add_object_element (ops, op);
    }
  json_object_set_array_member (message, "ops", ops);
  return wd_json_object_to_string (message, FALSE);
}

/* Runs wudan-server with arguments (NULL-terminated), feeding input on
 * stdin; what it printed replaces *out and *err. Returns its exit status. */
int
wd_test_run_server (const char  *input,
                    char       **out,
                    char       **err,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  g_ptr_array_add (argv, (gpointer) g_getenv ("WUDAN_SERVER"));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* A self-signed certificate for localhost, as a district's own server
 * may have, in dir as NAME.pem with its key NAME-key.pem. FALSE when
 * openssl is not installed. */
gboolean
wd_test_make_certificate (const char  *dir,
                          const char  *name,
                          char       **cert,
                          char       **key)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, "-key.pem", NULL);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (openssl == NULL)
    return FALSE;
  *cert = g_build_filename (dir, cert_name, NULL);
  *key = g_build_filename (dir, key_name, NULL);
  command = g_strdup_printf ("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
                             " -keyout %s -out %s", *key, *cert);
  g_assert_true (g_spawn_command_line_sync (command, &out, &err, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}
