/* wd-ctl-print.c: wudanctl export-schedule, export-sheets,
 * export-report and export-certificate: the printed documents, as PDF
 * files; certificates, the register of issued certificates, and certify,
 * which issues them. */
#define G_LOG_DOMAIN "wudanctl"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>

#include "wd-certificate-document.h"
#include "wd-ctl.h"
#include "wd-text-table.h"
#include "wd-error.h"
#include "wd-operations.h"
#include "wd-report-document.h"
#include "wd-schedule-document.h"
#include "wd-sheet-document.h"
#include "wd-time.h"

static int
write_document (WdPrintDocument *document,
                const char      *output)
{
  g_autoptr(GError) error = NULL;

  if (!wd_print_document_write_pdf (document, output, &error))
    return ctl_fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s (%u page)\n", "Wrote %s (%u pages)\n",
                        wd_print_document_get_n_pages (document)),
           output, wd_print_document_get_n_pages (document));
  return EXIT_SUCCESS;
}

int
cmd_export_schedule (Ctl   *ctl,
                     int    argc,
                     char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *subdistrict = NULL;
  g_autofree char *venue_kind = NULL;
  g_autofree char *output = NULL;
  gboolean landscape = FALSE;
  gboolean public_copy = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The first day"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The last day"), N_("YYYY-MM-DD") },
    { "subdistrict", 0, 0, G_OPTION_ARG_STRING, &subdistrict, N_("Only events of this sub-district"), N_("NAME") },
    { "venue-kind", 0, 0, G_OPTION_ARG_STRING, &venue_kind, N_("Only events at this kind of venue"), N_("KIND") },
    { "landscape", 0, 0, G_OPTION_ARG_NONE, &landscape, N_("Print across the page (A4 landscape)"), NULL },
    { "notice-board", 0, 0, G_OPTION_ARG_NONE, &public_copy, N_("For posting in public: every phone number masked"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"), N_("FILE.pdf") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "export-schedule", "", N_("Write the event schedule of a period as a PDF"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdActor) reader = NULL;
  g_autoptr(WdScheduleDocument) document = NULL;
  WdScheduleRange range = { 0 };

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("export-schedule takes no arguments"));
  if (from == NULL || to == NULL || output == NULL)
    return ctl_usage_error (context, _("give the period with --from and --to, and the file with --output"));

  if (!ctl_open_store (ctl, &error)
      || !ctl_parse_day (ctl, "--from", from, &range.from, &error)
      || !ctl_parse_day (ctl, "--to", to, &range.to, &error)
      || !ctl_resolve (ctl, "subdistrict", "--subdistrict", &subdistrict, &error)
      || !ctl_resolve (ctl, "venue_kind", "--venue-kind", &venue_kind, &error)
      || (reader = ctl_actor (ctl, NULL, &error)) == NULL)
    return ctl_fail (error);
  /* --to names the last day shown, so the range runs to the day after. */
  range.to += 24 * 3600;
  if (range.to <= range.from)
    return ctl_usage_error (context, _("--to: the last day comes before the first"));
  range.subdistrict_id = subdistrict;
  range.venue_kind = venue_kind;
  range.for_notice_board = public_copy;

  document = wd_schedule_document_new (ctl->store, &range, reader, ctl_now (), &error);
  if (document == NULL)
    return ctl_fail (error);
  wd_print_document_set_landscape (WD_PRINT_DOCUMENT (document), landscape);
  return write_document (WD_PRINT_DOCUMENT (document), output);
}

int
cmd_export_sheets (Ctl   *ctl,
                   int    argc,
                   char **argv)
{
  g_autofree char *output = NULL;
  gboolean work = FALSE;
  gboolean rating = FALSE;
  GOptionEntry entries[] = {
    { "work", 0, 0, G_OPTION_ARG_NONE, &work, N_("Work sheets for the team (the default)"), NULL },
    { "rating", 0, 0, G_OPTION_ARG_NONE, &rating, N_("Paper rating forms numbered by order"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"), N_("FILE.pdf") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "export-sheets", N_("ORDER…"),
                                   N_("Write work sheets or rating forms of orders as a PDF"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdActor) reader = NULL;
  g_autoptr(WdSheetDocument) document = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc < 2 || output == NULL)
    return ctl_usage_error (context, _("give the orders (numbers or ids) and the file with --output"));
  if (!ctl_open_store (ctl, &error) || (reader = ctl_actor (ctl, NULL, &error)) == NULL)
    return ctl_fail (error);
  for (int i = 1; i < argc; i++)
    {
      char *id = g_strdup (argv[i]);

      if (!ctl_resolve (ctl, "order", "ORDER", &id, &error))
        {
          g_free (id);
          return ctl_fail (error);
        }
      g_ptr_array_add (ids, id);
    }
  g_ptr_array_add (ids, NULL);

  document = wd_sheet_document_new (ctl->store, (const char * const *) ids->pdata,
                                    (work || !rating ? WD_SHEET_WORK : 0) | (rating ? WD_SHEET_RATING : 0),
                                    reader, &error);
  if (document == NULL)
    return ctl_fail (error);
  return write_document (WD_PRINT_DOCUMENT (document), output);
}

int
cmd_export_report (Ctl   *ctl,
                   int    argc,
                   char **argv)
{
  g_autofree char *month = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "month", 0, 0, G_OPTION_ARG_STRING, &month, N_("The month to report on"), N_("YYYY-MM") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"), N_("FILE.pdf") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "export-report", "", N_("Write the monthly report with its charts as a PDF"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdReportDocument) document = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("export-report takes no arguments"));
  if (month == NULL || output == NULL)
    return ctl_usage_error (context, _("give the month with --month and the file with --output"));
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);
  document = wd_report_document_new (ctl->store, month, ctl_now (), &error);
  if (document == NULL)
    return ctl_fail (error);
  return write_document (WD_PRINT_DOCUMENT (document), output);
}

int
cmd_export_certificate (Ctl   *ctl,
                        int    argc,
                        char **argv)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"), N_("FILE.pdf") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "export-certificate", N_("CERTIFICATE"),
                                   N_("Write a service record certificate as a PDF"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdCertificateDocument) document = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 2 || output == NULL)
    return ctl_usage_error (context, _("give the certificate (number or id) and the file with --output"));
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);
  document = wd_certificate_document_new (ctl->store, argv[1], &error);
  if (document == NULL)
    return ctl_fail (error);
  return write_document (WD_PRINT_DOCUMENT (document), output);
}

static char *
certificate_state (JsonObject *certificate)
{
  if (!json_object_get_null_member (certificate, "revoked_at"))
    return g_strdup_printf (_("revoked: %s"), json_object_get_string_member (certificate, "revoke_reason"));
  if (json_object_get_null_member (certificate, "number"))
    return g_strdup (_("waiting for its number"));
  return g_strdup (_("valid"));
}

int
cmd_certificates (Ctl   *ctl,
                  int    argc,
                  char **argv)
{
  g_autofree char *speaker = NULL;
  g_autofree char *team = NULL;
  GOptionEntry entries[] = {
    { "speaker", 0, 0, G_OPTION_ARG_STRING, &speaker, N_("Only this speaker's certificates"), N_("SPEAKER") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("Only this team's certificates"), N_("TEAM") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "certificates", "", N_("List the service record certificates issued"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(WdTextTable) table = NULL;
  GTimeZone *tz;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("certificates takes no arguments"));
  if (speaker != NULL && team != NULL)
    return ctl_usage_error (context, _("give --speaker or --team, not both"));
  if (!ctl_open_store (ctl, &error)
      || !ctl_resolve (ctl, "speaker", "--speaker", &speaker, &error)
      || !ctl_resolve (ctl, "team", "--team", &team, &error))
    return ctl_fail (error);
  rows = wd_store_list_certificates (ctl->store, speaker ? speaker : team, &error);
  if (rows == NULL)
    return ctl_fail (error);
  if (ctl->json)
    {
      ctl_print_json_array (rows);
      return EXIT_SUCCESS;
    }

  tz = wd_store_get_time_zone (ctl->store);
  table = wd_text_table_new (6, _("Number"), _("Holder"), _("Period"), _("Hours"), _("Issued"), _("State"));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_autofree char *first = NULL;
      g_autofree char *last = NULL;
      g_autofree char *period = NULL;
      g_autofree char *hours = g_strdup_printf ("%.1f", json_object_get_double_member (row, "hours"));
      g_autofree char *issued = wd_time_format_local (json_object_get_int_member (row, "issued_at"), tz, "%Y-%m-%d");
      g_autofree char *state = certificate_state (row);
      const char *number = json_object_get_string_member_with_default (row, "number", NULL);

      wd_time_format_days (json_object_get_int_member (row, "starts_at"), json_object_get_int_member (row, "ends_at"),
                           tz, &first, &last);
      period = g_strdup_printf ("%s – %s", first, last);

      wd_text_table_add (table, number ? number : "—", json_object_get_string_member (row, "holder_name"),
                        period, hours, issued, state);
    }
  wd_text_table_print (table);
  return EXIT_SUCCESS;
}

/* The holders a certify run issues to: those named, or with --all every
 * speaker and team that served in the period. */
static JsonArray *
holders_to_certify (Ctl         *ctl,
                    char       **speakers,
                    char       **teams,
                    gboolean     all,
                    gint64       from,
                    gint64       to,
                    GError     **error)
{
  g_autoptr(JsonArray) holders = NULL;

  if (all)
    return wd_store_list_served (ctl->store, from, to, error);
  holders = json_array_new ();
  for (guint k = 0; k < 2; k++)
    for (char **name = k == 0 ? speakers : teams; name != NULL && *name != NULL; name++)
      {
        const char *kind = k == 0 ? "speaker" : "team";
        g_autofree char *id = g_strdup (*name);
        JsonObject *holder;

        if (!ctl_resolve (ctl, kind, k == 0 ? "--speaker" : "--team", &id, error))
          return NULL;
        holder = json_object_new ();
        json_object_set_string_member (holder, "holder_kind", kind);
        json_object_set_string_member (holder, "holder_id", id);
        json_object_set_string_member (holder, "holder_name", *name);
        json_array_add_object_element (holders, holder);
      }
  return g_steal_pointer (&holders);
}

static JsonObject *
certify_args (JsonObject *holder,
              const char *from,
              const char *to,
              const char *purpose)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "holder_kind", json_object_get_string_member (holder, "holder_kind"));
  json_object_set_string_member (args, "holder_id", json_object_get_string_member (holder, "holder_id"));
  json_object_set_string_member (args, "from", from);
  json_object_set_string_member (args, "to", to);
  if (purpose != NULL)
    json_object_set_string_member (args, "purpose", purpose);
  return args;
}

/* Issues one certificate per holder. A store of its own issues them all
 * in one transaction, or none; a syncing store queues each for the server,
 * which numbers them. Returns the results, in the holders' order. */
static JsonArray *
issue_all (Ctl         *ctl,
           JsonArray   *holders,
           const char  *from,
           const char  *to,
           const char  *purpose,
           GError     **error)
{
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(WdSyncClient) client = ctl_store_syncs (ctl) ? ctl_sync_client (ctl, error) : NULL;
  g_autoptr(WdActor) actor = NULL;

  if (ctl_store_syncs (ctl) && client == NULL)
    return NULL;
  actor = client ? NULL : wd_actor_new (g_get_user_name (), WD_ROLE_CENTRE);
  if (actor != NULL && !wd_store_begin (ctl->store, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (holders); i++)
    {
      JsonObject *holder = json_array_get_object_element (holders, i);
      g_autoptr(JsonObject) args = certify_args (holder, from, to, purpose);
      JsonObject *result = NULL;
      gboolean issued = client
        ? wd_sync_client_apply (client, ctl_now (), "certificate.issue", args, &result, error)
        : wd_operation_apply (ctl->store, actor, ctl_now (), NULL, "certificate.issue", args, &result, error);

      if (!issued)
        {
          g_prefix_error (error, "%s: ", json_object_get_string_member (holder, "holder_name"));
          if (actor != NULL)
            wd_store_rollback (ctl->store);
          return NULL;
        }
      json_object_set_string_member (result, "holder_name", json_object_get_string_member (holder, "holder_name"));
      json_array_add_object_element (results, result);
    }
  if (actor != NULL && !wd_store_commit (ctl->store, error))
    return NULL;
  return g_steal_pointer (&results);
}

static gboolean
write_certificates (Ctl         *ctl,
                    JsonArray   *results,
                    const char  *directory,
                    GError     **error)
{
  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot make the folder %s: %s"), directory, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *number = json_object_get_string_member_with_default (result, "number", NULL);
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autoptr(WdCertificateDocument) document = NULL;

      if (number == NULL)
        continue;
      name = g_strdup_printf ("%s %s.pdf", number, json_object_get_string_member (result, "holder_name"));
      path = g_build_filename (directory, name, NULL);
      document = wd_certificate_document_new (ctl->store, number, error);
      if (document == NULL || !wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), path, error))
        return FALSE;
    }
  return TRUE;
}

int
cmd_certify (Ctl   *ctl,
             int    argc,
             char **argv)
{
  g_auto(GStrv) speakers = NULL;
  g_auto(GStrv) teams = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *directory = NULL;
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The period's first day"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The period's last day (by today)"), N_("YYYY-MM-DD") },
    { "speaker", 0, 0, G_OPTION_ARG_STRING_ARRAY, &speakers, N_("A speaker to certify (again for more)"), N_("NAME") },
    { "team", 0, 0, G_OPTION_ARG_STRING_ARRAY, &teams, N_("A team to certify (again for more)"), N_("NAME") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every speaker and team that served in the period"), NULL },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, N_("What the certificates are for"), N_("TEXT") },
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &directory, N_("Write each numbered certificate there as a PDF"),
      N_("FOLDER") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "certify", "",
                                   N_("Issue service record certificates for a period, and print them"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) holders = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(WdTextTable) table = NULL;
  gint64 start, end;
  guint pending = 0;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("certify takes no arguments; name the holders with --speaker, --team or --all"));
  if (from == NULL || to == NULL)
    return ctl_usage_error (context, _("give the period with --from and --to"));
  if (all == (speakers != NULL || teams != NULL))
    return ctl_usage_error (context, _("name the holders with --speaker and --team, or give --all"));
  /* Everything is checked before anything is issued. */
  if (!ctl_open_store (ctl, &error)
      || !wd_period_parse (from, to, wd_store_get_time_zone (ctl->store), &start, &end, &error)
      || (holders = holders_to_certify (ctl, speakers, teams, all, start, end, &error)) == NULL)
    return ctl_fail (error);
  if (json_array_get_length (holders) == 0)
    {
      g_printerr (_("Nobody served in this period; nothing was issued\n"));
      return EXIT_FAILURE;
    }
  results = issue_all (ctl, holders, from, to, purpose, &error);
  if (results == NULL || (directory != NULL && !write_certificates (ctl, results, directory, &error)))
    return ctl_fail (error);

  if (ctl->json)
    {
      ctl_print_json_array (results);
      return EXIT_SUCCESS;
    }
  table = wd_text_table_new (4, _("Number"), _("Holder"), _("Services"), _("Hours"));
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *number = json_object_get_string_member_with_default (result, "number", NULL);
      g_autofree char *services = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (result, "services"));
      g_autofree char *hours = g_strdup_printf ("%.1f", json_object_get_double_member (result, "hours"));

      pending += number == NULL;
      wd_text_table_add (table, number ? number : "—", json_object_get_string_member (result, "holder_name"),
                        services, hours);
    }
  wd_text_table_print (table);
  if (pending > 0)
    g_print (_("The server numbers them: run wudanctl sync, then wudanctl export-certificate NUMBER\n"));
  return EXIT_SUCCESS;
}
