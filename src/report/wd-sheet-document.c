/* wd-sheet-document.c: work sheets and paper rating forms. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-sheet-document.h"
#include "wd-time.h"

#define TITLE_SIZE 16.0
#define NUMBER_SIZE 13.0
#define BODY_SIZE 10.0
#define PADDING 5.0
#define LABEL_SHARE 0.24
#define MAX_VALUE_LINES 12

typedef struct
{
  JsonObject   *order;
  WdSheetKinds  kind;
} Sheet;

typedef struct
{
  const char *label;
  const char *value;
  double      min_height;
} Field;

struct _WdSheetDocument
{
  WdPrintDocument  parent_instance;

  GArray          *sheets;    /* Sheet */
  WdActor         *reader;
  GTimeZone       *tz;
  double           width;
};

G_DEFINE_FINAL_TYPE (WdSheetDocument, wd_sheet_document, WD_TYPE_PRINT_DOCUMENT)

static void
sheet_clear (Sheet *sheet)
{
  json_object_unref (sheet->order);
}

static void
wd_sheet_document_finalize (GObject *object)
{
  WdSheetDocument *self = WD_SHEET_DOCUMENT (object);

  g_array_unref (self->sheets);
  wd_actor_free (self->reader);
  g_time_zone_unref (self->tz);
  G_OBJECT_CLASS (wd_sheet_document_parent_class)->finalize (object);
}

static guint
wd_sheet_document_paginate (WdPrintDocument *document,
                            PangoContext    *context,
                            double           width,
                            double           height)
{
  WdSheetDocument *self = WD_SHEET_DOCUMENT (document);

  self->width = width;
  return MAX (self->sheets->len, 1);
}

static double
draw_header (WdSheetDocument *self,
             cairo_t         *cr,
             PangoContext    *context,
             const char      *title,
             JsonObject      *order)
{
  const char *number = wd_json_text (order, "number");
  /* TRANSLATORS: the order's number on a printed form, e.g. No. 2026-000123 */
  g_autofree char *number_text = g_strdup_printf (_("No. %s"), *number ? number : _("(waiting for its number)"));
  g_autoptr(PangoLayout) title_layout = wd_print_layout_new (context, title, self->width * 0.6, TITLE_SIZE, TRUE);
  g_autoptr(PangoLayout) number_layout = wd_print_layout_new (context, number_text, self->width * 0.4,
                                                              NUMBER_SIZE, TRUE);
  double height = MAX (wd_print_layout_height (title_layout), wd_print_layout_height (number_layout));

  pango_layout_set_alignment (number_layout, PANGO_ALIGN_RIGHT);
  wd_print_show_layout (cr, title_layout, 0, 0);
  wd_print_show_layout (cr, number_layout, self->width * 0.6, height - wd_print_layout_height (number_layout));
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, 0, height + 6);
  cairo_line_to (cr, self->width, height + 6);
  cairo_stroke (cr);
  return height + 16;
}

static double
draw_text (WdSheetDocument *self,
           cairo_t         *cr,
           PangoContext    *context,
           const char      *text,
           double           y,
           gboolean         bold)
{
  g_autoptr(PangoLayout) layout = wd_print_layout_new (context, text, self->width, BODY_SIZE, bold);

  wd_print_show_layout (cr, layout, 0, y);
  return y + wd_print_layout_height (layout) + 6;
}

/* A bordered grid of label and value; empty values are room to write. */
static double
draw_fields (WdSheetDocument *self,
             cairo_t         *cr,
             PangoContext    *context,
             const Field     *fields,
             guint            n_fields,
             double           y)
{
  double label_width = self->width * LABEL_SHARE;

  cairo_set_line_width (cr, 0.6);
  for (guint i = 0; i < n_fields; i++)
    {
      g_autoptr(PangoLayout) label = wd_print_layout_new (context, fields[i].label, label_width - 2 * PADDING,
                                                          BODY_SIZE, TRUE);
      g_autoptr(PangoLayout) value = wd_print_layout_new (context, fields[i].value,
                                                          self->width - label_width - 2 * PADDING, BODY_SIZE, FALSE);
      double height;

      pango_layout_set_height (value, -MAX_VALUE_LINES);
      pango_layout_set_ellipsize (value, PANGO_ELLIPSIZE_END);
      height = MAX (fields[i].min_height, MAX (wd_print_layout_height (label), wd_print_layout_height (value)))
               + 2 * PADDING;

      cairo_set_source_rgb (cr, 0.94, 0.94, 0.94);
      cairo_rectangle (cr, 0, y, label_width, height);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_rectangle (cr, 0, y, self->width, height);
      cairo_move_to (cr, label_width, y);
      cairo_line_to (cr, label_width, y + height);
      cairo_stroke (cr);
      wd_print_show_layout (cr, label, PADDING, y + PADDING);
      wd_print_show_layout (cr, value, label_width + PADDING, y + PADDING);
      y += height;
    }
  return y + 12;
}

static char *
format_when (WdSheetDocument *self,
             JsonObject      *order)
{
  g_autofree char *day = wd_time_format_local (wd_json_int (order, "starts_at"), self->tz, "%Y-%m-%d");
  g_autofree char *start = wd_time_format_local (wd_json_int (order, "starts_at"), self->tz, "%H:%M");
  g_autofree char *end = wd_time_format_local (wd_json_int (order, "ends_at"), self->tz, "%H:%M");

  return g_strdup_printf ("%s %s–%s", day, start, end);
}

static char *
format_venue (JsonObject *order)
{
  return g_strdup_printf ("%s（%s）\n%s %s", wd_json_text (order, "venue"), wd_json_text (order, "venue_kind_name"),
                          wd_json_text (order, "subdistrict_name"), wd_json_text (order, "community"));
}

static const char *
assignee_of (JsonObject *order)
{
  const char *assignee = wd_json_text (order, "assignee_name");

  return *assignee ? assignee : _("not yet dispatched");
}

static void
draw_signatures (WdSheetDocument *self,
                 cairo_t         *cr,
                 PangoContext    *context,
                 double           y)
{
  const char *labels[] = { _("Signature of the team or speaker"), _("Signature or stamp of the requester") };
  double box = (self->width - 12) / 2;

  cairo_set_line_width (cr, 0.6);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      double x = i * (box + 12);
      g_autoptr(PangoLayout) label = wd_print_layout_new (context, labels[i], box - 2 * PADDING, BODY_SIZE, TRUE);
      g_autoptr(PangoLayout) date = wd_print_layout_new (context, _("Date:"), box - 2 * PADDING, BODY_SIZE, FALSE);

      cairo_rectangle (cr, x, y, box, 90);
      cairo_stroke (cr);
      wd_print_show_layout (cr, label, x + PADDING, y + PADDING);
      wd_print_show_layout (cr, date, x + PADDING, y + 90 - PADDING - wd_print_layout_height (date));
    }
}

static void
draw_work_sheet (WdSheetDocument *self,
                 cairo_t         *cr,
                 PangoContext    *context,
                 JsonObject      *order)
{
  g_autofree char *when = format_when (self, order);
  g_autofree char *venue = format_venue (order);
  const char *phone = wd_json_text (order, "contact_phone");
  g_autofree char *shown_phone = wd_actor_sees_phones (self->reader, order) ? g_strdup (phone) : wd_mask_phone (phone);
  g_autofree char *contact = g_strdup_printf ("%s  %s", wd_json_text (order, "contact_name"), shown_phone);
  g_autofree char *audience = g_strdup_printf ("%" G_GINT64_FORMAT, wd_json_int (order, "audience"));
  const Field about[] = {
    { _("Event"), wd_json_text (order, "title"), 0 },
    { _("Project"), wd_json_text (order, "project_title"), 0 },
    { _("Topic"), wd_json_text (order, "topic_name"), 0 },
    { _("Date and time"), when, 0 },
    { _("Venue"), venue, 0 },
    { _("Requester"), wd_json_text (order, "requester"), 0 },
    { _("Contact"), contact, 0 },
    { _("Assigned to"), assignee_of (order), 0 },
    { _("Expected audience"), audience, 0 },
    { _("Notes"), wd_json_text (order, "notes"), 0 },
  };
  const Field record[] = {
    { _("Actual start and end"), "", 18 },
    { _("Audience served"), "", 18 },
    { _("Hours served"), "", 18 },
    { _("Remarks"), "", 60 },
  };
  double y = draw_header (self, cr, context, _("Volunteer service work sheet"), order);

  y = draw_fields (self, cr, context, about, G_N_ELEMENTS (about), y);
  y = draw_text (self, cr, context, _("Record of service (filled in by the team or speaker)"), y, TRUE);
  y = draw_fields (self, cr, context, record, G_N_ELEMENTS (record), y);
  draw_signatures (self, cr, context, y);
}

static double
draw_satisfaction (WdSheetDocument *self,
                   cairo_t         *cr,
                   PangoContext    *context,
                   double           y)
{
  const char *choices[] = {
    _("5 Very satisfied"), _("4 Satisfied"), _("3 Neutral"), _("2 Dissatisfied"), _("1 Very dissatisfied"),
  };
  double cell = self->width / G_N_ELEMENTS (choices);

  y = draw_text (self, cr, context, _("How satisfied are you with the service? Tick one box."), y, TRUE);
  cairo_set_line_width (cr, 0.8);
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      g_autoptr(PangoLayout) label = wd_print_layout_new (context, choices[i], cell - 20, BODY_SIZE, FALSE);

      cairo_rectangle (cr, i * cell, y + 1, 11, 11);
      cairo_stroke (cr);
      wd_print_show_layout (cr, label, i * cell + 16, y);
    }
  return y + 30;
}

static void
draw_rating_form (WdSheetDocument *self,
                  cairo_t         *cr,
                  PangoContext    *context,
                  JsonObject      *order)
{
  g_autofree char *when = format_when (self, order);
  g_autofree char *venue = format_venue (order);
  const Field about[] = {
    { _("Event"), wd_json_text (order, "title"), 0 },
    { _("Date and time"), when, 0 },
    { _("Venue"), venue, 0 },
    { _("Assigned to"), assignee_of (order), 0 },
  };
  const Field comments[] = {
    { _("Comments and suggestions"), "", 130 },
    { _("Rated by (name)"), "", 18 },
    { _("Community or organisation"), "", 18 },
    { _("Phone"), "", 18 },
    { _("Date"), "", 18 },
  };
  double y = draw_header (self, cr, context, _("Service rating form"), order);

  y = draw_text (self, cr, context, _("Please rate the service you received. The centre enters this form into "
                                      "Wudan under the number above."), y, FALSE);
  y = draw_fields (self, cr, context, about, G_N_ELEMENTS (about), y);
  y = draw_satisfaction (self, cr, context, y);
  draw_fields (self, cr, context, comments, G_N_ELEMENTS (comments), y);
}

static void
wd_sheet_document_draw_page (WdPrintDocument *document,
                             cairo_t         *cr,
                             PangoContext    *context,
                             guint            page)
{
  WdSheetDocument *self = WD_SHEET_DOCUMENT (document);
  Sheet *sheet;

  if (page >= self->sheets->len)
    return;
  sheet = &g_array_index (self->sheets, Sheet, page);
  if (sheet->kind == WD_SHEET_WORK)
    draw_work_sheet (self, cr, context, sheet->order);
  else
    draw_rating_form (self, cr, context, sheet->order);
}

static void
wd_sheet_document_class_init (WdSheetDocumentClass *klass)
{
  WdPrintDocumentClass *document_class = WD_PRINT_DOCUMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = wd_sheet_document_finalize;
  document_class->paginate = wd_sheet_document_paginate;
  document_class->draw_page = wd_sheet_document_draw_page;
}

static void
wd_sheet_document_init (WdSheetDocument *self)
{
  self->sheets = g_array_new (FALSE, TRUE, sizeof (Sheet));
  g_array_set_clear_func (self->sheets, (GDestroyNotify) sheet_clear);
}

static void
add_sheet (WdSheetDocument *self,
           JsonObject      *order,
           WdSheetKinds     kind)
{
  Sheet sheet = { json_object_ref (order), kind };

  g_array_append_val (self->sheets, sheet);
}

WdSheetDocument *
wd_sheet_document_new (WdStore             *store,
                       const char * const  *order_ids,
                       WdSheetKinds         kinds,
                       const WdActor       *reader,
                       GError             **error)
{
  g_autoptr(WdSheetDocument) self = NULL;
  const char *title;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);
  g_return_val_if_fail (order_ids != NULL, NULL);
  g_return_val_if_fail (kinds != 0, NULL);

  title = kinds == WD_SHEET_RATING ? _("Service rating forms") : _("Volunteer service work sheets");
  self = g_object_new (WD_TYPE_SHEET_DOCUMENT, "title", title, NULL);
  self->reader = wd_actor_copy (reader);
  self->tz = g_time_zone_ref (wd_store_get_time_zone (store));
  for (guint i = 0; order_ids[i]; i++)
    {
      g_autoptr(JsonObject) order = wd_store_get (store, "order", order_ids[i], error);

      if (order == NULL)
        return NULL;
      if (kinds & WD_SHEET_WORK)
        add_sheet (self, order, WD_SHEET_WORK);
      if (kinds & WD_SHEET_RATING)
        add_sheet (self, order, WD_SHEET_RATING);
    }
  return g_steal_pointer (&self);
}
