/* wd-keyring.c: passwords in the Secret Service. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "wd-keyring.h"

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    "cn.wudan.Wudan.Password", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

char *
wd_keyring_lookup (const char *server,
                   const char *user)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (password_schema (), NULL, &error,
                                              "server", server, "user", user, NULL);

  if (error != NULL)
    g_message ("The keyring could not be read: %s", error->message);
  if (secret == NULL)
    return NULL;
  {
    char *copy = g_strdup (secret);

    secret_password_free (secret);
    return copy;
  }
}

gboolean
wd_keyring_store (const char *server,
                  const char *user,
                  const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup_printf (_("Wudan account %s on %s"), user, server);

  if (!secret_password_store_sync (password_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                   NULL, &error, "server", server, "user", user, NULL))
    {
      g_message ("The password could not be kept in the keyring: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

void
wd_keyring_forget (const char *server,
                   const char *user)
{
  secret_password_clear (password_schema (), NULL, NULL, NULL, "server", server, "user", user, NULL);
}
