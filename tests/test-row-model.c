/* test-row-model.c: the app's list model without a display: it reads the
 * keys on the worker connection, and after an operation tells the views
 * exactly what changed — a card leaving one column, a card changing in
 * place — not "everything". */
#include "config.h"

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

static void
test_changes_are_narrow (WdFixture     *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "store.db", NULL);
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

  workspace = wd_workspace_open (path, &error);
  g_assert_no_error (error);
  wd_workspace_set_clock (workspace, fx->t0);
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/row-model/changes-are-narrow", WdFixture, NULL, wd_fixture_setup, test_changes_are_narrow,
              wd_fixture_teardown);
  return g_test_run ();
}
