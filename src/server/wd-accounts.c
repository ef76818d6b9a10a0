/* wd-accounts.c: logins, sessions and the failed-login limit. */
#define G_LOG_DOMAIN "wudan-server"

#include "config.h"

#include <string.h>
#include <sodium.h>
#include <glib/gi18n.h>

#include "wd-accounts.h"

G_DEFINE_QUARK (wd-accounts-error-quark, wd_accounts_error)

typedef struct
{
  guint  failures;
  gint64 window_start;
} Attempts;

/* Sessions recently checked, so a busy client's requests do not each
 * look theirs up again. Accounts and sessions change in this process
 * only by logging in and out (forgotten here at logout); `wudan-server
 * user disable|passwd` changes them from another process, which changes
 * the store's data version, and the whole cache is dropped. */
typedef struct
{
  WdUser *user;
  gint64  expires_at;
} KnownSession;

#define MAX_KNOWN_SESSIONS 4096

struct _WdAccounts
{
  GObject     parent_instance;

  WdStore    *store;
  GHashTable *attempts;        /* "user:NAME" or "addr:IP" → Attempts */
  GHashTable *known;           /* token hash → KnownSession */
  gint64      known_version;   /* the store's data version they were read at */
  gint64      session_seconds;
};

G_DEFINE_FINAL_TYPE (WdAccounts, wd_accounts, G_TYPE_OBJECT)

static void
wd_accounts_finalize (GObject *object)
{
  WdAccounts *self = WD_ACCOUNTS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->attempts, g_hash_table_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);
  G_OBJECT_CLASS (wd_accounts_parent_class)->finalize (object);
}

static void
wd_accounts_class_init (WdAccountsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wd_accounts_finalize;
}

static void
known_session_free (KnownSession *known)
{
  wd_user_free (known->user);
  g_free (known);
}

static void
wd_accounts_init (WdAccounts *self)
{
  self->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) known_session_free);
  self->known_version = -1;
  self->session_seconds = WD_ACCOUNTS_SESSION_SECONDS;
}

gboolean
wd_accounts_init_crypto (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_INTERNAL,
                   _("libsodium could not be initialized"));
      return FALSE;
    }
  return TRUE;
}

char *
wd_password_hash (const char  *password,
                  GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  if (g_utf8_strlen (password, -1) < WD_ACCOUNTS_MIN_PASSWORD)
    {
      g_set_error (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_WEAK_PASSWORD,
                   _("A password needs at least %d characters"), WD_ACCOUNTS_MIN_PASSWORD);
      return NULL;
    }
  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_INTERNAL,
                   _("Not enough memory to hash the password"));
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
wd_password_verify (const char *hash,
                    const char *password)
{
  if (hash == NULL || password == NULL)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

char *
wd_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
new_token (void)
{
  guchar bytes[32];
  char text[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (text);
}

WdAccounts *
wd_accounts_new (WdStore *store)
{
  WdAccounts *self = g_object_new (WD_TYPE_ACCOUNTS, NULL);

  self->store = g_object_ref (store);
  return self;
}

void
wd_accounts_set_session_seconds (WdAccounts *self,
                                 gint64      seconds)
{
  g_return_if_fail (WD_IS_ACCOUNTS (self));
  self->session_seconds = MAX (seconds, 1);
}

static Attempts *
attempts_for (WdAccounts *self,
              const char *key,
              gint64      now)
{
  Attempts *attempts = g_hash_table_lookup (self->attempts, key);

  if (attempts != NULL && now - attempts->window_start >= WD_ACCOUNTS_FAILURE_WINDOW)
    {
      attempts->failures = 0;
      attempts->window_start = now;
    }
  return attempts;
}

static void
count_failure (WdAccounts *self,
               const char *key,
               gint64      now)
{
  Attempts *attempts = attempts_for (self, key, now);

  /* Keep the table small under a flood of made-up names. */
  if (attempts == NULL && g_hash_table_size (self->attempts) > 10000)
    {
      GHashTableIter iter;
      Attempts *old;

      g_hash_table_iter_init (&iter, self->attempts);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &old))
        if (now - old->window_start >= WD_ACCOUNTS_FAILURE_WINDOW)
          g_hash_table_iter_remove (&iter);
    }

  if (attempts == NULL)
    {
      attempts = g_new0 (Attempts, 1);
      attempts->window_start = now;
      g_hash_table_insert (self->attempts, g_strdup (key), attempts);
    }
  attempts->failures++;
}

static gboolean
is_limited (WdAccounts *self,
            const char *key,
            gint64      now)
{
  Attempts *attempts = attempts_for (self, key, now);

  return attempts != NULL && attempts->failures >= WD_ACCOUNTS_MAX_FAILURES;
}

gboolean
wd_accounts_guess_allowed (WdAccounts  *self,
                           const char  *key,
                           gint64       now,
                           GError     **error)
{
  g_return_val_if_fail (WD_IS_ACCOUNTS (self), FALSE);

  if (!is_limited (self, key, now))
    return TRUE;
  g_set_error (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_RATE_LIMITED,
               _("Too many failed tries; wait %d minutes and try again"), WD_ACCOUNTS_FAILURE_WINDOW / 60);
  return FALSE;
}

void
wd_accounts_guess_failed (WdAccounts *self,
                          const char *key,
                          gint64      now)
{
  g_return_if_fail (WD_IS_ACCOUNTS (self));
  count_failure (self, key, now);
}

/* The first half of a sign-in, on the thread that owns the store:
 * refuses at once while the failed-login limit holds for the account or
 * the address, so guessing stays slow however it is spread, and otherwise
 * returns the account (NULL when there is none) whose hash the slow
 * check will compare against. */
gboolean
wd_accounts_begin_login (WdAccounts  *self,
                         const char  *name,
                         const char  *address,
                         gint64       now,
                         WdUser     **user,
                         GError     **error)
{
  g_autofree char *user_key = g_strdup_printf ("user:%s", name);
  g_autofree char *address_key = g_strdup_printf ("addr:%s", address ? address : "");

  g_return_val_if_fail (WD_IS_ACCOUNTS (self), FALSE);

  if (is_limited (self, user_key, now) || is_limited (self, address_key, now))
    {
      g_set_error (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_RATE_LIMITED,
                   _("Too many failed sign-ins; wait %d minutes and try again"),
                   WD_ACCOUNTS_FAILURE_WINDOW / 60);
      return FALSE;
    }
  *user = wd_server_store_find_user (self->store, name, NULL);
  return TRUE;
}

/* The slow half, safe on any thread: argon2id takes a tenth of a second
 * on purpose. An unknown account is checked against a fixed hash, so the
 * answer takes as long as for a real one. */
gboolean
wd_accounts_check_password (const WdUser *user,
                            const char   *password)
{
  static char *decoy;

  if (user != NULL && !user->disabled)
    return wd_password_verify (user->password_hash, password);

  if (g_once_init_enter (&decoy))
    g_once_init_leave (&decoy, wd_password_hash ("not any account's password", NULL));
  wd_password_verify (decoy, password);
  return FALSE;
}

/* The last half, back on the store's thread: counts a failure, or opens
 * the session. */
gboolean
wd_accounts_finish_login (WdAccounts    *self,
                          const char    *name,
                          const char    *address,
                          const WdUser  *user,
                          gboolean       password_ok,
                          gint64         now,
                          char         **token,
                          gint64        *expires_at,
                          GError       **error)
{
  g_autofree char *user_key = g_strdup_printf ("user:%s", name);
  g_autofree char *address_key = g_strdup_printf ("addr:%s", address ? address : "");
  g_autofree char *fresh = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (WD_IS_ACCOUNTS (self), FALSE);

  if (user == NULL || !password_ok)
    {
      count_failure (self, user_key, now);
      count_failure (self, address_key, now);
      g_set_error (error, WD_ACCOUNTS_ERROR, WD_ACCOUNTS_ERROR_BAD_CREDENTIALS,
                   _("The name or the password is wrong, or the account is disabled"));
      return FALSE;
    }

  g_hash_table_remove (self->attempts, user_key);
  fresh = new_token ();
  hash = wd_token_hash (fresh);
  if (!wd_server_store_add_session (self->store, hash, user->id, now, now + self->session_seconds, error))
    return FALSE;

  *token = g_steal_pointer (&fresh);
  *expires_at = now + self->session_seconds;
  return TRUE;
}

static void
forget_sessions_if_changed (WdAccounts *self)
{
  gint64 version = wd_store_get_data_version (self->store);

  if (version == self->known_version && version >= 0)
    return;
  g_hash_table_remove_all (self->known);
  self->known_version = version;
}

WdUser *
wd_accounts_authenticate (WdAccounts *self,
                          const char *token,
                          gint64      now)
{
  g_autofree char *hash = NULL;
  KnownSession *known;
  WdUser *user;
  gint64 expires_at = 0;

  g_return_val_if_fail (WD_IS_ACCOUNTS (self), NULL);

  if (token == NULL || *token == '\0' || strlen (token) > 128)
    return NULL;
  hash = wd_token_hash (token);
  forget_sessions_if_changed (self);

  known = g_hash_table_lookup (self->known, hash);
  if (known != NULL && known->expires_at > now)
    return wd_user_copy (known->user);

  user = wd_server_store_session_user (self->store, hash, now, &expires_at);
  if (user == NULL)
    return NULL;
  if (g_hash_table_size (self->known) >= MAX_KNOWN_SESSIONS)
    g_hash_table_remove_all (self->known);
  known = g_new0 (KnownSession, 1);
  known->user = wd_user_copy (user);
  known->expires_at = expires_at;
  g_hash_table_replace (self->known, g_steal_pointer (&hash), known);
  return user;
}

gboolean
wd_accounts_logout (WdAccounts  *self,
                    const char  *token,
                    GError     **error)
{
  g_autofree char *hash = wd_token_hash (token);

  g_hash_table_remove (self->known, hash);
  return wd_server_store_end_session (self->store, hash, error);
}
