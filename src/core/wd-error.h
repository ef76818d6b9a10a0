/* wd-error.h: the error domain every refusal of the core is reported in. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WD_ERROR (wd_error_quark ())

/* Stable across releases: clients and the server exchange the string form
 * (wd_error_code_to_string) and scripts match on it. Append, never renumber. */
typedef enum
{
  WD_ERROR_INVALID_ARGUMENT,
  WD_ERROR_UNKNOWN_OPERATION,
  WD_ERROR_FORBIDDEN,
  WD_ERROR_NOT_FOUND,
  WD_ERROR_WRONG_STATE,
  WD_ERROR_CLASH,
  WD_ERROR_DEADLINE_PASSED,
  WD_ERROR_FUND_INSUFFICIENT,
  WD_ERROR_DUPLICATE,
  WD_ERROR_STORE,
  WD_ERROR_SCHEMA_TOO_NEW,
  WD_ERROR_STORE_DAMAGED,     /* the file is not a sound database */
} WdError;

#define WD_ERROR_LAST WD_ERROR_STORE_DAMAGED

GQuark       wd_error_quark            (void);
const char  *wd_error_code_to_string   (int         code);
gboolean     wd_error_code_from_string (const char *name,
                                        int        *code);
gboolean     wd_error_is_refusal       (const GError *error);
gboolean     wd_error_split_field      (const GError *error,
                                        char       **field,
                                        char       **message);

G_END_DECLS
