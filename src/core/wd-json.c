/* wd-json.c: guarded JSON decoding and plain encoding. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-json.h"

/* One pass over the text, before json-glib sees it: nesting depth outside
 * strings, NUL bytes, and \u0000 escapes inside strings. */
static gboolean
precheck (const char  *data,
          gsize        length,
          GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\0')
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("The JSON holds a NUL byte at position %lu; send text only"),
                       (unsigned long) i);
          return FALSE;
        }

      if (in_string)
        {
          if (c == '\\' && i + 1 < length)
            {
              if (data[i + 1] == 'u' && i + 5 < length && strncmp (data + i + 2, "0000", 4) == 0)
                {
                  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                               _("The JSON holds a NUL character (\\u0000) in a text; remove it"));
                  return FALSE;
                }
              i++;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > WD_JSON_MAX_DEPTH)
            {
              g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                           _("The JSON is nested deeper than %d levels; flatten it"),
                           WD_JSON_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
wd_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length < 0)
    length = (gssize) strlen (data);
  if (!precheck (data, (gsize) length, error))
    return NULL;

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      /* json-glib may quote the offending bytes, valid UTF-8 or not. */
      g_autofree char *reason = g_utf8_make_valid (parse_error->message, -1);

      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("This is not valid JSON (%s); check quotes, commas and brackets"), reason);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT, _("The JSON is empty"));
      return NULL;
    }
  return json_node_copy (root);
}

JsonObject *
wd_json_parse_object (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonNode) root = wd_json_parse (data, length, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("Expected a JSON object such as {\"order_id\": \"…\"}"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static char *
node_to_string (JsonNode *node,
                gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

char *
wd_json_object_to_string (JsonObject *object,
                          gboolean    pretty)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return node_to_string (node, pretty);
}

char *
wd_json_array_to_string (JsonArray *array,
                         gboolean   pretty)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

  return node_to_string (node, pretty);
}

/* Bytes a JSON string cannot hold as they are: controls, quote and
 * backslash. A table, since the loop below runs over every byte of a
 * pull page's text. */
static const guint8 needs_escape[256] = {
  [0x00 ... 0x1f] = 1,
  ['"'] = 1,
  ['\\'] = 1,
};

/* Appends the length bytes at text as a JSON string (a NUL among them
 * is escaped like any control). For the few places that write large
 * JSON documents row by row (a pull page), where building a json-glib
 * tree first would cost more than the rest of the request. */
void
wd_json_append_string_len (GString    *out,
                           const char *text,
                           gsize       length)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *run = (const guchar *) text;
  const guchar *end = run + length;
  const guchar *p;

  wd_json_append_literal (out, "\"");
  for (p = run; p < end; p++)
    {
      const char *escape;

      if (G_LIKELY (!needs_escape[*p]))
        continue;

      /* Copy the plain stretch before this byte in one go. */
      wd_json_append_raw (out, (const char *) run, p - run);
      run = p + 1;
      switch (*p)
        {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        default:
          {
            char control[] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xf] };

            wd_json_append_raw (out, control, sizeof control);
          }
          continue;
        }
      wd_json_append_raw (out, escape, 2);
    }
  wd_json_append_raw (out, (const char *) run, p - run);
  wd_json_append_literal (out, "\"");
}

/* Appends text (NULL as "") as a JSON string. */
void
wd_json_append_string (GString    *out,
                       const char *text)
{
  text = text ? text : "";
  wd_json_append_string_len (out, text, strlen (text));
}

/* Appends value as a JSON number. A pull page writes a dozen integers
 * per change; through printf they were a tenth of reading the page. */
void
wd_json_append_int (GString *out,
                    gint64   value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';
  wd_json_append_raw (out, p, digits + sizeof digits - p);
}

/* A row's text member, "" when it is missing or SQL NULL: the views show
 * nothing rather than fail on a row from an older server. */
const char *
wd_json_text (JsonObject *object,
              const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

/* A row's integer member, 0 when it is missing or SQL NULL. */
gint64
wd_json_int (JsonObject *object,
             const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return 0;
}
