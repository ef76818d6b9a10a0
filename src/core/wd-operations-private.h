/* wd-operations-private.h: what each operation function receives and the
 * helpers they share. */
#pragma once

#include "wd-error.h"
#include "wd-operations.h"
#include "wd-store-private.h"
#include "wd-types.h"
#include "wd-validate.h"

G_BEGIN_DECLS

typedef struct
{
  WdStore        *store;
  const WdActor  *actor;
  gint64          now;
  const char     *op_id;
  const char     *kind;
  GTimeZone      *tz;
  guint           n_ids;
  JsonObject     *result;
} WdOpContext;

typedef gboolean (*WdOpFunc) (WdOpContext  *ctx,
                              JsonObject   *args,
                              GError      **error);

char       *wd_op_new_id          (WdOpContext   *ctx);
gboolean    wd_op_record          (WdOpContext   *ctx,
                                   const char    *entity,
                                   const char    *entity_id,
                                   const char    *from_state,
                                   const char    *to_state,
                                   JsonObject    *detail,
                                   GError       **error);
char       *wd_op_next_number     (WdOpContext   *ctx,
                                   const char    *table,
                                   const char    *prefix,
                                   int            digits,
                                   GError       **error);
gboolean    wd_op_read_period     (WdOpContext   *ctx,
                                   JsonObject    *args,
                                   gint64        *from,
                                   gint64        *to,
                                   GError       **error);
gboolean    wd_op_read_assignee   (WdOpContext   *ctx,
                                   JsonObject    *args,
                                   const char    *prefix,
                                   gboolean       active_only,
                                   WdAssigneeKind *kind,
                                   char         **id,
                                   char         **name,
                                   GError       **error);
gboolean    wd_op_forbid          (WdOpContext   *ctx,
                                   const char    *what,
                                   GError       **error);

gboolean    wd_op_order_settle    (WdOpContext   *ctx,
                                   const char    *order_id,
                                   gboolean       rewarded,
                                   const char    *period_id,
                                   GError       **error);

/* The operation functions, one per kind. */
gboolean wd_op_subdistrict_upsert (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_topic_upsert       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_team_upsert        (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_speaker_upsert     (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_speaker_photo      (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_project_upsert     (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_settings_set       (WdOpContext *ctx, JsonObject *args, GError **error);

gboolean wd_op_order_create       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_dispatch     (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_accept       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_decline      (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_expire       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_deliver      (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_rate         (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_callback     (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_cancel       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_reject       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_update       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_order_correct_delivery (WdOpContext *ctx, JsonObject *args, GError **error);

gboolean wd_op_certificate_issue  (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_certificate_revoke (WdOpContext *ctx, JsonObject *args, GError **error);

gboolean wd_op_fund_upsert        (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_fund_deposit       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_reward_rules       (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_reward_propose     (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_reward_approve     (WdOpContext *ctx, JsonObject *args, GError **error);
gboolean wd_op_reward_withdraw    (WdOpContext *ctx, JsonObject *args, GError **error);

G_END_DECLS
