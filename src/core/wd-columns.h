/* wd-columns.h: the columns of each kind of row in exchanged files. One
 * table serves export and import, so a file Wudan writes reads back. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-store.h"

G_BEGIN_DECLS

typedef enum
{
  WD_COLUMN_TEXT,
  WD_COLUMN_PHONE,      /* masked unless the reader must call the number */
  WD_COLUMN_INT,
  WD_COLUMN_REAL,
  WD_COLUMN_BOOL,
  WD_COLUMN_TIME,       /* local "YYYY-MM-DD HH:MM" */
  WD_COLUMN_REF,        /* an id, written as the name of what it names */
  WD_COLUMN_REF_LIST,   /* ids, written as names joined by "、" */
  WD_COLUMN_STATE,      /* an order state, written as its label */
  WD_COLUMN_MONEY,      /* cents, written as yuan: 1275.00 */
  WD_COLUMN_ENTRY,      /* a fund ledger entry's kind, written as its label */
} WdColumnType;

typedef struct
{
  const char   *member;    /* the row member, and the operation argument */
  const char   *label;     /* msgid: the header written on export */
  WdColumnType  type;
  const char   *ref_kind;  /* REF, REF_LIST: the kind named */
  const char   *aliases;   /* other headers the importer knows, '|' between */
  gboolean      imported;  /* FALSE: written on export, not read back */
} WdColumn;

/* The columns of kind (speaker, team, project, order, fund_ledger), or
 * NULL. */
const WdColumn *wd_columns_for_kind    (const char      *kind,
                                        guint           *n_columns);
gboolean        wd_columns_importable  (const char      *kind);
const WdColumn *wd_column_for_header   (const char      *kind,
                                        const char      *header);

/* Turns ids into names for the cells of a file, reading each catalogue
 * once. */
typedef struct _WdNameCache WdNameCache;

WdNameCache    *wd_name_cache_new      (WdStore         *store);
const char     *wd_name_cache_lookup   (WdNameCache     *cache,
                                        const char      *kind,
                                        const char      *id);
void            wd_name_cache_free     (WdNameCache     *cache);

/* The text of one cell, as the reader may see it. */
char           *wd_column_format       (const WdColumn  *column,
                                        JsonObject      *row,
                                        WdNameCache     *names,
                                        GTimeZone       *tz,
                                        const WdActor   *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdNameCache, wd_name_cache_free)

G_END_DECLS
