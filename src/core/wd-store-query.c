/* wd-store-query.c: the read side of the store: single rows, the paged
 * lists behind the views (keyset paging, so page 1,000 costs what page 1
 * does) and the counts behind the reports. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-actor.h"
#include "wd-error.h"
#include "wd-search.h"
#include "wd-store-private.h"

#define ORDER_VIEW_BODY \
  "o.*, s.name AS subdistrict_name, t.name AS topic_name, v.name AS venue_kind_name," \
  " p.title AS project_title, COALESCE (sp.name, tm.name) AS assignee_name," \
  " r.stars AS rating, r.comment AS rating_comment" \
  " FROM orders o" \
  " JOIN subdistricts s ON s.id = o.subdistrict_id" \
  " JOIN venue_kinds v ON v.id = o.venue_kind" \
  " LEFT JOIN topics t ON t.id = o.topic_id" \
  " LEFT JOIN projects p ON p.id = o.project_id" \
  " LEFT JOIN speakers sp ON o.assignee_kind = 'speaker' AND sp.id = o.assignee_id" \
  " LEFT JOIN teams tm ON o.assignee_kind = 'team' AND tm.id = o.assignee_id" \
  " LEFT JOIN ratings r ON r.order_id = o.id"
#define ORDER_VIEW "SELECT " ORDER_VIEW_BODY

/* An order as a list shows it (wd_store_get_list_rows_by_key): half its
 * columns and four of its seven joins. */
#define ORDER_LIST_VIEW_BODY \
  "o.id, o.number, o.title, o.project_id, o.topic_id, o.subdistrict_id, o.community, o.venue," \
  " o.venue_kind, o.starts_at, o.ends_at, o.requester, o.state, o.assignee_kind, o.assignee_id," \
  " o.accept_deadline, s.name AS subdistrict_name, v.name AS venue_kind_name," \
  " COALESCE (sp.name, tm.name) AS assignee_name" \
  " FROM orders o" \
  " JOIN subdistricts s ON s.id = o.subdistrict_id" \
  " JOIN venue_kinds v ON v.id = o.venue_kind" \
  " LEFT JOIN speakers sp ON o.assignee_kind = 'speaker' AND sp.id = o.assignee_id" \
  " LEFT JOIN teams tm ON o.assignee_kind = 'team' AND tm.id = o.assignee_id"

/* Delivered lectures, and ratings of them, count towards a speaker's record. */
/* A team as its page shows it: its record counted as a speaker's is. */
#define TEAM_VIEW \
  "SELECT tm.*, s.name AS subdistrict_name," \
  " (SELECT count (*) FROM projects p WHERE p.team_id = tm.id AND p.active) AS projects," \
  " (SELECT count (*) FROM orders o WHERE o.assignee_id = tm.id AND o.assignee_kind = 'team'" \
  "   AND o.state IN ('delivered', 'rated', 'rewarded', 'closed')) AS services," \
  " (SELECT avg (r.stars) FROM orders o JOIN ratings r ON r.order_id = o.id" \
  "   WHERE o.assignee_id = tm.id AND o.assignee_kind = 'team') AS rating," \
  " (SELECT count (*) FROM orders o JOIN ratings r ON r.order_id = o.id" \
  "   WHERE o.assignee_id = tm.id AND o.assignee_kind = 'team') AS ratings," \
  " (SELECT total (o.credited_hours) FROM orders o WHERE o.assignee_id = tm.id" \
  "   AND o.assignee_kind = 'team' AND o.state IN ('delivered', 'rated', 'rewarded', 'closed'))" \
  "   AS hours" \
  " FROM teams tm LEFT JOIN subdistricts s ON s.id = tm.subdistrict_id"

#define SPEAKER_VIEW_BODY \
  "sp.id, sp.name, sp.title, sp.organisation, sp.subdistrict_id, sp.phone, sp.bio, sp.active," \
  " sp.updated_at, sp.free_days, sp.free_times, sp.photo IS NOT NULL AS has_photo," \
  " s.name AS subdistrict_name," \
  " (SELECT group_concat (ref_id, ',') FROM speaker_topics WHERE owner_id = sp.id) AS topics," \
  " (SELECT group_concat (t.name, '、') FROM speaker_topics st JOIN topics t ON t.id = st.ref_id" \
  "   WHERE st.owner_id = sp.id) AS topic_names," \
  " (SELECT count (*) FROM orders o WHERE o.assignee_id = sp.id AND o.assignee_kind = 'speaker'" \
  "   AND o.state IN ('delivered', 'rated', 'rewarded', 'closed')) AS lectures," \
  " (SELECT avg (r.stars) FROM orders o JOIN ratings r ON r.order_id = o.id" \
  "   WHERE o.assignee_id = sp.id AND o.assignee_kind = 'speaker') AS rating," \
  " (SELECT count (*) FROM orders o JOIN ratings r ON r.order_id = o.id" \
  "   WHERE o.assignee_id = sp.id AND o.assignee_kind = 'speaker') AS ratings," \
  " (SELECT total (o.credited_hours) FROM orders o WHERE o.assignee_id = sp.id" \
  "   AND o.assignee_kind = 'speaker' AND o.state IN ('delivered', 'rated', 'rewarded', 'closed'))" \
  "   AS hours" \
  " FROM speakers sp LEFT JOIN subdistricts s ON s.id = sp.subdistrict_id"
#define SPEAKER_VIEW "SELECT " SPEAKER_VIEW_BODY

#define PROJECT_VIEW_BODY \
  "p.*, tm.name AS team_name, t.name AS topic_name," \
  " (SELECT group_concat (ref_id, ',') FROM project_venue_kinds WHERE owner_id = p.id) AS venue_kinds," \
  " (SELECT count (*) FROM orders o WHERE o.project_id = p.id) AS orders" \
  " FROM projects p JOIN teams tm ON tm.id = p.team_id LEFT JOIN topics t ON t.id = p.topic_id"
#define PROJECT_VIEW "SELECT " PROJECT_VIEW_BODY

typedef struct
{
  GString   *sql;
  GPtrArray *texts;     /* bound in order; NULL entries are integer slots */
  GArray    *ints;
  GArray    *kinds;     /* 't' or 'i' per parameter */
  gboolean   has_where;
} Query;

static void
query_init (Query      *q,
            const char *select)
{
  q->sql = g_string_new (select);
  q->texts = g_ptr_array_new ();
  q->ints = g_array_new (FALSE, FALSE, sizeof (gint64));
  q->kinds = g_array_new (FALSE, FALSE, sizeof (char));
  q->has_where = FALSE;
}

static void
query_clear (Query *q)
{
  g_string_free (q->sql, TRUE);
  g_ptr_array_unref (q->texts);
  g_array_unref (q->ints);
  g_array_unref (q->kinds);
}

static void
query_where (Query      *q,
             const char *condition)
{
  g_string_append (q->sql, q->has_where ? " AND " : " WHERE ");
  g_string_append (q->sql, condition);
  q->has_where = TRUE;
}

static void
query_bind_text (Query      *q,
                 const char *value)
{
  char kind = 't';

  g_ptr_array_add (q->texts, (gpointer) value);
  g_array_append_val (q->kinds, kind);
}

static void
query_bind_int (Query  *q,
                gint64  value)
{
  char kind = 'i';

  g_array_append_val (q->ints, value);
  g_array_append_val (q->kinds, kind);
}

static void
query_filter_text (Query      *q,
                   const char *condition,
                   const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  query_where (q, condition);
  query_bind_text (q, value);
}

static sqlite3_stmt *
query_prepare (Query    *q,
               WdStore  *store,
               GError  **error)
{
  sqlite3_stmt *stmt = wd_store_prepare (store, q->sql->str, error);
  guint t = 0, i = 0;

  if (stmt == NULL)
    return NULL;
  for (guint k = 0; k < q->kinds->len; k++)
    {
      if (g_array_index (q->kinds, char, k) == 't')
        wd_stmt_bind_text (stmt, (int) k + 1, g_ptr_array_index (q->texts, t++));
      else
        sqlite3_bind_int64 (stmt, (int) k + 1, g_array_index (q->ints, gint64, i++));
    }
  return stmt;
}

/* The query as one string, its parameters after its SQL: what it reads
 * depends on nothing else (and the data). */
static char *
query_describe (Query *q)
{
  GString *text = g_string_new (q->sql->str);
  guint t = 0, i = 0;

  for (guint k = 0; k < q->kinds->len; k++)
    {
      if (g_array_index (q->kinds, char, k) == 't')
        g_string_append_printf (text, "\x1ft%s", (const char *) g_ptr_array_index (q->texts, t++));
      else
        g_string_append_printf (text, "\x1fi%" G_GINT64_FORMAT, g_array_index (q->ints, gint64, i++));
    }
  return g_string_free (text, FALSE);
}

/* A cursor marks the last row of the previous page. */
static gboolean
split_cursor (const char  *after,
              char       **key,
              char       **id,
              GError     **error)
{
  g_autofree char *decoded = NULL;
  gsize len = 0;
  const char *sep = NULL;

  /* Cursors are opaque to callers: base64 of "<key>\x1f<id>". */
  if (after != NULL)
    decoded = (char *) g_base64_decode (after, &len);
  if (decoded != NULL && memchr (decoded, '\0', len) == NULL)
    {
      decoded = g_realloc (decoded, len + 1);
      decoded[len] = '\0';
      sep = strchr (decoded, '\x1f');
    }

  if (sep == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("The page cursor is not one this program handed out; start from the first page"));
      return FALSE;
    }
  *key = g_strndup (decoded, sep - decoded);
  *id = g_strdup (sep + 1);
  return TRUE;
}

static char *
make_cursor (JsonObject *row,
             const char *key_member)
{
  JsonNode *key = json_object_get_member (row, key_member);
  g_autofree char *plain = NULL;

  if (JSON_NODE_HOLDS_VALUE (key) && json_node_get_value_type (key) == G_TYPE_INT64)
    plain = g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", json_node_get_int (key),
                             json_object_get_string_member (row, "id"));
  else
    plain = g_strdup_printf ("%s\x1f%s", json_node_get_string (key),
                             json_object_get_string_member (row, "id"));
  return g_base64_encode ((const guchar *) plain, strlen (plain));
}

static void
split_list_member (JsonObject *row,
                   const char *member)
{
  const char *joined = json_object_get_string_member_with_default (row, member, NULL);
  g_auto(GStrv) parts = joined ? g_strsplit (joined, ",", -1) : g_new0 (char *, 1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; parts[i]; i++)
    json_array_add_string_element (array, parts[i]);
  json_object_set_array_member (row, member, array);
}

static void
fix_booleans (const WdEntity *entity,
              JsonObject     *row)
{
  for (guint i = 0; i < entity->n_fields; i++)
    if (entity->fields[i].type == WD_FIELD_BOOL && json_object_has_member (row, entity->fields[i].name))
      json_object_set_boolean_member (row, entity->fields[i].name,
                                      json_object_get_int_member (row, entity->fields[i].name) != 0);
}

static JsonObject *
finish_row (const WdEntity *entity,
            sqlite3_stmt   *stmt)
{
  JsonObject *row = wd_stmt_row_to_json (stmt);

  fix_booleans (entity, row);
  if (entity == &wd_entity_speaker)
    split_list_member (row, "topics");
  else if (entity == &wd_entity_project)
    split_list_member (row, "venue_kinds");
  return row;
}

static const char *
view_of (const WdEntity *entity)
{
  if (entity == &wd_entity_order)
    return ORDER_VIEW " WHERE o.id = ?";
  if (entity == &wd_entity_speaker)
    return SPEAKER_VIEW " WHERE sp.id = ?";
  if (entity == &wd_entity_project)
    return PROJECT_VIEW " WHERE p.id = ?";
  if (entity == &wd_entity_team)
    return TEAM_VIEW " WHERE tm.id = ?";
  return NULL;
}

JsonObject *
wd_store_get (WdStore     *self,
              const char  *kind,
              const char  *id,
              GError     **error)
{
  const WdEntity *entity = wd_entity_lookup (kind);
  g_autofree char *generic = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sql;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  sql = view_of (entity);
  if (sql == NULL)
    sql = generic = g_strdup_printf ("SELECT * FROM %s WHERE id = ?", entity->table);

  stmt = wd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return finish_row (entity, stmt);
    case SQLITE_DONE:
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("There is no %s with the identifier “%s”"), kind, id);
      return NULL;
    default:
      wd_store_set_error (self, error);
      return NULL;
    }
}

/* For people and scripts that name things: "千佛山街道" rather than its id.
 * NULL when nothing is called that; NULL and an error when more than one
 * thing is (two speakers may share a name), naming their ids to choose
 * from: taking the first would quietly act on the wrong one. */
char *
wd_store_find_id_by_name (WdStore     *self,
                          const char  *kind,
                          const char  *name,
                          GError     **error)
{
  const WdEntity *entity = wd_entity_lookup (kind);
  const char *column;
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *listed = NULL;

  g_return_val_if_fail (entity != NULL, NULL);

  column = wd_entity_field (entity, "name") ? "name" : "title";
  if (entity == &wd_entity_order)
    column = "number";
  sql = g_strdup_printf ("SELECT id FROM %s WHERE id = ?1 OR %s = ?1 ORDER BY id = ?1 DESC, id LIMIT 4",
                         entity->table, column);
  stmt = wd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, name);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, wd_stmt_dup_text (stmt, 0));
  if (ids->len == 0)
    return NULL;
  if (ids->len == 1 || g_str_equal (g_ptr_array_index (ids, 0), name))
    return g_strdup (g_ptr_array_index (ids, 0));

  g_ptr_array_add (ids, NULL);
  listed = g_strjoinv ("、", (char **) ids->pdata);
  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("more than one is called “%s”; give the identifier of the one you mean (%s%s)"),
               name, listed, ids->len > 4 ? "…" : "");
  return NULL;
}

JsonArray *
wd_store_list_all (WdStore     *self,
                   const char  *kind,
                   GError     **error)
{
  const WdEntity *entity = wd_entity_lookup (kind);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) rows = json_array_new ();
  gboolean sorted = entity && wd_entity_field (entity, "sort") != NULL;
  int rc;

  g_return_val_if_fail (entity != NULL, NULL);

  sql = g_strdup_printf ("SELECT * FROM %s ORDER BY %s", entity->table,
                         sorted ? "sort, name" : (wd_entity_field (entity, "name") ? "name" : "id"));
  stmt = wd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (rows, finish_row (entity, stmt));
  if (rc != SQLITE_DONE)
    {
      wd_store_set_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static void
add_order_filter (Query         *q,
                  gconstpointer  data)
{
  const WdOrderFilter *filter = data;

  if (filter == NULL)
    return;
  query_filter_text (q, "o.state = ?", filter->state);
  query_filter_text (q, "o.subdistrict_id = ?", filter->subdistrict_id);
  query_filter_text (q, "o.topic_id = ?", filter->topic_id);
  query_filter_text (q, "o.assignee_id = ?", filter->assignee_id);
  query_filter_text (q, "o.venue_kind = ?", filter->venue_kind);
  if (filter->from != 0)
    {
      query_where (q, "o.starts_at >= ?");
      query_bind_int (q, filter->from);
    }
  if (filter->to != 0)
    {
      query_where (q, "o.starts_at < ?");
      query_bind_int (q, filter->to);
    }
  if (filter->live)
    query_where (q, "o.state NOT IN ('cancelled', 'rejected')");
}

static void
add_speaker_filter (Query         *q,
                    gconstpointer  data)
{
  const WdSpeakerFilter *filter = data;

  if (filter == NULL)
    return;
  query_filter_text (q, "EXISTS (SELECT 1 FROM speaker_topics WHERE owner_id = sp.id AND ref_id = ?)",
                     filter->topic_id);
  query_filter_text (q, "sp.subdistrict_id = ?", filter->subdistrict_id);
}

static void
add_project_filter (Query         *q,
                    gconstpointer  data)
{
  const WdProjectFilter *filter = data;

  if (filter == NULL)
    return;
  query_filter_text (q, "p.category = ?", filter->category);
  query_filter_text (q, "EXISTS (SELECT 1 FROM project_venue_kinds WHERE owner_id = p.id AND ref_id = ?)",
                     filter->venue_kind);
  query_filter_text (q, "p.team_id = ?", filter->team_id);
}

/* Runs a paged query; the caller has put the filter and ORDER BY in place
 * and this adds the keyset condition, the limit and the cursor out. */
static JsonArray *
run_page (WdStore         *self,
          Query           *q,
          const WdEntity  *entity,
          const char      *key_column,
          const char      *key_member,
          gboolean         key_is_int,
          const char      *id_column,
          const char      *after,
          guint            limit,
          char           **next_cursor,
          GError         **error)
{
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonArray) rows = json_array_new ();
  g_autofree char *keyset = NULL;
  sqlite3_stmt *raw;
  int rc;

  if (after != NULL && *after != '\0')
    {
      if (!split_cursor (after, &key, &id, error))
        return NULL;
      keyset = g_strdup_printf ("(%s, %s) > (?, ?)", key_column, id_column);
      query_where (q, keyset);
      if (key_is_int)
        query_bind_int (q, g_ascii_strtoll (key, NULL, 10));
      else
        query_bind_text (q, key);
      query_bind_text (q, id);
    }

  g_string_append_printf (q->sql, " ORDER BY %s, %s LIMIT ?", key_column, id_column);
  query_bind_int (q, MAX (limit, 1));

  raw = query_prepare (q, self, error);
  if (raw == NULL)
    return NULL;
  {
    g_autoptr(sqlite3_stmt) stmt = raw;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      json_array_add_object_element (rows, finish_row (entity, stmt));
    if (rc != SQLITE_DONE)
      {
        wd_store_set_error (self, error);
        return NULL;
      }
  }

  if (next_cursor != NULL)
    {
      guint n = json_array_get_length (rows);

      *next_cursor = n == MAX (limit, 1)
        ? make_cursor (json_array_get_object_element (rows, n - 1), key_member)
        : NULL;
    }
  return g_steal_pointer (&rows);
}

JsonArray *
wd_store_list_orders (WdStore              *self,
                      const WdOrderFilter  *filter,
                      const char           *after,
                      guint                 limit,
                      char                **next_cursor,
                      GError              **error)
{
  Query q;
  JsonArray *rows;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  query_init (&q, ORDER_VIEW);
  add_order_filter (&q, filter);
  rows = run_page (self, &q, &wd_entity_order, "o.starts_at", "starts_at", TRUE, "o.id",
                   after, limit, next_cursor, error);
  query_clear (&q);
  return rows;
}

JsonArray *
wd_store_list_speakers (WdStore                *self,
                        const WdSpeakerFilter  *filter,
                        const char             *after,
                        guint                   limit,
                        char                  **next_cursor,
                        GError                **error)
{
  Query q;
  JsonArray *rows;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  query_init (&q, SPEAKER_VIEW);
  add_speaker_filter (&q, filter);
  rows = run_page (self, &q, &wd_entity_speaker, "sp.name", "name", FALSE, "sp.id",
                   after, limit, next_cursor, error);
  query_clear (&q);
  return rows;
}

JsonArray *
wd_store_list_projects (WdStore                *self,
                        const WdProjectFilter  *filter,
                        const char             *after,
                        guint                   limit,
                        char                  **next_cursor,
                        GError                **error)
{
  Query q;
  JsonArray *rows;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  query_init (&q, PROJECT_VIEW);
  add_project_filter (&q, filter);
  rows = run_page (self, &q, &wd_entity_project, "p.title", "title", FALSE, "p.id",
                   after, limit, next_cursor, error);
  query_clear (&q);
  return rows;
}

JsonObject *
wd_store_count_orders (WdStore              *self,
                       const WdOrderFilter  *filter,
                       const char           *group_by,
                       GError              **error)
{
  static const struct { const char *name; const char *column; } groups[] = {
    { "state", "o.state" },
    { "subdistrict", "s.name" },
    { "topic", "t.name" },
    { "venue_kind", "v.name" },
  };
  const char *column = NULL;
  g_autofree char *select = NULL;
  g_autoptr(JsonObject) counts = json_object_new ();
  sqlite3_stmt *raw;
  Query q;
  int rc;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    if (g_strcmp0 (group_by, groups[i].name) == 0)
      column = groups[i].column;
  if (column == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("Orders can be counted by state, subdistrict, topic or venue_kind, not by “%s”"),
                   group_by ? group_by : "");
      return NULL;
    }

  select = g_strdup_printf ("SELECT COALESCE (%s, ''), count (*) FROM orders o"
                            " JOIN subdistricts s ON s.id = o.subdistrict_id"
                            " JOIN venue_kinds v ON v.id = o.venue_kind"
                            " LEFT JOIN topics t ON t.id = o.topic_id", column);
  query_init (&q, select);
  add_order_filter (&q, filter);
  g_string_append_printf (q.sql, " GROUP BY 1 ORDER BY 2 DESC, 1");
  raw = query_prepare (&q, self, error);
  query_clear (&q);
  if (raw == NULL)
    return NULL;

  {
    g_autoptr(sqlite3_stmt) stmt = raw;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      json_object_set_int_member (counts, (const char *) sqlite3_column_text (stmt, 0),
                                  sqlite3_column_int64 (stmt, 1));
    if (rc != SQLITE_DONE)
      {
        wd_store_set_error (self, error);
        return NULL;
      }
  }
  return g_steal_pointer (&counts);
}

/* Every row of a bound statement, as objects. */
static JsonArray *
rows_from (WdStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  g_autoptr(JsonArray) rows = json_array_new ();
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (rows, wd_stmt_row_to_json (stmt));
  if (rc != SQLITE_DONE)
    {
      wd_store_set_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static JsonArray *
rows_of (WdStore     *self,
         const char  *sql,
         const char  *param,
         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  if (param != NULL)
    wd_stmt_bind_text (stmt, 1, param);
  return rows_from (self, stmt, error);
}

/* Orders still going in the sub-district on the day of day_start, for
 * the same requester or at the same venue: what a second call about the
 * same request, or a colleague's entry of it, looks like. At most three,
 * earliest first; exclude_id (or NULL) is the order being edited. */
JsonArray *
wd_store_list_similar_orders (WdStore     *self,
                              const char  *subdistrict_id,
                              const char  *requester,
                              const char  *venue,
                              gint64       day_start,
                              const char  *exclude_id,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = wd_store_prepare (self,
      "SELECT id, number, title, state, starts_at, requester, venue FROM orders"
      " WHERE subdistrict_id = ? AND starts_at >= ? AND starts_at < ?"
      " AND state NOT IN ('cancelled', 'rejected') AND id IS NOT ?"
      " AND (requester = ? OR venue = ?) ORDER BY starts_at, id LIMIT 3", error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, subdistrict_id);
  sqlite3_bind_int64 (stmt, 2, day_start);
  sqlite3_bind_int64 (stmt, 3, day_start + 24 * 3600);
  wd_stmt_bind_text (stmt, 4, exclude_id);
  wd_stmt_bind_text (stmt, 5, requester ? requester : "");
  wd_stmt_bind_text (stmt, 6, venue ? venue : "");
  return rows_from (self, stmt, error);
}

/* Other speakers of that name (at most three), with what tells them
 * apart: a library of volunteers gets the same person entered twice. */
JsonArray *
wd_store_list_speakers_named (WdStore     *self,
                              const char  *name,
                              const char  *exclude_id,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = wd_store_prepare (self,
      "SELECT s.id, s.name, s.title, s.organisation, sd.name AS subdistrict_name FROM speakers s"
      " LEFT JOIN subdistricts sd ON sd.id = s.subdistrict_id"
      " WHERE s.name = ? AND s.id IS NOT ? ORDER BY s.id LIMIT 3", error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, name);
  wd_stmt_bind_text (stmt, 2, exclude_id);
  return rows_from (self, stmt, error);
}

JsonArray *
wd_store_get_history (WdStore     *self,
                      const char  *entity_id,
                      GError     **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return rows_of (self, "SELECT * FROM history WHERE entity_id = ? ORDER BY at, rowid",
                  entity_id, error);
}

JsonArray *
wd_store_list_fund_ledger (WdStore     *self,
                           const char  *fund_id,
                           GError     **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return rows_of (self, "SELECT * FROM fund_ledger WHERE fund_id = ? ORDER BY recorded_at, rowid",
                  fund_id, error);
}

JsonObject *
wd_store_get_reward_period (WdStore     *self,
                            const char  *period_id,
                            GError     **error)
{
  g_autoptr(JsonArray) periods = NULL;
  g_autoptr(JsonArray) lines = NULL;
  JsonObject *period;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  periods = rows_of (self, "SELECT * FROM reward_periods WHERE id = ?", period_id, error);
  if (periods == NULL)
    return NULL;
  if (json_array_get_length (periods) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("There is no reward period with the identifier “%s”"), period_id);
      return NULL;
    }
  lines = rows_of (self,
                   "SELECT l.*, COALESCE (sp.name, tm.name) AS recipient_name FROM reward_lines l"
                   " LEFT JOIN speakers sp ON l.recipient_kind = 'speaker' AND sp.id = l.recipient_id"
                   " LEFT JOIN teams tm ON l.recipient_kind = 'team' AND tm.id = l.recipient_id"
                   " WHERE l.period_id = ? ORDER BY l.amount_cents DESC, recipient_name",
                   period_id, error);
  if (lines == NULL)
    return NULL;

  period = json_object_ref (json_array_get_object_element (periods, 0));
  json_object_set_array_member (period, "lines", g_steal_pointer (&lines));
  return period;
}

/* The booking of assignee that overlaps [starts_at, ends_at), if any.
 * Only dispatched and accepted orders hold a slot. */
JsonObject *
wd_store_find_clash (WdStore         *self,
                     WdAssigneeKind   kind,
                     const char      *assignee_id,
                     gint64           starts_at,
                     gint64           ends_at,
                     const char      *exclude_order_id,
                     GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self,
      "SELECT id, number, title, starts_at, ends_at FROM orders"
      " WHERE assignee_id = ? AND assignee_kind = ? AND state IN ('dispatched', 'accepted')"
      " AND starts_at < ? AND ends_at > ? AND id <> ? ORDER BY starts_at LIMIT 1", error);

  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, assignee_id);
  wd_stmt_bind_text (stmt, 2, wd_assignee_kind_to_string (kind));
  sqlite3_bind_int64 (stmt, 3, ends_at);
  sqlite3_bind_int64 (stmt, 4, starts_at);
  wd_stmt_bind_text (stmt, 5, exclude_order_id ? exclude_order_id : "");
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return wd_stmt_row_to_json (stmt);
    case SQLITE_DONE:
      return NULL;
    default:
      wd_store_set_error (self, error);
      return NULL;
    }
}

static GArray *
collect_keys (WdStore  *self,
              Query    *q,
              GError  **error)
{
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *raw = query_prepare (q, self, error);
  int rc;

  if (raw == NULL)
    return NULL;
  {
    g_autoptr(sqlite3_stmt) stmt = raw;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 key = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (keys, key);
      }
    if (rc != SQLITE_DONE)
      {
        wd_store_set_error (self, error);
        return NULL;
      }
  }
  return g_steal_pointer (&keys);
}

typedef void (*AddFilter) (Query *q, gconstpointer filter);

/* The keys of the rows of a list with no search text, in order: held by
 * the store until the data changes. A keystroke's search then filters
 * them by the match instead of walking the list's index again. */
static GArray *
listed_keys (WdStore  *self,
             Query    *q,
             GError  **error)
{
  g_autofree char *described = query_describe (q);
  GArray *keys = wd_store_get_listed_keys (self, described);

  if (keys != NULL)
    return keys;
  keys = collect_keys (self, q, error);
  if (keys != NULL)
    wd_store_keep_listed_keys (self, described, keys);
  return keys;
}

/* The keys of one kind's rows that pass filter and, if text is given,
 * the search index; alias is the kind's table alias in its view. The
 * caller owns what it gets (a copy of what the store holds). */
static GArray *
read_keys (WdStore       *self,
           const char    *table,
           const char    *alias,
           AddFilter      add_filter,
           gconstpointer  filter,
           const char    *text,
           const char    *order_by,
           GError       **error)
{
  g_autofree char *match = text ? wd_search_build_match (text) : NULL;
  g_autofree char *select = g_strdup_printf ("SELECT %1$s.rowid FROM %2$s %1$s", alias, table);
  const WdSearchHits *hits = NULL;
  g_autoptr(GArray) listed = NULL;
  GArray *keys;
  Query q;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  if (match != NULL && *match != '\0')
    {
      hits = wd_store_search_hits (self, table, match, error);
      if (hits == NULL)
        return NULL;
    }

  query_init (&q, select);
  add_filter (&q, filter);
  g_string_append_printf (q.sql, " ORDER BY %s", order_by);
  listed = listed_keys (self, &q, error);
  query_clear (&q);
  if (listed == NULL)
    return NULL;

  keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), hits != NULL ? 0 : listed->len);
  if (hits == NULL)
    g_array_append_vals (keys, listed->data, listed->len);
  else
    for (guint i = 0; i < listed->len; i++)
      if (wd_search_hits_contain (hits, g_array_index (listed, gint64, i)))
        g_array_append_val (keys, g_array_index (listed, gint64, i));
  return keys;
}

GArray *
wd_store_order_keys (WdStore              *self,
                     const WdOrderFilter  *filter,
                     const char           *text,
                     GError              **error)
{
  return read_keys (self, "orders", "o", add_order_filter, filter, text, "o.starts_at, o.id", error);
}

GArray *
wd_store_speaker_keys (WdStore                *self,
                       const WdSpeakerFilter  *filter,
                       const char             *text,
                       GError                **error)
{
  return read_keys (self, "speakers", "sp", add_speaker_filter, filter, text, "sp.name, sp.id", error);
}

/* Projects on offer first. */
GArray *
wd_store_project_keys (WdStore                *self,
                       const WdProjectFilter  *filter,
                       const char             *text,
                       GError                **error)
{
  return read_keys (self, "projects", "p", add_project_filter, filter, text, "p.active DESC, p.title, p.id",
                    error);
}

/* Keys are looked up this many at a time, as the list of a statement
 * prepared once; the places of a shorter list are NULL, which matches
 * nothing. A list given as a JSON array made SQLite build a table of it
 * at each read, and a keystroke in a search reads five lists' rows. */
#define KEYS_PER_READ 50
#define TEN_PLACES "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define KEY_PLACES "(" TEN_PLACES ", " TEN_PLACES ", " TEN_PLACES ", " TEN_PLACES ", " TEN_PLACES ")"
G_STATIC_ASSERT (sizeof KEY_PLACES == 3 * KEYS_PER_READ + 1);

/* A view's rows by key, the key first. Written out whole, not formatted
 * at each read: formatting a statement this long took as long as the
 * read of the rows a search shows. */
#define ROWS_BY_KEY(alias, view_body) \
  "SELECT " alias ".rowid AS row_key, " view_body " WHERE " alias ".rowid IN " KEY_PLACES

static gboolean
read_keys_rows (WdStore        *self,
                const WdEntity *entity,
                sqlite3_stmt   *stmt,
                const gint64   *keys,
                guint           n_keys,
                GHashTable     *by_key,
                GError        **error)
{
  int rc;

  sqlite3_reset (stmt);
  for (guint i = 0; i < KEYS_PER_READ; i++)
    if (i < n_keys)
      sqlite3_bind_int64 (stmt, i + 1, keys[i]);
    else
      sqlite3_bind_null (stmt, i + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *row = finish_row (entity, stmt);
      gint64 *key = g_new (gint64, 1);

      *key = json_object_get_int_member (row, "row_key");
      json_object_remove_member (row, "row_key");
      g_hash_table_insert (by_key, key, row);
    }
  if (rc != SQLITE_DONE)
    return wd_store_set_error (self, error);
  return TRUE;
}

/* The rows of keys through sql (a ROWS_BY_KEY statement), as a table
 * from key (gint64 *) to row; a key whose row has gone since the keys
 * were read is not in it. */
static GHashTable *
rows_by_key (WdStore        *self,
             const WdEntity *entity,
             const char     *sql,
             const gint64   *keys,
             guint           n_keys,
             GError        **error)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify) json_object_unref);
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  for (guint first = 0; first < n_keys; first += KEYS_PER_READ)
    if (!read_keys_rows (self, entity, stmt, keys + first, MIN (KEYS_PER_READ, n_keys - first), by_key, error))
      return NULL;
  return g_steal_pointer (&by_key);
}

/* Returns the rows of keys, whole, as a table from key (gint64 *) to row;
 * a key whose row has gone since the keys were read is not in it. */
GHashTable *
wd_store_get_rows_by_key (WdStore       *self,
                          const char    *kind,
                          const gint64  *keys,
                          guint          n_keys,
                          GError       **error)
{
  const WdEntity *entity = wd_entity_lookup (kind);

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  if (entity == &wd_entity_order)
    return rows_by_key (self, entity, ROWS_BY_KEY ("o", ORDER_VIEW_BODY), keys, n_keys, error);
  if (entity == &wd_entity_speaker)
    return rows_by_key (self, entity, ROWS_BY_KEY ("sp", SPEAKER_VIEW_BODY), keys, n_keys, error);
  g_return_val_if_fail (entity == &wd_entity_project, NULL);
  return rows_by_key (self, entity, ROWS_BY_KEY ("p", PROJECT_VIEW_BODY), keys, n_keys, error);
}

/* As wd_store_get_rows_by_key, with the columns a list shows of a row:
 * for orders, what the board's cards and the schedule show and what
 * the actions a card offers depend on (ORDER_LIST_VIEW_BODY), since a search
 * reads the rows it shows while the user types. */
GHashTable *
wd_store_get_list_rows_by_key (WdStore       *self,
                               const char    *kind,
                               const gint64  *keys,
                               guint          n_keys,
                               GError       **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  if (wd_entity_lookup (kind) == &wd_entity_order)
    return rows_by_key (self, &wd_entity_order, ROWS_BY_KEY ("o", ORDER_LIST_VIEW_BODY), keys, n_keys,
                        error);
  return wd_store_get_rows_by_key (self, kind, keys, n_keys, error);
}

/* Returns the rows of keys in the order of keys; a key whose row has gone
 * since the keys were read is left out. */
JsonArray *
wd_store_get_rows (WdStore       *self,
                   const char    *kind,
                   const gint64  *keys,
                   guint          n_keys,
                   GError       **error)
{
  g_autoptr(GHashTable) by_key = wd_store_get_rows_by_key (self, kind, keys, n_keys, error);
  JsonArray *rows;

  if (by_key == NULL)
    return NULL;
  rows = json_array_new ();
  for (guint i = 0; i < n_keys; i++)
    {
      JsonObject *row = g_hash_table_lookup (by_key, &keys[i]);

      if (row != NULL)
        json_array_add_object_element (rows, json_object_ref (row));
    }
  return rows;
}

guint
wd_store_get_callback_rate (WdStore *self)
{
  return (guint) CLAMP (wd_store_get_setting_int (self, "callback_rate_percent", 20), 0, 100);
}

gboolean
wd_callback_sampled (const char *order_id,
                     guint       rate_percent)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  if (rate_percent >= 100)
    return TRUE;
  g_checksum_update (sum, (const guchar *) order_id, -1);
  g_checksum_get_digest (sum, digest, &len);
  return (guint) ((digest[0] << 8 | digest[1]) % 100) < rate_percent;
}

/* Delivered and rated orders of the sample that nobody has phoned yet,
 * the longest-waiting first, at most limit of them; *n_due, when asked
 * for, counts them all (the walk then goes on past the limit). */
JsonArray *
wd_store_callback_queue (WdStore     *self,
                         guint        rate_percent,
                         guint        limit,
                         guint       *n_due,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint due = 0;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  /* The earliest held first, in the order of an index, so the walk stops
   * at the limit instead of sorting every candidate (by end time it took
   * 200-400 ms on 100,000 orders, by start 60-75); and the sample is
   * chosen from bare ids, only the chosen rows read whole. */
  stmt = wd_store_prepare (self,
                           "SELECT o.rowid, o.id FROM orders o WHERE o.state IN ('delivered', 'rated')"
                           " AND NOT EXISTS (SELECT 1 FROM callbacks c WHERE c.order_id = o.id)"
                           " ORDER BY o.starts_at, o.id", error);
  if (stmt == NULL)
    return NULL;
  while ((keys->len < limit || n_due != NULL) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (wd_callback_sampled ((const char *) sqlite3_column_text (stmt, 1), rate_percent))
      {
        gint64 key = sqlite3_column_int64 (stmt, 0);

        if (keys->len < limit)
          g_array_append_val (keys, key);
        due++;
      }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      wd_store_set_error (self, error);
      return NULL;
    }
  g_clear_pointer (&stmt, wd_stmt_release);
  if (n_due != NULL)
    *n_due = due;
  return wd_store_get_rows (self, "order", (const gint64 *) keys->data, keys->len, error);
}

/* Which orders wait for the actor's next step, as an SQL condition on
 * orders o with parameters :sub, :kind and :assignee, and a name for that
 * queue; FALSE when the role waits on none. */
static gboolean
waiting_queue_of (const WdActor  *actor,
                  const char    **condition,
                  char          **queue)
{
  switch (actor->role)
    {
    case WD_ROLE_ADMIN:
    case WD_ROLE_CENTRE:
      *condition = "o.state = 'ordered'";
      *queue = g_strdup ("dispatch");
      return TRUE;
    case WD_ROLE_OFFICE:
      *condition = "o.state = 'delivered' AND o.subdistrict_id = :sub";
      *queue = g_strdup_printf ("rate:%s", actor->subdistrict_id);
      return actor->subdistrict_id != NULL;
    case WD_ROLE_TEAM:
      *condition = "o.state = 'dispatched' AND o.assignee_kind = :kind AND o.assignee_id = :assignee";
      *queue = g_strdup_printf ("answer:%s:%s", wd_assignee_kind_to_string (actor->assignee_kind),
                                actor->assignee_id);
      return actor->assignee_id != NULL;
    default:
      return FALSE;
    }
}

static void
bind_waiting (sqlite3_stmt  *stmt,
              const WdActor *actor,
              const char    *queue)
{
  const struct { const char *name; const char *value; } values[] = {
    { ":sub", actor->subdistrict_id },
    { ":kind", wd_assignee_kind_to_string (actor->assignee_kind) },
    { ":assignee", actor->assignee_id },
    { ":me", actor->user },
    { ":queue", queue },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      int index = sqlite3_bind_parameter_index (stmt, values[i].name);

      if (index > 0)
        wd_stmt_bind_text (stmt, index, values[i].value);
    }
}

static gboolean
run_waiting (WdStore       *self,
             const char    *sql,
             const WdActor *actor,
             const char    *queue,
             GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_waiting (stmt, actor, queue);
  return wd_store_run (self, stmt, error);
}

/* The orders waiting for the actor's next step now that were not when
 * this connection last asked for that queue, leaving out those the
 * actor brought there (theirs is the last entry of the order's history):
 * for the centre, orders to dispatch; for an office, its sub-district's
 * delivered orders to rate; for a team or speaker, the orders dispatched
 * to it. The first call for a queue only takes note. What waited is kept
 * by id in temporary tables of the connection, so a resync that rewrites
 * every row brings nothing "new". At most limit orders are read whole,
 * earliest first; *n_new counts them all. */
JsonArray *
wd_store_take_newly_waiting (WdStore        *self,
                             const WdActor  *actor,
                             guint           limit,
                             guint          *n_new,
                             GError        **error)
{
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *queue = NULL;
  g_autofree char *select_new = NULL;
  g_autofree char *remember = NULL;
  const char *condition = NULL;
  gboolean first;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  *n_new = 0;
  if (!waiting_queue_of (actor, &condition, &queue))
    return json_array_new ();
  if (!wd_store_begin_read (self, error))
    return NULL;
  if (!wd_store_exec (self, "CREATE TEMP TABLE IF NOT EXISTS waiting_seen (queue TEXT, id TEXT,"
                            " PRIMARY KEY (queue, id)) WITHOUT ROWID", error)
      || !wd_store_exec (self, "CREATE TEMP TABLE IF NOT EXISTS waiting_queues (queue TEXT PRIMARY KEY) WITHOUT ROWID",
                         error))
    goto failed;

  {
    g_autoptr(sqlite3_stmt) known = wd_store_prepare (self, "SELECT 1 FROM temp.waiting_queues WHERE queue = ?",
                                                      error);

    if (known == NULL)
      goto failed;
    wd_stmt_bind_text (known, 1, queue);
    first = sqlite3_step (known) != SQLITE_ROW;
  }

  if (!first)
    {
      g_autoptr(sqlite3_stmt) added = NULL;
      int rc;

      /* The bare index first: the history is looked at for new ones only. */
      select_new = g_strdup_printf (
          "SELECT o.rowid FROM orders o WHERE %s"
          " AND NOT EXISTS (SELECT 1 FROM temp.waiting_seen w WHERE w.queue = :queue AND w.id = o.id)"
          " AND (SELECT h.actor FROM history h WHERE h.entity_id = o.id ORDER BY h.at DESC, h.rowid DESC LIMIT 1)"
          " IS NOT :me ORDER BY o.starts_at, o.id", condition);
      added = wd_store_prepare (self, select_new, error);
      if (added == NULL)
        goto failed;
      bind_waiting (added, actor, queue);
      while ((rc = sqlite3_step (added)) == SQLITE_ROW)
        {
          gint64 key = sqlite3_column_int64 (added, 0);

          if (keys->len < limit)
            g_array_append_val (keys, key);
          (*n_new)++;
        }
      if (rc != SQLITE_DONE)
        {
          wd_store_set_error (self, error);
          goto failed;
        }
    }

  remember = g_strdup_printf ("INSERT INTO temp.waiting_seen SELECT :queue, o.id FROM orders o WHERE %s", condition);
  if (!run_waiting (self, "DELETE FROM temp.waiting_seen WHERE queue = :queue", actor, queue, error)
      || !run_waiting (self, remember, actor, queue, error)
      || !run_waiting (self, "INSERT OR IGNORE INTO temp.waiting_queues VALUES (:queue)", actor, queue, error)
      || !wd_store_commit (self, error))
    goto failed;
  return wd_store_get_rows (self, "order", (const gint64 *) keys->data, keys->len, error);

failed:
  wd_store_rollback (self);
  *n_new = 0;
  return NULL;
}

/* How many orders wait for the actor's next step (see
 * wd_store_take_newly_waiting for which), whoever brought them there;
 * -1 on failure. */
gint64
wd_store_count_waiting (WdStore        *self,
                        const WdActor  *actor,
                        GError        **error)
{
  g_autofree char *queue = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *condition = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), -1);

  if (!waiting_queue_of (actor, &condition, &queue))
    return 0;
  sql = g_strdup_printf ("SELECT count (*) FROM orders o WHERE %s", condition);
  stmt = wd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return -1;
  bind_waiting (stmt, actor, queue);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      wd_store_set_error (self, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* A speaker's photo as stored (an image file's bytes), or NULL when the
 * speaker has none or the store cannot say (then *error is set). */
GBytes *
wd_store_get_speaker_photo (WdStore     *self,
                            const char  *speaker_id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *text;
  guchar *bytes;
  gsize length;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = wd_store_prepare (self, "SELECT photo FROM speakers WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, speaker_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      break;
    case SQLITE_DONE:
      return NULL;
    default:
      wd_store_set_error (self, error);
      return NULL;
    }
  text = (const char *) sqlite3_column_text (stmt, 0);
  if (text == NULL)
    return NULL;
  bytes = g_base64_decode (text, &length);
  return g_bytes_new_take (bytes, length);
}

/* The sessions of a project booked to start in [from, to): its orders
 * that were neither cancelled nor rejected, whatever their state, since
 * each holds one of the team's sessions of that month. except_order_id
 * (or NULL) is left out: an order being moved does not hold a session
 * of the month it is moved to. */
gint64
wd_store_count_project_sessions (WdStore     *self,
                                 const char  *project_id,
                                 gint64       from,
                                 gint64       to,
                                 const char  *except_order_id,
                                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), -1);
  g_return_val_if_fail (project_id != NULL, -1);

  stmt = wd_store_prepare (self,
      "SELECT count (*) FROM orders WHERE project_id = ? AND starts_at >= ? AND starts_at < ?"
      " AND state NOT IN ('cancelled', 'rejected') AND id IS NOT ?", error);
  if (stmt == NULL)
    return -1;
  wd_stmt_bind_text (stmt, 1, project_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  wd_stmt_bind_text (stmt, 4, except_order_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      wd_store_set_error (self, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

JsonArray *
wd_store_get_callbacks (WdStore     *self,
                        const char  *order_id,
                        GError     **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return rows_of (self, "SELECT * FROM callbacks WHERE order_id = ? ORDER BY called_at, rowid",
                  order_id, error);
}

JsonArray *
wd_store_list_reward_periods (WdStore  *self,
                              GError  **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return rows_of (self,
                  "SELECT p.*, f.name AS fund_name FROM reward_periods p JOIN funds f ON f.id = p.fund_id"
                  " ORDER BY p.proposed_at DESC, p.rowid DESC", NULL, error);
}

JsonArray *
wd_store_list_funds (WdStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return rows_of (self, "SELECT * FROM funds ORDER BY name", NULL, error);
}

/* An order o counts on a service record when it was delivered (and not
 * cancelled since) in the period [?3, ?4), by when the service began, and
 * keeps credited hours: a complaint takes an activity's hours away. */
#define SERVICE_COUNTS \
  "o.state IN ('delivered', 'rated', 'rewarded', 'closed')" \
  " AND COALESCE (o.delivered_start, o.starts_at) >= ?3" \
  " AND COALESCE (o.delivered_start, o.starts_at) < ?4" \
  " AND COALESCE (o.credited_hours, o.hours, 0) > 0"

/* The services a speaker or team delivered from from to to (the
 * delivered start, or the planned one, within [from, to)) that count
 * for hours: delivered and not cancelled since, with credited hours
 * above zero (a complaint takes an activity's hours away). Oldest first;
 * each row as a certificate lists it. */
JsonArray *
wd_store_list_service_record (WdStore         *self,
                              WdAssigneeKind   holder_kind,
                              const char      *holder_id,
                              gint64           from,
                              gint64           to,
                              GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  g_return_val_if_fail (holder_id != NULL, NULL);

  stmt = wd_store_prepare (self,
      "SELECT o.id AS order_id, o.number, o.title, o.venue, s.name AS subdistrict,"
      "  t.name AS topic, COALESCE (o.delivered_start, o.starts_at) AS starts_at,"
      "  COALESCE (o.delivered_end, o.ends_at) AS ends_at,"
      "  COALESCE (o.credited_hours, o.hours, 0) AS hours"
      " FROM orders o"
      " JOIN subdistricts s ON s.id = o.subdistrict_id"
      " LEFT JOIN topics t ON t.id = o.topic_id"
      " WHERE o.assignee_id = ?1 AND o.assignee_kind = ?2 AND " SERVICE_COUNTS
      " ORDER BY 7, o.id", error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, holder_id);
  wd_stmt_bind_text (stmt, 2, wd_assignee_kind_to_string (holder_kind));
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  return rows_from (self, stmt, error);
}

/* Every speaker and team with a service in [from, to) that counts for a
 * certificate (as wd_store_list_service_record () counts), by name:
 * {holder_kind, holder_id, holder_name}. */
JsonArray *
wd_store_list_served (WdStore  *self,
                      gint64    from,
                      gint64    to,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = wd_store_prepare (self,
      "SELECT DISTINCT o.assignee_kind AS holder_kind, o.assignee_id AS holder_id,"
      "  COALESCE (sp.name, tm.name) AS holder_name"
      " FROM orders o"
      " LEFT JOIN speakers sp ON o.assignee_kind = 'speaker' AND sp.id = o.assignee_id"
      " LEFT JOIN teams tm ON o.assignee_kind = 'team' AND tm.id = o.assignee_id"
      " WHERE " SERVICE_COUNTS
      " ORDER BY holder_name, holder_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  return rows_from (self, stmt, error);
}

/* The hours of a wd_store_list_service_record () in all. */
double
wd_service_record_hours (JsonArray *record)
{
  double hours = 0;

  for (guint i = 0; i < json_array_get_length (record); i++)
    hours += json_object_get_double_member (json_array_get_object_element (record, i), "hours");
  return hours;
}

/* A holder's certificates, newest first (every one when holder_id is NULL). */
JsonArray *
wd_store_list_certificates (WdStore     *self,
                            const char  *holder_id,
                            GError     **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  if (holder_id == NULL)
    return rows_of (self, "SELECT * FROM certificates ORDER BY issued_at DESC, rowid DESC",
                    NULL, error);
  return rows_of (self, "SELECT * FROM certificates WHERE holder_id = ?"
                        " ORDER BY issued_at DESC, rowid DESC", holder_id, error);
}

/* The register's newest entries, without the services each lists. */
JsonArray *
wd_store_list_recent_certificates (WdStore  *self,
                                   guint     limit,
                                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = wd_store_prepare (self,
      "SELECT id, number, holder_kind, holder_id, holder_name, starts_at, ends_at, services, hours, purpose,"
      "  issued_by, issued_at, revoked_by, revoked_at, revoke_reason"
      " FROM certificates ORDER BY issued_at DESC, rowid DESC LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) limit);
  return rows_from (self, stmt, error);
}

JsonObject *
wd_store_get_certificate (WdStore     *self,
                          const char  *certificate_id,
                          GError     **error)
{
  g_autoptr(JsonArray) rows = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  g_return_val_if_fail (certificate_id != NULL, NULL);

  rows = rows_of (self, "SELECT * FROM certificates WHERE id = ?1 OR number = ?1"
                        " ORDER BY id = ?1 DESC LIMIT 1",
                  certificate_id, error);
  if (rows == NULL)
    return NULL;
  if (json_array_get_length (rows) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("There is no certificate with the identifier or number “%s”"), certificate_id);
      return NULL;
    }
  return json_object_ref (json_array_get_object_element (rows, 0));
}
