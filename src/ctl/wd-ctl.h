/* wd-ctl.h: what the commands of wudanctl share. */
#pragma once

#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-store.h"
#include "wd-sync-client.h"

G_BEGIN_DECLS

#define EXIT_USAGE 2

typedef struct
{
  const char *store_path;
  WdStore    *store;
  gboolean    json;
} Ctl;

typedef int (*CommandFunc) (Ctl *ctl, int argc, char **argv);

typedef struct
{
  const char  *name;
  const char  *args;       /* for the usage line */
  const char  *summary;    /* msgid */
  CommandFunc  func;
} Command;

gint64          ctl_now               (void);
int             ctl_fail              (GError          *error);
int             ctl_usage_error       (GOptionContext  *context,
                                       const char      *message);
void            ctl_print_json_array  (JsonArray       *array);
void            ctl_print_json_object (JsonObject      *object);
gboolean        ctl_open_store        (Ctl             *ctl,
                                       GError         **error);
gboolean        ctl_create_store      (Ctl             *ctl,
                                       GError         **error);
gboolean        ctl_check_limit       (int              limit,
                                       GError         **error);
gboolean        ctl_resolve           (Ctl             *ctl,
                                       const char      *kind,
                                       const char      *option,
                                       char           **value,
                                       GError         **error);
GOptionContext *ctl_command_context   (const Command   *command,
                                       GOptionEntry    *entries,
                                       gboolean        *json);
gboolean        ctl_parse             (GOptionContext  *context,
                                       int             *argc,
                                       char          ***argv,
                                       GError         **error);
gboolean        ctl_check_state       (const char      *state,
                                       GError         **error);
gboolean        ctl_parse_day         (Ctl             *ctl,
                                       const char      *option,
                                       const char      *text,
                                       gint64          *out,
                                       GError         **error);
/* Whether the store has ever signed in to a server (and syncs). */
gboolean        ctl_store_syncs       (Ctl             *ctl);
/* The sync client of a store that syncs; an error for one that never did. */
WdSyncClient   *ctl_sync_client       (Ctl             *ctl,
                                       GError         **error);
/* Who reads and writes through this store: the signed-in account of a
 * store that syncs, else the local user acting for the centre. client is
 * the store's sync client when the caller holds one already, or NULL. */
WdActor        *ctl_actor             (Ctl             *ctl,
                                       WdSyncClient    *client,
                                       GError         **error);
/* Writes contents to path, or to standard output for "-". */
gboolean        ctl_write_output      (const char      *path,
                                       const void      *data,
                                       gsize            length,
                                       GError         **error);

/* The commands of wd-ctl-exchange.c and wd-ctl-print.c. */
int             cmd_import            (Ctl *ctl, int argc, char **argv);
int             cmd_export            (Ctl *ctl, int argc, char **argv);
int             cmd_export_schedule   (Ctl *ctl, int argc, char **argv);
int             cmd_export_sheets     (Ctl *ctl, int argc, char **argv);
int             cmd_export_report     (Ctl *ctl, int argc, char **argv);
int             cmd_export_certificate (Ctl *ctl, int argc, char **argv);
int             cmd_certificates      (Ctl *ctl, int argc, char **argv);
int             cmd_certify           (Ctl *ctl, int argc, char **argv);

G_END_DECLS
