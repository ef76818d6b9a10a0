/* wd-import-dialog.h: importing speakers, teams or projects from a CSV
 * file: a dry run lists every row's change or problem by its line, and
 * the import runs only when every row is right. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_IMPORT_DIALOG (wd_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WdImportDialog, wd_import_dialog, WD, IMPORT_DIALOG, AdwWindow)

WdImportDialog *wd_import_dialog_new        (GtkWindow      *parent,
                                             WdWorkspace    *workspace);
/* kind: speaker, team or project. */
void            wd_import_dialog_set_kind   (WdImportDialog *self,
                                             const char     *kind);
/* Takes a file's contents, as choosing it does, and starts the dry run. */
void            wd_import_dialog_load_bytes (WdImportDialog *self,
                                             GBytes         *contents,
                                             const char     *file_name);
/* Whether a dry run or import is under way. */
gboolean        wd_import_dialog_is_busy    (WdImportDialog *self);
/* The rows of the last run, or NULL. */
WdImport       *wd_import_dialog_get_import (WdImportDialog *self);

G_END_DECLS
