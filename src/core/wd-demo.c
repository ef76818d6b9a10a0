/* wd-demo.c: loads the demo district (data/demo/district.json) and then
 * lives through eight weeks of it: orders are placed, dispatched,
 * accepted, delivered, rated and called back at simulated times, in time
 * order, each step an operation at its own moment. Steps later than now
 * have not happened yet, so the future holds open orders as it should. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-demo.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-matching.h"
#include "wd-operations.h"
#include "wd-store-private.h"
#include "wd-time.h"

#define HOUR 3600
#define DAY (24 * HOUR)

typedef enum
{
  STEP_CREATE,
  STEP_DISPATCH,
  STEP_REDISPATCH,
  STEP_DECLINE,
  STEP_ACCEPT,
  STEP_EXPIRE,
  STEP_DELIVER,
  STEP_RATE,
  STEP_CALLBACK,
  STEP_CANCEL,
  STEP_REJECT,
} StepKind;

typedef struct
{
  gint64   at;
  guint    order;
  StepKind kind;
} Step;

typedef struct
{
  JsonObject *create_args;
  char       *id;            /* once created */
  char       *subdistrict_id;
  gboolean    failed;        /* a step was refused: the order stops there */
  int         stars;
  int         callback;      /* WdCallbackOutcome + 1, 0: none */
} Plan;

typedef struct
{
  WdStore             *store;
  JsonObject          *district;
  const WdDemoOptions *options;
  GRand               *rand;
  gint64               now;
  GTimeZone           *tz;
  WdActor             *admin;
  WdActor             *centre;
  GPtrArray           *topic_ids;
  GPtrArray           *speaker_ids;
  GHashTable          *speakers_by_topic;   /* topic id → GPtrArray of speaker ids */
  GArray              *plans;
  GArray              *steps;
  guint                steps_in_batch;
  guint                n_ops;   /* applied, for the next one's id */
} Demo;

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->create_args, json_object_unref);
  g_free (plan->id);
  g_free (plan->subdistrict_id);
}

/* Applies an operation whose id, and so the ids of the rows it makes,
 * follow from the seed: the same seed gives the same district down to
 * its orders' ids (and so the same callback sample, which is drawn by
 * id). They are never pushed: a store loaded with the demo has not
 * signed in, and what it did before is not queued (docs/app.md). */
static gboolean
apply_seeded (Demo           *demo,
              const WdActor  *actor,
              gint64          at,
              const char     *kind,
              JsonObject     *args,
              JsonObject    **result,
              GError        **error)
{
  g_autofree char *name = g_strdup_printf ("wudan-demo/%u/%u", demo->options->seed, demo->n_ops++);
  g_autofree char *op_id = wd_id_from_name (name);

  return wd_operation_apply (demo->store, actor, at, op_id, kind, args, result, error);
}

static gboolean
apply (Demo           *demo,
       const WdActor  *actor,
       gint64          at,
       const char     *kind,
       JsonObject     *args,
       JsonObject    **result,
       GError        **error)
{
  if (!apply_seeded (demo, actor, at, kind, args, result, error))
    {
      g_prefix_error (error, _("The demo district could not be loaded (%s): "), kind);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_each (Demo        *demo,
            const char  *member,
            const char  *kind,
            gint64       at,
            GError     **error)
{
  JsonArray *items = json_object_get_array_member (demo->district, member);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_autoptr(JsonObject) args = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      /* The file keeps extra detail for the simulation, not for the operation. */
      json_object_iter_init (&iter, item);
      while (json_object_iter_next (&iter, &name, &value))
        if (!g_str_equal (name, "communities"))
          json_object_set_member (args, name, json_node_copy (value));
      if (!apply (demo, demo->admin, at, kind, args, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static const char *
pick (Demo      *demo,
      JsonArray *array)
{
  return json_array_get_string_element (array, g_rand_int_range (demo->rand, 0,
                                                                 json_array_get_length (array)));
}

static char *
random_name (Demo *demo)
{
  JsonObject *people = json_object_get_object_member (demo->district, "people");

  return g_strconcat (pick (demo, json_object_get_array_member (people, "surnames")),
                      pick (demo, json_object_get_array_member (people, "given")), NULL);
}

static char *
random_mobile (Demo *demo)
{
  static const char * const prefixes[] = { "135", "137", "138", "139", "150", "152", "158", "186", "188" };

  return g_strdup_printf ("%s%08d", prefixes[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (prefixes))],
                          g_rand_int_range (demo->rand, 0, 100000000));
}

static const char *
topic_name (Demo       *demo,
            const char *topic_id)
{
  JsonArray *topics = json_object_get_array_member (demo->district, "topics");

  for (guint i = 0; i < json_array_get_length (topics); i++)
    {
      JsonObject *topic = json_array_get_object_element (topics, i);

      if (g_str_equal (json_object_get_string_member (topic, "id"), topic_id))
        return json_object_get_string_member (topic, "name");
    }
  return topic_id;
}

static gboolean
enrol_speakers (Demo     *demo,
                gint64    at,
                GError  **error)
{
  JsonObject *people = json_object_get_object_member (demo->district, "people");
  JsonArray *subdistricts = json_object_get_array_member (demo->district, "subdistricts");
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < demo->options->speakers; i++)
    {
      g_autoptr(JsonObject) args = json_object_new ();
      JsonArray *topics = json_array_new ();
      g_autofree char *id = g_strdup_printf ("speaker-%04u", i + 1);
      g_autofree char *name = NULL;
      g_autofree char *bio = NULL;
      g_autofree char *phone = random_mobile (demo);
      const char *title = pick (demo, json_object_get_array_member (people, "titles"));
      const char *org = pick (demo, json_object_get_array_member (people, "organisations"));
      const char *template = pick (demo, json_object_get_array_member (people, "bio_templates"));
      guint n_topics = g_rand_int_range (demo->rand, 1, 4);
      g_autoptr(GString) topic_names = g_string_new (NULL);

      /* Namesakes happen, but keep them rare as in a real library. */
      for (int attempt = 0; attempt < 8; attempt++)
        {
          g_free (name);
          name = random_name (demo);
          if (!g_hash_table_contains (names, name))
            break;
        }
      g_hash_table_add (names, g_strdup (name));

      for (guint t = 0; t < n_topics; t++)
        {
          const char *topic = g_ptr_array_index (demo->topic_ids,
                                                 (i + t * 3) % demo->topic_ids->len);
          GPtrArray *pool = g_hash_table_lookup (demo->speakers_by_topic, topic);

          json_array_add_string_element (topics, topic);
          g_ptr_array_add (pool, g_strdup (id));
          g_string_append_printf (topic_names, "%s%s", t ? "、" : "", topic_name (demo, topic));
        }

      {
        GString *text = g_string_new (template);

        g_string_replace (text, "{title}", title, 0);
        g_string_replace (text, "{org}", org, 0);
        g_string_replace (text, "{topic}", topic_names->str, 0);
        bio = g_string_free (text, FALSE);
      }

      json_object_set_string_member (args, "id", id);
      json_object_set_string_member (args, "name", name);
      json_object_set_string_member (args, "title", title);
      json_object_set_string_member (args, "organisation", org);
      if (g_rand_int_range (demo->rand, 0, 10) > 0)
        json_object_set_string_member (args, "subdistrict_id",
                                       json_object_get_string_member (json_array_get_object_element (
                                         subdistricts, i % json_array_get_length (subdistricts)), "id"));
      json_object_set_string_member (args, "phone", phone);
      json_object_set_string_member (args, "bio", bio);
      json_object_set_array_member (args, "topics", topics);
      /* Some say when they are free: retired teachers on weekday
       * mornings, people at work in the evenings and at weekends. Chosen
       * by number, not by the generator, so the rest of the district is
       * the same as before they said. */
      if (i % 5 == 0)
        {
          json_object_set_int_member (args, "free_days", 0x1f);
          json_object_set_int_member (args, "free_times", 0x1);
        }
      else if (i % 7 == 3)
        {
          json_object_set_int_member (args, "free_days", 0x7f);
          json_object_set_int_member (args, "free_times", 0x4);
        }
      if (!apply (demo, demo->admin, at, "speaker.upsert", args, NULL, error))
        return FALSE;
      g_ptr_array_add (demo->speaker_ids, g_steal_pointer (&id));
    }
  return TRUE;
}

/* A name of the district's data with the sub-district's and the
 * community's put in. */
static char *
fill_in (const char *template,
         const char *subdistrict,
         const char *community)
{
  g_autoptr(GString) name = g_string_new (template);

  g_string_replace (name, "{sd}", subdistrict, 0);
  g_string_replace (name, "{c}", community, 0);
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static char *
venue_for (Demo        *demo,
           const char  *kind,
           const char  *subdistrict,
           const char  *community)
{
  JsonObject *venues = json_object_get_object_member (demo->district, "venues");

  return fill_in (pick (demo, json_object_get_array_member (venues, kind)), subdistrict, community);
}

/* Who orders a service held at a venue of kind: the sub-district office
 * or the residents' committee for their own places, the school, the
 * firm or the organisation itself for its own (not "a classroom"). */
static char *
requester_for (Demo        *demo,
               const char  *kind,
               const char  *venue,
               const char  *subdistrict,
               const char  *community)
{
  JsonObject *requesters = json_object_get_object_member (demo->district, "requesters");

  if (requesters == NULL || !json_object_has_member (requesters, kind))
    return g_strdup (venue);
  return fill_in (json_object_get_string_member (requesters, kind), subdistrict, community);
}

static void
add_step (Demo     *demo,
          guint     order,
          StepKind  kind,
          gint64    at)
{
  Step step = { at, order, kind };

  g_array_append_val (demo->steps, step);
}

/* Draws one order and the course it will take; steps that fall after now
 * are kept out, since they have not happened yet. */
static void
plan_order (Demo  *demo,
            guint  index)
{
  JsonArray *subdistricts = json_object_get_array_member (demo->district, "subdistricts");
  JsonArray *projects = json_object_get_array_member (demo->district, "projects");
  JsonObject *sd = json_array_get_object_element (subdistricts,
                                                  g_rand_int_range (demo->rand, 0, json_array_get_length (subdistricts)));
  const char *sd_name = json_object_get_string_member (sd, "name");
  const char *community = pick (demo, json_object_get_array_member (sd, "communities"));
  static const int start_minutes[] = { 9 * 60, 14 * 60 + 30, 19 * 60 };
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *venue = NULL;
  g_autofree char *requester = NULL;
  g_autofree char *contact = random_name (demo);
  g_autofree char *phone = random_mobile (demo);
  const char *venue_kind;
  gint64 today = wd_time_day_start (demo->now, demo->tz);
  gint64 starts, ends, created, dispatched, deadline, t;
  gint64 last = G_MININT64;
  int duration;
  int fate = g_rand_int_range (demo->rand, 0, 100);
  Plan plan = { 0 };

  if (g_rand_int_range (demo->rand, 0, 100) < 60)
    {
      JsonObject *project = json_array_get_object_element (projects,
                                                           g_rand_int_range (demo->rand, 0, json_array_get_length (projects)));

      venue_kind = pick (demo, json_object_get_array_member (project, "venue_kinds"));
      duration = (int) json_object_get_int_member (project, "duration_minutes");
      json_object_set_string_member (args, "project_id", json_object_get_string_member (project, "id"));
      json_object_set_string_member (args, "title", json_object_get_string_member (project, "title"));
    }
  else
    {
      static const char * const kinds[] = { "agency", "subdistrict", "community", "community",
                                            "school", "enterprise", "social-org" };
      const char *topic = g_ptr_array_index (demo->topic_ids,
                                             g_rand_int_range (demo->rand, 0, demo->topic_ids->len));
      g_autofree char *title = g_strdup_printf ("%s专题宣讲", topic_name (demo, topic));

      venue_kind = kinds[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (kinds))];
      duration = 90;
      json_object_set_string_member (args, "topic_id", topic);
      json_object_set_string_member (args, "title", title);
    }

  venue = venue_for (demo, venue_kind, sd_name, community);
  requester = requester_for (demo, venue_kind, venue, sd_name, community);
  starts = today + (gint64) g_rand_int_range (demo->rand, -(gint32) demo->options->span_days,
                                              (gint32) demo->options->span_days + 1) * DAY
         + start_minutes[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (start_minutes))] * 60;
  ends = starts + duration * 60;
  created = starts - g_rand_int_range (demo->rand, 2 * DAY, 12 * DAY);
  /* Orders for the weeks ahead came in over the last few days. */
  if (created > demo->now - HOUR)
    created = demo->now - g_rand_int_range (demo->rand, 6 * HOUR, 5 * DAY);

  json_object_set_string_member (args, "subdistrict_id", json_object_get_string_member (sd, "id"));
  json_object_set_string_member (args, "community", community);
  json_object_set_string_member (args, "venue", venue);
  json_object_set_string_member (args, "venue_kind", venue_kind);
  json_object_set_int_member (args, "starts_at", starts);
  json_object_set_int_member (args, "ends_at", ends);
  json_object_set_int_member (args, "audience", g_rand_int_range (demo->rand, 2, 21) * 10);
  json_object_set_string_member (args, "requester", requester);
  json_object_set_string_member (args, "contact_name", contact);
  json_object_set_string_member (args, "contact_phone", phone);

  plan.create_args = g_steal_pointer (&args);
  plan.subdistrict_id = g_strdup (json_object_get_string_member (sd, "id"));
  plan.stars = g_rand_int_range (demo->rand, 0, 100) < 80 ? 5 : g_rand_int_range (demo->rand, 2, 5);
  g_array_append_val (demo->plans, plan);

  /* Each step comes after the one before; a step that would not (a
   * cancellation squeezed before the acceptance) ends the course. */
#define LATER(kind, when) \
  G_STMT_START { gint64 w_ = (when); if (w_ > demo->now || w_ <= last) goto done; \
                 add_step (demo, index, kind, w_); last = w_; } G_STMT_END
#define STEP(kind, when) \
  G_STMT_START { if ((when) >= starts) goto done; LATER (kind, when); } G_STMT_END

  STEP (STEP_CREATE, created);
  if (fate < 5)
    {
      STEP (STEP_REJECT, created + DAY);
      goto done;
    }
  if (fate < 10)
    {
      STEP (STEP_CANCEL, created + 2 * DAY);
      goto done;
    }

  dispatched = created + g_rand_int_range (demo->rand, 2 * HOUR, 20 * HOUR);
  STEP (STEP_DISPATCH, dispatched);
  if (fate < 16)
    {
      dispatched += 4 * HOUR;
      STEP (STEP_DECLINE, dispatched);
      dispatched += HOUR;
      STEP (STEP_REDISPATCH, dispatched);
    }
  deadline = MIN (dispatched + 48 * HOUR, starts);
  if (fate < 22)
    {
      /* Nobody claimed it: it returns to the centre's queue after the deadline. */
      STEP (STEP_EXPIRE, deadline + g_rand_int_range (demo->rand, HOUR, 3 * DAY));
      goto done;
    }
  t = dispatched + g_rand_int_range (demo->rand, HOUR, 60 * HOUR);
  STEP (STEP_ACCEPT, MIN (t, deadline - 60));
  if (fate < 26)
    {
      STEP (STEP_CANCEL, MIN (t + DAY, starts - HOUR));
      goto done;
    }
  LATER (STEP_DELIVER, ends + g_rand_int_range (demo->rand, HOUR, 20 * HOUR));
  t = ends + g_rand_int_range (demo->rand, DAY, 3 * DAY);
  if (fate < 34)
    goto done;      /* delivered, the rating not in yet */
  LATER (STEP_RATE, t);
  if (g_rand_int_range (demo->rand, 0, 100) < 30)
    {
      int r = g_rand_int_range (demo->rand, 0, 100);

      g_array_index (demo->plans, Plan, index).callback =
        1 + (r < 6 ? WD_CALLBACK_COMPLAINT : r < 16 ? WD_CALLBACK_UNREACHABLE
             : r < 26 ? WD_CALLBACK_NEUTRAL : WD_CALLBACK_SATISFIED);
      LATER (STEP_CALLBACK, t + DAY);
    }
done:
  return;
#undef STEP
#undef LATER
}

static int
compare_steps (gconstpointer a,
               gconstpointer b)
{
  const Step *x = a;
  const Step *y = b;

  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return (int) x->kind - (int) y->kind;
}

static WdActor *
office_of (Plan *plan)
{
  g_autofree char *user = g_strdup_printf ("office-%s", plan->subdistrict_id);

  return wd_actor_new_office (user, plan->subdistrict_id);
}

static WdActor *
assignee_of (Demo *demo,
             Plan *plan)
{
  g_autoptr(JsonObject) order = wd_store_get (demo->store, "order", plan->id, NULL);
  const char *kind = json_object_get_string_member_with_default (order, "assignee_kind", NULL);
  const char *id = json_object_get_string_member_with_default (order, "assignee_id", NULL);
  WdAssigneeKind k;
  g_autofree char *user = NULL;

  if (kind == NULL || !wd_assignee_kind_from_string (kind, &k))
    return NULL;
  user = g_strdup_printf ("%s-account", id);
  return wd_actor_new_assignee (user, k, id);
}

/* The candidates a dispatcher would consider, best first. With matching
 * off (large benchmark districts) a random few from the right pool. */
static GPtrArray *
candidates_for (Demo        *demo,
                Plan        *plan,
                gint64       at,
                GError     **error)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonObject *args = plan->create_args;

  if (demo->options->use_matching)
    {
      g_autoptr(GPtrArray) candidates = wd_match_candidates (demo->store, plan->id, at, 0, error);

      if (candidates == NULL)
        {
          g_ptr_array_unref (ids);
          return NULL;
        }
      for (guint i = 0; i < candidates->len; i++)
        {
          WdCandidate *c = g_ptr_array_index (candidates, i);

          if (!c->clash)
            g_ptr_array_add (ids, g_strdup_printf ("%s:%s", wd_assignee_kind_to_string (c->kind), c->id));
        }
    }
  else if (json_object_has_member (args, "project_id"))
    {
      g_autoptr(JsonObject) project = wd_store_get (demo->store, "project",
                                                    json_object_get_string_member (args, "project_id"),
                                                    NULL);

      g_ptr_array_add (ids, g_strdup_printf ("team:%s", json_object_get_string_member (project, "team_id")));
    }
  else
    {
      GPtrArray *pool = g_hash_table_lookup (demo->speakers_by_topic,
                                             json_object_get_string_member (args, "topic_id"));

      for (guint i = 0; i < 6 && pool->len > 0; i++)
        g_ptr_array_add (ids, g_strdup_printf ("speaker:%s", (char *) g_ptr_array_index (
                                                 pool, g_rand_int_range (demo->rand, 0, pool->len))));
    }
  return ids;
}

static gboolean
dispatch (Demo      *demo,
          Plan      *plan,
          gint64     at,
          gboolean   second_choice,
          GError   **error)
{
  g_autoptr(GPtrArray) ids = candidates_for (demo, plan, at, error);

  if (ids == NULL)
    return FALSE;

  for (guint i = second_choice ? 1 : 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) args = json_object_new ();
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (ids, i), ":", 2);
      g_autoptr(GError) refusal = NULL;

      json_object_set_string_member (args, "order_id", plan->id);
      json_object_set_string_member (args, "assignee_kind", parts[0]);
      json_object_set_string_member (args, "assignee_id", parts[1]);
      if (apply_seeded (demo, demo->centre, at, "order.dispatch", args, NULL, &refusal))
        return TRUE;
      if (!g_error_matches (refusal, WD_ERROR, WD_ERROR_CLASH))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&refusal),
                                      _("The demo district could not be loaded (%s): "),
                                      "order.dispatch");
          return FALSE;
        }
    }

  /* Everyone suitable is booked: the order waits in the queue. */
  plan->failed = TRUE;
  return TRUE;
}

static JsonObject *
order_args (Plan *plan)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", plan->id);
  return args;
}

static gboolean
run_step (Demo      *demo,
          Step      *step,
          GError   **error)
{
  Plan *plan = &g_array_index (demo->plans, Plan, step->order);
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(WdActor) actor = NULL;

  if (plan->failed)
    return TRUE;

  switch (step->kind)
    {
    case STEP_CREATE:
      actor = g_rand_int_range (demo->rand, 0, 10) == 0 ? wd_actor_copy (demo->centre) : office_of (plan);
      if (!apply (demo, actor, step->at, "order.create", plan->create_args, &result, error))
        return FALSE;
      plan->id = g_strdup (json_object_get_string_member (result, "id"));
      return TRUE;

    case STEP_DISPATCH:
    case STEP_REDISPATCH:
      return dispatch (demo, plan, step->at, step->kind == STEP_REDISPATCH, error);

    case STEP_DECLINE:
      actor = assignee_of (demo, plan);
      args = order_args (plan);
      json_object_set_string_member (args, "reason", "时间冲突，无法参加");
      return apply (demo, actor, step->at, "order.decline", args, NULL, error);

    case STEP_ACCEPT:
      actor = assignee_of (demo, plan);
      args = order_args (plan);
      return apply (demo, actor, step->at, "order.accept", args, NULL, error);

    case STEP_EXPIRE:
      args = order_args (plan);
      return apply (demo, demo->centre, step->at, "order.expire", args, NULL, error);

    case STEP_DELIVER:
      actor = assignee_of (demo, plan);
      args = order_args (plan);
      json_object_set_int_member (args, "audience",
                                  json_object_get_int_member (plan->create_args, "audience")
                                  - g_rand_int_range (demo->rand, 0, 10));
      return apply (demo, actor, step->at, "order.deliver", args, NULL, error);

    case STEP_RATE:
      actor = office_of (plan);
      args = order_args (plan);
      json_object_set_int_member (args, "stars", plan->stars);
      json_object_set_string_member (args, "comment", plan->stars >= 4 ? "讲得生动，居民反响很好" : "内容一般，时间偏长");
      return apply (demo, actor, step->at, "order.rate", args, NULL, error);

    case STEP_CALLBACK:
      args = order_args (plan);
      json_object_set_string_member (args, "outcome",
                                     wd_callback_outcome_to_string ((WdCallbackOutcome) (plan->callback - 1)));
      if (plan->callback - 1 != WD_CALLBACK_UNREACHABLE)
        json_object_set_int_member (args, "satisfaction",
                                    plan->callback - 1 == WD_CALLBACK_COMPLAINT ? 1
                                    : plan->callback - 1 == WD_CALLBACK_NEUTRAL ? 3 : 5);
      json_object_set_string_member (args, "notes",
                                     plan->callback - 1 == WD_CALLBACK_COMPLAINT
                                     ? "居民反映志愿者迟到且提前离开" : "电话回访");
      return apply (demo, demo->centre, step->at, "order.callback", args, NULL, error);

    case STEP_CANCEL:
      actor = office_of (plan);
      args = order_args (plan);
      json_object_set_string_member (args, "reason", "社区活动场地临时调整");
      return apply (demo, actor, step->at, "order.cancel", args, NULL, error);

    case STEP_REJECT:
      args = order_args (plan);
      json_object_set_string_member (args, "reason", "需求超出志愿服务范围，建议联系相关职能部门");
      return apply (demo, demo->centre, step->at, "order.reject", args, NULL, error);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
set_up_catalogues (Demo     *demo,
                   gint64    at,
                   GError  **error)
{
  JsonObject *info = json_object_get_object_member (demo->district, "district");
  JsonObject *fund = json_object_get_object_member (demo->district, "fund");
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonObject) fund_args = json_object_new ();
  g_autoptr(JsonObject) deposit = json_object_new ();
  g_autoptr(JsonObject) rules = json_object_new ();
  JsonArray *topics = json_object_get_array_member (demo->district, "topics");

  json_object_set_string_member (settings, "district_name", json_object_get_string_member (info, "name"));
  json_object_set_int_member (settings, "accept_hours", json_object_get_int_member (info, "accept_hours"));
  json_object_set_int_member (settings, "callback_rate_percent",
                              json_object_get_int_member (info, "callback_rate_percent"));

  for (guint i = 0; i < json_array_get_length (topics); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (topics, i), "id");

      g_ptr_array_add (demo->topic_ids, g_strdup (id));
      g_hash_table_insert (demo->speakers_by_topic, g_strdup (id),
                           g_ptr_array_new_with_free_func (g_free));
    }

  json_object_set_string_member (fund_args, "id", json_object_get_string_member (fund, "id"));
  json_object_set_string_member (fund_args, "name", json_object_get_string_member (fund, "name"));
  json_object_set_string_member (deposit, "fund_id", json_object_get_string_member (fund, "id"));
  json_object_set_int_member (deposit, "amount_cents", json_object_get_int_member (fund, "opening_cents"));
  json_object_set_string_member (deposit, "reference", json_object_get_string_member (fund, "reference"));

  return apply (demo, demo->admin, at, "settings.set", settings, NULL, error)
      && apply_each (demo, "subdistricts", "subdistrict.upsert", at, error)
      && apply_each (demo, "topics", "topic.upsert", at, error)
      && apply_each (demo, "teams", "team.upsert", at, error)
      && enrol_speakers (demo, at, error)
      && apply_each (demo, "projects", "project.upsert", at, error)
      && apply (demo, demo->admin, at, "reward.rules", rules, NULL, error)
      && apply (demo, demo->admin, at, "fund.upsert", fund_args, NULL, error)
      && apply (demo, demo->centre, at, "fund.deposit", deposit, NULL, error);
}

/* Rewards the three weeks that ended a week ago: late enough for the
 * ratings and callbacks of those weeks to be in. */
static gboolean
reward_period (Demo     *demo,
               GError  **error)
{
  JsonObject *fund = json_object_get_object_member (demo->district, "fund");
  g_autoptr(JsonObject) propose = json_object_new ();
  g_autoptr(JsonObject) approve = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(WdActor) approver = wd_actor_new (WD_DEMO_ADMIN_USER, WD_ROLE_ADMIN);
  g_autofree char *from = wd_time_format_local (demo->now - 28 * DAY, demo->tz, "%Y-%m-%d");
  g_autofree char *to = wd_time_format_local (demo->now - 8 * DAY, demo->tz, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("%s 至 %s 奖励", from, to);
  g_autoptr(GError) refusal = NULL;

  json_object_set_string_member (propose, "name", name);
  json_object_set_string_member (propose, "from", from);
  json_object_set_string_member (propose, "to", to);
  json_object_set_string_member (propose, "fund_id", json_object_get_string_member (fund, "id"));
  if (!apply_seeded (demo, demo->centre, demo->now - HOUR, "reward.propose", propose, &result, &refusal))
    {
      /* A tiny district may have nothing to reward yet. */
      if (g_error_matches (refusal, WD_ERROR, WD_ERROR_INVALID_ARGUMENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&refusal));
      return FALSE;
    }

  json_object_set_string_member (approve, "period_id", json_object_get_string_member (result, "id"));
  return apply (demo, approver, demo->now - 30 * 60, "reward.approve", approve, NULL, error);
}

static gboolean
commit_batch_if_full (Demo     *demo,
                      GError  **error)
{
  if (demo->options->batch == 0 || ++demo->steps_in_batch < demo->options->batch)
    return TRUE;
  demo->steps_in_batch = 0;
  return wd_store_commit (demo->store, error) && wd_store_begin (demo->store, error);
}

static gboolean
live_through (Demo     *demo,
              GError  **error)
{
  for (guint i = 0; i < demo->options->orders; i++)
    plan_order (demo, i);
  g_array_sort (demo->steps, compare_steps);

  for (guint i = 0; i < demo->steps->len; i++)
    if (!run_step (demo, &g_array_index (demo->steps, Step, i), error)
        || !commit_batch_if_full (demo, error))
      return FALSE;
  return TRUE;
}

void
wd_demo_options_init (WdDemoOptions *options)
{
  options->speakers = 136;
  options->orders = 360;
  options->seed = 20261128;
  options->use_matching = TRUE;
  options->batch = 0;
  options->rewards = TRUE;
  options->span_days = 28;
}

char *
wd_demo_find_data (void)
{
  const char *override = g_getenv ("WUDAN_DATADIR");
  const char * const candidates[] = {
    override, PKGDATADIR, SOURCE_DATADIR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = NULL;

      if (candidates[i] == NULL)
        continue;
      path = g_build_filename (candidates[i], "demo", "district.json", NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static void
demo_clear (Demo *demo)
{
  g_clear_pointer (&demo->rand, g_rand_free);
  g_clear_pointer (&demo->admin, wd_actor_free);
  g_clear_pointer (&demo->centre, wd_actor_free);
  g_clear_pointer (&demo->topic_ids, g_ptr_array_unref);
  g_clear_pointer (&demo->speaker_ids, g_ptr_array_unref);
  g_clear_pointer (&demo->speakers_by_topic, g_hash_table_unref);
  g_clear_pointer (&demo->plans, g_array_unref);
  g_clear_pointer (&demo->steps, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Demo, demo_clear)

static gboolean list_accounts (Demo    *demo,
                               GError **error);

gboolean
wd_demo_load (WdStore              *store,
              const char           *district_path,
              gint64                now,
              const WdDemoOptions  *options,
              GError              **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;
  g_auto(Demo) demo = { 0 };
  g_autoptr(JsonArray) existing = NULL;
  WdDemoOptions defaults;

  g_return_val_if_fail (WD_IS_STORE (store), FALSE);
  g_return_val_if_fail (district_path != NULL, FALSE);

  if (options == NULL)
    {
      wd_demo_options_init (&defaults);
      options = &defaults;
    }

  if (!g_file_get_contents (district_path, &contents, &length, error)
      || (root = wd_json_parse (contents, (gssize) length, error)) == NULL)
    {
      g_prefix_error (error, _("Cannot read the demo district %s: "), district_path);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("The demo district %s is not a JSON object"), district_path);
      return FALSE;
    }

  existing = wd_store_list_all (store, "subdistrict", error);
  if (existing == NULL)
    return FALSE;
  if (json_array_get_length (existing) > 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_DUPLICATE,
                   _("The store %s already holds a district; load the demo into a new store"),
                   wd_store_get_path (store));
      return FALSE;
    }

  demo.store = store;
  demo.district = json_node_get_object (root);
  demo.options = options;
  demo.rand = g_rand_new_with_seed (options->seed);
  demo.now = now;
  demo.tz = wd_store_get_time_zone (store);
  demo.admin = wd_actor_new (WD_DEMO_ADMIN_USER, WD_ROLE_ADMIN);
  demo.centre = wd_actor_new (WD_DEMO_CENTRE_USER, WD_ROLE_CENTRE);
  demo.topic_ids = g_ptr_array_new_with_free_func (g_free);
  demo.speaker_ids = g_ptr_array_new_with_free_func (g_free);
  demo.speakers_by_topic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_ptr_array_unref);
  demo.plans = g_array_new (FALSE, TRUE, sizeof (Plan));
  g_array_set_clear_func (demo.plans, (GDestroyNotify) plan_clear);
  demo.steps = g_array_new (FALSE, FALSE, sizeof (Step));

  /* All or nothing: a demo that failed half-way would mislead. */
  if (!wd_store_begin (store, error))
    return FALSE;
  if (!set_up_catalogues (&demo, now - 60 * DAY, error)
      || !live_through (&demo, error)
      || (options->rewards && !reward_period (&demo, error))
      || !list_accounts (&demo, error))
    {
      wd_store_rollback (store);
      return FALSE;
    }
  return wd_store_commit (store, error);
}

/* What the account called name serves, by the demo's naming: "office-ID"
 * a sub-district's office, "ID-account" a team's or a speaker's. */
static gboolean
describe_demo_account (WdStore    *store,
                       const char *name,
                       JsonObject *account)
{
  g_autofree char *assignee = NULL;
  g_autoptr(JsonObject) served = NULL;
  const char *kind = NULL;

  if (g_str_equal (name, WD_DEMO_ADMIN_USER) || g_str_equal (name, WD_DEMO_CENTRE_USER))
    {
      json_object_set_string_member (account, "role", g_str_equal (name, WD_DEMO_ADMIN_USER) ? "admin" : "centre");
      return TRUE;
    }
  if (g_str_has_prefix (name, "office-")
      && (served = wd_store_get (store, "subdistrict", name + strlen ("office-"), NULL)) != NULL)
    {
      json_object_set_string_member (account, "role", "office");
      json_object_set_string_member (account, "subdistrict_id", name + strlen ("office-"));
      json_object_set_string_member (account, "serves", json_object_get_string_member (served, "name"));
      return TRUE;
    }
  if (!g_str_has_suffix (name, "-account"))
    return FALSE;
  assignee = g_strndup (name, strlen (name) - strlen ("-account"));
  if ((served = wd_store_get (store, "team", assignee, NULL)) != NULL)
    kind = "team";
  else if ((served = wd_store_get (store, "speaker", assignee, NULL)) != NULL)
    kind = "speaker";
  else
    return FALSE;
  json_object_set_string_member (account, "role", "team");
  json_object_set_string_member (account, "assignee_kind", kind);
  json_object_set_string_member (account, "assignee_id", assignee);
  json_object_set_string_member (account, "serves", json_object_get_string_member (served, "name"));
  return TRUE;
}

/* The accounts the demo district's history names (the centre's clerk,
 * each sub-district office, each team and speaker that acted), as a
 * server's directory lists them, with what a server's account holds. */
JsonArray *
wd_demo_list_accounts (WdStore  *store,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) accounts = json_array_new ();

  g_return_val_if_fail (WD_IS_STORE (store), NULL);

  stmt = wd_store_prepare (store, "SELECT DISTINCT actor FROM history ORDER BY actor", error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      g_autoptr(JsonObject) account = json_object_new ();

      json_object_set_string_member (account, "name", name);
      if (describe_demo_account (store, name, account))
        json_array_add_object_element (accounts, g_steal_pointer (&account));
    }
  return g_steal_pointer (&accounts);
}

/* The store names its accounts as a synced one would (wd_store_set_accounts). */
static gboolean
list_accounts (Demo    *demo,
               GError **error)
{
  g_autoptr(JsonArray) accounts = wd_demo_list_accounts (demo->store, error);

  return accounts != NULL && wd_store_set_accounts (demo->store, accounts, error);
}
