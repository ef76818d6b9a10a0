/* wd-application.h: the application: one local store, one main window,
 * the sync engine running behind them. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WD_TYPE_APPLICATION (wd_application_get_type ())

G_DECLARE_FINAL_TYPE (WdApplication, wd_application, WD, APPLICATION, AdwApplication)

WdApplication *wd_application_new              (void);
void           wd_application_set_restart_wait (WdApplication *self,
                                                guint          seconds);

G_END_DECLS
