/* wd-view.h: what every page of the main window does: show a workspace,
 * and put the cursor in its search field (Ctrl+F). */
#pragma once

#include <gtk/gtk.h>

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
};

void wd_view_bind         (WdView      *self,
                           WdWorkspace *workspace);
void wd_view_focus_search (WdView      *self);

G_END_DECLS
