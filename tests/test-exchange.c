/* test-exchange.c: CSV and iCalendar files in and out. */
#include "config.h"

#include <string.h>

#include "wd-csv.h"
#include "wd-export.h"
#include "wd-import.h"
#include "wd-json.h"
#include "wd-test-util.h"

static WdCsvRecord *
record_at (GPtrArray *records,
           guint      index)
{
  g_assert_cmpuint (index, <, records->len);
  return g_ptr_array_index (records, index);
}

static void
test_csv_quoting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = wd_csv_parse ("姓名,简介\r\n"
                                               "张三,\"退休教师，\"\"老党员\"\"\r\n讲党史\"\r\n"
                                               "\r\n"
                                               "李四,\n", &error);
  WdCsvRecord *second;

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  second = record_at (records, 1);
  g_assert_cmpuint (second->line, ==, 2);
  g_assert_cmpuint (second->n_fields, ==, 2);
  g_assert_cmpstr (second->fields[1], ==, "退休教师，\"老党员\"\n讲党史");
  /* The blank line is skipped and the lines after count it. */
  g_assert_cmpuint (record_at (records, 2)->line, ==, 5);
  g_assert_cmpstr (record_at (records, 2)->fields[1], ==, "");
}

static void
test_csv_errors_name_the_line (void)
{
  g_autoptr(GError) unclosed = NULL;
  g_autoptr(GError) trailing = NULL;
  g_autoptr(GPtrArray) a = wd_csv_parse ("a,b\n1,2\n3,\"open\n4,5\n", &unclosed);
  g_autoptr(GPtrArray) b = wd_csv_parse ("a,b\n1,\"x\"y\n", &trailing);

  g_assert_null (a);
  g_assert_error (unclosed, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (unclosed->message, "line 3:"));
  g_assert_null (b);
  g_assert_true (g_str_has_prefix (trailing->message, "line 2:"));
}

static void
test_csv_encodings (void)
{
  const char *text = "姓名,电话\r\n张三,13912345678\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) gb = wd_csv_encode (text, "GB18030", &error);
  g_autoptr(GBytes) utf8 = wd_csv_encode (text, "UTF-8", &error);
  g_autofree char *from_gb = NULL;
  g_autofree char *from_utf8 = NULL;
  g_autofree char *from_utf16 = NULL;
  g_autoptr(GBytes) utf16_bytes = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x81\x30\xff\xff\xfe", 5);
  const char *encoding = NULL;
  gsize written = 0;

  g_assert_no_error (error);
  /* GB18030 is not valid UTF-8: the bytes differ and read back the same. */
  g_assert_false (g_utf8_validate (g_bytes_get_data (gb, NULL), g_bytes_get_size (gb), NULL));
  from_gb = wd_csv_decode (gb, &encoding, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (encoding, ==, "GB18030");
  g_assert_cmpstr (from_gb, ==, text);

  g_assert_cmpmem (g_bytes_get_data (utf8, NULL), 3, "\xef\xbb\xbf", 3);
  from_utf8 = wd_csv_decode (utf8, &encoding, &error);
  g_assert_cmpstr (encoding, ==, "UTF-8");
  g_assert_cmpstr (from_utf8, ==, text);

  /* Excel's "Unicode text" is UTF-16 with a byte-order mark. */
  {
    g_autofree char *body = g_convert (text, -1, "UTF-16LE", "UTF-8", NULL, &written, &error);
    g_autofree char *whole = g_malloc (written + 2);

    memcpy (whole, "\xff\xfe", 2);
    memcpy (whole + 2, body, written);
    utf16_bytes = g_bytes_new (whole, written + 2);
  }
  from_utf16 = wd_csv_decode (utf16_bytes, &encoding, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (encoding, ==, "UTF-16");
  g_assert_cmpstr (from_utf16, ==, text);

  g_assert_null (wd_csv_decode (garbage, NULL, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
}

/* Text Excel would take for a formula goes out behind an apostrophe and
 * comes back as it was. */
static void
test_csv_formula_guard (void)
{
  const char *fields[] = { "=HYPERLINK(\"x\")", "-12.5", "+8613912345678", "@cmd", "a,b" };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  wd_csv_append_row (out, fields, G_N_ELEMENTS (fields));
  g_assert_cmpstr (out->str, ==, "\"'=HYPERLINK(\"\"x\"\")\",-12.5,+8613912345678,\"'@cmd\",\"a,b\"\r\n");
  records = wd_csv_parse (out->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record_at (records, 0)->fields[0], ==, "'=HYPERLINK(\"x\")");
}

/* Random bytes never crash the decoder or the parser; they parse or are
 * refused with an error. */
static void
test_csv_fuzz (void)
{
  static const char alphabet[] = "ab,\"\r\n\t\xe4\xb8\xad ";
  GRand *rand = g_rand_new_with_seed (20261129);

  for (guint round = 0; round < 3000; round++)
    {
      guint length = g_rand_int_range (rand, 0, 64);
      g_autofree char *data = g_malloc (length + 1);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) records = NULL;

      for (guint i = 0; i < length; i++)
        data[i] = round % 3 == 0 ? (char) g_rand_int_range (rand, 1, 256)
                                 : alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      data[length] = '\0';
      bytes = g_bytes_new (data, length);
      text = wd_csv_decode (bytes, NULL, &error);
      if (text == NULL)
        continue;
      records = wd_csv_parse (text, &error);
      g_assert_true ((records == NULL) == (error != NULL));
    }
  g_rand_free (rand);
}

static gboolean
apply_as_centre (const char  *kind,
                 JsonObject  *args,
                 gpointer     user_data,
                 GError     **error)
{
  WdFixture *fx = user_data;

  return wd_operation_apply (fx->store, fx->centre, fx->t0, NULL, kind, args, NULL, error);
}

static WdImport *
load_import (WdFixture  *fx,
             const char *kind,
             const char *text,
             const char *encoding)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = encoding ? wd_csv_encode (text, encoding, &error)
                                     : g_bytes_new (text, strlen (text));
  g_autoptr(WdImport) import = wd_import_new (fx->store, kind, &error);

  g_assert_no_error (error);
  wd_import_load (import, bytes, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&import);
}

static WdImportRow *
report_row (WdImport *import,
            guint     index)
{
  GPtrArray *rows = wd_import_get_rows (import);

  g_assert_cmpuint (index, <, rows->len);
  return g_ptr_array_index (rows, index);
}

static void
test_import_gb18030_speakers (WdFixture     *fx,
                              gconstpointer  data)
{
  g_autoptr(WdImport) import = load_import (fx, "speaker",
      "姓名,手机,宣讲主题,所属街道,工作单位,备注\r\n"
      "孙立,13900001111,党史、心理健康,千佛山街道,山大附中,老教师\r\n"
      "周敏,0531-86123456,法治宣传,甸柳街道,律师事务所,\r\n", "GB18030");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) speaker = NULL;
  g_auto(GStrv) ignored = wd_import_get_ignored (import);

  g_assert_cmpstr (wd_import_get_encoding (import), ==, "GB18030");
  g_assert_cmpstrv (ignored, ((const char * const[]) { "备注", NULL }));
  g_assert_true (wd_import_run (import, FALSE, apply_as_centre, fx, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (wd_import_count (import, WD_IMPORT_CREATE), ==, 2);
  g_assert_cmpuint (report_row (import, 1)->line, ==, 3);

  id = wd_store_find_id_by_name (fx->store, "speaker", "孙立", NULL);
  g_assert_nonnull (id);
  speaker = wd_store_get (fx->store, "speaker", id, &error);
  g_assert_cmpstr (wd_json_text (speaker, "subdistrict_id"), ==, "sd-a");
  g_assert_cmpstr (wd_json_text (speaker, "organisation"), ==, "山大附中");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (speaker, "topics")), ==, 2);
}

/* One bad row and nothing goes in; every bad row is named by its line. */
static void
test_import_all_or_nothing (WdFixture     *fx,
                            gconstpointer  data)
{
  g_autofree char *before = wd_test_fingerprint (fx->store);
  g_autofree char *after = NULL;
  g_autoptr(WdImport) import = load_import (fx, "speaker",
      "姓名,电话,宣讲主题\n"
      "孙立,13900001111,党史\n"
      "错号,123,党史\n"
      "无题,13900002222,天文\n"
      "周敏,13900003333,法治宣传\n"
      "孙立,13900001111,心理健康\n", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (wd_import_run (import, FALSE, apply_as_centre, fx, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (wd_import_count (import, WD_IMPORT_FAILED), ==, 3);
  g_assert_cmpuint (report_row (import, 1)->line, ==, 3);
  g_assert_cmpint (report_row (import, 1)->action, ==, WD_IMPORT_FAILED);
  g_assert_true (g_str_has_prefix (report_row (import, 1)->message, "电话: "));
  g_assert_nonnull (strstr (report_row (import, 2)->message, "天文"));
  g_assert_nonnull (strstr (report_row (import, 4)->message, "line 2"));

  after = wd_test_fingerprint (fx->store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_import_missing_column (WdFixture     *fx,
                            gconstpointer  data)
{
  g_autoptr(WdImport) import = load_import (fx, "speaker", "姓名,宣讲主题\n孙立,党史\n", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (wd_import_run (import, FALSE, apply_as_centre, fx, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (report_row (import, 0)->message, "Phone"));
}

/* A dry run meets exactly the refusals an import would, and changes
 * nothing even when every row is fine. */
static void
test_import_dry_run (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autofree char *before = wd_test_fingerprint (fx->store);
  g_autofree char *after = NULL;
  g_autoptr(WdImport) import = load_import (fx, "team",
      "团队名称,负责人,联系电话,人数\n新队,钱七,13900004444,12\n", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (wd_import_run (import, TRUE, apply_as_centre, fx, &error));
  g_assert_cmpuint (wd_import_count (import, WD_IMPORT_CREATE), ==, 1);
  after = wd_test_fingerprint (fx->store);
  g_assert_cmpstr (before, ==, after);
}

/* An office may not change the catalogues: the rulebook refuses each row. */
static gboolean
apply_as_office (const char  *kind,
                 JsonObject  *args,
                 gpointer     user_data,
                 GError     **error)
{
  WdFixture *fx = user_data;

  return wd_operation_apply (fx->store, fx->office_a, fx->t0, NULL, kind, args, NULL, error);
}

static void
test_import_goes_through_rulebook (WdFixture     *fx,
                                   gconstpointer  data)
{
  g_autoptr(WdImport) import = load_import (fx, "team", "团队名称,负责人,联系电话\n新队,钱七,13900004444\n", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (wd_import_run (import, FALSE, apply_as_office, fx, &error));
  g_assert_cmpint (report_row (import, 0)->action, ==, WD_IMPORT_FAILED);
  g_assert_null (wd_store_find_id_by_name (fx->store, "team", "新队", NULL));
}

static char *
export_kind (WdFixture  *fx,
             const char *kind)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (wd_export_csv (out, fx->store, kind, NULL, fx->centre, &error));
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What Wudan writes reads back as no change at all; an edited cell
 * updates only that entry, and the columns a sheet leaves out keep their
 * values. */
static void
test_round_trip (WdFixture     *fx,
                 gconstpointer  data)
{
  const char *kinds[] = { "speaker", "team", "project" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *text = export_kind (fx, kinds[k]);
      g_autofree char *before = wd_test_fingerprint (fx->store);
      g_autofree char *after = NULL;
      g_autoptr(WdImport) import = load_import (fx, kinds[k], text, NULL);
      g_autoptr(GError) error = NULL;
      GPtrArray *rows;

      g_assert_true (wd_import_run (import, FALSE, apply_as_centre, fx, &error));
      g_assert_no_error (error);
      rows = wd_import_get_rows (import);
      g_assert_cmpuint (rows->len, >, 1);
      g_assert_cmpuint (wd_import_count (import, WD_IMPORT_UNCHANGED), ==, rows->len);
      after = wd_test_fingerprint (fx->store);
      g_assert_cmpstr (before, ==, after);
    }
}

static void
test_partial_sheet_updates (WdFixture     *fx,
                            gconstpointer  data)
{
  g_autoptr(JsonArray) teams = wd_store_list_all (fx->store, "team", NULL);
  JsonObject *team = json_array_get_object_element (teams, 0);
  g_autofree char *id = g_strdup (wd_json_text (team, "id"));
  g_autofree char *leader = g_strdup (wd_json_text (team, "leader"));
  g_autofree char *text = g_strdup_printf ("Team,Members\n%s,99\n", wd_json_text (team, "name"));
  g_autoptr(WdImport) import = load_import (fx, "team", text, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) updated = NULL;

  g_assert_true (wd_import_run (import, FALSE, apply_as_centre, fx, &error));
  g_assert_cmpint (report_row (import, 0)->action, ==, WD_IMPORT_UPDATE);
  updated = wd_store_get (fx->store, "team", id, &error);
  g_assert_cmpint (wd_json_int (updated, "members"), ==, 99);
  g_assert_cmpstr (wd_json_text (updated, "leader"), ==, leader);
}

static void
test_order_csv_masks_phones (WdFixture     *fx,
                             gconstpointer  data)
{
  g_autofree char *order_id = wd_test_create_order (fx, 0);
  g_autoptr(GString) centre = g_string_new (NULL);
  g_autoptr(GString) other = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (wd_export_csv (centre, fx->store, "order", NULL, fx->centre, &error));
  g_assert_true (wd_export_csv (other, fx->store, "order", NULL, fx->office_b, &error));
  g_assert_nonnull (strstr (centre->str, "13912340000"));
  g_assert_null (strstr (other->str, "13912340000"));
  g_assert_nonnull (strstr (other->str, "139****0000"));
}

/* The fund's ledger as a bookkeeper reads it: labels and yuan. */
static void
test_ledger_csv (WdFixture     *fx,
                 gconstpointer  data)
{
  g_autoptr(JsonArray) ledger = wd_store_list_fund_ledger (fx->store, "fund-a", NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) records = NULL;
  WdCsvRecord *entry;

  wd_export_csv_array (out, fx->store, "fund_ledger", ledger, fx->centre);
  records = wd_csv_parse (out->str, NULL);
  g_assert_cmpuint (records->len, ==, 1 + json_array_get_length (ledger));
  g_assert_cmpstr (record_at (records, 0)->fields[2], ==, "Amount (yuan)");
  entry = record_at (records, 1);
  g_assert_cmpstr (entry->fields[1], ==, "Deposit");
  g_assert_cmpstr (entry->fields[2], ==, "10000.00");
  g_assert_cmpstr (entry->fields[4], ==, "拨款");
}

static void
test_ical (WdFixture     *fx,
           gconstpointer  data)
{
  g_autofree char *order_id = wd_test_create_order (fx, 0);
  g_autoptr(JsonObject) named = wd_test_apply (fx, fx->admin, "settings.set", "{\"district_name\":\"历下区, 含;分号\"}");
  WdOrderFilter filter = { 0 };
  g_autoptr(JsonArray) orders = wd_store_list_orders (fx->store, &filter, NULL, 100, NULL, NULL);
  g_autofree char *ics = wd_export_ical (fx->store, orders, fx->office_b, fx->t0);
  g_auto(GStrv) lines = g_strsplit (ics, "\r\n", -1);
  guint events = 0;

  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  g_assert_true (g_str_has_suffix (ics, "END:VCALENDAR\r\n"));
  g_assert_nonnull (strstr (ics, "\r\nX-WR-CALNAME:历下区\\, 含\\;分号 volunteer service events\r\n"));
  for (guint i = 0; lines[i]; i++)
    {
      /* Folded at 75 octets, never inside a character. */
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
      if (g_str_equal (lines[i], "BEGIN:VEVENT"))
        events++;
    }
  g_assert_cmpuint (events, ==, json_array_get_length (orders));
  g_assert_nonnull (strstr (ics, "DTSTART:"));
  g_assert_null (strstr (ics, "13912340000"));
}

/* Random sheets of good and bad cells: an import either puts every row
 * in or changes nothing at all, and never crashes. Seeded; the seed is
 * in the test's name. */
static void
test_import_fuzz (WdFixture     *fx,
                  gconstpointer  data)
{
  static const char * const names[] = { "孙立", "周敏", "", "  王芳 ", "李\"四\"", "赵六,七" };
  static const char * const phones[] = { "13900001111", "0531-86123456", "123", "", "+86 139 0000 2222" };
  static const char * const topics[] = { "党史", "党史、心理健康", "天文", "", "法治宣传;党史" };
  static const char * const places[] = { "千佛山街道", "甸柳街道", "不存在街道", "" };
  static const char * const flags[] = { "是", "否", "也许", "" };
  GRand *rand = g_rand_new_with_seed (20261129);
  guint imported = 0;

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(GString) csv = g_string_new ("姓名,电话,宣讲主题,所属街道,在用\r\n");
      g_autofree char *before = wd_test_fingerprint (fx->store);
      g_autofree char *after = NULL;
      g_autoptr(WdImport) import = NULL;
      g_autoptr(GError) error = NULL;
      guint rows = g_rand_int_range (rand, 1, 6);
      gboolean done;

      for (guint r = 0; r < rows; r++)
        {
          const char *cells[] = {
            names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))],
            phones[g_rand_int_range (rand, 0, G_N_ELEMENTS (phones))],
            topics[g_rand_int_range (rand, 0, G_N_ELEMENTS (topics))],
            places[g_rand_int_range (rand, 0, G_N_ELEMENTS (places))],
            flags[g_rand_int_range (rand, 0, G_N_ELEMENTS (flags))],
          };

          wd_csv_append_row (csv, cells, G_N_ELEMENTS (cells));
        }
      import = load_import (fx, "speaker", csv->str, round % 2 ? "GB18030" : NULL);
      done = wd_import_run (import, FALSE, apply_as_centre, fx, &error);
      after = wd_test_fingerprint (fx->store);
      if (!done)
        {
          g_assert_cmpuint (wd_import_count (import, WD_IMPORT_FAILED), >, 0);
          g_assert_cmpstr (before, ==, after);
        }
      else
        {
          g_assert_cmpuint (wd_import_count (import, WD_IMPORT_FAILED), ==, 0);
          g_assert_cmpuint (wd_import_get_rows (import)->len, ==, rows);
          g_assert_true (wd_import_count (import, WD_IMPORT_UNCHANGED) == rows || g_strcmp0 (before, after) != 0);
          imported++;
        }
    }
  g_rand_free (rand);
  /* Both outcomes were met, or the sheets were not random enough. */
  g_test_message ("%u of 40 sheets imported", imported);
  g_assert_cmpuint (imported, >, 0);
  g_assert_cmpuint (imported, <, 40);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/quoting", test_csv_quoting);
  g_test_add_func ("/csv/errors-name-the-line", test_csv_errors_name_the_line);
  g_test_add_func ("/csv/encodings", test_csv_encodings);
  g_test_add_func ("/csv/formula-guard", test_csv_formula_guard);
  g_test_add_func ("/csv/fuzz", test_csv_fuzz);
  g_test_add ("/import/gb18030-speakers", WdFixture, NULL, wd_fixture_setup, test_import_gb18030_speakers, wd_fixture_teardown);
  g_test_add ("/import/all-or-nothing", WdFixture, NULL, wd_fixture_setup, test_import_all_or_nothing, wd_fixture_teardown);
  g_test_add ("/import/missing-column", WdFixture, NULL, wd_fixture_setup, test_import_missing_column, wd_fixture_teardown);
  g_test_add ("/import/dry-run", WdFixture, NULL, wd_fixture_setup, test_import_dry_run, wd_fixture_teardown);
  g_test_add ("/import/rulebook", WdFixture, NULL, wd_fixture_setup, test_import_goes_through_rulebook, wd_fixture_teardown);
  g_test_add ("/export/round-trip", WdFixture, NULL, wd_fixture_setup, test_round_trip, wd_fixture_teardown);
  g_test_add ("/import/partial-sheet", WdFixture, NULL, wd_fixture_setup, test_partial_sheet_updates, wd_fixture_teardown);
  g_test_add ("/export/order-phones", WdFixture, NULL, wd_fixture_setup, test_order_csv_masks_phones, wd_fixture_teardown);
  g_test_add ("/import/fuzz-20261129", WdFixture, NULL, wd_fixture_setup, test_import_fuzz, wd_fixture_teardown);
  g_test_add ("/export/ledger", WdFixture, NULL, wd_fixture_setup, test_ledger_csv, wd_fixture_teardown);
  g_test_add ("/export/ical", WdFixture, NULL, wd_fixture_setup, test_ical, wd_fixture_teardown);

  return g_test_run ();
}
