/* wd-sync-store.c: the outbox, the undo log and the applying of pulled
 * changes in a client's local store.
 *
 * A local operation is applied at once (the user sees it) and queued in
 * the outbox in the same transaction. While it is queued, triggers record
 * what it changed, row by row, in an undo log. When the server's changes
 * arrive, every queued operation is lifted off with the undo log, the
 * server's rows are written, the operations the server has answered are
 * dropped, and the rest are applied again on top: the local store is
 * always the server's state plus this client's pending work. */
#define G_LOG_DOMAIN "wudan-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-operations.h"
#include "wd-store-private.h"
#include "wd-sync-protocol.h"
#include "wd-sync-store.h"

#define SYNC_SCHEMA 2
#define CLOCK_TOLERANCE 60

/* The tables of shared data, parents before children. */
static const char * const synced_tables[] = {
  "meta", "subdistricts", "topics", "teams", "speakers", "speaker_topics", "projects",
  "project_venue_kinds", "orders", "ratings", "callbacks", "history", "funds", "fund_ledger",
  "reward_periods", "reward_lines", "reward_orders", "certificates",
};

/* The settings the server shares; the rest of meta is this install's own. */
#define SHARED_SETTINGS "('district_name', 'accept_hours', 'callback_rate_percent', 'reward_rules', 'time_zone')"

/* How a pulled entity is stored: its table and key column. */
static const struct
{
  const char *entity;
  const char *table;
  const char *key;
  const char *kind;     /* for the search index, or NULL */
} entities[] = {
  { "subdistrict", "subdistricts", "id", "subdistrict" },
  { "topic", "topics", "id", "topic" },
  { "team", "teams", "id", "team" },
  { "speaker", "speakers", "id", "speaker" },
  { "project", "projects", "id", "project" },
  { "order", "orders", "id", "order" },
  { "rating", "ratings", "order_id", NULL },
  { "callback", "callbacks", "id", NULL },
  { "history", "history", "id", NULL },
  { "fund", "funds", "id", NULL },
  { "fund_ledger", "fund_ledger", "id", NULL },
  { "reward_period", "reward_periods", "id", NULL },
  { "certificate", "certificates", "id", NULL },
  { "setting", "meta", "key", NULL },
};

typedef struct
{
  char      *table;
  GPtrArray *columns;      /* names */
  GArray    *types;        /* each column's declared JsonValue type */
  GPtrArray *keys;         /* primary key columns */
  char      *upsert;       /* INSERT … ON CONFLICT (keys) DO UPDATE */
  char      *undo_insert;  /* delete the row an operation inserted */
  char      *undo_update;  /* put back the columns an operation changed */
  char      *undo_delete;  /* put back the row an operation deleted */
} TableInfo;

static void
table_info_free (TableInfo *info)
{
  g_free (info->table);
  g_ptr_array_unref (info->columns);
  g_array_unref (info->types);
  g_ptr_array_unref (info->keys);
  g_free (info->upsert);
  g_free (info->undo_insert);
  g_free (info->undo_update);
  g_free (info->undo_delete);
  g_free (info);
}

static char *
join_mapped (GPtrArray  *names,
             const char *format,
             const char *separator)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GString) item = g_string_new (format);
      g_autofree char *index = g_strdup_printf ("%u", i);

      g_string_replace (item, "{c}", g_ptr_array_index (names, i), 0);
      g_string_replace (item, "{i}", index, 0);
      if (i > 0)
        g_string_append (out, separator);
      g_string_append (out, item->str);
    }
  return g_string_free (out, FALSE);
}

/* What a pulled value must be to go in a column declared so. */
static GType
column_type (const char *declared)
{
  if (g_strcmp0 (declared, "INTEGER") == 0)
    return G_TYPE_INT64;
  if (g_strcmp0 (declared, "REAL") == 0)
    return G_TYPE_DOUBLE;
  return G_TYPE_STRING;
}

static TableInfo *
read_table (WdStore    *store,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
  sqlite3_stmt *stmt = NULL;
  TableInfo *info = g_new0 (TableInfo, 1);
  g_autofree char *columns = NULL, *marks = NULL, *updates = NULL, *keys = NULL;
  g_autofree char *key_match = NULL, *set_old = NULL, *values_old = NULL;
  g_autoptr(GArray) key_order = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GPtrArray) unordered_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) restored = g_string_new (NULL);

  info->table = g_strdup (table);
  info->columns = g_ptr_array_new_with_free_func (g_free);
  info->types = g_array_new (FALSE, FALSE, sizeof (GType));
  info->keys = g_ptr_array_new_with_free_func (g_free);

  sqlite3_prepare_v2 (wd_store_get_db (store), sql, -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int pk = sqlite3_column_int (stmt, 5);

      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *fallback = (const char *) sqlite3_column_text (stmt, 4);
      GType type = column_type ((const char *) sqlite3_column_text (stmt, 2));

      g_ptr_array_add (info->columns, g_strdup (name));
      g_array_append_val (info->types, type);
      /* An old row recorded before the store gained a column (an upgrade
       * with operations queued) comes back with the column's default. */
      g_string_append_printf (restored, "%sCASE WHEN json_type (?2, '$.%s') IS NULL THEN %s"
                              " ELSE json_extract (?2, '$.%s') END",
                              restored->len ? ", " : "", name, fallback ? fallback : "NULL", name);
      if (pk > 0)
        {
          g_ptr_array_add (unordered_keys, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
          g_array_append_val (key_order, pk);
        }
    }
  sqlite3_finalize (stmt);
  for (int k = 1; k <= (int) key_order->len; k++)
    for (guint i = 0; i < key_order->len; i++)
      if (g_array_index (key_order, int, i) == k)
        g_ptr_array_add (info->keys, g_strdup (g_ptr_array_index (unordered_keys, i)));

  columns = join_mapped (info->columns, "{c}", ", ");
  marks = join_mapped (info->columns, "?", ", ");
  updates = join_mapped (info->columns, "{c} = excluded.{c}", ", ");
  keys = join_mapped (info->keys, "{c}", ", ");
  key_match = join_mapped (info->keys, "{c} = json_extract (?1, '$[{i}]')", " AND ");
  /* A column the old row does not name keeps its value (see above). */
  set_old = join_mapped (info->columns,
                         "{c} = CASE WHEN json_type (?2, '$.{c}') IS NULL THEN {c} ELSE json_extract (?2, '$.{c}') END",
                         ", ");
  values_old = g_string_free (g_steal_pointer (&restored), FALSE);

  info->upsert = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s",
                                  table, columns, marks, keys, updates);
  info->undo_insert = g_strdup_printf ("DELETE FROM %s WHERE %s", table, key_match);
  info->undo_update = g_strdup_printf ("UPDATE %s SET %s WHERE %s", table, set_old, key_match);
  info->undo_delete = g_strdup_printf ("INSERT OR REPLACE INTO %s (%s) VALUES (%s)", table, columns, values_old);
  return info;
}

static GHashTable *
tables (WdStore *store)
{
  GHashTable *infos = g_object_get_data (G_OBJECT (store), "wd-sync-tables");

  if (infos == NULL)
    {
      infos = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) table_info_free);
      for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
        {
          TableInfo *info = read_table (store, synced_tables[i]);

          g_hash_table_insert (infos, info->table, info);
        }
      g_object_set_data_full (G_OBJECT (store), "wd-sync-tables", infos, (GDestroyNotify) g_hash_table_unref);
    }
  return infos;
}

static TableInfo *
table (WdStore    *store,
       const char *name)
{
  return g_hash_table_lookup (tables (store), name);
}

/* Triggers that, while an operation is being recorded, keep the old
 * state of every row it touches. */
static char *
undo_triggers (WdStore *store)
{
  GString *sql = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    {
      TableInfo *info = table (store, synced_tables[i]);
      g_autofree char *new_key = join_mapped (info->keys, "NEW.{c}", ", ");
      g_autofree char *old_key = join_mapped (info->keys, "OLD.{c}", ", ");
      g_autofree char *old_row = join_mapped (info->columns, "'{c}', OLD.{c}", ", ");
      const char *when = "WHEN EXISTS (SELECT 1 FROM sync_recording)";

      g_string_append_printf (sql,
          "CREATE TRIGGER IF NOT EXISTS undo_%1$s_i AFTER INSERT ON %1$s %2$s BEGIN"
          " INSERT INTO sync_undo (seq, tbl, how, pk) SELECT seq, '%1$s', 'i', json_array (%3$s)"
          " FROM sync_recording; END;"
          "CREATE TRIGGER IF NOT EXISTS undo_%1$s_u BEFORE UPDATE ON %1$s %2$s BEGIN"
          " INSERT INTO sync_undo (seq, tbl, how, pk, old) SELECT seq, '%1$s', 'u', json_array (%4$s),"
          " json_object (%5$s) FROM sync_recording; END;"
          "CREATE TRIGGER IF NOT EXISTS undo_%1$s_d BEFORE DELETE ON %1$s %2$s BEGIN"
          " INSERT INTO sync_undo (seq, tbl, how, pk, old) SELECT seq, '%1$s', 'd', json_array (%4$s),"
          " json_object (%5$s) FROM sync_recording; END;",
          info->table, when, new_key, old_key, old_row);
    }
  return g_string_free (sql, FALSE);
}

static const char client_schema[] =
  "CREATE TABLE IF NOT EXISTS sync_outbox ("
  "  seq INTEGER PRIMARY KEY,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  args TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  at INTEGER NOT NULL"
  ");"
  "CREATE TABLE IF NOT EXISTS sync_undo ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  seq INTEGER NOT NULL,"
  "  tbl TEXT NOT NULL,"
  "  how TEXT NOT NULL,"
  "  pk TEXT NOT NULL,"
  "  old TEXT"
  ");"
  /* One row while an operation is being applied and recorded. */
  "CREATE TABLE IF NOT EXISTS sync_recording (seq INTEGER NOT NULL);"
  /* One row per operation the server refused, or per notice (its op_id
   * then names the event): an answer that comes twice is listed once. */
  "CREATE TABLE IF NOT EXISTS sync_problems ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  seq INTEGER NOT NULL,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  args TEXT NOT NULL,"
  "  code TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  now TEXT NOT NULL DEFAULT '',"
  "  at INTEGER NOT NULL"
  ");";

/* The undo triggers name every column of the synced tables as the store
 * had them when they were made: after the store gained columns (a schema
 * upgrade), they are made again, or an operation's change to a new
 * column could not be undone. */
static gboolean
refresh_undo_triggers (WdStore  *store,
                       GError  **error)
{
  g_autofree char *version = g_strdup_printf ("%d", wd_store_get_schema_version (store));
  g_autofree char *triggers = NULL;

  if (wd_store_get_setting_int (store, "sync_triggers_schema", 0) == wd_store_get_schema_version (store))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER IF EXISTS undo_%1$s_i;"
                                               "DROP TRIGGER IF EXISTS undo_%1$s_u;"
                                               "DROP TRIGGER IF EXISTS undo_%1$s_d;", synced_tables[i]);

      if (!wd_store_exec (store, drop, error))
        return FALSE;
    }
  triggers = undo_triggers (store);
  return wd_store_exec (store, triggers, error)
      && wd_store_set_setting (store, "sync_triggers_schema", version, error);
}

/* Schema 1 kept one problem per operation number; numbers start again
 * when an install does (wd_sync_store_renumber), so problems are now
 * told apart by op_id. The old table is set aside before the schema
 * makes the new one, and its rows copied over after; notices had no
 * op_id, and each gets its row's. */
#define SET_PROBLEMS_1_ASIDE "ALTER TABLE sync_problems RENAME TO sync_problems_1;"
#define COPY_PROBLEMS_1 \
  "INSERT INTO sync_problems" \
  " SELECT id, seq, CASE op_id WHEN '' THEN 'notice-' || id ELSE op_id END," \
  "        kind, args, code, message, now, at FROM sync_problems_1;" \
  "DROP TABLE sync_problems_1;"

gboolean
wd_sync_store_prepare (WdStore  *store,
                       GError  **error)
{
  g_autofree char *client_id = NULL;
  gint64 from;

  if (wd_store_get_setting_int (store, "sync_schema", 0) >= SYNC_SCHEMA)
    {
      if (wd_store_get_setting_int (store, "sync_triggers_schema", 0) == wd_store_get_schema_version (store))
        return TRUE;
      if (!wd_store_begin (store, error))
        return FALSE;
      if (!refresh_undo_triggers (store, error))
        {
          wd_store_rollback (store);
          return FALSE;
        }
      return wd_store_commit (store, error);
    }

  if (!wd_store_begin (store, error))
    return FALSE;
  from = wd_store_get_setting_int (store, "sync_schema", 0);
  client_id = g_uuid_string_random ();
  if ((from == 1 && !wd_store_exec (store, SET_PROBLEMS_1_ASIDE, error))
      || !wd_store_exec (store, client_schema, error)
      || (from == 1 && !wd_store_exec (store, COPY_PROBLEMS_1, error))
      || !refresh_undo_triggers (store, error)
      || (from == 0 && !wd_store_set_setting (store, "sync_client_id", client_id, error))
      || (from == 0 && !wd_store_set_setting (store, "sync_next_seq", "1", error))
      || !wd_store_set_setting (store, "sync_schema", G_STRINGIFY (SYNC_SCHEMA), error))
    {
      wd_store_rollback (store);
      return FALSE;
    }
  /* Order numbers come from the server from now on. */
  wd_store_set_authoritative (store, FALSE);
  return wd_store_commit (store, error);
}

char *
wd_sync_store_get (WdStore    *store,
                   const char *key)
{
  return wd_store_get_setting (store, key);
}

gint64
wd_sync_store_get_int (WdStore    *store,
                       const char *key)
{
  return wd_store_get_setting_int (store, key, 0);
}

gboolean
wd_sync_store_set (WdStore     *store,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (value != NULL)
    return wd_store_set_setting (store, key, value, error);
  stmt = wd_store_prepare (store, "DELETE FROM meta WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, key);
  return wd_store_run (store, stmt, error);
}

static gboolean
set_int (WdStore     *store,
         const char  *key,
         gint64       value,
         GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return wd_store_set_setting (store, key, text, error);
}

/* A cursor belongs to the lineage of the server's database it was read
 * from (docs/sync.md): a page names it; a snapshot does not, and the
 * pull after it learns it. */
static gboolean
set_cursor (WdStore     *store,
            gint64       cursor,
            const char  *epoch,
            GError     **error)
{
  return set_int (store, "sync_cursor", cursor, error)
      && wd_sync_store_set (store, "sync_epoch", epoch, error);
}

static gboolean
start_at_snapshot (WdStore     *store,
                   gint64       cursor,
                   GError     **error)
{
  return set_cursor (store, cursor, NULL, error);
}

/* Makes the store a new install to the server: a new client id, its
 * operations numbered from 1 again, and its copy to be fetched again
 * from the start (a snapshot replaces what it holds). Only with nothing
 * queued: the old id's operations could no longer be sent. */
gboolean
wd_sync_store_start_afresh (WdStore  *store,
                            GError  **error)
{
  g_autofree char *client_id = g_uuid_string_random ();

  if (!wd_store_begin (store, error))
    return FALSE;
  /* Checked again here: a change may have been queued since the caller
   * looked (the app goes on working while it signs in). */
  if (wd_sync_store_count_pending (store) > 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("A change was made while signing in; sign in again as before and sync it first"));
      wd_store_rollback (store);
      return FALSE;
    }
  if (!wd_store_set_setting (store, "sync_client_id", client_id, error)
      || !wd_store_set_setting (store, "sync_next_seq", "1", error)
      || !set_int (store, "sync_acked", 0, error)
      || !wd_sync_store_set (store, "sync_acked_epoch", NULL, error)
      || !set_cursor (store, 0, NULL, error))
    {
      wd_store_rollback (store);
      return FALSE;
    }
  return wd_store_commit (store, error);
}

/* How many seconds the server's clock is ahead of this computer's (behind
 * when negative), as last seen; 0 when they agree within a minute, the
 * most an answer's Date and its time on the way can tell apart. */
gint64
wd_sync_store_clock_offset (WdStore *store)
{
  return wd_store_get_setting_int (store, "sync_clock_offset", 0);
}

/* The fingerprint of the server certificate this store trusts because
 * the user confirmed it (one no known authority signed), or NULL. */
char *
wd_sync_store_trusted_certificate (WdStore *store)
{
  g_autofree char *pem = wd_sync_store_get (store, "sync_certificate");
  g_autoptr(GTlsCertificate) certificate = pem ? g_tls_certificate_new_from_pem (pem, -1, NULL) : NULL;

  return certificate != NULL ? wd_sync_certificate_fingerprint (certificate) : NULL;
}

/* The time by the server's clock, as far as this computer's can tell. */
gint64
wd_sync_store_now (WdStore *store)
{
  return g_get_real_time () / G_USEC_PER_SEC + wd_sync_store_clock_offset (store);
}

/* Records an offset seen in an answer, written only when it differs by
 * a minute or more from the one recorded: answers come many a sync. */
void
wd_sync_store_note_clock_offset (WdStore *store,
                                 gint64   offset)
{
  gint64 known = wd_sync_store_clock_offset (store);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (ABS (offset) < CLOCK_TOLERANCE)
    offset = 0;
  if (ABS (offset - known) < CLOCK_TOLERANCE && (offset == 0) == (known == 0))
    return;
  text = g_strdup_printf ("%" G_GINT64_FORMAT, offset);
  if (!wd_store_set_setting (store, "sync_clock_offset", text, &error))
    g_warning ("Could not record the server's clock: %s", error->message);
}

/* Makes the store a new install to the server keeping its queue: a new
 * client id, the queued operations numbered from 1 in their order, and
 * the copy it holds as it is. For a store whose id another install
 * sends under as well (its file copied to a second computer): the
 * server knows an operation by its op_id whatever its number, so what
 * both sent is applied once (docs/sync.md). */
gboolean
wd_sync_store_renumber (WdStore  *store,
                        GError  **error)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *next = NULL;

  if (!wd_store_begin (store, error))
    return FALSE;
  next = g_strdup_printf ("%u", wd_sync_store_count_pending (store) + 1);
  /* Through negative numbers, so no new number meets an old one. */
  if (!wd_store_exec (store,
                      "CREATE TEMP TABLE renumbered AS"
                      " SELECT seq AS old, row_number () OVER (ORDER BY seq) AS new FROM sync_outbox;"
                      "UPDATE sync_outbox SET seq = -(SELECT new FROM renumbered WHERE old = sync_outbox.seq);"
                      "UPDATE sync_outbox SET seq = -seq;"
                      "UPDATE sync_undo SET seq = (SELECT new FROM renumbered WHERE old = sync_undo.seq)"
                      " WHERE seq IN (SELECT old FROM renumbered);"
                      "DROP TABLE renumbered;", error)
      || !wd_store_set_setting (store, "sync_client_id", client_id, error)
      || !wd_store_set_setting (store, "sync_next_seq", next, error)
      || !set_int (store, "sync_acked", 0, error)
      || !wd_sync_store_set (store, "sync_acked_epoch", NULL, error))
    {
      wd_store_rollback (store);
      wd_store_exec (store, "DROP TABLE IF EXISTS temp.renumbered", NULL);
      return FALSE;
    }
  return wd_store_commit (store, error);
}

/* Whether what a pull says of this install's operations is about them:
 * the server has answered no number this install has not yet given, and
 * each answer names the op_id queued under its number. Otherwise another
 * install uses the id. (An answer whose operation has left the queue
 * was to this install, before.) */
gboolean
wd_sync_store_owns_answers (WdStore   *store,
                            gint64     last_seq,
                            JsonArray *results)
{
  gint64 next = wd_store_get_setting_int (store, "sync_next_seq", 1);
  g_autoptr(sqlite3_stmt) find = wd_store_prepare (store, "SELECT op_id FROM sync_outbox WHERE seq = ?", NULL);

  if (last_seq >= next)
    return FALSE;
  for (guint i = 0; find != NULL && results != NULL && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      if (result == NULL)
        continue;
      sqlite3_reset (find);
      sqlite3_bind_int64 (find, 1, json_object_get_int_member_with_default (result, "seq", 0));
      if (sqlite3_step (find) == SQLITE_ROW
          && g_strcmp0 ((const char *) sqlite3_column_text (find, 0),
                        json_object_get_string_member_with_default (result, "op_id", NULL)) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
recording (WdStore     *store,
           gint64       seq,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) clear = wd_store_prepare (store, "DELETE FROM sync_recording", error);
  g_autoptr(sqlite3_stmt) start = NULL;

  if (clear == NULL || !wd_store_run (store, clear, error))
    return FALSE;
  if (seq <= 0)
    return TRUE;
  start = wd_store_prepare (store, "INSERT INTO sync_recording (seq) VALUES (?)", error);
  if (start == NULL)
    return FALSE;
  sqlite3_bind_int64 (start, 1, seq);
  return wd_store_run (store, start, error);
}

static WdActor *
actor_from_json (const char *text)
{
  g_autoptr(JsonObject) object = wd_json_parse_object (text, -1, NULL);

  return object != NULL ? wd_actor_from_json (object, "user") : NULL;
}

/* Applies an operation locally and queues it for the server, in one
 * transaction: either both happen or neither. A local refusal is final
 * and queues nothing. */
gboolean
wd_sync_store_apply_local (WdStore        *store,
                           const WdActor  *actor,
                           gint64          now,
                           const char     *kind,
                           JsonObject     *args,
                           JsonObject    **result,
                           GError        **error)
{
  g_autofree char *op_id = g_uuid_string_random ();
  g_autoptr(JsonObject) actor_json = wd_actor_to_json (actor, "user");
  g_autofree char *actor_text = wd_json_object_to_string (actor_json, FALSE);
  g_autofree char *args_text = wd_json_object_to_string (args, FALSE);
  g_autoptr(sqlite3_stmt) queue = NULL;
  gint64 seq;

  if (!wd_store_begin (store, error))
    return FALSE;
  seq = wd_store_get_setting_int (store, "sync_next_seq", 1);

  if (!recording (store, seq, error)
      || !wd_operation_apply (store, actor, now, op_id, kind, args, result, error)
      || !recording (store, 0, error))
    goto fail;

  queue = wd_store_prepare (store, "INSERT INTO sync_outbox (seq, op_id, kind, args, actor, at)"
                                   " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (queue == NULL)
    goto fail;
  sqlite3_bind_int64 (queue, 1, seq);
  wd_stmt_bind_text (queue, 2, op_id);
  wd_stmt_bind_text (queue, 3, kind);
  wd_stmt_bind_text (queue, 4, args_text);
  wd_stmt_bind_text (queue, 5, actor_text);
  sqlite3_bind_int64 (queue, 6, now);
  if (!wd_store_run (store, queue, error) || !set_int (store, "sync_next_seq", seq + 1, error))
    goto fail;
  return wd_store_commit (store, error);

fail:
  wd_store_rollback (store);
  return FALSE;
}

/* Queued operations after seq after, oldest first, as protocol ops: at
 * most limit of them, and no more than max_bytes of arguments unless a
 * single operation is larger. */
GPtrArray *
wd_sync_store_pending (WdStore  *store,
                       gint64    after,
                       guint     limit,
                       gsize     max_bytes,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT seq, op_id, kind, args, at FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?", error);
  GPtrArray *ops;
  gsize bytes = 0;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int (stmt, 2, (int) limit);
  ops = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_sync_op_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) args = NULL;

      bytes += (gsize) sqlite3_column_bytes (stmt, 3);
      if (bytes > max_bytes && ops->len > 0)
        break;
      args = wd_json_parse_object ((const char *) sqlite3_column_text (stmt, 3), -1, NULL);
      if (args == NULL)
        args = json_object_new ();
      g_ptr_array_add (ops, wd_sync_op_new (sqlite3_column_int64 (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 1),
                                            (const char *) sqlite3_column_text (stmt, 2),
                                            args, sqlite3_column_int64 (stmt, 4)));
    }
  return ops;
}

guint
wd_sync_store_count_pending (WdStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "SELECT count (*) FROM sync_outbox", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return (guint) sqlite3_column_int (stmt, 0);
}

/* The search index follows rows written by the store's own functions;
 * rows put back by the undo log or written from a pull are marked here. */
static void
mark_for_index (WdStore    *store,
                const char *table_name,
                const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (entities[i].kind != NULL && g_str_equal (entities[i].table, table_name))
      wd_store_mark_stale (store, entities[i].kind, id);
}

/* Lifts every queued operation off the store, newest change first. */
static gboolean
undo_all (WdStore  *store,
          GError  **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(sqlite3_stmt) clear = NULL;

  {
    g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
        "SELECT tbl, how, pk, old FROM sync_undo ORDER BY id DESC", error);

    if (stmt == NULL)
      return FALSE;
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        char **record = g_new0 (char *, 5);

        for (int c = 0; c < 4; c++)
          record[c] = wd_stmt_dup_text (stmt, c);
        g_ptr_array_add (records, record);
      }
  }

  for (guint i = 0; i < records->len; i++)
    {
      char **record = g_ptr_array_index (records, i);
      TableInfo *info = table (store, record[0]);
      const char *sql = g_str_equal (record[1], "i") ? info->undo_insert
                      : g_str_equal (record[1], "u") ? info->undo_update : info->undo_delete;
      g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);
      g_autoptr(JsonNode) pk = wd_json_parse (record[2], -1, NULL);

      if (stmt == NULL)
        return FALSE;
      wd_stmt_bind_text (stmt, 1, record[2]);
      wd_stmt_bind_text (stmt, 2, record[3]);
      if (!wd_store_run (store, stmt, error))
        return FALSE;
      if (pk != NULL && JSON_NODE_HOLDS_ARRAY (pk) && json_array_get_length (json_node_get_array (pk)) == 1)
        {
          JsonNode *key = json_array_get_element (json_node_get_array (pk), 0);

          if (JSON_NODE_HOLDS_VALUE (key) && json_node_get_value_type (key) == G_TYPE_STRING)
            mark_for_index (store, record[0], json_node_get_string (key));
        }
    }

  clear = wd_store_prepare (store, "DELETE FROM sync_undo", error);
  return clear != NULL && wd_store_run (store, clear, error);
}

/* Binds a pulled value to a column declared as type. A value of another
 * kind is refused rather than stored as whatever it is: SQLite would keep
 * text in a column of numbers, and the app would read it as 0. */
static gboolean
bind_value (sqlite3_stmt  *stmt,
            int            index,
            GType          type,
            JsonNode      *node,
            const char    *table_name,
            const char    *column_name,
            GError       **error)
{
  GType given = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    sqlite3_bind_null (stmt, index);
  else if (given == G_TYPE_INT64 && type != G_TYPE_STRING)
    sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
  else if (given == G_TYPE_BOOLEAN && type == G_TYPE_INT64)
    sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
  else if (given == G_TYPE_DOUBLE && type == G_TYPE_DOUBLE)
    sqlite3_bind_double (stmt, index, json_node_get_double (node));
  else if (given == G_TYPE_STRING && type == G_TYPE_STRING)
    wd_stmt_bind_text (stmt, index, json_node_get_string (node));
  else
    {
      g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
                   _("The server sent %s.%s as %s, which that column cannot hold"), table_name, column_name,
                   given != G_TYPE_INVALID ? g_type_name (given) : json_node_type_name (node));
      return FALSE;
    }
  return TRUE;
}

static gboolean
upsert_row (WdStore     *store,
            const char  *table_name,
            JsonObject  *row,
            GError     **error)
{
  TableInfo *info = table (store, table_name);
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, info->upsert, error);

  if (stmt == NULL)
    return FALSE;
  for (guint c = 0; c < info->columns->len; c++)
    {
      const char *column_name = g_ptr_array_index (info->columns, c);

      if (!bind_value (stmt, (int) c + 1, g_array_index (info->types, GType, c),
                       json_object_get_member (row, column_name), table_name, column_name, error))
        return FALSE;
    }
  return wd_store_run (store, stmt, error);
}

static gboolean
delete_where (WdStore     *store,
              const char  *table_name,
              const char  *column,
              const char  *value,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE %s = ?", table_name, column);
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, value);
  return wd_store_run (store, stmt, error);
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A row's list: none when absent or null, refused when anything else. */
static gboolean
list_member (JsonObject  *row,
             const char  *name,
             JsonArray  **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (row, name);

  *out = array_member (row, name);
  if (*out != NULL || node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED, _("The server sent %s that is not a list"), name);
  return FALSE;
}

static gboolean
refuse_entry (const char  *name,
              GError     **error)
{
  g_set_error (error, WD_SYNC_ERROR, WD_SYNC_ERROR_MALFORMED,
               _("The server sent an entry of %s that is not what it should be"), name);
  return FALSE;
}

/* Replaces the links of an owner (a speaker's topics) by the row's list
 * of identifiers. */
static gboolean
replace_links (WdStore     *store,
               const char  *link_table,
               const char  *owner,
               JsonObject  *row,
               const char  *name,
               GError     **error)
{
  JsonArray *ids;

  if (!list_member (row, name, &ids, error) || !delete_where (store, link_table, "owner_id", owner, error))
    return FALSE;
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      g_autoptr(JsonObject) link = json_object_new ();
      JsonNode *id = json_array_get_element (ids, i);

      if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
        return refuse_entry (name, error);
      json_object_set_string_member (link, "owner_id", owner);
      json_object_set_string_member (link, "ref_id", json_node_get_string (id));
      if (!upsert_row (store, link_table, link, error))
        return FALSE;
    }
  return TRUE;
}

/* Replaces a reward period's rows in child_table by the row's list. */
static gboolean
replace_children (WdStore     *store,
                  const char  *child_table,
                  const char  *owner,
                  JsonObject  *row,
                  const char  *name,
                  GError     **error)
{
  JsonArray *rows;

  if (!list_member (row, name, &rows, error) || !delete_where (store, child_table, "period_id", owner, error))
    return FALSE;
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *child = json_array_get_element (rows, i);

      if (!JSON_NODE_HOLDS_OBJECT (child))
        return refuse_entry (name, error);
      if (!upsert_row (store, child_table, json_node_get_object (child), error))
        return FALSE;
    }
  return TRUE;
}

/* Writes one pulled change: the entity's current row, or its removal. */
static gboolean
apply_change (WdStore     *store,
              JsonObject  *change,
              GError     **error)
{
  const char *entity = json_object_get_string_member_with_default (change, "entity", "");
  const char *key = json_object_get_string_member_with_default (change, "key", "");
  JsonNode *row_node = json_object_get_member (change, "row");
  JsonObject *row = row_node && JSON_NODE_HOLDS_OBJECT (row_node) ? json_node_get_object (row_node) : NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (entities[i].entity, entity))
      break;
  if (i == G_N_ELEMENTS (entities))
    {
      /* A newer server's entity this client does not know: skip it. */
      g_debug ("Skipping a change of unknown entity %s", entity);
      return TRUE;
    }

  if (entities[i].kind != NULL)
    wd_store_mark_stale (store, entities[i].kind, key);

  if (row == NULL)
    return delete_where (store, entities[i].table, entities[i].key, key, error);

  if (!upsert_row (store, entities[i].table, row, error))
    return FALSE;
  if (g_str_equal (entity, "speaker"))
    return replace_links (store, "speaker_topics", key, row, "topics", error);
  if (g_str_equal (entity, "project"))
    return replace_links (store, "project_venue_kinds", key, row, "venue_kinds", error);
  if (g_str_equal (entity, "reward_period"))
    return replace_children (store, "reward_lines", key, row, "lines", error)
        && replace_children (store, "reward_orders", key, row, "orders", error);
  return TRUE;
}

static gboolean
clear_mirror (WdStore  *store,
              GError  **error)
{
  /* Children first; the settings that are not shared stay. */
  for (guint i = G_N_ELEMENTS (synced_tables); i > 0; i--)
    {
      const char *name = synced_tables[i - 1];
      g_autofree char *sql = g_str_equal (name, "meta")
        ? g_strdup ("DELETE FROM meta WHERE key IN " SHARED_SETTINGS)
        : g_strdup_printf ("DELETE FROM %s", name);

      if (!wd_store_exec (store, sql, error))
        return FALSE;
    }
  return TRUE;
}

/* Applies the queued operations again over the store as it now is. One
 * that no longer applies here stays queued: the server has the last word. */
static gboolean
replay (WdStore  *store,
        GError  **error)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  {
    g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
        "SELECT seq, op_id, kind, args, actor, at FROM sync_outbox ORDER BY seq", error);

    if (stmt == NULL)
      return FALSE;
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        char **op = g_new0 (char *, 7);

        for (int c = 0; c < 6; c++)
          op[c] = wd_stmt_dup_text (stmt, c);
        g_ptr_array_add (queued, op);
      }
  }

  for (guint i = 0; i < queued->len; i++)
    {
      char **op = g_ptr_array_index (queued, i);
      g_autoptr(WdActor) actor = actor_from_json (op[4]);
      g_autoptr(JsonObject) args = wd_json_parse_object (op[3], -1, NULL);
      g_autoptr(GError) refusal = NULL;

      if (actor == NULL || args == NULL)
        continue;
      if (!recording (store, g_ascii_strtoll (op[0], NULL, 10), error))
        return FALSE;
      if (!wd_operation_apply (store, actor, g_ascii_strtoll (op[5], NULL, 10), op[1], op[2], args, NULL,
                               &refusal))
        {
          if (!wd_error_is_refusal (refusal))
            {
              g_propagate_error (error, g_steal_pointer (&refusal));
              return FALSE;
            }
          g_debug ("Queued %s no longer applies here: %s", op[2], refusal->message);
        }
    }
  return recording (store, 0, error);
}

typedef gboolean (*MirrorWriter) (WdStore   *store,
                                  gpointer   data,
                                  GError   **error);

/* Rewrites the server's part of the store in one transaction: lift the
 * queued operations off, let write put in what the server sent, drop the
 * operations the server has answered (up to acked; none when acked is
 * negative), replay the rest. */
static gboolean
rewrite_mirror (WdStore       *store,
                MirrorWriter   write,
                gpointer       data,
                gint64         acked,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) drop = NULL;

  /* The log is in order of change, not of reference: a page may hold an
   * order whose project comes in a later page. The server keeps the
   * references whole; between pages the copy may point ahead. (The pragma
   * only takes effect outside a transaction.) */
  if (!wd_store_exec (store, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  /* A page lost to a power cut is pulled again (cursor and rows commit
   * together); only the outbox needs every commit on disk, and it keeps
   * the default FULL sync outside this function. */
  wd_store_exec (store, "PRAGMA synchronous = NORMAL", NULL);
  if (!wd_store_begin (store, error))
    goto restore;
  if (!undo_all (store, error) || !write (store, data, error))
    goto fail;

  if (acked >= 0)
    {
      drop = wd_store_prepare (store, "DELETE FROM sync_outbox WHERE seq <= ?", error);
      if (drop == NULL)
        goto fail;
      sqlite3_bind_int64 (drop, 1, acked);
      if (!wd_store_run (store, drop, error) || !set_int (store, "sync_acked", acked, error))
        goto fail;
    }
  if (!replay (store, error))
    goto fail;
  if (!wd_store_commit (store, error))
    goto restore;
  wd_store_exec (store, "PRAGMA synchronous = FULL", NULL);
  return wd_store_exec (store, "PRAGMA foreign_keys = ON", error);

fail:
  wd_store_rollback (store);
restore:
  wd_store_exec (store, "PRAGMA synchronous = FULL", NULL);
  wd_store_exec (store, "PRAGMA foreign_keys = ON", NULL);
  return FALSE;
}

typedef struct
{
  JsonObject *page;
  gboolean    clear_first;   /* the store's own work was kept aside */
} PageWrite;

static gboolean
write_page (WdStore     *store,
            gpointer     data,
            GError     **error)
{
  PageWrite *write = data;
  JsonObject *page = write->page;
  JsonArray *changes = array_member (page, "changes");
  const char *epoch = json_object_get_string_member_with_default (page, "epoch", NULL);

  if ((write->clear_first && !clear_mirror (store, error)) || !set_int (store, "sync_pulled", 1, error))
    return FALSE;
  /* Operations a page acknowledges (their push answer lost) belong to
   * its lineage as well. */
  if (epoch != NULL
      && json_object_get_int_member_with_default (page, "last_seq", 0) > wd_sync_store_get_int (store, "sync_acked")
      && !wd_sync_store_set (store, "sync_acked_epoch", epoch, error))
    return FALSE;

  if (json_object_get_boolean_member_with_default (page, "reset", FALSE))
    return clear_mirror (store, error) && set_cursor (store, 0, epoch, error);

  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    if (!apply_change (store, json_array_get_object_element (changes, i), error))
      return FALSE;
  return set_cursor (store, json_object_get_int_member_with_default (page, "cursor", 0), epoch, error);
}


/* What may be in a snapshot: the synced tables, its own description and
 * the indexes SQLite makes for keys. Anything else (a trigger, a view)
 * has no business there and is refused before the file is attached. */
static gboolean
snapshot_entry_allowed (const char *type,
                        const char *name)
{
  if (g_strcmp0 (type, "index") == 0)
    return g_str_has_prefix (name, "sqlite_autoindex_");
  if (g_strcmp0 (type, "table") != 0)
    return FALSE;
  if (g_str_equal (name, "snapshot"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    if (g_str_equal (name, synced_tables[i]))
      return TRUE;
  return FALSE;
}

/* What the downloaded snapshot is: its cursor, and whether it is a whole
 * store this client can take as its own file. */
typedef struct
{
  gint64   cursor;
  gboolean adoptable;
} SnapshotCheck;

/* The objects of a store that are the client's own, never the server's. */
static gboolean
client_only_object (const char *name)
{
  return g_str_has_prefix (name, "sync_") || g_str_has_prefix (name, "undo_")
      || g_str_has_prefix (name, "sqlite_autoindex_sync_") || g_str_equal (name, "sqlite_sequence");
}

static char *
object_key (sqlite3_stmt *stmt)
{
  return g_strdup_printf ("%s\x1f%s\x1f%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                          sqlite3_column_type (stmt, 2) == SQLITE_NULL ? "" : (const char *) sqlite3_column_text (stmt, 2));
}

/* Every object of the store's schema (type, name and SQL) that the
 * server's copy of it also has. */
static GHashTable *
core_objects (WdStore *store)
{
  GHashTable *objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (wd_store_get_db (store), "SELECT type, name, sql FROM main.sqlite_schema", -1, &stmt,
                          NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      if (!client_only_object ((const char *) sqlite3_column_text (stmt, 1)))
        g_hash_table_add (objects, object_key (stmt));
  sqlite3_finalize (stmt);
  return objects;
}

/* Why db is not a snapshot this client can use, or NULL when it is. It
 * may be adopted whole only when its schema is exactly the store's own
 * (every table, index and search table, the same SQL) and its version. */
static char *
snapshot_problem (sqlite3       *db,
                  GHashTable    *own,
                  int            own_version,
                  SnapshotCheck *check)
{
  sqlite3_stmt *stmt = NULL;
  gint64 protocol = -1;
  guint n_same = 0;
  char *why = NULL;
  const char *format = NULL;
  int rc = SQLITE_DONE;

  check->adoptable = TRUE;
  if (sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_schema", -1, &stmt, NULL) != SQLITE_OK)
    return g_strdup (sqlite3_errmsg (db));
  while (why == NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *key = object_key (stmt);

      if (g_hash_table_contains (own, key))
        n_same++;
      else if (g_strcmp0 (name, "snapshot") != 0 && g_strcmp0 (name, "sqlite_autoindex_snapshot_1") != 0)
        check->adoptable = FALSE;
      if (!g_hash_table_contains (own, key) && !snapshot_entry_allowed (type, name))
        why = g_strdup_printf (_("it holds the %s %s"), type, name);
    }
  if (why == NULL && rc != SQLITE_DONE)
    why = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  if (why != NULL)
    return why;
  check->adoptable &= n_same == g_hash_table_size (own);

  if (sqlite3_prepare_v2 (db, "SELECT (SELECT value FROM snapshot WHERE key = 'protocol'),"
                              " (SELECT value FROM snapshot WHERE key = 'cursor'),"
                              " (SELECT value FROM snapshot WHERE key = 'format'),"
                              " (SELECT user_version FROM pragma_user_version)", -1, &stmt, NULL) != SQLITE_OK)
    return g_strdup (sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW
      && sqlite3_column_type (stmt, 0) == SQLITE_INTEGER && sqlite3_column_type (stmt, 1) == SQLITE_INTEGER)
    {
      protocol = sqlite3_column_int64 (stmt, 0);
      check->cursor = sqlite3_column_int64 (stmt, 1);
      format = (const char *) sqlite3_column_text (stmt, 2);
      check->adoptable &= g_strcmp0 (format, "store") == 0 && sqlite3_column_int (stmt, 3) == own_version;
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (protocol != WD_SYNC_PROTOCOL_VERSION || check->cursor < 0)
    return g_strdup_printf (_("it is not a snapshot of sync protocol %d"), WD_SYNC_PROTOCOL_VERSION);

  /* A file the client will live in must be sound, not only well formed. */
  if (check->adoptable
      && (sqlite3_prepare_v2 (db, "PRAGMA quick_check (1)", -1, &stmt, NULL) != SQLITE_OK
          || sqlite3_step (stmt) != SQLITE_ROW
          || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0))
    why = g_strdup_printf (_("it is damaged (%s)"), stmt && sqlite3_column_text (stmt, 0)
                                                    ? (const char *) sqlite3_column_text (stmt, 0)
                                                    : sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return why;
}

/* Opens the downloaded file on its own, read-only and defensive, and
 * checks it is a snapshot of this protocol before the store touches it. */
static gboolean
check_snapshot (WdStore        *store,
                const char     *path,
                SnapshotCheck  *check,
                GError        **error)
{
  g_autoptr(GHashTable) own = core_objects (store);
  sqlite3 *db = NULL;
  g_autofree char *why = NULL;

  check->cursor = -1;
  check->adoptable = FALSE;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
      why = snapshot_problem (db, own, wd_store_get_schema_version (store), check);
    }
  else
    why = g_strdup (db ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
  sqlite3_close (db);
  if (why == NULL)
    return TRUE;
  g_set_error (error, WD_ERROR, WD_ERROR_STORE,
               _("The server's snapshot cannot be used (%s); sync again, and if it persists, tell the "
                 "server's administrator"), why);
  return FALSE;
}

/* The columns of a table in the snapshot this store also has: a server
 * newer or older by a column still fills what both know. */
static char *
shared_columns (WdStore     *store,
                const char  *table_name,
                GError     **error)
{
  TableInfo *info = table (store, table_name);
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info ('%s', 'snapshot')", table_name);
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);
  g_autoptr(GHashTable) theirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) both = g_ptr_array_new ();

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (theirs, wd_stmt_dup_text (stmt, 0));
  for (guint c = 0; c < info->columns->len; c++)
    if (g_hash_table_contains (theirs, g_ptr_array_index (info->columns, c)))
      g_ptr_array_add (both, g_ptr_array_index (info->columns, c));
  return join_mapped (both, "{c}", ", ");
}

typedef struct
{
  gint64   cursor;
} SnapshotWrite;

/* Drops the secondary indexes of the synced tables, returning the SQL
 * that makes them again: building an index once over all the rows is a
 * sort, keeping it up to date row by row is a random write per row. */
static GPtrArray *
drop_indexes (WdStore  *store,
              GError  **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) creates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT name, sql FROM main.sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
      " AND tbl_name IN (SELECT value FROM json_each (?))", error);
  g_autoptr(GString) tables = g_string_new ("[");

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    g_string_append_printf (tables, "%s\"%s\"", i > 0 ? "," : "", synced_tables[i]);
  g_string_append_c (tables, ']');
  wd_stmt_bind_text (stmt, 1, tables->str);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (names, wd_stmt_dup_text (stmt, 0));
      g_ptr_array_add (creates, wd_stmt_dup_text (stmt, 1));
    }
  g_clear_pointer (&stmt, wd_stmt_release);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX main.\"%s\"", (char *) names->pdata[i]);

      if (!wd_store_exec (store, drop, error))
        return NULL;
    }
  return g_steal_pointer (&creates);
}

static gboolean
run_all (WdStore    *store,
         GPtrArray  *statements,
         GError    **error)
{
  for (guint i = 0; i < statements->len; i++)
    if (!wd_store_exec (store, statements->pdata[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
write_snapshot (WdStore   *store,
                gpointer   data,
                GError   **error)
{
  SnapshotWrite *snapshot = data;
  g_autoptr(GPtrArray) indexes = NULL;

  if (!clear_mirror (store, error) || !set_int (store, "sync_pulled", 1, error))
    return FALSE;
  /* The store's other connections (the app's window) go on reading the
   * indexes of the last commit: the drop is part of this transaction. */
  indexes = drop_indexes (store, error);
  if (indexes == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    {
      const char *name = synced_tables[i];
      g_autofree char *columns = shared_columns (store, name, error);
      g_autofree char *copy = NULL;

      if (columns == NULL)
        return FALSE;
      if (*columns == '\0')
        continue;
      copy = g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM snapshot.%s%s", name, columns, columns,
                              name, g_str_equal (name, "meta") ? " WHERE key IN " SHARED_SETTINGS : "");
      if (!wd_store_exec (store, copy, error))
        return FALSE;
    }
  return run_all (store, indexes, error) && start_at_snapshot (store, snapshot->cursor, error);
}

/* Whether the store holds work of its own from before it ever pulled:
 * a store used on its own, then signed in. (After a reset the copy is
 * emptied and refilled; it has pulled before.) */
static gboolean
holds_work_of_its_own (WdStore *store)
{
  if (wd_sync_store_get_int (store, "sync_pulled") != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (g_str_equal (synced_tables[i], "meta"))
        continue;
      sql = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s)", synced_tables[i]);
      stmt = wd_store_prepare (store, sql, NULL);
      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0))
        return TRUE;
    }
  return FALSE;
}

/* Removes what a copy interrupted by a crash or a kill left beside the
 * store: a whole copy only ever has its final name. */
static void
remove_partial_copies (WdStore *store)
{
  g_autofree char *dir_name = g_path_get_dirname (wd_store_get_path (store));
  g_autofree char *base = g_path_get_basename (wd_store_get_path (store));
  g_autofree char *prefix = g_strconcat (base, ".before-first-sync-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".partial"))
      {
        g_autofree char *path = g_build_filename (dir_name, name, NULL);

        g_unlink (path);
      }
}

/* Copies the whole store, as it is, to a file beside it that only its
 * owner can read; returns the file's name. The copy is made under a
 * .partial name and renamed when whole. */
static char *
keep_aside (WdStore  *store,
            GError  **error)
{
  g_autofree char *beside = wd_store_name_beside (wd_store_get_path (store), "before-first-sync");
  g_autofree char *copy = g_strconcat (beside, ".db", NULL);
  g_autofree char *partial = g_strconcat (copy, ".partial", NULL);
  g_autoptr(sqlite3_stmt) vacuum = NULL;
  int fd;

  remove_partial_copies (store);
  fd = g_open (partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  /* VACUUM INTO fills an empty file and keeps its mode. */
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot keep this computer's work in %s: %s"), copy,
                   g_strerror (saved));
      return NULL;
    }
  close (fd);
  vacuum = wd_store_prepare (store, "VACUUM INTO ?", error);
  if (vacuum == NULL)
    {
      g_unlink (partial);
      return NULL;
    }
  wd_stmt_bind_text (vacuum, 1, partial);
  if (!wd_store_run (store, vacuum, error))
    {
      g_unlink (partial);
      g_prefix_error (error, _("Cannot keep this computer's work in %s: "), copy);
      return NULL;
    }
  if (g_rename (partial, copy) != 0)
    {
      int saved = errno;

      g_unlink (partial);
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot keep this computer's work in %s: %s"), copy,
                   g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&copy);
}

/* Before the first data from the server goes in: a store that holds work
 * of its own copies it aside (*kept names the copy) and starts empty;
 * *kept is NULL when there was none. */
static gboolean
keep_own_work (WdStore  *store,
               char    **kept,
               GError  **error)
{
  *kept = NULL;
  if (!holds_work_of_its_own (store))
    return TRUE;
  *kept = keep_aside (store, error);
  return *kept != NULL;
}

/* Tells the user, in the sync problems list, where that work went. */
static gboolean
note_kept_aside (WdStore     *store,
                 const char  *copy,
                 GError     **error)
{
  g_autoptr(JsonObject) notice = json_object_new ();
  g_autofree char *key = g_strconcat ("kept-aside:", copy, NULL);
  g_autofree char *message = g_strdup_printf (
      _("This store held work made on this computer before it was signed in; the server's data has "
        "replaced it here. Nothing is lost: a copy of the store as it was is kept in %s"), copy);

  json_object_set_int_member (notice, "seq", 0);
  json_object_set_string_member (notice, "op_id", key);
  json_object_set_string_member (notice, "kind", "sync.first");
  json_object_set_string_member (notice, "code", "kept-aside");
  json_object_set_string_member (notice, "message", message);
  return wd_sync_store_add_problem (store, notice, wd_sync_store_now (store), error);
}

/* Tells the user, in the sync problems list, when the server says it was
 * put back from a backup and no longer holds changes it had acknowledged
 * from this install (a push's lost_from and lost_to). */
gboolean
wd_sync_store_note_lost (WdStore     *store,
                         JsonObject  *answer,
                         GError     **error)
{
  gint64 from = json_object_get_int_member_with_default (answer, "lost_from", 0);
  gint64 to = json_object_get_int_member_with_default (answer, "lost_to", 0);
  gint64 n = to - from + 1;
  g_autoptr(JsonObject) notice = NULL;
  g_autofree char *message = NULL;
  g_autofree char *key = NULL;

  if (from <= 0 || to < from)
    return TRUE;
  /* One notice per restore. */
  key = g_strdup_printf ("restored:%s:%lld", json_object_get_string_member_with_default (answer, "epoch", ""),
                         (long long) to);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The server was put back from a backup made before this computer's "
                                          "last sync: %lld change sent from here before then is no longer on "
                                          "it. Check the work of that time and enter what is missing again.",
                                          "The server was put back from a backup made before this computer's "
                                          "last sync: %lld changes sent from here before then are no longer on "
                                          "it. Check the work of that time and enter what is missing again.",
                                          (gulong) n), (long long) n);
  notice = json_object_new ();
  /* Notices take no operation's number: below zero, one per restore. */
  json_object_set_int_member (notice, "seq", -to);
  json_object_set_string_member (notice, "op_id", key);
  json_object_set_string_member (notice, "kind", "sync.restored");
  json_object_set_string_member (notice, "code", "server-restored");
  json_object_set_string_member (notice, "message", message);
  return wd_sync_store_add_problem (store, notice, wd_sync_store_now (store), error);
}

/* Applies one pulled page in one transaction, dropping the operations the
 * server has answered (up to acked). */
gboolean
wd_sync_store_apply_page (WdStore     *store,
                          JsonObject  *page,
                          gint64       acked,
                          GError     **error)
{
  g_autofree char *kept = NULL;
  PageWrite write = { page, FALSE };

  if (!keep_own_work (store, &kept, error))
    return FALSE;
  write.clear_first = kept != NULL;
  return rewrite_mirror (store, write_page, &write, acked, error)
      && (kept == NULL || note_kept_aside (store, kept, error));
}

/* Gives back what take_store_lock took. */
static void
release_store_lock (WdStore *store)
{
  sqlite3 *db = wd_store_get_db (store);

  sqlite3_exec (db, "PRAGMA locking_mode = NORMAL", NULL, NULL, NULL);
  /* SQLite's lock goes with the next read. */
  sqlite3_exec (db, "SELECT count (*) FROM sqlite_schema", NULL, NULL, NULL);
  wd_store_unlock_alone (store);
}

/* Whether this is the store's only user, in this process or another
 * (wd_store_lock_alone: SQLite's locks cannot say, an idle connection to
 * a WAL database holding none). Only then is SQLite's exclusive lock
 * taken as well, which keeps out anything else reading or writing the
 * store; never beside other connections, whose reads switching one
 * connection's locking mode would disturb. Held until
 * release_store_lock. */
static gboolean
take_store_lock (WdStore *store)
{
  sqlite3 *db = wd_store_get_db (store);
  gboolean alone;

  if (!wd_store_lock_alone (store))
    return FALSE;
  sqlite3_busy_timeout (db, 0);
  sqlite3_exec (db, "PRAGMA locking_mode = EXCLUSIVE", NULL, NULL, NULL);
  alone = sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK
          && sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
  sqlite3_busy_timeout (db, 5000);
  if (!alone)
    release_store_lock (store);
  return alone;
}

gboolean
wd_sync_store_is_alone (WdStore *store)
{
  if (!take_store_lock (store))
    return FALSE;
  release_store_lock (store);
  return TRUE;
}

/* Copies the rows select reads from one connection into table through
 * another, as they are. */
static gboolean
copy_rows (WdStore     *from,
           const char  *select,
           WdStore     *to,
           const char  *table,
           GError     **error)
{
  sqlite3_stmt *rows = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) insert = NULL;
  int rc = SQLITE_DONE;
  gboolean ok;

  if (sqlite3_prepare_v2 (wd_store_get_db (from), select, -1, &rows, NULL) != SQLITE_OK)
    return wd_store_set_error (from, error);
  g_string_printf (sql, "INSERT OR REPLACE INTO %s VALUES (", table);
  for (int c = 0; c < sqlite3_column_count (rows); c++)
    g_string_append (sql, c == 0 ? "?" : ", ?");
  g_string_append_c (sql, ')');
  insert = wd_store_prepare (to, sql->str, error);
  ok = insert != NULL;
  while (ok && (rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (rows); c++)
        sqlite3_bind_value (insert, c + 1, sqlite3_column_value (rows, c));
      ok = wd_store_run (to, insert, error);
      sqlite3_reset (insert);
    }
  if (ok && rc != SQLITE_DONE)
    ok = wd_store_set_error (from, error);
  sqlite3_finalize (rows);
  return ok;
}

static gboolean
write_nothing (WdStore   *store,
               gpointer   data,
               GError   **error)
{
  return TRUE;
}

/* Makes the downloaded store this install's: its settings, the outbox
 * and the sync problems from store, the cursor the snapshot is at, the
 * undo triggers, and the queued operations replayed on top. */
static gboolean
take_over (WdStore  *prepared,
           WdStore  *store,
           gint64    cursor,
           GError  **error)
{
  if (!wd_store_exec (prepared, "DROP TABLE snapshot", error)
      || !wd_store_exec (prepared, client_schema, error)
      || !wd_store_begin (prepared, error))
    return FALSE;
  if (!copy_rows (store, "SELECT * FROM main.meta WHERE key NOT IN " SHARED_SETTINGS
                         " AND key <> 'sync_triggers_schema'", prepared, "meta", error)
      || !copy_rows (store, "SELECT * FROM main.sync_outbox", prepared, "sync_outbox", error)
      || !copy_rows (store, "SELECT * FROM main.sync_problems", prepared, "sync_problems", error)
      || !start_at_snapshot (prepared, cursor, error)
      || !set_int (prepared, "sync_pulled", 1, error))
    {
      wd_store_rollback (prepared);
      return FALSE;
    }
  return wd_store_commit (prepared, error)
      && wd_sync_store_prepare (prepared, error)
      && rewrite_mirror (prepared, write_nothing, NULL, -1, error);
}

/* Closes the prepared store, its write-ahead log folding into its file,
 * and removes the users file beside it. */
static void
close_prepared (WdStore    **prepared,
                const char  *path)
{
  g_autofree char *users = g_strconcat (path, "-users", NULL);

  g_clear_object (prepared);
  g_unlink (users);
}

/* Alone on the store, the prepared file is put in its place: swapped
 * under the store's exclusive lock, so a crash leaves the old store or
 * the new one, whole. */
static gboolean
adopt_by_rename (WdStore     *store,
                 const char  *path,
                 gint64       cursor,
                 char       **kept,
                 GError     **error)
{
  g_autoptr(WdStore) prepared = wd_store_open (path, error);
  gboolean ok;

  ok = prepared != NULL && keep_own_work (store, kept, error) && take_over (prepared, store, cursor, error);
  close_prepared (&prepared, path);
  if (ok && !wd_store_exec (store, "PRAGMA journal_mode = DELETE", error))
    ok = FALSE;
  if (ok && g_rename (path, wd_store_get_path (store)) != 0)
    {
      int saved = errno;

      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot put the server's store in place of %s: %s"),
                   wd_store_get_path (store), g_strerror (saved));
      wd_store_exec (store, "PRAGMA journal_mode = WAL", NULL);
      ok = FALSE;
    }
  if (!ok)
    {
      release_store_lock (store);
      return FALSE;
    }
  ok = wd_store_reopen (store, error);
  wd_store_unlock_alone (store);
  return ok;
}

/* Beside other connections (the app's window and worker), the prepared
 * store's pages are written over the store's in one transaction by
 * SQLite's online backup: the others read the old store until it commits
 * and the new one after, and a crash leaves one or the other. The
 * store's own work (settings, outbox, problems) is read once the backup
 * holds the write lock, through a connection of its own, so nothing the
 * others commit meanwhile is left out; the backup follows what the
 * prepared store becomes meanwhile, its changes being made through the
 * backup's own source connection. */
static gboolean
adopt_by_pages (WdStore     *store,
                const char  *path,
                gint64       cursor,
                char       **kept,
                GError     **error)
{
  g_autoptr(WdStore) prepared = NULL;
  g_autoptr(WdStore) reader = NULL;
  g_autoptr(GError) local = NULL;
  sqlite3_backup *backup;
  int rc;

  if (!keep_own_work (store, kept, error)
      || (prepared = wd_store_open (path, error)) == NULL
      || (reader = wd_store_open (wd_store_get_path (store), error)) == NULL)
    {
      close_prepared (&prepared, path);
      return FALSE;
    }
  backup = sqlite3_backup_init (wd_store_get_db (store), "main", wd_store_get_db (prepared), "main");
  if (backup == NULL)
    {
      close_prepared (&prepared, path);
      return wd_store_set_error (store, error);
    }
  /* A step of no pages takes the write lock and copies nothing yet. */
  rc = sqlite3_backup_step (backup, 0);
  if (rc == SQLITE_OK && take_over (prepared, reader, cursor, &local))
    rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  close_prepared (&prepared, path);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return wd_store_set_error (store, error);
  return wd_store_reopen (store, error);
}

/* Takes the downloaded store, prepared, as the store's own: its file,
 * when this is the store's only connection, or its pages. */
static gboolean
adopt_snapshot (WdStore     *store,
                const char  *path,
                gint64       cursor,
                char       **kept,
                GError     **error)
{
  if (take_store_lock (store))
    return adopt_by_rename (store, path, cursor, kept, error);
  return adopt_by_pages (store, path, cursor, kept, error);
}

/* Replaces the server's part of the store with a downloaded snapshot,
 * keeping the outbox (replayed on top). A whole store with the client's
 * own schema is taken as it is, indexes and search index built
 * (*indexed); the tables of any other (an older server's) are copied in,
 * in one transaction. The operations the server has answered leave the
 * outbox with the pull that follows. Work the store held before it ever
 * synced is copied aside first. */
gboolean
wd_sync_store_apply_snapshot (WdStore     *store,
                              const char  *path,
                              gboolean    *indexed,
                              GError     **error)
{
  SnapshotWrite snapshot = { 0 };
  SnapshotCheck check;
  g_autoptr(sqlite3_stmt) attach = NULL;
  g_autofree char *kept = NULL;
  gboolean ok;

  if (indexed != NULL)
    *indexed = FALSE;
  if (!check_snapshot (store, path, &check, error))
    return FALSE;
  if (check.adoptable)
    {
      if (!adopt_snapshot (store, path, check.cursor, &kept, error))
        return FALSE;
      if (indexed != NULL)
        *indexed = TRUE;
      return kept == NULL || note_kept_aside (store, kept, error);
    }

  snapshot.cursor = check.cursor;
  if (!keep_own_work (store, &kept, error))
    return FALSE;
  attach = wd_store_prepare (store, "ATTACH DATABASE ? AS snapshot", error);
  if (attach == NULL)
    return FALSE;
  wd_stmt_bind_text (attach, 1, path);
  if (!wd_store_run (store, attach, error))
    return FALSE;
  g_clear_pointer (&attach, wd_stmt_release);

  ok = rewrite_mirror (store, write_snapshot, &snapshot, -1, error);
  if (!ok)
    g_prefix_error (error, _("The server's snapshot could not be applied, and nothing was changed: "));
  wd_store_exec (store, "DETACH DATABASE snapshot", NULL);
  return ok && (kept == NULL || note_kept_aside (store, kept, error));
}

/* What an order looks like now, and who last changed it: so a person
 * whose change lost can see what won. */
static char *
describe_now (WdStore    *store,
              JsonObject *args)
{
  const char *order_id = json_object_get_string_member_with_default (args, "order_id", NULL);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) history = NULL;
  WdOrderState state;
  JsonObject *last;

  if (order_id == NULL || (order = wd_store_get (store, "order", order_id, NULL)) == NULL)
    return g_strdup ("");
  history = wd_store_get_history (store, order_id, NULL);
  if (history == NULL || json_array_get_length (history) == 0
      || !wd_order_state_from_string (json_object_get_string_member (order, "state"), &state))
    return g_strdup ("");
  last = json_array_get_object_element (history, json_array_get_length (history) - 1);
  return g_strdup_printf (_("The order is now %s: %s by %s"), wd_order_state_label (state),
                          json_object_get_string_member (last, "action"),
                          json_object_get_string_member (last, "actor"));
}

/* Records an operation the server rejected, with its reason; the
 * operation itself leaves the outbox with the next pull. */
gboolean
wd_sync_store_add_problem (WdStore     *store,
                           JsonObject  *result,
                           gint64       now,
                           GError     **error)
{
  gint64 seq = json_object_get_int_member (result, "seq");
  g_autoptr(sqlite3_stmt) find = wd_store_prepare (store, "SELECT args FROM sync_outbox WHERE seq = ?", error);
  g_autoptr(sqlite3_stmt) add = NULL;
  g_autofree char *args = NULL;

  if (find == NULL)
    return FALSE;
  sqlite3_bind_int64 (find, 1, seq);
  if (sqlite3_step (find) == SQLITE_ROW)
    args = wd_stmt_dup_text (find, 0);

  add = wd_store_prepare (store,
      "INSERT INTO sync_problems (seq, op_id, kind, args, code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (op_id) DO NOTHING", error);
  if (add == NULL)
    return FALSE;
  sqlite3_bind_int64 (add, 1, seq);
  wd_stmt_bind_text (add, 2, json_object_get_string_member_with_default (result, "op_id", ""));
  wd_stmt_bind_text (add, 3, json_object_get_string_member_with_default (result, "kind", ""));
  wd_stmt_bind_text (add, 4, args ? args : "{}");
  wd_stmt_bind_text (add, 5, json_object_get_string_member_with_default (result, "code", ""));
  wd_stmt_bind_text (add, 6, json_object_get_string_member_with_default (result, "message", ""));
  sqlite3_bind_int64 (add, 7, now);
  return wd_store_run (store, add, error);
}

/* The problems still shown, each with what the store holds now. */
JsonArray *
wd_sync_store_problems (WdStore  *store,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT id, seq, op_id, kind, args, code, message, at FROM sync_problems ORDER BY id", error);
  g_autoptr(JsonArray) problems = json_array_new ();

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *problem = wd_stmt_row_to_json (stmt);
      g_autoptr(JsonObject) args = wd_json_parse_object (json_object_get_string_member (problem, "args"), -1, NULL);
      g_autofree char *now_text = args ? describe_now (store, args) : g_strdup ("");

      json_object_set_string_member (problem, "now", now_text);
      json_array_add_object_element (problems, problem);
    }
  return g_steal_pointer (&problems);
}

gboolean
wd_sync_store_dismiss_problem (WdStore  *store,
                               gint64    id,
                               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "DELETE FROM sync_problems WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!wd_store_run (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (wd_store_get_db (store)) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND, _("There is no sync problem %lld"), (long long) id);
      return FALSE;
    }
  return TRUE;
}
