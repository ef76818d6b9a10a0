/* wd-import-dialog.c: CSV import with its dry run. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-columns.h"
#include "wd-import-dialog.h"
#include "wd-ui-util.h"

struct _WdImportDialog
{
  AdwWindow      parent_instance;

  AdwComboRow   *kind_row;
  AdwActionRow  *file_row;
  AdwPreferencesGroup *columns_group;
  GtkLabel      *summary_label;
  GtkListBox    *rows_list;
  GtkSpinner    *spinner;

  WdWorkspace   *workspace;
  GBytes        *contents;
  GHashTable    *mapping;     /* header → field the user chose, "" left out */
  gboolean       columns_shown;
  WdImport      *import;      /* the last run's rows */
  gboolean       dry_run;     /* what the running or last run was */
  gboolean       checked;     /* the last run was a clean dry run */
  GCancellable  *running;
};

G_DEFINE_FINAL_TYPE (WdImportDialog, wd_import_dialog, ADW_TYPE_WINDOW)

static const char * const kinds[] = { "speaker", "team", "project" };

static void
wd_import_dialog_dispose (GObject *object)
{
  WdImportDialog *self = WD_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->running);
  g_clear_object (&self->running);
  g_clear_object (&self->workspace);
  g_clear_object (&self->import);
  g_clear_pointer (&self->contents, g_bytes_unref);
  g_clear_pointer (&self->mapping, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), WD_TYPE_IMPORT_DIALOG);
  G_OBJECT_CLASS (wd_import_dialog_parent_class)->dispose (object);
}

static const char *
selected_kind (WdImportDialog *self)
{
  return kinds[MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (kinds) - 1)];
}

static void
update_actions (WdImportDialog *self)
{
  gboolean busy = self->running != NULL;
  gboolean ready = !busy && self->checked && self->import != NULL
                   && wd_import_count (self->import, WD_IMPORT_CREATE) + wd_import_count (self->import, WD_IMPORT_UPDATE) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.run", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.choose", !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static GtkWidget *
report_row (WdImportRow *row)
{
  static const char *icons[] = { "list-add-symbolic", "document-edit-symbolic", "object-select-symbolic",
                                 "dialog-warning-symbolic" };
  const char *words[] = { _("New"), _("Updated"), _("Unchanged"), _("Problem") };
  g_autofree char *title = g_strdup_printf (_("Line %u · %s"), row->line, *row->label ? row->label : "—");
  GtkWidget *widget = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (icons[row->action]);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (widget), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), row->message ? row->message : words[row->action]);
  adw_action_row_add_prefix (ADW_ACTION_ROW (widget), icon);
  if (row->action == WD_IMPORT_FAILED)
    gtk_widget_add_css_class (icon, "error");
  return widget;
}

/* Problems first, each with its line: they are what the user fixes. */
static void
show_rows (WdImportDialog *self)
{
  GPtrArray *rows = wd_import_get_rows (self->import);

  wd_clear_list_box (self->rows_list);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < rows->len; i++)
      {
        WdImportRow *row = g_ptr_array_index (rows, i);

        if ((row->action == WD_IMPORT_FAILED) == (pass == 0))
          gtk_list_box_append (self->rows_list, report_row (row));
      }
}

static void
show_summary (WdImportDialog *self,
              const char     *text)
{
  gtk_label_set_text (self->summary_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), text != NULL);
}

static char *
describe_counts (WdImport *import)
{
  g_autofree char *counts = g_strdup_printf (_("%u new, %u updated, %u unchanged"),
                                             wd_import_count (import, WD_IMPORT_CREATE),
                                             wd_import_count (import, WD_IMPORT_UPDATE),
                                             wd_import_count (import, WD_IMPORT_UNCHANGED));
  g_auto(GStrv) ignored = wd_import_get_ignored (import);

  if (ignored[0] != NULL)
    {
      g_autofree char *list = g_strjoinv ("、", ignored);

      /* TRANSLATORS: %s: counts of rows; %s: the columns of the file that are not read */
      return g_strdup_printf (_("%s. Left out: %s"), counts, list);
    }
  return g_steal_pointer (&counts);
}

static void run_import (WdImportDialog *self, gboolean dry_run);

/* The fields a column can be read as: "Leave out" first, then the
 * kind's importable columns. */
static const WdColumn *
field_choices (WdImportDialog *self,
               guint          *n_columns)
{
  return wd_columns_for_kind (selected_kind (self), n_columns);
}

static void
on_column_mapped (AdwComboRow    *row,
                  GParamSpec     *pspec,
                  WdImportDialog *self)
{
  const char *header = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  guint selected = adw_combo_row_get_selected (row);
  guint n = 0;
  const WdColumn *columns = field_choices (self, &n);

  g_hash_table_insert (self->mapping, g_strdup (header),
                       g_strdup (selected == 0 || selected > n ? "" : columns[selected - 1].member));
  run_import (self, TRUE);
}

static GtkWidget *
column_row (WdImportDialog *self,
            guint           index)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  const char *member = wd_import_get_member (self->import, index);
  guint n = 0, selected = 0;
  const WdColumn *columns = field_choices (self, &n);

  gtk_string_list_append (choices, _("Leave out"));
  for (guint i = 0; i < n; i++)
    {
      gtk_string_list_append (choices, _(columns[i].label));
      if (g_strcmp0 (member, columns[i].member) == 0)
        selected = i + 1;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), wd_import_get_header (self->import, index));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_column_mapped), self);
  return row;
}

/* Shown once per file and kind, as the first dry run read them, folded
 * under one row so the problems stay in view; the user's changes then
 * rerun the dry run and leave the rows alone. */
static void
show_columns (WdImportDialog *self)
{
  GtkWidget *expander;
  guint n = wd_import_get_n_columns (self->import), read = 0;
  g_autofree char *subtitle = NULL;

  if (self->columns_shown)
    return;
  self->columns_shown = TRUE;
  expander = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("How the columns are read"));
  for (guint i = 0; i < n; i++)
    {
      if (*wd_import_get_header (self->import, i) == '\0')
        continue;
      read += wd_import_get_member (self->import, i) != NULL;
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), column_row (self, i));
    }
  subtitle = g_strdup_printf (_("%u of %u read; change one to read it as another field, or to leave it out"),
                              read, n);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
  /* A file Wudan cannot read whole opens them at once. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), read < n);
  wd_group_clear (self->columns_group);
  wd_group_add (self->columns_group, expander);
  gtk_widget_set_visible (GTK_WIDGET (self->columns_group), TRUE);
}

/* A new file or kind is read afresh: no choice of the last one holds. */
static void
forget_columns (WdImportDialog *self)
{
  g_hash_table_remove_all (self->mapping);
  self->columns_shown = FALSE;
  wd_group_clear (self->columns_group);
  gtk_widget_set_visible (GTK_WIDGET (self->columns_group), FALSE);
}

static void
on_import_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WdImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WdImport) import = wd_workspace_import_finish (WD_WORKSPACE (source), result, &error);
  guint failed;
  g_autofree char *counts = NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->running);
  g_clear_object (&self->import);
  self->checked = FALSE;
  wd_clear_list_box (self->rows_list);

  if (import == NULL)
    {
      show_summary (self, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "error");
      update_actions (self);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "error");
  self->import = g_steal_pointer (&import);
  show_columns (self);
  failed = wd_import_count (self->import, WD_IMPORT_FAILED);
  counts = describe_counts (self->import);
  show_rows (self);

  if (failed > 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u row has a problem: fix it in the file and choose it again. "
                                           "Nothing will be imported until every row is right.",
                                           "%u rows have problems: fix them in the file and choose it again. "
                                           "Nothing will be imported until every row is right.", failed),
                              failed);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "error");
      show_summary (self, text);
    }
  else if (self->dry_run)
    {
      self->checked = TRUE;
      text = g_strdup_printf (_("Every row is right: %s"), counts);
      show_summary (self, text);
    }
  else
    {
      text = g_strdup_printf (_("Imported: %s"), counts);
      wd_toast (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))), text);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  update_actions (self);
}

static void
run_import (WdImportDialog *self,
            gboolean        dry_run)
{
  if (self->contents == NULL)
    return;
  g_cancellable_cancel (self->running);
  g_clear_object (&self->running);
  self->running = g_cancellable_new ();
  self->checked = FALSE;
  self->dry_run = dry_run;
  show_summary (self, dry_run ? _("Checking every row…") : _("Importing…"));
  update_actions (self);
  wd_workspace_import_async (self->workspace, selected_kind (self), self->contents, self->mapping, dry_run,
                             self->running,
                             on_import_done, g_object_ref (self));
}

static void
on_kind_changed (WdImportDialog *self)
{
  forget_columns (self);
  run_import (self, TRUE);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  run_import (WD_IMPORT_DIALOG (widget), FALSE);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WdImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  if (contents == NULL)
    {
      wd_show_error (GTK_WIDGET (self), _("Could not read the file"), error);
      return;
    }
  wd_import_dialog_load_bytes (self, contents, name);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(WdImportDialog) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_file_load_bytes_async (file, NULL, on_file_loaded, g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WdImportDialog *self = WD_IMPORT_DIALOG (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose a CSV File"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                                               _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.CSV");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
wd_import_dialog_class_init (WdImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_import_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WdImportDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, WdImportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, WdImportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, WdImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WdImportDialog, rows_list);
  gtk_widget_class_bind_template_child (widget_class, WdImportDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);

  gtk_widget_class_install_action (widget_class, "import.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "import.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wd_import_dialog_init (WdImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->mapping = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  update_actions (self);
}

WdImportDialog *
wd_import_dialog_new (GtkWindow   *parent,
                      WdWorkspace *workspace)
{
  WdImportDialog *self = g_object_new (WD_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);

  self->workspace = g_object_ref (workspace);
  return self;
}

void
wd_import_dialog_set_kind (WdImportDialog *self,
                           const char     *kind)
{
  g_return_if_fail (WD_IS_IMPORT_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i], kind))
      adw_combo_row_set_selected (self->kind_row, i);
}

void
wd_import_dialog_load_bytes (WdImportDialog *self,
                             GBytes         *contents,
                             const char     *file_name)
{
  g_return_if_fail (WD_IS_IMPORT_DIALOG (self));

  g_clear_pointer (&self->contents, g_bytes_unref);
  self->contents = g_bytes_ref (contents);
  forget_columns (self);
  adw_action_row_set_subtitle (self->file_row, file_name);
  run_import (self, TRUE);
}

gboolean
wd_import_dialog_is_busy (WdImportDialog *self)
{
  g_return_val_if_fail (WD_IS_IMPORT_DIALOG (self), FALSE);
  return self->running != NULL;
}

WdImport *
wd_import_dialog_get_import (WdImportDialog *self)
{
  g_return_val_if_fail (WD_IS_IMPORT_DIALOG (self), NULL);
  return self->import;
}
