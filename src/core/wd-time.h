/* wd-time.h: instants are stored as UTC seconds and shown in the
 * district's time zone; this is where the two meet. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WD_DEFAULT_TIME_ZONE "Asia/Shanghai"

GTimeZone *wd_time_zone_new         (const char  *identifier);
gboolean   wd_time_parse            (const char  *text,
                                     GTimeZone   *tz,
                                     gint64      *unix_time,
                                     GError     **error);
gboolean   wd_date_parse            (const char  *text,
                                     GTimeZone   *tz,
                                     gint64      *day_start,
                                     GError     **error);
gboolean   wd_period_parse          (const char  *first_day,
                                     const char  *last_day,
                                     GTimeZone   *tz,
                                     gint64      *from,
                                     gint64      *to,
                                     GError     **error);
gboolean   wd_month_parse           (const char  *text,
                                     GTimeZone   *tz,
                                     gint64      *from,
                                     gint64      *to,
                                     GError     **error);
char      *wd_time_format_iso       (gint64       unix_time);
char      *wd_time_format_local     (gint64       unix_time,
                                     GTimeZone   *tz,
                                     const char  *format);
char      *wd_time_format_span      (gint64       starts_at,
                                     gint64       ends_at,
                                     GTimeZone   *tz);
char      *wd_time_format_duration  (gint64       seconds);
char      *wd_time_describe_clock_offset (gint64  offset);
char      *wd_time_format_day       (gint64       unix_time,
                                     GTimeZone   *tz);
void       wd_time_format_days      (gint64       from,
                                     gint64       to,
                                     GTimeZone   *tz,
                                     char       **first,
                                     char       **last);
gint64     wd_time_day_start        (gint64       unix_time,
                                     GTimeZone   *tz);
gint64     wd_time_week_start       (gint64       unix_time,
                                     GTimeZone   *tz,
                                     int          weeks_later);
gint64     wd_time_month_start      (gint64       unix_time,
                                     GTimeZone   *tz,
                                     int          months_later);

G_END_DECLS
