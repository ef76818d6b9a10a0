/* wd-schedule-document.h: the event schedule of a period, for notice
 * boards and meetings: a title block, then a table by day. */
#pragma once

#include "wd-actor.h"
#include "wd-print-document.h"
#include "wd-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64      from;             /* events starting in [from, to) */
  gint64      to;
  const char *subdistrict_id;   /* NULL: every sub-district */
  const char *venue_kind;       /* NULL: every kind of venue */
  gboolean    for_notice_board; /* every phone number masked, whoever prints */
} WdScheduleRange;

/* The orders a schedule of range shows: its live events. */
WdOrderFilter wd_schedule_range_filter (const WdScheduleRange *range);

#define WD_TYPE_SCHEDULE_DOCUMENT (wd_schedule_document_get_type ())

G_DECLARE_FINAL_TYPE (WdScheduleDocument, wd_schedule_document, WD, SCHEDULE_DOCUMENT, WdPrintDocument)

/* Reads the events at once (call it off the UI thread); phone numbers are
 * masked as reader's role requires, and now is the print date shown. */
WdScheduleDocument *wd_schedule_document_new          (WdStore                *store,
                                                       const WdScheduleRange  *range,
                                                       const WdActor          *reader,
                                                       gint64                  now,
                                                       GError                **error);
guint               wd_schedule_document_get_n_events (WdScheduleDocument     *self);

G_END_DECLS
