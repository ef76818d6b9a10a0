/* wd-op-catalogue.c: operations on the catalogues (sub-districts, topics,
 * teams, speakers, projects) and on the settings. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-entity.h"
#include "wd-operations-private.h"

/* An upsert replaces the whole row: what is left out of the arguments
 * takes its default, so the arguments always describe the entire entry. */
static gboolean
upsert (WdOpContext     *ctx,
        const WdEntity  *entity,
        JsonObject      *args,
        GError         **error)
{
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  const char *id;
  gboolean existed;

  row = wd_entity_read_args (entity, args, ctx->tz, error);
  if (row == NULL)
    return FALSE;

  id = json_object_get_string_member (row, "id");
  existed = wd_store_exists (ctx->store, entity->table, id);
  if (wd_entity_field (entity, "updated_at") != NULL)
    json_object_set_int_member (row, "updated_at", ctx->now);

  if (!wd_store_put_entity (ctx->store, entity, row, error))
    return FALSE;

  json_object_set_boolean_member (detail, "created", !existed);
  json_object_set_string_member (ctx->result, "id", id);
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
