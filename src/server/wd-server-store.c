/* wd-server-store.c: the server's own tables and the change log.
 *
 * The change log is kept by triggers on every shared table, so no write,
 * however it is made, can escape it. It holds one row per entity key, the
 * newest change of that entity: INSERT OR REPLACE moves a changed key to
 * the end of the log with a fresh sequence number, so the log compacts
 * itself and a pull sends each entity's current row once. */
#define G_LOG_DOMAIN "wudan-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-server-store.h"
#include "wd-store-private.h"

#define SERVER_SCHEMA 4

static const char server_schema[] =
  "CREATE TABLE IF NOT EXISTS users ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  role TEXT NOT NULL,"
  "  subdistrict_id TEXT REFERENCES subdistricts (id),"
  "  assignee_kind TEXT,"
  "  assignee_id TEXT,"
  "  password_hash TEXT NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  last_sign_in_at INTEGER"
  ");"
  /* Tokens are kept only as their SHA-256: a copy of the database opens no session. */
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE IF NOT EXISTS clients ("
  "  client_id TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id),"
  "  last_seq INTEGER NOT NULL DEFAULT 0,"
  "  scope TEXT,"
  "  updated_at INTEGER NOT NULL"
  ");"
  /* op_id is NULL on a row that answers an operation applied under
   * another install's number (see wd_sync_service_push). */
  "CREATE TABLE IF NOT EXISTS op_results ("
  "  client_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  result TEXT NOT NULL,"
  "  applied_at INTEGER NOT NULL,"
  "  op_id TEXT,"
  "  PRIMARY KEY (client_id, seq)"
  ");"
  "CREATE TABLE IF NOT EXISTS changes ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  entity TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  UNIQUE (entity, key)"
  ");";

/* Which table's rows belong to which synced entity, keyed by which column. */
static const struct
{
  const char *table;
  const char *entity;
  const char *key;
  const char *when;   /* a condition on the row, called ROW */
} synced_tables[] = {
  { "subdistricts", "subdistrict", "id", NULL },
  { "topics", "topic", "id", NULL },
  { "teams", "team", "id", NULL },
  { "speakers", "speaker", "id", NULL },
  { "speaker_topics", "speaker", "owner_id", NULL },
  { "projects", "project", "id", NULL },
  { "project_venue_kinds", "project", "owner_id", NULL },
  { "orders", "order", "id", NULL },
  { "ratings", "rating", "order_id", NULL },
  { "callbacks", "callback", "id", NULL },
  { "history", "history", "id", NULL },
  { "funds", "fund", "id", NULL },
  { "fund_ledger", "fund_ledger", "id", NULL },
  { "reward_periods", "reward_period", "id", NULL },
  { "reward_lines", "reward_period", "period_id", NULL },
  { "reward_orders", "reward_period", "period_id", NULL },
  { "certificates", "certificate", "id", NULL },
  { "meta", "setting", "key",
    "ROW.key IN ('district_name', 'accept_hours', 'callback_rate_percent', 'reward_rules', 'time_zone')" },
};

/* How a pull reads an entity's current row. */
static const struct
{
  const char *entity;
  const char *table;
  const char *key;
} entity_rows[] = {
  { "subdistrict", "subdistricts", "id" },
  { "topic", "topics", "id" },
  { "team", "teams", "id" },
  { "speaker", "speakers", "id" },
  { "project", "projects", "id" },
  { "order", "orders", "id" },
  { "rating", "ratings", "order_id" },
  { "callback", "callbacks", "id" },
  { "history", "history", "id" },
  { "fund", "funds", "id" },
  { "fund_ledger", "fund_ledger", "id" },
  { "reward_period", "reward_periods", "id" },
  { "certificate", "certificates", "id" },
  { "setting", "meta", "key" },
};

/* The table's condition on one row, for a trigger (row is NEW or OLD) or
 * a query over the table (row is the table's name). */
static char *
condition_on (const char *when,
              const char *row)
{
  g_autoptr(GString) condition = NULL;
  g_autofree char *prefix = NULL;

  if (when == NULL)
    return NULL;
  condition = g_string_new (when);
  prefix = g_strconcat (row, ".", NULL);
  g_string_replace (condition, "ROW.", prefix, 0);
  return g_string_free (g_steal_pointer (&condition), FALSE);
}

static char *
trigger_sql (void)
{
  static const char * const events[] = { "INSERT", "UPDATE", "DELETE" };
  GString *sql = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (synced_tables); t++)
    for (guint e = 0; e < G_N_ELEMENTS (events); e++)
      {
        const char *row = e == 2 ? "OLD" : "NEW";
        g_autofree char *when = condition_on (synced_tables[t].when, row);

        /* Not INSERT OR REPLACE: a trigger's conflict clause gives way
         * to the outer statement's, and under an upsert (every catalogue
         * edit, an order corrected) the REPLACE became an ABORT. */
        g_string_append_printf (sql,
                                "CREATE TRIGGER IF NOT EXISTS log_%1$s_%2$s AFTER %2$s ON %1$s%3$s%4$s BEGIN"
                                " DELETE FROM changes WHERE entity = '%5$s' AND key = %6$s.%7$s;"
                                " INSERT INTO changes (entity, key) VALUES ('%5$s', %6$s.%7$s); END;",
                                synced_tables[t].table, events[e], when ? " WHEN " : "", when ? when : "",
                                synced_tables[t].entity, row, synced_tables[t].key);
      }
  return g_string_free (sql, FALSE);
}

/* How the server's writing connection differs from a desktop's. */
void
wd_server_store_tune (WdStore *store)
{
  wd_store_set_search_index (store, FALSE);
  /* A server has memory to spare and many clients reading. */
  wd_store_set_cache_size (store, 128);
  /* Every operation in a pushed batch runs in a savepoint, which copies
   * each page it touches first to a statement journal; on disk that was
   * a third of a push's time. In memory it is released with the
   * savepoint, so it stays as small as one operation. */
  wd_store_exec (store, "PRAGMA temp_store = MEMORY", NULL);
}

/* A store upgraded since its triggers were made (a migration that adds
 * a synced table) gets the triggers of the new tables; those it has
 * stay. Without this, rows of a table added by an upgrade would never
 * reach the change log, and never a client. */
static gboolean
add_missing_triggers (WdStore  *store,
                      GError  **error)
{
  g_autofree char *triggers = NULL;
  g_autofree char *version = g_strdup_printf ("%d", wd_store_get_schema_version (store));

  if (wd_store_get_setting_int (store, "server_triggers_schema", 0) == wd_store_get_schema_version (store))
    return TRUE;
  triggers = trigger_sql ();
  if (!wd_store_begin (store, error))
    return FALSE;
  if (!wd_store_exec (store, triggers, error)
      || !wd_store_set_setting (store, "server_triggers_schema", version, error))
    {
      wd_store_rollback (store);
      return FALSE;
    }
  return wd_store_commit (store, error);
}

/* Adds the server's tables to a store once, and logs what the store held
 * before, so a database seeded without the server still syncs whole. */
/* The database's lineage: a random name made with it, and made anew in
 * every copy `backup` and `restore` make. A client keeps the lineage its
 * cursor and its acknowledged operations belong to, and so tells a
 * database put back from a backup from the one it synced with
 * (docs/sync.md, "A restored server"). */
#define EPOCH_KEY "server_epoch"

static char *
epoch_sql (void)
{
  g_autofree char *epoch = g_uuid_string_random ();

  return g_strdup_printf ("INSERT INTO meta (key, value) VALUES ('" EPOCH_KEY "', '%s')"
                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value", epoch);
}

gboolean
wd_server_store_renew_epoch (WdStore  *store,
                             GError  **error)
{
  g_autofree char *sql = epoch_sql ();

  return wd_store_exec (store, sql, error);
}

char *
wd_server_store_get_epoch (WdStore *store)
{
  return wd_store_get_setting (store, EPOCH_KEY);
}

static gboolean
ensure_epoch (WdStore  *store,
              GError  **error)
{
  g_autofree char *epoch = wd_server_store_get_epoch (store);

  return epoch != NULL || wd_server_store_renew_epoch (store, error);
}

static gboolean
has_column (WdStore     *store,
            const char  *table,
            const char  *name)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT 1 FROM pragma_table_info (?) WHERE name = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, table);
  wd_stmt_bind_text (stmt, 2, name);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* Schema 4 finds an operation by its op_id, whatever install numbered
 * it: the ids of the operations answered before are read from their
 * answers (the first answer of each, should an id ever have come twice). */
static gboolean
index_results_by_op_id (WdStore  *store,
                        GError  **error)
{
  if (!has_column (store, "op_results", "op_id")
      && !wd_store_exec (store,
                         "ALTER TABLE op_results ADD COLUMN op_id TEXT;"
                         "UPDATE op_results SET op_id = json_extract (result, '$.op_id')"
                         " WHERE rowid IN (SELECT min (rowid) FROM op_results"
                         "                 GROUP BY json_extract (result, '$.op_id'));", error))
    return FALSE;
  return wd_store_exec (store,
                        "CREATE UNIQUE INDEX IF NOT EXISTS op_results_by_op_id ON op_results (op_id)"
                        " WHERE op_id IS NOT NULL", error);
}

gboolean
wd_server_store_prepare (WdStore  *store,
                         GError  **error)
{
  g_autofree char *triggers = NULL;
  g_autofree char *version = g_strdup_printf ("%d", wd_store_get_schema_version (store));
  gint64 from = wd_store_get_setting_int (store, "server_schema", 0);

  if (from >= SERVER_SCHEMA)
    return add_missing_triggers (store, error) && ensure_epoch (store, error);

  triggers = trigger_sql ();
  if (!wd_store_begin (store, error))
    return FALSE;
  if (!wd_store_exec (store, server_schema, error))
    goto fail;
  /* Schema 3 remembers each account's last sign-in. */
  if (!has_column (store, "users", "last_sign_in_at")
      && !wd_store_exec (store, "ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER", error))
    goto fail;
  if (!index_results_by_op_id (store, error))
    goto fail;
  /* Schema 1's triggers logged with INSERT OR REPLACE (see trigger_sql). */
  for (guint t = 0; t < G_N_ELEMENTS (synced_tables); t++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER IF EXISTS log_%1$s_INSERT;"
                                               "DROP TRIGGER IF EXISTS log_%1$s_UPDATE;"
                                               "DROP TRIGGER IF EXISTS log_%1$s_DELETE;", synced_tables[t].table);

      if (!wd_store_exec (store, drop, error))
        goto fail;
    }
  if (!wd_store_exec (store, triggers, error))
    goto fail;

  for (guint t = 0; from == 0 && t < G_N_ELEMENTS (synced_tables); t++)
    {
      g_autofree char *when = condition_on (synced_tables[t].when, synced_tables[t].table);
      g_autofree char *backfill = g_strdup_printf (
          "INSERT OR IGNORE INTO changes (entity, key) SELECT '%s', %s FROM %s%s%s",
          synced_tables[t].entity, synced_tables[t].key, synced_tables[t].table,
          when ? " WHERE " : "", when ? when : "");

      if (!wd_store_exec (store, backfill, error))
        goto fail;
    }

  if (!wd_store_set_setting (store, "server_schema", G_STRINGIFY (SERVER_SCHEMA), error)
      || !wd_store_set_setting (store, "server_triggers_schema", version, error)
      || !wd_store_set_setting (store, "authoritative", "1", error)
      || !ensure_epoch (store, error))
    goto fail;
  return wd_store_commit (store, error);

fail:
  wd_store_rollback (store);
  return FALSE;
}

void
wd_user_free (WdUser *user)
{
  if (user == NULL)
    return;
  g_free (user->name);
  g_free (user->subdistrict_id);
  g_free (user->assignee_id);
  if (user->password_hash != NULL)
    memset (user->password_hash, 0, strlen (user->password_hash));
  g_free (user->password_hash);
  g_free (user);
}

WdUser *
wd_user_copy (const WdUser *user)
{
  WdUser *copy = g_memdup2 (user, sizeof *user);

  copy->name = g_strdup (user->name);
  copy->subdistrict_id = g_strdup (user->subdistrict_id);
  copy->assignee_id = g_strdup (user->assignee_id);
  copy->password_hash = g_strdup (user->password_hash);
  return copy;
}

WdActor *
wd_user_to_actor (const WdUser *user)
{
  WdActor *actor = wd_actor_new (user->name, user->role);

  actor->subdistrict_id = g_strdup (user->subdistrict_id);
  actor->assignee_kind = user->assignee_kind;
  actor->assignee_id = g_strdup (user->assignee_id);
  return actor;
}

JsonObject *
wd_user_to_json (const WdUser *user)
{
  g_autoptr(WdActor) actor = wd_user_to_actor (user);
  JsonObject *object = wd_actor_to_json (actor, "name");

  json_object_set_boolean_member (object, "disabled", user->disabled);
  return object;
}

/* What a user may see; when it changes, its clients must resync. */
char *
wd_user_scope (const WdUser *user)
{
  return g_strdup_printf ("%s|%s|%s|%s", wd_role_to_string (user->role),
                          user->subdistrict_id ? user->subdistrict_id : "",
                          wd_assignee_kind_to_string (user->assignee_kind),
                          user->assignee_id ? user->assignee_id : "");
}

static WdUser *
user_from_row (sqlite3_stmt *stmt)
{
  WdUser *user = g_new0 (WdUser, 1);
  WdAssigneeKind kind = WD_ASSIGNEE_NONE;

  user->id = sqlite3_column_int64 (stmt, 0);
  user->name = wd_stmt_dup_text (stmt, 1);
  if (!wd_role_from_string ((const char *) sqlite3_column_text (stmt, 2), &user->role))
    user->role = WD_ROLE_TEAM;
  user->subdistrict_id = wd_stmt_dup_text (stmt, 3);
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    wd_assignee_kind_from_string ((const char *) sqlite3_column_text (stmt, 4), &kind);
  user->assignee_kind = kind;
  user->assignee_id = wd_stmt_dup_text (stmt, 5);
  user->password_hash = wd_stmt_dup_text (stmt, 6);
  user->disabled = sqlite3_column_int (stmt, 7) != 0;
  return user;
}

#define USER_COLUMNS "u.id, u.name, u.role, u.subdistrict_id, u.assignee_kind, u.assignee_id," \
                     " u.password_hash, u.disabled"

gboolean
wd_server_store_add_user (WdStore       *store,
                          const WdUser  *user,
                          gint64         now,
                          GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "INSERT INTO users (name, role, subdistrict_id, assignee_kind, assignee_id, password_hash,"
      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, user->name);
  wd_stmt_bind_text (stmt, 2, wd_role_to_string (user->role));
  wd_stmt_bind_text (stmt, 3, user->subdistrict_id);
  wd_stmt_bind_text (stmt, 4, user->assignee_id ? wd_assignee_kind_to_string (user->assignee_kind) : NULL);
  wd_stmt_bind_text (stmt, 5, user->assignee_id);
  wd_stmt_bind_text (stmt, 6, user->password_hash);
  sqlite3_bind_int64 (stmt, 7, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                   _("There is already an account called “%s”; choose another name"), user->name);
      return FALSE;
    }
  return wd_store_set_error (store, error);
}

WdUser *
wd_server_store_find_user (WdStore     *store,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT " USER_COLUMNS " FROM users u WHERE u.name = ?", error);

  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, name);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return user_from_row (stmt);
  g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND, _("There is no account called “%s”"), name);
  return NULL;
}

GPtrArray *
wd_server_store_list_users (WdStore  *store,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT " USER_COLUMNS " FROM users u ORDER BY u.name", error);
  GPtrArray *users;

  if (stmt == NULL)
    return NULL;
  users = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_user_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  return users;
}

static gboolean
update_user (WdStore     *store,
             const char  *sql,
             const char  *value,
             gint64       number,
             const char  *name,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (value != NULL)
    wd_stmt_bind_text (stmt, 1, value);
  else
    sqlite3_bind_int64 (stmt, 1, number);
  wd_stmt_bind_text (stmt, 2, name);
  if (!wd_store_run (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (wd_store_get_db (store)) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND, _("There is no account called “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

/* Every session of the account ends: its desks sign in again. */
static gboolean
end_sessions (WdStore     *store,
              const char  *name,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) end = wd_store_prepare (store,
      "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", error);

  if (end == NULL)
    return FALSE;
  wd_stmt_bind_text (end, 1, name);
  return wd_store_run (store, end, error);
}

gboolean
wd_server_store_set_password (WdStore     *store,
                              const char  *name,
                              const char  *password_hash,
                              GError     **error)
{
  /* A new password ends every session of the old one. */
  return update_user (store, "UPDATE users SET password_hash = ? WHERE name = ?", password_hash, 0, name, error)
      && end_sessions (store, name, error);
}

gboolean
wd_server_store_set_disabled (WdStore     *store,
                              const char  *name,
                              gboolean     disabled,
                              GError     **error)
{
  if (!update_user (store, "UPDATE users SET disabled = ? WHERE name = ?", NULL, disabled ? 1 : 0, name, error))
    return FALSE;
  return !disabled || end_sessions (store, name, error);
}

/* Changes whom an account serves: its role, and the sub-district or the
 * team it acts for. Its sessions end, so each desk signs in again and
 * takes the account as it now is (what it may do is kept on the desk);
 * the next pull then starts the desk's copy again for the new scope. */
gboolean
wd_server_store_set_scope (WdStore       *store,
                           const WdUser  *user,
                           GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!wd_store_begin (store, error))
    return FALSE;
  stmt = wd_store_prepare (store, "UPDATE users SET role = ?, subdistrict_id = ?, assignee_kind = ?,"
                                  " assignee_id = ? WHERE name = ?", error);
  if (stmt == NULL)
    goto fail;
  wd_stmt_bind_text (stmt, 1, wd_role_to_string (user->role));
  wd_stmt_bind_text (stmt, 2, user->subdistrict_id);
  wd_stmt_bind_text (stmt, 3, user->assignee_id ? wd_assignee_kind_to_string (user->assignee_kind) : NULL);
  wd_stmt_bind_text (stmt, 4, user->assignee_id);
  wd_stmt_bind_text (stmt, 5, user->name);
  if (!wd_store_run (store, stmt, error))
    goto fail;
  if (sqlite3_changes (wd_store_get_db (store)) == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND, _("There is no account called “%s”"), user->name);
      goto fail;
    }
  if (end_sessions (store, user->name, error) && wd_store_commit (store, error))
    return TRUE;

fail:
  wd_store_rollback (store);
  return FALSE;
}

gboolean
wd_server_store_add_session (WdStore     *store,
                             const char  *token_hash,
                             gint64       user_id,
                             gint64       now,
                             gint64       expires_at,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) purge = wd_store_prepare (store, "DELETE FROM sessions WHERE expires_at < ?", error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (purge == NULL)
    return FALSE;
  sqlite3_bind_int64 (purge, 1, now);
  if (!wd_store_run (store, purge, error))
    return FALSE;

  stmt = wd_store_prepare (store, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                                  " VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  if (!wd_store_run (store, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, wd_stmt_release);

  /* Kept past the session, for the administrator's list. */
  stmt = wd_store_prepare (store, "UPDATE users SET last_sign_in_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, user_id);
  return wd_store_run (store, stmt, error);
}

/* Every account as the administrator's list shows it: what user_to_json
 * gives, whom it serves by name (its sub-district, team or speaker) and
 * when it last signed in (absent: never). */
JsonArray *
wd_server_store_describe_users (WdStore  *store,
                                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT " USER_COLUMNS ", COALESCE (sd.name, t.name, sp.name), u.last_sign_in_at FROM users u"
      " LEFT JOIN subdistricts sd ON sd.id = u.subdistrict_id"
      " LEFT JOIN teams t ON u.assignee_kind = 'team' AND t.id = u.assignee_id"
      " LEFT JOIN speakers sp ON u.assignee_kind = 'speaker' AND sp.id = u.assignee_id"
      " ORDER BY u.name", error);
  g_autoptr(JsonArray) accounts = json_array_new ();
  int columns = 8;

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(WdUser) user = user_from_row (stmt);
      JsonObject *account = wd_user_to_json (user);

      if (sqlite3_column_type (stmt, columns) != SQLITE_NULL)
        json_object_set_string_member (account, "serves", (const char *) sqlite3_column_text (stmt, columns));
      if (sqlite3_column_type (stmt, columns + 1) != SQLITE_NULL)
        json_object_set_int_member (account, "last_sign_in_at", sqlite3_column_int64 (stmt, columns + 1));
      json_array_add_object_element (accounts, account);
    }
  return g_steal_pointer (&accounts);
}

WdUser *
wd_server_store_session_user (WdStore    *store,
                              const char *token_hash,
                              gint64      now,
                              gint64     *expires_at)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT " USER_COLUMNS ", s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id"
      " WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled", NULL);

  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  if (expires_at != NULL)
    *expires_at = sqlite3_column_int64 (stmt, 8);
  return user_from_row (stmt);
}

gboolean
wd_server_store_end_session (WdStore     *store,
                             const char  *token_hash,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "DELETE FROM sessions WHERE token_hash = ?", error);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, token_hash);
  return wd_store_run (store, stmt, error);
}

/* A client id belongs to the account that first pushed with it; another
 * account using it is refused rather than allowed to continue its queue. */
gint64
wd_server_store_client_last_seq (WdStore    *store,
                                 const char *client_id,
                                 gint64      user_id,
                                 gboolean   *owned_by_other)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT last_seq, user_id FROM clients WHERE client_id = ?", NULL);

  *owned_by_other = FALSE;
  if (stmt == NULL)
    return 0;
  wd_stmt_bind_text (stmt, 1, client_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  *owned_by_other = sqlite3_column_int64 (stmt, 1) != user_id;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
wd_server_store_set_client (WdStore     *store,
                            const char  *client_id,
                            gint64       user_id,
                            gint64       last_seq,
                            gint64       now,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "INSERT INTO clients (client_id, user_id, last_seq, updated_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (client_id) DO UPDATE SET last_seq = excluded.last_seq,"
      " updated_at = excluded.updated_at", error);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, client_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, last_seq);
  sqlite3_bind_int64 (stmt, 4, now);
  return wd_store_run (store, stmt, error);
}

/* Records the scope a client pulls with; *scope_changed tells whether
 * it differs from the scope of its previous pull. Writes only when
 * something changed, so an ordinary pull stays a pure read. */
gboolean
wd_server_store_note_pull (WdStore     *store,
                           const char  *client_id,
                           gint64       user_id,
                           const char  *scope,
                           gint64       now,
                           gboolean    *scope_changed,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) get = wd_store_prepare (store, "SELECT scope FROM clients WHERE client_id = ?", error);
  g_autoptr(sqlite3_stmt) set = NULL;
  gboolean known;

  if (get == NULL)
    return FALSE;
  wd_stmt_bind_text (get, 1, client_id);
  known = sqlite3_step (get) == SQLITE_ROW;
  *scope_changed = known && sqlite3_column_type (get, 0) != SQLITE_NULL
                   && g_strcmp0 ((const char *) sqlite3_column_text (get, 0), scope) != 0;
  if (known && sqlite3_column_type (get, 0) != SQLITE_NULL && !*scope_changed)
    return TRUE;

  set = wd_store_prepare (store,
      "INSERT INTO clients (client_id, user_id, last_seq, scope, updated_at) VALUES (?, ?, 0, ?, ?)"
      " ON CONFLICT (client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at",
      error);
  if (set == NULL)
    return FALSE;
  wd_stmt_bind_text (set, 1, client_id);
  sqlite3_bind_int64 (set, 2, user_id);
  wd_stmt_bind_text (set, 3, scope);
  sqlite3_bind_int64 (set, 4, now);
  return wd_store_run (store, set, error);
}

static JsonObject *
stored_result (sqlite3_stmt *stmt)
{
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return wd_json_parse_object ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
}

JsonObject *
wd_server_store_get_result (WdStore    *store,
                            const char *client_id,
                            gint64      seq)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT result FROM op_results WHERE client_id = ? AND seq = ?", NULL);

  if (stmt != NULL)
    {
      wd_stmt_bind_text (stmt, 1, client_id);
      sqlite3_bind_int64 (stmt, 2, seq);
    }
  return stored_result (stmt);
}

/* The answer an operation got, under whichever install's number it came. */
JsonObject *
wd_server_store_find_result (WdStore    *store,
                             const char *op_id)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT result FROM op_results WHERE op_id = ?", NULL);

  if (stmt != NULL)
    wd_stmt_bind_text (stmt, 1, op_id);
  return stored_result (stmt);
}

/* op_id is NULL when the row repeats the answer of an operation applied
 * under another number. */
gboolean
wd_server_store_add_result (WdStore     *store,
                            const char  *client_id,
                            gint64       seq,
                            const char  *op_id,
                            JsonObject  *result,
                            gint64       now,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "INSERT INTO op_results (client_id, seq, result, applied_at, op_id) VALUES (?, ?, ?, ?, ?)", error);
  g_autofree char *text = wd_json_object_to_string (result, FALSE);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, client_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  wd_stmt_bind_text (stmt, 3, text);
  sqlite3_bind_int64 (stmt, 4, now);
  wd_stmt_bind_text (stmt, 5, op_id);
  return wd_store_run (store, stmt, error);
}

/* Appends the stored results after seq after, as a JSON array; they are
 * kept as the JSON they were sent as the first time. */
gboolean
wd_server_store_append_results (WdStore     *store,
                                const char  *client_id,
                                gint64       after,
                                guint        limit,
                                GString     *out,
                                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT result FROM op_results WHERE client_id = ? AND seq > ? ORDER BY seq LIMIT ?", error);
  gboolean first = TRUE;

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, client_id);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int (stmt, 3, (int) limit);
  g_string_append_c (out, '[');
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (!first)
        g_string_append_c (out, ',');
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
      first = FALSE;
    }
  g_string_append_c (out, ']');
  return TRUE;
}

gint64
wd_server_store_last_change (WdStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, "SELECT coalesce (max (seq), 0) FROM changes", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

/* Cursors below the horizon point into log entries that were compacted
 * away; their clients must start over. */
gint64
wd_server_store_log_horizon (WdStore *store)
{
  return wd_store_get_setting_int (store, "log_horizon", 0);
}

/* The log entries after since, oldest first: a statement to step
 * through, giving seq, entity and key. */
sqlite3_stmt *
wd_server_store_changes_after (WdStore     *store,
                               gint64       since,
                               guint        limit,
                               GError     **error)
{
  sqlite3_stmt *stmt = wd_store_prepare (store,
      "SELECT seq, entity, key FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int (stmt, 2, (int) limit);
  return stmt;
}

static void
append_ids (WdStore    *store,
            const char *sql,
            const char *key,
            GString    *out)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, NULL);
  gboolean first = TRUE;

  g_string_append_c (out, '[');
  if (stmt != NULL)
    {
      wd_stmt_bind_text (stmt, 1, key);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          if (!first)
            g_string_append_c (out, ',');
          wd_json_append_string (out, (const char *) sqlite3_column_text (stmt, 0));
          first = FALSE;
        }
    }
  g_string_append_c (out, ']');
}

static void
append_rows (WdStore    *store,
             const char *sql,
             const char *key,
             GString    *out)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store, sql, NULL);
  gboolean first = TRUE;

  g_string_append_c (out, '[');
  if (stmt != NULL)
    {
      wd_stmt_bind_text (stmt, 1, key);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_string_append (out, first ? "{" : ",{");
          wd_store_append_json_members (store, stmt, -1, out, NULL, NULL);
          g_string_append_c (out, '}');
          first = FALSE;
        }
    }
  g_string_append_c (out, ']');
}

/* The query reading one entity's changed rows, built once for all
 * threads: the readers run it for every pull. The unary + keeps SQLite
 * from walking all of an entity's changes by the (entity, key) index
 * where the page's short stretch of seq is what bounds the search. */
static const char *
rows_changed_query (guint i)
{
  static char **queries;

  if (g_once_init_enter (&queries))
    {
      char **made = g_new0 (char *, G_N_ELEMENTS (entity_rows) + 1);

      for (guint j = 0; j < G_N_ELEMENTS (entity_rows); j++)
        made[j] = g_strdup_printf ("SELECT t.*, c.seq AS wd_change_seq, t.%2$s IS NULL AS wd_change_gone"
                                   " FROM changes c LEFT JOIN %1$s t ON t.%2$s = c.key"
                                   " WHERE c.seq > ?1 AND c.seq <= ?2 AND +c.entity = ?3 ORDER BY c.seq",
                                   entity_rows[j].table, entity_rows[j].key);
      g_once_init_leave (&queries, made);
    }
  return queries[i];
}

/* The current rows of an entity's changes logged after `after` up to
 * `upto`, in the log's order: one statement per entity for a page rather
 * than a lookup per change, since each statement run costs SQLite an
 * allocation per column. A row ends with WD_SERVER_STORE_CHANGE_COLUMNS
 * columns of the change's own: its seq, and whether the entity is gone
 * (its columns then NULL). NULL, and no error, for an entity the server
 * does not log. */
sqlite3_stmt *
wd_server_store_rows_changed (WdStore     *store,
                              const char  *entity,
                              gint64       after,
                              gint64       upto,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (entity_rows); i++)
    if (g_str_equal (entity_rows[i].entity, entity))
      break;
  if (i == G_N_ELEMENTS (entity_rows))
    return NULL;

  stmt = wd_store_prepare (store, rows_changed_query (i), error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, upto);
  wd_stmt_bind_text (stmt, 3, entity);
  return stmt;
}

/* Appends the rows that belong to an entity, as more JSON members. */
void
wd_server_store_append_extras (WdStore    *store,
                               const char *entity,
                               const char *key,
                               GString    *out)
{
  if (g_str_equal (entity, "speaker"))
    {
      g_string_append (out, ",\"topics\":");
      append_ids (store, "SELECT ref_id FROM speaker_topics WHERE owner_id = ? ORDER BY ref_id", key, out);
    }
  else if (g_str_equal (entity, "project"))
    {
      g_string_append (out, ",\"venue_kinds\":");
      append_ids (store, "SELECT ref_id FROM project_venue_kinds WHERE owner_id = ? ORDER BY ref_id", key, out);
    }
  else if (g_str_equal (entity, "reward_period"))
    {
      g_string_append (out, ",\"lines\":");
      append_rows (store, "SELECT * FROM reward_lines WHERE period_id = ?", key, out);
      g_string_append (out, ",\"orders\":");
      append_rows (store, "SELECT * FROM reward_orders WHERE period_id = ?", key, out);
    }
}

guint
wd_server_store_n_synced_tables (void)
{
  return G_N_ELEMENTS (synced_tables);
}

/* A table's primary key columns, comma-separated. */
static char *
primary_key_of (WdStore    *store,
                const char *table)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT group_concat (name, ', ') FROM (SELECT name FROM pragma_table_info (?) WHERE pk > 0 ORDER BY pk)",
      NULL);

  if (stmt == NULL)
    return g_strdup ("rowid");
  wd_stmt_bind_text (stmt, 1, table);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return g_strdup ("rowid");
  return wd_stmt_dup_text (stmt, 0);
}

/* The i-th synced table and the entity its rows belong to. */
void
wd_server_store_synced_table (guint        i,
                              const char **table,
                              const char **entity)
{
  g_return_if_fail (i < G_N_ELEMENTS (synced_tables));

  *table = synced_tables[i].table;
  *entity = synced_tables[i].entity;
}

/* The rows of the i-th synced table that belong to its entity and meet
 * narrowing (a condition on ROW, or NULL), in the order of its primary
 * key (a client writes them into its key's index one after the other,
 * never in the middle), as a statement to step through. */
sqlite3_stmt *
wd_server_store_scan_synced_table (WdStore     *store,
                                   guint        i,
                                   const char  *narrowing,
                                   GError     **error)
{
  const char *table;
  g_autofree char *when = NULL;
  g_autofree char *narrowed = NULL;
  g_autofree char *order = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (i < G_N_ELEMENTS (synced_tables), NULL);

  table = synced_tables[i].table;
  when = condition_on (synced_tables[i].when, table);
  narrowed = condition_on (narrowing, table);
  order = primary_key_of (store, table);
  sql = g_strdup_printf ("SELECT * FROM main.%s WHERE (%s) AND (%s) ORDER BY %s", table,
                         when ? when : "1", narrowed ? narrowed : "1", order);
  return wd_store_prepare (store, sql, error);
}

/* Who an order belongs to: its sub-district and its assignee. */
gboolean
wd_server_store_order_scope (WdStore     *store,
                             const char  *order_id,
                             char       **subdistrict_id,
                             char       **assignee_kind,
                             char       **assignee_id)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT subdistrict_id, assignee_kind, assignee_id FROM orders WHERE id = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, order_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *subdistrict_id = wd_stmt_dup_text (stmt, 0);
  *assignee_kind = wd_stmt_dup_text (stmt, 1);
  *assignee_id = wd_stmt_dup_text (stmt, 2);
  return TRUE;
}

/* Whether order_id was ever dispatched to assignee_id: a team that lost an
 * order to someone else is told to drop its copy. */
gboolean
wd_server_store_was_assigned (WdStore    *store,
                              const char *order_id,
                              const char *assignee_id)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT 1 FROM history WHERE entity_id = ? AND action = 'order.dispatch'"
      " AND json_extract (detail, '$.assignee_id') = ? LIMIT 1", NULL);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, order_id);
  wd_stmt_bind_text (stmt, 2, assignee_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* Copies every page of from's main database over to's, in one
 * transaction of to: a copy stopped half way leaves to as it was. */
static gboolean
copy_pages (sqlite3     *to,
            sqlite3     *from,
            const char  *destination,
            GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (to, "main", from, "main");
  int rc;

  if (backup == NULL)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot copy to %s: %s"),
                   destination, sqlite3_errmsg (to));
      return FALSE;
    }
  do
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        g_usleep (10000);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("The copy to %s failed: %s"),
                   destination, sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

/* SQLite's online backup copies a consistent snapshot while the server
 * goes on writing; the copy is written beside the target and renamed, so
 * a failed backup never leaves a half file under the target's name. The
 * copy is a lineage of its own from the moment it is made. */
gboolean
wd_server_store_backup (WdStore     *store,
                        const char  *destination,
                        GError     **error)
{
  g_autofree char *partial = g_strconcat (destination, ".partial", NULL);
  g_autofree char *new_epoch = epoch_sql ();
  sqlite3 *target = NULL;
  gboolean copied;

  g_unlink (partial);
  if (sqlite3_open (partial, &target) != SQLITE_OK)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot create the backup %s: %s"),
                   partial, sqlite3_errmsg (target));
      sqlite3_close (target);
      return FALSE;
    }

  copied = copy_pages (target, wd_store_get_db (store), destination, error);
  if (copied && sqlite3_exec (target, new_epoch, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("The backup to %s failed: %s"),
                   destination, sqlite3_errmsg (target));
      copied = FALSE;
    }
  sqlite3_close (target);
  if (!copied)
    {
      g_unlink (partial);
      return FALSE;
    }

  if (g_rename (partial, destination) != 0)
    {
      int saved = errno;

      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot move the backup to %s: %s"),
                   destination, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Whether a database holds what a server keeps beside the shared store. */
static gboolean
has_server_tables (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM sqlite_schema WHERE type = 'table'"
                          " AND name IN ('meta', 'users', 'clients', 'op_results', 'changes')",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n == 5;
}

/* Whether path is a sound copy of a server's database; the message
 * says what is wrong with it otherwise. */
static gboolean
check_server_copy (sqlite3     *copy,
                   const char  *path,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *check = NULL;

  if (sqlite3_prepare_v2 (copy, "SELECT quick_check FROM pragma_quick_check", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    check = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (check == NULL)
    g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("%s cannot be read as a database: %s"),
                 path, sqlite3_errmsg (copy));
  else if (!g_str_equal (check, "ok"))
    g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("%s is damaged (%s); restore another backup"), path, check);
  else if (!has_server_tables (copy))
    g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                 _("%s is not a copy of a Wudan server's database; give a file wudan-server backup wrote"), path);
  else
    return TRUE;
  return FALSE;
}

/* A copy of the database a restore is about to replace, beside it, so
 * that restoring the wrong backup can itself be undone: its path, or
 * NULL when there was no server's database there to keep. */
static char *
keep_replaced (WdStore *store)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) failure = NULL;

  if (!has_server_tables (wd_store_get_db (store)))
    return NULL;
  path = wd_store_name_beside (wd_store_get_path (store), "before-restore");
  /* A database damaged past copying is the usual reason to restore: the
   * restore goes on without the copy. */
  if (!wd_server_store_backup (store, path, &failure))
    {
      g_warning ("The database being replaced could not be kept: %s", failure->message);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* Puts a backup back in place of the store's database, page by page
 * through the store's own connection (so its write-ahead log cannot
 * replay old pages over it), as one transaction, and gives it a lineage
 * of its own: clients that synced with the database after the backup was
 * taken start again from what it holds (docs/sync.md). Only while
 * nothing else has the store open. */
gboolean
wd_server_store_restore (WdStore     *store,
                         const char  *source,
                         char       **kept,
                         GError     **error)
{
  sqlite3 *copy = NULL;
  gboolean ok;

  *kept = NULL;

  if (!wd_store_lock_alone (store))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                   _("%s is in use (is wudan-server serving it?); stop the server and restore again"),
                   wd_store_get_path (store));
      return FALSE;
    }
  if (sqlite3_open_v2 (source, &copy, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot open the backup %s: %s"),
                   source, sqlite3_errmsg (copy));
      sqlite3_close (copy);
      wd_store_unlock_alone (store);
      return FALSE;
    }
  ok = check_server_copy (copy, source, error);
  if (ok)
    {
      *kept = keep_replaced (store);
      ok = copy_pages (wd_store_get_db (store), copy, wd_store_get_path (store), error)
           && wd_server_store_renew_epoch (store, error);
    }
  sqlite3_close (copy);
  wd_store_unlock_alone (store);
  return ok;
}
