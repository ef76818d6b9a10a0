/* wd-printing.h: putting a document on paper or into a file: the print
 * dialog with its preview and page setup, and saving PDF, CSV and
 * calendar files the user names. */
#pragma once

#include <gtk/gtk.h>

#include "wd-print-document.h"
#include "wd-workspace.h"

G_BEGIN_DECLS

/* The orientation this desk prints in (GSettings print-orientation). */
gboolean wd_printing_get_landscape (void);

/* Opens the print dialog (Print, Preview, Page Setup) for document. */
void     wd_printing_print         (GtkWidget        *widget,
                                    WdPrintDocument  *document);
/* What the print dialog's "Print to File" does, without asking: the
 * printer's own path through page setup and drawing, to a PDF. */
gboolean wd_printing_print_to_file (GtkWidget        *widget,
                                    WdPrintDocument  *document,
                                    const char       *path,
                                    GError          **error);
/* Asks where to save, then writes the PDF off the UI thread. */
void     wd_printing_export_pdf    (GtkWidget        *widget,
                                    WdPrintDocument  *document,
                                    const char       *suggested_name);
/* Builds a document on the workspace's worker (build returns a
 * WdPrintDocument), then opens the print dialog for it, or, when
 * export_pdf, asks where to save it as suggested_name. */
void     wd_printing_build_and_run (GtkWidget        *widget,
                                    WdWorkspace      *workspace,
                                    WdReadFunc        build,
                                    gpointer          data,
                                    GDestroyNotify    data_free,
                                    gboolean          export_pdf,
                                    const char       *suggested_name);
/* Asks where to save, then writes contents there. */
void     wd_printing_save_file     (GtkWidget        *widget,
                                    GBytes           *contents,
                                    const char       *suggested_name,
                                    const char       *filter_name,
                                    const char       *pattern);

G_END_DECLS
