/* wd-import.h: importing speakers, teams and projects from a CSV file.
 * Every row becomes an upsert operation; a dry run applies them all and
 * rolls back, so it finds exactly the errors the import would meet, and
 * the import itself commits only when every row went in. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-store.h"

G_BEGIN_DECLS

#define WD_TYPE_IMPORT (wd_import_get_type ())

G_DECLARE_FINAL_TYPE (WdImport, wd_import, WD, IMPORT, GObject)

typedef enum
{
  WD_IMPORT_CREATE,
  WD_IMPORT_UPDATE,
  WD_IMPORT_UNCHANGED,
  WD_IMPORT_FAILED,
} WdImportAction;

typedef struct
{
  guint           line;
  WdImportAction  action;
  char           *label;    /* the row's name or title */
  char           *message;  /* FAILED: what to fix */
} WdImportRow;

/* Applies one operation the way the caller's store takes changes:
 * directly, or optimistically with the sync outbox. */
typedef gboolean (*WdImportApplyFunc) (const char  *kind,
                                       JsonObject  *args,
                                       gpointer     user_data,
                                       GError     **error);

WdImport   *wd_import_new          (WdStore           *store,
                                    const char        *kind,
                                    GError           **error);
/* Reads header as member, whatever the header says, or leaves the column
 * out when member is NULL or empty; before load. */
gboolean    wd_import_map          (WdImport          *self,
                                    const char        *header,
                                    const char        *member,
                                    GError           **error);
gboolean    wd_import_load         (WdImport          *self,
                                    GBytes            *contents,
                                    GError           **error);
const char *wd_import_get_kind     (WdImport          *self);
const char *wd_import_get_encoding (WdImport          *self);
/* The file's columns, and the field each is read as (NULL: left out). */
guint       wd_import_get_n_columns (WdImport          *self);
const char *wd_import_get_header   (WdImport          *self,
                                    guint              column);
const char *wd_import_get_member   (WdImport          *self,
                                    guint              column);
/* Headers of the file that no column takes. */
GStrv       wd_import_get_ignored  (WdImport          *self);
gboolean    wd_import_run          (WdImport          *self,
                                    gboolean           dry_run,
                                    WdImportApplyFunc  apply,
                                    gpointer           user_data,
                                    GError           **error);
/* The rows of the last run, in file order. */
GPtrArray  *wd_import_get_rows     (WdImport          *self);
guint       wd_import_count        (WdImport          *self,
                                    WdImportAction     action);

G_END_DECLS
