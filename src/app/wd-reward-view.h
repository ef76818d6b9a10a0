/* wd-reward-view.h: rewards (奖单): the public welfare fund, its ledger,
 * and the reward periods the rules propose and a second person approves. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WD_TYPE_REWARD_VIEW (wd_reward_view_get_type ())

G_DECLARE_FINAL_TYPE (WdRewardView, wd_reward_view, WD, REWARD_VIEW, AdwBin)

G_END_DECLS
