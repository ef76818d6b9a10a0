/* wd-op-catalogue.c: operations on the catalogues (sub-districts, topics,
 * teams, speakers, projects) and on the settings. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wd-entity.h"
#include "wd-operations-private.h"

/* An entry as the store holds it, a member per field the arguments set
 * (a list of references as its sorted ids), or NULL when there is none:
 * two readings compare field by field. */
static JsonObject *
stored_entry (WdOpContext     *ctx,
              const WdEntity  *entity,
              const char      *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s WHERE id = ?", entity->table);
  g_autoptr(sqlite3_stmt) stmt = wd_store_prepare (ctx->store, sql, NULL);
  g_autoptr(JsonObject) entry = NULL;

  if (stmt == NULL)
    return NULL;
  wd_stmt_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  entry = wd_stmt_row_to_json (stmt);

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];
      g_autofree char *refs_sql = NULL;
      g_autoptr(sqlite3_stmt) refs = NULL;

      if (field->type != WD_FIELD_REF_LIST)
        continue;
      refs_sql = g_strdup_printf ("SELECT group_concat (ref_id, ',') FROM"
                                  " (SELECT ref_id FROM %s WHERE owner_id = ? ORDER BY ref_id)", field->link_table);
      refs = wd_store_prepare (ctx->store, refs_sql, NULL);
      if (refs == NULL)
        return NULL;
      wd_stmt_bind_text (refs, 1, id);
      if (sqlite3_step (refs) == SQLITE_ROW && sqlite3_column_type (refs, 0) != SQLITE_NULL)
        json_object_set_string_member (entry, field->name, (const char *) sqlite3_column_text (refs, 0));
    }
  return g_steal_pointer (&entry);
}

/* The names of the fields the arguments set that differ between two
 * readings of an entry: never the values, for the history goes where a
 * phone number may not. */
static JsonArray *
changed_fields (const WdEntity *entity,
                JsonObject     *before,
                JsonObject     *after)
{
  JsonArray *fields = json_array_new ();

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const WdField *field = &entity->fields[i];

      JsonNode *was, *is;

      if (field->flags & WD_FIELD_INTERNAL)
        continue;
      was = json_object_get_member (before, field->name);
      is = json_object_get_member (after, field->name);
      if ((was == NULL) != (is == NULL) || (was != NULL && !json_node_equal (was, is)))
        json_array_add_string_element (fields, field->name);
    }
  return fields;
}

/* Whether a list of names, "only"'s, holds name. */
static gboolean
names (JsonArray  *list,
       const char *name)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_strcmp0 (json_array_get_string_element (list, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* The arguments of an edit that names the fields it sets ("only"), on
 * top of the entry as stored: the fields it does not name keep their
 * stored value. NULL, with the reason, for a list that is not one of
 * the entity's fields. */
static JsonObject *
onto_stored (WdOpContext     *ctx,
             const WdEntity  *entity,
             JsonObject      *args,
             GError         **error)
{
  JsonNode *only = json_object_get_member (args, "only");
  g_autoptr(JsonObject) stored = NULL;
  JsonObject *merged;
  JsonArray *list;

  if (!JSON_NODE_HOLDS_ARRAY (only))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT, _("only: expected a list of field names"));
      return NULL;
    }
  list = json_node_get_array (only);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      const WdField *field = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
                             ? wd_entity_field (entity, json_node_get_string (item)) : NULL;

      if (field == NULL || (field->flags & WD_FIELD_INTERNAL) || g_str_equal (field->name, "id"))
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("only: give names of a %s's fields that an edit sets"), entity->kind);
          return NULL;
        }
    }

  merged = json_object_new ();
  if (json_object_has_member (args, "id"))
    json_object_set_member (merged, "id", json_node_copy (json_object_get_member (args, "id")));
  stored = wd_store_get (ctx->store, entity->kind, json_object_get_string_member_with_default (args, "id", ""), NULL);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const char *name = entity->fields[i].name;
      JsonObject *from = stored == NULL || names (list, name) ? args : stored;

      if (g_str_equal (name, "id") || (entity->fields[i].flags & WD_FIELD_INTERNAL))
        continue;
      if (json_object_has_member (from, name))
        json_object_set_member (merged, name, json_node_copy (json_object_get_member (from, name)));
    }
  return merged;
}

/* An upsert replaces the whole row: what is left out of the arguments
 * takes its default, so the arguments always describe the entire entry.
 * An edit from a form names the fields it sets in "only": the others
 * keep their stored value, so two desks editing different fields of one
 * entry at once both keep theirs. Its history entry says whether it
 * added the entry or which fields it changed; saving an entry unchanged
 * leaves no trace. */
static gboolean
upsert (WdOpContext     *ctx,
        const WdEntity  *entity,
        JsonObject      *args,
        GError         **error)
{
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonArray) fields = NULL;
  g_autoptr(JsonObject) edit = NULL;
  const char *id;

  if (json_object_has_member (args, "only"))
    {
      edit = onto_stored (ctx, entity, args, error);
      if (edit == NULL)
        return FALSE;
      args = edit;
    }
  row = wd_entity_read_args (entity, args, ctx->tz, error);
  if (row == NULL)
    return FALSE;

  id = json_object_get_string_member (row, "id");
  before = stored_entry (ctx, entity, id);
  if (wd_entity_field (entity, "updated_at") != NULL)
    json_object_set_int_member (row, "updated_at", ctx->now);

  if (!wd_store_put_entity (ctx->store, entity, row, error))
    return FALSE;
  json_object_set_string_member (ctx->result, "id", id);

  json_object_set_boolean_member (detail, "created", before == NULL);
  if (before != NULL)
    {
      after = stored_entry (ctx, entity, id);
      fields = after ? changed_fields (entity, before, after) : json_array_new ();
      if (json_array_get_length (fields) == 0)
        return TRUE;
      json_object_set_array_member (detail, "fields", g_steal_pointer (&fields));
    }
  return wd_op_record (ctx, entity->kind, id, NULL, NULL, detail, error);
}

gboolean
wd_op_subdistrict_upsert (WdOpContext  *ctx,
                          JsonObject   *args,
                          GError      **error)
{
  return upsert (ctx, &wd_entity_subdistrict, args, error);
}

gboolean
wd_op_topic_upsert (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  return upsert (ctx, &wd_entity_topic, args, error);
}

gboolean
wd_op_team_upsert (WdOpContext  *ctx,
                   JsonObject   *args,
                   GError      **error)
{
  return upsert (ctx, &wd_entity_team, args, error);
}

gboolean
wd_op_speaker_upsert (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  return upsert (ctx, &wd_entity_speaker, args, error);
}

/* A photo small enough for every office to pull: the app sends 256
 * pixels square at most, a few tens of kilobytes. */
#define PHOTO_MAX_BYTES (256 * 1024)

static gboolean
is_base64 (const char *text)
{
  gsize length = strlen (text);

  if (length % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/'
        && !(text[i] == '=' && i >= length - 2))
      return FALSE;
  return TRUE;
}

/* Sets a speaker's photo (a PNG or JPEG file's bytes in base64), or
 * removes it when the photo is empty. Kept apart from speaker.upsert so
 * that editing a speaker's details does not send the picture again. */
gboolean
wd_op_speaker_photo (WdOpContext  *ctx,
                     JsonObject   *args,
                     GError      **error)
{
  static const char * const known[] = { "speaker_id", "photo", NULL };
  g_autofree char *id = NULL;
  g_autofree guchar *bytes = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  const char *photo;
  gsize length = 0;

  if (!wd_args_only (args, known, error) || !wd_args_id (args, "speaker_id", WD_ARG_REQUIRED, &id, error))
    return FALSE;
  if (!json_object_has_member (args, "photo") || !JSON_NODE_HOLDS_VALUE (json_object_get_member (args, "photo"))
      || json_node_get_value_type (json_object_get_member (args, "photo")) != G_TYPE_STRING)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("photo: give the picture as base64 text, or \"\" to remove it"));
      return FALSE;
    }
  if (!wd_store_exists (ctx->store, "speakers", id))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("speaker_id: there is no speaker “%s”; it may not have been synced yet"), id);
      return FALSE;
    }
  photo = json_object_get_string_member (args, "photo");
  if (*photo != '\0')
    {
      if (strlen (photo) > (PHOTO_MAX_BYTES / 3 + 1) * 4 || !is_base64 (photo))
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       strlen (photo) > (PHOTO_MAX_BYTES / 3 + 1) * 4
                       ? _("photo: the picture is larger than 256 KB; choose a smaller one")
                       : _("photo: the picture is not base64 text"));
          return FALSE;
        }
      bytes = g_base64_decode (photo, &length);
      if (wd_picture_mime_type (bytes, length) == NULL)
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("photo: the picture is neither a PNG nor a JPEG image; choose a photo in one of those"));
          return FALSE;
        }
    }

  stmt = wd_store_prepare (ctx->store, "UPDATE speakers SET photo = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  if (*photo != '\0')
    wd_stmt_bind_text (stmt, 1, photo);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, ctx->now);
  wd_stmt_bind_text (stmt, 3, id);
  if (!wd_store_run (ctx->store, stmt, error))
    return FALSE;
  json_object_set_string_member (detail, "photo", *photo != '\0' ? "set" : "removed");
  json_object_set_string_member (ctx->result, "id", id);
  return wd_op_record (ctx, "speaker", id, NULL, NULL, detail, error);
}

gboolean
wd_op_project_upsert (WdOpContext  *ctx,
                      JsonObject   *args,
                      GError      **error)
{
  return upsert (ctx, &wd_entity_project, args, error);
}

gboolean
wd_op_settings_set (WdOpContext  *ctx,
                    JsonObject   *args,
                    GError      **error)
{
  static const char * const known[] = {
    "district_name", "accept_hours", "callback_rate_percent", NULL
  };
  g_autofree char *district = NULL;
  gint64 accept_hours = -1;
  gint64 callback_rate = -1;
  g_autofree char *number = NULL;

  if (!wd_args_only (args, known, error)
      || !wd_args_text (args, "district_name", WD_ARG_OPTIONAL, 32, &district, error)
      || !wd_args_int (args, "accept_hours", WD_ARG_OPTIONAL, 1, 24 * 30, &accept_hours, error)
      || !wd_args_int (args, "callback_rate_percent", WD_ARG_OPTIONAL, 0, 100, &callback_rate,
                       error))
    return FALSE;

  if (district != NULL && *district == '\0')
    return wd_validate_text ("district_name", district, WD_ARG_REQUIRED, 32, NULL, error);

  if (district != NULL && !wd_store_set_setting (ctx->store, "district_name", district, error))
    return FALSE;
  if (accept_hours >= 0)
    {
      number = g_strdup_printf ("%" G_GINT64_FORMAT, accept_hours);
      if (!wd_store_set_setting (ctx->store, "accept_hours", number, error))
        return FALSE;
      g_clear_pointer (&number, g_free);
    }
  if (callback_rate >= 0)
    {
      number = g_strdup_printf ("%" G_GINT64_FORMAT, callback_rate);
      if (!wd_store_set_setting (ctx->store, "callback_rate_percent", number, error))
        return FALSE;
    }

  return wd_op_record (ctx, "settings", "settings", NULL, NULL, args, error);
}
