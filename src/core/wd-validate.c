/* wd-validate.c: argument readers with messages that say what to fix. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-time.h"
#include "wd-validate.h"

static gboolean
has_forbidden_control (const char *value,
                       gboolean    multiline)
{
  for (const guchar *p = (const guchar *) value; *p; p++)
    {
      if (*p >= 0x20 && *p != 0x7f)
        continue;
      if (multiline && (*p == '\n' || *p == '\t' || *p == '\r'))
        continue;
      return TRUE;
    }
  return FALSE;
}

gboolean
wd_validate_text (const char  *field,
                  const char  *value,
                  WdArgFlags   flags,
                  guint        max_chars,
                  char       **clean,
                  GError     **error)
{
  g_autofree char *trimmed = NULL;
  glong n_chars;

  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL)
    value = "";

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: the text is not valid UTF-8; retype it or save the file as UTF-8"),
                   field);
      return FALSE;
    }

  if (has_forbidden_control (value, (flags & WD_ARG_MULTILINE) != 0))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   (flags & WD_ARG_MULTILINE)
                   ? _("%s: the text holds invisible control characters; remove them")
                   : _("%s: the text holds line breaks or control characters; keep it on one line"),
                   field);
      return FALSE;
    }

  trimmed = g_strstrip (g_strdup (value));

  if ((flags & WD_ARG_REQUIRED) && *trimmed == '\0')
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: this is required; fill it in"), field);
      return FALSE;
    }

  n_chars = g_utf8_strlen (trimmed, -1);
  if (max_chars > 0 && n_chars > (glong) max_chars)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: %ld characters is too long; shorten it to at most %u"),
                   field, n_chars, max_chars);
      return FALSE;
    }

  if (clean != NULL)
    *clean = g_steal_pointer (&trimmed);
  return TRUE;
}

gboolean
wd_validate_phone (const char  *field,
                   const char  *value,
                   char       **normalized,
                   GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean ok = FALSE;

  /* People write 138 1234 5678, 0531-86123456 or +86 138...; keep the digits
   * and the one hyphen after a landline's area code. */
  for (const char *p = value; p && *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p == ' ' || *p == '-' || *p == '(' || *p == ')' || (*p == '+' && p == value))
        continue;
      else
        {
          g_string_truncate (digits, 0);
          break;
        }
    }

  /* Only China's own country code makes sense for a district's phones. */
  if (value != NULL && value[0] == '+')
    {
      if (!g_str_has_prefix (digits->str, "86"))
        g_string_truncate (digits, 0);
      else
        g_string_erase (digits, 0, 2);
    }
  else if (digits->len == 13 && g_str_has_prefix (digits->str, "86"))
    g_string_erase (digits, 0, 2);

  if (digits->len == 11 && digits->str[0] == '1' && digits->str[1] >= '3')
    ok = TRUE;
  else if (digits->str[0] == '0' && digits->len >= 10 && digits->len <= 12)
    {
      /* Area codes are 3 digits for the big cities (010, 02x) and 4 elsewhere. */
      guint area = (digits->str[1] == '1' || digits->str[1] == '2') ? 3 : 4;
      g_string_insert_c (digits, area, '-');
      ok = TRUE;
    }
  else if (digits->len == 7 || digits->len == 8)
    ok = digits->str[0] != '0' && digits->str[0] != '1';

  if (!ok)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: “%s” is not a phone number; give an 11-digit mobile number "
                     "such as 13812345678 or a landline with its area code such as 0531-86123456"),
                   field, value ? value : "");
      return FALSE;
    }

  if (normalized != NULL)
    *normalized = g_string_free (g_steal_pointer (&digits), FALSE);
  return TRUE;
}

gboolean
wd_validate_id (const char  *field,
                const char  *value,
                GError     **error)
{
  gsize len = value ? strlen (value) : 0;

  if (len == 0 || len > WD_ID_MAX_CHARS)
    goto refuse;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (value[i]) && !strchr ("-_.:", value[i]))
      goto refuse;
  return TRUE;

refuse:
  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("%s: an identifier is 1 to %d letters, digits, “-”, “_”, “.” or “:”"),
               field, WD_ID_MAX_CHARS);
  return FALSE;
}

static gboolean
member_of_type (JsonObject  *args,
                const char  *field,
                WdArgFlags   flags,
                GType        value_type,
                const char  *expected,
                JsonNode   **node,
                GError     **error)
{
  JsonNode *member = json_object_get_member (args, field);

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    {
      if (flags & WD_ARG_REQUIRED)
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("%s: this is required; fill it in"), field);
          return FALSE;
        }
      *node = NULL;
      return TRUE;
    }

  if (value_type == JSON_TYPE_ARRAY ? !JSON_NODE_HOLDS_ARRAY (member)
      : (!JSON_NODE_HOLDS_VALUE (member)
         || (value_type != G_TYPE_INVALID && json_node_get_value_type (member) != value_type)))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: expected %s"), field, expected);
      return FALSE;
    }

  *node = member;
  return TRUE;
}

gboolean
wd_args_text (JsonObject  *args,
              const char  *field,
              WdArgFlags   flags,
              guint        max_chars,
              char       **out,
              GError     **error)
{
  JsonNode *node;

  if (!member_of_type (args, field, flags, G_TYPE_STRING, _("text"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  return wd_validate_text (field, json_node_get_string (node), flags, max_chars, out, error);
}

gboolean
wd_args_phone (JsonObject  *args,
               const char  *field,
               WdArgFlags   flags,
               char       **out,
               GError     **error)
{
  g_autofree char *text = NULL;

  if (!wd_args_text (args, field, flags, 32, &text, error))
    return FALSE;
  if (text == NULL || (*text == '\0' && !(flags & WD_ARG_REQUIRED)))
    return TRUE;
  return wd_validate_phone (field, text, out, error);
}

gboolean
wd_args_id (JsonObject  *args,
            const char  *field,
            WdArgFlags   flags,
            char       **out,
            GError     **error)
{
  JsonNode *node;
  const char *value;

  if (!member_of_type (args, field, flags, G_TYPE_STRING, _("an identifier (text)"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  value = json_node_get_string (node);
  if (*value == '\0' && !(flags & WD_ARG_REQUIRED))
    return TRUE;
  if (!wd_validate_id (field, value, error))
    return FALSE;
  if (out != NULL)
    *out = g_strdup (value);
  return TRUE;
}

gboolean
wd_args_int (JsonObject  *args,
             const char  *field,
             WdArgFlags   flags,
             gint64       min,
             gint64       max,
             gint64      *out,
             GError     **error)
{
  JsonNode *node;
  gint64 value;

  if (!member_of_type (args, field, flags, G_TYPE_INT64, _("a whole number"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: %lld is out of range; give a number from %lld to %lld"),
                   field, (long long) value, (long long) min, (long long) max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
wd_args_double (JsonObject  *args,
                const char  *field,
                WdArgFlags   flags,
                double       min,
                double       max,
                double      *out,
                GError     **error)
{
  JsonNode *node;
  double value;

  if (!member_of_type (args, field, flags, G_TYPE_INVALID, _("a number"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT, _("%s: expected %s"),
                   field, _("a number"));
      return FALSE;
    }

  if (!(value >= min && value <= max))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: %g is out of range; give a number from %g to %g"),
                   field, value, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
wd_args_bool (JsonObject  *args,
              const char  *field,
              gboolean    *out,
              GError     **error)
{
  JsonNode *node;

  if (!member_of_type (args, field, WD_ARG_OPTIONAL, G_TYPE_BOOLEAN, _("true or false"),
                       &node, error))
    return FALSE;
  if (node != NULL)
    *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
wd_args_time (JsonObject  *args,
              const char  *field,
              WdArgFlags   flags,
              GTimeZone   *tz,
              gint64      *out,
              GError     **error)
{
  JsonNode *node;

  if (!member_of_type (args, field, flags, G_TYPE_INVALID, _("a date and time"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  /* Seconds since the epoch travel between programs; people write ISO 8601. */
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 value = json_node_get_int (node);

      if (value < 946684800 || value > 4102444800)   /* 2000 .. 2100 */
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("%s: the time lies outside the years 2000 to 2099"), field);
          return FALSE;
        }
      *out = value;
      return TRUE;
    }

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (!wd_validate_text (field, text, WD_ARG_OPTIONAL, 64, NULL, error))
        return FALSE;
      if (!wd_time_parse (text, tz, out, error))
        {
          g_prefix_error (error, "%s: ", field);
          return FALSE;
        }
      return TRUE;
    }

  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT, _("%s: expected %s"),
               field, _("a date and time"));
  return FALSE;
}

gboolean
wd_args_id_list (JsonObject  *args,
                 const char  *field,
                 WdArgFlags   flags,
                 guint        max_items,
                 GPtrArray  **out,
                 GError     **error)
{
  JsonNode *node;
  JsonArray *array;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (!member_of_type (args, field, flags, JSON_TYPE_ARRAY, _("a list of identifiers"),
                       &node, error))
    return FALSE;
  if (node == NULL)
    {
      *out = g_steal_pointer (&ids);
      return TRUE;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_items)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: at most %u entries are allowed"), field, max_items);
      return FALSE;
    }
  if ((flags & WD_ARG_REQUIRED) && json_array_get_length (array) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("%s: choose at least one"), field);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *value;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("%s: expected %s"), field, _("a list of identifiers"));
          return FALSE;
        }
      value = json_node_get_string (item);
      if (!wd_validate_id (field, value, error))
        return FALSE;
      if (!g_ptr_array_find_with_equal_func (ids, value, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (value));
    }

  *out = g_steal_pointer (&ids);
  return TRUE;
}

static gboolean
flags_error (const char          *field,
             const char * const  *names,
             GError             **error)
{
  g_autofree char *list = g_strjoinv (", ", (char **) names);

  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("%s: expected a list of some of %s"), field, list);
  return FALSE;
}

/* A set of names from a short fixed list, kept as a bit mask: given as
 * the list of names, or as the mask itself (what a stored row holds). */
gboolean
wd_args_flags (JsonObject          *args,
               const char          *field,
               const char * const  *names,
               gint64              *out,
               GError             **error)
{
  JsonNode *node = json_object_get_member (args, field);
  guint n_names = g_strv_length ((char **) names);
  JsonArray *array;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return (*out >= 0 && *out < (1 << n_names)) || flags_error (field, names, error);
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return flags_error (field, names, error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      guint bit;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING
          || !g_strv_contains (names, json_node_get_string (item)))
        return flags_error (field, names, error);
      for (bit = 0; !g_str_equal (names[bit], json_node_get_string (item)); bit++)
        ;
      *out |= 1 << bit;
    }
  return TRUE;
}

gboolean
wd_args_only (JsonObject          *args,
              const char * const  *known,
              GError             **error)
{
  JsonObjectIter iter;
  const char *name;

  /* A misspelt field would otherwise be dropped without a word. */
  json_object_iter_init (&iter, args);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      if (!g_strv_contains (known, name))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) known);

          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a field of this operation; the fields are: %s"),
                       g_utf8_validate (name, -1, NULL) ? name : "?", list);
          return FALSE;
        }
    }
  return TRUE;
}

/* What kind of picture bytes hold, by their first bytes: "image/png" or
 * "image/jpeg", the two a speaker's photo may be; NULL for anything else. */
const char *
wd_picture_mime_type (const guchar *bytes,
                      gsize         length)
{
  static const guchar png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guchar jpeg[] = { 0xff, 0xd8, 0xff };

  if (length > sizeof png && memcmp (bytes, png, sizeof png) == 0)
    return "image/png";
  if (length > sizeof jpeg && memcmp (bytes, jpeg, sizeof jpeg) == 0)
    return "image/jpeg";
  return NULL;
}
