/* wd-store.c: opening, migrating and writing the SQLite store. Every
 * statement is prepared once, cached, and run with bound parameters. */
#define G_LOG_DOMAIN "wudan-core"
/* F_OFD_SETLK: open file description locks (wd_store_lock_alone). */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "wd-error.h"
#include "wd-json.h"
#include "wd-search-private.h"
#include "wd-store-private.h"
#include "wd-time.h"

struct _WdStore
{
  GObject      parent_instance;

  sqlite3     *db;
  char        *path;
  GHashTable  *statements;     /* SQL text → sqlite3_stmt */
  GHashTable  *member_keys;    /* cached sqlite3_stmt → GPtrArray of GString "name": */
  GTimeZone   *tz;
  guint        depth;          /* open transactions and savepoints */
  GHashTable  *stale;          /* "kind\x1fid" of rows whose index entry waits for commit */
  GHashTable  *upsert_sql;     /* WdEntity → its INSERT … ON CONFLICT statement text */
  GHashTable  *exists_sql;     /* table → its SELECT 1 … WHERE id = ? text */
  gboolean     search_index;   /* keep the full-text indexes up to date */
  GHashTable  *hits;           /* table → WdSearchHits, its last search's matches */
  GHashTable  *listed;         /* a list's query → ListedKeys, its rows' keys in order */
  guint        n_listed;       /* keys held in listed */
  int          authoritative;  /* cached setting: -1 unknown */
  int          schema_version;
  int          users_fd;       /* STORE-users, read-locked while open */
  char        *accounts_text;  /* the account directory account_labels was made from */
  GHashTable  *account_labels; /* account name → who it is, for a person */
};

/* What the store held when a cache of its contents was filled. */
typedef struct
{
  gint64  data_version;
  gint64  total_changes;
} Moment;

/* A bit a rowid while they are from 0 to below this (a set of 1 MiB at
 * most); otherwise the rowids sorted. */
#define MAX_BIT_ROWID (G_GINT64_CONSTANT (8) * 1024 * 1024)

struct _WdSearchHits
{
  char       *match;
  Moment      filled;
  GByteArray *bits;      /* bit rowid set for each matching row, or NULL */
  GArray     *rowids;    /* without bits: the matching rowids, sorted */
};

static void
search_hits_free (WdSearchHits *hits)
{
  g_free (hits->match);
  g_clear_pointer (&hits->bits, g_byte_array_unref);
  g_clear_pointer (&hits->rowids, g_array_unref);
  g_free (hits);
}

static gint
compare_rowids (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

gboolean
wd_search_hits_contain (const WdSearchHits *hits,
                        gint64              rowid)
{
  if (hits->bits != NULL)
    return rowid >= 0 && (guint64) rowid / 8 < hits->bits->len
        && (hits->bits->data[rowid / 8] & (1u << (rowid % 8))) != 0;
  return bsearch (&rowid, hits->rowids->data, hits->rowids->len, sizeof (gint64), compare_rowids) != NULL;
}

typedef struct
{
  GArray *keys;
  Moment  filled;
} ListedKeys;

static void
listed_keys_free (ListedKeys *listed)
{
  g_array_unref (listed->keys);
  g_free (listed);
}

G_DEFINE_FINAL_TYPE (WdStore, wd_store, G_TYPE_OBJECT)

/* The lists and search matches held for reads to come (both are read
 * through wd_store_search_hits and wd_store_get_listed_keys). */
static void
forget_held_reads (WdStore *self)
{
  g_hash_table_remove_all (self->hits);
  g_hash_table_remove_all (self->listed);
  self->n_listed = 0;
}

static void
wd_store_finalize (GObject *object)
{
  WdStore *self = WD_STORE (object);

  g_clear_pointer (&self->member_keys, g_hash_table_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->stale, g_hash_table_unref);
  g_clear_pointer (&self->upsert_sql, g_hash_table_unref);
  g_clear_pointer (&self->exists_sql, g_hash_table_unref);
  g_clear_pointer (&self->hits, g_hash_table_unref);
  g_clear_pointer (&self->listed, g_hash_table_unref);
  g_clear_pointer (&self->account_labels, g_hash_table_unref);
  g_free (self->accounts_text);
  if (self->db != NULL)
    sqlite3_close (self->db);
  if (self->users_fd >= 0)
    close (self->users_fd);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->path);

  G_OBJECT_CLASS (wd_store_parent_class)->finalize (object);
}

static void
wd_store_class_init (WdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wd_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
wd_store_init (WdStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->member_keys = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->stale = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->upsert_sql = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->exists_sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) search_hits_free);
  self->listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) listed_keys_free);
  self->search_index = TRUE;
  self->authoritative = -1;
  self->users_fd = -1;
}

/* Beside a store that was found damaged while in use. */
#define DAMAGED_MARKER "-damaged"

/* The file a store found damaged leaves beside it, whichever connection
 * found it: what the next opening checks for, and what an application
 * can watch to hear of damage at once. */
char *
wd_store_damage_mark_path (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  return g_strconcat (path, DAMAGED_MARKER, NULL);
}

/* Leaves the mark the next opening checks for, and an application
 * watches to hear of damage at once. */
static void
mark_damaged (WdStore    *self,
              const char *reason)
{
  g_autofree char *marker = wd_store_damage_mark_path (self->path);

  g_file_set_contents (marker, reason, -1, NULL);
}

gboolean
wd_store_set_error (WdStore  *self,
                    GError  **error)
{
  int code = sqlite3_errcode (self->db) & 0xff;

  /* A damaged file (a disk error, a copy cut short) is not something to
   * try again: say what can be done about it, and have the next opening
   * check the whole file, since damage deep in it opens fine. */
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    {
      mark_damaged (self, sqlite3_errmsg (self->db));
      g_set_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED, _("The store %s is damaged: %s"), self->path,
                   sqlite3_errmsg (self->db));
    }
  /* A full disk or a file that may not be written is not the store's
   * fault, and the user can mend it. */
  else if (code == SQLITE_FULL)
    g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                 _("There is no room left for the store %s (%s): free some disk space, then try again; "
                   "nothing was changed"), self->path, sqlite3_errmsg (self->db));
  else if (code == SQLITE_READONLY)
    g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                 _("The store %s cannot be written (%s): check that the file and its folder belong to you and "
                   "that the disk is not read-only; nothing was changed"), self->path, sqlite3_errmsg (self->db));
  else
    g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("The store %s could not be used: %s"),
                 self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

/* A search index that cannot be read for want of memory is most likely
 * damaged: a hit structure record can claim absurd sizes, and SQLite
 * then answers "out of memory" instead of "malformed". It is taken as
 * damage, so the next opening checks the indexes and makes a damaged one
 * anew; an index that proves sound is kept as it is. */
gboolean
wd_store_set_index_error (WdStore     *self,
                          const char  *index,
                          GError     **error)
{
  g_autofree char *reason = NULL;

  if ((sqlite3_errcode (self->db) & 0xff) != SQLITE_NOMEM)
    return wd_store_set_error (self, error);

  reason = g_strdup_printf ("%s: %s", index, sqlite3_errmsg (self->db));
  mark_damaged (self, reason);
  g_set_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED,
               _("The search index %s of the store %s could not be read (%s): it may be damaged, and will be "
                 "checked and mended when the store is opened again"),
               index, self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

/* "PATH.LABEL-20261129-181500": a name beside a store for a copy of it,
 * or for the store itself set aside; the newest sorts last. */
char *
wd_store_name_beside (const char *path,
                      const char *label)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s.%s-%s", path, label, stamp);
}

/* Moves a store that no connection has open, with the files SQLite keeps
 * beside it, to a name beside it, and returns that name. The
 * write-ahead log goes first: left behind, it would be played into a new
 * store of the old name. */
char *
wd_store_set_aside (const char  *path,
                    const char  *label,
                    GError     **error)
{
  g_autofree char *aside = wd_store_name_beside (path, label);
  static const char * const companions[] = { "-wal", "-journal", "-shm", DAMAGED_MARKER, "" };

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (aside, companions[i], NULL);

      if (g_rename (from, to) != 0 && (errno != ENOENT || *companions[i] == '\0'))
        {
          int saved = errno;

          g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot set %s aside as %s: %s"), from, to,
                       g_strerror (saved));
          return NULL;
        }
    }
  return g_steal_pointer (&aside);
}

sqlite3 *
wd_store_get_db (WdStore *self)
{
  return self->db;
}

sqlite3_stmt *
wd_store_prepare (WdStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    return stmt;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      /* Only a statement the code got wrong is a programming error; a
       * damaged table (a search index's cannot be opened) is the store's. */
      if (sqlite3_errcode (self->db) == SQLITE_ERROR)
        g_critical ("Cannot prepare %s: %s", sql, sqlite3_errmsg (self->db));
      wd_store_set_error (self, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/* Runs a statement that returns no rows. */
gboolean
wd_store_run (WdStore       *self,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return wd_store_set_error (self, error);
}

gboolean
wd_store_exec (WdStore     *self,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return wd_store_set_error (self, error);
  return TRUE;
}

void
wd_stmt_bind_text (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
wd_stmt_dup_text (sqlite3_stmt *stmt,
                  int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

JsonObject *
wd_stmt_row_to_json (sqlite3_stmt *stmt)
{
  JsonObject *row = json_object_new ();
  int n = sqlite3_column_count (stmt);

  for (int i = 0; i < n; i++)
    {
      const char *name = sqlite3_column_name (stmt, i);

      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_INTEGER:
          json_object_set_int_member (row, name, sqlite3_column_int64 (stmt, i));
          break;
        case SQLITE_FLOAT:
          json_object_set_double_member (row, name, sqlite3_column_double (stmt, i));
          break;
        case SQLITE_TEXT:
          json_object_set_string_member (row, name, (const char *) sqlite3_column_text (stmt, i));
          break;
        default:
          json_object_set_null_member (row, name);
          break;
        }
    }
  return row;
}

static void
free_member_key (gpointer key)
{
  g_string_free (key, TRUE);
}

/* The statement's column names as JSON member keys ("name":, and
 * ,"name": after the first), escaped once per cached statement: a pull
 * page writes the same names for every row. The store's statements live
 * as long as it does, so their addresses are not reused. */
static GPtrArray *
member_keys (WdStore      *self,
             sqlite3_stmt *stmt)
{
  GPtrArray *keys = g_hash_table_lookup (self->member_keys, stmt);
  int n = sqlite3_column_count (stmt);

  /* SQLite prepares a statement again after a schema change, and a
   * SELECT * may then have other columns. */
  if (keys != NULL && keys->len == (guint) n)
    return keys;
  keys = g_ptr_array_new_full ((guint) n, free_member_key);
  for (int i = 0; i < n; i++)
    {
      GString *key = g_string_new (i > 0 ? "," : "");

      wd_json_append_string (key, sqlite3_column_name (stmt, i));
      g_string_append_c (key, ':');
      g_ptr_array_add (keys, key);
    }
  g_hash_table_insert (self->member_keys, stmt, keys);
  return keys;
}

/* Writes the current row's first n_columns columns (all when negative)
 * as JSON members ("name":value,...), straight from SQLite, for
 * responses too large to build as a tree. stmt is one of self's cached
 * statements (wd_store_prepare). */
void
wd_store_append_json_members (WdStore       *self,
                              sqlite3_stmt  *stmt,
                              int            n_columns,
                              GString       *out,
                              WdValueFilter  filter,
                              gpointer       data)
{
  GPtrArray *keys = member_keys (self, stmt);
  int n = n_columns < 0 ? (int) keys->len : MIN (n_columns, (int) keys->len);

  for (int i = 0; i < n; i++)
    {
      GString *key = g_ptr_array_index (keys, i);

      wd_json_append_raw (out, key->str, key->len);
      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_INTEGER:
          wd_json_append_int (out, sqlite3_column_int64 (stmt, i));
          break;
        case SQLITE_FLOAT:
          {
            char number[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (number, sizeof number, sqlite3_column_double (stmt, i)));
          }
          break;
        case SQLITE_TEXT:
          if (filter == NULL)
            {
              /* The text as stored, without the NUL-terminated copy
               * sqlite3_column_text makes of every value. */
              const char *text = sqlite3_column_blob (stmt, i);   /* NULL when empty */

              wd_json_append_string_len (out, text ? text : "", (gsize) sqlite3_column_bytes (stmt, i));
            }
          else
            {
              const char *text = (const char *) sqlite3_column_text (stmt, i);
              g_autofree char *replaced = filter (sqlite3_column_name (stmt, i), text, data);

              wd_json_append_string (out, replaced ? replaced : text);
            }
          break;
        default:
          wd_json_append_literal (out, "null");
          break;
        }
    }
}

static int
read_user_version (WdStore *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
migrate (WdStore  *self,
         GError  **error)
{
  int version = read_user_version (self);
  int latest = (int) wd_schema_n_migrations ();
  int from = version;

  if (version < 0)
    return wd_store_set_error (self, error);

  if (version > latest)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_SCHEMA_TOO_NEW,
                   _("The store %s was written by a newer Wudan (schema %d, this one knows %d); "
                     "update Wudan to open it"),
                   self->path, version, latest);
      return FALSE;
    }

  for (; version < latest; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!wd_store_begin (self, error))
        return FALSE;
      if (!wd_store_exec (self, wd_schema_migration (version + 1), error)
          || !wd_store_exec (self, set_version, error))
        {
          g_prefix_error (error, _("Upgrading the store to schema %d failed: "), version + 1);
          wd_store_rollback (self);
          return FALSE;
        }
      /* The search index arrived with schema 2: fill it for old rows. */
      if (version + 1 == 2 && from >= 1 && !wd_search_reindex_all (self, error))
        {
          wd_store_rollback (self);
          return FALSE;
        }
      if (!wd_store_commit (self, error))
        return FALSE;
    }

  self->schema_version = latest;
  return TRUE;
}

/* Opens the connection to the store's file, sets it up and brings the
 * schema up to date. */
static gboolean
open_connection (WdStore  *self,
                 GError  **error)
{
  g_autofree char *tz_name = NULL;

  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot open the store %s: %s"),
                   self->path, self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  /* WAL lets readers run beside the writer; FULL sync makes a committed
   * operation survive a power cut, which is what "acknowledged" promises. */
  if (!wd_store_exec (self, "PRAGMA journal_mode = WAL", error)
      || !wd_store_exec (self, "PRAGMA synchronous = FULL", error)
      || !wd_store_exec (self, "PRAGMA foreign_keys = ON", error)
      /* A write-ahead log grown by one large transaction (a first sync
       * takes a whole store in one) is cut back when it starts over,
       * instead of keeping its size on disk for good. */
      || !wd_store_exec (self, "PRAGMA journal_size_limit = 67108864", error)
      /* The default 2 MB page cache thrashes once a district's orders
       * and their search index outgrow it; 16 MB holds a desktop's hot
       * pages (the server asks for more, wd_store_set_cache_size). */
      || !wd_store_exec (self, "PRAGMA cache_size = -16384", error)
      || !wd_tokenizer_register (self->db, error)
      || !migrate (self, error))
    return FALSE;

  tz_name = wd_store_get_setting (self, "time_zone");
  self->tz = wd_time_zone_new (tz_name);

  return TRUE;
}

/* Sets the lock of type (F_RDLCK, F_WRLCK) on the whole of the users
 * file; wait says whether to wait for others to let go. */
static gboolean
lock_users (WdStore *self,
            short    type,
            gboolean wait)
{
  struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };

  return self->users_fd >= 0 && fcntl (self->users_fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock) == 0;
}

/* Every WdStore open on a file holds a read lock on a file beside it,
 * STORE-users, so one can tell whether it is the store's only user
 * (wd_store_lock_alone). SQLite cannot say: a connection to a WAL
 * database holds no lock on it between transactions. The locks belong to
 * the open file (open file description locks): every WdStore counts, in
 * this process or another, and closing another descriptor of the file
 * leaves them alone; turning a read lock into a write lock either
 * happens whole or leaves it as it was. */
static void
join_users (WdStore *self)
{
  g_autofree char *users = g_strconcat (self->path, "-users", NULL);

  self->users_fd = g_open (users, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  lock_users (self, F_RDLCK, TRUE);
}

/* Whether this is the store's only user; then others wait to open it
 * until wd_store_unlock_alone. */
gboolean
wd_store_lock_alone (WdStore *self)
{
  g_return_val_if_fail (WD_IS_STORE (self), FALSE);
  return lock_users (self, F_WRLCK, FALSE);
}

void
wd_store_unlock_alone (WdStore *self)
{
  g_return_if_fail (WD_IS_STORE (self));
  lock_users (self, F_RDLCK, TRUE);
}

static gboolean
check_whole_file (WdStore  *self,
                  GError  **error)
{
  g_autoptr(sqlite3_stmt) check = wd_store_prepare (self, "PRAGMA quick_check", error);

  if (check == NULL)
    return FALSE;
  if (sqlite3_step (check) != SQLITE_ROW)
    return wd_store_set_error (self, error);
  if (g_strcmp0 ((const char *) sqlite3_column_text (check, 0), "ok") != 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED, _("The store %s is damaged: %s"), self->path,
                   (const char *) sqlite3_column_text (check, 0));
      return FALSE;
    }
  return TRUE;
}

/* A store found damaged while in use opens only once the whole file
 * proves sound (PRAGMA quick_check, a few tenths of a second for a large
 * district): damage deep in it would otherwise only show again, query by
 * query. Damage inside a search index passes that check; the indexes are
 * checked by FTS5 and a damaged one is made anew from the rows, which
 * are the data (the index is only a way to them). */
static gboolean
check_if_found_damaged (WdStore  *self,
                        GError  **error)
{
  g_autofree char *marker = wd_store_damage_mark_path (self->path);

  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!check_whole_file (self, error) || !wd_search_repair_indexes (self, error))
    return FALSE;
  g_unlink (marker);
  return TRUE;
}

WdStore *
wd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(WdStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (WD_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, WD_ERROR, WD_ERROR_STORE, _("Cannot create the folder %s: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  /* The store holds residents' phone numbers and, when syncing, a session
   * token: only its owner may read it. SQLite gives the -wal and -shm
   * files the same mode as the database. A file that exists is changed by
   * its name, never opened here: closing any descriptor of a database
   * drops every POSIX lock this process holds on it, and with them the
   * locks of the connections already open (the server's, while a worker
   * opens its own), which lets another process reset the WAL under them. */
  {
    int fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd >= 0)
      close (fd);
    else
      g_chmod (path, 0600);
  }

  join_users (self);
  if (!open_connection (self, error) || !check_if_found_damaged (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Closes the connection and opens the store's file again, after it was
 * replaced whole (a first sync adopting the server's prebuilt store). No
 * statement of the store may be in use. */
gboolean
wd_store_reopen (WdStore  *self,
                 GError  **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  g_hash_table_remove_all (self->member_keys);
  g_hash_table_remove_all (self->statements);
  forget_held_reads (self);
  g_hash_table_remove_all (self->stale);
  sqlite3_close (self->db);
  self->db = NULL;
  self->authoritative = -1;
  g_clear_pointer (&self->tz, g_time_zone_unref);
  return open_connection (self, error);
}

const char *
wd_store_get_path (WdStore *self)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return self->path;
}

int
wd_store_get_schema_version (WdStore *self)
{
  g_return_val_if_fail (WD_IS_STORE (self), -1);
  return self->schema_version;
}

GTimeZone *
wd_store_get_time_zone (WdStore *self)
{
  g_return_val_if_fail (WD_IS_STORE (self), NULL);
  return self->tz;
}

void
wd_store_set_cache_size (WdStore *self,
                         guint    mebibytes)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (WD_IS_STORE (self));

  sql = g_strdup_printf ("PRAGMA cache_size = -%u", mebibytes * 1024);
  wd_store_exec (self, sql, NULL);
}

/* The server never searches; it can skip the cost of keeping the
 * full-text indexes, which is a third of what an operation costs. */
void
wd_store_set_search_index (WdStore  *self,
                           gboolean  keep)
{
  g_return_if_fail (WD_IS_STORE (self));
  self->search_index = keep;
}

gboolean
wd_store_get_search_index (WdStore *self)
{
  g_return_val_if_fail (WD_IS_STORE (self), FALSE);
  return self->search_index;
}

/* Builds every search index afresh from the rows, in one transaction:
 * after a bulk load, once, instead of row by row. */
gboolean
wd_store_rebuild_search_index (WdStore  *self,
                               GError  **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  if (!wd_store_begin (self, error))
    return FALSE;
  if (!wd_search_reindex_all (self, error))
    {
      wd_store_rollback (self);
      return FALSE;
    }
  return wd_store_commit (self, error);
}

/* An authoritative store (the server, or an app that never syncs) gives
 * new orders their human-readable number; a syncing client waits for the
 * server's. */
gboolean
wd_store_get_authoritative (WdStore *self)
{
  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  if (self->authoritative < 0)
    self->authoritative = wd_store_get_setting_int (self, "authoritative", 1) != 0;
  return self->authoritative;
}

void
wd_store_set_authoritative (WdStore  *self,
                            gboolean  authoritative)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WD_IS_STORE (self));

  if (!wd_store_set_setting (self, "authoritative", authoritative ? "1" : "0", &error))
    g_warning ("%s", error->message);
}

/* Search index entries are brought up to date once, when the outermost
 * transaction commits, not at every write: FTS5 flushes its pending terms
 * at every savepoint, which made each operation in a batch pay for a
 * flush. Refreshing from the rows as committed is also always right,
 * whatever savepoints were rolled back on the way. */
static gboolean
refresh_stale (WdStore  *self,
               GError  **error)
{
  GHashTableIter iter;
  const char *key;

  g_hash_table_iter_init (&iter, self->stale);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      const char *sep = strchr (key, '\x1f');
      g_autofree char *kind = g_strndup (key, sep - key);

      if (!wd_search_reindex (self, kind, sep + 1, error))
        return FALSE;
    }
  g_hash_table_remove_all (self->stale);
  return TRUE;
}

/* For rows written other than by the store's own functions (the sync
 * client writes pulled rows): their index entries are refreshed at the
 * next commit. */
void
wd_store_mark_stale (WdStore    *self,
                     const char *kind,
                     const char *id)
{
  g_return_if_fail (WD_IS_STORE (self));

  if (self->search_index && self->depth > 0)
    g_hash_table_add (self->stale, g_strdup_printf ("%s\x1f%s", kind, id));
}

static gboolean
mark_stale (WdStore     *self,
            const char  *kind,
            const char  *id,
            GError     **error)
{
  if (!self->search_index)
    return TRUE;
  if (self->depth == 0)
    return wd_search_reindex (self, kind, id, error);
  g_hash_table_add (self->stale, g_strdup_printf ("%s\x1f%s", kind, id));
  return TRUE;
}

/* Transaction statements are run from the statement cache like any
 * other: a batch of operations opens and releases a savepoint per
 * operation, and parsing those each time showed in the profile. */
static gboolean
run_control (WdStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self, sql, error);

  return stmt != NULL && wd_store_run (self, stmt, error);
}

/* Transactions nest: the outermost is a real transaction, inner ones are
 * savepoints, so one operation can be undone inside a larger batch. */
gboolean
wd_store_begin (WdStore  *self,
                GError  **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  sql = self->depth == 0 ? g_strdup ("BEGIN IMMEDIATE")
                         : g_strdup_printf ("SAVEPOINT wd_%u", self->depth);
  if (!run_control (self, sql, error))
    return FALSE;
  self->depth++;
  return TRUE;
}

/* A transaction that starts as a reader: one snapshot for a series of
 * reads, taking the write lock only if it comes to write, so readers never
 * wait for one another nor force a sync to disk. */
gboolean
wd_store_begin_read (WdStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  if (self->depth > 0)
    return wd_store_begin (self, error);
  if (!run_control (self, "BEGIN DEFERRED", error))
    return FALSE;
  self->depth++;
  return TRUE;
}

gboolean
wd_store_commit (WdStore  *self,
                 GError  **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth == 1 && !refresh_stale (self, error))
    {
      wd_store_rollback (self);
      return FALSE;
    }

  sql = self->depth == 1 ? g_strdup ("COMMIT")
                         : g_strdup_printf ("RELEASE wd_%u", self->depth - 1);
  if (!run_control (self, sql, error))
    {
      wd_store_rollback (self);
      return FALSE;
    }
  self->depth--;
  return TRUE;
}

void
wd_store_rollback (WdStore *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_return_if_fail (WD_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  if (self->depth == 1)
    g_hash_table_remove_all (self->stale);
  /* Lists and matches read after writes that are undone are undone with
   * them, and nothing else would tell (the change counters do not go
   * back). */
  forget_held_reads (self);

  /* After a full disk, an I/O error or a lack of memory SQLite may have
   * rolled the whole transaction back itself: nothing is left to undo,
   * at any depth, and the commits above fail as they should. */
  if (sqlite3_get_autocommit (self->db))
    ok = TRUE;
  else if (self->depth == 1)
    ok = run_control (self, "ROLLBACK", &error);
  else
    {
      g_autofree char *to = g_strdup_printf ("ROLLBACK TO wd_%u", self->depth - 1);
      g_autofree char *release = g_strdup_printf ("RELEASE wd_%u", self->depth - 1);

      ok = run_control (self, to, &error) && run_control (self, release, &error);
    }
  if (!ok)
    g_warning ("Rollback failed on %s: %s", self->path, error->message);
  self->depth--;
}

char *
wd_store_get_setting (WdStore    *self,
                      const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  stmt = wd_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return wd_stmt_dup_text (stmt, 0);
}

gint64
wd_store_get_setting_int (WdStore    *self,
                          const char *key,
                          gint64      fallback)
{
  g_autofree char *text = wd_store_get_setting (self, key);
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    return fallback;
  return value;
}

gboolean
wd_store_set_setting (WdStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self,
      "INSERT INTO meta (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  if (g_str_equal (key, "authoritative"))
    self->authoritative = -1;
  wd_stmt_bind_text (stmt, 1, key);
  wd_stmt_bind_text (stmt, 2, value);
  return wd_store_run (self, stmt, error);
}

/* The server's directory of accounts (GET /api/v1/accounts), which
 * names the accounts the data says acted: a history entry's actor, a
 * ledger line's clerk. */
#define ACCOUNTS_KEY "accounts"

gboolean
wd_store_set_accounts (WdStore    *self,
                       JsonArray  *accounts,
                       GError    **error)
{
  g_autoptr(JsonObject) directory = json_object_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  json_object_set_array_member (directory, "accounts", json_array_ref (accounts));
  text = wd_json_object_to_string (directory, FALSE);
  return wd_store_set_setting (self, ACCOUNTS_KEY, text, error);
}

static char *
account_label (JsonObject *account)
{
  const char *name = json_object_get_string_member_with_default (account, "name", "");
  const char *serves = json_object_get_string_member_with_default (account, "serves", "");
  WdRole role;

  if (*serves == '\0' && wd_role_from_string (json_object_get_string_member_with_default (account, "role", ""),
                                               &role))
    serves = wd_role_label (role);
  if (*serves == '\0')
    return g_strdup (name);
  /* TRANSLATORS: whom an account serves, then the account's name:
   * "Jiefanglu sub-district (office-jiefanglu)" */
  return g_strdup_printf (_("%s (%s)"), serves, name);
}

static void
read_account_labels (WdStore    *self,
                     const char *text)
{
  g_autoptr(JsonObject) directory = text != NULL ? wd_json_parse_object (text, -1, NULL) : NULL;
  JsonArray *accounts = directory != NULL ? json_object_get_array_member (directory, "accounts") : NULL;

  g_clear_pointer (&self->account_labels, g_hash_table_unref);
  g_free (self->accounts_text);
  self->accounts_text = g_strdup (text);
  self->account_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; accounts != NULL && i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);

      if (account != NULL && json_object_has_member (account, "name"))
        g_hash_table_insert (self->account_labels, g_strdup (json_object_get_string_member (account, "name")),
                             account_label (account));
    }
}

/* Who the account called name is, for a person: whom it serves (a
 * sub-district, a team) or its role, then its name. The name alone when
 * the directory does not list it (not synced yet, or a team's view of
 * another team). */
char *
wd_store_describe_account (WdStore    *self,
                           const char *name)
{
  g_autofree char *text = NULL;
  const char *label;

  g_return_val_if_fail (WD_IS_STORE (self), NULL);

  if (name == NULL || *name == '\0')
    return g_strdup ("");
  text = wd_store_get_setting (self, ACCOUNTS_KEY);
  if (self->account_labels == NULL || g_strcmp0 (text, self->accounts_text) != 0)
    read_account_labels (self, text);
  label = g_hash_table_lookup (self->account_labels, name);
  return g_strdup (label != NULL ? label : name);
}

gboolean
wd_store_add_history (WdStore               *self,
                      const WdHistoryEntry  *entry,
                      GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (self,
      "INSERT INTO history (id, entity, entity_id, op_id, action, from_state, to_state, actor, role,"
      " at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, entry->id);
  wd_stmt_bind_text (stmt, 2, entry->entity);
  wd_stmt_bind_text (stmt, 3, entry->entity_id);
  wd_stmt_bind_text (stmt, 4, entry->op_id);
  wd_stmt_bind_text (stmt, 5, entry->action);
  wd_stmt_bind_text (stmt, 6, entry->from_state);
  wd_stmt_bind_text (stmt, 7, entry->to_state);
  wd_stmt_bind_text (stmt, 8, entry->actor);
  wd_stmt_bind_text (stmt, 9, entry->role);
  sqlite3_bind_int64 (stmt, 10, entry->at);
  wd_stmt_bind_text (stmt, 11, entry->detail);
  return wd_store_run (self, stmt, error);
}

/* Changes whenever another connection (of this process or another)
 * commits, and never for this connection's own writes; -1 on failure.
 * What a cache of the store's contents checks before it is trusted. */
gint64
wd_store_get_data_version (WdStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (WD_IS_STORE (self), -1);

  stmt = wd_store_prepare (self, "PRAGMA data_version", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
}

static Moment
moment_now (WdStore *self)
{
  Moment now = { wd_store_get_data_version (self), sqlite3_total_changes64 (self->db) };

  return now;
}

/* Whether the store still holds what it held then: another connection's
 * commit moves data_version, this one's own writes total_changes. */
static gboolean
unchanged_since (WdStore *self,
                 Moment   then)
{
  Moment now = moment_now (self);

  return then.data_version >= 0 && now.data_version == then.data_version
      && now.total_changes == then.total_changes;
}

static GByteArray *
rowids_as_bits (GArray *rowids,
                gint64  highest)
{
  GByteArray *bits = g_byte_array_sized_new ((guint) (highest / 8 + 1));

  g_byte_array_set_size (bits, (guint) (highest / 8 + 1));
  memset (bits->data, 0, bits->len);
  for (guint i = 0; i < rowids->len; i++)
    {
      gint64 rowid = g_array_index (rowids, gint64, i);

      bits->data[rowid / 8] |= (guint8) (1u << (rowid % 8));
    }
  return bits;
}

/* The rowids of table's rows that match (an FTS5 expression), as a set
 * (wd_search_hits_contain); owned by the store, valid until the next
 * search of the table. A search typed on the board is asked of five lists
 * at once, one per state: the last match of each table is kept until the
 * search or the data changes. */
const WdSearchHits *
wd_store_search_hits (WdStore     *self,
                      const char  *table,
                      const char  *match,
                      GError     **error)
{
  WdSearchHits *hits = g_hash_table_lookup (self->hits, table);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rowids = NULL;
  gint64 lowest = 0, highest = 0;
  Moment now;
  int rc;

  if (hits != NULL && g_str_equal (hits->match, match) && unchanged_since (self, hits->filled))
    return hits;

  g_hash_table_remove (self->hits, table);
  now = moment_now (self);
  sql = g_strdup_printf ("SELECT rowid FROM %1$s_fts WHERE %1$s_fts MATCH ?", table);
  stmt = wd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, match);
  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
      lowest = MIN (lowest, rowid);
      highest = MAX (highest, rowid);
    }
  if (rc != SQLITE_DONE)
    {
      g_autofree char *index = g_strconcat (table, "_fts", NULL);

      wd_store_set_index_error (self, index, error);
      return NULL;
    }

  hits = g_new0 (WdSearchHits, 1);
  hits->match = g_strdup (match);
  hits->filled = now;
  if (lowest >= 0 && highest < MAX_BIT_ROWID)
    hits->bits = rowids_as_bits (rowids, highest);
  else
    {
      g_array_sort (rowids, compare_rowids);
      hits->rowids = g_steal_pointer (&rowids);
    }
  g_hash_table_insert (self->hits, g_strdup (table), hits);
  return hits;
}

/* Keys held for lists at most, beyond which the lists held are let go:
 * the board's five columns of a large district, with room to spare. */
#define MAX_LISTED_KEYS 300000

/* The keys a list's query (its SQL and parameters, as one string) read
 * last, while the data has not changed since; NULL if none are held. A
 * search filters the list's keys by its match instead of reading them
 * again: on a large district the ordered walk was most of a keystroke. */
GArray *
wd_store_get_listed_keys (WdStore    *self,
                          const char *query)
{
  ListedKeys *listed = g_hash_table_lookup (self->listed, query);

  if (listed == NULL)
    return NULL;
  if (!unchanged_since (self, listed->filled))
    {
      self->n_listed -= listed->keys->len;
      g_hash_table_remove (self->listed, query);
      return NULL;
    }
  return g_array_ref (listed->keys);
}

/* Holds keys, read just now by query, for wd_store_get_listed_keys. */
void
wd_store_keep_listed_keys (WdStore    *self,
                           const char *query,
                           GArray     *keys)
{
  ListedKeys *listed;

  if (keys->len > MAX_LISTED_KEYS)
    return;
  if (self->n_listed + keys->len > MAX_LISTED_KEYS)
    {
      g_hash_table_remove_all (self->listed);
      self->n_listed = 0;
    }
  listed = g_hash_table_lookup (self->listed, query);
  if (listed != NULL)
    self->n_listed -= listed->keys->len;
  listed = g_new0 (ListedKeys, 1);
  listed->keys = g_array_ref (keys);
  listed->filled = moment_now (self);
  g_hash_table_replace (self->listed, g_strdup (query), listed);
  self->n_listed += keys->len;
}

gboolean
wd_store_exists (WdStore    *self,
                 const char *table,
                 const char *id)
{
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *cached;

  /* Asked several times by every operation: keep the text per table. */
  cached = g_hash_table_lookup (self->exists_sql, table);
  if (cached == NULL)
    {
      sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", table);
      g_hash_table_insert (self->exists_sql, g_strdup (table), g_strdup (sql));
      cached = sql;
    }
  stmt = wd_store_prepare (self, cached, NULL);

  if (stmt == NULL || id == NULL)
    return FALSE;
  wd_stmt_bind_text (stmt, 1, id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static void
bind_json_value (sqlite3_stmt *stmt,
                 int           index,
                 JsonNode     *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node))
    {
      sqlite3_bind_null (stmt, index);
      return;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      sqlite3_bind_double (stmt, index, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      sqlite3_bind_int (stmt, index, json_node_get_boolean (node) ? 1 : 0);
      break;
    case G_TYPE_STRING:
      wd_stmt_bind_text (stmt, index, json_node_get_string (node));
      break;
    default:
      sqlite3_bind_null (stmt, index);
      break;
    }
}

static gboolean
check_references (WdStore         *self,
                  const WdEntity  *entity,
                  JsonObject      *row,
                  GError         **error)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];
      JsonNode *node = json_object_get_member (row, field->name);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;

      if (field->type == WD_FIELD_REF
          && !wd_store_exists (self, field->ref_table, json_node_get_string (node)))
        {
          g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                       _("%s: nothing with the identifier “%s” exists; choose one from the list"),
                       field->name, json_node_get_string (node));
          return FALSE;
        }

      if (field->type == WD_FIELD_REF_LIST)
        {
          JsonArray *ids = json_node_get_array (node);

          for (guint j = 0; j < json_array_get_length (ids); j++)
            {
              const char *id = json_array_get_string_element (ids, j);

              if (!wd_store_exists (self, field->ref_table, id))
                {
                  g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                               _("%s: nothing with the identifier “%s” exists; choose one from the list"),
                               field->name, id);
                  return FALSE;
                }
            }
        }
    }
  return TRUE;
}

static gboolean
check_unique (WdStore         *self,
              const WdEntity  *entity,
              JsonObject      *row,
              GError         **error)
{
  const char *id = json_object_get_string_member (row, "id");

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const char *value;

      if (!(field->flags & WD_FIELD_UNIQUE) || !json_object_has_member (row, field->name))
        continue;

      value = json_object_get_string_member (row, field->name);
      sql = g_strdup_printf ("SELECT id FROM %s WHERE %s = ? AND id <> ?",
                             entity->table, field->name);
      stmt = wd_store_prepare (self, sql, error);
      if (stmt == NULL)
        return FALSE;
      wd_stmt_bind_text (stmt, 1, value);
      wd_stmt_bind_text (stmt, 2, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                       _("%s: “%s” is already used by another entry; choose a different one"),
                       field->name, value);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
put_ref_list (WdStore        *self,
              const WdField  *field,
              const char     *owner_id,
              JsonArray      *ids,
              GError        **error)
{
  g_autofree char *delete_sql = g_strdup_printf ("DELETE FROM %s WHERE owner_id = ?",
                                                 field->link_table);
  g_autofree char *insert_sql = g_strdup_printf ("INSERT INTO %s (owner_id, ref_id) VALUES (?, ?)",
                                                 field->link_table);
  g_autoptr(sqlite3_stmt) del = wd_store_prepare (self, delete_sql, error);

  if (del == NULL)
    return FALSE;
  wd_stmt_bind_text (del, 1, owner_id);
  if (!wd_store_run (self, del, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      g_autoptr(sqlite3_stmt) ins = wd_store_prepare (self, insert_sql, error);

      if (ins == NULL)
        return FALSE;
      wd_stmt_bind_text (ins, 1, owner_id);
      wd_stmt_bind_text (ins, 2, json_array_get_string_element (ids, i));
      if (!wd_store_run (self, ins, error))
        return FALSE;
    }
  return TRUE;
}

static char *
upsert_sql_for (const WdEntity *entity)
{
  GString *sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) updates = g_string_new (NULL);
  gboolean first = TRUE;

  g_string_append_printf (sql, "INSERT INTO %s (", entity->table);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];

      if (field->type == WD_FIELD_REF_LIST)
        continue;
      g_string_append_printf (sql, "%s%s", first ? "" : ", ", field->name);
      g_string_append (values, first ? "?" : ", ?");
      if (!g_str_equal (field->name, "id"))
        g_string_append_printf (updates, "%s%s = excluded.%s", updates->len ? ", " : "",
                                field->name, field->name);
      first = FALSE;
    }
  g_string_append_printf (sql, ") VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s",
                          values->str, updates->str);
  return g_string_free (sql, FALSE);
}

/* Inserts or replaces a whole entity row. Column names come from the
 * entity's descriptor, never from the row, so the SQL is fixed text,
 * built once per entity. */
gboolean
wd_store_put_entity (WdStore         *self,
                     const WdEntity  *entity,
                     JsonObject      *row,
                     GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sql;
  const char *id;
  int index = 1;

  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  if (!check_references (self, entity, row, error) || !check_unique (self, entity, row, error))
    return FALSE;

  sql = g_hash_table_lookup (self->upsert_sql, entity);
  if (sql == NULL)
    {
      sql = upsert_sql_for (entity);
      g_hash_table_insert (self->upsert_sql, (gpointer) entity, (gpointer) sql);
    }

  stmt = wd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];

      if (field->type == WD_FIELD_REF_LIST)
        continue;
      bind_json_value (stmt, index++, json_object_get_member (row, field->name));
    }
  if (!wd_store_run (self, stmt, error))
    return FALSE;

  id = json_object_get_string_member (row, "id");
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];

      if (field->type == WD_FIELD_REF_LIST
          && json_object_has_member (row, field->name)
          && !put_ref_list (self, field, id, json_object_get_array_member (row, field->name),
                            error))
        return FALSE;
    }

  return mark_stale (self, entity->kind, id, error);
}

/* Changes some columns of one row; the keys of changes must be fields of
 * the entity, which keeps the generated SQL to known column names. */
gboolean
wd_store_update_entity (WdStore         *self,
                        const WdEntity  *entity,
                        const char      *id,
                        JsonObject      *changes,
                        GError         **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GList) names = json_object_get_members (changes);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int index = 1;

  g_return_val_if_fail (WD_IS_STORE (self), FALSE);

  g_string_append_printf (sql, "UPDATE %s SET ", entity->table);
  for (GList *l = names; l; l = l->next)
    {
      const WdField *field = wd_entity_field (entity, l->data);

      g_assert (field != NULL && field->type != WD_FIELD_REF_LIST);
      g_string_append_printf (sql, "%s%s = ?", l->prev ? ", " : "", field->name);
    }
  g_string_append (sql, " WHERE id = ?");

  stmt = wd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  for (GList *l = names; l; l = l->next)
    bind_json_value (stmt, index++, json_object_get_member (changes, l->data));
  wd_stmt_bind_text (stmt, index, id);
  if (!wd_store_run (self, stmt, error))
    return FALSE;

  if (!wd_search_indexes_changes (entity->kind, changes))
    return TRUE;
  return mark_stale (self, entity->kind, id, error);
}

/* Appends a row to one of the record tables (ratings, callbacks, history,
 * ledger...). The keys are column names chosen by the core's own code. */
gboolean
wd_store_insert_row (WdStore     *self,
                     const char  *table,
                     JsonObject  *row,
                     GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GList) names = json_object_get_members (row);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int index = 1;

  g_string_append (sql, "INSERT INTO ");
  g_string_append (sql, table);
  g_string_append (sql, " (");
  for (GList *l = names; l; l = l->next)
    {
      if (l->prev)
        g_string_append (sql, ", ");
      g_string_append (sql, l->data);
      g_string_append (values, l->prev ? ", ?" : "?");
    }
  g_string_append (sql, ") VALUES (");
  g_string_append (sql, values->str);
  g_string_append_c (sql, ')');

  stmt = wd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  for (GList *l = names; l; l = l->next)
    bind_json_value (stmt, index++, json_object_get_member (row, l->data));
  return wd_store_run (self, stmt, error);
}
