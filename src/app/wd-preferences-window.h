/* wd-preferences-window.h: the server and account, and the district's
 * settings for those who may change them. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_PREFERENCES_WINDOW (wd_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (WdPreferencesWindow, wd_preferences_window, WD, PREFERENCES_WINDOW, AdwPreferencesWindow)

WdPreferencesWindow *wd_preferences_window_new (GtkWindow   *parent,
                                                WdWorkspace *workspace);

G_END_DECLS
