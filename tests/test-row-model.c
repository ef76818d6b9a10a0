/* test-row-model.c: the app's list model without a display: it reads the
 * keys on the worker connection, and after an operation tells the views
 * exactly what changed — a card leaving one column, a card changing in
 * place — not "everything". */
#define _GNU_SOURCE  /* SCHED_BATCH */
#include "config.h"

#include <sched.h>

#include "wd-row-model.h"
#include "wd-row.h"
#include "wd-test-util.h"
#include "wd-workspace.h"

typedef struct
{
  guint position, removed, added;
} Change;

static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static void
wait_ready (WdRowModel *model)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!wd_row_model_is_ready (model))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
show_all (WdRowModel *model)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
}

static WdWorkspace *
open_workspace (WdFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "store.db", NULL);
  WdWorkspace *workspace = wd_workspace_open (path, &error);

  g_assert_no_error (error);
  wd_workspace_set_clock (workspace, fx->t0);
  return workspace;
}

/* A list of every order on workspace, read. */
static WdRowModel *
read_orders (WdWorkspace *workspace)
{
  WdRowModel *model = wd_row_model_new (workspace, "order");

  wd_row_model_start (model);
  wait_ready (model);
  return model;
}

static void
test_changes_are_narrow (WdFixture     *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WdWorkspace) workspace = NULL;
  g_autoptr(WdRowModel) all = NULL;
  g_autoptr(WdRowModel) ordered = NULL;
  g_autoptr(GArray) all_changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GArray) ordered_changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(JsonObject) args = json_object_new ();
  char *ids[5] = { NULL };
  g_autoptr(WdRow) third = NULL;
  Change *change;

  for (guint i = 0; i < 5; i++)
    ids[i] = wd_test_create_order (fx, (gint) i * 10);

  workspace = open_workspace (fx);
  all = wd_row_model_new (workspace, "order");
  ordered = wd_row_model_new (workspace, "order");
  wd_row_model_set_filter (ordered, "state", "ordered");
  wd_row_model_start (all);
  wd_row_model_start (ordered);
  wait_ready (all);
  wait_ready (ordered);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ordered)), ==, 5);
  third = g_list_model_get_item (G_LIST_MODEL (all), 2);
  g_assert_cmpstr (wd_row_get_id (third), ==, ids[2]);
  show_all (all);
  show_all (ordered);

  g_signal_connect (all, "items-changed", G_CALLBACK (record_change), all_changes);
  g_signal_connect (ordered, "items-changed", G_CALLBACK (record_change), ordered_changes);

  json_object_set_string_member (args, "order_id", ids[2]);
  json_object_set_string_member (args, "assignee_kind", "team");
  json_object_set_string_member (args, "assignee_id", "team-a");
  g_assert_true (wd_workspace_apply (workspace, "order.dispatch", args, NULL, &error));
  g_assert_no_error (error);
  g_main_context_iteration (NULL, FALSE);
  wait_ready (all);
  wait_ready (ordered);

  /* In the list of every order the third changed in place ... */
  g_assert_cmpuint (all_changes->len, ==, 1);
  change = &g_array_index (all_changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 2);
  g_assert_cmpuint (change->removed, ==, 1);
  g_assert_cmpuint (change->added, ==, 1);
  g_clear_object (&third);
  third = g_list_model_get_item (G_LIST_MODEL (all), 2);
  g_assert_cmpstr (wd_row_get_string (third, "state"), ==, "dispatched");

  /* ... and it left the column of orders waiting for dispatch. */
  g_assert_cmpuint (ordered_changes->len, ==, 1);
  change = &g_array_index (ordered_changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 2);
  g_assert_cmpuint (change->removed, ==, 1);
  g_assert_cmpuint (change->added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ordered)), ==, 4);

  /* A search narrows the list to what the index finds. */
  g_array_set_size (all_changes, 0);
  wd_row_model_set_text (all, "不存在的词");
  wait_ready (all);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 0);
  wd_row_model_set_text (all, "历阳");
  wait_ready (all);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 5);

  /* A search changes which rows are listed, not the rows: the same row
   * comes back without being read again ... */
  {
    g_autoptr(WdRow) again = g_list_model_get_item (G_LIST_MODEL (all), 2);

    g_assert_true (again == third);
  }

  /* ... but after a change of the data every row is read afresh, and the
   * one that changed says so. */
  json_object_set_string_member (args, "order_id", ids[3]);
  g_assert_true (wd_workspace_apply (workspace, "order.dispatch", args, NULL, &error));
  g_assert_no_error (error);
  g_main_context_iteration (NULL, FALSE);
  wait_ready (all);
  wait_ready (ordered);
  {
    g_autoptr(WdRow) fourth = g_list_model_get_item (G_LIST_MODEL (all), 3);
    g_autoptr(WdRow) unchanged = g_list_model_get_item (G_LIST_MODEL (all), 2);

    g_assert_cmpstr (wd_row_get_id (fourth), ==, ids[3]);
    g_assert_cmpstr (wd_row_get_string (fourth, "state"), ==, "dispatched");
    g_assert_true (unchanged != third);
    g_assert_cmpstr (wd_row_get_string (unchanged, "state"), ==, "dispatched");
  }

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

static void
count_changed (WdRow *row,
               guint *count)
{
  (*count)++;
}

static void
assert_changes (GArray *changes,
                guint   n,
                ...)
{
  va_list args;

  g_assert_cmpuint (changes->len, ==, n);
  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      Change *change = &g_array_index (changes, Change, i);

      g_assert_cmpuint (change->position, ==, va_arg (args, guint));
      g_assert_cmpuint (change->removed, ==, va_arg (args, guint));
      g_assert_cmpuint (change->added, ==, va_arg (args, guint));
    }
  va_end (args);
  g_array_set_size (changes, 0);
}

/* Dispatches an order through the fixture's store: the workspace the
 * test opens does not hear of it. */
static void
dispatch_order (WdFixture  *fx,
                const char *order_id)
{
  g_autofree char *dispatch = g_strdup_printf ("{\"order_id\":\"%s\",\"assignee_kind\":\"team\","
                                               "\"assignee_id\":\"team-a\"}", order_id);

  json_object_unref (wd_test_apply (fx, fx->centre, "order.dispatch", dispatch));
}

/* A search or a filter gives the rows a view shows at the top the
 * contents of the rows now in their places, so GTK keeps their widgets
 * rather than building new ones; it adds the rest in a change that
 * removes nothing. Scrolled further down, the view gets a new list. */
static void
test_search_keeps_shown_rows (WdFixture     *fx,
                              gconstpointer  data)
{
  g_autoptr(WdWorkspace) workspace = NULL;
  g_autoptr(WdRowModel) model = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  char *ids[6] = { NULL };
  WdRow *shown[3];
  guint changed[3] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = wd_test_create_order (fx, (gint) i * 10);
  dispatch_order (fx, ids[2]);
  dispatch_order (fx, ids[4]);
  workspace = open_workspace (fx);
  model = read_orders (workspace);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 6);

  /* A view shows the first three. */
  for (guint i = 0; i < 3; i++)
    {
      shown[i] = g_list_model_get_item (G_LIST_MODEL (model), i);
      wd_row_set_bound (shown[i], TRUE);
      g_signal_connect (shown[i], "changed", G_CALLBACK (count_changed), &changed[i]);
    }
  g_signal_connect (model, "items-changed", G_CALLBACK (record_change), changes);

  wd_row_model_set_filter (model, "state", "dispatched");
  wait_ready (model);
  assert_changes (changes, 1, 0, 6, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(WdRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_true (row == shown[i]);
      g_assert_cmpstr (wd_row_get_id (row), ==, ids[2 + 2 * i]);
      g_assert_cmpstr (wd_row_get_string (row, "state"), ==, "dispatched");
      /* No GTK here binds it again: the row tells its widgets itself. */
      g_assert_cmpuint (changed[i], ==, 1);
    }
  g_assert_cmpstr (wd_row_get_id (shown[2]), ==, ids[2]);
  g_assert_cmpuint (changed[2], ==, 0);

  /* Back to every order: the two shown take the first two, the other
   * four come after them. */
  wd_row_model_set_filter (model, "state", NULL);
  wait_ready (model);
  assert_changes (changes, 2, 0, 2, 2, 2, 0, 4);
  g_assert_cmpstr (wd_row_get_id (shown[0]), ==, ids[0]);
  g_assert_cmpstr (wd_row_get_id (shown[1]), ==, ids[1]);

  /* Scrolled down, the view shows the fourth and fifth: a new list. */
  for (guint i = 0; i < 2; i++)
    wd_row_set_bound (shown[i], FALSE);
  for (guint i = 3; i < 5; i++)
    {
      g_autoptr(WdRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);

      wd_row_set_bound (row, TRUE);
    }
  wd_row_model_set_filter (model, "state", "dispatched");
  wait_ready (model);
  assert_changes (changes, 2, 0, 6, 0, 0, 0, 2);

  for (guint i = 0; i < 3; i++)
    g_object_unref (shown[i]);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* A view shows the first n rows of model; returns them, bound. */
static GPtrArray *
show_first (WdRowModel *model,
            guint       n)
{
  GPtrArray *shown = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      WdRow *row = g_list_model_get_item (G_LIST_MODEL (model), i);

      wd_row_set_bound (row, TRUE);
      g_ptr_array_add (shown, row);
    }
  return shown;
}

/* The rows a search takes off the screen stay read: typed back, or
 * cleared, the search lists them again without reading them, until the
 * data changes. Seen here by changing an order behind the model's back:
 * the row keeps what it said until the model is told of the change. */
static void
test_search_typed_back_reads_nothing (WdFixture     *fx,
                                      gconstpointer  data)
{
  g_autoptr(WdWorkspace) workspace = NULL;
  g_autoptr(WdRowModel) model = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  char *ids[4] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = wd_test_create_order (fx, (gint) i * 10);
  dispatch_order (fx, ids[2]);
  workspace = open_workspace (fx);
  model = read_orders (workspace);
  shown = show_first (model, 2);

  wd_row_model_set_filter (model, "state", "dispatched");
  wait_ready (model);
  g_assert_cmpstr (wd_row_get_id (g_ptr_array_index (shown, 0)), ==, ids[2]);

  /* The first order changes; nobody tells the model. */
  dispatch_order (fx, ids[0]);
  wd_row_model_set_filter (model, "state", NULL);
  wait_ready (model);
  g_assert_cmpstr (wd_row_get_id (g_ptr_array_index (shown, 0)), ==, ids[0]);
  g_assert_cmpstr (wd_row_get_string (g_ptr_array_index (shown, 0), "state"), ==, "ordered");

  /* Told, it reads the row again. */
  wd_workspace_changed (workspace);
  wait_ready (model);
  {
    g_autoptr(WdRow) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_cmpstr (wd_row_get_id (first), ==, ids[0]);
    g_assert_cmpstr (wd_row_get_string (first, "state"), ==, "dispatched");
  }

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* More rows read than the model keeps: it lets go of those no view
 * shows, and the next search still finds the rows on screen and keeps
 * them (and with them their widgets). */
static void
test_full_cache_keeps_shown_rows (WdFixture     *fx,
                                  gconstpointer  data)
{
  g_autoptr(WdWorkspace) workspace = NULL;
  g_autoptr(WdRowModel) model = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  /* More than a model keeps (MAX_CACHED_ROWS). */
  for (guint i = 0; i < 450; i++)
    g_ptr_array_add (ids, wd_test_create_order (fx, (gint) i));
  dispatch_order (fx, g_ptr_array_index (ids, 10));
  dispatch_order (fx, g_ptr_array_index (ids, 20));
  workspace = open_workspace (fx);
  model = read_orders (workspace);
  shown = show_first (model, 3);
  /* Scrolled from top to bottom and back: every row read once. */
  show_all (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (record_change), changes);

  wd_row_model_set_filter (model, "state", "dispatched");
  wait_ready (model);
  assert_changes (changes, 1, 0, 450, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(WdRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_true (row == g_ptr_array_index (shown, i));
      g_assert_cmpstr (wd_row_get_id (row), ==, g_ptr_array_index (ids, 10 + 10 * i));
    }
}

/* GDK paints at this priority (GDK_PRIORITY_REDRAW); the tests stand in
 * for the frame with an idle of their own at it. */
#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

typedef struct
{
  WdRowModel *model;
  gboolean    painted;
  gboolean    ready_when_painted;
  guint       n_when_painted;
} Frame;

static gboolean
paint_frame (gpointer data)
{
  Frame *frame = data;

  frame->painted = TRUE;
  frame->ready_when_painted = wd_row_model_is_ready (frame->model);
  frame->n_when_painted = g_list_model_get_n_items (G_LIST_MODEL (frame->model));
  return G_SOURCE_REMOVE;
}

/* A keystroke's search is read on the worker; the frame that paints the
 * keystroke waits for its answer, so what was typed and what it found
 * show together, not the list a frame later. */
static void
test_search_answered_before_the_frame (WdFixture     *fx,
                                       gconstpointer  data)
{
  g_autoptr(WdWorkspace) workspace = NULL;
  g_autoptr(WdRowModel) model = NULL;
  Frame frame = { 0 };
  guint answered_first = 0;

  for (guint i = 0; i < 3; i++)
    g_free (wd_test_create_order (fx, (gint) i * 10));
  workspace = open_workspace (fx);
  model = read_orders (workspace);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

  /* The wait is bounded (8 ms): a machine busy elsewhere may let a frame
   * go first now and then, where without the wait every frame would. */
  for (guint round = 0; round < 6; round++)
    {
      const char *text = round % 2 == 0 ? "不存在的词" : "";

      frame = (Frame) { model, FALSE, FALSE, G_MAXUINT };
      wd_row_model_set_text (model, text);
      g_idle_add_full (REDRAW_PRIORITY, paint_frame, &frame, NULL);
      while (!frame.painted)
        g_main_context_iteration (NULL, TRUE);
      wait_ready (model);
      if (frame.ready_when_painted)
        {
          answered_first++;
          g_assert_cmpuint (frame.n_when_painted, ==, *text ? 0 : 3);
        }
    }
  g_assert_cmpuint (answered_first, >=, 4);
}

static gpointer
read_slowly (WdStore   *store,
             gpointer   data,
             GError   **error)
{
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  return GINT_TO_POINTER (1);
}

static void
on_slow_answer (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  gint64 *answered = user_data;

  g_assert_nonnull (wd_workspace_read_finish (WD_WORKSPACE (source), result, NULL));
  *answered = g_get_monotonic_time ();
}

static gboolean
note_time (gpointer data)
{
  *(gint64 *) data = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

/* The frame waits a few milliseconds at most: a read that takes longer
 * lets the keystroke show, and its answer follows. */
static void
test_slow_search_does_not_hold_the_frame (WdFixture     *fx,
                                          gconstpointer  data)
{
  g_autoptr(WdWorkspace) workspace = NULL;
  gint64 asked, painted = 0, answered = 0;

  g_free (wd_test_create_order (fx, 0));
  workspace = open_workspace (fx);

  asked = g_get_monotonic_time ();
  wd_workspace_read_for_input_async (workspace, read_slowly, NULL, NULL, NULL, NULL, on_slow_answer, &answered);
  g_idle_add_full (REDRAW_PRIORITY, note_time, &painted, NULL);
  while (answered == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (painted, !=, 0);
  g_assert_cmpint (painted, <, answered);
  g_assert_cmpint (painted - asked, <, 200 * G_TIME_SPAN_MILLISECOND);
}

typedef struct
{
  GThread *thread;
  int      policy;
} ReaderSeen;

static gpointer
note_reader (WdStore   *store,
             gpointer   data,
             GError   **error)
{
  ReaderSeen *seen = data;

  seen->thread = g_thread_self ();
  seen->policy = sched_getscheduler (0);
  return seen;
}

static void
on_reader_seen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  guint *answers = user_data;

  g_assert_nonnull (wd_workspace_read_finish (WD_WORKSPACE (source), result, NULL));
  (*answers)++;
}

/* Every read runs on one thread of the workspace's, which never takes
 * the CPU from the main thread when it wakes. */
static void
test_reader_yields_to_the_main_thread (WdFixture     *fx,
                                       gconstpointer  data)
{
  g_autoptr(WdWorkspace) workspace = open_workspace (fx);
  ReaderSeen seen[3] = { { NULL, -1 } };
  guint answers = 0;

  for (guint i = 0; i < G_N_ELEMENTS (seen); i++)
    wd_workspace_read_async (workspace, note_reader, &seen[i], NULL, NULL, NULL, on_reader_seen, &answers);
  while (answers < G_N_ELEMENTS (seen))
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (seen); i++)
    {
      g_assert_true (seen[i].thread != g_thread_self ());
      g_assert_true (seen[i].thread == seen[0].thread);
#ifdef SCHED_BATCH
      g_assert_cmpint (seen[i].policy, ==, SCHED_BATCH);
#endif
    }
}

static void
note_finalized_on (gpointer  data,
                   GObject  *where_the_object_was)
{
  *(GThread **) data = g_thread_self ();
}

static void
on_answer_counted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_assert_nonnull (wd_workspace_read_finish (WD_WORKSPACE (source), result, NULL));
  (*(guint *) user_data)++;
}

static gpointer
read_a_little_slowly (WdStore   *store,
                      gpointer   data,
                      GError   **error)
{
  g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  return GINT_TO_POINTER (1);
}

/* A workspace let go while its reads are in flight lives until they
 * are answered, and then goes on the main thread: gone on the reader,
 * it would wait for the reader to stop, for ever. */
static void
test_workspace_let_go_while_reading (WdFixture     *fx,
                                     gconstpointer  data)
{
  WdWorkspace *workspace = open_workspace (fx);
  GThread *finalized_on = NULL;
  guint answers = 0;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_weak_ref (G_OBJECT (workspace), note_finalized_on, &finalized_on);
  for (guint i = 0; i < 2; i++)
    wd_workspace_read_async (workspace, read_a_little_slowly, NULL, NULL, NULL, NULL, on_answer_counted, &answers);
  g_object_unref (workspace);
  g_assert_null (finalized_on);

  while (finalized_on == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (answers, ==, 2);
  g_assert_true (finalized_on == g_thread_self ());
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/row-model/changes-are-narrow", WdFixture, NULL, wd_fixture_setup, test_changes_are_narrow,
              wd_fixture_teardown);
  g_test_add ("/row-model/search-keeps-shown-rows", WdFixture, NULL, wd_fixture_setup,
              test_search_keeps_shown_rows, wd_fixture_teardown);
  g_test_add ("/row-model/search-typed-back-reads-nothing", WdFixture, NULL, wd_fixture_setup,
              test_search_typed_back_reads_nothing, wd_fixture_teardown);
  g_test_add ("/row-model/full-cache-keeps-shown-rows", WdFixture, NULL, wd_fixture_setup,
              test_full_cache_keeps_shown_rows, wd_fixture_teardown);
  g_test_add ("/row-model/search-answered-before-the-frame", WdFixture, NULL, wd_fixture_setup,
              test_search_answered_before_the_frame, wd_fixture_teardown);
  g_test_add ("/row-model/slow-search-does-not-hold-the-frame", WdFixture, NULL, wd_fixture_setup,
              test_slow_search_does_not_hold_the_frame, wd_fixture_teardown);
  g_test_add ("/row-model/reader-yields-to-the-main-thread", WdFixture, NULL, wd_fixture_setup,
              test_reader_yields_to_the_main_thread, wd_fixture_teardown);
  g_test_add ("/row-model/workspace-let-go-while-reading", WdFixture, NULL, wd_fixture_setup,
              test_workspace_let_go_while_reading, wd_fixture_teardown);
  return g_test_run ();
}
