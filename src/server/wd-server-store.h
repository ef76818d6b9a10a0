/* wd-server-store.h: what only the server keeps beside the shared store:
 * accounts, sessions, sync clients and their operation results, and the
 * change log that pulls read. */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "wd-actor.h"
#include "wd-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64          id;
  char           *name;
  WdRole          role;
  char           *subdistrict_id;
  WdAssigneeKind  assignee_kind;
  char           *assignee_id;
  char           *password_hash;
  gboolean        disabled;
} WdUser;

void        wd_user_free                   (WdUser      *user);
WdUser     *wd_user_copy                   (const WdUser *user);
WdActor    *wd_user_to_actor               (const WdUser *user);
JsonObject *wd_user_to_json                (const WdUser *user);
char       *wd_user_scope                  (const WdUser *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdUser, wd_user_free)

guint         wd_server_store_n_synced_tables   (void);
void          wd_server_store_synced_table      (guint        i,
                                                 const char **table,
                                                 const char **entity);
sqlite3_stmt *wd_server_store_scan_synced_table (WdStore     *store,
                                                 guint        i,
                                                 const char  *narrowing,
                                                 GError     **error);

gboolean    wd_server_store_prepare        (WdStore     *store,
                                            GError     **error);
void        wd_server_store_tune           (WdStore     *store);

gboolean    wd_server_store_add_user       (WdStore     *store,
                                            const WdUser *user,
                                            gint64       now,
                                            GError     **error);
WdUser     *wd_server_store_find_user      (WdStore     *store,
                                            const char  *name,
                                            GError     **error);
GPtrArray  *wd_server_store_list_users     (WdStore     *store,
                                            GError     **error);
JsonArray  *wd_server_store_describe_users (WdStore     *store,
                                            GError     **error);
gboolean    wd_server_store_set_password   (WdStore     *store,
                                            const char  *name,
                                            const char  *password_hash,
                                            GError     **error);
gboolean    wd_server_store_set_scope      (WdStore     *store,
                                            const WdUser *user,
                                            GError     **error);
gboolean    wd_server_store_set_disabled   (WdStore     *store,
                                            const char  *name,
                                            gboolean     disabled,
                                            GError     **error);

gboolean    wd_server_store_add_session    (WdStore     *store,
                                            const char  *token_hash,
                                            gint64       user_id,
                                            gint64       now,
                                            gint64       expires_at,
                                            GError     **error);
WdUser     *wd_server_store_session_user   (WdStore     *store,
                                            const char  *token_hash,
                                            gint64       now,
                                            gint64      *expires_at);
gboolean    wd_server_store_end_session    (WdStore     *store,
                                            const char  *token_hash,
                                            GError     **error);

gint64      wd_server_store_client_last_seq (WdStore    *store,
                                             const char *client_id,
                                             gint64      user_id,
                                             gboolean   *owned_by_other);
gboolean    wd_server_store_set_client     (WdStore     *store,
                                            const char  *client_id,
                                            gint64       user_id,
                                            gint64       last_seq,
                                            gint64       now,
                                            GError     **error);
gboolean    wd_server_store_note_pull      (WdStore     *store,
                                            const char  *client_id,
                                            gint64       user_id,
                                            const char  *scope,
                                            gint64       now,
                                            gboolean    *scope_changed,
                                            GError     **error);
JsonObject *wd_server_store_get_result     (WdStore     *store,
                                            const char  *client_id,
                                            gint64       seq);
JsonObject *wd_server_store_find_result    (WdStore     *store,
                                            const char  *op_id);
gboolean    wd_server_store_add_result     (WdStore     *store,
                                            const char  *client_id,
                                            gint64       seq,
                                            const char  *op_id,
                                            JsonObject  *result,
                                            gint64       now,
                                            GError     **error);
gboolean    wd_server_store_append_results (WdStore     *store,
                                            const char  *client_id,
                                            gint64       after,
                                            guint        limit,
                                            GString     *out,
                                            GError     **error);

gint64      wd_server_store_last_change    (WdStore     *store);
gint64      wd_server_store_log_horizon    (WdStore     *store);
sqlite3_stmt *wd_server_store_changes_after (WdStore    *store,
                                            gint64       since,
                                            guint        limit,
                                            GError     **error);
/* The seq and the "gone" flag after an entity's own columns. */
#define WD_SERVER_STORE_CHANGE_COLUMNS 2

sqlite3_stmt *wd_server_store_rows_changed (WdStore    *store,
                                            const char  *entity,
                                            gint64       after,
                                            gint64       upto,
                                            GError     **error);
void        wd_server_store_append_extras  (WdStore     *store,
                                            const char  *entity,
                                            const char  *key,
                                            GString     *out);
gboolean    wd_server_store_order_scope    (WdStore     *store,
                                            const char  *order_id,
                                            char       **subdistrict_id,
                                            char       **assignee_kind,
                                            char       **assignee_id);
gboolean    wd_server_store_was_assigned   (WdStore     *store,
                                            const char  *order_id,
                                            const char  *assignee_id);
gboolean    wd_server_store_renew_epoch    (WdStore     *store,
                                            GError     **error);
char       *wd_server_store_get_epoch      (WdStore     *store);
gboolean    wd_server_store_restore        (WdStore     *store,
                                            const char  *source,
                                            char       **kept,
                                            GError     **error);
gboolean    wd_server_store_backup         (WdStore     *store,
                                            const char  *destination,
                                            GError     **error);

G_END_DECLS
