/* wd-json.h: reading JSON from outside (command lines, files, the
 * network) safely, and writing it. json-glib alone silently cuts strings
 * at an escaped NUL and overflows the stack on absurd nesting, so every
 * outside JSON enters through here. */
#pragma once

#include <json-glib/json-glib.h>

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
void        wd_json_append_int        (GString     *out,
                                       gint64       value);

G_END_DECLS
