/* wd-export.h: lists written out for other programs: CSV for Excel and
 * iCalendar for calendars. Phone numbers are masked as the reader's role
 * requires, as on screen. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-columns.h"
#include "wd-store.h"

G_BEGIN_DECLS

/* A CSV file is written as its header, then pages of rows. */
void   wd_export_csv_header (GString        *out,
                             const char     *kind);
void   wd_export_csv_rows   (GString        *out,
                             const char     *kind,
                             JsonArray      *rows,
                             WdNameCache    *names,
                             GTimeZone      *tz,
                             const WdActor  *reader);

/* A whole CSV file: the rows of kind with the given keys (as the views'
 * list models hold them), or with keys NULL every row of the catalogue. */
gboolean wd_export_csv      (GString        *out,
                             WdStore        *store,
                             const char     *kind,
                             GArray         *keys,
                             const WdActor  *reader,
                             GError        **error);

/* A whole CSV file of rows a view already holds. */
void     wd_export_csv_array (GString       *out,
                              WdStore       *store,
                              const char    *kind,
                              JsonArray     *rows,
                              const WdActor *reader);

/* An iCalendar file of the events of orders, named after the store's
 * district; now stamps it. */
char  *wd_export_ical       (WdStore        *store,
                             JsonArray      *orders,
                             const WdActor  *reader,
                             gint64          now);

G_END_DECLS
