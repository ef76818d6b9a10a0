/* wd-actor.c: the boxed actor type. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include "wd-actor.h"

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
