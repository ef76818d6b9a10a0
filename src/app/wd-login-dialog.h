/* wd-login-dialog.h: signing in to the district's server. The password
 * goes to the keyring, never to a file. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_LOGIN_DIALOG (wd_login_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WdLoginDialog, wd_login_dialog, WD, LOGIN_DIALOG, AdwWindow)

WdLoginDialog *wd_login_dialog_new     (GtkWindow     *parent,
                                        WdWorkspace   *workspace);
void           wd_login_dialog_fill    (WdLoginDialog *self,
                                        const char    *server,
                                        const char    *user,
                                        const char    *password);
const char    *wd_login_dialog_get_error  (WdLoginDialog *self);
const char    *wd_login_dialog_get_server (WdLoginDialog *self);

G_END_DECLS
