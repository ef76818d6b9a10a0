/* wd-accounts.h: passwords (argon2id through libsodium), bearer sessions
 * stored hashed, and the limit on failed logins. */
#pragma once

#include <glib-object.h>

#include "wd-server-store.h"

G_BEGIN_DECLS

#define WD_ACCOUNTS_ERROR (wd_accounts_error_quark ())

typedef enum
{
  WD_ACCOUNTS_ERROR_BAD_CREDENTIALS,
  WD_ACCOUNTS_ERROR_RATE_LIMITED,
  WD_ACCOUNTS_ERROR_WEAK_PASSWORD,
  WD_ACCOUNTS_ERROR_INTERNAL,
} WdAccountsError;

#define WD_ACCOUNTS_MAX_FAILURES 5
#define WD_ACCOUNTS_FAILURE_WINDOW (15 * 60)
#define WD_ACCOUNTS_SESSION_SECONDS (12 * 3600)
#define WD_ACCOUNTS_MIN_PASSWORD 8

#define WD_TYPE_ACCOUNTS (wd_accounts_get_type ())

G_DECLARE_FINAL_TYPE (WdAccounts, wd_accounts, WD, ACCOUNTS, GObject)

GQuark      wd_accounts_error_quark (void);

gboolean    wd_accounts_init_crypto (GError      **error);
char       *wd_password_hash        (const char   *password,
                                     GError      **error);
gboolean    wd_password_verify      (const char   *hash,
                                     const char   *password);
char       *wd_token_hash           (const char   *token);

WdAccounts *wd_accounts_new         (WdStore      *store);
void        wd_accounts_set_session_seconds (WdAccounts *self,
                                             gint64      seconds);
gboolean    wd_accounts_begin_login (WdAccounts   *self,
                                     const char   *name,
                                     const char   *address,
                                     gint64        now,
                                     WdUser      **user,
                                     GError      **error);
gboolean    wd_accounts_check_password (const WdUser *user,
                                        const char   *password);
gboolean    wd_accounts_finish_login (WdAccounts  *self,
                                      const char  *name,
                                      const char  *address,
                                      const WdUser *user,
                                      gboolean     password_ok,
                                      gint64       now,
                                      char       **token,
                                      gint64      *expires_at,
                                      GError     **error);
/* The same limit, for other guesses a stranger could make without an
 * account (an order's number with the end of its contact's phone). */
gboolean    wd_accounts_guess_allowed (WdAccounts  *self,
                                       const char  *key,
                                       gint64       now,
                                       GError     **error);
void        wd_accounts_guess_failed  (WdAccounts  *self,
                                       const char  *key,
                                       gint64       now);
WdUser     *wd_accounts_authenticate (WdAccounts  *self,
                                      const char  *token,
                                      gint64       now);
gboolean    wd_accounts_logout      (WdAccounts   *self,
                                     const char   *token,
                                     GError      **error);

G_END_DECLS
