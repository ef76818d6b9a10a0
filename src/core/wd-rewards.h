/* wd-rewards.h: the district's volunteer incentive measures as data, and
 * the reward proposal they yield for a period. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-store.h"

G_BEGIN_DECLS

#define WD_N_STAR_LEVELS 5

typedef struct
{
  double   points_per_hour;           /* service hours to points */
  gint64   cents_per_point;           /* what a point pays from the fund */
  gint64   min_stars;                 /* rating an order needs to earn a reward */
  gint64   min_callback_satisfaction; /* the same for the centre's phone survey */
  gboolean complaint_zeroes;          /* an upheld complaint voids the hours */
  double   star_hours[WD_N_STAR_LEVELS]; /* cumulative hours of stars 1..5 */
} WdRewardRules;

void        wd_reward_rules_init_default (WdRewardRules        *rules);
gboolean    wd_reward_rules_from_json    (JsonObject           *object,
                                          WdRewardRules        *rules,
                                          GError              **error);
JsonObject *wd_reward_rules_to_json      (const WdRewardRules  *rules);
gboolean    wd_reward_rules_load         (WdStore              *store,
                                          WdRewardRules        *rules,
                                          GError              **error);
int         wd_reward_star_level         (const WdRewardRules  *rules,
                                          double                hours);
char       *wd_format_money              (gint64                cents);
JsonObject *wd_rewards_compute           (WdStore              *store,
                                          const WdRewardRules  *rules,
                                          gint64                from,
                                          gint64                to,
                                          GError              **error);
gboolean    wd_rewards_check_period      (WdStore              *store,
                                          JsonObject           *period,
                                          GError              **error);

G_END_DECLS
