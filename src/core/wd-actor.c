/* wd-actor.c: the boxed actor type. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>

#include "wd-actor.h"
#include "wd-json.h"

G_DEFINE_BOXED_TYPE (WdActor, wd_actor, wd_actor_copy, wd_actor_free)

WdActor *
wd_actor_new (const char *user,
              WdRole      role)
{
  WdActor *actor;

  g_return_val_if_fail (user != NULL && *user != '\0', NULL);

  actor = g_new0 (WdActor, 1);
  actor->user = g_strdup (user);
  actor->role = role;
  actor->assignee_kind = WD_ASSIGNEE_NONE;
  return actor;
}

WdActor *
wd_actor_new_office (const char *user,
                     const char *subdistrict_id)
{
  WdActor *actor;

  g_return_val_if_fail (subdistrict_id != NULL, NULL);

  actor = wd_actor_new (user, WD_ROLE_OFFICE);
  actor->subdistrict_id = g_strdup (subdistrict_id);
  return actor;
}

WdActor *
wd_actor_new_assignee (const char     *user,
                       WdAssigneeKind  kind,
                       const char     *assignee_id)
{
  WdActor *actor;

  g_return_val_if_fail (kind != WD_ASSIGNEE_NONE, NULL);
  g_return_val_if_fail (assignee_id != NULL, NULL);

  actor = wd_actor_new (user, WD_ROLE_TEAM);
  actor->assignee_kind = kind;
  actor->assignee_id = g_strdup (assignee_id);
  return actor;
}

/* A team account of no team: the rulebook lets it do nothing and
 * wd_actor_sees_phones shows it no number. */
WdActor *
wd_actor_new_public (void)
{
  return wd_actor_new ("public", WD_ROLE_TEAM);
}

WdActor *
wd_actor_copy (const WdActor *actor)
{
  WdActor *copy;

  g_return_val_if_fail (actor != NULL, NULL);

  copy = g_new0 (WdActor, 1);
  copy->user = g_strdup (actor->user);
  copy->role = actor->role;
  copy->subdistrict_id = g_strdup (actor->subdistrict_id);
  copy->assignee_kind = actor->assignee_kind;
  copy->assignee_id = g_strdup (actor->assignee_id);
  return copy;
}

void
wd_actor_free (WdActor *actor)
{
  if (actor == NULL)
    return;
  g_free (actor->user);
  g_free (actor->subdistrict_id);
  g_free (actor->assignee_id);
  g_free (actor);
}

/* The one JSON shape of an actor's scope, used for the signed-in user the
 * server reports and for the actor kept with each queued operation; only
 * the member holding the account name differs ("name" or "user"). */
JsonObject *
wd_actor_to_json (const WdActor *actor,
                  const char    *name_member)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, name_member, actor->user);
  json_object_set_string_member (object, "role", wd_role_to_string (actor->role));
  if (actor->subdistrict_id != NULL)
    json_object_set_string_member (object, "subdistrict_id", actor->subdistrict_id);
  if (actor->assignee_id != NULL)
    {
      json_object_set_string_member (object, "assignee_kind", wd_assignee_kind_to_string (actor->assignee_kind));
      json_object_set_string_member (object, "assignee_id", actor->assignee_id);
    }
  return object;
}

/* NULL when the object names no account or no known role. */
WdActor *
wd_actor_from_json (JsonObject *object,
                    const char *name_member)
{
  const char *name = json_object_get_string_member_with_default (object, name_member, NULL);
  WdRole role;
  WdAssigneeKind kind = WD_ASSIGNEE_NONE;
  WdActor *actor;

  if (name == NULL || *name == '\0'
      || !wd_role_from_string (json_object_get_string_member_with_default (object, "role", ""), &role))
    return NULL;
  actor = wd_actor_new (name, role);
  actor->subdistrict_id = g_strdup (json_object_get_string_member_with_default (object, "subdistrict_id", NULL));
  actor->assignee_id = g_strdup (json_object_get_string_member_with_default (object, "assignee_id", NULL));
  if (actor->assignee_id != NULL
      && wd_assignee_kind_from_string (json_object_get_string_member_with_default (object, "assignee_kind", ""),
                                       &kind))
    actor->assignee_kind = kind;
  return actor;
}

/* 13912340000 → 139****0000: enough to recognise, not to call. */
char *
wd_mask_phone (const char *phone)
{
  gsize len = phone ? strlen (phone) : 0;

  if (len < 7)
    return g_strdup ("****");
  return g_strdup_printf ("%.3s****%s", phone, phone + len - 4);
}

gboolean
wd_actor_is_centre (const WdActor *actor)
{
  return actor->role == WD_ROLE_CENTRE || actor->role == WD_ROLE_ADMIN;
}

char *
wd_actor_show_phone (const WdActor *actor,
                     const char    *phone)
{
  return wd_actor_is_centre (actor) ? g_strdup (phone) : wd_mask_phone (phone);
}

/* Whoever must call the requester sees the number: the centre, and an
 * office for its own sub-district. */
gboolean
wd_actor_sees_phones (const WdActor *actor,
                      JsonObject    *order)
{
  switch (actor->role)
    {
    case WD_ROLE_ADMIN:
    case WD_ROLE_CENTRE:
      return TRUE;
    case WD_ROLE_OFFICE:
      return order == NULL
          || g_strcmp0 (actor->subdistrict_id, wd_json_text (order, "subdistrict_id")) == 0;
    case WD_ROLE_TEAM:
      return order != NULL && g_strcmp0 (actor->assignee_id, wd_json_text (order, "assignee_id")) == 0;
    default:
      return FALSE;
    }
}
