/* test-wudanctl.c: the command-line client as a script would use it: exit
 * codes, JSON output, errors on stderr. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "wd-json.h"
#include "wd-store.h"

static char *store_dir;
static char *store_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs wudanctl on the test's store with the arguments up to NULL,
 * giving it input (or nothing) on standard input. */
static void
run_ctl (Run        *run,
         const char *input,
         va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("WUDANCTL"));
  g_ptr_array_add (argv, (gpointer) "--store");
  g_ptr_array_add (argv, store_path);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  stdin_bytes = g_bytes_new_static (input ? input : "", input ? strlen (input) : 0);
  /* Bytes, not text: some commands write a PDF to standard output. */
  g_subprocess_communicate (process, stdin_bytes, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run->out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  run->err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "", g_bytes_get_size (err));
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
ctl (Run *run,
     ...)
{
  va_list args;

  va_start (args, run);
  run_ctl (run, NULL, args);
  va_end (args);
}

static void
ctl_with_input (Run        *run,
                const char *input,
                ...)
{
  va_list args;

  va_start (args, input);
  run_ctl (run, input, args);
  va_end (args);
}

static JsonArray *
json_array_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = wd_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static void
test_help (void)
{
  static const char * const commands[] = {
    "seed-demo", "speakers", "projects", "orders", "order", "search", "match", "counts", "op", "expire",
    "import", "export", "export-schedule", "export-sheets", "export-report", "certificates",
    "export-certificate", "certify",
  };
  g_auto(Run) top = { 0 };
  g_auto(Run) unknown = { 0 };

  ctl (&top, "--help", NULL);
  g_assert_cmpint (top.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = { 0 };

      g_assert_nonnull (strstr (top.out, commands[i]));
      ctl (&run, commands[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, commands[i]));
    }

  ctl (&unknown, "fly", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "fly"));
}

static void
test_seed_and_list (void)
{
  g_auto(Run) seed = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) speakers = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) rated = { 0 };
  g_auto(Run) projects = { 0 };
  g_autoptr(JsonArray) rows = NULL;

  ctl (&seed, "seed-demo", NULL);
  g_assert_cmpint (seed.status, ==, 0);
  ctl (&again, "seed-demo", NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_nonnull (strstr (again.err, "duplicate"));

  ctl (&speakers, "speakers", "--json", "--topic", "党史", NULL);
  g_assert_cmpint (speakers.status, ==, 0);
  rows = json_array_of (speakers.out);
  g_assert_cmpuint (json_array_get_length (rows), >=, 10);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (rows, i),
                                                             "topic_names"), "党史"));
  g_clear_pointer (&rows, json_array_unref);

  ctl (&table, "speakers", "--subdistrict", "千佛山街道", NULL);
  g_assert_cmpint (table.status, ==, 0);
  g_assert_nonnull (strstr (table.out, "千佛山街道"));
  g_assert_null (strstr (table.out, "甸柳街道"));

  ctl (&rated, "orders", "--state", "rated", "--json", "--limit", "1000", NULL);
  g_assert_cmpint (rated.status, ==, 0);
  rows = json_array_of (rated.out);
  g_assert_cmpuint (json_array_get_length (rows), >, 0);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, i), "state"),
                     ==, "rated");
  g_clear_pointer (&rows, json_array_unref);

  ctl (&projects, "projects", "--venue-kind", "学校", "--json", NULL);
  g_assert_cmpint (projects.status, ==, 0);
  rows = json_array_of (projects.out);
  g_assert_cmpuint (json_array_get_length (rows), >, 3);
}

/* The messages to chase unaccepted orders: one per dispatched order
 * whose deadline falls in the window, earliest first, each naming whom to
 * text and the order. */
static void
test_messages (void)
{
  g_auto(Run) all = { 0 };
  g_auto(Run) overdue = { 0 };
  g_auto(Run) text = { 0 };
  g_auto(Run) bad = { 0 };
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) past = NULL;
  gint64 previous = 0;

  ctl (&all, "messages", "--within", "100000", "--json", NULL);
  g_assert_cmpint (all.status, ==, 0);
  rows = json_array_of (all.out);
  g_assert_cmpuint (json_array_get_length (rows), >, 0);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *entry = json_array_get_object_element (rows, i);
      const char *message = json_object_get_string_member (entry, "message");

      g_assert_nonnull (strstr (message, json_object_get_string_member (entry, "number")));
      g_assert_nonnull (strstr (message, "Please accept or decline it by"));
      g_assert_true (g_str_has_prefix (message, "To "));
      g_assert_cmpstr (json_object_get_string_member (entry, "to_phone"), !=, "");
      g_assert_cmpint (json_object_get_int_member (entry, "accept_deadline"), >=, previous);
      previous = json_object_get_int_member (entry, "accept_deadline");
    }

  ctl (&overdue, "messages", "--within", "0", "--json", NULL);
  g_assert_cmpint (overdue.status, ==, 0);
  past = json_array_of (overdue.out);
  g_assert_cmpuint (json_array_get_length (past), <=, json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (past); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (past, i), "accept_deadline"), <=,
                     g_get_real_time () / G_USEC_PER_SEC);

  ctl (&text, "messages", "--within", "100000", NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, json_object_get_string_member (json_array_get_object_element (rows, 0),
                                                                     "message")));
  ctl (&bad, "messages", "--within", "-3", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "--within"));
}

static void
test_usage_errors (void)
{
  g_auto(Run) state = { 0 };
  g_auto(Run) sd = { 0 };
  g_auto(Run) from = { 0 };
  g_auto(Run) negative = { 0 };
  g_auto(Run) none = { 0 };

  ctl (&state, "orders", "--state", "finished", NULL);
  g_assert_cmpint (state.status, ==, 2);
  g_assert_nonnull (strstr (state.err, "--state"));
  ctl (&sd, "speakers", "--subdistrict", "火星街道", NULL);
  g_assert_cmpint (sd.status, ==, 1);
  g_assert_nonnull (strstr (sd.err, "火星街道"));
  ctl (&from, "orders", "--from", "2026-02-30", NULL);
  g_assert_cmpint (from.status, ==, 1);
  g_assert_nonnull (strstr (from.err, "--from"));
  /* A count of no rows is a mistake, not a list of one. */
  ctl (&negative, "orders", "--limit", "-5", NULL);
  g_assert_cmpint (negative.status, ==, 2);
  g_assert_nonnull (strstr (negative.err, "--limit"));
  g_assert_cmpstr (negative.out, ==, "");
  ctl (&none, "search", "王", "--limit", "0", NULL);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "--limit"));
}

static void
test_search_and_match (void)
{
  g_auto(Run) search = { 0 };
  g_auto(Run) ordered = { 0 };
  g_auto(Run) match = { 0 };
  g_auto(Run) match_json = { 0 };
  g_auto(Run) show = { 0 };
  g_autoptr(JsonArray) hits = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autoptr(JsonArray) candidates = NULL;
  const char *number;

  ctl (&search, "search", "党史", "--json", NULL);
  g_assert_cmpint (search.status, ==, 0);
  hits = json_array_of (search.out);
  g_assert_cmpuint (json_array_get_length (hits), >, 0);
  {
    gboolean marked = FALSE;

    /* Every hit matched somewhere; where the title matched it is marked. */
    for (guint i = 0; i < json_array_get_length (hits); i++)
      {
        JsonObject *hit = json_array_get_object_element (hits, i);

        g_assert_true (strstr (json_object_get_string_member (hit, "title"), "党史") != NULL
                       || strstr (json_object_get_string_member (hit, "excerpt"), "党史") != NULL);
        marked |= strstr (json_object_get_string_member (hit, "title_marked"), "[党史]") != NULL;
      }
    g_assert_true (marked);
  }

  ctl (&ordered, "orders", "--state", "ordered", "--json", NULL);
  orders = json_array_of (ordered.out);
  g_assert_cmpuint (json_array_get_length (orders), >, 0);
  number = json_object_get_string_member (json_array_get_object_element (orders, 0), "number");

  ctl (&match, "match", number, NULL);
  g_assert_cmpint (match.status, ==, 0);
  g_assert_nonnull (strstr (match.out, " 1. "));
  ctl (&match_json, "match", number, "--json", "--limit", "3", NULL);
  candidates = json_array_of (match_json.out);
  g_assert_cmpuint (json_array_get_length (candidates), >=, 1);
  g_assert_cmpuint (json_array_get_length (candidates), <=, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_array_get_object_element (candidates, 0), "reasons")), >=, 4);

  ctl (&show, "order", number, NULL);
  g_assert_cmpint (show.status, ==, 0);
  g_assert_nonnull (strstr (show.out, number));
  g_assert_nonnull (strstr (show.out, "order.create"));
  g_assert_null (strstr (show.out, "Delivered:"));

  /* A served order shows its delivery record; corrected, the new one. */
  {
    g_auto(Run) delivered = { 0 };
    g_auto(Run) corrected = { 0 };
    g_auto(Run) shown = { 0 };
    g_autoptr(JsonArray) served = NULL;
    g_autofree char *fix = NULL;
    const char *served_number;

    ctl (&delivered, "orders", "--state", "delivered", "--json", NULL);
    served = json_array_of (delivered.out);
    g_assert_cmpuint (json_array_get_length (served), >, 0);
    served_number = json_object_get_string_member (json_array_get_object_element (served, 0), "number");
    fix = g_strdup_printf ("{\"order_id\":\"%s\",\"hours\":7.5}",
                           json_object_get_string_member (json_array_get_object_element (served, 0), "id"));
    ctl (&corrected, "op", "order.correct_delivery", fix, NULL);
    g_assert_cmpint (corrected.status, ==, 0);
    ctl (&shown, "order", served_number, NULL);
    g_assert_nonnull (strstr (shown.out, "Delivered:"));
    g_assert_nonnull (strstr (shown.out, "7.5 service hours"));
    g_assert_nonnull (strstr (shown.out, "order.correct_delivery"));
  }
}

static void
test_op (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_days (now, 3);
  g_autofree char *starts = g_date_time_format (soon, "%Y-%m-%dT09:00+08:00");
  g_autofree char *ends = g_date_time_format (soon, "%Y-%m-%dT11:00+08:00");
  g_autofree char *json = g_strdup_printf (
      "{\"title\":\"反诈讲座\",\"topic_id\":\"law\",\"subdistrict_id\":\"qianfoshan\",\"venue\":\"历阳社区党群服务中心\","
      "\"venue_kind\":\"community\",\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"requester\":\"历阳社区\","
      "\"contact_name\":\"刘洋\",\"contact_phone\":\"13912340000\"}", starts, ends);
  g_auto(Run) created = { 0 };
  g_auto(Run) wrong_role = { 0 };
  g_auto(Run) bad_json = { 0 };
  g_auto(Run) bad_kind = { 0 };
  g_auto(Run) counts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  ctl (&created, "op", "order.create", json, "--role", "office", "--subdistrict", "千佛山街道",
       "--user", "office-qfs", NULL);
  g_assert_cmpint (created.status, ==, 0);
  result = wd_json_parse_object (created.out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "number"), "20"));

  ctl (&wrong_role, "op", "order.create", json, "--role", "office", "--subdistrict", "甸柳街道", NULL);
  g_assert_cmpint (wrong_role.status, ==, 1);
  g_assert_nonnull (strstr (wrong_role.err, "forbidden"));

  ctl (&bad_json, "op", "order.create", "{\"title\": ", NULL);
  g_assert_cmpint (bad_json.status, ==, 1);
  g_assert_nonnull (strstr (bad_json.err, "invalid-argument"));

  ctl (&bad_kind, "op", "order.delete", "{}", NULL);
  g_assert_cmpint (bad_kind.status, ==, 1);
  g_assert_nonnull (strstr (bad_kind.err, "unknown-operation"));

  ctl (&counts, "counts", "--by", "topic", "--json", NULL);
  g_assert_cmpint (counts.status, ==, 0);
  g_assert_nonnull (strstr (counts.out, "法治宣传"));
}

/* An operation's arguments can come on standard input: a speaker's
 * photo is longer than a command line may be. */
static void
test_op_from_stdin (void)
{
  g_autoptr(GString) photo = g_string_new ("/9j/");   /* a JPEG's first bytes, in base64 */
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *json = NULL;
  g_autoptr(JsonArray) speakers = NULL;
  g_auto(Run) list = { 0 };
  g_auto(Run) set = { 0 };
  g_auto(Run) empty = { 0 };
  g_autoptr(WdStore) store = NULL;
  g_autoptr(GBytes) stored = NULL;
  const char *id;

  ctl (&list, "speakers", "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
  speakers = json_array_of (list.out);
  id = json_object_get_string_member (json_array_get_object_element (speakers, 0), "id");
  /* 200,000 characters: over the 128 KiB one argument may have. */
  while (photo->len < 200000)
    g_string_append (photo, "AAAA");
  json_object_set_string_member (args, "speaker_id", id);
  json_object_set_string_member (args, "photo", photo->str);
  json = wd_json_object_to_string (args, FALSE);

  ctl_with_input (&set, json, "op", "speaker.photo", "-", NULL);
  g_assert_cmpint (set.status, ==, 0);
  store = wd_store_open (store_path, NULL);
  stored = wd_store_get_speaker_photo (store, id, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpuint (g_bytes_get_size (stored), ==, 150000);

  ctl_with_input (&empty, "", "op", "speaker.photo", "-", NULL);
  g_assert_cmpint (empty.status, ==, 1);
  g_assert_nonnull (strstr (empty.err, "invalid-argument"));
}

static char *
temp_file (const char *name)
{
  return g_build_filename (store_dir, name, NULL);
}

static gboolean
is_pdf (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  return g_file_get_contents (path, &contents, &length, NULL) && length > 1000
         && g_str_has_prefix (contents, "%PDF-");
}

/* CSV round trip through files, and what a script sees on bad input. */
static void
test_import_export (void)
{
  g_autofree char *csv = temp_file ("speakers.csv");
  g_autofree char *bad = temp_file ("bad.csv");
  g_auto(Run) exported = { 0 };
  g_auto(Run) dry = { 0 };
  g_auto(Run) refused = { 0 };
  g_auto(Run) orders = { 0 };
  g_auto(Run) ics = { 0 };
  g_auto(Run) wrong_kind = { 0 };
  g_auto(Run) speakers = { 0 };

  ctl (&exported, "export", "--kind", "speakers", "--output", csv, NULL);
  g_assert_cmpint (exported.status, ==, 0);
  ctl (&dry, "import", "--kind", "speakers", "--dry-run", csv, NULL);
  g_assert_cmpint (dry.status, ==, 0);
  g_assert_nonnull (strstr (dry.out, "Dry run: 0 new, 0 updated"));

  g_assert_true (g_file_set_contents (bad, "姓名,电话,宣讲主题\n新讲师,13900001111,党史\n坏号码,12,党史\n", -1, NULL));
  ctl (&refused, "import", "--kind", "speakers", bad, NULL);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.out, "Line 3 (坏号码)"));
  g_assert_nonnull (strstr (refused.err, "nothing was imported"));
  ctl (&speakers, "speakers", NULL);
  g_assert_null (strstr (speakers.out, "新讲师"));

  ctl (&wrong_kind, "import", "--kind", "orders", bad, NULL);
  g_assert_cmpint (wrong_kind.status, ==, 2);

  ctl (&orders, "export", "--kind", "orders", "--encoding", "GB18030", "--output", "-", NULL);
  g_assert_cmpint (orders.status, ==, 0);
  g_assert_false (g_utf8_validate (orders.out, -1, NULL));
  ctl (&ics, "export", "--kind", "orders", "--format", "ics", "--output", "-", NULL);
  g_assert_cmpint (ics.status, ==, 0);
  g_assert_true (g_str_has_prefix (ics.out, "BEGIN:VCALENDAR\r\n"));
}

static void
test_printed_documents (void)
{
  g_autofree char *schedule = temp_file ("schedule.pdf");
  g_autofree char *report = temp_file ("report.pdf");
  g_autofree char *sheets = temp_file ("sheets.pdf");
  g_autofree char *month = NULL;
  g_autofree char *number = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(JsonArray) rows = NULL;
  g_auto(Run) list = { 0 };
  g_auto(Run) printed = { 0 };
  g_auto(Run) no_to = { 0 };
  g_auto(Run) backwards = { 0 };
  g_auto(Run) bad_date = { 0 };
  g_auto(Run) bad_month = { 0 };
  g_auto(Run) monthly = { 0 };
  g_auto(Run) forms = { 0 };
  g_auto(Run) unknown = { 0 };

  ctl (&printed, "export-schedule", "--from", "2020-01-01", "--to", "2035-12-31", "--landscape",
       "--subdistrict", "千佛山街道", "--output", schedule, NULL);
  g_assert_cmpint (printed.status, ==, 0);
  g_assert_true (is_pdf (schedule));
  ctl (&no_to, "export-schedule", "--from", "2026-11-01", "--output", schedule, NULL);
  g_assert_cmpint (no_to.status, ==, 2);
  ctl (&backwards, "export-schedule", "--from", "2026-11-10", "--to", "2026-11-01", "--output", schedule, NULL);
  g_assert_cmpint (backwards.status, ==, 2);
  ctl (&bad_date, "export-schedule", "--from", "2026-02-30", "--to", "2026-03-01", "--output", schedule, NULL);
  g_assert_cmpint (bad_date.status, ==, 1);
  g_assert_nonnull (strstr (bad_date.err, "2026-02-30"));

  ctl (&bad_month, "export-report", "--month", "2026-13", "--output", report, NULL);
  g_assert_cmpint (bad_month.status, ==, 1);
  g_assert_nonnull (strstr (bad_month.err, "2026-11"));
  month = g_date_time_format (now, "%Y-%m");
  ctl (&monthly, "export-report", "--month", month, "--output", report, NULL);
  g_assert_cmpint (monthly.status, ==, 0);
  g_assert_true (is_pdf (report));

  ctl (&list, "orders", "--json", "--state", "accepted", "--limit", "1", NULL);
  rows = json_array_of (list.out);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  number = g_strdup (json_object_get_string_member (json_array_get_object_element (rows, 0), "number"));
  ctl (&forms, "export-sheets", "--work", "--rating", number, "--output", sheets, NULL);
  g_assert_cmpint (forms.status, ==, 0);
  g_assert_nonnull (strstr (forms.out, "2 pages"));
  g_assert_true (is_pdf (sheets));
  ctl (&unknown, "export-sheets", "2099-999999", "--output", sheets, NULL);
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_nonnull (strstr (unknown.err, "2099-999999"));
}

/* The centre issues a certificate to whoever served a rated order, lists
 * it, prints it, revokes it, and cannot print it any more. */
static void
test_certificates (void)
{
  g_autofree char *pdf = temp_file ("certificate.pdf");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *args = NULL;
  g_autofree char *revoke = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) listed = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonObject *order;
  const char *number;
  g_auto(Run) rated = { 0 };
  g_auto(Run) issue = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) printed = { 0 };
  g_auto(Run) both = { 0 };
  g_auto(Run) withdraw = { 0 };
  g_auto(Run) refused = { 0 };

  ctl (&rated, "orders", "--json", "--state", "rated", "--limit", "1", NULL);
  rows = json_array_of (rated.out);
  order = json_array_get_object_element (rows, 0);
  args = g_strdup_printf ("{\"holder_kind\":\"%s\",\"holder_id\":\"%s\",\"from\":\"2020-01-01\","
                          "\"to\":\"%s\",\"purpose\":\"评优\"}",
                          json_object_get_string_member (order, "assignee_kind"),
                          json_object_get_string_member (order, "assignee_id"), today);
  ctl (&issue, "op", "certificate.issue", args, NULL);
  g_assert_cmpint (issue.status, ==, 0);
  result = wd_json_parse_object (issue.out, -1, NULL);
  g_assert_nonnull (result);
  g_assert_cmpint (json_object_get_int_member (result, "services"), >=, 1);
  number = json_object_get_string_member (result, "number");
  g_assert_true (g_str_has_prefix (number, "C"));

  ctl (&table, "certificates", NULL);
  g_assert_cmpint (table.status, ==, 0);
  g_assert_nonnull (strstr (table.out, number));
  g_assert_nonnull (strstr (table.out, json_object_get_string_member (order, "assignee_name")));
  ctl (&json, "certificates", "--json", NULL);
  listed = json_array_of (json.out);
  g_assert_cmpuint (json_array_get_length (listed), ==, 1);
  ctl (&both, "certificates", "--speaker", "x", "--team", "y", NULL);
  g_assert_cmpint (both.status, ==, 2);

  ctl (&printed, "export-certificate", number, "--output", pdf, NULL);
  g_assert_cmpint (printed.status, ==, 0);
  g_assert_true (is_pdf (pdf));

  revoke = g_strdup_printf ("{\"certificate_id\":\"%s\",\"reason\":\"重开\"}",
                            json_object_get_string_member (result, "id"));
  ctl (&withdraw, "op", "certificate.revoke", revoke, NULL);
  g_assert_cmpint (withdraw.status, ==, 0);
  ctl (&refused, "export-certificate", number, "--output", pdf, NULL);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "重开"));
}

static guint
count_certificates (void)
{
  g_auto(Run) list = { 0 };
  g_autoptr(JsonArray) rows = NULL;

  ctl (&list, "certificates", "--json", NULL);
  rows = json_array_of (list.out);
  return json_array_get_length (rows);
}

/* Year's end: a certificate for everyone who served, each written out for
 * signing; a period that cannot be certified issues none at all. */
static void
test_certify (void)
{
  g_autofree char *folder = temp_file ("certificates");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 30);
  g_autofree char *future = g_date_time_format (later, "%Y-%m-%d");
  g_autoptr(JsonArray) issued = NULL;
  g_autoptr(GDir) dir = NULL;
  guint before = count_certificates ();
  guint files = 0;
  g_auto(Run) all = { 0 };
  g_auto(Run) too_late = { 0 };
  g_auto(Run) nobody = { 0 };
  g_auto(Run) both = { 0 };

  ctl (&all, "certify", "--from", "2020-01-01", "--to", today, "--all", "--purpose", "年度评优", "--json",
       "--output-dir", folder, NULL);
  g_assert_cmpint (all.status, ==, 0);
  issued = json_array_of (all.out);
  g_assert_cmpuint (json_array_get_length (issued), >, 5);
  g_assert_cmpuint (count_certificates (), ==, before + json_array_get_length (issued));
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  for (const char *name; (name = g_dir_read_name (dir)) != NULL; files++)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      g_assert_true (g_str_has_suffix (name, ".pdf"));
      g_assert_true (is_pdf (path));
    }
  g_assert_cmpuint (files, ==, json_array_get_length (issued));

  /* A period past today is refused for the first holder: nothing issued. */
  ctl (&too_late, "certify", "--from", "2020-01-01", "--to", future, "--all", NULL);
  g_assert_cmpint (too_late.status, ==, 1);
  g_assert_nonnull (strstr (too_late.err, "today"));
  ctl (&nobody, "certify", "--from", "2020-01-01", "--to", today, "--speaker", "无此人", NULL);
  g_assert_cmpint (nobody.status, ==, 1);
  g_assert_nonnull (strstr (nobody.err, "无此人"));
  ctl (&both, "certify", "--from", "2020-01-01", "--to", today, NULL);
  g_assert_cmpint (both.status, ==, 2);
  g_assert_cmpuint (count_certificates (), ==, before + json_array_get_length (issued));
}

/* A store that never signed in is its own district: status names what
 * waits for the desk, and asking about syncing (status, problems, a sync
 * attempt) leaves it as it is - it still numbers and exports on its own. */
static void
test_local_store_status (void)
{
  g_auto(Run) status = { 0 };
  g_auto(Run) ordered = { 0 };
  g_auto(Run) text = { 0 };
  g_auto(Run) problems = { 0 };
  g_auto(Run) sync = { 0 };
  g_auto(Run) logout = { 0 };
  g_auto(Run) exported = { 0 };
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) none = NULL;

  ctl (&status, "status", "--json", NULL);
  g_assert_cmpint (status.status, ==, 0);
  object = wd_json_parse_object (status.out, -1, NULL);
  g_assert_nonnull (object);
  g_assert_false (json_object_get_boolean_member (object, "signed_in"));
  ctl (&ordered, "orders", "--state", "ordered", "--json", "--limit", "5000", NULL);
  rows = json_array_of (ordered.out);
  g_assert_cmpuint (json_array_get_length (rows), >, 0);
  g_assert_cmpint (json_object_get_int_member (object, "orders_waiting"), ==, json_array_get_length (rows));

  ctl (&text, "status", NULL);
  g_assert_nonnull (strstr (text.out, "orders to dispatch"));
  g_assert_nonnull (strstr (text.out, "acting for the centre"));

  ctl (&problems, "problems", "--json", NULL);
  g_assert_cmpint (problems.status, ==, 0);
  none = json_array_of (problems.out);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);

  ctl (&sync, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 1);
  g_assert_nonnull (strstr (sync.err, "wudanctl login"));
  ctl (&logout, "logout", NULL);
  g_assert_cmpint (logout.status, ==, 1);

  ctl (&exported, "export", "--kind", "speakers", "-o", "-", NULL);
  g_assert_cmpint (exported.status, ==, 0);
  g_assert_cmpstr (exported.err, ==, "");
}

/* A mistyped --store lists nothing a script could take for an empty
 * district: the command says there is no store there and makes none. */
static void
test_missing_store (void)
{
  g_autofree char *typo = g_strconcat (store_path, "-typo", NULL);
  g_auto(Run) orders = { 0 };
  g_auto(Run) status = { 0 };

  ctl (&orders, "--store", typo, "orders", NULL);
  g_assert_cmpint (orders.status, ==, 1);
  g_assert_nonnull (strstr (orders.err, "There is no store at"));
  g_assert_nonnull (strstr (orders.err, "wudanctl login"));
  g_assert_cmpstr (orders.out, ==, "");
  ctl (&status, "--store", typo, "status", NULL);
  g_assert_cmpint (status.status, ==, 1);
  g_assert_false (g_file_test (typo, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("WUDANCTL"));

  store_dir = g_dir_make_tmp ("wudanctl-test-XXXXXX", NULL);
  store_path = g_build_filename (store_dir, "store.db", NULL);

  g_test_add_func ("/wudanctl/help", test_help);
  g_test_add_func ("/wudanctl/seed-and-list", test_seed_and_list);
  g_test_add_func ("/wudanctl/messages", test_messages);
  g_test_add_func ("/wudanctl/usage-errors", test_usage_errors);
  g_test_add_func ("/wudanctl/search-and-match", test_search_and_match);
  g_test_add_func ("/wudanctl/op", test_op);
  g_test_add_func ("/wudanctl/op-from-stdin", test_op_from_stdin);
  g_test_add_func ("/wudanctl/import-export", test_import_export);
  g_test_add_func ("/wudanctl/printed-documents", test_printed_documents);
  g_test_add_func ("/wudanctl/certificates", test_certificates);
  g_test_add_func ("/wudanctl/certify", test_certify);
  g_test_add_func ("/wudanctl/local-store-status", test_local_store_status);
  g_test_add_func ("/wudanctl/missing-store", test_missing_store);

  status = g_test_run ();

  for (const char * const *name = (const char * const[]) { "speakers.csv", "bad.csv", "schedule.pdf", "report.pdf",
                                                          "sheets.pdf", NULL }; *name; name++)
    {
      g_autofree char *file = temp_file (*name);

      g_unlink (file);
    }
  for (const char * const *suffix = (const char * const[]) { "", "-wal", "-shm", NULL }; *suffix; suffix++)
    {
      g_autofree char *file = g_strconcat (store_path, *suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (store_dir);
  return status;
}
