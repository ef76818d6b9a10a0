/* wd-matching.h: who should take an order. Candidates are ranked by topic
 * fit, free time, nearness, quality and fairness, each with the reasons a
 * dispatcher reads to trust (or overrule) the ranking. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-store.h"
#include "wd-types.h"

G_BEGIN_DECLS

#define WD_TYPE_CANDIDATE (wd_candidate_get_type ())

typedef struct
{
  WdAssigneeKind  kind;
  char           *id;
  char           *name;
  double          score;        /* 0..1, higher is better */
  double          fit;          /* the parts of the score, each 0..1 */
  double          nearness;
  double          quality;
  double          fairness;
  gboolean        clash;        /* booked elsewhere at that time */
  gboolean        unavailable;  /* a speaker not usually free then */
  char           *clash_order_id;
  GPtrArray      *reasons;      /* translated sentences */
} WdCandidate;

/* How much each part weighs; they sum to 1. */
#define WD_MATCH_WEIGHT_FIT      0.30
#define WD_MATCH_WEIGHT_NEARNESS 0.20
#define WD_MATCH_WEIGHT_QUALITY  0.30
#define WD_MATCH_WEIGHT_FAIRNESS 0.20

/* Ratings count for this many "average" ratings before a candidate's own. */
#define WD_MATCH_PRIOR_WEIGHT 5.0
/* Engagements within this many days either side of now count as workload. */
#define WD_MATCH_WORKLOAD_DAYS 30

GType        wd_candidate_get_type (void) G_GNUC_CONST;
WdCandidate *wd_candidate_copy     (const WdCandidate *candidate);
void         wd_candidate_free     (WdCandidate       *candidate);
JsonObject  *wd_candidate_to_json  (const WdCandidate *candidate);

GPtrArray   *wd_match_candidates   (WdStore           *store,
                                    const char        *order_id,
                                    gint64             now,
                                    guint              limit,
                                    GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdCandidate, wd_candidate_free)

G_END_DECLS
