/* wd-search.h: ranked full-text search over speakers, teams, projects and
 * orders that works for one- and two-character Chinese queries. */
#pragma once

#include <glib-object.h>

#include "wd-store.h"

G_BEGIN_DECLS

typedef enum
{
  WD_SEARCH_SPEAKERS = 1 << 0,
  WD_SEARCH_TEAMS = 1 << 1,
  WD_SEARCH_PROJECTS = 1 << 2,
  WD_SEARCH_ORDERS = 1 << 3,
  WD_SEARCH_ALL = 0xf,
} WdSearchScope;

/* Matched parts of title and excerpt are wrapped in these two bytes, so
 * each caller can show them its own way (markup, brackets, bold). */
#define WD_SEARCH_MARK_START "\x02"
#define WD_SEARCH_MARK_END "\x03"

#define WD_TYPE_SEARCH_HIT (wd_search_hit_get_type ())

typedef struct
{
  char   *kind;       /* "speaker", "team", "project", "order" */
  char   *id;
  char   *title;      /* with marks */
  char   *excerpt;    /* with marks; the best matching passage */
  double  score;      /* lower ranks first (bm25) */
} WdSearchHit;

GType        wd_search_hit_get_type    (void) G_GNUC_CONST;
WdSearchHit *wd_search_hit_copy        (const WdSearchHit *hit);
void         wd_search_hit_free        (WdSearchHit       *hit);

GPtrArray   *wd_store_search           (WdStore           *store,
                                        const char        *query,
                                        WdSearchScope      scope,
                                        guint              limit,
                                        GError           **error);
char        *wd_search_build_match     (const char        *query);
char        *wd_search_mark            (const char        *text,
                                        const char        *query,
                                        guint              context);
char        *wd_search_marks_replace   (const char        *marked,
                                        const char        *open,
                                        const char        *close);
char        *wd_search_marks_to_markup (const char        *marked);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdSearchHit, wd_search_hit_free)

G_END_DECLS
