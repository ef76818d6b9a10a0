/* wd-message.c: the messages a dispatcher sends teams and speakers. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-message.h"
#include "wd-store-private.h"
#include "wd-time.h"

/* What a dispatcher sends a team or speaker in the chat or text message
 * it uses: the order, when and where, whom to call, and, while it waits
 * for an answer, by when to accept. Plain lines, to paste anywhere. */
char *
wd_order_team_message (WdStore    *store,
                       JsonObject *order)
{
  GTimeZone *tz = wd_store_get_time_zone (store);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *when = wd_time_format_span (wd_json_int (order, "starts_at"), wd_json_int (order, "ends_at"), tz);
  const char *number = *wd_json_text (order, "number") ? wd_json_text (order, "number") : _("(number pending)");
  const char *community = *wd_json_text (order, "community") ? wd_json_text (order, "community")
                                                               : wd_json_text (order, "subdistrict_name");

  /* TRANSLATORS: the first line of a message to a team; %s is its name */
  g_string_append_printf (text, _("To %s:"), wd_json_text (order, "assignee_name"));
  g_string_append_c (text, '\n');
  /* TRANSLATORS: order number, title, time, venue, community */
  g_string_append_printf (text, _("Order %s “%s”, %s, at %s (%s)."), number, wd_json_text (order, "title"), when,
                          wd_json_text (order, "venue"), community);
  g_string_append_c (text, '\n');
  /* TRANSLATORS: the requester's contact and phone */
  g_string_append_printf (text, _("Contact: %s, %s."), wd_json_text (order, "contact_name"),
                          wd_json_text (order, "contact_phone"));
  if (*wd_json_text (order, "notes"))
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Notes: %s"), wd_json_text (order, "notes"));
    }
  if (g_str_equal (wd_json_text (order, "state"), "dispatched") && wd_json_int (order, "accept_deadline") > 0)
    {
      /* TRANSLATORS: strftime format of a deadline, see g_date_time_format() */
      g_autofree char *deadline = wd_time_format_local (wd_json_int (order, "accept_deadline"), tz, _("%b %-d %H:%M"));

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Please accept or decline it by %s."), deadline);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Whom the message for an order goes to: the team's leader, or the
 * speaker, with the phone to text. */
static void
add_recipient (WdStore    *store,
               JsonObject *order,
               JsonObject *entry)
{
  gboolean team = g_str_equal (wd_json_text (order, "assignee_kind"), "team");
  g_autoptr(JsonObject) who = wd_store_get (store, team ? "team" : "speaker", wd_json_text (order, "assignee_id"),
                                            NULL);

  json_object_set_string_member (entry, "to", wd_json_text (order, "assignee_name"));
  if (team)
    json_object_set_string_member (entry, "to_person", wd_json_text (who, "leader"));
  json_object_set_string_member (entry, "to_phone", wd_json_text (who, "phone"));
}

/* The dispatched orders whose acceptance deadline falls before until
 * (passed ones too), earliest first, each with its number, deadline,
 * whom to send to and the message: what a script texts to chase them. */
JsonArray *
wd_store_list_awaiting_answer (WdStore  *store,
                               gint64    until,
                               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (store,
      "SELECT id FROM orders WHERE state = 'dispatched' AND accept_deadline < ?"
      " ORDER BY accept_deadline, id", error);
  g_autoptr(JsonArray) awaiting = json_array_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, until);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) order = wd_store_get (store, "order", (const char *) sqlite3_column_text (stmt, 0), error);
      g_autofree char *message = NULL;
      JsonObject *entry;

      if (order == NULL)
        return NULL;
      message = wd_order_team_message (store, order);
      entry = json_object_new ();
      json_object_set_string_member (entry, "order_id", wd_json_text (order, "id"));
      json_object_set_string_member (entry, "number", wd_json_text (order, "number"));
      json_object_set_int_member (entry, "accept_deadline", wd_json_int (order, "accept_deadline"));
      add_recipient (store, order, entry);
      json_object_set_string_member (entry, "message", message);
      json_array_add_object_element (awaiting, entry);
    }
  if (rc != SQLITE_DONE)
    {
      wd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&awaiting);
}
