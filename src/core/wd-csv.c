/* wd-csv.c: reading and writing CSV files. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-csv.h"
#include "wd-error.h"

#define UTF8_BOM "\xef\xbb\xbf"

void
wd_csv_record_free (WdCsvRecord *record)
{
  if (record == NULL)
    return;
  g_strfreev (record->fields);
  g_free (record);
}

static char *
convert_to_utf8 (const char  *data,
                 gsize        length,
                 const char  *from,
                 GError     **error)
{
  gsize written = 0;
  char *text = g_convert (data, length, "UTF-8", from, NULL, &written, NULL);

  if (text == NULL || memchr (text, '\0', written) != NULL)
    {
      g_free (text);
      return NULL;
    }
  return text;
}

/* Excel's CSV is GB18030 (code page 936) on Chinese Windows and UTF-8
 * with a byte-order mark when the user picks "CSV UTF-8"; text that is
 * valid UTF-8 is taken as such, since GB18030 text almost never is. */
char *
wd_csv_decode (GBytes      *bytes,
               const char **encoding,
               GError     **error)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  char *text;

  if (length >= 2 && ((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe))
    {
      text = convert_to_utf8 (data + 2, length - 2, "UTF-16LE", error);
      if (encoding)
        *encoding = "UTF-16";
    }
  else if (length >= 2 && ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff))
    {
      text = convert_to_utf8 (data + 2, length - 2, "UTF-16BE", error);
      if (encoding)
        *encoding = "UTF-16";
    }
  else if (length >= 3 && memcmp (data, UTF8_BOM, 3) == 0)
    {
      if (!g_utf8_validate_len (data + 3, length - 3, NULL))
        text = NULL;
      else
        text = g_strndup (data + 3, length - 3);
      if (encoding)
        *encoding = "UTF-8";
    }
  else if (g_utf8_validate_len (data, length, NULL))
    {
      text = g_strndup (data, length);
      if (encoding)
        *encoding = "UTF-8";
    }
  else
    {
      text = convert_to_utf8 (data, length, "GB18030", error);
      if (encoding)
        *encoding = "GB18030";
    }

  if (text == NULL)
    g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                 _("The file is neither UTF-8 nor GB18030 text; save it from Excel as "
                   "“CSV UTF-8” or “CSV (comma delimited)”"));
  return text;
}

static char
guess_separator (const char *text)
{
  const char *end = strpbrk (text, "\r\n");
  gsize length = end ? (gsize) (end - text) : strlen (text);

  if (memchr (text, '\t', length) != NULL && memchr (text, ',', length) == NULL)
    return '\t';
  return ',';
}

typedef struct
{
  const char *p;
  guint       line;
  char        separator;
} Cursor;

/* Consumes one line break (\r\n, \n or \r) if there is one at p. */
static gboolean
take_line_break (Cursor *c)
{
  if (*c->p == '\r')
    {
      c->p += c->p[1] == '\n' ? 2 : 1;
      c->line++;
      return TRUE;
    }
  if (*c->p == '\n')
    {
      c->p++;
      c->line++;
      return TRUE;
    }
  return FALSE;
}

static char *
read_quoted (Cursor  *c,
             guint    record_line,
             GError **error)
{
  g_autoptr(GString) field = g_string_new (NULL);

  c->p++;
  for (;;)
    {
      if (*c->p == '\0')
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("line %u: a quoted field is never closed; check its quotation marks"),
                       record_line);
          return NULL;
        }
      if (*c->p == '"' && c->p[1] == '"')
        {
          g_string_append_c (field, '"');
          c->p += 2;
        }
      else if (*c->p == '"')
        {
          c->p++;
          break;
        }
      else if (take_line_break (c))
        g_string_append_c (field, '\n');
      else
        g_string_append_c (field, *c->p++);
    }

  if (*c->p != c->separator && *c->p != '\0' && *c->p != '\r' && *c->p != '\n')
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("line %u: text follows a closing quotation mark; inside a quoted field "
                     "write a quotation mark twice"), c->line);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&field), FALSE);
}

static char *
read_plain (Cursor *c)
{
  const char *start = c->p;

  while (*c->p != '\0' && *c->p != c->separator && *c->p != '\r' && *c->p != '\n')
    c->p++;
  return g_strndup (start, c->p - start);
}

static gboolean
record_is_blank (GPtrArray *fields)
{
  return fields->len == 1 && *(char *) g_ptr_array_index (fields, 0) == '\0';
}

GPtrArray *
wd_csv_parse (const char  *text,
              GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_csv_record_free);
  Cursor c = { text, 1, guess_separator (text) };

  while (*c.p != '\0')
    {
      g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
      guint record_line = c.line;

      for (;;)
        {
          char *field = *c.p == '"' ? read_quoted (&c, record_line, error) : read_plain (&c);

          if (field == NULL)
            return NULL;
          g_ptr_array_add (fields, field);
          if (*c.p != c.separator)
            break;
          c.p++;
        }
      take_line_break (&c);

      if (!record_is_blank (fields))
        {
          WdCsvRecord *record = g_new0 (WdCsvRecord, 1);

          record->line = record_line;
          record->n_fields = fields->len;
          g_ptr_array_add (fields, NULL);
          record->fields = (GStrv) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
          g_ptr_array_add (records, record);
        }
    }
  return g_steal_pointer (&records);
}

/* A cell that starts with = + - or @ is a formula to Excel: such text is
 * written behind an apostrophe, which Excel hides and the importer drops. */
static gboolean
looks_like_formula (const char *field)
{
  char *end = NULL;

  if (field[0] == '\0' || strchr ("=+-@", field[0]) == NULL)
    return FALSE;
  g_ascii_strtod (field, &end);
  return end == field || *end != '\0';
}

void
wd_csv_append_row (GString            *out,
                   const char * const *fields,
                   guint               n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      const char *field = fields[i] ? fields[i] : "";
      gboolean formula = looks_like_formula (field);

      if (i > 0)
        g_string_append_c (out, ',');
      if (formula || strpbrk (field, ",\"\r\n") != NULL)
        {
          g_string_append_c (out, '"');
          if (formula)
            g_string_append_c (out, '\'');
          for (const char *p = field; *p; p++)
            {
              if (*p == '"')
                g_string_append_c (out, '"');
              g_string_append_c (out, *p);
            }
          g_string_append_c (out, '"');
        }
      else
        g_string_append (out, field);
    }
  g_string_append (out, "\r\n");
}

GBytes *
wd_csv_encode (const char  *text,
               const char  *encoding,
               GError     **error)
{
  gsize written = 0;
  char *converted;

  if (encoding == NULL || g_ascii_strcasecmp (encoding, "UTF-8") == 0)
    return g_bytes_new_take (g_strconcat (UTF8_BOM, text, NULL), strlen (text) + 3);

  if (g_ascii_strcasecmp (encoding, "GB18030") != 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("Unknown encoding “%s”: use UTF-8 or GB18030"), encoding);
      return NULL;
    }
  converted = g_convert (text, -1, "GB18030", "UTF-8", NULL, &written, error);
  if (converted == NULL)
    return NULL;
  return g_bytes_new_take (converted, written);
}
