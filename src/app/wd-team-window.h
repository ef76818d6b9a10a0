/* wd-team-window.h: a volunteer team's page: who leads it and how to
 * reach them, the projects it gives in the marketplace, its services to
 * come and given, and its service record certificates. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_TEAM_WINDOW (wd_team_window_get_type ())

G_DECLARE_FINAL_TYPE (WdTeamWindow, wd_team_window, WD, TEAM_WINDOW, AdwWindow)

WdTeamWindow *wd_team_window_new (GtkWindow   *parent,
                                  WdWorkspace *workspace,
                                  const char  *team_id);

G_END_DECLS
