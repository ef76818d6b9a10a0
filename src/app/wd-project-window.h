/* wd-project-window.h: a project of the marketplace and the way to order
 * it (点单). */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_PROJECT_WINDOW (wd_project_window_get_type ())

G_DECLARE_FINAL_TYPE (WdProjectWindow, wd_project_window, WD, PROJECT_WINDOW, AdwWindow)

WdProjectWindow *wd_project_window_new (GtkWindow   *parent,
                                        WdWorkspace *workspace,
                                        const char  *project_id);

G_END_DECLS
