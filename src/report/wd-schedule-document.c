/* wd-schedule-document.c: the printed event schedule. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-schedule-document.h"
#include "wd-table-layout.h"
#include "wd-time.h"

#define PAGE_OF_ROWS 500
#define TITLE_SIZE 16.0
#define INFO_SIZE 9.5
#define BODY_SIZE 9.0
#define TITLE_GAP 12.0

struct _WdScheduleDocument
{
  WdPrintDocument  parent_instance;

  char            *title;
  char            *info;       /* period, filters, print date */
  WdTableLayout   *table;
  guint            n_events;

  PangoLayout     *title_layout;
  PangoLayout     *info_layout;
  PangoLayout     *empty_layout;
  double           title_height;
};

G_DEFINE_FINAL_TYPE (WdScheduleDocument, wd_schedule_document, WD_TYPE_PRINT_DOCUMENT)

static void
clear_layouts (WdScheduleDocument *self)
{
  g_clear_object (&self->title_layout);
  g_clear_object (&self->info_layout);
  g_clear_object (&self->empty_layout);
}

static void
wd_schedule_document_finalize (GObject *object)
{
  WdScheduleDocument *self = WD_SCHEDULE_DOCUMENT (object);

  clear_layouts (self);
  g_free (self->title);
  g_free (self->info);
  g_clear_pointer (&self->table, wd_table_layout_free);
  G_OBJECT_CLASS (wd_schedule_document_parent_class)->finalize (object);
}

static guint
wd_schedule_document_paginate (WdPrintDocument *document,
                               PangoContext    *context,
                               double           width,
                               double           height)
{
  WdScheduleDocument *self = WD_SCHEDULE_DOCUMENT (document);

  clear_layouts (self);
  self->title_layout = wd_print_layout_new (context, self->title, width, TITLE_SIZE, TRUE);
  self->info_layout = wd_print_layout_new (context, self->info, width, INFO_SIZE, FALSE);
  self->title_height = wd_print_layout_height (self->title_layout) + 4.0
                     + wd_print_layout_height (self->info_layout) + TITLE_GAP;
  if (self->n_events == 0)
    {
      self->empty_layout = wd_print_layout_new (context, _("No events in this period."), width, BODY_SIZE, FALSE);
      return 1;
    }
  return wd_table_layout_paginate (self->table, context, width, height, self->title_height);
}

static void
wd_schedule_document_draw_page (WdPrintDocument *document,
                                cairo_t         *cr,
                                PangoContext    *context,
                                guint            page)
{
  WdScheduleDocument *self = WD_SCHEDULE_DOCUMENT (document);

  if (page == 0)
    {
      wd_print_show_layout (cr, self->title_layout, 0, 0);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      wd_print_show_layout (cr, self->info_layout, 0, wd_print_layout_height (self->title_layout) + 4.0);
      cairo_set_source_rgb (cr, 0, 0, 0);
    }
  if (self->n_events == 0)
    wd_print_show_layout (cr, self->empty_layout, 0, self->title_height);
  else
    wd_table_layout_draw_page (self->table, cr, page);
}

static void
wd_schedule_document_class_init (WdScheduleDocumentClass *klass)
{
  WdPrintDocumentClass *document_class = WD_PRINT_DOCUMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = wd_schedule_document_finalize;
  document_class->paginate = wd_schedule_document_paginate;
  document_class->draw_page = wd_schedule_document_draw_page;
}

static void
wd_schedule_document_init (WdScheduleDocument *self)
{
  const WdTableColumn columns[] = {
    { _("Time"), 0.13 },
    { _("Venue"), 0.24 },
    { _("Event"), 0.25 },
    { _("Speaker or team"), 0.17 },
    { _("Contact"), 0.21 },
  };

  self->table = wd_table_layout_new (columns, G_N_ELEMENTS (columns), BODY_SIZE);
}

static char *
name_of (WdStore    *store,
         const char *kind,
         const char *id)
{
  g_autoptr(JsonObject) row = id ? wd_store_get (store, kind, id, NULL) : NULL;

  return row ? g_strdup (wd_json_text (row, "name")) : NULL;
}

/* Period, filters and print date under the title: a notice says what it
 * covers and when it was current. */
static char *
describe_range (WdStore               *store,
                const WdScheduleRange *range,
                gint64                 now)
{
  GTimeZone *tz = wd_store_get_time_zone (store);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *printed = wd_time_format_local (now, tz, "%Y-%m-%d %H:%M");
  g_autofree char *subdistrict = name_of (store, "subdistrict", range->subdistrict_id);
  g_autofree char *venue_kind = name_of (store, "venue_kind", range->venue_kind);
  g_autoptr(GString) info = g_string_new (NULL);

  wd_time_format_days (range->from, range->to, tz, &first, &last);
  g_string_append_printf (info, _("Period: %s to %s"), first, last);
  if (subdistrict != NULL)
    g_string_append_printf (info, _(" · Sub-district: %s"), subdistrict);
  if (venue_kind != NULL)
    g_string_append_printf (info, _(" · Venue kind: %s"), venue_kind);
  if (range->for_notice_board)
    g_string_append (info, _(" · For the notice board"));
  g_string_append_printf (info, _(" · Printed %s"), printed);
  return g_string_free (g_steal_pointer (&info), FALSE);
}

static void
add_event (WdScheduleDocument *self,
           GTimeZone          *tz,
           const WdActor      *reader,
           JsonObject         *order)
{
  g_autofree char *start = wd_time_format_local (wd_json_int (order, "starts_at"), tz, "%H:%M");
  g_autofree char *end = wd_time_format_local (wd_json_int (order, "ends_at"), tz, "%H:%M");
  g_autofree char *time = g_strdup_printf ("%s–%s", start, end);
  const char *community = wd_json_text (order, "community");
  g_autofree char *venue = g_strdup_printf ("%s\n%s · %s%s%s", wd_json_text (order, "venue"),
                                            wd_json_text (order, "venue_kind_name"),
                                            wd_json_text (order, "subdistrict_name"),
                                            *community ? " " : "", community);
  /* What the event is about: its topic, else the project it was ordered from. */
  const char *about = *wd_json_text (order, "topic_name") ? wd_json_text (order, "topic_name")
                                                          : wd_json_text (order, "project_title");
  g_autofree char *event = g_strdup_printf ("%s%s%s", wd_json_text (order, "title"), *about ? "\n" : "", about);
  const char *assignee = wd_json_text (order, "assignee_name");
  const char *phone = wd_json_text (order, "contact_phone");
  g_autofree char *shown_phone = wd_actor_sees_phones (reader, order) ? g_strdup (phone) : wd_mask_phone (phone);
  g_autofree char *contact = g_strdup_printf ("%s\n%s", wd_json_text (order, "contact_name"), shown_phone);
  const char *cells[] = { time, venue, event, *assignee ? assignee : _("not yet dispatched"), contact, NULL };

  wd_table_layout_add_row (self->table, cells);
}

WdOrderFilter
wd_schedule_range_filter (const WdScheduleRange *range)
{
  WdOrderFilter filter = { .subdistrict_id = range->subdistrict_id, .venue_kind = range->venue_kind,
                           .from = range->from, .to = range->to, .live = TRUE };

  return filter;
}

static gboolean
load_events (WdScheduleDocument     *self,
             WdStore                *store,
             const WdScheduleRange  *range,
             const WdActor          *reader,
             GError                **error)
{
  WdOrderFilter filter = wd_schedule_range_filter (range);
  GTimeZone *tz = wd_store_get_time_zone (store);
  g_autofree char *after = NULL;
  gint64 day = G_MININT64;

  do
    {
      g_autofree char *next = NULL;
      g_autoptr(JsonArray) rows = wd_store_list_orders (store, &filter, after, PAGE_OF_ROWS, &next, error);

      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *order = json_array_get_object_element (rows, i);
          gint64 starts_at = wd_json_int (order, "starts_at");

          if (wd_time_day_start (starts_at, tz) != day)
            {
              g_autofree char *heading = wd_time_format_day (starts_at, tz);

              day = wd_time_day_start (starts_at, tz);
              wd_table_layout_add_group (self->table, heading);
            }
          add_event (self, tz, reader, order);
          self->n_events++;
        }
      g_free (after);
      after = g_steal_pointer (&next);
    }
  while (after != NULL);
  return TRUE;
}

WdScheduleDocument *
wd_schedule_document_new (WdStore                *store,
                          const WdScheduleRange  *range,
                          const WdActor          *reader,
                          gint64                  now,
                          GError                **error)
{
  g_autoptr(WdScheduleDocument) self = NULL;
  g_autoptr(WdActor) public = NULL;
  g_autofree char *district = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);
  g_return_val_if_fail (range != NULL && range->to > range->from, NULL);
  g_return_val_if_fail (reader != NULL, NULL);

  if (range->for_notice_board)
    reader = public = wd_actor_new_public ();
  district = wd_store_get_setting (store, "district_name");
  title = g_strdup_printf (_("%s volunteer service events"), district ? district : "");
  self = g_object_new (WD_TYPE_SCHEDULE_DOCUMENT, "title", title, NULL);
  self->title = g_steal_pointer (&title);
  self->info = describe_range (store, range, now);
  if (!load_events (self, store, range, reader, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint
wd_schedule_document_get_n_events (WdScheduleDocument *self)
{
  g_return_val_if_fail (WD_IS_SCHEDULE_DOCUMENT (self), 0);
  return self->n_events;
}
