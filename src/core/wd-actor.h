/* wd-actor.h: who performs an operation. Operations never read globals:
 * the app, the server and wudanctl each build the actor and pass it in. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "wd-types.h"

G_BEGIN_DECLS

#define WD_TYPE_ACTOR (wd_actor_get_type ())

typedef struct
{
  char           *user;            /* account name, for history and audit */
  WdRole          role;
  char           *subdistrict_id;  /* office accounts: the one they serve */
  WdAssigneeKind  assignee_kind;   /* team accounts: the team or speaker */
  char           *assignee_id;
} WdActor;

GType     wd_actor_get_type       (void) G_GNUC_CONST;
WdActor  *wd_actor_new            (const char     *user,
                                   WdRole          role);
WdActor  *wd_actor_new_office     (const char     *user,
                                   const char     *subdistrict_id);
WdActor  *wd_actor_new_assignee   (const char     *user,
                                   WdAssigneeKind  kind,
                                   const char     *assignee_id);
/* Whoever reads a notice pinned up in public: sees no phone number. */
WdActor  *wd_actor_new_public     (void);
WdActor  *wd_actor_copy           (const WdActor  *actor);
JsonObject *wd_actor_to_json      (const WdActor  *actor,
                                   const char     *name_member);
WdActor  *wd_actor_from_json      (JsonObject     *object,
                                   const char     *name_member);
void      wd_actor_free           (WdActor        *actor);

/* The guidance centre's staff or an administrator: who keep the
 * catalogues and see speakers' and teams' whole phone numbers. */
gboolean  wd_actor_is_centre      (const WdActor  *actor);
/* A speaker's or team's phone as actor may see it: whole for the centre,
 * masked for everyone else. */
char     *wd_actor_show_phone     (const WdActor  *actor,
                                   const char     *phone);

/* Residents' and speakers' phone numbers are shown only to whoever must
 * call them; everyone else sees them masked. */
char     *wd_mask_phone           (const char     *phone);
gboolean  wd_actor_sees_phones    (const WdActor  *actor,
                                   JsonObject     *order);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WdActor, wd_actor_free)

G_END_DECLS
