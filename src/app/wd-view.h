/* wd-view.h: what every page of the main window does: show a workspace,
 * put the cursor in its search field (Ctrl+F) and hand its lists to
 * "Export List". */
#pragma once

#include <gtk/gtk.h>

#include "wd-row-model.h"
#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_VIEW (wd_view_get_type ())

G_DECLARE_INTERFACE (WdView, wd_view, WD, VIEW, GtkWidget)

struct _WdViewInterface
{
  GTypeInterface parent_iface;

  void (*bind)         (WdView      *self,
                        WdWorkspace *workspace);
  void (*focus_search) (WdView      *self);
  /* The lists the view shows, for export; NULL when it shows none. */
  GPtrArray *(*list_models) (WdView  *self);
  /* For a view whose list is rows it holds rather than a list model:
   * the rows and their kind (see wd-columns.h). */
  JsonArray *(*list_rows)   (WdView      *self,
                             const char **kind);
};

void wd_view_bind         (WdView      *self,
                           WdWorkspace *workspace);
void wd_view_focus_search (WdView      *self);
GPtrArray *wd_view_list_models (WdView *self);
JsonArray *wd_view_list_rows   (WdView      *self,
                                const char **kind);
gboolean   wd_view_has_list    (WdView      *self);
GPtrArray *wd_view_models_new  (WdRowModel * const *models,
                                guint               n_models);

G_END_DECLS
