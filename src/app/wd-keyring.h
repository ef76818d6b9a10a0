/* wd-keyring.h: the account password in the desktop keyring (libsecret),
 * never in a file. Blocking calls: use them off the UI thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *wd_keyring_lookup (const char *server,
                             const char *user);
gboolean  wd_keyring_store  (const char *server,
                             const char *user,
                             const char *password);
void      wd_keyring_forget (const char *server,
                             const char *user);

G_END_DECLS
