/* wd-forms.c: the forms of the app. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-dispatch-dialog.h"
#include "wd-entity.h"
#include "wd-forms.h"
#include "wd-time.h"
#include "wd-types.h"
#include "wd-ui-util.h"

static JsonArray *
all_of (WdWorkspace *workspace,
        const char  *kind)
{
  g_autoptr(GError) error = NULL;
  JsonArray *rows = wd_store_list_all (wd_workspace_get_store (workspace), kind, &error);

  if (rows == NULL)
    {
      g_autofree char *what = g_strdup_printf ("The %s list", kind);

      wd_workspace_report_read_failure (workspace, what, error);
      rows = json_array_new ();
    }
  return rows;
}

static const char *
string_of (JsonObject *object,
           const char *member)
{
  return object ? json_object_get_string_member_with_default (object, member, NULL) : NULL;
}

/* A time an operation's arguments give as text. */
static gboolean
time_of (JsonObject *args,
         const char *member,
         GTimeZone  *tz,
         gint64     *unix_time)
{
  const char *text = string_of (args, member);

  return text != NULL && wd_time_parse (text, tz, unix_time, NULL);
}

static gint64
int_of (JsonObject *object,
        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

static char *
local_input_time (WdWorkspace *workspace,
                  gint64       unix_time)
{
  return wd_format_time (wd_workspace_get_store (workspace), unix_time, "%Y-%m-%d %H:%M");
}

/* An order's details as its forms name them. */
static const char *
order_field_label (const char *field)
{
  return wd_field_label ("order", field);
}

static void
toast_order_placed (WdFormDialog *dialog,
                    JsonObject   *result,
                    GtkWidget    *parent)
{
  const char *number = string_of (result, "number");
  g_autofree char *text = number && *number
    ? g_strdup_printf (_("Order %s placed"), number)
    : g_strdup (_("Order placed; it gets its number when it reaches the server"));

  wd_toast (parent, text);
}

static void add_order_details (WdFormDialog *dialog,
                               WdWorkspace  *workspace,
                               JsonObject   *order,
                               const char   *venue_kind,
                               const char   *starts,
                               const char   *ends);

/* What a new order's form starts from. */
typedef struct
{
  JsonObject *details;        /* community, venue, contact… or NULL */
  const char *title;
  const char *project_id;
  const char *topic_id;
  const char *subdistrict_id;
  const char *venue_kind;
  gint64      starts_at;
  gint64      ends_at;
} OrderDraft;

/* What an order form's warnings look at: the project (fixed, or NULL for
 * the form's own project field), the order being edited (which does not
 * count against the month it moves to, nor as like itself) and its
 * sub-district when the form has no such field. */
typedef struct
{
  WdWorkspace *workspace;     /* the dialog holds it */
  char        *project_id;
  char        *order_id;
  char        *subdistrict_id;
} OrderWatch;

static void
order_watch_free (OrderWatch *watch)
{
  g_free (watch->project_id);
  g_free (watch->order_id);
  g_free (watch->subdistrict_id);
  g_free (watch);
}

/* Said when a project's sessions of the month of the time entered are
 * all booked: the order can still be placed or moved, and the centre
 * decides. */
static char *
booking_note (WdStore    *store,
              JsonObject *args,
              OrderWatch *watch,
              gint64      starts_at)
{
  const char *project_id = watch->project_id ? watch->project_id : string_of (args, "project_id");
  g_autoptr(JsonObject) project = project_id ? wd_store_get (store, "project", project_id, NULL) : NULL;
  g_autofree char *text = NULL;
  WdBooking booking = WD_BOOKING_OPEN;

  if (project != NULL)
    text = wd_project_month_booking (store, project, starts_at, watch->order_id, &booking);
  if (text == NULL || booking == WD_BOOKING_OPEN)
    return NULL;
  /* TRANSLATORS: %s is how the month stands, e.g. "Fully booked (4 of 4)" */
  if (watch->order_id == NULL)
    return g_strdup_printf (_("This project's sessions that month: %s. The order can still be placed; the centre "
                              "will agree another date with the community or send it to another team."), text);
  /* TRANSLATORS: %s is how the month stands, e.g. "Fully booked (4 of 4)" */
  return g_strdup_printf (_("This project's sessions that month: %s. The order can still be moved there; the "
                            "centre will ask the team or send it to another."), text);
}

/* Said when the sub-district already has an order that day for the same
 * requester or at the same venue: a community that called twice, or a
 * colleague who entered the call first. */
static char *
similar_orders_note (WdStore    *store,
                     JsonObject *args,
                     OrderWatch *watch,
                     gint64      starts_at)
{
  const char *subdistrict = string_of (args, "subdistrict_id") ? string_of (args, "subdistrict_id")
                                                               : watch->subdistrict_id;
  gint64 day = wd_time_day_start (starts_at, wd_store_get_time_zone (store));
  g_autoptr(JsonArray) similar = NULL;
  g_autoptr(GString) list = g_string_new (NULL);
  guint n;

  if (subdistrict == NULL)
    return NULL;
  similar = wd_store_list_similar_orders (store, subdistrict, string_of (args, "requester"), string_of (args, "venue"),
                                          day, watch->order_id, NULL);
  n = similar ? json_array_get_length (similar) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *order = json_array_get_object_element (similar, i);
      const char *number = string_of (order, "number");
      g_autofree char *when = wd_format_time (store, int_of (order, "starts_at"), "%H:%M");
      WdOrderState state = WD_ORDER_ORDERED;

      wd_order_state_from_string (string_of (order, "state"), &state);
      if (i > 0)
        g_string_append (list, _("; "));
      /* TRANSLATORS: an order already entered: its number, title, time and state */
      g_string_append_printf (list, _("%s “%s” at %s (%s)"), number && *number ? number : _("(number pending)"),
                              string_of (order, "title"), when, wd_order_state_label (state));
    }
  if (n == 0)
    return NULL;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The sub-district already has an order that day for the same requester or "
                                       "venue: %s. Make sure this is not the same request entered twice.",
                                       "The sub-district already has orders that day for the same requester or "
                                       "venue: %s. Make sure this is not the same request entered twice.", n),
                          list->str);
}

/* Keeps the form's warnings true to what is entered. */
static void
update_order_notes (WdFormDialog *dialog,
                    OrderWatch   *watch)
{
  WdStore *store = wd_workspace_get_store (watch->workspace);
  g_autoptr(JsonObject) args = wd_form_dialog_read_args (dialog);
  g_autofree char *booking = NULL;
  g_autofree char *similar = NULL;
  g_autofree char *notes = NULL;
  gint64 starts_at;

  if (time_of (args, "starts_at", wd_store_get_time_zone (store), &starts_at))
    {
      booking = booking_note (store, args, watch, starts_at);
      similar = similar_orders_note (store, args, watch, starts_at);
    }
  if (booking != NULL && similar != NULL)
    notes = g_strconcat (similar, "\n\n", booking, NULL);
  else
    notes = g_strdup (similar ? similar : booking);
  wd_form_dialog_set_warning (dialog, notes);
}

/* Watches what the warnings depend on as it is entered. */
static void
watch_order (WdFormDialog *dialog,
             WdWorkspace  *workspace,
             JsonObject   *order)
{
  static const char * const watched[] = {
    "changed::starts_at", "changed::project_id", "changed::subdistrict_id", "changed::requester", "changed::venue",
  };
  OrderWatch *watch = g_new0 (OrderWatch, 1);

  watch->workspace = workspace;
  watch->project_id = g_strdup (string_of (order, "project_id"));
  watch->order_id = g_strdup (string_of (order, "id"));
  watch->subdistrict_id = g_strdup (string_of (order, "subdistrict_id"));
  update_order_notes (dialog, watch);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    g_signal_connect (dialog, watched[i], G_CALLBACK (update_order_notes), watch);
  g_object_set_data_full (G_OBJECT (dialog), "wd-order-watch", watch, (GDestroyNotify) order_watch_free);
}

static WdFormDialog *
place_order_form (GtkWidget        *parent,
                  WdWorkspace      *workspace,
                  const OrderDraft *draft,
                  const char       *description)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("New Order"), _("_Place Order"), "order.create");
  g_autoptr(JsonArray) projects = all_of (workspace, "project");
  g_autoptr(JsonArray) topics = all_of (workspace, "topic");
  g_autoptr(JsonArray) subdistricts = all_of (workspace, "subdistrict");
  g_autofree char *starts = local_input_time (workspace, draft->starts_at);
  g_autofree char *ends = local_input_time (workspace, draft->ends_at);

  wd_form_dialog_set_description (dialog, description);
  wd_form_dialog_add_text (dialog, "title", order_field_label ("title"), draft->title, WD_FORM_REQUIRED);
  wd_form_dialog_add_choice_rows (dialog, "project_id", _("Project"), projects, "title", draft->project_id,
                                  WD_FORM_OPTIONAL);
  wd_form_dialog_add_choice_rows (dialog, "topic_id", _("Topic"), topics, "name", draft->topic_id,
                                  WD_FORM_OPTIONAL);
  wd_form_dialog_add_choice_rows (dialog, "subdistrict_id", _("Sub-district"), subdistricts, "name",
                                  draft->subdistrict_id, WD_FORM_REQUIRED);
  add_order_details (dialog, workspace, draft->details, draft->venue_kind, starts, ends);
  watch_order (dialog, workspace, NULL);
  g_signal_connect_object (dialog, "applied", G_CALLBACK (toast_order_placed), parent, 0);
  return dialog;
}

/* A project's order starts as the project: its title, its first venue
 * kind, its usual length, tomorrow morning. */
WdFormDialog *
wd_forms_new_order (GtkWidget   *parent,
                    WdWorkspace *workspace,
                    JsonObject  *project)
{
  WdStore *store = wd_workspace_get_store (workspace);
  gint64 now = wd_workspace_now (workspace);
  gint64 start = wd_time_day_start (now, wd_store_get_time_zone (store)) + 86400 + 9 * 3600;
  gint64 minutes = project ? MAX (int_of (project, "duration_minutes"), 30) : 90;
  JsonArray *project_kinds = project && json_object_has_member (project, "venue_kinds")
    ? json_object_get_array_member (project, "venue_kinds") : NULL;
  OrderDraft draft = {
    .title = string_of (project, "title"),
    .project_id = string_of (project, "id"),
    .topic_id = string_of (project, "topic_id"),
    .subdistrict_id = wd_workspace_get_actor (workspace)->subdistrict_id,
    .venue_kind = project_kinds && json_array_get_length (project_kinds) > 0
                  ? json_array_get_string_element (project_kinds, 0) : NULL,
    .starts_at = start,
    .ends_at = start + minutes * 60,
  };

  return place_order_form (parent, workspace, &draft, project
      ? _("An order for this project goes to the dispatch board, where the centre sends it to the team.")
      : _("Describe the service the community asks for; the centre dispatches it to a speaker or team."));
}

/* A draft with what an order (or its placing's arguments: the fields
 * have the same names) says; the time is the caller's to set. */
static OrderDraft
draft_of (JsonObject *order)
{
  OrderDraft draft = {
    .details = order,
    .title = string_of (order, "title"),
    .project_id = string_of (order, "project_id"),
    .topic_id = string_of (order, "topic_id"),
    .subdistrict_id = string_of (order, "subdistrict_id"),
    .venue_kind = string_of (order, "venue_kind"),
  };

  return draft;
}

/* Communities order the same service again and again: the same order,
 * a week on (or as many weeks as it takes to be ahead), for a new
 * number. */
WdFormDialog *
wd_forms_order_again (GtkWidget   *parent,
                      WdWorkspace *workspace,
                      JsonObject  *order)
{
  gint64 starts_at = int_of (order, "starts_at");
  gint64 next = wd_order_next_occurrence (starts_at, wd_workspace_now (workspace),
                                          wd_store_get_time_zone (wd_workspace_get_store (workspace)));
  OrderDraft draft = draft_of (order);

  draft.starts_at = next;
  draft.ends_at = next + (int_of (order, "ends_at") - starts_at);

  return place_order_form (parent, workspace, &draft,
                           _("The same service again, on the same weekday and time the first week it can be. "
                             "Change what is different this time."));
}

/* The details of an order the requester gives, and corrects. The time
 * only while the order may still move (starts NULL when it may not). */
static void
add_order_details (WdFormDialog *dialog,
                   WdWorkspace  *workspace,
                   JsonObject   *order,
                   const char   *venue_kind,
                   const char   *starts,
                   const char   *ends)
{
  g_autoptr(JsonArray) venue_kinds = all_of (workspace, "venue_kind");

  wd_form_dialog_add_text (dialog, "community", order_field_label ("community"), string_of (order, "community"),
                           WD_FORM_OPTIONAL);
  wd_form_dialog_add_text (dialog, "venue", order_field_label ("venue"), string_of (order, "venue"),
                           WD_FORM_REQUIRED);
  wd_form_dialog_add_choice_rows (dialog, "venue_kind", order_field_label ("venue_kind"), venue_kinds, "name",
                                  venue_kind, WD_FORM_REQUIRED);
  if (starts != NULL)
    {
      wd_form_dialog_add_text (dialog, "starts_at", _("Starts (YYYY-MM-DD HH:MM)"), starts, WD_FORM_REQUIRED);
      wd_form_dialog_add_text (dialog, "ends_at", _("Ends (YYYY-MM-DD HH:MM)"), ends, WD_FORM_REQUIRED);
    }
  wd_form_dialog_add_number (dialog, "audience", order_field_label ("audience"), 0, 100000, 10,
                             order ? (double) int_of (order, "audience") : 30);
  wd_form_dialog_add_text (dialog, "requester", order_field_label ("requester"), string_of (order, "requester"),
                           WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "contact_name", order_field_label ("contact_name"),
                           string_of (order, "contact_name"), WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "contact_phone", order_field_label ("contact_phone"),
                           string_of (order, "contact_phone"), WD_FORM_REQUIRED);
  wd_form_dialog_add_multiline (dialog, "notes", order_field_label ("notes"), string_of (order, "notes"));
}

/* Corrections to a placed order: what it says now, to change in place. */
static WdFormDialog *
edit_order (GtkWidget   *parent,
            WdWorkspace *workspace,
            JsonObject  *order)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("Edit Order"), _("_Save"), "order.update");
  gboolean may_move = g_strcmp0 (string_of (order, "state"), "ordered") == 0;
  g_autofree char *starts = may_move ? local_input_time (workspace, int_of (order, "starts_at")) : NULL;
  g_autofree char *ends = may_move ? local_input_time (workspace, int_of (order, "ends_at")) : NULL;

  wd_form_dialog_set_description (dialog, may_move
      ? _("Correct what the requester told you. The order keeps its number and its place on the board.")
      : _("Correct what the requester told you. The time is fixed now that a team was chosen for it: "
          "to move the event, have the order returned to the queue first."));
  wd_form_dialog_add_text (dialog, "title", order_field_label ("title"), string_of (order, "title"),
                           WD_FORM_REQUIRED);
  add_order_details (dialog, workspace, order, string_of (order, "venue_kind"), starts, ends);
  if (may_move)
    watch_order (dialog, workspace, order);
  return dialog;
}

/* A FLAGS field as checks: each name with its label, those in mask ticked. */
static void
add_flag_checks (WdFormDialog       *dialog,
                 const char         *name,
                 const char         *label,
                 const char * const *names,
                 const char       *(*name_label) (guint),
                 gint64              mask)
{
  g_autoptr(JsonArray) choices = json_array_new ();
  g_autoptr(JsonArray) chosen = json_array_new ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonObject *choice = json_object_new ();

      json_object_set_string_member (choice, "id", names[i]);
      json_object_set_string_member (choice, "name", name_label (i));
      json_array_add_object_element (choices, choice);
      if (mask & (1 << i))
        json_array_add_string_element (chosen, names[i]);
    }
  wd_form_dialog_add_checks (dialog, name, label, choices, "name", chosen);
}

/* Said when the library already has a speaker of the name typed: the
 * same person entered twice, or a namesake to tell apart. */
static void
update_namesake_note (WdFormDialog *dialog,
                      WdWorkspace  *workspace)
{
  g_autoptr(JsonObject) args = wd_form_dialog_read_args (dialog);
  const char *name = string_of (args, "name");
  g_autoptr(JsonArray) namesakes = NULL;
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *note = NULL;
  guint n;

  if (name != NULL && *name != '\0')
    namesakes = wd_store_list_speakers_named (wd_workspace_get_store (workspace), name,
                                              g_object_get_data (G_OBJECT (dialog), "wd-speaker-id"), NULL);
  n = namesakes ? json_array_get_length (namesakes) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *other = json_array_get_object_element (namesakes, i);
      const char *parts[] = { string_of (other, "title"), string_of (other, "organisation"),
                              string_of (other, "subdistrict_name") };
      g_autoptr(GString) who = g_string_new (NULL);

      for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
        if (parts[p] != NULL && *parts[p] != '\0')
          g_string_append_printf (who, "%s%s", who->len > 0 ? _(", ") : "", parts[p]);
      if (i > 0)
        g_string_append (list, _("; "));
      g_string_append (list, who->len > 0 ? who->str : _("no details"));
    }
  if (n == 1)
    note = g_strdup_printf (_("The library already has a speaker called %s (%s). Make sure this is not the "
                              "same person entered twice."), name, list->str);
  else if (n > 1)
    note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The library already has %u speaker called %s (%s). Make sure this is "
                                         "not one of them entered again.",
                                         "The library already has %u speakers called %s (%s). Make sure this "
                                         "is not one of them entered again.", n), n, name, list->str);
  wd_form_dialog_set_warning (dialog, note);
}

static WdFormDialog *
speaker_form (GtkWidget   *parent,
              WdWorkspace *workspace,
              JsonObject  *speaker)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace,
                                             speaker ? _("Edit Speaker") : _("New Speaker"),
                                             _("_Save"), "speaker.upsert");
  g_autoptr(JsonArray) topics = all_of (workspace, "topic");
  g_autoptr(JsonArray) subdistricts = all_of (workspace, "subdistrict");
  g_autofree char *id = speaker ? g_strdup (string_of (speaker, "id")) : g_uuid_string_random ();

  wd_form_dialog_set_fixed_string (dialog, "id", id);
  wd_form_dialog_add_text (dialog, "name", _("Name"), string_of (speaker, "name"), WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "title", _("Title"), string_of (speaker, "title"), WD_FORM_OPTIONAL);
  wd_form_dialog_add_text (dialog, "organisation", _("Organisation"), string_of (speaker, "organisation"),
                           WD_FORM_OPTIONAL);
  wd_form_dialog_add_choice_rows (dialog, "subdistrict_id", _("Sub-district"), subdistricts, "name",
                                  string_of (speaker, "subdistrict_id"), WD_FORM_OPTIONAL);
  wd_form_dialog_add_text (dialog, "phone", _("Phone"), string_of (speaker, "phone"), WD_FORM_OPTIONAL);
  wd_form_dialog_add_checks (dialog, "topics", _("Topics"), topics, "name",
                             speaker && json_object_has_member (speaker, "topics")
                             ? json_object_get_array_member (speaker, "topics") : NULL);
  /* Ticking none says nothing: free any time. */
  add_flag_checks (dialog, "free_days", _("Usual free days"), wd_weekday_names, wd_weekday_label,
                   int_of (speaker, "free_days"));
  add_flag_checks (dialog, "free_times", _("Usual free times of day"), wd_day_part_names, wd_day_part_label,
                   int_of (speaker, "free_times"));
  wd_form_dialog_add_switch (dialog, "active", _("Takes lectures"),
                             speaker ? json_object_get_boolean_member_with_default (speaker, "active", TRUE) : TRUE);
  wd_form_dialog_add_multiline (dialog, "bio", _("Biography"), string_of (speaker, "bio"));
  g_object_set_data_full (G_OBJECT (dialog), "wd-speaker-id", g_strdup (id), g_free);
  g_signal_connect (dialog, "changed::name", G_CALLBACK (update_namesake_note), workspace);
  update_namesake_note (dialog, workspace);
  return dialog;
}

/* The teams that give the marketplace's services: who leads them and how
 * to reach them, for the centre that dispatches to them. */
static WdFormDialog *
team_form (GtkWidget   *parent,
           WdWorkspace *workspace,
           JsonObject  *team)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, team ? _("Edit Team") : _("New Team"),
                                             _("_Save"), "team.upsert");
  g_autoptr(JsonArray) subdistricts = all_of (workspace, "subdistrict");
  g_autofree char *id = team ? g_strdup (string_of (team, "id")) : g_uuid_string_random ();

  wd_form_dialog_set_fixed_string (dialog, "id", id);
  wd_form_dialog_add_text (dialog, "name", _("Name"), string_of (team, "name"), WD_FORM_REQUIRED);
  wd_form_dialog_add_choice_rows (dialog, "subdistrict_id", _("Sub-district"), subdistricts, "name",
                                  string_of (team, "subdistrict_id"), WD_FORM_OPTIONAL);
  wd_form_dialog_add_text (dialog, "leader", _("Leader"), string_of (team, "leader"), WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "phone", _("Phone"), string_of (team, "phone"), WD_FORM_REQUIRED);
  wd_form_dialog_add_number (dialog, "members", _("Members"), 0, 100000, 1, team ? (double) int_of (team, "members") : 0);
  wd_form_dialog_add_switch (dialog, "active", _("Takes services"),
                             team ? json_object_get_boolean_member_with_default (team, "active", TRUE) : TRUE);
  wd_form_dialog_add_multiline (dialog, "description", _("Description"), string_of (team, "description"));
  return dialog;
}

/* The marketplace's projects are the centre's to keep: what the service
 * is, which team gives it, where it can go and how many sessions a month
 * the team can give. */
static WdFormDialog *
project_form (GtkWidget   *parent,
              WdWorkspace *workspace,
              JsonObject  *project)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace,
                                             project ? _("Edit Project") : _("New Project"),
                                             _("_Save"), "project.upsert");
  g_autoptr(JsonArray) teams = all_of (workspace, "team");
  g_autoptr(JsonArray) topics = all_of (workspace, "topic");
  g_autoptr(JsonArray) venue_kinds = all_of (workspace, "venue_kind");
  g_autofree char *id = project ? g_strdup (string_of (project, "id")) : g_uuid_string_random ();

  wd_form_dialog_set_fixed_string (dialog, "id", id);
  wd_form_dialog_add_text (dialog, "title", _("Title"), string_of (project, "title"), WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "category", _("Category"), string_of (project, "category"), WD_FORM_REQUIRED);
  wd_form_dialog_add_choice_rows (dialog, "team_id", _("Team"), teams, "name", string_of (project, "team_id"),
                                  WD_FORM_REQUIRED);
  wd_form_dialog_add_choice_rows (dialog, "topic_id", _("Topic"), topics, "name", string_of (project, "topic_id"),
                                  WD_FORM_OPTIONAL);
  wd_form_dialog_add_checks (dialog, "venue_kinds", _("Goes to"), venue_kinds, "name",
                             project && json_object_has_member (project, "venue_kinds")
                             ? json_object_get_array_member (project, "venue_kinds") : NULL);
  wd_form_dialog_add_text (dialog, "audience", _("For"), string_of (project, "audience"), WD_FORM_OPTIONAL);
  wd_form_dialog_add_number (dialog, "duration_minutes", _("Length in minutes"), 15, 1440, 15,
                             project ? (double) int_of (project, "duration_minutes") : 90);
  wd_form_dialog_add_number (dialog, "capacity_per_month", _("Sessions a month the team can give (0: no limit)"),
                             0, 1000, 1, project ? (double) int_of (project, "capacity_per_month") : 4);
  wd_form_dialog_add_switch (dialog, "active", _("Offered in the marketplace"),
                             project ? json_object_get_boolean_member_with_default (project, "active", TRUE) : TRUE);
  wd_form_dialog_add_multiline (dialog, "description", _("Description"), string_of (project, "description"));
  return dialog;
}

/* An entry's edit sends only what was changed in it, named in "only":
 * what another desk changed meanwhile in the rest is kept. A new entry
 * sends all it is. */
static WdFormDialog *
editing (WdFormDialog *dialog,
         JsonObject   *entry)
{
  if (entry != NULL)
    wd_form_dialog_send_changes_only (dialog, "only");
  return dialog;
}

WdFormDialog *
wd_forms_edit_speaker (GtkWidget   *parent,
                       WdWorkspace *workspace,
                       JsonObject  *speaker)
{
  return editing (speaker_form (parent, workspace, speaker), speaker);
}

WdFormDialog *
wd_forms_edit_team (GtkWidget   *parent,
                    WdWorkspace *workspace,
                    JsonObject  *team)
{
  return editing (team_form (parent, workspace, team), team);
}

WdFormDialog *
wd_forms_edit_project (GtkWidget   *parent,
                       WdWorkspace *workspace,
                       JsonObject  *project)
{
  return editing (project_form (parent, workspace, project), project);
}

static void
add_reason (WdFormDialog *dialog,
            const char   *description)
{
  wd_form_dialog_set_description (dialog, description);
  wd_form_dialog_add_text (dialog, "reason", _("Reason"), NULL, WD_FORM_REQUIRED);
}

static char *
call_script (WdWorkspace *workspace,
             JsonObject  *order)
{
  g_autofree char *day = wd_format_time (wd_workspace_get_store (workspace), int_of (order, "starts_at"),
                                         /* TRANSLATORS: a day in the call script */
                                         _("%B %-d"));
  const char *assignee = string_of (order, "assignee_name");

  return g_strdup_printf (_("Hello, this is the district volunteer service guidance centre calling about "
                            "“%1$s” on %2$s, given by %3$s. Were you satisfied with the service? "
                            "From 1 to 5, what would you give it? Is there anything we should do better?"),
                          string_of (order, "title"), day, assignee ? assignee : _("the volunteers"));
}

/* The delivery as recorded (order: the order's whole row), to put right
 * what was entered wrong; only what is changed is sent. */
static WdFormDialog *
correct_delivery_form (GtkWidget   *parent,
                       WdWorkspace *workspace,
                       JsonObject  *order)
{
  g_autofree char *start = local_input_time (workspace, int_of (order, "delivered_start"));
  g_autofree char *end = local_input_time (workspace, int_of (order, "delivered_end"));
  double hours = json_object_get_double_member_with_default (order, "hours", 0.5);
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("Correct Delivery"), _("_Save"),
                                             "order.correct_delivery");

  wd_form_dialog_set_description (dialog, _("Put right what was recorded wrong. The history keeps what the "
                                            "record said before. A reward period proposed with this order "
                                            "must be withdrawn first."));
  wd_form_dialog_add_text (dialog, "delivered_start", _("Started (YYYY-MM-DD HH:MM)"), start, WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "delivered_end", _("Ended (YYYY-MM-DD HH:MM)"), end, WD_FORM_REQUIRED);
  wd_form_dialog_add_number (dialog, "audience", _("Audience"), 0, 100000, 1,
                             (double) int_of (order, "delivered_audience"));
  wd_form_dialog_add_number (dialog, "hours", _("Service hours"), 0.5, 24, 0.5, hours);
  wd_form_dialog_send_changes_only (dialog, NULL);
  return dialog;
}

/* The form of an action on order; NULL when the order is no longer in
 * the store (it left this computer since its row was read). */
WdFormDialog *
wd_forms_order_action (GtkWidget      *parent,
                       WdWorkspace    *workspace,
                       JsonObject     *order,
                       WdOrderActions  action)
{
  WdFormDialog *dialog = NULL;
  gint64 starts_at = int_of (order, "starts_at");
  gint64 ends_at = int_of (order, "ends_at");

  switch (action)
    {
    case WD_ORDER_ACTION_EDIT:
      dialog = edit_order (parent, workspace, order);
      wd_form_dialog_send_changes_only (dialog, NULL);
      break;
    case WD_ORDER_ACTION_DECLINE:
      dialog = wd_form_dialog_new (parent, workspace, _("Decline Order"), _("_Decline"), "order.decline");
      add_reason (dialog, _("The order goes back to the dispatch queue for someone else."));
      break;
    case WD_ORDER_ACTION_CANCEL:
      dialog = wd_form_dialog_new (parent, workspace, _("Cancel Order"), _("Cancel _Order"), "order.cancel");
      add_reason (dialog, _("The community no longer needs the service. This cannot be undone."));
      break;
    case WD_ORDER_ACTION_REJECT:
      dialog = wd_form_dialog_new (parent, workspace, _("Reject Order"), _("_Reject"), "order.reject");
      add_reason (dialog, _("The centre will not serve this order. The requester is told the reason."));
      break;
    case WD_ORDER_ACTION_DELIVER:
      {
        g_autofree char *start = local_input_time (workspace, starts_at);
        g_autofree char *end = local_input_time (workspace, ends_at);
        double hours = MAX (0.5, ((ends_at - starts_at) / 1800 + ((ends_at - starts_at) % 1800 >= 900)) / 2.0);

        dialog = wd_form_dialog_new (parent, workspace, _("Record Delivery"), _("_Record"), "order.deliver");
        wd_form_dialog_set_description (dialog, _("What actually happened: the times, how many came, "
                                                  "and the service hours each volunteer is credited."));
        wd_form_dialog_add_text (dialog, "delivered_start", _("Started (YYYY-MM-DD HH:MM)"), start,
                                 WD_FORM_REQUIRED);
        wd_form_dialog_add_text (dialog, "delivered_end", _("Ended (YYYY-MM-DD HH:MM)"), end, WD_FORM_REQUIRED);
        wd_form_dialog_add_number (dialog, "audience", _("Audience"), 0, 100000, 1,
                                   (double) int_of (order, "audience"));
        wd_form_dialog_add_number (dialog, "hours", _("Service hours"), 0.5, 24, 0.5, hours);
        break;
      }
    case WD_ORDER_ACTION_CORRECT_DELIVERY:
      {
        /* The board's rows do not carry the delivery record. */
        g_autoptr(JsonObject) record = wd_store_get (wd_workspace_get_store (workspace), "order",
                                                     string_of (order, "id"), NULL);

        if (record == NULL)
          return NULL;
        dialog = correct_delivery_form (parent, workspace, record);
        break;
      }
    case WD_ORDER_ACTION_RATE:
      dialog = wd_form_dialog_new (parent, workspace, _("Rate Service"), _("_Rate"), "order.rate");
      wd_form_dialog_set_description (dialog, _("The community's rating of the service it received."));
      wd_form_dialog_add_stars (dialog, "stars", _("Rating"), 5);
      wd_form_dialog_add_multiline (dialog, "comment", _("Comment"), NULL);
      break;
    case WD_ORDER_ACTION_CALLBACK:
      {
        static const char * const outcomes[] = { "satisfied", "neutral", "dissatisfied", "complaint",
                                                 "unreachable", NULL };
        static const char * const levels[] = { "1", "2", "3", "4", "5", NULL };
        const char *labels[G_N_ELEMENTS (outcomes)] = { NULL };
        g_autofree char *script = call_script (workspace, order);

        for (guint i = 0; outcomes[i] != NULL; i++)
          {
            WdCallbackOutcome outcome;

            wd_callback_outcome_from_string (outcomes[i], &outcome);
            labels[i] = wd_callback_outcome_label (outcome);
          }
        dialog = wd_form_dialog_new (parent, workspace, _("Record Callback"), _("_Record"), "order.callback");
        wd_form_dialog_set_description (dialog, script);
        wd_form_dialog_add_choice (dialog, "outcome", _("Outcome"), outcomes, labels, "satisfied",
                                   WD_FORM_REQUIRED);
        wd_form_dialog_add_choice (dialog, "satisfaction", _("Satisfaction (1–5)"), levels, levels, "5",
                                   WD_FORM_INTEGER);
        wd_form_dialog_add_multiline (dialog, "notes", _("Notes"), NULL);
        break;
      }
    default:
      g_return_val_if_reached (NULL);
    }

  wd_form_dialog_set_fixed_string (dialog, "order_id", string_of (order, "id"));
  return dialog;
}

static void
apply_directly (GtkWidget   *parent,
                WdWorkspace *workspace,
                JsonObject  *order,
                const char  *operation,
                const char  *done)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (args, "order_id", string_of (order, "id"));
  if (!wd_workspace_apply (workspace, operation, args, NULL, &error))
    wd_show_error (parent, _("The order could not be changed"), error);
  else
    wd_toast (parent, done);
}

/* Accepting and returning to the queue need no questions; dispatching
 * has its own dialog; the rest are forms. */
void
wd_forms_run_order_action (GtkWidget      *parent,
                           WdWorkspace    *workspace,
                           JsonObject     *order,
                           WdOrderActions  action)
{
  switch (action)
    {
    case WD_ORDER_ACTION_ACCEPT:
      apply_directly (parent, workspace, order, "order.accept", _("Order accepted"));
      break;
    case WD_ORDER_ACTION_EXPIRE:
      apply_directly (parent, workspace, order, "order.expire", _("Order returned to the dispatch queue"));
      break;
    case WD_ORDER_ACTION_DISPATCH:
      gtk_window_present (GTK_WINDOW (wd_dispatch_dialog_new (parent, workspace, string_of (order, "id"))));
      break;
    default:
      {
        WdFormDialog *form = wd_forms_order_action (parent, workspace, order, action);

        /* NULL: the order left this computer since its card was drawn. */
        if (form != NULL)
          gtk_window_present (GTK_WINDOW (form));
        break;
      }
    }
}

WdFormDialog *
wd_forms_deposit (GtkWidget   *parent,
                  WdWorkspace *workspace,
                  const char  *fund_id)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("Deposit"), _("_Deposit"), "fund.deposit");

  wd_form_dialog_set_fixed_string (dialog, "fund_id", fund_id);
  wd_form_dialog_set_description (dialog, _("Money paid into the public welfare fund, in fen (1 yuan = 100 fen)."));
  wd_form_dialog_add_number (dialog, "amount_cents", _("Amount (fen)"), 1, 1e10, 100, 100000);
  wd_form_dialog_add_text (dialog, "reference", _("Reference"), NULL, WD_FORM_OPTIONAL);
  wd_form_dialog_add_text (dialog, "note", _("Note"), NULL, WD_FORM_OPTIONAL);
  return dialog;
}

/* The last whole month is what the centre usually rewards. */
WdFormDialog *
wd_forms_propose_rewards (GtkWidget   *parent,
                          WdWorkspace *workspace)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("Propose Rewards"), _("_Propose"),
                                             "reward.propose");
  g_autoptr(JsonArray) funds = wd_store_list_funds (wd_workspace_get_store (workspace), NULL);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (wd_workspace_now (workspace));
  g_autoptr(GDateTime) this_month = g_date_time_new_local (g_date_time_get_year (now),
                                                           g_date_time_get_month (now), 1, 0, 0, 0);
  g_autoptr(GDateTime) last_month = g_date_time_add_months (this_month, -1);
  g_autoptr(GDateTime) last_day = g_date_time_add_days (this_month, -1);
  g_autofree char *from = g_date_time_format (last_month, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (last_day, "%Y-%m-%d");
  /* TRANSLATORS: the default name of a reward period; strftime format */
  g_autofree char *name = g_date_time_format (last_month, _("Rewards %B %Y"));
  const char *fund = funds != NULL && json_array_get_length (funds) > 0
    ? string_of (json_array_get_object_element (funds, 0), "id") : NULL;

  wd_form_dialog_set_description (dialog, _("The rules look at every rated order delivered in the period. "
                                            "Another person approves the proposal before anything is paid."));
  wd_form_dialog_add_text (dialog, "name", _("Name"), name, WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "from", _("From (YYYY-MM-DD)"), from, WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "to", _("To, inclusive (YYYY-MM-DD)"), to, WD_FORM_REQUIRED);
  if (funds != NULL)
    wd_form_dialog_add_choice_rows (dialog, "fund_id", _("Fund"), funds, "name", fund, WD_FORM_REQUIRED);
  return dialog;
}

typedef struct
{
  WdWorkspace    *workspace;
  WdAssigneeKind  kind;
  char           *holder_id;
  char           *holder_name;
} RecordWatch;

static void
record_watch_free (gpointer  data,
                   GClosure *closure)
{
  RecordWatch *watch = data;

  g_free (watch->holder_id);
  g_free (watch->holder_name);
  g_free (watch);
}

/* Says what the certificate of the period entered will list, as the
 * dates are typed, so nobody issues one to find it empty. */
static void
update_record_note (WdFormDialog *dialog,
                    RecordWatch  *watch)
{
  WdStore *store = wd_workspace_get_store (watch->workspace);
  GTimeZone *tz = wd_store_get_time_zone (store);
  g_autoptr(JsonObject) args = wd_form_dialog_read_args (dialog);
  const char *from_text = json_object_get_string_member_with_default (args, "from", "");
  const char *to_text = json_object_get_string_member_with_default (args, "to", "");
  g_autoptr(JsonArray) record = NULL;
  g_autofree char *description = NULL;
  g_autofree char *summary = NULL;
  gint64 from, to;
  double hours;
  guint n;

  if (!wd_period_parse (from_text, to_text, tz, &from, &to, NULL)
      || (record = wd_store_list_service_record (store, watch->kind, watch->holder_id, from, to, NULL)) == NULL)
    {
      wd_form_dialog_set_warning (dialog, NULL);
      return;
    }
  n = json_array_get_length (record);
  hours = wd_service_record_hours (record);
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "In this period: %u service, %.1f hours.",
                                          "In this period: %u services, %.1f hours.", n), n, hours);
  description = g_strdup_printf (_("The certificate lists every service %s delivered in the period, with its "
                                   "hours; it is numbered when it reaches the server. %s"),
                                 watch->holder_name, summary);
  wd_form_dialog_set_description (dialog, description);
  wd_form_dialog_set_warning (dialog, n == 0 ? _("No delivered service with hours in this period; "
                                                 "choose a period in which they served.") : NULL);
}

static void
toast_certificate_issued (WdFormDialog *dialog,
                          JsonObject   *result,
                          GtkWidget    *parent)
{
  const char *number = string_of (result, "number");
  g_autofree char *text = number && *number
    ? g_strdup_printf (_("Certificate %s issued"), number)
    : g_strdup (_("Certificate issued; it gets its number when it reaches the server"));

  wd_toast (parent, text);
}

/* This year so far is what a certificate is usually asked for. */
WdFormDialog *
wd_forms_issue_certificate (GtkWidget      *parent,
                            WdWorkspace    *workspace,
                            WdAssigneeKind  kind,
                            const char     *holder_id,
                            const char     *holder_name)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("Issue Service Record Certificate"),
                                             _("_Issue"), "certificate.issue");
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (workspace));
  gint64 now = wd_workspace_now (workspace);
  g_autofree char *year = wd_time_format_local (now, tz, "%Y-01-01");
  g_autofree char *today = wd_time_format_local (now, tz, "%Y-%m-%d");
  RecordWatch *watch = g_new0 (RecordWatch, 1);

  wd_form_dialog_set_fixed_string (dialog, "holder_kind", wd_assignee_kind_to_string (kind));
  wd_form_dialog_set_fixed_string (dialog, "holder_id", holder_id);
  wd_form_dialog_add_text (dialog, "from", _("From (YYYY-MM-DD)"), year, WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "to", _("To, inclusive (YYYY-MM-DD)"), today, WD_FORM_REQUIRED);
  wd_form_dialog_add_text (dialog, "purpose", _("Issued for"), NULL, WD_FORM_OPTIONAL);

  watch->workspace = workspace;
  watch->kind = kind;
  watch->holder_id = g_strdup (holder_id);
  watch->holder_name = g_strdup (holder_name);
  update_record_note (dialog, watch);
  g_signal_connect (dialog, "changed::from", G_CALLBACK (update_record_note), watch);
  g_signal_connect_data (dialog, "changed::to", G_CALLBACK (update_record_note), watch, record_watch_free, 0);
  g_signal_connect_object (dialog, "applied", G_CALLBACK (toast_certificate_issued), parent, 0);
  return dialog;
}

WdFormDialog *
wd_forms_revoke_certificate (GtkWidget   *parent,
                             WdWorkspace *workspace,
                             JsonObject  *certificate)
{
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("Revoke Certificate"), _("_Revoke"),
                                             "certificate.revoke");

  wd_form_dialog_set_fixed_string (dialog, "certificate_id", string_of (certificate, "id"));
  wd_form_dialog_set_description (dialog, _("A revoked certificate is kept with the reason, so whoever checks "
                                            "its number learns it is no longer valid. It cannot be printed again."));
  wd_form_dialog_add_multiline (dialog, "reason", _("Reason"), NULL);
  return dialog;
}

WdFormDialog *
wd_forms_district_settings (GtkWidget   *parent,
                            WdWorkspace *workspace)
{
  WdStore *store = wd_workspace_get_store (workspace);
  WdFormDialog *dialog = wd_form_dialog_new (parent, workspace, _("District Settings"), _("_Save"),
                                             "settings.set");
  g_autofree char *district = wd_store_get_setting (store, "district_name");

  wd_form_dialog_set_description (dialog, _("These settings are the same for every office of the district."));
  wd_form_dialog_add_text (dialog, "district_name", _("District"), district, WD_FORM_OPTIONAL);
  wd_form_dialog_add_number (dialog, "accept_hours", _("Hours to accept a dispatch"), 1, 720, 1,
                             (double) wd_store_get_setting_int (store, "accept_hours", 48));
  wd_form_dialog_add_number (dialog, "callback_rate_percent", _("Orders phoned back (%)"), 0, 100, 5,
                             (double) wd_store_get_callback_rate (store));
  return dialog;
}

/* An order the server refused, to be placed again as it was typed: the
 * clerk corrects what the refusal names instead of typing it all again.
 * A time that cannot be read starts as a new order's would. */
static WdFormDialog *
place_refused_order (GtkWidget   *parent,
                     WdWorkspace *workspace,
                     JsonObject  *args,
                     const char  *refusal)
{
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (workspace));
  gint64 tomorrow = wd_time_day_start (wd_workspace_now (workspace), tz) + 86400 + 9 * 3600;
  gint64 starts_at = tomorrow, ends_at = 0;
  g_autofree char *description = NULL;
  OrderDraft draft = draft_of (args);

  if (!time_of (args, "starts_at", tz, &starts_at))
    starts_at = tomorrow;
  if (!time_of (args, "ends_at", tz, &ends_at) || ends_at <= starts_at)
    ends_at = starts_at + 90 * 60;
  draft.starts_at = starts_at;
  draft.ends_at = ends_at;
  /* TRANSLATORS: %s is the server's reason, e.g. "starts_at: … is already past" */
  description = g_strdup_printf (_("The server did not take this order: %s. Correct what it names and place "
                                   "it again; everything else is as it was typed."), refusal);
  return place_order_form (parent, workspace, &draft, description);
}

/* A refused change's entry as it is now with what was entered on top
 * (an edit sends only what it changed): what its form shows again.
 * Times come as the operation takes them and go in as the entry holds
 * them. NULL when the entry is no longer on this computer, unless the
 * change made it: then what was entered is all there is. */
static JsonObject *
entry_again (WdWorkspace *workspace,
             const char  *kind,
             const char  *id_member,
             JsonObject  *args)
{
  WdStore *store = wd_workspace_get_store (workspace);
  JsonObject *entry = wd_store_get (store, kind, string_of (args, id_member), NULL);
  g_autoptr(GList) names = json_object_get_members (args);

  if (entry == NULL && g_str_equal (id_member, "id"))
    entry = json_object_new ();
  if (entry == NULL)
    return NULL;
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gint64 when;

      if (g_str_equal (name, "only") || (g_str_equal (name, id_member) && !g_str_equal (name, "id")))
        continue;
      if (g_str_equal (name, "starts_at") || g_str_equal (name, "ends_at"))
        {
          if (time_of (args, name, wd_store_get_time_zone (store), &when))
            json_object_set_int_member (entry, name, when);
        }
      else
        json_object_set_member (entry, name, json_node_copy (json_object_get_member (args, name)));
    }
  return entry;
}

/* A refused correction of an order: if the order was dispatched
 * meanwhile (which is why a new time is refused), its time is no longer
 * in the form and the rest of the correction can be saved. */
static WdFormDialog *
correction_form (GtkWidget   *parent,
                 WdWorkspace *workspace,
                 JsonObject  *order)
{
  WdFormDialog *dialog = edit_order (parent, workspace, order);

  wd_form_dialog_set_fixed_string (dialog, "order_id", string_of (order, "id"));
  return dialog;
}

/* A refused correction of a delivery record: its form on the record as
 * it is now, with each value that was sent put back in, so they are what
 * the form sends. Its arguments are not the record's columns (audience is
 * the delivered audience there), so they go into the form, not the
 * entry. NULL when the order is no longer on this computer. */
static WdFormDialog *
correct_delivery_again (GtkWidget   *parent,
                        WdWorkspace *workspace,
                        JsonObject  *args)
{
  static const char * const texts[] = { "delivered_start", "delivered_end", NULL };
  static const char * const numbers[] = { "audience", "hours", NULL };
  g_autoptr(JsonObject) order = wd_store_get (wd_workspace_get_store (workspace), "order",
                                              string_of (args, "order_id"), NULL);
  WdFormDialog *dialog;

  if (order == NULL)
    return NULL;
  dialog = correct_delivery_form (parent, workspace, order);
  for (guint i = 0; texts[i] != NULL; i++)
    if (string_of (args, texts[i]) != NULL)
      wd_form_dialog_set_value (dialog, texts[i], string_of (args, texts[i]));
  for (guint i = 0; numbers[i] != NULL; i++)
    if (json_object_has_member (args, numbers[i]))
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_dtostr (number, sizeof number, json_object_get_double_member (args, numbers[i]));
        wd_form_dialog_set_value (dialog, numbers[i], number);
      }
  wd_form_dialog_set_fixed_string (dialog, "order_id", string_of (order, "id"));
  return dialog;
}

/* The refused changes a form can make again: which form, on which
 * entry, and what its button says. The form sends all it shows: what
 * was entered is in it already. A form whose arguments are not its
 * entry's fields is made from the arguments (again). */
static const struct
{
  const char *kind;
  const char *label;
  const char *entity;
  const char *id_member;
  WdFormDialog * (*edit) (GtkWidget *parent, WdWorkspace *workspace, JsonObject *entry);
  WdFormDialog * (*again) (GtkWidget *parent, WdWorkspace *workspace, JsonObject *args);
} again_forms[] = {
  { "order.create", N_("Place _Again…"), NULL, NULL, NULL, NULL },
  { "order.update", N_("_Edit Again…"), "order", "order_id", correction_form, NULL },
  { "order.correct_delivery", N_("_Correct Again…"), NULL, NULL, NULL, correct_delivery_again },
  { "speaker.upsert", N_("_Edit Again…"), "speaker", "id", speaker_form, NULL },
  { "team.upsert", N_("_Edit Again…"), "team", "id", team_form, NULL },
  { "project.upsert", N_("_Edit Again…"), "project", "id", project_form, NULL },
};

/* What the button offering to send a refused change of that kind again
 * says, or NULL when no form makes that change. */
const char *
wd_forms_again_label (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (again_forms); i++)
    if (g_strcmp0 (again_forms[i].kind, kind) == 0)
      return _(again_forms[i].label);
  return NULL;
}

/* A change the server refused, in its form as it was sent, with the
 * server's reason above it: the clerk corrects what the refusal names
 * instead of typing it all again. NULL for a kind no form makes. */
WdFormDialog *
wd_forms_again (GtkWidget   *parent,
                WdWorkspace *workspace,
                const char  *kind,
                JsonObject  *args,
                const char  *refusal)
{
  g_autofree char *description = NULL;
  WdFormDialog *dialog;

  for (guint i = 0; i < G_N_ELEMENTS (again_forms); i++)
    if (g_strcmp0 (again_forms[i].kind, kind) == 0)
      {
        g_autoptr(JsonObject) entry = NULL;

        if (again_forms[i].again != NULL)
          dialog = again_forms[i].again (parent, workspace, args);
        else if (again_forms[i].edit == NULL)
          return place_refused_order (parent, workspace, args, refusal);
        else if ((entry = entry_again (workspace, again_forms[i].entity, again_forms[i].id_member, args)) != NULL)
          dialog = again_forms[i].edit (parent, workspace, entry);
        else
          dialog = NULL;
        if (dialog == NULL)
          return NULL;
        /* TRANSLATORS: %s is the server's reason */
        description = g_strdup_printf (_("The server did not take this change: %s. Correct what it names and "
                                         "save again; everything else is as it was entered."), refusal);
        wd_form_dialog_set_description (dialog, description);
        return dialog;
      }
  return NULL;
}
