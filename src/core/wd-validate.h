/* wd-validate.h: reading operation arguments out of JSON. Each reader checks
 * one field and, when it refuses, says which field and what to write. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  WD_ARG_OPTIONAL = 0,
  WD_ARG_REQUIRED = 1 << 0,
  WD_ARG_MULTILINE = 1 << 1,   /* text may hold line breaks (bios, notes) */
} WdArgFlags;

#define WD_ID_MAX_CHARS 64

const char *wd_picture_mime_type (const guchar *bytes,
                                  gsize         length);

gboolean wd_validate_text   (const char  *field,
                             const char  *value,
                             WdArgFlags   flags,
                             guint        max_chars,
                             char       **clean,
                             GError     **error);
gboolean wd_validate_phone  (const char  *field,
                             const char  *value,
                             char       **normalized,
                             GError     **error);
gboolean wd_validate_id     (const char  *field,
                             const char  *value,
                             GError     **error);

gboolean wd_args_text       (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             guint        max_chars,
                             char       **out,
                             GError     **error);
gboolean wd_args_phone      (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             char       **out,
                             GError     **error);
gboolean wd_args_id         (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             char       **out,
                             GError     **error);
gboolean wd_args_int        (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             gint64       min,
                             gint64       max,
                             gint64      *out,
                             GError     **error);
gboolean wd_args_double     (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             double       min,
                             double       max,
                             double      *out,
                             GError     **error);
gboolean wd_args_bool       (JsonObject  *args,
                             const char  *field,
                             gboolean    *out,
                             GError     **error);
gboolean wd_args_time       (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             GTimeZone   *tz,
                             gint64      *out,
                             GError     **error);
gboolean wd_args_id_list    (JsonObject  *args,
                             const char  *field,
                             WdArgFlags   flags,
                             guint        max_items,
                             GPtrArray  **out,
                             GError     **error);
gboolean wd_args_flags      (JsonObject  *args,
                             const char  *field,
                             const char * const *names,
                             gint64      *out,
                             GError     **error);
gboolean wd_args_only       (JsonObject  *args,
                             const char * const *known,
                             GError     **error);

G_END_DECLS
