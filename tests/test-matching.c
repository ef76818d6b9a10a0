/* test-matching.c: candidates for an order, their order and reasons. */
#include "config.h"

#include "wd-matching.h"
#include "wd-test-util.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

static GPtrArray *
match (WdFixture  *fx,
       const char *order_id,
       gint64      now)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *candidates = wd_match_candidates (fx->store, order_id, now, 0, &error);

  g_assert_no_error (error);
  return candidates;
}

static WdCandidate *
find (GPtrArray  *candidates,
      const char *id,
      guint      *rank)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      WdCandidate *c = g_ptr_array_index (candidates, i);

      if (g_str_equal (c->id, id))
        {
          if (rank != NULL)
            *rank = i;
          return c;
        }
    }
  return NULL;
}

static gboolean
has_reason (WdCandidate *c,
            const char  *text)
{
  for (guint i = 0; i < c->reasons->len; i++)
    if (strstr (g_ptr_array_index (c->reasons, i), text) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_topic_and_nearness (WdFixture     *fx,
                         gconstpointer  data)
{
  g_autofree char *order = wd_test_create_order (fx, 0);
  g_autoptr(GPtrArray) candidates = match (fx, order, fx->t0);
  WdCandidate *wang, *li, *zhao;

  /* Only speakers on the order's topic are candidates. */
  g_assert_cmpuint (candidates->len, ==, 3);
  g_assert_null (find (candidates, "sp-zhang", NULL));

  wang = g_ptr_array_index (candidates, 0);
  g_assert_cmpstr (wang->id, ==, "sp-wang");
  g_assert_cmpfloat (wang->nearness, ==, 1.0);
  g_assert_true (has_reason (wang, "党史"));
  g_assert_true (has_reason (wang, "千佛山街道"));
  g_assert_true (has_reason (wang, "Free at that time"));
  g_assert_true (has_reason (wang, "Not rated yet"));

  li = find (candidates, "sp-li", NULL);
  zhao = find (candidates, "sp-zhao", NULL);
  g_assert_cmpfloat (li->nearness, ==, 0.0);
  g_assert_true (has_reason (li, "甸柳街道"));
  g_assert_true (has_reason (zhao, "whole district"));
  g_assert_cmpfloat (wang->score, >, li->score);
}

static void
test_clash_ranks_last (WdFixture     *fx,
                       gconstpointer  data)
{
  g_autofree char *first = wd_test_create_order (fx, 0);
  g_autofree char *second = wd_test_create_order (fx, 1);
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"sp-wang\"}", first);
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->centre, "order.dispatch", dispatch);
  g_autoptr(GPtrArray) candidates = match (fx, second, fx->t0);
  WdCandidate *wang;
  guint rank;

  wang = find (candidates, "sp-wang", &rank);
  g_assert_true (wang->clash);
  g_assert_cmpstr (wang->clash_order_id, ==, first);
  g_assert_cmpuint (rank, ==, candidates->len - 1);
  g_assert_true (has_reason (wang, "Busy"));
  g_assert_true (has_reason (wang, "2026-000001"));
}

static void
set_wang_free (WdFixture  *fx,
               const char *free)
{
  g_autofree char *json = g_strdup_printf ("{\"id\":\"sp-wang\",\"name\":\"王芳\",\"subdistrict_id\":\"sd-a\","
                                           "\"phone\":\"139 1234 5678\",\"topics\":[\"t-history\"]%s}", free);

  json_object_unref (wd_test_apply (fx, fx->centre, "speaker.upsert", json));
}

/* A speaker who said when they are usually free ranks after those who
 * are free then, before those booked elsewhere, and says why. The order
 * is on a Friday morning. */
static void
test_usual_free_time (WdFixture     *fx,
                      gconstpointer  data)
{
  g_autofree char *order = wd_test_create_order (fx, 0);
  WdCandidate *wang;
  guint rank;

  set_wang_free (fx, ",\"free_days\":[\"sat\",\"sun\"]");
  {
    g_autoptr(GPtrArray) candidates = match (fx, order, fx->t0);

    wang = find (candidates, "sp-wang", &rank);
    g_assert_true (wang->unavailable);
    g_assert_false (wang->clash);
    g_assert_cmpuint (rank, ==, candidates->len - 1);
    g_assert_true (has_reason (wang, "Usually not free on Friday"));
    g_assert_false (has_reason (wang, "Free at that time"));
  }

  set_wang_free (fx, ",\"free_days\":[\"fri\"],\"free_times\":[\"afternoon\",\"evening\"]");
  {
    g_autoptr(GPtrArray) candidates = match (fx, order, fx->t0);

    wang = find (candidates, "sp-wang", &rank);
    g_assert_true (wang->unavailable);
    g_assert_true (has_reason (wang, "Usually not free in the morning"));
  }

  /* Free then, or not said: first again. */
  set_wang_free (fx, ",\"free_days\":[\"mon\",\"fri\"],\"free_times\":[\"morning\"]");
  {
    g_autoptr(GPtrArray) candidates = match (fx, order, fx->t0);

    wang = find (candidates, "sp-wang", &rank);
    g_assert_false (wang->unavailable);
    g_assert_cmpuint (rank, ==, 0);
    g_assert_true (has_reason (wang, "Free at that time"));
  }
}

/* Delivers and rates an order for speaker at the given stars. */
static void
rated_order (WdFixture  *fx,
             gint        offset_hours,
             const char *speaker,
             int         stars)
{
  g_autofree char *id = wd_test_create_order (fx, offset_hours);
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"speaker\","
                                               "\"assignee_id\":\"%s\"}", id, speaker);
  g_autofree char *plain = g_strdup_printf ("{\"order_id\":\"%s\"}", id);
  g_autofree char *rate = g_strdup_printf ("{\"order_id\":\"%s\",\"stars\":%d}", id, stars);
  gint64 done = fx->t0 + 3 * WD_DAY + (offset_hours + 3) * WD_HOUR;

  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
  json_object_unref (wd_test_apply (fx, fx->centre, "order.accept", plain));
  json_object_unref (wd_test_apply_at (fx, fx->centre, done, "order.deliver", plain));
  json_object_unref (wd_test_apply_at (fx, fx->centre, done, "order.rate", rate));
}

static void
test_quality_is_shrunk (WdFixture     *fx,
                        gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  WdCandidate *li, *zhao, *wang;
  gint64 later = fx->t0 + 10 * WD_DAY;

  rated_order (fx, 0, "sp-li", 5);
  rated_order (fx, 4, "sp-li", 5);
  rated_order (fx, 8, "sp-li", 5);
  rated_order (fx, 12, "sp-zhao", 5);
  rated_order (fx, 16, "sp-wang", 1);

  {
    g_autofree char *json = g_strdup_printf (
        "{\"title\":\"党史\",\"topic_id\":\"t-history\",\"subdistrict_id\":\"sd-b\",\"venue\":\"v\","
        "\"venue_kind\":\"community\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ","
        "\"requester\":\"r\",\"contact_name\":\"c\",\"contact_phone\":\"13912340000\"}",
        later + WD_DAY, later + WD_DAY + WD_HOUR);
    g_autoptr(JsonObject) r = wd_test_apply_at (fx, fx->office_b, later, "order.create", json);

    order = g_strdup (json_object_get_string_member (r, "id"));
  }

  candidates = match (fx, order, later);
  li = find (candidates, "sp-li", NULL);
  zhao = find (candidates, "sp-zhao", NULL);
  wang = find (candidates, "sp-wang", NULL);

  /* Three five-star ratings say more than one. */
  g_assert_cmpfloat (li->quality, >, zhao->quality);
  g_assert_cmpfloat (zhao->quality, >, wang->quality);
  g_assert_cmpfloat (li->quality, <, 1.0);
  g_assert_true (has_reason (li, "5.0"));
  g_assert_true (has_reason (li, "3 ratings"));
  g_assert_true (has_reason (zhao, "1 rating"));

  /* Three recent engagements weigh against li in fairness. */
  g_assert_cmpfloat (li->fairness, ==, 0.25);
  g_assert_cmpfloat (zhao->fairness, ==, 0.5);
  g_assert_true (has_reason (li, "3 other engagements"));
}

static void
test_project_teams (WdFixture     *fx,
                    gconstpointer  data)
{
  gint64 s = fx->t0 + 2 * WD_DAY;
  g_autofree char *json = g_strdup_printf (
      "{\"title\":\"亲子共读\",\"project_id\":\"p-reading\",\"subdistrict_id\":\"sd-a\",\"venue\":\"v\","
      "\"venue_kind\":\"school\",\"starts_at\":%" G_GINT64_FORMAT ",\"ends_at\":%" G_GINT64_FORMAT ","
      "\"requester\":\"r\",\"contact_name\":\"c\",\"contact_phone\":\"13912340000\"}", s, s + WD_HOUR);
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->office_a, "order.create", json);
  g_autoptr(GPtrArray) candidates = match (fx, json_object_get_string_member (r, "id"), fx->t0);
  WdCandidate *own, *similar;
  g_autoptr(JsonObject) as_json = NULL;

  g_assert_cmpuint (candidates->len, ==, 2);
  own = find (candidates, "team-b", NULL);
  similar = find (candidates, "team-a", NULL);
  g_assert_cmpint (own->kind, ==, WD_ASSIGNEE_TEAM);
  g_assert_cmpfloat (own->fit, ==, 1.0);
  g_assert_cmpfloat (similar->fit, ==, 0.6);
  g_assert_true (has_reason (own, "Provides the ordered project"));
  g_assert_true (has_reason (similar, "文化传承"));

  as_json = wd_candidate_to_json (own);
  g_assert_cmpstr (json_object_get_string_member (as_json, "kind"), ==, "team");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (as_json, "reasons")), ==,
                    own->reasons->len);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  FIXTURE ("/matching/topic-and-nearness", test_topic_and_nearness);
  FIXTURE ("/matching/clash-ranks-last", test_clash_ranks_last);
  FIXTURE ("/matching/usual-free-time", test_usual_free_time);
  FIXTURE ("/matching/quality-is-shrunk", test_quality_is_shrunk);
  FIXTURE ("/matching/project-teams", test_project_teams);

  return g_test_run ();
}
