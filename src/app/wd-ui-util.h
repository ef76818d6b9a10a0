/* wd-ui-util.h: small helpers the views share: choices in drop-downs,
 * times in the district's zone, toasts, and errors shown to the user. */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "wd-order-actions.h"
#include "wd-row-model.h"
#include "wd-store.h"
#include "wd-workspace.h"

G_BEGIN_DECLS

void        wd_drop_down_fill        (GtkDropDown  *drop_down,
                                      JsonArray    *rows,
                                      const char   *id_member,
                                      const char   *label_member,
                                      const char   *all_label);
void        wd_drop_down_fill_pairs  (GtkDropDown  *drop_down,
                                      const char * const *ids,
                                      const char * const *labels,
                                      const char   *all_label);
const char *wd_drop_down_get_id      (GtkDropDown  *drop_down);
void        wd_drop_down_set_id      (GtkDropDown  *drop_down,
                                      const char   *id);

char       *wd_format_time           (WdStore      *store,
                                      gint64        unix_time,
                                      const char   *format);
char       *wd_format_span           (WdStore      *store,
                                      gint64        starts_at,
                                      gint64        ends_at);
void        wd_format_ledger_line    (WdStore      *store,
                                      JsonObject   *line,
                                      char        **title,
                                      char        **subtitle);
void        wd_format_certificate    (WdStore      *store,
                                      JsonObject   *certificate,
                                      char        **title,
                                      char        **subtitle);
char       *wd_waiting_orders_title  (WdRole        role,
                                      guint         n);
GdkTexture *wd_speaker_photo_texture (WdStore     *store,
                                      const char   *speaker_id);
char       *wd_project_month_booking (WdStore      *store,
                                      JsonObject   *project,
                                      gint64        at,
                                      const char   *except_order_id,
                                      WdBooking    *booking);

void        wd_load_app_style        (void);
GSettings  *wd_settings_new          (void);
void        wd_toast                 (GtkWidget    *widget,
                                      const char   *message);
void        wd_show_error            (GtkWidget    *widget,
                                      const char   *heading,
                                      const GError *error);
void        wd_group_add             (AdwPreferencesGroup *group,
                                      GtkWidget    *row);
void        wd_group_clear           (AdwPreferencesGroup *group);
typedef void (*WdRefreshFunc) (gpointer view);
void        wd_refresh_while_shown   (GtkWidget    *view,
                                      WdWorkspace  *workspace,
                                      WdRefreshFunc refresh);
void        wd_list_attach_on_map    (GtkWidget    *list,
                                      GListModel   *model);
void        wd_view_unlink           (gpointer      view,
                                      WdWorkspace **workspace,
                                      WdRowModel  **model);
void        wd_list_show_row         (GtkWidget    *widget,
                                      GListModel   *model,
                                      guint         position,
                                      const char   *action);
void        wd_stack_follow_model    (GtkStack     *stack,
                                      GListModel   *model);
void        wd_clear_list_box        (GtkListBox   *list_box);
GtkWidget  *wd_label_new             (const char   *css_class);
GtkWidget  *wd_inscription_new       (const char   *css_class);

/* Makes the widgets of one list row, before any item is bound to it. */
typedef GtkWidget *(*WdRowMaker) (void);

GtkListItemFactory *wd_recycling_factory_new (WdRowMaker  make,
                                              GCallback   bind,
                                              gpointer    bind_data);
GtkWidget  *wd_action_row_new        (const char   *title,
                                      const char   *subtitle);
GtkWidget  *wd_status_chip_new       (const char   *state);

void        wd_page_add_actions      (GtkWindow    *page);
GtkWidget  *wd_box_add_group         (GtkBox       *box,
                                      const char   *title);
void        wd_group_add_text        (GtkWidget    *group,
                                      const char   *title,
                                      const char   *value);
GtkWidget  *wd_link_row_new          (const char   *title,
                                      const char   *subtitle,
                                      const char   *action,
                                      const char   *id);
GtkWidget  *wd_assignments_group_new (WdWorkspace  *workspace,
                                      const char   *assignee_id,
                                      gboolean      upcoming,
                                      const char   *title);
const char *wd_field_label           (const char   *kind,
                                      const char   *field);
char       *wd_describe_fields       (const char   *kind,
                                      JsonArray    *fields);
void        wd_box_add_changes       (GtkBox       *box,
                                      WdWorkspace  *workspace,
                                      const char   *kind,
                                      const char   *entity_id);

G_END_DECLS
