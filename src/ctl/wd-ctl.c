/* wd-ctl.c: what the commands of wudanctl share: options, the store,
 * errors and output. */
#define G_LOG_DOMAIN "wudanctl"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "wd-ctl.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-sync-client.h"
#include "wd-sync-store.h"
#include "wd-time.h"
#include "wd-types.h"

/* The server's clock less this computer's, read when the store opens. */
static gint64 clock_offset;

/* By the server's clock, as the app counts (wd_sync_store_now). */
gint64
ctl_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC + clock_offset;
}

int
ctl_fail (GError *error)
{
  if (error->domain == WD_ERROR)
    g_printerr (_("wudanctl: %s (%s)\n"), error->message, wd_error_code_to_string (error->code));
  else
    g_printerr (_("wudanctl: %s\n"), error->message);
  if (g_error_matches (error, WD_ERROR, WD_ERROR_STORE_DAMAGED))
    g_printerr (_("wudanctl: rename the file and sign in again with wudanctl login: the district's data comes "
                  "back from the server, and changes not yet sent stay in the renamed file\n"));
  return EXIT_FAILURE;
}

int
ctl_usage_error (GOptionContext *context,
                 const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("wudanctl: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

void
ctl_print_json_array (JsonArray *array)
{
  g_autofree char *text = wd_json_array_to_string (array, TRUE);

  puts (text);
}

void
ctl_print_json_object (JsonObject *object)
{
  g_autofree char *text = wd_json_object_to_string (object, TRUE);

  puts (text);
}

/* Opens the store, making it when it is not there: for the commands that
 * fill a store (seed-demo, login, op, import). */
gboolean
ctl_create_store (Ctl     *ctl,
                  GError **error)
{
  ctl->store = wd_store_open (ctl->store_path, error);
  if (ctl->store == NULL)
    return FALSE;
  clock_offset = wd_sync_store_clock_offset (ctl->store);
  return TRUE;
}

/* Opens a store that is there. Made anew at a mistyped --store, it would
 * list nothing and a script would take that for an empty district. */
gboolean
ctl_open_store (Ctl     *ctl,
                GError **error)
{
  if (!g_file_test (ctl->store_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("There is no store at %s: sign in to the district's server with “wudanctl login”, load "
                     "the demo district with “wudanctl seed-demo”, or name another store with --store"),
                   ctl->store_path);
      return FALSE;
    }
  return ctl_create_store (ctl, error);
}

/* Options name things the way people do ("千佛山街道", "党史"); ids work too. */
gboolean
ctl_resolve (Ctl         *ctl,
             const char  *kind,
             const char  *option,
             char       **value,
             GError     **error)
{
  g_autofree char *id = NULL;
  g_autoptr(GError) found_error = NULL;

  if (*value == NULL)
    return TRUE;
  id = wd_store_find_id_by_name (ctl->store, kind, *value, &found_error);
  if (found_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&found_error), "%s: ", option);
      return FALSE;
    }
  if (id == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("%s: nothing is called “%s”; check the spelling"), option, *value);
      return FALSE;
    }
  g_free (*value);
  *value = g_steal_pointer (&id);
  return TRUE;
}

GOptionContext *
ctl_command_context (const Command *command,
                     GOptionEntry  *entries,
                     gboolean      *json)
{
  g_autofree char *parameter = g_strdup_printf ("%s %s", command->name, command->args);
  GOptionContext *context = g_option_context_new (parameter);
  const GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON instead of a table"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (json != NULL)
    g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  return context;
}

gboolean
ctl_parse (GOptionContext  *context,
           int             *argc,
           char          ***argv,
           GError         **error)
{
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  return TRUE;
}

/* --limit takes a count of rows: 0 or less would list nothing, or (as
 * it once did) one row, without saying why. */
gboolean
ctl_check_limit (int      limit,
                 GError **error)
{
  if (limit >= 1)
    return TRUE;
  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT, _("--limit: give a number of 1 or more, not %d"), limit);
  return FALSE;
}

gboolean
ctl_parse_day (Ctl         *ctl,
               const char  *option,
               const char  *text,
               gint64      *out,
               GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!wd_date_parse (text, wd_store_get_time_zone (ctl->store), out, error))
    {
      g_prefix_error (error, "%s: ", option);
      return FALSE;
    }
  return TRUE;
}

gboolean
ctl_store_syncs (Ctl *ctl)
{
  return wd_sync_store_get_int (ctl->store, "sync_schema") > 0;
}

/* Only a store that has signed in gets a sync client: making one sets the
 * store up for syncing, which takes its authority (numbering its orders)
 * away before anyone has signed in. */
WdSyncClient *
ctl_sync_client (Ctl     *ctl,
                 GError **error)
{
  if (!ctl_store_syncs (ctl))
    {
      g_set_error_literal (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                           _("This store has never signed in to a server and keeps its district on its own; "
                             "run wudanctl login to sync it with one"));
      return NULL;
    }
  return wd_sync_client_new (ctl->store, error);
}

WdActor *
ctl_actor (Ctl           *ctl,
           WdSyncClient  *client,
           GError       **error)
{
  g_autoptr(WdSyncClient) made = NULL;

  if (!ctl_store_syncs (ctl))
    return wd_actor_new (g_get_user_name (), WD_ROLE_CENTRE);
  if (client == NULL)
    client = made = ctl_sync_client (ctl, error);
  if (client == NULL)
    return NULL;
  if (!wd_sync_client_is_signed_in (client))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_FORBIDDEN,
                   _("This store syncs with a server and nobody is signed in: run wudanctl login"));
      return NULL;
    }
  return wd_sync_client_get_actor (client);
}

gboolean
ctl_write_output (const char  *path,
                  const void  *data,
                  gsize        length,
                  GError     **error)
{
  if (g_str_equal (path, "-"))
    {
      if (fwrite (data, 1, length, stdout) != length || fflush (stdout) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write to standard output"));
          return FALSE;
        }
      return TRUE;
    }
  return g_file_set_contents (path, data, (gssize) length, error);
}

/* A --state option names an order state, or is absent. */
gboolean
ctl_check_state (const char  *state,
                 GError     **error)
{
  if (state == NULL || wd_order_state_from_string (state, NULL))
    return TRUE;
  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("--state: use ordered, dispatched, accepted, delivered, rated, rewarded, rejected, cancelled "
                 "or closed"));
  return FALSE;
}
