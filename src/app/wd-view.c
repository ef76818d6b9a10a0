/* wd-view.c: the interface of the main window's pages. */
#include "config.h"

#include "wd-view.h"

G_DEFINE_INTERFACE (WdView, wd_view, GTK_TYPE_WIDGET)

static void
wd_view_default_init (WdViewInterface *iface)
{
}

void
wd_view_bind (WdView      *self,
              WdWorkspace *workspace)
{
  g_return_if_fail (WD_IS_VIEW (self));
  WD_VIEW_GET_IFACE (self)->bind (self, workspace);
}

void
wd_view_focus_search (WdView *self)
{
  g_return_if_fail (WD_IS_VIEW (self));
  if (WD_VIEW_GET_IFACE (self)->focus_search != NULL)
    WD_VIEW_GET_IFACE (self)->focus_search (self);
}
