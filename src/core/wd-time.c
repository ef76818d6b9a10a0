/* wd-time.c: parsing and formatting of instants in the district's zone. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-time.h"

GTimeZone *
wd_time_zone_new (const char *identifier)
{
  GTimeZone *tz = g_time_zone_new_identifier (identifier ? identifier : WD_DEFAULT_TIME_ZONE);

  /* A machine without tzdata still needs the district's offset. */
  if (tz == NULL)
    tz = g_time_zone_new_offset (8 * 3600);
  return tz;
}

/* Accepts what people write for an event: 2026-12-01T09:30 or
 * "2026-12-01 09:30", seconds optional, and an optional Z or ±hh:mm. GLib's
 * own ISO 8601 parser takes forms (week dates, no minutes) nobody means
 * here and refuses hh:mm without seconds, which everybody writes. */
gboolean
wd_time_parse (const char  *text,
               GTimeZone   *tz,
               gint64      *unix_time,
               GError     **error)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (tz != NULL, FALSE);

  regex = g_regex_new ("^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
                       "(Z|[+-][0-9]{2}:?[0-9]{2})?$", 0, 0, NULL);
  if (g_regex_match (regex, text, 0, &match))
    {
      int field[6] = { 0 };
      g_autofree char *offset = g_match_info_fetch (match, 7);

      for (int i = 0; i < 6; i++)
        {
          g_autofree char *digits = g_match_info_fetch (match, i + 1);

          field[i] = digits && *digits ? atoi (digits) : 0;
        }
      if (offset == NULL || *offset == '\0')
        zone = g_time_zone_ref (tz);
      else
        zone = g_time_zone_new_identifier (g_str_equal (offset, "Z") ? "UTC" : offset);
      if (zone != NULL)
        dt = g_date_time_new (zone, field[0], field[1], field[2], field[3], field[4], field[5]);
    }

  if (dt == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid date and time; write it as 2026-12-01T09:30 "
                     "(district time) or with an offset, as in 2026-12-01T09:30+08:00"),
                   text);
      return FALSE;
    }

  *unix_time = g_date_time_to_unix (dt);
  return TRUE;
}

gboolean
wd_date_parse (const char  *text,
               GTimeZone   *tz,
               gint64      *day_start,
               GError     **error)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  if (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text, 0, 0)
      && sscanf (text, "%d-%d-%d", &y, &m, &d) == 3)
    dt = g_date_time_new (tz, y, m, d, 0, 0, 0);

  if (dt == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid date; write it as 2026-12-01"), text);
      return FALSE;
    }

  *day_start = g_date_time_to_unix (dt);
  return TRUE;
}

/* "2026-11" → the instants the month starts and ends at, in tz. */
gboolean
wd_month_parse (const char  *text,
                GTimeZone   *tz,
                gint64      *from,
                gint64      *to,
                GError     **error)
{
  int y = 0, m = 0;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) next = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  if (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}$", text, 0, 0)
      && sscanf (text, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
    first = g_date_time_new (tz, y, m, 1, 0, 0, 0);
  if (first == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid month; write it as 2026-11"), text);
      return FALSE;
    }
  next = g_date_time_add_months (first, 1);
  *from = g_date_time_to_unix (first);
  *to = g_date_time_to_unix (next);
  return TRUE;
}

char *
wd_time_format_iso (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

char *
wd_time_format_local (gint64      unix_time,
                      GTimeZone  *tz,
                      const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, format ? format : "%Y-%m-%d %H:%M");
}

/* "12月5日 周六 09:00–11:00": the day once, both times. */
char *
wd_time_format_span (gint64     starts_at,
                     gint64     ends_at,
                     GTimeZone *tz)
{
  /* TRANSLATORS: strftime format of an event's day and start, see g_date_time_format() */
  g_autofree char *start = wd_time_format_local (starts_at, tz, _("%b %-d %a %H:%M"));
  g_autofree char *end = wd_time_format_local (ends_at, tz, "%H:%M");

  return g_strdup_printf ("%s–%s", start, end);
}

/* "3 hours", "5 days": a stretch of time in its largest whole unit
 * (days from two of them), at least a minute. */
char *
wd_time_format_duration (gint64 seconds)
{
  seconds = ABS (seconds);
  if (seconds >= 48 * 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", (gulong) (seconds / 86400)),
                            (int) MIN (seconds / 86400, G_MAXINT));
  if (seconds >= 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (gulong) (seconds / 3600)),
                            (int) (seconds / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                       (gulong) MAX (seconds / 60, 1)),
                          (int) MAX (seconds / 60, 1));
}

/* What a person should know of this computer's clock being offset
 * seconds behind the server's (ahead when negative), or NULL when it is
 * within five minutes: less than what a dispatcher would notice. */
char *
wd_time_describe_clock_offset (gint64 offset)
{
  g_autofree char *span = NULL;

  if (ABS (offset) < 5 * 60)
    return NULL;
  span = wd_time_format_duration (offset);
  if (offset > 0)
    return g_strdup_printf (_("This computer's clock is %s behind the server's. Times and deadlines are "
                              "shown by the server's clock; set this computer's clock right."), span);
  return g_strdup_printf (_("This computer's clock is %s ahead of the server's. Times and deadlines are "
                            "shown by the server's clock; set this computer's clock right."), span);
}

gint64
wd_time_day_start (gint64     unix_time,
                   GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) start = g_date_time_new (tz,
                                                g_date_time_get_year (local),
                                                g_date_time_get_month (local),
                                                g_date_time_get_day_of_month (local),
                                                0, 0, 0);

  return g_date_time_to_unix (start);
}

/* The start of the day weeks later than the Monday of unix_time's week:
 * weeks in China start on Monday. */
gint64
wd_time_week_start (gint64     unix_time,
                    GTimeZone *tz,
                    int        weeks_later)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) day = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                                              g_date_time_get_day_of_month (local), 0, 0, 0);
  g_autoptr(GDateTime) monday = g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day) + 7 * weeks_later);

  return g_date_time_to_unix (monday);
}

/* Midnight on the first of the month unix_time falls in, in tz, or of
 * a month as many later (or earlier, when negative). */
gint64
wd_time_month_start (gint64     unix_time,
                     GTimeZone *tz,
                     int        months_later)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  int months = g_date_time_get_year (local) * 12 + g_date_time_get_month (local) - 1 + months_later;
  g_autoptr(GDateTime) first = g_date_time_new (tz, months / 12, months % 12 + 1, 1, 0, 0, 0);

  return g_date_time_to_unix (first);
}

/* A day as a schedule heads it: "Tuesday, December 1", "12月1日 星期二".
 * The weekday comes from the catalogue, not from the C library's locale,
 * so it is in the language of the rest of the text whatever LC_TIME is. */
char *
wd_time_format_day (gint64     unix_time,
                    GTimeZone *tz)
{
  static const char * const weekdays[] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"),
  };
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  /* TRANSLATORS: a month and day in a schedule's day heading; strftime format */
  g_autofree char *date = g_date_time_format (local, _("%B %-d"));

  /* TRANSLATORS: a schedule's day heading: %1$s the weekday, %2$s the date */
  return g_strdup_printf (_("%1$s, %2$s"), _(weekdays[g_date_time_get_day_of_week (local) - 1]), date);
}

/* The first and last days (YYYY-MM-DD) of the period [from, to) that
 * whole days make: it ends before to, so its last day is the one before. */
void
wd_time_format_days (gint64      from,
                     gint64      to,
                     GTimeZone  *tz,
                     char      **first,
                     char      **last)
{
  *first = wd_time_format_local (from, tz, "%Y-%m-%d");
  *last = wd_time_format_local (to - 1, tz, "%Y-%m-%d");
}

/* A period given by its first and last days (YYYY-MM-DD, both included)
 * as [*from, *to); an error names the field, from or to, to correct. */
gboolean
wd_period_parse (const char  *first_day,
                 const char  *last_day,
                 GTimeZone   *tz,
                 gint64      *from,
                 gint64      *to,
                 GError     **error)
{
  if (!wd_date_parse (first_day, tz, from, error))
    {
      g_prefix_error (error, "from: ");
      return FALSE;
    }
  if (!wd_date_parse (last_day, tz, to, error))
    {
      g_prefix_error (error, "to: ");
      return FALSE;
    }
  *to = wd_time_day_start (*to + 36 * 3600, tz);
  if (*to <= *from)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("to: the period must end on or after the day it starts"));
      return FALSE;
    }
  return TRUE;
}
