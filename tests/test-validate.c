/* test-validate.c: the field readers: phone numbers, text, times, dates,
 * identifiers and JSON types, each refusal naming what to fix. */
#include "config.h"

#include "wd-error.h"
#include "wd-json.h"
#include "wd-time.h"
#include "wd-validate.h"

static void
test_phone (void)
{
  static const struct { const char *in; const char *out; } good[] = {
    { "13812345678", "13812345678" },
    { "138 1234 5678", "13812345678" },
    { "+86 138-1234-5678", "13812345678" },
    { "0531-86123456", "0531-86123456" },
    { "053186123456", "0531-86123456" },
    { "(010) 12345678", "010-12345678" },
    { "86123456", "86123456" },
  };
  static const char * const bad[] = {
    "", "12345678901", "1381234567", "138123456789", "abc", "138-1234-567x", "0531", "+1 415 555 0100",
    "13812345678; DROP",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *normalized = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (wd_validate_phone ("phone", good[i].in, &normalized, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (wd_validate_phone ("contact_phone", bad[i], NULL, &error));
      g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "contact_phone"));
      g_assert_nonnull (strstr (error->message, "13812345678"));
    }
}

static void
test_text (void)
{
  g_autoptr(GString) thirty_two = g_string_new (NULL);
  g_autofree char *clean = NULL;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 32; i++)
    g_string_append (thirty_two, "王");
  /* Length counts characters, not bytes. */
  g_assert_true (wd_validate_text ("name", thirty_two->str, WD_ARG_REQUIRED, 32, &clean, &error));
  g_string_append (thirty_two, "王");
  g_assert_false (wd_validate_text ("name", thirty_two->str, WD_ARG_REQUIRED, 32, NULL, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "33"));
  g_assert_nonnull (strstr (error->message, "32"));
  g_clear_error (&error);

  g_assert_false (wd_validate_text ("name", "王\n芳", WD_ARG_REQUIRED, 32, NULL, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (wd_validate_text ("bio", "第一行\n第二行", WD_ARG_MULTILINE, 100, NULL, &error));
  g_assert_false (wd_validate_text ("bio", "bell\a", WD_ARG_MULTILINE, 100, NULL, &error));
  g_clear_error (&error);
  g_assert_false (wd_validate_text ("bio", "\xe7\x8e", WD_ARG_MULTILINE, 100, NULL, &error));
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_clear_error (&error);
  g_assert_false (wd_validate_text ("name", "   ", WD_ARG_REQUIRED, 32, NULL, &error));
  g_assert_nonnull (strstr (error->message, "required"));
}

static void
test_times (void)
{
  g_autoptr(GTimeZone) tz = wd_time_zone_new ("Asia/Shanghai");
  static const char * const same[] = {
    "2026-12-01T09:30", "2026-12-01 09:30", "2026-12-01T09:30:00", "2026-12-01T09:30+08:00",
    "2026-12-01T01:30Z", "2026-12-01T02:30+0100",
  };
  static const char * const bad[] = {
    "2026-02-30T09:00", "2026-13-01T09:00", "2026-12-01T24:00", "2026-12-01T09:60", "tomorrow",
    "2026-W49-2", "2026-12-01", "2026-12-01T09", "", "2026-12-01T09:30 ", "２０２６-12-01T09:30",
  };
  gint64 expected = 0;

  g_assert_true (wd_time_parse (same[0], tz, &expected, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      gint64 t = 0;
      g_autoptr(GError) error = NULL;

      g_assert_true (wd_time_parse (same[i], tz, &t, &error));
      g_assert_no_error (error);
      g_assert_cmpint (t, ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 t = 0;
      g_autoptr(GError) error = NULL;

      g_assert_false (wd_time_parse (bad[i], tz, &t, &error));
      g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "2026-12-01T09:30"));
    }

  {
    g_autofree char *local = wd_time_format_local (expected, tz, NULL);
    g_autofree char *iso = wd_time_format_iso (expected);

    g_assert_cmpstr (local, ==, "2026-12-01 09:30");
    g_assert_cmpstr (iso, ==, "2026-12-01T01:30:00Z");
    g_assert_cmpint (wd_time_day_start (expected, tz), ==, expected - 9 * 3600 - 1800);
  }

  /* 2026-12-01 is a Tuesday: its week began on Monday 30 November; a
   * Sunday belongs to the week before the next Monday. */
  {
    gint64 monday = expected - 9 * 3600 - 1800 - 86400;
    gint64 sunday = 0;

    g_assert_cmpint (wd_time_week_start (expected, tz, 0), ==, monday);
    g_assert_cmpint (wd_time_week_start (expected, tz, 1), ==, monday + 7 * 86400);
    g_assert_true (wd_time_parse ("2026-12-06T23:59", tz, &sunday, NULL));
    g_assert_cmpint (wd_time_week_start (sunday, tz, 0), ==, monday);
    g_assert_cmpint (wd_time_week_start (monday, tz, 0), ==, monday);
  }

  {
    g_autofree char *day = wd_time_format_day (expected, tz);

    g_assert_cmpstr (day, ==, "Tuesday, December 1");
  }
}

static void
test_dates (void)
{
  g_autoptr(GTimeZone) tz = wd_time_zone_new (NULL);
  gint64 t;
  g_autoptr(GError) error = NULL;

  g_assert_true (wd_date_parse ("2028-02-29", tz, &t, NULL));
  g_assert_false (wd_date_parse ("2026-02-29", tz, &t, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (wd_date_parse ("2026-12-1", tz, &t, &error));
  g_assert_nonnull (strstr (error->message, "2026-12-01"));
}

static void
test_ids (void)
{
  g_autoptr(GString) long_id = g_string_new (NULL);
  static const char * const bad[] = { "", "a b", "王", "x/y", "a'b", "a\"b" };

  g_assert_true (wd_validate_id ("id", "abc-DEF_1.2:3", NULL));
  g_assert_true (wd_validate_id ("id", "0f6c5b54-6d1e-4a8e-9a55-5e3b0c7a1f20", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (wd_validate_id ("order_id", bad[i], &error));
      g_assert_nonnull (strstr (error->message, "order_id"));
    }
  for (int i = 0; i < 65; i++)
    g_string_append_c (long_id, 'a');
  g_assert_false (wd_validate_id ("id", long_id->str, NULL));
}

static void
test_json_types (void)
{
  g_autoptr(JsonObject) args = wd_json_parse_object ("{\"stars\":\"5\",\"audience\":1.5,\"hours\":2,"
                                                     "\"flag\":1,\"list\":\"t-x\"}", -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  gint64 i64 = 0;
  double d = 0;
  gboolean b = FALSE;

  g_assert_false (wd_args_int (args, "stars", WD_ARG_REQUIRED, 1, 5, &i64, &error));
  g_assert_nonnull (strstr (error->message, "whole number"));
  g_clear_error (&error);
  g_assert_false (wd_args_int (args, "audience", WD_ARG_REQUIRED, 0, 100, &i64, &error));
  g_clear_error (&error);
  g_assert_true (wd_args_double (args, "hours", WD_ARG_REQUIRED, 0, 24, &d, &error));
  g_assert_cmpfloat (d, ==, 2.0);
  g_assert_false (wd_args_bool (args, "flag", &b, &error));
  g_clear_error (&error);
  g_assert_false (wd_args_id_list (args, "list", WD_ARG_REQUIRED, 5, &ids, &error));
  g_clear_error (&error);
  g_assert_false (wd_args_int (args, "missing", WD_ARG_REQUIRED, 0, 1, &i64, &error));
  g_assert_nonnull (strstr (error->message, "missing"));
}

static void
test_json_decoder (void)
{
  static const char * const bad[] = {
    "", "{", "[1,2", "{\"a\":}", "{\"a\":\"x\\u0000y\"}", "{\"a\":\"\xff\"}", "nul", "{\"a\":1}}",
  };
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ok = NULL;
  g_autoptr(JsonNode) escaped = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(JsonNode) node = wd_json_parse (bad[i], -1, &e);

      g_assert_null (node);
      g_assert_error (e, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
    }

  /* Deep enough to crash json-glib's recursive parser. */
  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  g_assert_null (wd_json_parse (deep->str, deep->len, &error));
  g_assert_nonnull (strstr (error->message, "32"));
  g_clear_error (&error);

  /* A NUL byte within the given length is refused too. */
  g_assert_null (wd_json_parse ("{\"a\":\"x\0\"}", 10, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (wd_json_parse_object ("[1]", -1, &error));
  g_assert_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* An escaped backslash before u0000 is text, not a NUL. */
  escaped = wd_json_parse ("{\"a\":\"\\\\u0000\"}", -1, &error);
  g_assert_no_error (error);
  ok = wd_json_parse_object ("{\"a\":[[[[1]]]],\"b\":\"[{\"}", -1, &error);
  g_assert_no_error (error);
}

static void
test_json_writer (void)
{
  static const char * const texts[] = {
    "", "plain", "党史故事", "quote \" backslash \\ slash /", "line\nbreak\ttab\rreturn",
    "bell\a and \x01\x1f", "mixed 王\"芳\"\n", "\\u0000 stays text",
  };
  static const gint64 numbers[] = { 0, 7, -7, 1764288000, -1000000, G_MAXINT64, G_MININT64 };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GString) out = g_string_new ("{\"t\":");
      g_autoptr(JsonObject) back = NULL;
      g_autoptr(GError) error = NULL;

      wd_json_append_string (out, texts[i]);
      g_string_append_c (out, '}');
      back = wd_json_parse_object (out->str, (gssize) out->len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (back, "t"), ==, texts[i]);
    }

  /* Text with a known length may hold a NUL: written escaped, never cut. */
  {
    g_autoptr(GString) out = g_string_new (NULL);

    wd_json_append_string_len (out, "a\0b\"", 4);
    g_assert_cmpstr (out->str, ==, "\"a\\u0000b\\\"\"");
  }

  /* Appends past the string's allocation grow it, in every piece's size. */
  for (gsize length = 1; length < 600; length += 37)
    {
      g_autoptr(GString) out = g_string_sized_new (1);
      g_autofree char *text = g_strnfill (length, 'x');
      g_autofree char *expected = g_strdup_printf ("[\"%s\",%" G_GSIZE_FORMAT "]", text, length);

      wd_json_append_literal (out, "[");
      wd_json_append_string (out, text);
      wd_json_append_literal (out, ",");
      wd_json_append_int (out, (gint64) length);
      wd_json_append_literal (out, "]");
      g_assert_cmpstr (out->str, ==, expected);
      g_assert_cmpuint (out->len, ==, strlen (expected));
    }

  /* Integers, the extremes included, read back as the same numbers. */
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(GString) out = g_string_new ("{\"n\":");
      g_autoptr(JsonObject) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *printed = g_strdup_printf ("{\"n\":%" G_GINT64_FORMAT "}", numbers[i]);

      wd_json_append_int (out, numbers[i]);
      g_string_append_c (out, '}');
      g_assert_cmpstr (out->str, ==, printed);
      back = wd_json_parse_object (out->str, (gssize) out->len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (json_object_get_int_member (back, "n"), ==, numbers[i]);
    }
}

/* A stretch of time and a computer's clock, in words. */
static void
test_durations (void)
{
  g_autofree char *behind = wd_time_describe_clock_offset (2 * 3600 + 5 * 60 + 30);
  g_autofree char *ahead = wd_time_describe_clock_offset (-(26L * 365 * 24 * 3600));
  g_autofree char *minutes = wd_time_format_duration (12 * 60 + 59);
  g_autofree char *least = wd_time_format_duration (20);
  g_autofree char *hours = wd_time_format_duration (-(47 * 3600 + 59 * 60));
  g_autofree char *days = wd_time_format_duration (3 * 24 * 3600 + 4 * 3600);

  g_assert_null (wd_time_describe_clock_offset (4 * 60 + 59));
  g_assert_null (wd_time_describe_clock_offset (-(4 * 60 + 59)));
  g_assert_nonnull (strstr (behind, "clock is 2 hours behind the server's"));
  g_assert_nonnull (strstr (ahead, "clock is 9490 days ahead of the server's"));
  g_assert_cmpstr (minutes, ==, "12 minutes");
  g_assert_cmpstr (least, ==, "1 minute");
  g_assert_cmpstr (hours, ==, "47 hours");
  g_assert_cmpstr (days, ==, "3 days");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/json-writer", test_json_writer);
  g_test_add_func ("/validate/phone", test_phone);
  g_test_add_func ("/validate/text", test_text);
  g_test_add_func ("/validate/times", test_times);
  g_test_add_func ("/validate/durations", test_durations);
  g_test_add_func ("/validate/dates", test_dates);
  g_test_add_func ("/validate/ids", test_ids);
  g_test_add_func ("/validate/json-types", test_json_types);
  g_test_add_func ("/validate/json-decoder", test_json_decoder);

  return g_test_run ();
}
