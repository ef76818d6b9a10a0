/* wd-entity.c: field descriptors of every entity, and the one reader that
 * turns operation arguments into a clean, normalized row. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-entity.h"
#include "wd-error.h"
#include "wd-validate.h"

#define REQ WD_FIELD_REQUIRED
#define ML WD_FIELD_MULTILINE
#define UNIQ WD_FIELD_UNIQUE
#define INTERNAL WD_FIELD_INTERNAL

#define ID_FIELD { "id", WD_FIELD_ID, REQ }
#define TEXT(n, f, len) { n, WD_FIELD_TEXT, f, 0, len }
#define INT(n, f, lo, hi, def) { n, WD_FIELD_INT, f, lo, hi, def }
#define BOOL(n, def) { n, WD_FIELD_BOOL, 0, 0, 1, def }
#define REF(n, f, table) { n, WD_FIELD_REF, f, 0, 0, 0, table }
#define TIME(n, f) { n, WD_FIELD_TIME, f }
#define FLAGS(n, list) { n, WD_FIELD_FLAGS, 0, 0, 0, 0, NULL, NULL, list }

const char * const wd_weekday_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
const char * const wd_day_part_names[] = { "morning", "afternoon", "evening", NULL };

const char *
wd_weekday_label (guint day)
{
  static const char * const labels[] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"),
  };

  g_return_val_if_fail (day < G_N_ELEMENTS (labels), NULL);
  return _(labels[day]);
}

const char *
wd_day_part_label (guint part)
{
  static const char * const labels[] = { N_("morning"), N_("afternoon"), N_("evening") };

  g_return_val_if_fail (part < G_N_ELEMENTS (labels), NULL);
  return _(labels[part]);
}

/* Morning until noon, afternoon until six, evening after. */
guint
wd_day_part_of_hour (int hour)
{
  return hour < 12 ? 0 : hour < 18 ? 1 : 2;
}
#define ENTITY(var, kind, table, fields) \
  const WdEntity var = { kind, table, fields, G_N_ELEMENTS (fields) }

static const WdField subdistrict_fields[] = {
  ID_FIELD,
  TEXT ("name", REQ | UNIQ, 32),
  INT ("sort", 0, 0, 9999, 0),
  TIME ("updated_at", INTERNAL),
};
ENTITY (wd_entity_subdistrict, "subdistrict", "subdistricts", subdistrict_fields);

static const WdField venue_kind_fields[] = {
  ID_FIELD,
  TEXT ("name", REQ | UNIQ, 32),
  INT ("sort", 0, 0, 9999, 0),
};
ENTITY (wd_entity_venue_kind, "venue_kind", "venue_kinds", venue_kind_fields);

static const WdField topic_fields[] = {
  ID_FIELD,
  TEXT ("name", REQ | UNIQ, 32),
  TEXT ("description", ML, 500),
  INT ("sort", 0, 0, 9999, 0),
  BOOL ("active", TRUE),
  TIME ("updated_at", INTERNAL),
};
ENTITY (wd_entity_topic, "topic", "topics", topic_fields);

static const WdField team_fields[] = {
  ID_FIELD,
  TEXT ("name", REQ | UNIQ, 64),
  REF ("subdistrict_id", 0, "subdistricts"),
  TEXT ("leader", REQ, 32),
  { "phone", WD_FIELD_PHONE, REQ },
  TEXT ("description", ML, 2000),
  INT ("members", 0, 0, 100000, 0),
  BOOL ("active", TRUE),
  TIME ("updated_at", INTERNAL),
};
ENTITY (wd_entity_team, "team", "teams", team_fields);

static const WdField speaker_fields[] = {
  ID_FIELD,
  TEXT ("name", REQ, 32),
  TEXT ("title", 0, 64),
  TEXT ("organisation", 0, 64),
  REF ("subdistrict_id", 0, "subdistricts"),
  { "phone", WD_FIELD_PHONE, REQ },
  TEXT ("bio", ML, 2000),
  { "topics", WD_FIELD_REF_LIST, REQ, 0, 10, 0, "topics", "speaker_topics" },
  FLAGS ("free_days", wd_weekday_names),
  FLAGS ("free_times", wd_day_part_names),
  BOOL ("active", TRUE),
  TIME ("updated_at", INTERNAL),
};
ENTITY (wd_entity_speaker, "speaker", "speakers", speaker_fields);

static const WdField project_fields[] = {
  ID_FIELD,
  TEXT ("title", REQ, 64),
  TEXT ("category", REQ, 32),
  REF ("team_id", REQ, "teams"),
  REF ("topic_id", 0, "topics"),
  TEXT ("description", REQ | ML, 2000),
  INT ("duration_minutes", 0, 15, 1440, 90),
  INT ("capacity_per_month", 0, 0, 1000, 4),
  TEXT ("audience", 0, 64),
  { "venue_kinds", WD_FIELD_REF_LIST, REQ, 0, 6, 0, "venue_kinds", "project_venue_kinds" },
  BOOL ("active", TRUE),
  TIME ("updated_at", INTERNAL),
};
ENTITY (wd_entity_project, "project", "projects", project_fields);

static const WdField order_fields[] = {
  ID_FIELD,
  { "number", WD_FIELD_TEXT, INTERNAL },
  TEXT ("title", REQ, 64),
  REF ("project_id", 0, "projects"),
  REF ("topic_id", 0, "topics"),
  REF ("subdistrict_id", REQ, "subdistricts"),
  TEXT ("community", 0, 64),
  TEXT ("venue", REQ, 128),
  REF ("venue_kind", REQ, "venue_kinds"),
  TIME ("starts_at", REQ),
  TIME ("ends_at", REQ),
  INT ("audience", 0, 0, 100000, 0),
  TEXT ("requester", REQ, 64),
  TEXT ("contact_name", REQ, 32),
  { "contact_phone", WD_FIELD_PHONE, REQ },
  TEXT ("notes", ML, 2000),
  { "state", WD_FIELD_TEXT, INTERNAL },
  { "assignee_kind", WD_FIELD_TEXT, INTERNAL },
  { "assignee_id", WD_FIELD_TEXT, INTERNAL },
  TIME ("dispatched_at", INTERNAL),
  TIME ("accept_deadline", INTERNAL),
  { "clash_override", WD_FIELD_TEXT, INTERNAL },
  TIME ("delivered_start", INTERNAL),
  TIME ("delivered_end", INTERNAL),
  { "delivered_audience", WD_FIELD_INT, INTERNAL },
  { "hours", WD_FIELD_REAL, INTERNAL },
  { "credited_hours", WD_FIELD_REAL, INTERNAL },
  { "closing_reason", WD_FIELD_TEXT, INTERNAL },
  { "created_by", WD_FIELD_TEXT, INTERNAL },
  TIME ("created_at", INTERNAL),
  TIME ("updated_at", INTERNAL),
};
ENTITY (wd_entity_order, "order", "orders", order_fields);

static const WdEntity * const all_entities[] = {
  &wd_entity_subdistrict,
  &wd_entity_venue_kind,
  &wd_entity_topic,
  &wd_entity_team,
  &wd_entity_speaker,
  &wd_entity_project,
  &wd_entity_order,
};

const WdEntity *
wd_entity_lookup (const char *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (all_entities); i++)
    if (g_str_equal (all_entities[i]->kind, kind))
      return all_entities[i];
  return NULL;
}

const WdField *
wd_entity_field (const WdEntity *entity,
                 const char     *name)
{
  for (guint i = 0; i < entity->n_fields; i++)
    if (g_str_equal (entity->fields[i].name, name))
      return &entity->fields[i];
  return NULL;
}

static gboolean
read_field (const WdField  *field,
            JsonObject     *args,
            GTimeZone      *tz,
            JsonObject     *row,
            GError        **error)
{
  WdArgFlags flags = ((field->flags & REQ) ? WD_ARG_REQUIRED : 0)
                   | ((field->flags & ML) ? WD_ARG_MULTILINE : 0);

  switch (field->type)
    {
    case WD_FIELD_ID:
    case WD_FIELD_REF:
      {
        g_autofree char *id = NULL;

        if (!wd_args_id (args, field->name, flags, &id, error))
          return FALSE;
        if (id != NULL)
          json_object_set_string_member (row, field->name, id);
        else
          json_object_set_null_member (row, field->name);
        return TRUE;
      }

    case WD_FIELD_TEXT:
      {
        g_autofree char *text = NULL;

        if (!wd_args_text (args, field->name, flags, (guint) field->max, &text, error))
          return FALSE;
        json_object_set_string_member (row, field->name, text ? text : "");
        return TRUE;
      }

    case WD_FIELD_PHONE:
      {
        g_autofree char *phone = NULL;

        if (!wd_args_phone (args, field->name, flags, &phone, error))
          return FALSE;
        json_object_set_string_member (row, field->name, phone ? phone : "");
        return TRUE;
      }

    case WD_FIELD_INT:
      {
        gint64 value = field->fallback;

        if (!wd_args_int (args, field->name, flags, field->min, field->max, &value, error))
          return FALSE;
        json_object_set_int_member (row, field->name, value);
        return TRUE;
      }

    case WD_FIELD_REAL:
      {
        double value = (double) field->fallback;

        if (!wd_args_double (args, field->name, flags, (double) field->min,
                             (double) field->max, &value, error))
          return FALSE;
        json_object_set_double_member (row, field->name, value);
        return TRUE;
      }

    case WD_FIELD_BOOL:
      {
        gboolean value = field->fallback != 0;

        if (!wd_args_bool (args, field->name, &value, error))
          return FALSE;
        json_object_set_boolean_member (row, field->name, value);
        return TRUE;
      }

    case WD_FIELD_TIME:
      {
        gint64 value = G_MININT64;

        if (!wd_args_time (args, field->name, flags, tz, &value, error))
          return FALSE;
        if (value != G_MININT64)
          json_object_set_int_member (row, field->name, value);
        return TRUE;
      }

    case WD_FIELD_FLAGS:
      {
        gint64 mask;

        if (!wd_args_flags (args, field->name, field->names, &mask, error))
          return FALSE;
        json_object_set_int_member (row, field->name, mask);
        return TRUE;
      }

    case WD_FIELD_REF_LIST:
      {
        g_autoptr(GPtrArray) ids = NULL;
        JsonArray *array;

        if (!wd_args_id_list (args, field->name, flags, (guint) field->max, &ids, error))
          return FALSE;
        array = json_array_sized_new (ids->len);
        for (guint i = 0; i < ids->len; i++)
          json_array_add_string_element (array, g_ptr_array_index (ids, i));
        json_object_set_array_member (row, field->name, array);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Returns a row holding every argument field, validated and normalized
 * (trimmed text, normalized phone numbers, times in UTC seconds, defaults
 * for what was left out). Internal fields are never taken from arguments. */
JsonObject *
wd_entity_read_args (const WdEntity  *entity,
                     JsonObject      *args,
                     GTimeZone       *tz,
                     GError         **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GPtrArray) known = g_ptr_array_new ();

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (args != NULL, NULL);

  /* A misspelt field name explains a "missing" field: report it first. */
  for (guint i = 0; i < entity->n_fields; i++)
    if (!(entity->fields[i].flags & INTERNAL))
      g_ptr_array_add (known, (gpointer) entity->fields[i].name);
  g_ptr_array_add (known, NULL);
  if (!wd_args_only (args, (const char * const *) known->pdata, error))
    return NULL;

  for (guint i = 0; i < entity->n_fields; i++)
    if (!(entity->fields[i].flags & INTERNAL)
        && !read_field (&entity->fields[i], args, tz, row, error))
      return NULL;

  return g_steal_pointer (&row);
}
