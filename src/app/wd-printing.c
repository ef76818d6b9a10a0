/* wd-printing.c: print dialog and file export. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-printing.h"
#include "wd-ui-util.h"

/* What the user chose in the print dialog (printer, copies, paper) holds
 * for the rest of the session, as in other GNOME applications. */
static GtkPrintSettings *session_settings;

gboolean
wd_printing_get_landscape (void)
{
  g_autoptr(GSettings) settings = wd_settings_new ();
  g_autofree char *orientation = settings ? g_settings_get_string (settings, "print-orientation") : NULL;

  return g_strcmp0 (orientation, "landscape") == 0;
}

static void
remember_orientation (GtkPageSetup *setup)
{
  g_autoptr(GSettings) settings = wd_settings_new ();
  GtkPageOrientation orientation = gtk_page_setup_get_orientation (setup);

  if (settings != NULL)
    g_settings_set_string (settings, "print-orientation",
                           orientation == GTK_PAGE_ORIENTATION_LANDSCAPE ? "landscape" : "portrait");
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                WdPrintDocument   *document)
{
  guint n_pages = wd_print_document_paginate (document, gtk_print_context_get_cairo_context (context),
                                              gtk_print_context_get_width (context),
                                              gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, (int) MAX (n_pages, 1));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              WdPrintDocument   *document)
{
  wd_print_document_draw_page (document, gtk_print_context_get_cairo_context (context), (guint) page);
}

static GtkPageSetup *
default_page_setup (WdPrintDocument *document)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_page_setup_set_orientation (setup, wd_print_document_get_landscape (document)
                                         ? GTK_PAGE_ORIENTATION_LANDSCAPE : GTK_PAGE_ORIENTATION_PORTRAIT);
  return setup;
}

static GtkPrintOperation *
create_operation (WdPrintDocument *document)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = default_page_setup (document);

  gtk_print_operation_set_job_name (operation, wd_print_document_get_title (document));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, FALSE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), document);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), document);
  return operation;
}

static GtkWindow *
window_of (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return root && GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
wd_printing_print (GtkWidget       *widget,
                   WdPrintDocument *document)
{
  g_autoptr(GtkPrintOperation) operation = create_operation (document);
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  if (session_settings != NULL)
    gtk_print_operation_set_print_settings (operation, session_settings);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, window_of (widget), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      wd_show_error (widget, _("Could not print"), error);
      return;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    {
      g_set_object (&session_settings, gtk_print_operation_get_print_settings (operation));
      remember_orientation (gtk_print_operation_get_default_page_setup (operation));
    }
}

gboolean
wd_printing_print_to_file (GtkWidget        *widget,
                           WdPrintDocument  *document,
                           const char       *path,
                           GError          **error)
{
  g_autoptr(GtkPrintOperation) operation = create_operation (document);

  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, window_of (widget), error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}

typedef struct
{
  GtkWidget       *widget;
  WdPrintDocument *document;
  GBytes          *contents;
  char            *path;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->widget);
  g_clear_object (&job->document);
  g_clear_pointer (&job->contents, g_bytes_unref);
  g_free (job->path);
  g_free (job);
}

/* A schedule of a thousand events takes most of a second to draw: the
 * PDF is written on a worker thread. */
static void
write_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;
  gboolean done;

  if (job->document != NULL)
    done = wd_print_document_write_pdf (job->document, job->path, &error);
  else
    done = g_file_set_contents (job->path, g_bytes_get_data (job->contents, NULL),
                                (gssize) g_bytes_get_size (job->contents), &error);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SaveJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_path_get_basename (job->path);
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      wd_show_error (job->widget, _("Could not save the file"), error);
      return;
    }
  message = g_strdup_printf (_("Saved %s"), name);
  wd_toast (job->widget, message);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     SaveJob         *job)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      save_job_free (job);
      g_object_unref (chooser);
      return;
    }
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  job->path = g_file_get_path (file);
  g_object_unref (chooser);

  task = g_task_new (NULL, NULL, on_written, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  g_task_run_in_thread (task, write_in_thread);
}

static void
choose_and_save (GtkWidget  *widget,
                 SaveJob    *job,
                 const char *suggested_name,
                 const char *filter_name,
                 const char *pattern)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save As"), window_of (widget),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  job->widget = g_object_ref (widget);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
wd_printing_export_pdf (GtkWidget       *widget,
                        WdPrintDocument *document,
                        const char      *suggested_name)
{
  SaveJob *job = g_new0 (SaveJob, 1);

  job->document = g_object_ref (document);
  choose_and_save (widget, job, suggested_name, _("PDF documents"), "*.pdf");
}

void
wd_printing_save_file (GtkWidget  *widget,
                       GBytes     *contents,
                       const char *suggested_name,
                       const char *filter_name,
                       const char *pattern)
{
  SaveJob *job = g_new0 (SaveJob, 1);

  job->contents = g_bytes_ref (contents);
  choose_and_save (widget, job, suggested_name, filter_name, pattern);
}

typedef struct
{
  GtkWidget *widget;
  gboolean   export_pdf;
  char      *suggested_name;
} RunJob;

static void
run_job_free (RunJob *job)
{
  g_object_unref (job->widget);
  g_free (job->suggested_name);
  g_free (job);
}

static void
on_document_built (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RunJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WdPrintDocument) document = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);

  if (document == NULL)
    wd_show_error (job->widget, _("Could not prepare the document"), error);
  else if (job->export_pdf)
    wd_printing_export_pdf (job->widget, document, job->suggested_name);
  else
    wd_printing_print (job->widget, document);
  run_job_free (job);
}

void
wd_printing_build_and_run (GtkWidget      *widget,
                           WdWorkspace    *workspace,
                           WdReadFunc      build,
                           gpointer        data,
                           GDestroyNotify  data_free,
                           gboolean        export_pdf,
                           const char     *suggested_name)
{
  RunJob *job = g_new0 (RunJob, 1);

  job->widget = g_object_ref (widget);
  job->export_pdf = export_pdf;
  job->suggested_name = g_strdup (suggested_name);
  wd_workspace_read_async (workspace, build, data, data_free, g_object_unref, NULL, on_document_built, job);
}
