/* wd-tokenizer.c: the "wudan" FTS5 tokenizer.
 *
 * Chinese has no spaces and most search words are one or two characters
 * (王, 党史), below what a trigram index can find. So runs of CJK characters
 * and runs of digits are indexed as every single character plus every pair
 * of neighbours (the pair shares the position of its first character). A
 * query run of one character looks up the single; a longer run becomes the
 * phrase of its pairs, which matches exactly where the run is a substring.
 * Digits get the same treatment so a phone number's last four digits find
 * it. Latin letters form lower-cased words, searched by prefix. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-search-private.h"

typedef enum
{
  CLASS_SEPARATOR,
  CLASS_CJK,
  CLASS_DIGIT,
  CLASS_LETTER,
} CharClass;

#define MAX_WORD_BYTES 64

static CharClass
classify (gunichar *c)
{
  /* Full-width forms, as typed by Chinese input methods, count as ASCII. */
  if (*c >= 0xFF10 && *c <= 0xFF19)
    *c = '0' + (*c - 0xFF10);
  else if (*c >= 0xFF21 && *c <= 0xFF3A)
    *c = 'a' + (*c - 0xFF21);
  else if (*c >= 0xFF41 && *c <= 0xFF5A)
    *c = 'a' + (*c - 0xFF41);

  if (*c >= '0' && *c <= '9')
    return CLASS_DIGIT;

  switch (g_unichar_get_script (*c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
    case G_UNICODE_SCRIPT_BOPOMOFO:
      return g_unichar_isalpha (*c) ? CLASS_CJK : CLASS_SEPARATOR;
    default:
      break;
    }

  if (g_unichar_isalnum (*c))
    {
      *c = g_unichar_tolower (*c);
      return CLASS_LETTER;
    }
  return CLASS_SEPARATOR;
}

typedef struct
{
  WdTokenizeMode  mode;
  WdTokenFunc     func;
  gpointer        user_data;

  CharClass       run_class;
  guint           run_length;
  char            prev[8];      /* the previous character of a gram run */
  int             prev_len;
  int             prev_start;

  char            word[MAX_WORD_BYTES + 8];
  int             word_len;
  int             word_start;
  int             word_end;
} Tokenizer;

static int
emit_pair (Tokenizer  *t,
           const char *cur,
           int         cur_len,
           int         cur_end,
           gboolean    colocated)
{
  char pair[16];

  memcpy (pair, t->prev, t->prev_len);
  memcpy (pair + t->prev_len, cur, cur_len);
  return t->func (t->user_data, colocated, pair, t->prev_len + cur_len, t->prev_start, cur_end);
}

static int
gram_char (Tokenizer  *t,
           const char *utf8,
           int         len,
           int         start,
           int         end)
{
  int rc = 0;

  if (t->run_length > 0)
    rc = emit_pair (t, utf8, len, end, t->mode == WD_TOKENIZE_DOCUMENT);
  if (rc == 0 && t->mode == WD_TOKENIZE_DOCUMENT)
    rc = t->func (t->user_data, FALSE, utf8, len, start, end);

  memcpy (t->prev, utf8, len);
  t->prev_len = len;
  t->prev_start = start;
  t->run_length++;
  return rc;
}

static int
end_run (Tokenizer *t)
{
  int rc = 0;

  if ((t->run_class == CLASS_CJK || t->run_class == CLASS_DIGIT)
      && t->mode == WD_TOKENIZE_QUERY && t->run_length == 1)
    rc = t->func (t->user_data, FALSE, t->prev, t->prev_len, t->prev_start,
                  t->prev_start + t->prev_len);
  else if (t->run_class == CLASS_LETTER && t->word_len > 0)
    rc = t->func (t->user_data, FALSE, t->word, t->word_len, t->word_start, t->word_end);

  t->run_class = CLASS_SEPARATOR;
  t->run_length = 0;
  t->word_len = 0;
  return rc;
}

int
wd_tokenize (const char     *text,
             int             len,
             WdTokenizeMode  mode,
             WdTokenFunc     func,
             gpointer        user_data)
{
  Tokenizer t = { .mode = mode, .func = func, .user_data = user_data };
  const char *p = text;
  const char *end;
  int rc = 0;

  if (text == NULL)
    return 0;
  if (len < 0)
    len = (int) strlen (text);
  end = text + len;

  while (p < end && rc == 0)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      int start = (int) (p - text);
      int char_len;
      char utf8[8];
      int utf8_len;
      CharClass klass;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Invalid bytes end a run and are skipped: never a crash. */
          rc = end_run (&t);
          p++;
          continue;
        }

      char_len = (int) (g_utf8_next_char (p) - p);
      klass = classify (&c);
      utf8_len = g_unichar_to_utf8 (c, utf8);

      if (klass != t.run_class)
        rc = end_run (&t);
      if (rc != 0)
        break;
      t.run_class = klass;

      switch (klass)
        {
        case CLASS_CJK:
        case CLASS_DIGIT:
          rc = gram_char (&t, utf8, utf8_len, start, start + char_len);
          break;
        case CLASS_LETTER:
          if (t.word_len == 0)
            t.word_start = start;
          if (t.word_len + utf8_len <= MAX_WORD_BYTES)
            {
              memcpy (t.word + t.word_len, utf8, utf8_len);
              t.word_len += utf8_len;
            }
          t.word_end = start + char_len;
          break;
        case CLASS_SEPARATOR:
        default:
          break;
        }
      p += char_len;
    }

  if (rc == 0)
    rc = end_run (&t);
  return rc;
}

typedef struct
{
  void *ctx;
  int (*x_token) (void *, int, const char *, int, int, int);
} Fts5Call;

static int
forward_token (gpointer    user_data,
               gboolean    colocated,
               const char *token,
               int         token_len,
               int         start,
               int         end)
{
  Fts5Call *call = user_data;

  return call->x_token (call->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0,
                        token, token_len, start, end);
}

static int
fts5_create (void           *user_data,
             const char    **args,
             int             n_args,
             Fts5Tokenizer **out)
{
  /* Stateless: any non-NULL handle will do. */
  *out = (Fts5Tokenizer *) user_data;
  return SQLITE_OK;
}

static void
fts5_delete (Fts5Tokenizer *tokenizer)
{
}

static int
fts5_tokenize (Fts5Tokenizer *tokenizer,
               void          *ctx,
               int            flags,
               const char    *text,
               int            len,
               int (*x_token) (void *, int, const char *, int, int, int))
{
  Fts5Call call = { ctx, x_token };
  WdTokenizeMode mode = (flags & FTS5_TOKENIZE_QUERY) ? WD_TOKENIZE_QUERY : WD_TOKENIZE_DOCUMENT;

  return wd_tokenize (text, len, mode, forward_token, &call);
}

static fts5_api *
get_fts5_api (sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return api;
}

gboolean
wd_tokenizer_register (sqlite3  *db,
                       GError  **error)
{
  static fts5_tokenizer tokenizer = { fts5_create, fts5_delete, fts5_tokenize };
  static int handle;
  fts5_api *api = get_fts5_api (db);

  if (api == NULL
      || api->xCreateTokenizer (api, "wudan", &handle, &tokenizer, NULL) != SQLITE_OK)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                   _("This SQLite has no full-text search (FTS5); install a build with FTS5"));
      return FALSE;
    }
  return TRUE;
}
