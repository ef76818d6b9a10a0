/* wd-ui-test-util.h: the real main window on a fresh demo district, and
 * the waiting and finding that driving it takes. */
#pragma once

#include <adwaita.h>

#include "wd-window.h"
#include "wd-workspace.h"

G_BEGIN_DECLS

typedef struct
{
  char        *dir;
  char        *store_path;
  WdWorkspace *workspace;
  WdWindow    *window;
  gint64       now;
} WdUiFixture;

typedef gboolean (*WdUiCondition) (gpointer data);

void       wd_ui_fixture_setup    (WdUiFixture   *fx,
                                   gconstpointer  data);
void       wd_ui_fixture_teardown (WdUiFixture   *fx,
                                   gconstpointer  data);
gint64     wd_ui_demo_now         (void);
void       wd_ui_wait             (WdUiCondition  condition,
                                   gpointer       data,
                                   const char    *what);
void       wd_ui_settle           (void);
GtkWindow *wd_ui_find_window      (GType          type);
typedef gboolean (*WdUiMatch) (GtkWidget *widget, gconstpointer data);
GtkWidget *wd_ui_find_widget      (GtkWidget     *root,
                                   WdUiMatch      match,
                                   gconstpointer  data);
void       wd_ui_wait_models      (WdUiFixture   *fx);
void       wd_ui_show_view        (WdUiFixture   *fx,
                                   const char    *name);
GdkTexture *wd_ui_render          (GtkWidget     *widget);
void       wd_ui_wait_active      (GtkWindow     *window);
gboolean   wd_ui_press_key        (GtkWindow     *window,
                                   guint          keyval);

G_END_DECLS
