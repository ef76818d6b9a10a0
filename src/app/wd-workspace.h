/* wd-workspace.h: the app's controller for one local store: who the user
 * is, the operations they apply (optimistically, queued for sync), and a
 * signal when what the views show may have changed. No GTK here. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wd-actor.h"
#include "wd-import.h"
#include "wd-store.h"
#include "wd-sync-engine.h"

G_BEGIN_DECLS

#define WD_TYPE_WORKSPACE (wd_workspace_get_type ())

G_DECLARE_FINAL_TYPE (WdWorkspace, wd_workspace, WD, WORKSPACE, GObject)

WdWorkspace   *wd_workspace_open            (const char           *store_path,
                                             GError              **error);
WdWorkspace   *wd_workspace_open_anew       (const char           *store_path,
                                             char                **kept,
                                             GError              **error);
WdStore       *wd_workspace_get_store       (WdWorkspace          *self);
WdSyncEngine  *wd_workspace_get_engine      (WdWorkspace          *self);
const WdActor *wd_workspace_get_actor       (WdWorkspace          *self);
gboolean       wd_workspace_is_signed_in    (WdWorkspace          *self);
char          *wd_workspace_get_server      (WdWorkspace          *self);
gint64         wd_workspace_now             (WdWorkspace          *self);
gint64         wd_workspace_get_clock_offset (WdWorkspace         *self);
void           wd_workspace_set_clock       (WdWorkspace          *self,
                                             gint64                fixed_now);

gboolean       wd_workspace_apply           (WdWorkspace          *self,
                                             const char           *kind,
                                             JsonObject           *args,
                                             JsonObject          **result,
                                             GError              **error);
void           wd_workspace_reload_actor    (WdWorkspace          *self);
void           wd_workspace_changed         (WdWorkspace          *self);
void           wd_workspace_report_read_failure (WdWorkspace    *self,
                                                 const char     *what,
                                                 const GError   *error);

/* Reads that may take long run on a worker thread with its own
 * connection; func is called there with that store. */
typedef gpointer (*WdReadFunc) (WdStore   *store,
                                gpointer   data,
                                GError   **error);

void           wd_workspace_read_async      (WdWorkspace          *self,
                                             WdReadFunc            func,
                                             gpointer              data,
                                             GDestroyNotify        data_free,
                                             GDestroyNotify        result_free,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
void           wd_workspace_read_for_input_async (WdWorkspace     *self,
                                                  WdReadFunc       func,
                                                  gpointer         data,
                                                  GDestroyNotify   data_free,
                                                  GDestroyNotify   result_free,
                                                  GCancellable    *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer         user_data);
gpointer       wd_workspace_read_finish     (WdWorkspace          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Imports a CSV file on the worker, every row applied as the user's
 * operation the way wd_workspace_apply does; a dry run rolls back.
 * mapping (header → field, "" to leave a column out; may be NULL) overrides
 * how headers are read. The result holds every row's change or problem;
 * when an import went in, finish tells the views and starts a sync. */
void           wd_workspace_import_async    (WdWorkspace          *self,
                                             const char           *kind,
                                             GBytes               *contents,
                                             GHashTable           *mapping,
                                             gboolean              dry_run,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
WdImport      *wd_workspace_import_finish   (WdWorkspace          *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void           wd_workspace_sign_in_async   (WdWorkspace          *self,
                                             const char           *server,
                                             const char           *user,
                                             const char           *password,
                                             const char           *trust,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       wd_workspace_sign_in_finish  (WdWorkspace          *self,
                                             GAsyncResult         *result,
                                             char                **presented,
                                             GError              **error);
gboolean       wd_workspace_sign_out        (WdWorkspace          *self,
                                             GError              **error);

G_END_DECLS
