/* wd-form-dialog.h: a dialog that gathers the arguments of one operation,
 * applies it, and marks the field the rulebook refused with its reason.
 * Every form of the app (a new order, a delivery, a rating, a speaker...)
 * is one of these with its fields. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_FORM_DIALOG (wd_form_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WdFormDialog, wd_form_dialog, WD, FORM_DIALOG, AdwWindow)

typedef enum
{
  WD_FORM_OPTIONAL = 0,
  WD_FORM_REQUIRED = 1 << 0,
  WD_FORM_INTEGER = 1 << 1,     /* a choice whose ids are numbers */
} WdFormFlags;

WdFormDialog *wd_form_dialog_new             (GtkWidget          *parent,
                                              WdWorkspace        *workspace,
                                              const char         *title,
                                              const char         *apply_label,
                                              const char         *operation);
void          wd_form_dialog_set_description (WdFormDialog       *self,
                                              const char         *text);
void          wd_form_dialog_set_warning     (WdFormDialog       *self,
                                              const char         *text);
const char   *wd_form_dialog_get_warning     (WdFormDialog       *self);
JsonObject   *wd_form_dialog_read_args       (WdFormDialog       *self);
void          wd_form_dialog_send_changes_only (WdFormDialog     *self,
                                                const char       *naming);
void          wd_form_dialog_add_text        (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              const char         *value,
                                              WdFormFlags         flags);
void          wd_form_dialog_add_multiline   (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              const char         *value);
void          wd_form_dialog_add_number      (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              double              min,
                                              double              max,
                                              double              step,
                                              double              value);
void          wd_form_dialog_add_choice      (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              const char * const *ids,
                                              const char * const *labels,
                                              const char         *value,
                                              WdFormFlags         flags);
void          wd_form_dialog_add_choice_rows (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              JsonArray          *rows,
                                              const char         *label_member,
                                              const char         *value,
                                              WdFormFlags         flags);
void          wd_form_dialog_add_checks      (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              JsonArray          *rows,
                                              const char         *label_member,
                                              JsonArray          *selected);
void          wd_form_dialog_add_stars       (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              int                 value);
void          wd_form_dialog_add_switch      (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *label,
                                              gboolean            value);
void          wd_form_dialog_set_fixed       (WdFormDialog       *self,
                                              const char         *name,
                                              JsonNode           *value);
void          wd_form_dialog_set_fixed_string (WdFormDialog      *self,
                                               const char        *name,
                                               const char        *value);

gboolean      wd_form_dialog_set_value       (WdFormDialog       *self,
                                              const char         *name,
                                              const char         *value);
const char   *wd_form_dialog_get_operation   (WdFormDialog       *self);
const char   *wd_form_dialog_get_error_field (WdFormDialog       *self);
gboolean      wd_form_dialog_apply           (WdFormDialog       *self);

G_END_DECLS
