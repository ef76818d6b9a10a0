/* test-report.c: the printed documents, rendered to PDF and read back
 * with poppler's pdftotext and pdfinfo, as a person would check a print. */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "wd-certificate-document.h"
#include "wd-json.h"
#include "wd-report-document.h"
#include "wd-schedule-document.h"
#include "wd-sheet-document.h"
#include "wd-store-private.h"
#include "wd-summary.h"
#include "wd-test-util.h"
#include "wd-time.h"

#define N_EVENTS 90

static char *
run_tool (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static char *
page_text (const char *pdf,
           guint       page)
{
  g_autofree char *number = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdftotext", "-f", number, "-l", number, "-layout", pdf, "-", NULL };

  return run_tool (argv);
}

static guint
pdf_pages (const char *pdf,
           double     *width,
           double     *height)
{
  const char *argv[] = { "pdfinfo", pdf, NULL };
  g_autofree char *info = run_tool (argv);
  const char *pages = strstr (info, "Pages:");
  const char *size = strstr (info, "Page size:");

  g_assert_nonnull (pages);
  g_assert_nonnull (size);
  if (width != NULL)
    g_assert_cmpint (sscanf (size, "Page size: %lf x %lf", width, height), ==, 2);
  return (guint) g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10);
}

/* Every word's box, as pdftotext -bbox writes it, lies inside the
 * margins of its page: nothing is drawn off the paper. */
static void
assert_inside_margins (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-bbox", pdf, "-", NULL };
  g_autofree char *html = run_tool (argv);
  g_autoptr(GRegex) page_re = g_regex_new ("<page width=\"([0-9.]+)\" height=\"([0-9.]+)\">", 0, 0, NULL);
  g_autoptr(GRegex) word_re = g_regex_new ("xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\"",
                                           0, 0, NULL);
  g_autoptr(GMatchInfo) page = NULL;
  g_autoptr(GMatchInfo) word = NULL;
  double width, height;
  guint words = 0;

  g_assert_true (g_regex_match (page_re, html, 0, &page));
  width = g_ascii_strtod (g_match_info_fetch (page, 1), NULL);
  height = g_ascii_strtod (g_match_info_fetch (page, 2), NULL);
  for (g_regex_match (word_re, html, 0, &word); g_match_info_matches (word); g_match_info_next (word, NULL))
    {
      g_autofree char *x0 = g_match_info_fetch (word, 1);
      g_autofree char *y0 = g_match_info_fetch (word, 2);
      g_autofree char *x1 = g_match_info_fetch (word, 3);
      g_autofree char *y1 = g_match_info_fetch (word, 4);

      g_assert_cmpfloat (g_ascii_strtod (x0, NULL), >=, WD_PAGE_MARGIN - 1);
      g_assert_cmpfloat (g_ascii_strtod (y0, NULL), >=, WD_PAGE_MARGIN - 1);
      g_assert_cmpfloat (g_ascii_strtod (x1, NULL), <=, width - WD_PAGE_MARGIN + 1);
      g_assert_cmpfloat (g_ascii_strtod (y1, NULL), <=, height - WD_PAGE_MARGIN + 1);
      words++;
    }
  g_assert_cmpuint (words, >, 10);
}

static char *
pdf_path (WdFixture  *fx,
          const char *name)
{
  return g_build_filename (fx->dir, name, NULL);
}

/* Events over a week, every one with its own title, community and phone,
 * so a test can tell where each row's lines were printed. */
static void
create_events (WdFixture *fx,
               guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 starts = fx->t0 + WD_DAY + (gint64) (i % 7) * WD_DAY + (gint64) (i % 5) * 2 * WD_HOUR;
      g_autofree char *json = g_strdup_printf (
          "{\"title\":\"宣讲第%03u场\",\"topic_id\":\"t-history\",\"subdistrict_id\":\"sd-a\","
          "\"community\":\"C%03u\",\"venue\":\"党群服务中心%s\",\"venue_kind\":\"community\","
          "\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ",\"audience\":60,"
          "\"requester\":\"社区居委会\",\"contact_name\":\"刘洋\",\"contact_phone\":\"1391234%04u\"}",
          i, i, i % 9 == 0 ? "（一个很长的名字，会在单元格里折成好几行，用来检查换行）" : "",
          starts, starts + 2 * WD_HOUR, i);
      g_autoptr(JsonObject) result = wd_test_apply (fx, fx->office_a, "order.create", json);
    }
}

static WdScheduleDocument *
week_schedule (WdFixture     *fx,
               const WdActor *reader)
{
  WdScheduleRange range = { .from = fx->t0, .to = fx->t0 + 9 * WD_DAY };
  g_autoptr(GError) error = NULL;
  WdScheduleDocument *document = wd_schedule_document_new (fx->store, &range, reader, fx->t0, &error);

  g_assert_no_error (error);
  return document;
}

static void
test_schedule_pages (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autoptr(WdScheduleDocument) document = NULL;
  g_autofree char *pdf = pdf_path (fx, "schedule.pdf");
  g_autoptr(GError) error = NULL;
  guint n_pages;
  double width, height;
  guint seen = 0;

  create_events (fx, N_EVENTS);
  document = week_schedule (fx, fx->centre);
  g_assert_cmpuint (wd_schedule_document_get_n_events (document), ==, N_EVENTS);
  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  g_assert_no_error (error);

  n_pages = pdf_pages (pdf, &width, &height);
  g_assert_cmpuint (n_pages, ==, wd_print_document_get_n_pages (WD_PRINT_DOCUMENT (document)));
  g_assert_cmpuint (n_pages, >, 2);
  g_assert_cmpfloat_with_epsilon (width, WD_PAGE_A4_WIDTH, 0.5);
  g_assert_cmpfloat_with_epsilon (height, WD_PAGE_A4_HEIGHT, 0.5);

  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = page_text (pdf, page);
      g_autofree char *footer = g_strdup_printf ("Page %u of %u", page, n_pages);

      /* The table header on every page, the title block on the first. */
      g_assert_nonnull (strstr (text, "Speaker or team"));
      g_assert_nonnull (strstr (text, footer));
      g_assert_true ((strstr (text, "volunteer service events") != NULL) == (page == 1));
      if (page > 1)
        g_assert_true (strstr (text, "(continued)") != NULL || strstr (text, "day,") != NULL);

      /* A row is never split: each event's title, community and phone
       * are on the same page. */
      for (guint i = 0; i < N_EVENTS; i++)
        {
          g_autofree char *title = g_strdup_printf ("宣讲第%03u场", i);
          g_autofree char *community = g_strdup_printf ("C%03u", i);
          g_autofree char *phone = g_strdup_printf ("1391234%04u", i);
          gboolean here = strstr (text, title) != NULL;

          g_assert_cmpint (here, ==, strstr (text, community) != NULL);
          g_assert_cmpint (here, ==, strstr (text, phone) != NULL);
          seen += here;
        }
    }
  g_assert_cmpuint (seen, ==, N_EVENTS);
  assert_inside_margins (pdf);
}

static void
test_schedule_landscape_and_masking (WdFixture     *fx,
                                     gconstpointer  data)
{
  g_autoptr(WdScheduleDocument) portrait = NULL;
  g_autoptr(WdScheduleDocument) document = NULL;
  g_autofree char *pdf = pdf_path (fx, "landscape.pdf");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  double width, height;

  create_events (fx, 12);
  document = week_schedule (fx, fx->office_b);
  wd_print_document_set_landscape (WD_PRINT_DOCUMENT (document), TRUE);
  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  pdf_pages (pdf, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, WD_PAGE_A4_HEIGHT, 0.5);
  g_assert_cmpfloat_with_epsilon (height, WD_PAGE_A4_WIDTH, 0.5);

  /* An office of another sub-district sees no resident's number. */
  text = page_text (pdf, 1);
  g_assert_null (strstr (text, "13912340003"));
  g_assert_nonnull (strstr (text, "139****0003"));
  assert_inside_margins (pdf);
}

/* Pinned up in public, a schedule shows no resident's number, even when
 * the centre prints it. */
static void
test_schedule_for_notice_board (WdFixture     *fx,
                                gconstpointer  data)
{
  WdScheduleRange range = { .from = fx->t0, .to = fx->t0 + 9 * WD_DAY, .for_notice_board = TRUE };
  g_autofree char *pdf = pdf_path (fx, "notice.pdf");
  g_autoptr(WdScheduleDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  create_events (fx, 5);
  document = wd_schedule_document_new (fx->store, &range, fx->centre, fx->t0, &error);
  g_assert_no_error (error);
  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  text = page_text (pdf, 1);
  g_assert_nonnull (strstr (text, "For the notice board"));
  g_assert_nonnull (strstr (text, "139****0003"));
  g_assert_null (strstr (text, "13912340003"));
}

static void
test_schedule_empty (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autoptr(WdScheduleDocument) document = week_schedule (fx, fx->centre);
  g_autofree char *pdf = pdf_path (fx, "empty.pdf");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  g_assert_cmpuint (pdf_pages (pdf, NULL, NULL), ==, 1);
  text = page_text (pdf, 1);
  g_assert_nonnull (strstr (text, "No events in this period."));
}

/* A PDF that cannot be written leaves what was there untouched. */
static void
test_pdf_write_failure (WdFixture     *fx,
                        gconstpointer  data)
{
  g_autoptr(WdScheduleDocument) document = week_schedule (fx, fx->centre);
  g_autofree char *missing = g_build_filename (fx->dir, "no-such-dir", "x.pdf", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), missing, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_sheets (WdFixture     *fx,
             gconstpointer  data)
{
  g_autofree char *first = wd_test_create_order (fx, 0);
  g_autofree char *second = wd_test_create_order (fx, 5);
  const char *ids[] = { first, second, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WdSheetDocument) document = wd_sheet_document_new (fx->store, ids, WD_SHEET_WORK | WD_SHEET_RATING,
                                                               fx->centre, &error);
  g_autofree char *pdf = pdf_path (fx, "sheets.pdf");
  g_autoptr(JsonObject) order = wd_store_get (fx->store, "order", second, NULL);
  g_autofree char *work = NULL;
  g_autofree char *form = NULL;

  g_assert_no_error (error);
  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  g_assert_cmpuint (pdf_pages (pdf, NULL, NULL), ==, 4);

  work = page_text (pdf, 3);
  g_assert_nonnull (strstr (work, "Volunteer service work sheet"));
  g_assert_nonnull (strstr (work, wd_json_text (order, "number")));
  g_assert_nonnull (strstr (work, "13912340000"));
  g_assert_nonnull (strstr (work, "Signature of the team or speaker"));
  form = page_text (pdf, 4);
  g_assert_nonnull (strstr (form, "Service rating form"));
  g_assert_nonnull (strstr (form, wd_json_text (order, "number")));
  g_assert_nonnull (strstr (form, "5 Very satisfied"));
  assert_inside_margins (pdf);
}

static void
test_sheets_unknown_order (WdFixture     *fx,
                           gconstpointer  data)
{
  const char *ids[] = { "no-such-order", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WdSheetDocument) document = wd_sheet_document_new (fx->store, ids, WD_SHEET_WORK, fx->centre, &error);

  g_assert_null (document);
  g_assert_error (error, WD_ERROR, WD_ERROR_NOT_FOUND);
}

/* Takes an order through the loop to a rating of stars. */
static void
deliver_and_rate (WdFixture  *fx,
                  const char *order_id,
                  int         stars)
{
  g_autoptr(JsonObject) order = wd_store_get (fx->store, "order", order_id, NULL);
  gint64 after = wd_json_int (order, "ends_at") + WD_HOUR;
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"sp-wang\"}", order_id);
  g_autofree char *args = g_strdup_printf ("{\"order_id\":\"%s\"}", order_id);
  g_autofree char *deliver = g_strdup_printf ("{\"order_id\":\"%s\",\"audience\":50}", order_id);
  g_autofree char *rate = g_strdup_printf ("{\"order_id\":\"%s\",\"stars\":%d}", order_id, stars);
  g_autoptr(WdActor) wang = wd_test_speaker_actor ("sp-wang");

  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  json_object_unref (wd_test_apply_at (fx, wang, fx->t0 + 60, "order.accept", args));
  json_object_unref (wd_test_apply_at (fx, wang, after, "order.deliver", deliver));
  json_object_unref (wd_test_apply_at (fx, fx->office_a, after + 60, "order.rate", rate));
}

static void
test_monthly_report (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autofree char *first = wd_test_create_order (fx, 0);
  g_autofree char *second = wd_test_create_order (fx, 5);
  g_autofree char *third = wd_test_create_order (fx, 10);
  g_autofree char *month = NULL;
  g_autofree char *pdf = pdf_path (fx, "report.pdf");
  g_autoptr(WdReportDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  JsonObject *summary;
  guint n_pages;

  deliver_and_rate (fx, first, 5);
  deliver_and_rate (fx, second, 3);
  {
    g_autofree char *call = g_strdup_printf ("{\"order_id\":\"%s\",\"outcome\":\"satisfied\",\"satisfaction\":5}",
                                             first);
    g_autoptr(WdActor) admin = wd_actor_new ("zhao", WD_ROLE_CENTRE);

    json_object_unref (wd_test_apply_at (fx, admin, fx->t0 + 4 * WD_DAY, "order.callback", call));
  }
  month = wd_time_format_local (fx->t0 + 3 * WD_DAY, wd_store_get_time_zone (fx->store), "%Y-%m");
  document = wd_report_document_new (fx->store, month, fx->t0, &error);
  g_assert_no_error (error);

  summary = wd_report_document_get_summary (document);
  g_assert_cmpint (wd_json_int (summary, "orders"), ==, 3);
  g_assert_cmpint (wd_json_int (summary, "delivered"), ==, 2);
  g_assert_cmpint (wd_json_int (summary, "ratings"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary, "rating_average"), 4.0, 1e-9);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (summary, "stars"), 4), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (summary, "by_state"), "ordered"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (summary, "by_venue_kind"),
                                               "社区"), ==, 3);

  g_assert_true (wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error));
  n_pages = pdf_pages (pdf, NULL, NULL);
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = page_text (pdf, page);

      g_string_append (all, text);
    }
  g_assert_nonnull (strstr (all->str, "volunteer service report"));
  g_assert_nonnull (strstr (all->str, "Orders by state"));
  g_assert_nonnull (strstr (all->str, "Orders by kind of venue"));
  g_assert_nonnull (strstr (all->str, "Ratings by stars"));
  g_assert_nonnull (strstr (all->str, "Average rating"));
  g_assert_nonnull (strstr (all->str, "4.00"));
  g_assert_cmpint (wd_json_int (summary, "callbacks"), ==, 1);
  g_assert_nonnull (strstr (all->str, "Satisfied on callback"));
  g_assert_nonnull (strstr (all->str, "100%"));
  g_assert_nonnull (strstr (all->str, "千佛山街道"));
  assert_inside_margins (pdf);
}

static void
test_report_bad_month (WdFixture     *fx,
                       gconstpointer  data)
{
  const char *bad[] = { "2026-13", "2026-1", "November", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WdReportDocument) document = wd_report_document_new (fx->store, bad[i], fx->t0, &error);

      g_assert_null (document);
      g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "2026-11"));
    }
}

#define N_SERVICES 40

/* N_SERVICES lectures by 王芳, three hours apart from 2 December, each
 * delivered as planned (two hours) and titled by its number. */
static void
deliver_services (WdFixture *fx)
{
  for (guint i = 0; i < N_SERVICES; i++)
    {
      gint64 starts = fx->t0 + WD_DAY + (gint64) i * 3 * WD_HOUR;
      g_autofree char *json = g_strdup_printf (
          "{\"title\":\"宣讲第%03u场\",\"topic_id\":\"t-history\",\"subdistrict_id\":\"sd-a\","
          "\"venue\":\"党群服务中心\",\"venue_kind\":\"community\",\"starts_at\":%" G_GINT64_FORMAT ","
          "\"ends_at\":%" G_GINT64_FORMAT ",\"requester\":\"社区居委会\",\"contact_name\":\"刘洋\","
          "\"contact_phone\":\"13912340000\"}", i, starts, starts + 2 * WD_HOUR);
      g_autoptr(JsonObject) created = wd_test_apply (fx, fx->office_a, "order.create", json);
      const char *id = json_object_get_string_member (created, "id");
      g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                                   "\"assignee_id\":\"sp-wang\"}", id);
      g_autofree char *plain = g_strdup_printf ("{\"order_id\":\"%s\"}", id);

      json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
      json_object_unref (wd_test_apply (fx, fx->centre, "order.accept", plain));
      json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 10 * WD_DAY, "order.deliver", plain));
    }
}

static char *
issue_certificate (WdFixture *fx)
{
  g_autoptr(JsonObject) result = wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "certificate.issue",
                                                   "{\"holder_kind\":\"speaker\",\"holder_id\":\"sp-wang\","
                                                   "\"from\":\"2026-12-01\",\"to\":\"2026-12-12\","
                                                   "\"purpose\":\"年度评优\"}");

  return g_strdup (json_object_get_string_member (result, "id"));
}

/* What a person checks on a certificate: who, how much, for what, every
 * service listed once, the issuer and date closing it, all on the paper. */
static void
test_certificate (WdFixture     *fx,
                  gconstpointer  data)
{
  g_autofree char *pdf = pdf_path (fx, "certificate.pdf");
  g_autofree char *id = NULL;
  g_autoptr(WdCertificateDocument) document = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  guint pages;

  deliver_services (fx);
  id = issue_certificate (fx);
  document = wd_certificate_document_new (fx->store, "C2026-00001", &error);
  g_assert_no_error (error);
  wd_print_document_write_pdf (WD_PRINT_DOCUMENT (document), pdf, &error);
  g_assert_no_error (error);

  pages = pdf_pages (pdf, NULL, NULL);
  g_assert_cmpuint (pages, >=, 2);
  first = page_text (pdf, 1);
  g_assert_nonnull (strstr (first, "Volunteer Service Record Certificate"));
  g_assert_nonnull (strstr (first, "No. C2026-00001"));
  g_assert_nonnull (strstr (first, "王芳"));
  g_assert_nonnull (strstr (first, "40 volunteer services"));
  g_assert_nonnull (strstr (first, "2026-12-01 to 2026-12-12, 80.0"));
  g_assert_nonnull (strstr (first, "年度评优"));
  g_assert_null (strstr (first, "Issued by:"));
  last = page_text (pdf, pages);
  g_assert_nonnull (strstr (last, "Issued by:"));
  g_assert_nonnull (strstr (last, "centre-zhang"));
  g_assert_nonnull (strstr (last, "2026-12-13"));

  for (guint p = 1; p <= pages; p++)
    {
      g_autofree char *text = page_text (pdf, p);

      g_string_append (all, text);
    }
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autofree char *title = g_strdup_printf ("宣讲第%03u场", i);
      const char *at = strstr (all->str, title);

      g_assert_nonnull (at);
      g_assert_null (strstr (at + 1, title));
    }
  assert_inside_margins (pdf);
}

/* A paper must carry a number that checks out: none is printed while it
 * waits for one, nor once revoked, and no file is left behind. */
static void
test_certificate_refused (WdFixture     *fx,
                          gconstpointer  data)
{
  g_autofree char *pdf = pdf_path (fx, "refused.pdf");
  g_autofree char *id = NULL;
  g_autofree char *unnumbered = NULL;
  g_autofree char *revoke = NULL;
  g_autoptr(GError) revoked_error = NULL;
  g_autoptr(GError) waiting_error = NULL;
  g_autoptr(GError) missing_error = NULL;
  g_autoptr(WdCertificateDocument) revoked = NULL;
  g_autoptr(WdCertificateDocument) waiting = NULL;
  g_autoptr(WdCertificateDocument) missing = NULL;

  deliver_services (fx);
  id = issue_certificate (fx);
  revoke = g_strdup_printf ("{\"certificate_id\":\"%s\",\"reason\":\"期间填错\"}", id);
  json_object_unref (wd_test_apply_at (fx, fx->centre, fx->t0 + 12 * WD_DAY, "certificate.revoke", revoke));
  revoked = wd_certificate_document_new (fx->store, id, &revoked_error);
  g_assert_null (revoked);
  g_assert_error (revoked_error, WD_ERROR, WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (revoked_error->message, "期间填错"));

  wd_store_set_authoritative (fx->store, FALSE);
  unnumbered = issue_certificate (fx);
  waiting = wd_certificate_document_new (fx->store, unnumbered, &waiting_error);
  g_assert_null (waiting);
  g_assert_error (waiting_error, WD_ERROR, WD_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (waiting_error->message, "sync"));

  /* A record damaged in the store is said, not printed half. */
  {
    static const char * const damaged[] = { "[1, 2]", "not json", "{\"a\": 1}", "[{}, \"x\"]" };

    for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
      {
        g_autofree char *sql = g_strdup_printf ("UPDATE certificates SET record = '%s' WHERE id = '%s'",
                                                damaged[i], id);
        g_autoptr(GError) damaged_error = NULL;
        g_autoptr(WdCertificateDocument) document = NULL;

        g_assert_cmpint (sqlite3_exec (wd_store_get_db (fx->store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_exec (wd_store_get_db (fx->store), "UPDATE certificates SET revoked_at = NULL",
                                       NULL, NULL, NULL), ==, SQLITE_OK);
        document = wd_certificate_document_new (fx->store, id, &damaged_error);
        g_assert_null (document);
        g_assert_error (damaged_error, WD_ERROR, WD_ERROR_STORE);
        g_assert_nonnull (strstr (damaged_error->message, "damaged"));
      }
  }

  missing = wd_certificate_document_new (fx->store, "C2026-09999", &missing_error);
  g_assert_null (missing);
  g_assert_error (missing_error, WD_ERROR, WD_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/schedule/pages", WdFixture, NULL, wd_fixture_setup, test_schedule_pages, wd_fixture_teardown);
  g_test_add ("/schedule/landscape-masked", WdFixture, NULL, wd_fixture_setup,
              test_schedule_landscape_and_masking, wd_fixture_teardown);
  g_test_add ("/schedule/notice-board", WdFixture, NULL, wd_fixture_setup, test_schedule_for_notice_board,
              wd_fixture_teardown);
  g_test_add ("/schedule/empty", WdFixture, NULL, wd_fixture_setup, test_schedule_empty, wd_fixture_teardown);
  g_test_add ("/pdf/write-failure", WdFixture, NULL, wd_fixture_setup, test_pdf_write_failure, wd_fixture_teardown);
  g_test_add ("/sheets/work-and-rating", WdFixture, NULL, wd_fixture_setup, test_sheets, wd_fixture_teardown);
  g_test_add ("/sheets/unknown-order", WdFixture, NULL, wd_fixture_setup, test_sheets_unknown_order,
              wd_fixture_teardown);
  g_test_add ("/report/monthly", WdFixture, NULL, wd_fixture_setup, test_monthly_report, wd_fixture_teardown);
  g_test_add ("/report/bad-month", WdFixture, NULL, wd_fixture_setup, test_report_bad_month, wd_fixture_teardown);
  g_test_add ("/certificate/pages", WdFixture, NULL, wd_fixture_setup, test_certificate, wd_fixture_teardown);
  g_test_add ("/certificate/refused", WdFixture, NULL, wd_fixture_setup, test_certificate_refused,
              wd_fixture_teardown);

  return g_test_run ();
}
