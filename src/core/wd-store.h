/* wd-store.h: the SQLite store of one installation (the app's local copy or
 * the server's database). Reads are public; writes go through operations
 * (wd-operations.h) and never through this header. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"

G_BEGIN_DECLS

#define WD_TYPE_STORE (wd_store_get_type ())

G_DECLARE_FINAL_TYPE (WdStore, wd_store, WD, STORE, GObject)

/* Filters of the paged order views. Unset members (NULL, 0) do not filter. */
typedef struct
{
  const char *state;
  const char *subdistrict_id;
  const char *topic_id;
  const char *assignee_id;
  const char *venue_kind;
  gint64      from;            /* starts_at >= from */
  gint64      to;              /* starts_at < to */
  gboolean    live;            /* leave out cancelled and rejected orders */
} WdOrderFilter;

typedef struct
{
  const char *topic_id;
  const char *subdistrict_id;
} WdSpeakerFilter;

typedef struct
{
  const char *category;
  const char *venue_kind;
  const char *team_id;
} WdProjectFilter;

WdStore    *wd_store_open               (const char           *path,
                                         GError              **error);
char       *wd_store_name_beside        (const char           *path,
                                         const char           *label);
char       *wd_store_damage_mark_path   (const char           *path);
char       *wd_store_set_aside          (const char           *path,
                                         const char           *label,
                                         GError              **error);
gboolean    wd_store_reopen             (WdStore              *self,
                                         GError              **error);
gboolean    wd_store_lock_alone         (WdStore              *self);
void        wd_store_unlock_alone       (WdStore              *self);
const char *wd_store_get_path           (WdStore              *self);
int         wd_store_get_schema_version (WdStore              *self);
GTimeZone  *wd_store_get_time_zone      (WdStore              *self);
gint64      wd_store_get_data_version   (WdStore              *self);
gboolean    wd_store_get_authoritative  (WdStore              *self);
void        wd_store_set_authoritative  (WdStore              *self,
                                         gboolean              authoritative);

void        wd_store_set_cache_size     (WdStore              *self,
                                         guint                 mebibytes);
void        wd_store_set_search_index   (WdStore              *self,
                                         gboolean              keep);
gboolean    wd_store_get_search_index   (WdStore              *self);
gboolean    wd_store_rebuild_search_index (WdStore            *self,
                                           GError            **error);

gboolean    wd_store_begin              (WdStore              *self,
                                         GError              **error);
gboolean    wd_store_begin_read         (WdStore              *self,
                                         GError              **error);
gboolean    wd_store_commit             (WdStore              *self,
                                         GError              **error);
void        wd_store_rollback           (WdStore              *self);

char       *wd_store_get_setting        (WdStore              *self,
                                         const char           *key);
gint64      wd_store_get_setting_int    (WdStore              *self,
                                         const char           *key,
                                         gint64                fallback);
gboolean    wd_store_set_accounts       (WdStore              *self,
                                         JsonArray            *accounts,
                                         GError              **error);
char       *wd_store_describe_account   (WdStore              *self,
                                         const char           *name);

JsonObject *wd_store_get                (WdStore              *self,
                                         const char           *kind,
                                         const char           *id,
                                         GError              **error);
char       *wd_store_find_id_by_name    (WdStore              *self,
                                         const char           *kind,
                                         const char           *name,
                                         GError              **error);
JsonArray  *wd_store_list_all           (WdStore              *self,
                                         const char           *kind,
                                         GError              **error);

JsonArray  *wd_store_list_orders        (WdStore              *self,
                                         const WdOrderFilter  *filter,
                                         const char           *after,
                                         guint                 limit,
                                         char                **next_cursor,
                                         GError              **error);
JsonObject *wd_store_count_orders       (WdStore              *self,
                                         const WdOrderFilter  *filter,
                                         const char           *group_by,
                                         GError              **error);
JsonArray  *wd_store_list_speakers      (WdStore              *self,
                                         const WdSpeakerFilter *filter,
                                         const char           *after,
                                         guint                 limit,
                                         char                **next_cursor,
                                         GError              **error);
JsonArray  *wd_store_list_projects      (WdStore              *self,
                                         const WdProjectFilter *filter,
                                         const char           *after,
                                         guint                 limit,
                                         char                **next_cursor,
                                         GError              **error);
/* The views' list models hold only the keys of what matches, in display
 * order, and fetch the rows of the part on screen by key. text, if not
 * empty, keeps the rows the search index finds for it. */
GArray     *wd_store_order_keys         (WdStore              *self,
                                         const WdOrderFilter  *filter,
                                         const char           *text,
                                         GError              **error);
GArray     *wd_store_speaker_keys       (WdStore              *self,
                                         const WdSpeakerFilter *filter,
                                         const char           *text,
                                         GError              **error);
GArray     *wd_store_project_keys       (WdStore              *self,
                                         const WdProjectFilter *filter,
                                         const char           *text,
                                         GError              **error);
JsonArray  *wd_store_get_rows           (WdStore              *self,
                                         const char           *kind,
                                         const gint64         *keys,
                                         guint                 n_keys,
                                         GError              **error);
GHashTable *wd_store_get_rows_by_key    (WdStore              *self,
                                         const char           *kind,
                                         const gint64         *keys,
                                         guint                 n_keys,
                                         GError              **error);
GHashTable *wd_store_get_list_rows_by_key (WdStore            *self,
                                         const char           *kind,
                                         const gint64         *keys,
                                         guint                 n_keys,
                                         GError              **error);

/* The centre phones back a share of delivered orders (the district's
 * setting, in percent); whether an order is in that share depends only on
 * its id, so every copy picks the same ones. */
guint       wd_store_get_callback_rate  (WdStore              *self);
gboolean    wd_callback_sampled         (const char           *order_id,
                                         guint                 rate_percent);
JsonArray  *wd_store_callback_queue     (WdStore              *self,
                                         guint                 rate_percent,
                                         guint                 limit,
                                         guint                *n_due,
                                         GError              **error);
JsonArray  *wd_store_list_similar_orders (WdStore             *self,
                                          const char          *subdistrict_id,
                                          const char          *requester,
                                          const char          *venue,
                                          gint64               day_start,
                                          const char          *exclude_id,
                                          GError             **error);
JsonArray  *wd_store_list_speakers_named (WdStore             *self,
                                          const char          *name,
                                          const char          *exclude_id,
                                          GError             **error);
JsonArray  *wd_store_take_newly_waiting (WdStore              *self,
                                         const WdActor        *actor,
                                         guint                 limit,
                                         guint                *n_new,
                                         GError              **error);
GBytes     *wd_store_get_speaker_photo  (WdStore              *self,
                                         const char           *speaker_id,
                                         GError              **error);
gint64      wd_store_count_project_sessions (WdStore              *self,
                                             const char           *project_id,
                                             gint64                from,
                                             gint64                to,
                                             const char           *except_order_id,
                                             GError              **error);
gint64      wd_store_count_waiting      (WdStore              *self,
                                         const WdActor        *actor,
                                         GError              **error);
JsonArray  *wd_store_get_callbacks      (WdStore              *self,
                                         const char           *order_id,
                                         GError              **error);
JsonArray  *wd_store_list_reward_periods (WdStore             *self,
                                          GError             **error);
JsonArray  *wd_store_list_funds         (WdStore              *self,
                                         GError              **error);

JsonArray  *wd_store_get_history        (WdStore              *self,
                                         const char           *entity_id,
                                         GError              **error);
JsonArray  *wd_store_list_fund_ledger   (WdStore              *self,
                                         const char           *fund_id,
                                         GError              **error);
JsonObject *wd_store_get_reward_period  (WdStore              *self,
                                         const char           *period_id,
                                         GError              **error);

JsonArray  *wd_store_list_service_record (WdStore             *self,
                                          WdAssigneeKind       holder_kind,
                                          const char          *holder_id,
                                          gint64               from,
                                          gint64               to,
                                          GError             **error);
double      wd_service_record_hours     (JsonArray            *record);
JsonArray  *wd_store_list_served        (WdStore              *self,
                                         gint64                from,
                                         gint64                to,
                                         GError              **error);
JsonArray  *wd_store_list_certificates  (WdStore              *self,
                                         const char           *holder_id,
                                         GError              **error);
JsonArray  *wd_store_list_recent_certificates (WdStore      *self,
                                               guint         limit,
                                               GError      **error);
JsonObject *wd_store_get_certificate    (WdStore              *self,
                                         const char           *certificate_id,
                                         GError              **error);

G_END_DECLS
