/* wd-text-table.c: column alignment by display width, for the command lines. */
#include "config.h"

#include <stdio.h>

#include "wd-text-table.h"

#define MAX_CELL_WIDTH 40

struct _WdTextTable
{
  guint      n_columns;
  GPtrArray *rows;      /* of GStrv */
};

guint
wd_text_display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

/* Cuts text to at most max display columns, marking the cut with "…". */
static char *
clip (const char *text,
      guint       max)
{
  GString *out = g_string_new (NULL);
  guint width = 0;

  for (const char *p = text ? text : ""; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint w = g_unichar_iswide (c) ? 2 : 1;

      if (c == '\n' || c == '\t')
        c = ' ';
      if (width + w > max - 1 && *g_utf8_next_char (p) != '\0')
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, c);
      width += w;
    }
  return g_string_free (out, FALSE);
}

static void
add_row (WdTextTable *table,
         va_list     args)
{
  char **row = g_new0 (char *, table->n_columns + 1);

  for (guint i = 0; i < table->n_columns; i++)
    row[i] = clip (va_arg (args, const char *), MAX_CELL_WIDTH);
  g_ptr_array_add (table->rows, row);
}

WdTextTable *
wd_text_table_new (guint n_columns,
                  ...)
{
  WdTextTable *table = g_new0 (WdTextTable, 1);
  va_list args;

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  va_start (args, n_columns);
  add_row (table, args);
  va_end (args);
  return table;
}

void
wd_text_table_add (WdTextTable *table,
                  ...)
{
  va_list args;

  va_start (args, table);
  add_row (table, args);
  va_end (args);
}

void
wd_text_table_print (WdTextTable *table)
{
  g_autofree guint *widths = g_new0 (guint, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], wd_text_display_width (row[c]));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        {
          gboolean last = c + 1 == table->n_columns;

          fputs (row[c], stdout);
          if (!last)
            for (guint pad = wd_text_display_width (row[c]); pad < widths[c] + 2; pad++)
              fputc (' ', stdout);
        }
      fputc ('\n', stdout);
    }
}

void
wd_text_table_free (WdTextTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table);
}
