/* wd-sheet-document.h: paper for the service itself: a work sheet per
 * dispatched order for the team (what, where, when, whom to call, room for
 * the record of service and signatures) and a rating form numbered by the
 * order, so ratings gathered on paper can be typed in later. */
#pragma once

#include "wd-actor.h"
#include "wd-print-document.h"
#include "wd-store.h"

G_BEGIN_DECLS

typedef enum
{
  WD_SHEET_WORK = 1 << 0,
  WD_SHEET_RATING = 1 << 1,
} WdSheetKinds;

#define WD_TYPE_SHEET_DOCUMENT (wd_sheet_document_get_type ())

G_DECLARE_FINAL_TYPE (WdSheetDocument, wd_sheet_document, WD, SHEET_DOCUMENT, WdPrintDocument)

/* One page of each kind for every order, in the order given. */
WdSheetDocument *wd_sheet_document_new (WdStore             *store,
                                        const char * const  *order_ids,
                                        WdSheetKinds         kinds,
                                        const WdActor       *reader,
                                        GError             **error);

G_END_DECLS
