/* wd-print-document.h: a document laid out on pages with cairo and pango:
 * the same code draws on paper through GtkPrintOperation, into a PDF and
 * in tests. Subclasses lay out their content; the base class keeps the
 * margins and numbers the pages (第 x 页 / 共 y 页). No GTK here. */
#pragma once

#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* A4 in points, the unit of every length here. */
#define WD_PAGE_A4_WIDTH  595.2756
#define WD_PAGE_A4_HEIGHT 841.8898
#define WD_PAGE_MARGIN    42.52     /* 15 mm */

#define WD_TYPE_PRINT_DOCUMENT (wd_print_document_get_type ())

G_DECLARE_DERIVABLE_TYPE (WdPrintDocument, wd_print_document, WD, PRINT_DOCUMENT, GObject)

struct _WdPrintDocumentClass
{
  GObjectClass parent_class;

  /* Lays the content out on pages width × height (inside the margins,
   * above the page number) and returns how many pages it takes. */
  guint (*paginate)  (WdPrintDocument *self,
                      PangoContext    *context,
                      double           width,
                      double           height);
  /* Draws page page, the content area's top left at the origin. */
  void  (*draw_page) (WdPrintDocument *self,
                      cairo_t         *cr,
                      PangoContext    *context,
                      guint            page);
};

const char *wd_print_document_get_title      (WdPrintDocument  *self);
gboolean    wd_print_document_get_landscape  (WdPrintDocument  *self);
void        wd_print_document_set_landscape  (WdPrintDocument  *self,
                                              gboolean          landscape);

/* For a printer: lay out on the printable area of cr's pages, then draw
 * page by page; the print dialog's page setup decides the margins. */
guint       wd_print_document_paginate       (WdPrintDocument  *self,
                                              cairo_t          *cr,
                                              double            width,
                                              double            height);
guint       wd_print_document_get_n_pages    (WdPrintDocument  *self);
void        wd_print_document_draw_page      (WdPrintDocument  *self,
                                              cairo_t          *cr,
                                              guint             page);

/* A4 PDF with 15 mm margins, replacing path only once it is complete. */
gboolean    wd_print_document_write_pdf      (WdPrintDocument  *self,
                                              const char       *path,
                                              GError          **error);

/* For subclasses: the fonts and text of every document. */
PangoLayout *wd_print_layout_new             (PangoContext     *context,
                                              const char       *text,
                                              double            width,
                                              double            size,
                                              gboolean          bold);
double       wd_print_layout_height          (PangoLayout      *layout);
void         wd_print_show_layout            (cairo_t          *cr,
                                              PangoLayout      *layout,
                                              double            x,
                                              double            y);

G_END_DECLS
