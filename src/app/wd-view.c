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

GPtrArray *
wd_view_list_models (WdView *self)
{
  WdViewInterface *iface;

  g_return_val_if_fail (WD_IS_VIEW (self), NULL);

  iface = WD_VIEW_GET_IFACE (self);
  return iface->list_models ? iface->list_models (self) : NULL;
}

JsonArray *
wd_view_list_rows (WdView      *self,
                   const char **kind)
{
  WdViewInterface *iface;

  g_return_val_if_fail (WD_IS_VIEW (self), NULL);

  iface = WD_VIEW_GET_IFACE (self);
  return iface->list_rows ? iface->list_rows (self, kind) : NULL;
}

/* Whether the view shows a list it can export, empty or not. */
gboolean
wd_view_has_list (WdView *self)
{
  WdViewInterface *iface;

  g_return_val_if_fail (WD_IS_VIEW (self), FALSE);

  iface = WD_VIEW_GET_IFACE (self);
  return iface->list_models != NULL || iface->list_rows != NULL;
}

/* For views' list_models: a new array holding the models given. */
GPtrArray *
wd_view_models_new (WdRowModel * const *models,
                    guint               n_models)
{
  GPtrArray *array = g_ptr_array_new_full (n_models, g_object_unref);

  for (guint i = 0; i < n_models; i++)
    if (models[i] != NULL)
      g_ptr_array_add (array, g_object_ref (models[i]));
  return array;
}
