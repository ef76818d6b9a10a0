/* wd-export.c: CSV and iCalendar export. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-csv.h"
#include "wd-export.h"
#include "wd-json.h"
#include "wd-time.h"
#include "wd-types.h"

void
wd_export_csv_header (GString    *out,
                      const char *kind)
{
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (kind, &n);
  g_autofree const char **labels = g_new0 (const char *, n + 1);

  g_return_if_fail (columns != NULL);

  for (guint i = 0; i < n; i++)
    labels[i] = _(columns[i].label);
  wd_csv_append_row (out, labels, n);
}

void
wd_export_csv_rows (GString       *out,
                    const char    *kind,
                    JsonArray     *rows,
                    WdNameCache   *names,
                    GTimeZone     *tz,
                    const WdActor *reader)
{
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (kind, &n);
  g_auto(GStrv) cells = g_new0 (char *, n + 1);

  g_return_if_fail (columns != NULL);

  for (guint r = 0; r < json_array_get_length (rows); r++)
    {
      JsonObject *row = json_array_get_object_element (rows, r);

      for (guint i = 0; i < n; i++)
        {
          g_free (cells[i]);
          cells[i] = wd_column_format (&columns[i], row, names, tz, reader);
        }
      wd_csv_append_row (out, (const char * const *) cells, n);
    }
}

void
wd_export_csv_array (GString       *out,
                     WdStore       *store,
                     const char    *kind,
                     JsonArray     *rows,
                     const WdActor *reader)
{
  g_autoptr(WdNameCache) names = wd_name_cache_new (store);

  wd_export_csv_header (out, kind);
  wd_export_csv_rows (out, kind, rows, names, wd_store_get_time_zone (store), reader);
}

#define EXPORT_PAGE 500

static GArray *
all_keys (WdStore     *store,
          const char  *kind,
          GError     **error)
{
  if (g_str_equal (kind, "speaker"))
    return wd_store_speaker_keys (store, NULL, NULL, error);
  if (g_str_equal (kind, "project"))
    return wd_store_project_keys (store, NULL, NULL, error);
  return wd_store_order_keys (store, NULL, NULL, error);
}

gboolean
wd_export_csv (GString        *out,
               WdStore        *store,
               const char     *kind,
               GArray         *keys,
               const WdActor  *reader,
               GError        **error)
{
  g_autoptr(WdNameCache) names = wd_name_cache_new (store);
  g_autoptr(GArray) every = NULL;
  GTimeZone *tz = wd_store_get_time_zone (store);

  /* Teams have no view of their own: the plain rows hold all they have. */
  if (g_str_equal (kind, "team"))
    {
      g_autoptr(JsonArray) rows = wd_store_list_all (store, kind, error);

      if (rows == NULL)
        return FALSE;
      wd_export_csv_array (out, store, kind, rows, reader);
      return TRUE;
    }

  if (keys == NULL)
    keys = every = all_keys (store, kind, error);
  if (keys == NULL)
    return FALSE;
  wd_export_csv_header (out, kind);
  for (guint i = 0; i < keys->len; i += EXPORT_PAGE)
    {
      g_autoptr(JsonArray) rows = wd_store_get_rows (store, kind, &g_array_index (keys, gint64, i),
                                                     MIN (EXPORT_PAGE, keys->len - i), error);

      if (rows == NULL)
        return FALSE;
      wd_export_csv_rows (out, kind, rows, names, tz, reader);
    }
  return TRUE;
}

/* RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped. */
static void
append_ical_text (GString    *line,
                  const char *text)
{
  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '\\' || *p == ';' || *p == ',')
        g_string_append_c (line, '\\');
      if (*p == '\n')
        g_string_append (line, "\\n");
      else if (*p != '\r')
        g_string_append_c (line, *p);
    }
}

/* RFC 5545 3.1: lines longer than 75 octets continue on the next line
 * behind a space, never inside a UTF-8 sequence. */
static void
append_folded (GString    *out,
               const char *line)
{
  gsize width = 0;

  for (const char *p = line; *p; p = g_utf8_next_char (p))
    {
      gsize len = g_utf8_next_char (p) - p;

      if (width + len > 75)
        {
          g_string_append (out, "\r\n ");
          width = 1;
        }
      g_string_append_len (out, p, len);
      width += len;
    }
  g_string_append (out, "\r\n");
}

static void
append_property (GString    *out,
                 const char *name,
                 const char *text)
{
  g_autoptr(GString) line = g_string_new (name);

  g_string_append_c (line, ':');
  append_ical_text (line, text);
  append_folded (out, line->str);
}

static char *
ical_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (time, "%Y%m%dT%H%M%SZ");
}

static const char *
ical_status (const char *state)
{
  if (g_str_equal (state, "cancelled") || g_str_equal (state, "rejected"))
    return "CANCELLED";
  if (g_str_equal (state, "ordered") || g_str_equal (state, "dispatched"))
    return "TENTATIVE";
  return "CONFIRMED";
}

static void
append_event (GString       *out,
              JsonObject    *order,
              const WdActor *reader,
              const char    *stamp)
{
  g_autofree char *uid = g_strdup_printf ("%s@wudan", wd_json_text (order, "id"));
  g_autofree char *start = ical_time (wd_json_int (order, "starts_at"));
  g_autofree char *end = ical_time (wd_json_int (order, "ends_at"));
  const char *phone = wd_json_text (order, "contact_phone");
  g_autofree char *shown_phone = reader == NULL || wd_actor_sees_phones (reader, order)
                                 ? g_strdup (phone) : wd_mask_phone (phone);
  g_autofree char *location = g_strdup_printf ("%s（%s）%s", wd_json_text (order, "venue"),
                                               wd_json_text (order, "venue_kind_name"),
                                               wd_json_text (order, "subdistrict_name"));
  const char *assignee = wd_json_text (order, "assignee_name");
  g_autofree char *description = g_strdup_printf (_("Order %s\nRequested by %s\nContact: %s %s\nAssigned to: %s"),
                                                  wd_json_text (order, "number"),
                                                  wd_json_text (order, "requester"),
                                                  wd_json_text (order, "contact_name"), shown_phone,
                                                  *assignee ? assignee : _("not yet dispatched"));

  g_string_append (out, "BEGIN:VEVENT\r\n");
  append_property (out, "UID", uid);
  append_property (out, "DTSTAMP", stamp);
  append_property (out, "DTSTART", start);
  append_property (out, "DTEND", end);
  append_property (out, "SUMMARY", wd_json_text (order, "title"));
  append_property (out, "LOCATION", location);
  append_property (out, "DESCRIPTION", description);
  append_property (out, "STATUS", ical_status (wd_json_text (order, "state")));
  g_string_append (out, "END:VEVENT\r\n");
}

char *
wd_export_ical (WdStore       *store,
                JsonArray     *orders,
                const WdActor *reader,
                gint64         now)
{
  g_autofree char *district = wd_store_get_setting (store, "district_name");
  g_autofree char *calendar_name = g_strdup_printf (_("%s volunteer service events"), district ? district : "");
  GTimeZone *tz = wd_store_get_time_zone (store);
  g_autoptr(GString) out = g_string_new ("BEGIN:VCALENDAR\r\n"
                                         "VERSION:2.0\r\n"
                                         "PRODID:-//Wudan//Wudan " PACKAGE_VERSION "//ZH\r\n"
                                         "CALSCALE:GREGORIAN\r\n"
                                         "METHOD:PUBLISH\r\n");
  g_autofree char *stamp = ical_time (now);

  append_property (out, "X-WR-CALNAME", calendar_name);
  append_property (out, "X-WR-TIMEZONE", g_time_zone_get_identifier (tz));
  for (guint i = 0; i < json_array_get_length (orders); i++)
    append_event (out, json_array_get_object_element (orders, i), reader, stamp);
  g_string_append (out, "END:VCALENDAR\r\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
