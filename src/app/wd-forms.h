/* wd-forms.h: the forms of the app, each a WdFormDialog with the fields
 * of one operation, filled in from what the user is looking at. */
#pragma once

#include "wd-form-dialog.h"
#include "wd-order-actions.h"

G_BEGIN_DECLS

WdFormDialog *wd_forms_new_order        (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *project);
WdFormDialog *wd_forms_order_again      (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *order);
const char   *wd_forms_again_label      (const char     *kind);
WdFormDialog *wd_forms_again            (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         const char     *kind,
                                         JsonObject     *args,
                                         const char     *refusal);
WdFormDialog *wd_forms_edit_speaker     (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *speaker);
WdFormDialog *wd_forms_edit_team        (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *team);
WdFormDialog *wd_forms_edit_project     (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *project);
WdFormDialog *wd_forms_order_action     (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *order,
                                         WdOrderActions  action);
WdFormDialog *wd_forms_deposit          (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         const char     *fund_id);
WdFormDialog *wd_forms_propose_rewards  (GtkWidget      *parent,
                                         WdWorkspace    *workspace);
WdFormDialog *wd_forms_issue_certificate (GtkWidget     *parent,
                                          WdWorkspace   *workspace,
                                          WdAssigneeKind kind,
                                          const char    *holder_id,
                                          const char    *holder_name);
WdFormDialog *wd_forms_revoke_certificate (GtkWidget    *parent,
                                           WdWorkspace  *workspace,
                                           JsonObject   *certificate);
WdFormDialog *wd_forms_district_settings (GtkWidget     *parent,
                                          WdWorkspace   *workspace);
void          wd_forms_run_order_action (GtkWidget      *parent,
                                         WdWorkspace    *workspace,
                                         JsonObject     *order,
                                         WdOrderActions  action);

G_END_DECLS
