/* wd-store-private.h: what the rest of the core (operations, search,
 * matching, rewards) may do with a store and the application may not. */
#pragma once

#include <sqlite3.h>

#include "wd-entity.h"
#include "wd-store.h"
#include "wd-types.h"

G_BEGIN_DECLS

static inline void
wd_stmt_release (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* A cached statement goes back to the cache when the autoptr goes out of
 * scope; it is reset, never finalized. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, wd_stmt_release)

sqlite3       *wd_store_get_db          (WdStore         *self);
sqlite3_stmt  *wd_store_prepare         (WdStore         *self,
                                         const char      *sql,
                                         GError         **error);
gboolean       wd_store_run             (WdStore         *self,
                                         sqlite3_stmt    *stmt,
                                         GError         **error);
gboolean       wd_store_exec            (WdStore         *self,
                                         const char      *sql,
                                         GError         **error);
gboolean       wd_store_set_error       (WdStore         *self,
                                         GError         **error);
gboolean       wd_store_set_index_error (WdStore         *self,
                                         const char      *index,
                                         GError         **error);
void           wd_stmt_bind_text        (sqlite3_stmt    *stmt,
                                         int              index,
                                         const char      *text);
JsonObject    *wd_stmt_row_to_json      (sqlite3_stmt    *stmt);

/* Returns a replacement for value (to mask it), or NULL to keep it. */
typedef char *(*WdValueFilter) (const char *column,
                                const char *value,
                                gpointer    data);

void           wd_store_append_json_members (WdStore      *self,
                                            sqlite3_stmt  *stmt,
                                            int            n_columns,
                                            GString       *out,
                                            WdValueFilter  filter,
                                            gpointer       data);
char          *wd_stmt_dup_text         (sqlite3_stmt    *stmt,
                                         int              column);
gboolean       wd_store_set_setting     (WdStore         *self,
                                         const char      *key,
                                         const char      *value,
                                         GError         **error);
void           wd_store_mark_stale      (WdStore         *self,
                                         const char      *kind,
                                         const char      *id);
gboolean       wd_store_exists          (WdStore         *self,
                                         const char      *table,
                                         const char      *id);
typedef struct _WdSearchHits WdSearchHits;

const WdSearchHits *wd_store_search_hits (WdStore       *self,
                                         const char      *table,
                                         const char      *match,
                                         GError         **error);
gboolean       wd_search_hits_contain   (const WdSearchHits *hits,
                                         gint64           rowid);
GArray        *wd_store_get_listed_keys (WdStore        *self,
                                         const char      *query);
void           wd_store_keep_listed_keys (WdStore       *self,
                                         const char      *query,
                                         GArray          *keys);

gboolean       wd_store_put_entity      (WdStore         *self,
                                         const WdEntity  *entity,
                                         JsonObject      *row,
                                         GError         **error);
gboolean       wd_store_update_entity   (WdStore         *self,
                                         const WdEntity  *entity,
                                         const char      *id,
                                         JsonObject      *changes,
                                         GError         **error);
gboolean       wd_store_insert_row      (WdStore         *self,
                                         const char      *table,
                                         JsonObject      *row,
                                         GError         **error);

JsonObject    *wd_store_find_clash      (WdStore         *self,
                                         WdAssigneeKind   kind,
                                         const char      *assignee_id,
                                         gint64           starts_at,
                                         gint64           ends_at,
                                         const char      *exclude_order_id,
                                         GError         **error);

/* One line of an entity's history: who did what, when. */
typedef struct
{
  const char *id;
  const char *entity;
  const char *entity_id;
  const char *op_id;
  const char *action;
  const char *from_state;
  const char *to_state;
  const char *actor;
  const char *role;
  gint64      at;
  const char *detail;
} WdHistoryEntry;

gboolean       wd_store_add_history     (WdStore              *self,
                                         const WdHistoryEntry *entry,
                                         GError              **error);

guint          wd_schema_n_migrations   (void);
const char    *wd_schema_migration      (guint            version);

G_END_DECLS
