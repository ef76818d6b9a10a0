/* wd-print-document.c: pages, margins and page numbers. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "wd-print-document.h"

/* Noto CJK is what the machines of the district have; the others are
 * what a Chinese desktop often has instead, and fontconfig falls back
 * from there. */
#define FONT_FAMILIES "Noto Sans CJK SC, Source Han Sans SC, Noto Sans SC, WenQuanYi Micro Hei, Sans"
#define FOOTER_HEIGHT 20.0
#define FOOTER_SIZE 8.0

typedef struct
{
  char          *title;
  gboolean       landscape;

  PangoContext  *context;
  double         width;
  double         height;
  guint          n_pages;
} WdPrintDocumentPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (WdPrintDocument, wd_print_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_LANDSCAPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wd_print_document_finalize (GObject *object)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (WD_PRINT_DOCUMENT (object));

  g_free (priv->title);
  g_clear_object (&priv->context);
  G_OBJECT_CLASS (wd_print_document_parent_class)->finalize (object);
}

static void
wd_print_document_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (WD_PRINT_DOCUMENT (object));

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_LANDSCAPE:
      g_value_set_boolean (value, priv->landscape);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_print_document_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (WD_PRINT_DOCUMENT (object));

  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (priv->title);
      priv->title = g_value_dup_string (value);
      break;
    case PROP_LANDSCAPE:
      priv->landscape = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_print_document_class_init (WdPrintDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wd_print_document_finalize;
  object_class->get_property = wd_print_document_get_property;
  object_class->set_property = wd_print_document_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANDSCAPE] =
    g_param_spec_boolean ("landscape", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wd_print_document_init (WdPrintDocument *self)
{
}

const char *
wd_print_document_get_title (WdPrintDocument *self)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);

  g_return_val_if_fail (WD_IS_PRINT_DOCUMENT (self), NULL);
  return priv->title ? priv->title : "";
}

gboolean
wd_print_document_get_landscape (WdPrintDocument *self)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);

  g_return_val_if_fail (WD_IS_PRINT_DOCUMENT (self), FALSE);
  return priv->landscape;
}

void
wd_print_document_set_landscape (WdPrintDocument *self,
                                 gboolean         landscape)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);

  g_return_if_fail (WD_IS_PRINT_DOCUMENT (self));

  landscape = !!landscape;
  if (priv->landscape == landscape)
    return;
  priv->landscape = landscape;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANDSCAPE]);
}

/* Lengths are points on paper whatever the device: text is measured at
 * 72 dpi without hinted metrics, so a line breaks at the same word on
 * screen preview, printer and PDF. */
static PangoContext *
create_context (cairo_t *cr)
{
  PangoContext *context = pango_cairo_create_context (cr);
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);
  return context;
}

guint
wd_print_document_paginate (WdPrintDocument *self,
                            cairo_t         *cr,
                            double           width,
                            double           height)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);

  g_return_val_if_fail (WD_IS_PRINT_DOCUMENT (self), 0);

  g_clear_object (&priv->context);
  priv->context = create_context (cr);
  priv->width = width;
  priv->height = height;
  priv->n_pages = WD_PRINT_DOCUMENT_GET_CLASS (self)->paginate (self, priv->context, width,
                                                                height - FOOTER_HEIGHT);
  return priv->n_pages;
}

guint
wd_print_document_get_n_pages (WdPrintDocument *self)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);

  g_return_val_if_fail (WD_IS_PRINT_DOCUMENT (self), 0);
  return priv->n_pages;
}

static void
draw_page_number (WdPrintDocument *self,
                  cairo_t         *cr,
                  guint            page)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);
  /* TRANSLATORS: the footer of printed pages, e.g. 第 2 页 / 共 5 页 */
  g_autofree char *text = g_strdup_printf (_("Page %u of %u"), page + 1, priv->n_pages);
  g_autoptr(PangoLayout) layout = wd_print_layout_new (priv->context, text, priv->width, FOOTER_SIZE, FALSE);

  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  wd_print_show_layout (cr, layout, 0, priv->height - FOOTER_HEIGHT + 8.0);
}

void
wd_print_document_draw_page (WdPrintDocument *self,
                             cairo_t         *cr,
                             guint            page)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);

  g_return_if_fail (WD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (priv->context != NULL);
  g_return_if_fail (page < priv->n_pages);

  cairo_save (cr);
  /* Nothing a document draws may land outside the page's area. */
  cairo_rectangle (cr, 0, 0, priv->width, priv->height);
  cairo_clip (cr);
  pango_cairo_update_context (cr, priv->context);
  cairo_set_source_rgb (cr, 0, 0, 0);
  WD_PRINT_DOCUMENT_GET_CLASS (self)->draw_page (self, cr, priv->context, page);
  cairo_restore (cr);

  cairo_save (cr);
  draw_page_number (self, cr, page);
  cairo_restore (cr);
}

typedef struct
{
  GOutputStream *stream;
  GError        *error;
} PdfSink;

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  PdfSink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sink->stream, data, length, NULL, NULL, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static void
render_pdf (WdPrintDocument *self,
            cairo_surface_t *surface,
            double           page_width,
            double           page_height)
{
  cairo_t *cr = cairo_create (surface);
  guint n_pages;

  n_pages = wd_print_document_paginate (self, cr, page_width - 2 * WD_PAGE_MARGIN,
                                        page_height - 2 * WD_PAGE_MARGIN);
  for (guint page = 0; page < n_pages; page++)
    {
      cairo_save (cr);
      cairo_translate (cr, WD_PAGE_MARGIN, WD_PAGE_MARGIN);
      wd_print_document_draw_page (self, cr, page);
      cairo_restore (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
}

gboolean
wd_print_document_write_pdf (WdPrintDocument  *self,
                             const char       *path,
                             GError          **error)
{
  WdPrintDocumentPrivate *priv = wd_print_document_get_instance_private (self);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GCancellable) discard = g_cancellable_new ();
  double width = priv->landscape ? WD_PAGE_A4_HEIGHT : WD_PAGE_A4_WIDTH;
  double height = priv->landscape ? WD_PAGE_A4_WIDTH : WD_PAGE_A4_HEIGHT;
  PdfSink sink = { 0 };
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (WD_IS_PRINT_DOCUMENT (self), FALSE);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return FALSE;
  sink.stream = G_OUTPUT_STREAM (stream);

  surface = cairo_pdf_surface_create_for_stream (write_to_stream, &sink, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, wd_print_document_get_title (self));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Wudan " PACKAGE_VERSION);
  render_pdf (self, surface, width, height);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.error == NULL && status != CAIRO_STATUS_SUCCESS)
    g_set_error (&sink.error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw the PDF: %s"),
                 cairo_status_to_string (status));
  if (sink.error != NULL)
    {
      /* A cancelled close leaves whatever was at path untouched. */
      g_cancellable_cancel (discard);
      g_output_stream_close (G_OUTPUT_STREAM (stream), discard, NULL);
      g_propagate_prefixed_error (error, sink.error, _("Could not write %s: "), path);
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}

PangoLayout *
wd_print_layout_new (PangoContext *context,
                     const char   *text,
                     double        width,
                     double        size,
                     gboolean      bold)
{
  PangoLayout *layout = pango_layout_new (context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILIES);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

double
wd_print_layout_height (PangoLayout *layout)
{
  int height = 0;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

void
wd_print_show_layout (cairo_t     *cr,
                      PangoLayout *layout,
                      double       x,
                      double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}
