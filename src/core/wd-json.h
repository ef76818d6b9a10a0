/* wd-json.h: reading JSON from outside (command lines, files, the
 * network) safely, and writing it. json-glib alone silently cuts strings
 * at an escaped NUL and overflows the stack on absurd nesting, so every
 * outside JSON enters through here. */
#pragma once

#include <json-glib/json-glib.h>
#include <string.h>

G_BEGIN_DECLS

#define WD_JSON_MAX_DEPTH 32

JsonNode   *wd_json_parse             (const char  *data,
                                       gssize       length,
                                       GError     **error);
JsonObject *wd_json_parse_object      (const char  *data,
                                       gssize       length,
                                       GError     **error);
char       *wd_json_object_to_string  (JsonObject  *object,
                                       gboolean     pretty);
char       *wd_json_array_to_string   (JsonArray   *array,
                                       gboolean     pretty);

const char *wd_json_text              (JsonObject  *object,
                                        const char  *member);
gint64      wd_json_int               (JsonObject  *object,
                                        const char  *member);
void        wd_json_append_string     (GString     *out,
                                       const char  *text);
void        wd_json_append_string_len (GString     *out,
                                       const char  *text,
                                       gsize        length);
void        wd_json_append_int        (GString     *out,
                                       gint64       value);

/* Appends n bytes. GLib 2.74's g_string_append_len is a call through
 * g_string_insert_len and its checks; a pull page appends thousands of
 * small pieces to a string sized for the page at once, so the common
 * case is copied here directly. */
static inline void
wd_json_append_raw (GString    *out,
                    const char *bytes,
                    gsize       n)
{
  if (G_LIKELY (out->len + n < out->allocated_len))
    {
      memcpy (out->str + out->len, bytes, n);
      out->len += n;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, bytes, (gssize) n);
}

#define wd_json_append_literal(out, literal) \
  wd_json_append_raw ((out), "" literal, sizeof (literal) - 1)

G_END_DECLS
