/* wd-ui-test-util.c: UI test fixture and helpers. */
#include "config.h"

#include <glib/gstdio.h>

#include "wd-board-view.h"
#include "wd-demo.h"
#include "wd-market-view.h"
#include "wd-row-model.h"
#include "wd-schedule-view.h"
#include "wd-speaker-view.h"
#include "wd-test-util.h"
#include "wd-ui-util.h"
#include "wd-ui-test-util.h"

#define WAIT_SECONDS 20

/* The demo district as at 2026-12-01 09:00 in the district's zone. */
gint64
wd_ui_demo_now (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) dt = g_date_time_new (tz, 2026, 12, 1, 9, 0, 0);

  return g_date_time_to_unix (dt);
}

void
wd_ui_wait (WdUiCondition  condition,
            gpointer       data,
            const char    *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Waited %d s for %s", WAIT_SECONDS, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Lets pending idles, layouts and frames run. */
void
wd_ui_settle (void)
{
  gint64 until = g_get_monotonic_time () + 50 * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

GtkWindow *
wd_ui_find_window (GType type)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
board_loaded (gpointer data)
{
  WdUiFixture *fx = data;
  WdBoardView *board = WD_BOARD_VIEW (wd_window_get_view_widget (fx->window, "board"));

  for (WdOrderState s = WD_ORDER_ORDERED; s <= WD_ORDER_RATED; s++)
    if (!wd_row_model_is_ready (wd_board_view_get_column_model (board, s)))
      return FALSE;
  return TRUE;
}

/* The window opens on the dispatch board: its lists are read first. */
void
wd_ui_wait_models (WdUiFixture *fx)
{
  wd_ui_wait (board_loaded, fx, "the board to load");
}

static gboolean
model_ready (gpointer data)
{
  return wd_row_model_is_ready (data);
}

/* Shows a view and waits until its list is read. */
void
wd_ui_show_view (WdUiFixture *fx,
                 const char  *name)
{
  GtkWidget *view = wd_window_get_view_widget (fx->window, name);
  WdRowModel *model = NULL;

  wd_window_set_view (fx->window, name);
  wd_ui_settle ();
  if (WD_IS_MARKET_VIEW (view))
    model = wd_market_view_get_model (WD_MARKET_VIEW (view));
  else if (WD_IS_SPEAKER_VIEW (view))
    model = wd_speaker_view_get_model (WD_SPEAKER_VIEW (view));
  else if (WD_IS_SCHEDULE_VIEW (view))
    model = wd_schedule_view_get_model (WD_SCHEDULE_VIEW (view));
  if (model != NULL)
    wd_ui_wait (model_ready, model, name);
}

void
wd_ui_fixture_setup (WdUiFixture   *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *district = wd_demo_find_data ();
  WdStore *store;

  fx->dir = g_dir_make_tmp ("wudan-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fx->store_path = g_build_filename (fx->dir, "wudan.db", NULL);
  fx->now = wd_ui_demo_now ();

  store = wd_store_open (fx->store_path, &error);
  g_assert_no_error (error);
  g_assert_true (wd_demo_load (store, district, fx->now, NULL, &error));
  g_assert_no_error (error);
  g_object_unref (store);

  wd_load_app_style ();

  fx->workspace = wd_workspace_open (fx->store_path, &error);
  g_assert_no_error (error);
  wd_workspace_set_clock (fx->workspace, fx->now);
  fx->window = wd_window_new (NULL, fx->workspace);
  gtk_window_present (GTK_WINDOW (fx->window));
  wd_window_set_view (fx->window, "board");
  wd_ui_wait_models (fx);
}

void
wd_ui_fixture_teardown (WdUiFixture   *fx,
                        gconstpointer  data)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  wd_ui_settle ();
  g_clear_object (&fx->workspace);
  wd_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_free (fx->store_path);
}

/* The first widget under root, root included, that match accepts. */
GtkWidget *
wd_ui_find_widget (GtkWidget     *root,
                   WdUiMatch      match,
                   gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = wd_ui_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The widget as its window's renderer draws it, at its size; NULL if it
 * drew nothing. */
GdkTexture *
wd_ui_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static gboolean
is_active (gpointer window)
{
  return gtk_window_is_active (window);
}

/* Waits until window is the one the keyboard types in. Keys go to the
 * active window; and while a window is not active GTK takes its focus out
 * of the widgets it is in, so that moving the focus goes wrong. Under Xvfb,
 * with no window manager, the window under the pointer is active, or the
 * last one presented. */
void
wd_ui_wait_active (GtkWindow *window)
{
  if (!gtk_window_is_active (window))
    gtk_window_present (window);
  wd_ui_wait (is_active, window, "the window to be active");
}

static gboolean
run_key_binding (GListModel *shortcuts,
                 GtkWidget  *widget,
                 guint       keyval)
{
  for (guint i = 0; i < g_list_model_get_n_items (shortcuts); i++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, i);
      GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

      if (GTK_IS_KEYVAL_TRIGGER (trigger) && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
          && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0
          && gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                           gtk_shortcut_get_arguments (shortcut)))
        return TRUE;
    }
  return FALSE;
}

/* Presses keyval, without modifiers, where window's focus is: the key
 * bindings of the focus widget, then of each widget it is inside, until
 * one takes the key, as GTK runs them (X has no public way to send a
 * key to a GTK 4 widget). Returns whether one took it. */
gboolean
wd_ui_press_key (GtkWindow *window,
                 guint      keyval)
{
  wd_ui_wait_active (window);
  for (GtkWidget *widget = gtk_root_get_focus (GTK_ROOT (window)); widget != NULL;
       widget = gtk_widget_get_parent (widget))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

          if (GTK_IS_SHORTCUT_CONTROLLER (controller) && run_key_binding (G_LIST_MODEL (controller), widget, keyval))
            {
              wd_ui_settle ();
              return TRUE;
            }
        }
    }
  return FALSE;
}
