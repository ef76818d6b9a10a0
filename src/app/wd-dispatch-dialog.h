/* wd-dispatch-dialog.h: sending an order to a speaker or team: the ranked
 * candidates with the reasons for their rank, and a warning (and a
 * recorded reason) when the chosen one is booked at that time. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_DISPATCH_DIALOG (wd_dispatch_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WdDispatchDialog, wd_dispatch_dialog, WD, DISPATCH_DIALOG, AdwWindow)

WdDispatchDialog *wd_dispatch_dialog_new            (GtkWidget        *parent,
                                                     WdWorkspace      *workspace,
                                                     const char       *order_id);
guint             wd_dispatch_dialog_get_n_candidates (WdDispatchDialog *self);
gboolean          wd_dispatch_dialog_get_loading    (WdDispatchDialog *self);
int               wd_dispatch_dialog_find           (WdDispatchDialog *self,
                                                     const char       *assignee_id,
                                                     gboolean         *clash);
void              wd_dispatch_dialog_select         (WdDispatchDialog *self,
                                                     guint             index);
void              wd_dispatch_dialog_set_force_reason (WdDispatchDialog *self,
                                                       const char       *reason);
gboolean          wd_dispatch_dialog_apply          (WdDispatchDialog *self);
const char       *wd_dispatch_dialog_get_capacity_warning (WdDispatchDialog *self);

G_END_DECLS
