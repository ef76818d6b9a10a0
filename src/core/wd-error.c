/* wd-error.c: the WD_ERROR domain and the stable names of its codes. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>

#include "wd-error.h"

G_DEFINE_QUARK (wd-error-quark, wd_error)

static const char * const code_names[] = {
  [WD_ERROR_INVALID_ARGUMENT] = "invalid-argument",
  [WD_ERROR_UNKNOWN_OPERATION] = "unknown-operation",
  [WD_ERROR_FORBIDDEN] = "forbidden",
  [WD_ERROR_NOT_FOUND] = "not-found",
  [WD_ERROR_WRONG_STATE] = "wrong-state",
  [WD_ERROR_CLASH] = "clash",
  [WD_ERROR_DEADLINE_PASSED] = "deadline-passed",
  [WD_ERROR_FUND_INSUFFICIENT] = "fund-insufficient",
  [WD_ERROR_DUPLICATE] = "duplicate",
  [WD_ERROR_STORE] = "store-failure",
  [WD_ERROR_SCHEMA_TOO_NEW] = "schema-too-new",
  [WD_ERROR_STORE_DAMAGED] = "store-damaged",
};

G_STATIC_ASSERT (G_N_ELEMENTS (code_names) == WD_ERROR_LAST + 1);

/* Whether the rulebook refused (the operation's own fate, to record and
 * report), rather than the store failing under it (to try again). */
gboolean
wd_error_is_refusal (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);
  return error->domain == WD_ERROR && error->code != WD_ERROR_STORE && error->code != WD_ERROR_STORE_DAMAGED;
}

const char *
wd_error_code_to_string (int code)
{
  if (code < 0 || code > WD_ERROR_LAST)
    return "unknown";
  return code_names[code];
}

gboolean
wd_error_code_from_string (const char *name,
                           int        *code)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (code_names); i++)
    {
      if (g_str_equal (name, code_names[i]))
        {
          if (code != NULL)
            *code = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* The core words argument errors "field: what to do" ("field：…" in
 * Chinese); a form marks the field and shows the rest beside it. */
gboolean
wd_error_split_field (const GError  *error,
                      char         **field,
                      char         **message)
{
  const char *p;

  *field = NULL;
  *message = NULL;
  if (error == NULL || !g_error_matches (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT))
    return FALSE;
  for (p = error->message; g_ascii_isalnum (*p) || *p == '_'; p++)
    ;
  if (p == error->message)
    return FALSE;
  *field = g_strndup (error->message, p - error->message);
  /* Chinese messages put a full-width colon after the field. */
  if (g_str_has_prefix (p, ": "))
    *message = g_strdup (p + 2);
  else if (g_str_has_prefix (p, "\xef\xbc\x9a"))
    *message = g_strdup (p + 3);
  else
    g_clear_pointer (field, g_free);
  return *field != NULL;
}
