/* wd-search.c: the search indexes (one FTS5 table per kind, kept in step
 * with the rows by the store) and ranked queries over them. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-search.h"
#include "wd-search-private.h"
#include "wd-store-private.h"

typedef struct
{
  const char *kind;
  const char *fts;
  const char *base;        /* "table alias" */
  const char *alias;
  const char *columns;     /* of the FTS table */
  const char *select;      /* the indexed text of each row, FROM included */
  const char *title;       /* column index of the title, for highlight() */
  const char *weights;     /* bm25 weight per column */
  WdSearchScope scope;
  /* NULL: rank by bm25. Otherwise column sets, best first, "|"-separated:
   * matches rank by the first set they match in, then newest first. */
  const char *tiers;
} SearchIndex;

static const SearchIndex indexes[] = {
  {
    "speaker", "speakers_fts", "speakers sp", "sp",
    "name, topics, subdistrict, organisation, bio, phone",
    "SELECT sp.rowid, sp.name,"
    " COALESCE ((SELECT group_concat (t.name, ' ') FROM speaker_topics st"
    "   JOIN topics t ON t.id = st.ref_id WHERE st.owner_id = sp.id), ''),"
    " COALESCE (s.name, ''), sp.title || ' ' || sp.organisation, sp.bio, sp.phone"
    " FROM speakers sp LEFT JOIN subdistricts s ON s.id = sp.subdistrict_id",
    "0", "10.0, 4.0, 2.0, 2.0, 1.0, 1.0", WD_SEARCH_SPEAKERS,
    /* A district's five thousand speakers nearly all match 街道 in their
     * sub-district; scoring each would take longer than a keystroke. */
    "name|topics subdistrict organisation",
  },
  {
    "team", "teams_fts", "teams tm", "tm",
    "name, leader, subdistrict, description, phone",
    "SELECT tm.rowid, tm.name, tm.leader, COALESCE (s.name, ''), tm.description, tm.phone"
    " FROM teams tm LEFT JOIN subdistricts s ON s.id = tm.subdistrict_id",
    "0", "10.0, 4.0, 2.0, 1.0, 1.0", WD_SEARCH_TEAMS,
  },
  {
    "project", "projects_fts", "projects p", "p",
    "title, category, team, topic, description",
    "SELECT p.rowid, p.title, p.category, tm.name, COALESCE (t.name, ''), p.description"
    " FROM projects p JOIN teams tm ON tm.id = p.team_id LEFT JOIN topics t ON t.id = p.topic_id",
    "0", "10.0, 4.0, 3.0, 3.0, 1.0", WD_SEARCH_PROJECTS,
  },
  {
    "order", "orders_fts", "orders o", "o",
    "number, title, requester, venue, community, subdistrict, topic, assignee, contact, phone, notes",
    "SELECT o.rowid, COALESCE (o.number, ''), o.title, o.requester, o.venue, o.community, s.name,"
    " COALESCE (t.name, '') || ' ' || COALESCE (p.title, ''), COALESCE (sp.name, tm.name, ''),"
    " o.contact_name, o.contact_phone, o.notes"
    " FROM orders o JOIN subdistricts s ON s.id = o.subdistrict_id"
    " LEFT JOIN topics t ON t.id = o.topic_id LEFT JOIN projects p ON p.id = o.project_id"
    " LEFT JOIN speakers sp ON o.assignee_kind = 'speaker' AND sp.id = o.assignee_id"
    " LEFT JOIN teams tm ON o.assignee_kind = 'team' AND tm.id = o.assignee_id",
    "1", "3.0, 10.0, 6.0, 4.0, 4.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0", WD_SEARCH_ORDERS,
    /* Orders are many and alike: a word like 社区 matches nearly all of them,
     * and bm25 would score every one. Matches in the order's own name,
     * requester or contact come first, the newest of them first. */
    "number title requester contact phone",
  },
};

static const SearchIndex *
index_of (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    if (g_str_equal (indexes[i].kind, kind))
      return &indexes[i];
  return NULL;
}

/* Refreshes the index rows of kind that satisfy condition (which binds at
 * most one parameter, id), or all of them when condition is NULL. Each row
 * is written by a single-row INSERT OR REPLACE: a multi-row statement
 * would open a statement journal, and FTS5 flushes its pending terms to
 * a new segment at every one of those. */
static gboolean
refresh (WdStore            *store,
         const SearchIndex  *index,
         const char         *condition,
         const char         *id,
         GError            **error)
{
  g_autofree char *select_sql = NULL;
  g_autoptr(GString) upsert_sql = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) rows = NULL;
  int n_columns;
  int rc;

  if (condition == NULL)
    {
      g_autofree char *delete_sql = g_strdup_printf ("DELETE FROM %s", index->fts);

      if (!wd_store_exec (store, delete_sql, error))
        return FALSE;
      select_sql = g_strdup (index->select);
    }
  else
    select_sql = g_strdup_printf ("%s WHERE %s", index->select, condition);

  rows = wd_store_prepare (store, select_sql, error);
  if (rows == NULL)
    return FALSE;
  if (id != NULL)
    wd_stmt_bind_text (rows, 1, id);
  n_columns = sqlite3_column_count (rows);

  /* After the DELETE of a whole rebuild nothing can conflict, and FTS5
   * skips looking each row up first. */
  g_string_append_printf (upsert_sql, "%s INTO %s (rowid, %s) VALUES (?",
                          condition == NULL ? "INSERT" : "INSERT OR REPLACE", index->fts, index->columns);
  for (int i = 1; i < n_columns; i++)
    g_string_append (upsert_sql, ", ?");
  g_string_append (upsert_sql, ")");

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      g_autoptr(sqlite3_stmt) upsert = wd_store_prepare (store, upsert_sql->str, error);

      if (upsert == NULL)
        return FALSE;
      sqlite3_bind_int64 (upsert, 1, sqlite3_column_int64 (rows, 0));
      for (int i = 1; i < n_columns; i++)
        wd_stmt_bind_text (upsert, i + 1, (const char *) sqlite3_column_text (rows, i));
      if (!wd_store_run (store, upsert, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return wd_store_set_error (store, error);
  return TRUE;
}

/* A row's index text includes names of the rows it refers to, so a change
 * to a topic, sub-district, team or speaker refreshes its dependants too. */
gboolean
wd_search_reindex (WdStore     *store,
                   const char  *kind,
                   const char  *id,
                   GError     **error)
{
  static const struct { const char *changed; const char *index; const char *condition; } deps[] = {
    { "speaker", "speaker", "sp.id = ?" },
    { "speaker", "order", "o.assignee_id = ?" },
    { "team", "team", "tm.id = ?" },
    { "team", "project", "p.team_id = ?" },
    { "team", "order", "o.assignee_id = ?" },
    { "project", "project", "p.id = ?" },
    { "project", "order", "o.project_id = ?" },
    { "order", "order", "o.id = ?" },
    { "topic", "speaker", "sp.id IN (SELECT owner_id FROM speaker_topics WHERE ref_id = ?)" },
    { "topic", "project", "p.topic_id = ?" },
    { "topic", "order", "o.topic_id = ?" },
    { "subdistrict", "speaker", "sp.subdistrict_id = ?" },
    { "subdistrict", "team", "tm.subdistrict_id = ?" },
    { "subdistrict", "order", "o.subdistrict_id = ?" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (deps); i++)
    {
      if (!g_str_equal (deps[i].changed, kind))
        continue;
      if (!refresh (store, index_of (deps[i].index), deps[i].condition, id, error))
        return FALSE;
    }
  return TRUE;
}

/* Columns of each entity whose values reach an index; an update that
 * touches none of them (a state change, say) leaves the index alone. */
static const struct { const char *kind; const char *fields; } indexed_fields[] = {
  { "order", " number title project_id topic_id subdistrict_id community venue requester"
             " contact_name contact_phone notes assignee_kind assignee_id " },
};

gboolean
wd_search_indexes_changes (const char *kind,
                           JsonObject *changes)
{
  g_autoptr(GList) names = json_object_get_members (changes);
  const char *fields = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (indexed_fields); i++)
    if (g_str_equal (indexed_fields[i].kind, kind))
      fields = indexed_fields[i].fields;
  if (fields == NULL)
    return TRUE;

  for (GList *l = names; l; l = l->next)
    {
      g_autofree char *word = g_strdup_printf (" %s ", (const char *) l->data);

      if (strstr (fields, word) != NULL)
        return TRUE;
    }
  return FALSE;
}

gboolean
wd_search_reindex_all (WdStore  *store,
                       GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    if (!refresh (store, &indexes[i], NULL, NULL, error))
      return FALSE;
  return TRUE;
}

/* FTS5's own check of an index against the text it holds. A damaged
 * index fails it; one whose structure record was hit cannot even be
 * opened, which fails it the same way, or asks for absurd memory. */
static gboolean
check_index (WdStore            *store,
             const SearchIndex  *index,
             gboolean           *damaged,
             GError            **error)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES ('integrity-check')", index->fts, index->fts);
  int rc = sqlite3_exec (wd_store_get_db (store), sql, NULL, NULL, NULL);

  *damaged = (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOMEM;
  if (rc != SQLITE_OK && !*damaged)
    return wd_store_set_error (store, error);
  return TRUE;
}

static gboolean
query_text (WdStore     *store,
            const char  *sql,
            const char  *arg,
            char       **text,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (arg != NULL)
    wd_stmt_bind_text (stmt, 1, arg);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return wd_store_set_error (store, error);
  *text = wd_stmt_dup_text (stmt, 0);
  return TRUE;
}

/* Makes a damaged index anew. An index whose structure record was hit can
 * be neither opened nor dropped, so it leaves the schema the way SQLite's
 * own procedure for schema changes does (writable_schema, and a new
 * schema_version so every connection reads the schema again), and its
 * tables are made again from its CREATE statement. It is refilled from
 * the rows it indexes, which are sound (the whole file passed
 * quick_check), if it was kept filled: the server keeps its indexes
 * empty. One transaction: a failure leaves the damaged index as it was. */
static gboolean
remake_index (WdStore            *store,
              const SearchIndex  *index,
              GError            **error)
{
  static const char *const shadows[] = { "data", "idx", "content", "docsize", "config" };
  g_autofree char *create = NULL;
  g_autofree char *version = NULL;
  g_autofree char *content = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s_content)", index->fts);
  g_autofree char *filled = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);

  if (!wd_store_begin (store, error))
    return FALSE;
  if (!query_text (store, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", index->fts,
                   &create, error)
      || !query_text (store, "PRAGMA schema_version", NULL, &version, error)
      || !query_text (store, content, NULL, &filled, error))
    goto failed;

  g_string_append_printf (sql, "PRAGMA writable_schema = ON;"
                               "DELETE FROM sqlite_schema WHERE type = 'table' AND name = '%s';"
                               "PRAGMA schema_version = %" G_GINT64_FORMAT ";"
                               "PRAGMA writable_schema = OFF;",
                          index->fts, g_ascii_strtoll (version, NULL, 10) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (shadows); i++)
    g_string_append_printf (sql, "DROP TABLE IF EXISTS %s_%s;", index->fts, shadows[i]);
  g_string_append_printf (sql, "%s;", create);
  if (!wd_store_exec (store, sql->str, error))
    goto failed;
  if (g_str_equal (filled, "1") && !refresh (store, index, NULL, NULL, error))
    goto failed;
  return wd_store_commit (store, error);

failed:
  wd_store_exec (store, "PRAGMA writable_schema = OFF", NULL);
  wd_store_rollback (store);
  return FALSE;
}

/* Checks every search index and makes the damaged ones anew: a store
 * found damaged whose file passes quick_check may still have damage in
 * an index's blocks, which only FTS5 itself can tell. */
gboolean
wd_search_repair_indexes (WdStore  *store,
                          GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      gboolean damaged = FALSE;

      if (!check_index (store, &indexes[i], &damaged, error))
        return FALSE;
      if (!damaged)
        continue;
      if (!remake_index (store, &indexes[i], error))
        return FALSE;
      g_message ("The search index %s of %s was damaged and was made anew", indexes[i].fts,
                 wd_store_get_path (store));
    }
  return TRUE;
}

static int
count_token (gpointer    user_data,
             gboolean    colocated,
             const char *token,
             int         token_len,
             int         start,
             int         end)
{
  (*(guint *) user_data)++;
  return 0;
}

/* Turns what a person typed into an FTS5 expression: every word must
 * match, each as a quoted phrase (so no FTS5 syntax can be injected), a
 * word ending in a Latin letter as a prefix. */
char *
wd_search_build_match (const char *query)
{
  g_autoptr(GString) match = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (query != NULL, NULL);

  if (!g_utf8_validate (query, -1, NULL))
    return NULL;

  words = g_strsplit_set (query, " \t\n\r\u3000", -1);
  for (guint i = 0; words[i]; i++)
    {
      const char *word = words[i];
      guint n_tokens = 0;
      gunichar last;

      wd_tokenize (word, -1, WD_TOKENIZE_QUERY, count_token, &n_tokens);
      if (n_tokens == 0)
        continue;

      if (match->len > 0)
        g_string_append (match, " AND ");
      g_string_append_c (match, '"');
      for (const char *p = word; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');

      last = g_utf8_get_char (g_utf8_prev_char (word + strlen (word)));
      if (g_unichar_isalpha (last) && g_unichar_get_script (last) == G_UNICODE_SCRIPT_LATIN)
        g_string_append (match, " *");
    }

  if (match->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&match), FALSE);
}

G_DEFINE_BOXED_TYPE (WdSearchHit, wd_search_hit, wd_search_hit_copy, wd_search_hit_free)

WdSearchHit *
wd_search_hit_copy (const WdSearchHit *hit)
{
  WdSearchHit *copy = g_new0 (WdSearchHit, 1);

  copy->kind = g_strdup (hit->kind);
  copy->id = g_strdup (hit->id);
  copy->title = g_strdup (hit->title);
  copy->excerpt = g_strdup (hit->excerpt);
  copy->score = hit->score;
  return copy;
}

void
wd_search_hit_free (WdSearchHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->kind);
  g_free (hit->id);
  g_free (hit->title);
  g_free (hit->excerpt);
  g_free (hit);
}

/* A character as the index sees it: full-width forms folded to ASCII,
 * letters lower-cased. Marking works on this form so it finds what the
 * index found. */
static gunichar
fold (gunichar c)
{
  if (c >= 0xFF10 && c <= 0xFF19)
    return '0' + (c - 0xFF10);
  if (c >= 0xFF21 && c <= 0xFF3A)
    return 'a' + (c - 0xFF21);
  if (c >= 0xFF41 && c <= 0xFF5A)
    return 'a' + (c - 0xFF41);
  return g_unichar_tolower (c);
}

typedef struct
{
  GArray *chars;     /* folded characters */
  GArray *offsets;   /* byte offset of each in the original, plus the end */
} Folded;

static void
folded_init (Folded     *folded,
             const char *text)
{
  const char *p;

  folded->chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  folded->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = fold (g_utf8_get_char (p));
      gsize offset = (gsize) (p - text);

      g_array_append_val (folded->chars, c);
      g_array_append_val (folded->offsets, offset);
    }
  {
    gsize end = (gsize) (p - text);

    g_array_append_val (folded->offsets, end);
  }
}

static void
folded_clear (Folded *folded)
{
  g_array_unref (folded->chars);
  g_array_unref (folded->offsets);
}

static gboolean
indexable (gunichar c)
{
  return g_unichar_isalnum (c);
}

/* Marks every place where a run of the query's letters, digits or CJK
 * characters occurs in text (the parts the index matched on). */
static void
mark_ranges (const Folded *text,
             const char   *query,
             gboolean     *marked)
{
  Folded q;

  folded_init (&q, query);
  for (guint start = 0; start < q.chars->len;)
    {
      guint end = start;

      if (!indexable (g_array_index (q.chars, gunichar, start)))
        {
          start++;
          continue;
        }
      while (end < q.chars->len && indexable (g_array_index (q.chars, gunichar, end)))
        end++;

      for (guint i = 0; i + (end - start) <= text->chars->len; i++)
        {
          guint k = 0;

          while (k < end - start
                 && g_array_index (text->chars, gunichar, i + k) == g_array_index (q.chars, gunichar, start + k))
            k++;
          if (k == end - start)
            for (k = 0; k < end - start; k++)
              marked[i + k] = TRUE;
        }
      start = end;
    }
  folded_clear (&q);
}

/* Returns text with the matched parts between the marks; from and to
 * (character indexes) cut an excerpt, with "…" where text was left out. */
static char *
render_marked (const char   *text,
               const Folded *folded,
               const gboolean *marked,
               guint         from,
               guint         to)
{
  g_autoptr(GString) out = g_string_new (from > 0 ? "…" : "");
  gboolean open = FALSE;

  for (guint i = from; i < to; i++)
    {
      gsize a = g_array_index (folded->offsets, gsize, i);
      gsize b = g_array_index (folded->offsets, gsize, i + 1);

      if (marked[i] && !open)
        g_string_append (out, WD_SEARCH_MARK_START);
      else if (!marked[i] && open)
        g_string_append (out, WD_SEARCH_MARK_END);
      open = marked[i];
      g_string_append_len (out, text + a, (gssize) (b - a));
    }
  if (open)
    g_string_append (out, WD_SEARCH_MARK_END);
  if (to < folded->chars->len)
    g_string_append (out, "…");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Returns text with what query matched marked; with context > 0, only an
 * excerpt of about that many characters either side of the first match,
 * or NULL when nothing in text matched. */
char *
wd_search_mark (const char *text,
                const char *query,
                guint       context)
{
  Folded folded;
  g_autofree gboolean *marked = NULL;
  guint first = G_MAXUINT;
  char *result;

  g_return_val_if_fail (text != NULL && query != NULL, NULL);

  folded_init (&folded, text);
  marked = g_new0 (gboolean, folded.chars->len + 1);
  mark_ranges (&folded, query, marked);

  for (guint i = 0; i < folded.chars->len && first == G_MAXUINT; i++)
    if (marked[i])
      first = i;

  if (context == 0)
    result = render_marked (text, &folded, marked, 0, folded.chars->len);
  else if (first == G_MAXUINT)
    result = NULL;
  else
    result = render_marked (text, &folded, marked, first > context ? first - context : 0,
                            MIN (folded.chars->len, first + 2 * context));
  folded_clear (&folded);
  return result;
}

/* Runs inner (a query of rowid and score, best first, with its MATCH and
 * LIMIT bound as ?1 and ?2) and turns its rows into hits, skipping rowids
 * already seen. */
static gboolean
collect_hits (WdStore            *store,
              const SearchIndex  *index,
              const char         *inner,
              const char         *query,
              const char         *match,
              guint               limit,
              GHashTable         *seen,
              GPtrArray          *hits,
              GError            **error)
{
  g_autofree char *table = g_strndup (index->base, strcspn (index->base, " "));
  g_auto(GStrv) columns = g_strsplit (index->columns, ", ", -1);
  g_autoptr(GString) qualified = g_string_new (NULL);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n_columns = g_strv_length (columns);
  int title = atoi (index->title);
  int rc;

  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (qualified, ", %s.%s", index->fts, columns[i]);

  /* Only the few best rowids are joined to their text and row. */
  sql = g_strdup_printf ("SELECT b.id, m.rowid, m.score%1$s FROM (%2$s) m"
                         " JOIN %3$s ON %3$s.rowid = m.rowid JOIN %4$s b ON b.rowid = m.rowid"
                         " ORDER BY m.score, m.rowid DESC",
                         qualified->str, inner, index->fts, table);
  stmt = wd_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 2, (int) limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WdSearchHit *hit;

      if (!g_hash_table_add (seen, GINT_TO_POINTER (sqlite3_column_int64 (stmt, 1))))
        continue;

      hit = g_new0 (WdSearchHit, 1);
      hit->kind = g_strdup (index->kind);
      hit->id = wd_stmt_dup_text (stmt, 0);
      hit->score = sqlite3_column_double (stmt, 2);
      hit->title = wd_search_mark ((const char *) sqlite3_column_text (stmt, 3 + title), query, 0);

      /* The excerpt shows where else the query matched, in field order. */
      for (guint i = 0; i < n_columns && hit->excerpt == NULL; i++)
        if ((int) i != title)
          hit->excerpt = wd_search_mark ((const char *) sqlite3_column_text (stmt, 3 + (int) i),
                                         query, 16);
      if (hit->excerpt == NULL)
        hit->excerpt = g_strdup ((const char *) sqlite3_column_text (stmt, title == 0 ? 4 : 3));
      g_ptr_array_add (hits, hit);
    }
  if (rc != SQLITE_DONE)
    return wd_store_set_index_error (store, index->fts, error);
  return TRUE;
}

static gboolean
search_index (WdStore            *store,
              const SearchIndex  *index,
              const char         *query,
              const char         *match,
              guint               limit,
              GPtrArray          *hits,
              GError            **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autofree char *inner = NULL;
  g_auto(GStrv) tiers = NULL;
  guint n_tiers;
  guint before = hits->len;

  if (index->tiers == NULL)
    {
      inner = g_strdup_printf ("SELECT rowid, bm25 (%1$s, %2$s) AS score FROM %1$s"
                               " WHERE %1$s MATCH ?1 ORDER BY score LIMIT ?2",
                               index->fts, index->weights);
      return collect_hits (store, index, inner, query, match, limit, seen, hits, error);
    }

  tiers = g_strsplit (index->tiers, "|", -1);
  n_tiers = g_strv_length (tiers);

  /* One round per column set, and a last one over every column. */
  for (guint t = 0; t <= n_tiers && hits->len - before < limit; t++)
    {
      g_autofree char *tier_match = t < n_tiers ? g_strdup_printf ("{%s} : (%s)", tiers[t], match)
                                                : g_strdup (match);

      g_free (inner);
      inner = g_strdup_printf ("SELECT rowid, %u.0 AS score FROM %s WHERE %s MATCH ?1"
                               " ORDER BY rowid DESC LIMIT ?2", t + 1, index->fts, index->fts);
      /* Ask for enough to fill the page after the hits already seen. */
      if (!collect_hits (store, index, inner, query, tier_match, limit + (hits->len - before),
                         seen, hits, error))
        return FALSE;
    }

  /* Over-asking may have returned more than a page. */
  while (hits->len - before > limit)
    g_ptr_array_remove_index (hits, hits->len - 1);
  return TRUE;
}

/* Returns up to limit hits of each kind in scope, each kind ranked best
 * first, the kinds in the order speakers, teams, projects, orders. */
GPtrArray *
wd_store_search (WdStore        *store,
                 const char     *query,
                 WdSearchScope   scope,
                 guint           limit,
                 GError        **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_search_hit_free);
  g_autofree char *match = NULL;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!wd_store_get_search_index (store))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                   _("This store does not keep a search index; search the app's copy instead"));
      return NULL;
    }

  match = wd_search_build_match (query);
  if (match == NULL)
    return g_steal_pointer (&hits);

  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    if ((scope & indexes[i].scope)
        && !search_index (store, &indexes[i], query, match, limit, hits, error))
      return NULL;

  return g_steal_pointer (&hits);
}

char *
wd_search_marks_replace (const char *marked,
                         const char *open,
                         const char *close)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = marked; p && *p; p++)
    {
      if (*p == WD_SEARCH_MARK_START[0])
        g_string_append (out, open);
      else if (*p == WD_SEARCH_MARK_END[0])
        g_string_append (out, close);
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
wd_search_marks_to_markup (const char *marked)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *segment = marked ? marked : "";

  /* Escape the text between the marks; GLib would escape the marks too. */
  for (const char *p = segment;; p++)
    {
      if (*p == '\0' || *p == WD_SEARCH_MARK_START[0] || *p == WD_SEARCH_MARK_END[0])
        {
          g_autofree char *escaped = g_markup_escape_text (segment, p - segment);

          g_string_append (out, escaped);
          if (*p == '\0')
            break;
          g_string_append (out, *p == WD_SEARCH_MARK_START[0] ? "<b>" : "</b>");
          segment = p + 1;
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
