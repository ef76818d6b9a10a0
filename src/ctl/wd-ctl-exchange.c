/* wd-ctl-exchange.c: wudanctl import and export, the CSV and iCalendar
 * files offices exchange with Excel and calendars. */
#define G_LOG_DOMAIN "wudanctl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "wd-ctl.h"
#include "wd-text-table.h"
#include "wd-csv.h"
#include "wd-error.h"
#include "wd-export.h"
#include "wd-import.h"
#include "wd-operations.h"
#include "wd-sync-client.h"
#include "wd-sync-store.h"
#include "wd-types.h"

/* "speakers" or "speaker" → "speaker". */
static const char *
kind_from_option (const char *option)
{
  static const char * const kinds[] = { "speaker", "team", "project", "order", NULL };

  for (guint i = 0; option != NULL && kinds[i]; i++)
    if (g_str_has_prefix (option, kinds[i])
        && (option[strlen (kinds[i])] == '\0' || g_str_equal (option + strlen (kinds[i]), "s")))
      return kinds[i];
  return NULL;
}

typedef struct
{
  WdStore      *store;
  WdSyncClient *client;   /* NULL: a store that never syncs */
  WdActor      *actor;
} ImportTarget;

static gboolean
apply_row (const char  *kind,
           JsonObject  *args,
           gpointer     user_data,
           GError     **error)
{
  ImportTarget *target = user_data;

  if (target->client != NULL)
    return wd_sync_client_apply (target->client, ctl_now (), kind, args, NULL, error);
  return wd_operation_apply (target->store, target->actor, ctl_now (), NULL, kind, args, NULL, error);
}

static const char *
action_label (WdImportAction action)
{
  switch (action)
    {
    case WD_IMPORT_CREATE:
      return _("new");
    case WD_IMPORT_UPDATE:
      return _("update");
    case WD_IMPORT_UNCHANGED:
      return _("unchanged");
    case WD_IMPORT_FAILED:
    default:
      return _("error");
    }
}

/* Every problem in full, with its line: that is what the user fixes. */
static void
print_problems (WdImport *import)
{
  GPtrArray *rows = wd_import_get_rows (import);

  for (guint i = 0; i < rows->len; i++)
    {
      WdImportRow *row = g_ptr_array_index (rows, i);

      if (row->action != WD_IMPORT_FAILED)
        continue;
      if (*row->label != '\0')
        g_print (_("Line %u (%s): %s\n"), row->line, row->label, row->message);
      else
        g_print (_("Line %u: %s\n"), row->line, row->message);
    }
}

static void
print_import (WdImport *import,
              gboolean  dry_run)
{
  GPtrArray *rows = wd_import_get_rows (import);
  g_autoptr(WdTextTable) table = wd_text_table_new (3, _("Line"), _("Change"), _("Name"));
  g_auto(GStrv) ignored = wd_import_get_ignored (import);

  if (ignored[0] != NULL)
    {
      g_autofree char *list = g_strjoinv ("、", ignored);

      g_print (_("Columns left out (no field of Wudan takes them): %s\n"), list);
    }
  if (wd_import_count (import, WD_IMPORT_FAILED) > 0)
    {
      print_problems (import);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      WdImportRow *row = g_ptr_array_index (rows, i);
      g_autofree char *line = g_strdup_printf ("%u", row->line);

      wd_text_table_add (table, line, action_label (row->action), row->label);
    }
  wd_text_table_print (table);
  g_print (dry_run ? _("Dry run: %u new, %u updated, %u unchanged; nothing was changed\n")
                   : _("%u new, %u updated, %u unchanged\n"),
           wd_import_count (import, WD_IMPORT_CREATE), wd_import_count (import, WD_IMPORT_UPDATE),
           wd_import_count (import, WD_IMPORT_UNCHANGED));
}

static gboolean
add_mappings (WdImport  *import,
              GStrv      maps,
              GError   **error)
{
  for (guint i = 0; maps != NULL && maps[i]; i++)
    {
      const char *equals = strchr (maps[i], '=');
      g_autofree char *header = NULL;

      if (equals == NULL || equals == maps[i])
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("--map: write HEADER=FIELD, e.g. --map 手机号码=phone"));
          return FALSE;
        }
      header = g_strndup (maps[i], equals - maps[i]);
      if (!wd_import_map (import, header, equals + 1, error))
        return FALSE;
    }
  return TRUE;
}

int
cmd_import (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autofree char *kind_option = NULL;
  g_auto(GStrv) maps = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_option, N_("What the file lists: speakers, teams or projects"), N_("KIND") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Show what would change and every row's errors; change nothing"), NULL },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps, N_("Read the column HEADER as FIELD (repeatable)"), N_("HEADER=FIELD") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "import", N_("FILE.csv"), N_("Import speakers, teams or projects from a CSV file"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(WdImport) import = NULL;
  g_autoptr(WdSyncClient) client = NULL;
  g_autoptr(WdActor) actor = NULL;
  const char *kind;
  ImportTarget target = { 0 };
  gboolean done;

  g_option_context_set_description (context, _("The file may be UTF-8 or GB18030 (as Excel saves it). Its first "
                                                "line names the columns, in Chinese or English; a row with an "
                                                "ID, or with the name of an existing entry, updates that entry. "
                                                "The import is all or nothing: one bad row and no row goes in."));
  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 2)
    return ctl_usage_error (context, _("give the CSV file to import"));
  kind = kind_from_option (kind_option);
  if (kind == NULL || g_str_equal (kind, "order"))
    return ctl_usage_error (context, _("--kind: use speakers, teams or projects"));

  file = g_mapped_file_new (argv[1], FALSE, &error);
  if (file == NULL)
    return ctl_fail (error);
  contents = g_mapped_file_get_bytes (file);

  if (!ctl_create_store (ctl, &error)
      || (import = wd_import_new (ctl->store, kind, &error)) == NULL
      || !add_mappings (import, maps, &error)
      || !wd_import_load (import, contents, &error))
    return ctl_fail (error);

  if (ctl_store_syncs (ctl) && (client = ctl_sync_client (ctl, &error)) == NULL)
    return ctl_fail (error);
  actor = ctl_actor (ctl, client, &error);
  if (actor == NULL)
    return ctl_fail (error);
  target = (ImportTarget) { ctl->store, client, actor };

  done = wd_import_run (import, dry_run, apply_row, &target, &error);
  if (ctl->json)
    {
      g_autoptr(JsonArray) rows = json_array_new ();
      GPtrArray *report = wd_import_get_rows (import);

      for (guint i = 0; i < report->len; i++)
        {
          WdImportRow *row = g_ptr_array_index (report, i);
          JsonObject *object = json_object_new ();
          static const char * const names[] = { "create", "update", "unchanged", "error" };

          json_object_set_int_member (object, "line", row->line);
          json_object_set_string_member (object, "change", names[row->action]);
          json_object_set_string_member (object, "name", row->label);
          if (row->message != NULL)
            json_object_set_string_member (object, "problem", row->message);
          json_array_add_object_element (rows, object);
        }
      ctl_print_json_array (rows);
    }
  else
    print_import (import, dry_run);

  if (!done)
    return ctl_fail (error);
  return EXIT_SUCCESS;
}

static gboolean
write_orders (Ctl                 *ctl,
              const WdOrderFilter *filter,
              const WdActor       *reader,
              gboolean             ical,
              GString             *out,
              GError             **error)
{
  g_autoptr(GArray) keys = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autofree char *text = NULL;

  if (!ical)
    {
      keys = wd_store_order_keys (ctl->store, filter, NULL, error);
      return keys != NULL && wd_export_csv (out, ctl->store, "order", keys, reader, error);
    }
  orders = wd_store_list_orders (ctl->store, filter, NULL, G_MAXINT, NULL, error);
  if (orders == NULL)
    return FALSE;
  text = wd_export_ical (ctl->store, orders, reader, ctl_now ());
  g_string_append (out, text);
  return TRUE;
}

int
cmd_export (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autofree char *kind_option = NULL;
  g_autofree char *format = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *output = NULL;
  g_autofree char *state = NULL;
  g_autofree char *subdistrict = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_option, N_("What to export: speakers, teams, projects or orders"), N_("KIND") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("csv (default), or ics for the events of orders"), N_("FORMAT") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding, N_("CSV encoding: UTF-8 (default) or GB18030 for older Excel"), N_("ENCODING") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("Only orders in this state"), N_("STATE") },
    { "subdistrict", 0, 0, G_OPTION_ARG_STRING, &subdistrict, N_("Only orders of this sub-district"), N_("NAME") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only events on or after this day"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only events before this day"), N_("YYYY-MM-DD") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE (- for standard output)"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "export", "", N_("Export a list as CSV, or events as iCalendar"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(WdActor) reader = NULL;
  g_autoptr(GBytes) bytes = NULL;
  WdOrderFilter filter = { 0 };
  const char *kind;
  gboolean ical;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("export takes no arguments; name the file with --output"));
  kind = kind_from_option (kind_option);
  if (kind == NULL)
    return ctl_usage_error (context, _("--kind: use speakers, teams, projects or orders"));
  if (format != NULL && !g_str_equal (format, "csv") && !g_str_equal (format, "ics"))
    return ctl_usage_error (context, _("--format: use csv or ics"));
  ical = g_strcmp0 (format, "ics") == 0;
  if (ical && !g_str_equal (kind, "order"))
    return ctl_usage_error (context, _("--format ics: only orders have events"));
  if (output == NULL)
    return ctl_usage_error (context, _("name the file to write with --output (- for standard output)"));
  if (!ctl_check_state (state, &error))
    return ctl_usage_error (context, error->message);

  if (!ctl_open_store (ctl, &error)
      || !ctl_resolve (ctl, "subdistrict", "--subdistrict", &subdistrict, &error)
      || !ctl_parse_day (ctl, "--from", from, &filter.from, &error)
      || !ctl_parse_day (ctl, "--to", to, &filter.to, &error)
      || (reader = ctl_actor (ctl, NULL, &error)) == NULL)
    return ctl_fail (error);
  filter.state = state;
  filter.subdistrict_id = subdistrict;

  if (!(g_str_equal (kind, "order") ? write_orders (ctl, &filter, reader, ical, out, &error)
                                    : wd_export_csv (out, ctl->store, kind, NULL, reader, &error)))
    return ctl_fail (error);

  bytes = ical ? g_bytes_new (out->str, out->len) : wd_csv_encode (out->str, encoding, &error);
  if (bytes == NULL
      || !ctl_write_output (output, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    return ctl_fail (error);
  return EXIT_SUCCESS;
}
