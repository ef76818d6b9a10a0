/* wd-certificate-document.c: the printed service record certificate. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-certificate-document.h"
#include "wd-error.h"
#include "wd-json.h"
#include "wd-table-layout.h"
#include "wd-time.h"
#include "wd-types.h"

#define TITLE_SIZE 20.0
#define NUMBER_SIZE 10.0
#define BODY_SIZE 11.0
#define TABLE_SIZE 9.5
#define GAP 14.0

struct _WdCertificateDocument
{
  WdPrintDocument  parent_instance;

  char            *number;
  char            *statement;  /* 兹证明…: who, when, how much */
  char            *issuer;     /* issuer, clerk and date, one line each */
  char            *note;       /* how to check it */
  WdTableLayout   *table;

  PangoLayout     *title_layout;
  PangoLayout     *number_layout;
  PangoLayout     *statement_layout;
  PangoLayout     *issuer_layout;
  PangoLayout     *note_layout;
  double           top;        /* where the table starts on the first page */
  double           closing;    /* the issuer block's height with the note */
  gboolean         closing_alone; /* it did not fit under the table's end */
  double           width;
};

G_DEFINE_FINAL_TYPE (WdCertificateDocument, wd_certificate_document, WD_TYPE_PRINT_DOCUMENT)

static void
clear_layouts (WdCertificateDocument *self)
{
  g_clear_object (&self->title_layout);
  g_clear_object (&self->number_layout);
  g_clear_object (&self->statement_layout);
  g_clear_object (&self->issuer_layout);
  g_clear_object (&self->note_layout);
}

static void
wd_certificate_document_finalize (GObject *object)
{
  WdCertificateDocument *self = WD_CERTIFICATE_DOCUMENT (object);

  clear_layouts (self);
  g_free (self->number);
  g_free (self->statement);
  g_free (self->issuer);
  g_free (self->note);
  g_clear_pointer (&self->table, wd_table_layout_free);
  G_OBJECT_CLASS (wd_certificate_document_parent_class)->finalize (object);
}

static guint
wd_certificate_document_paginate (WdPrintDocument *document,
                                  PangoContext    *context,
                                  double           width,
                                  double           height)
{
  WdCertificateDocument *self = WD_CERTIFICATE_DOCUMENT (document);
  g_autofree char *number = g_strdup_printf (_("No. %s"), self->number);
  guint n_pages;

  clear_layouts (self);
  self->width = width;
  self->title_layout = wd_print_layout_new (context, wd_print_document_get_title (document), width,
                                            TITLE_SIZE, TRUE);
  pango_layout_set_alignment (self->title_layout, PANGO_ALIGN_CENTER);
  self->number_layout = wd_print_layout_new (context, number, width, NUMBER_SIZE, FALSE);
  pango_layout_set_alignment (self->number_layout, PANGO_ALIGN_RIGHT);
  self->statement_layout = wd_print_layout_new (context, self->statement, width, BODY_SIZE, FALSE);
  pango_layout_set_justify (self->statement_layout, TRUE);
  pango_layout_set_spacing (self->statement_layout, 4 * PANGO_SCALE);
  self->issuer_layout = wd_print_layout_new (context, self->issuer, width * 0.5, BODY_SIZE, FALSE);
  pango_layout_set_spacing (self->issuer_layout, 4 * PANGO_SCALE);
  self->note_layout = wd_print_layout_new (context, self->note, width, NUMBER_SIZE, FALSE);

  self->top = wd_print_layout_height (self->title_layout) + GAP
            + wd_print_layout_height (self->number_layout) + GAP / 2
            + wd_print_layout_height (self->statement_layout) + GAP;
  self->closing = GAP * 2 + wd_print_layout_height (self->issuer_layout) + GAP
                + wd_print_layout_height (self->note_layout);

  n_pages = wd_table_layout_paginate (self->table, context, width, height, self->top);
  /* The issuer and date close the list: on its last page, or on a page
   * of their own when the list leaves no room for them. */
  self->closing_alone = wd_table_layout_get_bottom (self->table, n_pages - 1) + self->closing > height;
  return n_pages + (self->closing_alone ? 1 : 0);
}

static void
draw_head (WdCertificateDocument *self,
           cairo_t               *cr)
{
  double y = 0;

  wd_print_show_layout (cr, self->title_layout, 0, y);
  y += wd_print_layout_height (self->title_layout) + GAP;
  wd_print_show_layout (cr, self->number_layout, 0, y);
  y += wd_print_layout_height (self->number_layout) + GAP / 2;
  wd_print_show_layout (cr, self->statement_layout, 0, y);
}

static void
draw_closing (WdCertificateDocument *self,
              cairo_t               *cr,
              double                 y)
{
  y += GAP * 2;
  wd_print_show_layout (cr, self->issuer_layout, self->width * 0.5, y);
  y += wd_print_layout_height (self->issuer_layout) + GAP;
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  wd_print_show_layout (cr, self->note_layout, 0, y);
  cairo_set_source_rgb (cr, 0, 0, 0);
}

static void
wd_certificate_document_draw_page (WdPrintDocument *document,
                                   cairo_t         *cr,
                                   PangoContext    *context,
                                   guint            page)
{
  WdCertificateDocument *self = WD_CERTIFICATE_DOCUMENT (document);
  guint n_pages = wd_print_document_get_n_pages (document);
  guint table_pages = n_pages - (self->closing_alone ? 1 : 0);

  if (page == 0)
    draw_head (self, cr);
  if (page < table_pages)
    wd_table_layout_draw_page (self->table, cr, page);
  if (page == n_pages - 1)
    draw_closing (self, cr, self->closing_alone ? 0 : wd_table_layout_get_bottom (self->table, page));
}

static void
wd_certificate_document_class_init (WdCertificateDocumentClass *klass)
{
  WdPrintDocumentClass *document_class = WD_PRINT_DOCUMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = wd_certificate_document_finalize;
  document_class->paginate = wd_certificate_document_paginate;
  document_class->draw_page = wd_certificate_document_draw_page;
}

static void
wd_certificate_document_init (WdCertificateDocument *self)
{
  const WdTableColumn columns[] = {
    { _("No."), 0.06 },
    { _("Date and time"), 0.20 },
    { _("Service"), 0.34 },
    { _("Place"), 0.30 },
    { _("Hours"), 0.10 },
  };

  self->table = wd_table_layout_new (columns, G_N_ELEMENTS (columns), TABLE_SIZE);
}

static void
add_service (WdCertificateDocument *self,
             GTimeZone             *tz,
             guint                  index,
             JsonObject            *service)
{
  g_autofree char *position = g_strdup_printf ("%u", index + 1);
  g_autofree char *day = wd_time_format_local (wd_json_int (service, "starts_at"), tz, "%Y-%m-%d");
  g_autofree char *start = wd_time_format_local (wd_json_int (service, "starts_at"), tz, "%H:%M");
  g_autofree char *end = wd_time_format_local (wd_json_int (service, "ends_at"), tz, "%H:%M");
  g_autofree char *when = g_strdup_printf ("%s\n%s–%s", day, start, end);
  const char *topic = wd_json_text (service, "topic");
  g_autofree char *what = g_strdup_printf ("%s%s%s", wd_json_text (service, "title"), *topic ? "\n" : "", topic);
  g_autofree char *where = g_strdup_printf ("%s\n%s", wd_json_text (service, "venue"),
                                            wd_json_text (service, "subdistrict"));
  g_autofree char *hours = g_strdup_printf ("%.1f",
                                            json_object_get_double_member_with_default (service, "hours", 0));
  const char *cells[] = { position, when, what, where, hours, NULL };

  wd_table_layout_add_row (self->table, cells);
}

/* What wd_store_list_service_record () wrote: a list of services, each
 * an object. Anything else came from a damaged store. */
static gboolean
is_service_list (JsonNode *record)
{
  JsonArray *services;

  if (!JSON_NODE_HOLDS_ARRAY (record))
    return FALSE;
  services = json_node_get_array (record);
  for (guint i = 0; i < json_array_get_length (services); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (services, i)))
      return FALSE;
  return TRUE;
}

static gboolean
check_printable (JsonObject  *certificate,
                 GTimeZone   *tz,
                 GError     **error)
{
  if (!json_object_get_null_member (certificate, "revoked_at"))
    {
      g_autofree char *when = wd_time_format_local (wd_json_int (certificate, "revoked_at"), tz, "%Y-%m-%d");

      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("This certificate was revoked on %s (%s) and cannot be printed; "
                     "issue a new one"), when, wd_json_text (certificate, "revoke_reason"));
      return FALSE;
    }
  if (*wd_json_text (certificate, "number") == '\0')
    {
      g_set_error (error, WD_ERROR, WD_ERROR_WRONG_STATE,
                   _("This certificate is waiting for its number from the server; "
                     "sync, then print it"));
      return FALSE;
    }
  return TRUE;
}

static char *
describe_holder (JsonObject *certificate,
                 GTimeZone  *tz)
{
  WdAssigneeKind kind = WD_ASSIGNEE_SPEAKER;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  double hours = json_object_get_double_member_with_default (certificate, "hours", 0);
  guint services = (guint) wd_json_int (certificate, "services");
  const char *purpose = wd_json_text (certificate, "purpose");
  g_autoptr(GString) text = g_string_new (NULL);

  wd_assignee_kind_from_string (wd_json_text (certificate, "holder_kind"), &kind);
  wd_time_format_days (wd_json_int (certificate, "starts_at"), wd_json_int (certificate, "ends_at"), tz, &first, &last);
  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "This is to certify that %s (%s) gave %u volunteer service "
                                       "from %s to %s, %.1f hours in all, as recorded below.",
                                       "This is to certify that %s (%s) gave %u volunteer services "
                                       "from %s to %s, %.1f hours in all, as recorded below.",
                                       services),
                          wd_json_text (certificate, "holder_name"), wd_assignee_kind_label (kind),
                          services, first, last, hours);
  if (*purpose)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Issued for: %s"), purpose);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_issuer (WdStore    *store,
                 JsonObject *certificate,
                 GTimeZone  *tz)
{
  g_autofree char *district = wd_store_get_setting (store, "district_name");
  g_autofree char *centre = district && *district
    ? g_strdup_printf (_("%s Volunteer Service Guidance Centre"), district)
    : g_strdup (_("Volunteer Service Guidance Centre"));
  g_autofree char *issued = wd_time_format_local (wd_json_int (certificate, "issued_at"), tz, "%Y-%m-%d");
  g_autofree char *clerk = wd_store_describe_account (store, wd_json_text (certificate, "issued_by"));
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("Issued by: %s (seal)"), centre);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Clerk: %s"), clerk);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Date: %s"), issued);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

WdCertificateDocument *
wd_certificate_document_new (WdStore     *store,
                             const char  *certificate,
                             GError     **error)
{
  g_autoptr(WdCertificateDocument) self = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonNode) record = NULL;
  GTimeZone *tz;
  JsonArray *services;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);
  g_return_val_if_fail (certificate != NULL, NULL);

  tz = wd_store_get_time_zone (store);
  row = wd_store_get_certificate (store, certificate, error);
  if (row == NULL || !check_printable (row, tz, error))
    return NULL;
  record = wd_json_parse (wd_json_text (row, "record"), -1, error);
  if (record == NULL || !is_service_list (record))
    {
      g_clear_error (error);
      g_set_error (error, WD_ERROR, WD_ERROR_STORE,
                   _("The record of certificate %s is damaged in the store"), wd_json_text (row, "number"));
      return NULL;
    }

  self = g_object_new (WD_TYPE_CERTIFICATE_DOCUMENT, "title", _("Volunteer Service Record Certificate"), NULL);
  self->number = g_strdup (wd_json_text (row, "number"));
  self->statement = describe_holder (row, tz);
  self->issuer = describe_issuer (store, row, tz);
  self->note = g_strdup (_("Issued from the volunteer service records kept by the issuer; "
                           "its number can be checked with the issuer."));
  services = json_node_get_array (record);
  for (guint i = 0; i < json_array_get_length (services); i++)
    add_service (self, tz, i, json_array_get_object_element (services, i));
  return g_steal_pointer (&self);
}
