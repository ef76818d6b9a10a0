/* wd-csv.h: CSV files as offices exchange them with Excel: RFC 4180
 * quoting, UTF-8 (with or without a byte-order mark), UTF-16 as Excel's
 * "Unicode text", and GB18030, which Excel writes on Chinese Windows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint   line;     /* where the record starts in the file, from 1 */
  GStrv   fields;
  guint   n_fields;
} WdCsvRecord;

void        wd_csv_record_free  (WdCsvRecord  *record);

/* The file's text as UTF-8; *encoding (if not NULL) names what it was. */
char       *wd_csv_decode       (GBytes       *bytes,
                                 const char  **encoding,
                                 GError      **error);
/* Records of UTF-8 text, blank lines left out. Fields are separated by
 * commas, or by tabs when the first line has tabs and no commas. */
GPtrArray  *wd_csv_parse        (const char   *text,
                                 GError      **error);

void        wd_csv_append_row   (GString            *out,
                                 const char * const *fields,
                                 guint               n_fields);
/* The bytes of a file Excel opens right: UTF-8 with a byte-order mark, or
 * GB18030 for older Excel. */
GBytes     *wd_csv_encode       (const char   *text,
                                 const char   *encoding,
                                 GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdCsvRecord, wd_csv_record_free)

G_END_DECLS
