/* wudanctl: the headless Wudan client, for scripts, cron and admins. It
 * works on the same local store as the app and changes data only through
 * the operations of the core. */
#define G_LOG_DOMAIN "wudanctl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "wd-ctl.h"
#include "wd-text-table.h"
#include "wd-demo.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-matching.h"
#include "wd-message.h"
#include "wd-operations.h"
#include "wd-prompt.h"
#include "wd-rewards.h"
#include "wd-search.h"
#include "wd-store.h"
#include "wd-sync-client.h"
#include "wd-sync-store.h"
#include "wd-time.h"

static char *
format_rating (JsonObject *row)
{
  JsonNode *rating = json_object_get_member (row, "rating");

  if (rating == NULL || JSON_NODE_HOLDS_NULL (rating))
    return g_strdup ("—");
  return g_strdup_printf ("%.1f (%" G_GINT64_FORMAT ")", json_node_get_double (rating),
                          json_object_get_int_member (row, "ratings"));
}

static const char *
text_or_dash (JsonObject *row,
              const char *member)
{
  const char *text = json_object_get_string_member_with_default (row, member, NULL);

  return text && *text ? text : "—";
}

static int
cmd_seed_demo (Ctl   *ctl,
               int    argc,
               char **argv)
{
  WdDemoOptions options;
  int speakers, orders, seed;
  GOptionEntry entries[] = {
    { "speakers", 0, 0, G_OPTION_ARG_INT, &speakers, N_("How many speakers to enrol"), N_("N") },
    { "orders", 0, 0, G_OPTION_ARG_INT, &orders, N_("How many orders to simulate"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the simulation"), N_("N") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "seed-demo", "", N_("Load the demo district into the store"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  wd_demo_options_init (&options);
  speakers = (int) options.speakers;
  orders = (int) options.orders;
  seed = (int) options.seed;
  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("seed-demo takes no arguments"));
  if (speakers < 1 || orders < 0)
    return ctl_usage_error (context, _("--speakers must be at least 1 and --orders at least 0"));

  options.speakers = (guint) speakers;
  options.orders = (guint) orders;
  options.seed = (guint32) seed;

  path = wd_demo_find_data ();
  if (path == NULL)
    {
      g_printerr (_("wudanctl: the demo data (demo/district.json) is not installed; "
                    "set WUDAN_DATADIR to the data folder\n"));
      return EXIT_FAILURE;
    }
  if (!ctl_create_store (ctl, &error) || !wd_demo_load (ctl->store, path, ctl_now (), &options, &error))
    return ctl_fail (error);

  g_print (_("Loaded the demo district into %s\n"), wd_store_get_path (ctl->store));
  return EXIT_SUCCESS;
}

static int
cmd_speakers (Ctl   *ctl,
              int    argc,
              char **argv)
{
  g_autofree char *topic = NULL;
  g_autofree char *subdistrict = NULL;
  g_autofree char *after = NULL;
  g_autofree char *next = NULL;
  int limit = 500;
  GOptionEntry entries[] = {
    { "topic", 0, 0, G_OPTION_ARG_STRING, &topic, N_("Only speakers on this topic"), N_("TOPIC") },
    { "subdistrict", 0, 0, G_OPTION_ARG_STRING, &subdistrict, N_("Only speakers of this sub-district"), N_("NAME") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many"), N_("N") },
    { "after", 0, 0, G_OPTION_ARG_STRING, &after, N_("Continue after this page cursor"), N_("CURSOR") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "speakers", "", N_("List the speaker library"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  WdSpeakerFilter filter = { 0 };
  WdRewardRules rules;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (!ctl_check_limit (limit, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("speakers takes no arguments"));

  if (!ctl_open_store (ctl, &error)
      || !ctl_resolve (ctl, "topic", "--topic", &topic, &error)
      || !ctl_resolve (ctl, "subdistrict", "--subdistrict", &subdistrict, &error)
      || !wd_reward_rules_load (ctl->store, &rules, &error))
    return ctl_fail (error);

  filter.topic_id = topic;
  filter.subdistrict_id = subdistrict;
  rows = wd_store_list_speakers (ctl->store, &filter, after, (guint) limit, &next, &error);
  if (rows == NULL)
    return ctl_fail (error);

  if (ctl->json)
    ctl_print_json_array (rows);
  else
    {
      g_autoptr(WdTextTable) table = wd_text_table_new (6, _("Name"), _("Topics"), _("Sub-district"),
                                                      _("Rating"), _("Lectures"), _("Hours"));

      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          g_autofree char *rating = format_rating (row);
          g_autofree char *lectures = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                       json_object_get_int_member (row, "lectures"));
          double hours = json_object_get_double_member (row, "hours");
          int stars = wd_reward_star_level (&rules, hours);
          g_autofree char *hours_text = g_strdup_printf ("%.1f %.*s", hours, stars * 3,
                                                         "★★★★★");

          wd_text_table_add (table, json_object_get_string_member (row, "name"),
                            text_or_dash (row, "topic_names"), text_or_dash (row, "subdistrict_name"),
                            rating, lectures, hours_text);
        }
      wd_text_table_print (table);
      if (next != NULL)
        g_print (_("More: wudanctl speakers --after %s\n"), next);
    }
  return EXIT_SUCCESS;
}

static int
cmd_projects (Ctl   *ctl,
              int    argc,
              char **argv)
{
  g_autofree char *category = NULL;
  g_autofree char *venue_kind = NULL;
  g_autofree char *team = NULL;
  g_autofree char *after = NULL;
  g_autofree char *next = NULL;
  int limit = 500;
  GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Only projects of this category"), N_("CATEGORY") },
    { "venue-kind", 0, 0, G_OPTION_ARG_STRING, &venue_kind, N_("Only projects that go to this kind of venue"), N_("KIND") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("Only projects of this team"), N_("TEAM") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many"), N_("N") },
    { "after", 0, 0, G_OPTION_ARG_STRING, &after, N_("Continue after this page cursor"), N_("CURSOR") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "projects", "", N_("List the project marketplace"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  WdProjectFilter filter = { 0 };

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (!ctl_check_limit (limit, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("projects takes no arguments"));

  if (!ctl_open_store (ctl, &error)
      || !ctl_resolve (ctl, "venue_kind", "--venue-kind", &venue_kind, &error)
      || !ctl_resolve (ctl, "team", "--team", &team, &error))
    return ctl_fail (error);

  filter.category = category;
  filter.venue_kind = venue_kind;
  filter.team_id = team;
  rows = wd_store_list_projects (ctl->store, &filter, after, (guint) limit, &next, &error);
  if (rows == NULL)
    return ctl_fail (error);

  if (ctl->json)
    ctl_print_json_array (rows);
  else
    {
      g_autoptr(WdTextTable) table = wd_text_table_new (5, _("Project"), _("Category"), _("Team"),
                                                      _("Topic"), _("Orders"));

      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          g_autofree char *orders = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                     json_object_get_int_member (row, "orders"));

          wd_text_table_add (table, json_object_get_string_member (row, "title"),
                            json_object_get_string_member (row, "category"),
                            json_object_get_string_member (row, "team_name"),
                            text_or_dash (row, "topic_name"), orders);
        }
      wd_text_table_print (table);
      if (next != NULL)
        g_print (_("More: wudanctl projects --after %s\n"), next);
    }
  return EXIT_SUCCESS;
}

static char *
order_number (JsonObject *row)
{
  const char *number = json_object_get_string_member_with_default (row, "number", NULL);

  return g_strdup (number ? number : _("(to sync)"));
}

static char *
order_state_text (JsonObject *row,
                  gint64      now)
{
  WdOrderState state;
  const char *name = json_object_get_string_member (row, "state");

  if (!wd_order_state_from_string (name, &state))
    return g_strdup (name);
  if (state == WD_ORDER_DISPATCHED && json_object_get_int_member (row, "accept_deadline") < now)
    return g_strdup_printf (_("%s (overdue)"), wd_order_state_label (state));
  return g_strdup (wd_order_state_label (state));
}

static int
cmd_orders (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autofree char *state = NULL;
  g_autofree char *subdistrict = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *after = NULL;
  g_autofree char *next = NULL;
  int limit = 100;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("Only orders in this state (ordered, dispatched, …)"), N_("STATE") },
    { "subdistrict", 0, 0, G_OPTION_ARG_STRING, &subdistrict, N_("Only orders of this sub-district"), N_("NAME") },
    { "topic", 0, 0, G_OPTION_ARG_STRING, &topic, N_("Only orders on this topic"), N_("TOPIC") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only events on or after this day"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only events before this day"), N_("YYYY-MM-DD") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many"), N_("N") },
    { "after", 0, 0, G_OPTION_ARG_STRING, &after, N_("Continue after this page cursor"), N_("CURSOR") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "orders", "", N_("List orders by the time of the event"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  WdOrderFilter filter = { 0 };
  gint64 now = ctl_now ();

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (!ctl_check_limit (limit, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("orders takes no arguments"));
  if (!ctl_check_state (state, &error))
    return ctl_usage_error (context, error->message);

  if (!ctl_open_store (ctl, &error)
      || !ctl_resolve (ctl, "subdistrict", "--subdistrict", &subdistrict, &error)
      || !ctl_resolve (ctl, "topic", "--topic", &topic, &error)
      || !ctl_parse_day (ctl, "--from", from, &filter.from, &error)
      || !ctl_parse_day (ctl, "--to", to, &filter.to, &error))
    return ctl_fail (error);

  filter.state = state;
  filter.subdistrict_id = subdistrict;
  filter.topic_id = topic;
  rows = wd_store_list_orders (ctl->store, &filter, after, (guint) limit, &next, &error);
  if (rows == NULL)
    return ctl_fail (error);

  if (ctl->json)
    ctl_print_json_array (rows);
  else
    {
      GTimeZone *tz = wd_store_get_time_zone (ctl->store);
      g_autoptr(WdTextTable) table = wd_text_table_new (6, _("Number"), _("When"), _("State"),
                                                      _("Sub-district"), _("Title"), _("Assigned to"));

      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          g_autofree char *number = order_number (row);
          g_autofree char *when = wd_time_format_local (json_object_get_int_member (row, "starts_at"),
                                                        tz, "%Y-%m-%d %H:%M");
          g_autofree char *state_text = order_state_text (row, now);

          wd_text_table_add (table, number, when, state_text,
                            json_object_get_string_member (row, "subdistrict_name"),
                            json_object_get_string_member (row, "title"),
                            text_or_dash (row, "assignee_name"));
        }
      wd_text_table_print (table);
      if (next != NULL)
        g_print (_("More: wudanctl orders --after %s\n"), next);
    }
  return EXIT_SUCCESS;
}

static int
cmd_order (Ctl   *ctl,
           int    argc,
           char **argv)
{
  static const Command command = { "order", N_("ORDER"), N_("Show one order and its history"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, NULL, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *id = NULL;
  GTimeZone *tz;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 2)
    return ctl_usage_error (context, _("give the order's number or identifier"));

  id = g_strdup (argv[1]);
  if (!ctl_open_store (ctl, &error) || !ctl_resolve (ctl, "order", _("order"), &id, &error))
    return ctl_fail (error);
  order = wd_store_get (ctl->store, "order", id, &error);
  history = order ? wd_store_get_history (ctl->store, id, &error) : NULL;
  if (history == NULL)
    return ctl_fail (error);

  if (ctl->json)
    {
      json_object_set_array_member (order, "history", json_array_ref (history));
      ctl_print_json_object (order);
      return EXIT_SUCCESS;
    }

  tz = wd_store_get_time_zone (ctl->store);
  {
    g_autofree char *number = order_number (order);
    g_autofree char *state_text = order_state_text (order, ctl_now ());
    g_autofree char *from = wd_time_format_local (json_object_get_int_member (order, "starts_at"), tz, NULL);
    g_autofree char *to = wd_time_format_local (json_object_get_int_member (order, "ends_at"), tz, "%H:%M");

    g_print ("%s  %s  [%s]\n", number, json_object_get_string_member (order, "title"), state_text);
    g_print (_("When:       %s–%s\n"), from, to);
    g_print (_("Where:      %s (%s), %s\n"), json_object_get_string_member (order, "venue"),
             json_object_get_string_member (order, "venue_kind_name"),
             json_object_get_string_member (order, "subdistrict_name"));
    g_print (_("Requester:  %s, %s %s\n"), json_object_get_string_member (order, "requester"),
             json_object_get_string_member (order, "contact_name"),
             json_object_get_string_member (order, "contact_phone"));
    g_print (_("Assigned:   %s\n"), text_or_dash (order, "assignee_name"));
    if (json_object_get_int_member_with_default (order, "delivered_start", 0) != 0)
      {
        g_autofree char *served_from = wd_time_format_local (json_object_get_int_member (order, "delivered_start"),
                                                             tz, NULL);
        g_autofree char *served_to = wd_time_format_local (json_object_get_int_member (order, "delivered_end"),
                                                           tz, "%H:%M");

        /* TRANSLATORS: the delivery record: when, how many came, the service hours and those credited */
        g_print (_("Delivered:  %s–%s, audience %d, %g service hours (%g credited)\n"), served_from, served_to,
                 (int) json_object_get_int_member_with_default (order, "delivered_audience", 0),
                 json_object_get_double_member_with_default (order, "hours", 0),
                 json_object_get_double_member_with_default (order, "credited_hours", 0));
      }
  }

  g_print ("\n%s\n", _("History:"));
  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonObject *entry = json_array_get_object_element (history, i);
      g_autofree char *at = wd_time_format_local (json_object_get_int_member (entry, "at"), tz, NULL);
      const char *from_state = json_object_get_string_member_with_default (entry, "from_state", NULL);
      const char *to_state = json_object_get_string_member_with_default (entry, "to_state", NULL);

      g_print ("  %s  %-16s %s → %s  (%s)\n", at, json_object_get_string_member (entry, "action"),
               from_state ? from_state : "·", to_state ? to_state : "·",
               json_object_get_string_member (entry, "actor"));
    }
  return EXIT_SUCCESS;
}

static gboolean
use_color (void)
{
  return isatty (STDOUT_FILENO) && g_getenv ("NO_COLOR") == NULL;
}

static int
cmd_search (Ctl   *ctl,
            int    argc,
            char **argv)
{
  int limit = 10;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many hits of each kind"), N_("N") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "search", N_("QUERY"), N_("Search speakers, teams, projects and orders"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *query = NULL;
  const char *open = use_color () ? "\033[1m" : "【";
  const char *close = use_color () ? "\033[0m" : "】";

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (!ctl_check_limit (limit, &error))
    return ctl_usage_error (context, error->message);
  if (argc < 2)
    return ctl_usage_error (context, _("give the words to search for"));

  query = g_strjoinv (" ", argv + 1);
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);
  hits = wd_store_search (ctl->store, query, WD_SEARCH_ALL, (guint) limit, &error);
  if (hits == NULL)
    return ctl_fail (error);

  if (ctl->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < hits->len; i++)
        {
          WdSearchHit *hit = g_ptr_array_index (hits, i);
          JsonObject *object = json_object_new ();
          g_autofree char *title = wd_search_marks_replace (hit->title, "", "");
          g_autofree char *excerpt = wd_search_marks_replace (hit->excerpt, "", "");
          g_autofree char *marked = wd_search_marks_replace (hit->title, "[", "]");

          json_object_set_string_member (object, "kind", hit->kind);
          json_object_set_string_member (object, "id", hit->id);
          json_object_set_string_member (object, "title", title);
          json_object_set_string_member (object, "title_marked", marked);
          json_object_set_string_member (object, "excerpt", excerpt);
          json_object_set_double_member (object, "score", hit->score);
          json_array_add_object_element (array, object);
        }
      ctl_print_json_array (array);
      return EXIT_SUCCESS;
    }

  if (hits->len == 0)
    g_print (_("Nothing found for “%s”\n"), query);
  for (guint i = 0; i < hits->len; i++)
    {
      WdSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *title = wd_search_marks_replace (hit->title, open, close);
      g_autofree char *excerpt = wd_search_marks_replace (hit->excerpt, open, close);
      const char *kind = g_str_equal (hit->kind, "speaker") ? _("Speaker")
                       : g_str_equal (hit->kind, "team") ? _("Team")
                       : g_str_equal (hit->kind, "project") ? _("Project") : _("Order");

      g_print ("%s  %s\n      %s\n", kind, title, excerpt);
    }
  return EXIT_SUCCESS;
}

static int
cmd_match (Ctl   *ctl,
           int    argc,
           char **argv)
{
  int limit = 10;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many candidates"), N_("N") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "match", N_("ORDER"), N_("Rank who could take an order, with reasons"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *id = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (!ctl_check_limit (limit, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 2)
    return ctl_usage_error (context, _("give the order's number or identifier"));

  id = g_strdup (argv[1]);
  if (!ctl_open_store (ctl, &error) || !ctl_resolve (ctl, "order", _("order"), &id, &error))
    return ctl_fail (error);
  candidates = wd_match_candidates (ctl->store, id, ctl_now (), (guint) limit, &error);
  if (candidates == NULL)
    return ctl_fail (error);

  if (ctl->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < candidates->len; i++)
        json_array_add_object_element (array, wd_candidate_to_json (g_ptr_array_index (candidates, i)));
      ctl_print_json_array (array);
      return EXIT_SUCCESS;
    }

  if (candidates->len == 0)
    g_print (_("Nobody in the library can take this order; add a speaker or team for its topic\n"));
  for (guint i = 0; i < candidates->len; i++)
    {
      WdCandidate *c = g_ptr_array_index (candidates, i);

      g_print ("%2u. %s  %.2f%s\n", i + 1, c->name, c->score, c->clash ? _("  (busy)") : "");
      for (guint r = 0; r < c->reasons->len; r++)
        g_print ("      · %s\n", (char *) g_ptr_array_index (c->reasons, r));
    }
  return EXIT_SUCCESS;
}

static int
cmd_counts (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autofree char *by = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, N_("Count by state, subdistrict, topic or venue_kind"), N_("FIELD") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only events on or after this day"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only events before this day"), N_("YYYY-MM-DD") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "counts", "", N_("Count orders for reports"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) counts = NULL;
  WdOrderFilter filter = { 0 };

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("counts takes no arguments"));

  if (!ctl_open_store (ctl, &error)
      || !ctl_parse_day (ctl, "--from", from, &filter.from, &error)
      || !ctl_parse_day (ctl, "--to", to, &filter.to, &error))
    return ctl_fail (error);
  counts = wd_store_count_orders (ctl->store, &filter, by ? by : "state", &error);
  if (counts == NULL)
    return ctl_fail (error);

  if (ctl->json)
    ctl_print_json_object (counts);
  else
    {
      g_autoptr(GList) keys = json_object_get_members (counts);
      g_autoptr(WdTextTable) table = wd_text_table_new (2, by ? by : "state", _("Orders"));

      for (GList *l = keys; l; l = l->next)
        {
          g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                json_object_get_int_member (counts, l->data));
          WdOrderState state;
          const char *label = l->data;

          if ((by == NULL || g_str_equal (by, "state")) && wd_order_state_from_string (label, &state))
            label = wd_order_state_label (state);
          wd_text_table_add (table, *label ? label : "—", n);
        }
      wd_text_table_print (table);
    }
  return EXIT_SUCCESS;
}

static WdActor *
make_actor (Ctl         *ctl,
            const char  *user,
            const char  *role_name,
            char        *subdistrict,
            char        *team,
            char        *speaker,
            GError     **error)
{
  WdRole role;
  WdActor *actor;

  if (!wd_role_from_string (role_name, &role))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("--role: use admin, centre, office or team"));
      return NULL;
    }
  actor = wd_actor_new (user, role);
  actor->subdistrict_id = g_strdup (subdistrict);
  if (team != NULL)
    {
      actor->assignee_kind = WD_ASSIGNEE_TEAM;
      actor->assignee_id = g_strdup (team);
    }
  else if (speaker != NULL)
    {
      actor->assignee_kind = WD_ASSIGNEE_SPEAKER;
      actor->assignee_id = g_strdup (speaker);
    }
  return actor;
}

/* All of standard input, as text: an operation's arguments piped in. */
static gboolean
read_standard_input (char   **text,
                     GError **error)
{
  g_autoptr(GIOChannel) input = g_io_channel_unix_new (STDIN_FILENO);
  gsize length = 0;

  if (g_io_channel_set_encoding (input, NULL, error) != G_IO_STATUS_NORMAL
      || g_io_channel_read_to_end (input, text, &length, error) != G_IO_STATUS_NORMAL)
    {
      g_prefix_error (error, _("Cannot read the arguments from standard input: "));
      return FALSE;
    }
  if (strlen (*text) != length)
    {
      g_clear_pointer (text, g_free);
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("The arguments on standard input hold a NUL byte; give them as JSON text"));
      return FALSE;
    }
  return TRUE;
}

static int
cmd_op (Ctl   *ctl,
        int    argc,
        char **argv)
{
  g_autofree char *user = NULL;
  g_autofree char *role = NULL;
  g_autofree char *subdistrict = NULL;
  g_autofree char *team = NULL;
  g_autofree char *speaker = NULL;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Act as this user (default: your login name)"), N_("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Act in this role: admin, centre, office, team (default: centre)"), N_("ROLE") },
    { "subdistrict", 0, 0, G_OPTION_ARG_STRING, &subdistrict, N_("The office's sub-district"), N_("NAME") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("The team a team account belongs to"), N_("TEAM") },
    { "speaker", 0, 0, G_OPTION_ARG_STRING, &speaker, N_("The speaker a team account belongs to"), N_("SPEAKER") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "op", N_("KIND 'JSON-ARGUMENTS'|-"),
                                   N_("Apply one operation (see docs/operations.md) as a local actor; "
                                      "- reads the arguments from standard input (a photo's are too long "
                                      "for a command line)"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdActor) actor = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GString) kinds = g_string_new (NULL);
  g_autofree char *from_stdin = NULL;
  const char *arguments;

  for (const char * const *k = wd_operation_kinds (); *k; k++)
    g_string_append_printf (kinds, "  %s\n", *k);
  g_option_context_set_description (context, kinds->str);

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 3)
    return ctl_usage_error (context, _("give the operation's kind and its arguments as one JSON object"));
  if (g_str_equal (argv[2], "-"))
    {
      if (!read_standard_input (&from_stdin, &error))
        return ctl_fail (error);
      arguments = from_stdin;
    }
  else
    arguments = argv[2];

  if (!ctl_create_store (ctl, &error)
      || !ctl_resolve (ctl, "subdistrict", "--subdistrict", &subdistrict, &error)
      || !ctl_resolve (ctl, "team", "--team", &team, &error)
      || !ctl_resolve (ctl, "speaker", "--speaker", &speaker, &error))
    return ctl_fail (error);

  /* Signed in to a server: the operation is applied here and queued for
   * the server, as the signed-in account. */
  if (ctl_store_syncs (ctl))
    {
      g_autoptr(WdSyncClient) client = ctl_sync_client (ctl, &error);
      g_autoptr(JsonObject) args = NULL;

      if (user != NULL || role != NULL || subdistrict != NULL || team != NULL || speaker != NULL)
        return ctl_usage_error (context, _("this store syncs with a server: operations run as the signed-in account"));
      args = client ? wd_json_parse_object (arguments, -1, &error) : NULL;
      if (args == NULL || !wd_sync_client_apply (client, ctl_now (), argv[1], args, &result, &error))
        return ctl_fail (error);
      ctl_print_json_object (result);
      return EXIT_SUCCESS;
    }

  actor = make_actor (ctl, user ? user : g_get_user_name (), role ? role : "centre",
                      subdistrict, team, speaker, &error);
  if (actor == NULL
      || !wd_operation_apply_json (ctl->store, actor, ctl_now (), argv[1], arguments, &result, &error))
    return ctl_fail (error);

  ctl_print_json_object (result);
  return EXIT_SUCCESS;
}

static int
cmd_expire (Ctl   *ctl,
            int    argc,
            char **argv)
{
  static const Command command = { "expire", "",
                                   N_("Return dispatched orders whose acceptance deadline passed to the queue"),
                                   NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdActor) actor = wd_actor_new (g_get_user_name (), WD_ROLE_CENTRE);
  guint n;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("expire takes no arguments"));
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);

  n = wd_operations_expire_overdue (ctl->store, actor, ctl_now (), &error);
  if (error != NULL)
    return ctl_fail (g_steal_pointer (&error));
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u order returned to the dispatch queue\n",
                        "%u orders returned to the dispatch queue\n", n), n);
  return EXIT_SUCCESS;
}

/* The messages to send teams and speakers whose orders wait for an
 * answer: for a dispatcher to read out, or for a cron job to hand to a
 * text-message gateway (--json). */
static int
cmd_messages (Ctl   *ctl,
              int    argc,
              char **argv)
{
  int hours = 24;
  GOptionEntry entries[] = {
    { "within", 0, 0, G_OPTION_ARG_INT, &hours,
      N_("Orders whose acceptance deadline falls within this many hours (and those past it)"), N_("HOURS") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "messages", "",
                                   N_("The messages to send teams whose orders wait for an answer"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) awaiting = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("messages takes no arguments"));
  if (hours < 0)
    return ctl_usage_error (context, _("--within is a number of hours, 0 or more"));
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);

  awaiting = wd_store_list_awaiting_answer (ctl->store, ctl_now () + (gint64) hours * 3600, &error);
  if (awaiting == NULL)
    return ctl_fail (error);
  if (ctl->json)
    {
      ctl_print_json_array (awaiting);
      return EXIT_SUCCESS;
    }
  if (json_array_get_length (awaiting) == 0)
    g_print (_("No order waits for an answer\n"));
  for (guint i = 0; i < json_array_get_length (awaiting); i++)
    {
      JsonObject *entry = json_array_get_object_element (awaiting, i);

      const char *person = json_object_get_string_member_with_default (entry, "to_person", NULL);

      if (person != NULL)
        /* TRANSLATORS: whom a message goes to: a team, its leader, the phone */
        g_print (_("To %s (%s), %s\n"), json_object_get_string_member (entry, "to"), person,
                 json_object_get_string_member (entry, "to_phone"));
      else
        /* TRANSLATORS: whom a message goes to: a speaker, the phone */
        g_print (_("To %s, %s\n"), json_object_get_string_member (entry, "to"),
                 json_object_get_string_member (entry, "to_phone"));
      g_print ("%s\n\n", json_object_get_string_member (entry, "message"));
    }
  return EXIT_SUCCESS;
}

/* A refused certificate: how to trust it once it was compared. client
 * may be NULL when the failure came before it. */
static int
ctl_fail_to_sync (WdSyncClient *client,
                  GError       *error)
{
  g_autofree char *presented = client != NULL ? wd_sync_client_get_presented_fingerprint (client) : NULL;

  ctl_fail (error);
  if (g_error_matches (error, WD_SYNC_CLIENT_ERROR, WD_SYNC_CLIENT_ERROR_UNTRUSTED_CERTIFICATE))
    g_printerr (_("wudanctl: once the fingerprint is confirmed, sign in again with wudanctl login --trust %s\n"),
                presented);
  return EXIT_FAILURE;
}

static int
cmd_login (Ctl   *ctl,
           int    argc,
           char **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *trust = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The server, as http://host:port"), N_("URL") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("The account name"), N_("NAME") },
    { "trust", 0, 0, G_OPTION_ARG_STRING, &trust,
      N_("Trust the server's certificate with this SHA-256 fingerprint (one no known authority signed)"),
      N_("FINGERPRINT") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "login", "", N_("Sign in to a server; the password is read from standard input"),
                                   NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdSyncClient) client = NULL;
  g_autofree char *password = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1 || server == NULL || user == NULL)
    return ctl_usage_error (context, _("give --server and --user"));

  password = wd_prompt_secret (_("Password: "));
  if (password == NULL)
    return ctl_usage_error (context, _("give the password on standard input"));
  if (!ctl_create_store (ctl, &error) || (client = wd_sync_client_new (ctl->store, &error)) == NULL)
    {
      memset (password, 0, strlen (password));
      return ctl_fail (error);
    }
  if (trust != NULL)
    wd_sync_client_trust_certificate (client, trust);
  if (!wd_sync_client_login (client, server, user, password, &error))
    {
      memset (password, 0, strlen (password));
      return ctl_fail_to_sync (client, error);
    }
  memset (password, 0, strlen (password));
  g_print (_("Signed in to %s as %s\n"), server, user);
  return EXIT_SUCCESS;
}

static int
cmd_sync (Ctl   *ctl,
          int    argc,
          char **argv)
{
  static const Command command = { "sync", "", N_("Send this store's changes and fetch the server's"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdSyncClient) client = NULL;
  g_autoptr(JsonObject) status = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("sync takes no arguments"));
  if (!ctl_open_store (ctl, &error)
      || (client = ctl_sync_client (ctl, &error)) == NULL
      || !wd_sync_client_sync (client, NULL, &error))
    return ctl_fail_to_sync (client, error);

  status = wd_sync_client_status (client);
  g_print (_("Synced: %lld changes waiting, %lld problems\n"),
           (long long) json_object_get_int_member (status, "pending"),
           (long long) json_object_get_int_member (status, "problems"));
  /* On stderr: a cron job mails it to whoever looks after the desk. */
  {
    g_autofree char *clock = wd_time_describe_clock_offset (json_object_get_int_member (status, "clock_offset"));

    if (clock != NULL)
      g_printerr ("wudanctl: %s\n", clock);
  }
  return EXIT_SUCCESS;
}

/* The account's own queue: what waits for its next step. */
static void
print_orders_waiting (WdRole role,
                      gint64 n)
{
  switch (role)
    {
    case WD_ROLE_OFFICE:
      g_print (_("To do:      %lld delivered orders to rate\n"), (long long) n);
      break;
    case WD_ROLE_TEAM:
      g_print (_("To do:      %lld orders to accept or decline\n"), (long long) n);
      break;
    default:
      g_print (_("To do:      %lld orders to dispatch\n"), (long long) n);
      break;
    }
}

/* The status of a store that never synced, with the keys a syncing
 * store's has: no server, nothing waiting to go anywhere. */
static JsonObject *
local_status (const WdActor *actor)
{
  JsonObject *status = json_object_new ();
  static const char * const zero[] = { "cursor", "acked", "pending", "problems", "last_sync", "clock_offset" };

  json_object_set_string_member (status, "server", "");
  json_object_set_string_member (status, "user", actor->user);
  json_object_set_boolean_member (status, "signed_in", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (zero); i++)
    json_object_set_int_member (status, zero[i], 0);
  return status;
}

static int
cmd_status (Ctl   *ctl,
            int    argc,
            char **argv)
{
  static const Command command = { "status", "", N_("Show the server, the account, what waits to sync and the account's orders to act on"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, NULL, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdSyncClient) client = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(WdActor) actor = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("status takes no arguments"));
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);
  if (ctl_store_syncs (ctl))
    {
      if ((client = ctl_sync_client (ctl, &error)) == NULL)
        return ctl_fail (error);
      status = wd_sync_client_status (client);
      /* Signed out, nobody's queue can be named. */
      if (wd_sync_client_is_signed_in (client))
        actor = wd_sync_client_get_actor (client);
    }
  else
    {
      actor = ctl_actor (ctl, NULL, &error);
      if (actor == NULL)
        return ctl_fail (error);
      status = local_status (actor);
    }
  if (actor != NULL)
    {
      gint64 n = wd_store_count_waiting (ctl->store, actor, &error);

      if (n < 0)
        return ctl_fail (error);
      json_object_set_int_member (status, "orders_waiting", n);
    }
  if (ctl->json)
    ctl_print_json_object (status);
  else
    {
      gint64 last = json_object_get_int_member (status, "last_sync");
      g_autofree char *when = last ? wd_time_format_local (last, wd_store_get_time_zone (ctl->store), NULL)
                                   : g_strdup (_("never"));

      if (client == NULL)
        {
          g_print (_("Server:     none: this store keeps its district on its own\n"));
          g_print (_("Account:    %s, acting for the centre\n"), json_object_get_string_member (status, "user"));
        }
      else
        {
          g_print (_("Server:     %s\n"), *json_object_get_string_member (status, "server")
                                           ? json_object_get_string_member (status, "server") : _("none"));
          g_print (_("Account:    %s%s\n"), json_object_get_string_member (status, "user"),
                   json_object_get_boolean_member (status, "signed_in") ? "" : _(" (signed out)"));
          if (json_object_has_member (status, "trusted_certificate"))
            g_print (_("Certificate: %s, trusted by its fingerprint\n"),
                     json_object_get_string_member (status, "trusted_certificate"));
        }
      g_print (_("Last sync:  %s\n"), when);
      g_print (_("Cursor:     %lld\n"), (long long) json_object_get_int_member (status, "cursor"));
      g_print (_("Waiting:    %lld changes\n"), (long long) json_object_get_int_member (status, "pending"));
      g_print (_("Problems:   %lld\n"), (long long) json_object_get_int_member (status, "problems"));
      {
        g_autofree char *clock = wd_time_describe_clock_offset (json_object_get_int_member (status, "clock_offset"));

        if (clock != NULL)
          g_print (_("Clock:      %s\n"), clock);
      }
      if (actor != NULL)
        print_orders_waiting (actor->role, json_object_get_int_member (status, "orders_waiting"));
    }
  return EXIT_SUCCESS;
}

static int
cmd_problems (Ctl   *ctl,
              int    argc,
              char **argv)
{
  gint64 dismiss = 0;
  GOptionEntry entries[] = {
    { "dismiss", 0, 0, G_OPTION_ARG_INT64, &dismiss, N_("Remove this problem from the list"), N_("ID") },
    G_OPTION_ENTRY_NULL
  };
  static const Command command = { "problems", "", N_("List the changes the server refused, and why"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, entries, &ctl->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) problems = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("problems takes no arguments"));
  if (!ctl_open_store (ctl, &error))
    return ctl_fail (error);
  if (dismiss > 0)
    {
      g_autoptr(WdSyncClient) client = ctl_sync_client (ctl, &error);

      if (client == NULL || !wd_sync_store_dismiss_problem (ctl->store, dismiss, &error))
        return ctl_fail (error);
      return EXIT_SUCCESS;
    }

  /* A store that never synced has none, and asking must not set it up. */
  problems = ctl_store_syncs (ctl) ? wd_sync_store_problems (ctl->store, &error) : json_array_new ();
  if (problems == NULL)
    return ctl_fail (error);
  if (ctl->json)
    ctl_print_json_array (problems);
  else if (json_array_get_length (problems) == 0)
    g_print (_("No sync problems\n"));
  else
    for (guint i = 0; i < json_array_get_length (problems); i++)
      {
        JsonObject *problem = json_array_get_object_element (problems, i);

        g_print ("%lld. %s — %s\n", (long long) json_object_get_int_member (problem, "id"),
                 json_object_get_string_member (problem, "kind"),
                 json_object_get_string_member (problem, "message"));
        /* A refused operation was undone here; a notice (no operation: seq 0 or below) was not. */
        if (json_object_get_int_member (problem, "seq") > 0)
          g_print (_("    Undone on this computer. %s\n"), json_object_get_string_member (problem, "now"));
      }
  return EXIT_SUCCESS;
}

static int
cmd_logout (Ctl   *ctl,
            int    argc,
            char **argv)
{
  static const Command command = { "logout", "", N_("Sign out; changes still waiting stay in the store"), NULL };
  g_autoptr(GOptionContext) context = ctl_command_context (&command, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WdSyncClient) client = NULL;

  if (!ctl_parse (context, &argc, &argv, &error))
    return ctl_usage_error (context, error->message);
  if (argc != 1)
    return ctl_usage_error (context, _("logout takes no arguments"));
  if (!ctl_open_store (ctl, &error)
      || (client = ctl_sync_client (ctl, &error)) == NULL
      || !wd_sync_client_logout (client, &error))
    return ctl_fail (error);
  g_print (_("Signed out\n"));
  return EXIT_SUCCESS;
}

static const Command commands[] = {
  { "seed-demo", "", N_("Load the demo district into the store"), cmd_seed_demo },
  { "speakers", "", N_("List the speaker library"), cmd_speakers },
  { "projects", "", N_("List the project marketplace"), cmd_projects },
  { "orders", "", N_("List orders by the time of the event"), cmd_orders },
  { "order", N_("ORDER"), N_("Show one order and its history"), cmd_order },
  { "search", N_("QUERY"), N_("Search speakers, teams, projects and orders"), cmd_search },
  { "match", N_("ORDER"), N_("Rank who could take an order, with reasons"), cmd_match },
  { "counts", "", N_("Count orders for reports"), cmd_counts },
  { "op", N_("KIND 'JSON-ARGUMENTS'"), N_("Apply one operation (see docs/operations.md) as a local actor"), cmd_op },
  { "expire", "", N_("Return dispatched orders whose acceptance deadline passed to the queue"), cmd_expire },
  { "messages", "", N_("The messages to send teams whose orders wait for an answer"), cmd_messages },
  { "import", N_("FILE.csv"), N_("Import speakers, teams or projects from a CSV file"), cmd_import },
  { "export", "", N_("Export a list as CSV, or events as iCalendar"), cmd_export },
  { "export-schedule", "", N_("Write the event schedule of a period as a PDF"), cmd_export_schedule },
  { "export-sheets", N_("ORDER…"), N_("Write work sheets or rating forms of orders as a PDF"), cmd_export_sheets },
  { "export-report", "", N_("Write the monthly report with its charts as a PDF"), cmd_export_report },
  { "certificates", "", N_("List the service record certificates issued"), cmd_certificates },
  { "certify", "", N_("Issue service record certificates for a period, and print them"), cmd_certify },
  { "export-certificate", N_("CERTIFICATE"), N_("Write a service record certificate as a PDF"),
    cmd_export_certificate },
  { "login", "", N_("Sign in to a server; the password is read from standard input"), cmd_login },
  { "sync", "", N_("Send this store's changes and fetch the server's"), cmd_sync },
  { "status", "", N_("Show the server, the account, what waits to sync and the account's orders to act on"), cmd_status },
  { "problems", "", N_("List the changes the server refused, and why"), cmd_problems },
  { "logout", "", N_("Sign out; changes still waiting stay in the store"), cmd_logout },
};

static char *
default_store_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "wudan", "wudan.db", NULL);
}

static void
print_usage (FILE *out)
{
  g_autofree char *store = default_store_path ();

  fprintf (out, _("Usage: wudanctl [--store PATH] COMMAND [OPTIONS]\n\n"
                  "The headless client of Wudan, the five-orders volunteer service platform.\n\n"
                  "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-16s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nOptions:\n"
                  "  --store PATH  the local store (default: %s)\n"
                  "  --help        this help; COMMAND --help tells about one command\n"
                  "  --version     the version of Wudan\n"), store);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *store_path = NULL;
  Ctl ctl = { 0 };
  int first = 1;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command. */
  while (first < argc && argv[first][0] == '-')
    {
      const char *arg = argv[first];

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_usage (stdout);
          return EXIT_SUCCESS;
        }
      if (g_str_equal (arg, "--version"))
        {
          g_print ("wudanctl %s\n", PACKAGE_VERSION);
          return EXIT_SUCCESS;
        }
      if (g_str_equal (arg, "--store") && first + 1 < argc)
        {
          g_free (store_path);
          store_path = g_strdup (argv[first + 1]);
          first += 2;
        }
      else if (g_str_has_prefix (arg, "--store="))
        {
          g_free (store_path);
          store_path = g_strdup (arg + strlen ("--store="));
          first++;
        }
      else
        {
          g_printerr (_("wudanctl: unknown option %s\n\n"), arg);
          print_usage (stderr);
          return EXIT_USAGE;
        }
    }

  if (first >= argc)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }

  if (store_path == NULL)
    store_path = default_store_path ();
  ctl.store_path = store_path;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_str_equal (commands[i].name, argv[first]))
        continue;
      status = commands[i].func (&ctl, argc - first, argv + first);
      g_clear_object (&ctl.store);
      return status;
    }

  g_printerr (_("wudanctl: “%s” is not a command\n\n"), argv[first]);
  print_usage (stderr);
  return EXIT_USAGE;
}
