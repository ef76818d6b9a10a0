/* wd-certificate-group.h: the service record certificates of one speaker
 * or team, newest first, as their page shows them: each with Print, Save
 * as PDF and Revoke…, and for the centre Issue… in the group's header. */
#pragma once

#include <adwaita.h>

#include "wd-types.h"
#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_CERTIFICATE_GROUP (wd_certificate_group_get_type ())

G_DECLARE_FINAL_TYPE (WdCertificateGroup, wd_certificate_group, WD, CERTIFICATE_GROUP, AdwPreferencesGroup)

/* Reads the holder's certificates now (a handful of rows by index); the
 * group hides itself when there are none and the user may not issue. */
GtkWidget *wd_certificate_group_new (WdWorkspace    *workspace,
                                     WdAssigneeKind  holder_kind,
                                     const char     *holder_id,
                                     const char     *holder_name);

G_END_DECLS
