/* wd-window.h: the main window: the views of the five-order loop in a
 * view stack, the sync indicator, and the pages of single things. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_WINDOW (wd_window_get_type ())

G_DECLARE_FINAL_TYPE (WdWindow, wd_window, WD, WINDOW, AdwApplicationWindow)

WdWindow    *wd_window_new           (AdwApplication *application,
                                      WdWorkspace    *workspace);
void         wd_window_set_view      (WdWindow       *self,
                                      const char     *name);
const char  *wd_window_get_view      (WdWindow       *self);
GtkWidget   *wd_window_get_view_widget (WdWindow     *self,
                                        const char   *name);
GtkWidget   *wd_window_get_sync_indicator (WdWindow   *self);
GtkWindow   *wd_window_show_order    (WdWindow       *self,
                                      const char     *order_id);
GtkWindow   *wd_window_show_speaker  (WdWindow       *self,
                                      const char     *speaker_id);
GtkWindow   *wd_window_show_team     (WdWindow       *self,
                                      const char     *team_id);
GtkWindow   *wd_window_show_project  (WdWindow       *self,
                                      const char     *project_id);

G_END_DECLS
