/* wd-report-document.c: the monthly report. */
#define G_LOG_DOMAIN "wudan-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-json.h"
#include "wd-report-document.h"
#include "wd-rewards.h"
#include "wd-summary.h"
#include "wd-time.h"
#include "wd-types.h"

#define TITLE_SIZE 16.0
#define INFO_SIZE 9.5
#define FIGURE_SIZE 15.0
#define LABEL_SIZE 8.5
#define CHART_SIZE 9.0
#define FIGURES_PER_LINE 5
#define GAP 18.0

typedef enum
{
  BLOCK_TITLE,
  BLOCK_FIGURES,
  BLOCK_CHART,
} BlockKind;

typedef struct
{
  BlockKind      kind;
  WdReportChart *chart;
  double         height;
  guint          page;
  double         y;
} Block;

struct _WdReportDocument
{
  WdPrintDocument  parent_instance;

  char            *title;
  char            *info;
  JsonObject      *summary;
  GPtrArray       *figures;   /* label, value, label, value… */
  GPtrArray       *charts;
  GArray          *blocks;

  double           width;
};

G_DEFINE_FINAL_TYPE (WdReportDocument, wd_report_document, WD_TYPE_PRINT_DOCUMENT)

void
wd_report_chart_free (WdReportChart *chart)
{
  for (guint i = 0; i < chart->n_items; i++)
    g_free ((char *) chart->items[i].label);
  g_free (chart->items);
  g_free (chart->title);
  g_free (chart);
}

static void
wd_report_document_finalize (GObject *object)
{
  WdReportDocument *self = WD_REPORT_DOCUMENT (object);

  g_free (self->title);
  g_free (self->info);
  g_clear_pointer (&self->summary, json_object_unref);
  g_clear_pointer (&self->figures, g_ptr_array_unref);
  g_clear_pointer (&self->charts, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_array_unref);
  G_OBJECT_CLASS (wd_report_document_parent_class)->finalize (object);
}

static double
figures_height (WdReportDocument *self)
{
  guint lines = (self->figures->len / 2 + FIGURES_PER_LINE - 1) / FIGURES_PER_LINE;

  return lines * (FIGURE_SIZE + LABEL_SIZE) * 1.8;
}

static double
block_height (WdReportDocument *self,
              PangoContext     *context,
              Block            *block,
              double            width)
{
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) info = NULL;

  switch (block->kind)
    {
    case BLOCK_TITLE:
      title = wd_print_layout_new (context, self->title, width, TITLE_SIZE, TRUE);
      info = wd_print_layout_new (context, self->info, width, INFO_SIZE, FALSE);
      return wd_print_layout_height (title) + 4.0 + wd_print_layout_height (info);
    case BLOCK_FIGURES:
      return figures_height (self);
    case BLOCK_CHART:
    default:
      return block->chart->pie ? wd_chart_pie_height (block->chart->n_items, CHART_SIZE)
                               : wd_chart_bars_height (block->chart->n_items, CHART_SIZE);
    }
}

/* Blocks run down the pages; a block that does not fit goes whole to
 * the next page. */
static guint
wd_report_document_paginate (WdPrintDocument *document,
                             PangoContext    *context,
                             double           width,
                             double           height)
{
  WdReportDocument *self = WD_REPORT_DOCUMENT (document);
  guint page = 0;
  double y = 0;

  self->width = width;
  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = &g_array_index (self->blocks, Block, i);

      block->height = block_height (self, context, block, width);
      if (y > 0 && y + block->height > height)
        {
          page++;
          y = 0;
        }
      block->page = page;
      block->y = y;
      y += block->height + GAP;
    }
  return page + 1;
}

static void
draw_figures (WdReportDocument *self,
              cairo_t          *cr,
              PangoContext     *context)
{
  double cell = self->width / FIGURES_PER_LINE;
  double line = (FIGURE_SIZE + LABEL_SIZE) * 1.8;

  for (guint i = 0; i + 1 < self->figures->len; i += 2)
    {
      guint index = i / 2;
      double x = (index % FIGURES_PER_LINE) * cell;
      double y = (index / FIGURES_PER_LINE) * line;
      g_autoptr(PangoLayout) value = wd_print_layout_new (context, g_ptr_array_index (self->figures, i + 1),
                                                          cell - 6, FIGURE_SIZE, TRUE);
      g_autoptr(PangoLayout) label = wd_print_layout_new (context, g_ptr_array_index (self->figures, i),
                                                          cell - 6, LABEL_SIZE, FALSE);

      cairo_set_source_rgb (cr, 0.95, 0.96, 0.98);
      cairo_rectangle (cr, x + 1, y + 1, cell - 2, line - 4);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      wd_print_show_layout (cr, value, x + 6, y + 4);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      wd_print_show_layout (cr, label, x + 6, y + 6 + wd_print_layout_height (value));
    }
}

static void
wd_report_document_draw_page (WdPrintDocument *document,
                              cairo_t         *cr,
                              PangoContext    *context,
                              guint            page)
{
  WdReportDocument *self = WD_REPORT_DOCUMENT (document);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = &g_array_index (self->blocks, Block, i);

      if (block->page != page)
        continue;
      cairo_save (cr);
      cairo_translate (cr, 0, block->y);
      if (block->kind == BLOCK_TITLE)
        {
          g_autoptr(PangoLayout) title = wd_print_layout_new (context, self->title, self->width, TITLE_SIZE, TRUE);
          g_autoptr(PangoLayout) info = wd_print_layout_new (context, self->info, self->width, INFO_SIZE, FALSE);

          wd_print_show_layout (cr, title, 0, 0);
          cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
          wd_print_show_layout (cr, info, 0, wd_print_layout_height (title) + 4.0);
        }
      else if (block->kind == BLOCK_FIGURES)
        draw_figures (self, cr, context);
      else if (block->chart->pie)
        wd_chart_draw_pie (cr, context, self->width, CHART_SIZE, block->chart->title,
                           block->chart->items, block->chart->n_items);
      else
        wd_chart_draw_bars (cr, context, self->width, CHART_SIZE, block->chart->title,
                            block->chart->items, block->chart->n_items);
      cairo_restore (cr);
    }
}

static void
wd_report_document_class_init (WdReportDocumentClass *klass)
{
  WdPrintDocumentClass *document_class = WD_PRINT_DOCUMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = wd_report_document_finalize;
  document_class->paginate = wd_report_document_paginate;
  document_class->draw_page = wd_report_document_draw_page;
}

static void
wd_report_document_init (WdReportDocument *self)
{
  self->blocks = g_array_new (FALSE, TRUE, sizeof (Block));
}

typedef const char *(*LabelFunc) (const char *name);

static const char *
state_label (const char *name)
{
  WdOrderState state;

  return wd_order_state_from_string (name, &state) ? wd_order_state_label (state) : name;
}

static const char *
outcome_label (const char *name)
{
  WdCallbackOutcome outcome;

  return wd_callback_outcome_from_string (name, &outcome) ? wd_callback_outcome_label (outcome) : name;
}

static const char *
plain_label (const char *name)
{
  return *name ? name : _("None");
}

static WdReportChart *
chart_of_counts (const char *title,
                 gboolean    pie,
                 JsonObject *counts,
                 LabelFunc   label)
{
  WdReportChart *chart = g_new0 (WdReportChart, 1);
  g_autoptr(GList) members = counts ? json_object_get_members (counts) : NULL;

  chart->title = g_strdup (title);
  chart->pie = pie;
  chart->n_items = g_list_length (members);
  chart->items = g_new0 (WdChartItem, MAX (chart->n_items, 1));
  for (GList *l = members; l; l = l->next)
    {
      guint i = g_list_position (members, l);

      chart->items[i].label = g_strdup (label (l->data));
      chart->items[i].value = (double) json_object_get_int_member (counts, l->data);
    }
  return chart;
}

static WdReportChart *
chart_of_stars (JsonObject *summary)
{
  JsonArray *stars = json_object_get_array_member (summary, "stars");
  WdReportChart *chart = g_new0 (WdReportChart, 1);

  chart->title = g_strdup (_("Ratings by stars"));
  chart->n_items = 5;
  chart->items = g_new0 (WdChartItem, 5);
  for (guint i = 0; i < 5; i++)
    {
      /* Five stars first, as a rating form lists them. */
      chart->items[i].label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u star", "%u stars", 5 - i), 5 - i);
      chart->items[i].value = (double) json_array_get_int_element (stars, 4 - i);
    }
  return chart;
}

GPtrArray *
wd_report_charts (JsonObject *summary)
{
  GPtrArray *charts = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_report_chart_free);

  g_ptr_array_add (charts, chart_of_counts (_("Orders by state"), FALSE,
                                            json_object_get_object_member (summary, "by_state"), state_label));
  g_ptr_array_add (charts, chart_of_counts (_("Orders by kind of venue"), TRUE,
                                            json_object_get_object_member (summary, "by_venue_kind"), plain_label));
  g_ptr_array_add (charts, chart_of_counts (_("Orders by sub-district"), FALSE,
                                            json_object_get_object_member (summary, "by_subdistrict"), plain_label));
  g_ptr_array_add (charts, chart_of_counts (_("Orders by topic"), FALSE,
                                            json_object_get_object_member (summary, "by_topic"), plain_label));
  g_ptr_array_add (charts, chart_of_stars (summary));
  g_ptr_array_add (charts, chart_of_counts (_("Callback outcomes"), TRUE,
                                            json_object_get_object_member (summary, "callback_outcomes"),
                                            outcome_label));
  return charts;
}

static char *
format_average (JsonObject *summary,
                const char *member)
{
  JsonNode *node = json_object_get_member (summary, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  return g_strdup_printf ("%.2f", json_node_get_double (node));
}

/* The share of callbacks that found the resident satisfied. */
static char *
format_share (JsonObject *summary)
{
  gint64 calls = wd_json_int (summary, "callbacks");
  JsonObject *outcomes = json_object_get_object_member (summary, "callback_outcomes");
  gint64 satisfied = outcomes ? json_object_get_int_member_with_default (outcomes, "satisfied", 0) : 0;

  if (calls == 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.0f%%", 100.0 * (double) satisfied / (double) calls);
}

/* A count as the user's locale groups digits: 13,119 in Chinese. */
static char *
format_count (JsonObject *summary,
              const char *member)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, wd_json_int (summary, member));
}

static void
add_figure (GPtrArray  *figures,
            const char *label,
            char       *value)
{
  g_ptr_array_add (figures, g_strdup (label));
  g_ptr_array_add (figures, value);
}

GPtrArray *
wd_report_figures (JsonObject *summary)
{
  GPtrArray *figures = g_ptr_array_new_with_free_func (g_free);
  gint64 cents = wd_json_int (summary, "rewards_paid_cents");

  add_figure (figures, _("Orders"), format_count (summary, "orders"));
  add_figure (figures, _("Delivered"), format_count (summary, "delivered"));
  add_figure (figures, _("Audience served"), format_count (summary, "audience"));
  add_figure (figures, _("Hours served"),
              g_strdup_printf ("%'.1f", json_object_get_double_member_with_default (summary, "hours", 0)));
  add_figure (figures, _("Ratings"), format_count (summary, "ratings"));
  add_figure (figures, _("Average rating"), format_average (summary, "rating_average"));
  add_figure (figures, _("Callbacks"), format_count (summary, "callbacks"));
  add_figure (figures, _("Satisfied on callback"), format_share (summary));
  add_figure (figures, _("Rewards paid"), wd_format_money (cents));
  add_figure (figures, _("Payments made"), format_count (summary, "rewards_paid"));
  return figures;
}

WdReportDocument *
wd_report_document_new (WdStore     *store,
                        const char  *month,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(WdReportDocument) self = NULL;
  g_autofree char *district = NULL;
  g_autofree char *title = NULL;
  g_autofree char *printed = NULL;
  GTimeZone *tz;
  gint64 from, to;
  Block block = { 0 };

  g_return_val_if_fail (WD_IS_STORE (store), NULL);

  tz = wd_store_get_time_zone (store);
  if (!wd_month_parse (month, tz, &from, &to, error))
    return NULL;

  district = wd_store_get_setting (store, "district_name");
  /* TRANSLATORS: the title of the monthly report; %s: the district, %s: the month */
  title = g_strdup_printf (_("%s volunteer service report, %s"), district ? district : "", month);
  self = g_object_new (WD_TYPE_REPORT_DOCUMENT, "title", title, NULL);
  self->title = g_steal_pointer (&title);
  self->summary = wd_store_summarize (store, from, to, error);
  if (self->summary == NULL)
    return NULL;
  printed = wd_time_format_local (now, tz, "%Y-%m-%d %H:%M");
  self->info = g_strdup_printf (_("Orders by the month of their event; callbacks and rewards by the day they were "
                                  "made · Printed %s"), printed);
  self->figures = wd_report_figures (self->summary);
  self->charts = wd_report_charts (self->summary);

  block.kind = BLOCK_TITLE;
  g_array_append_val (self->blocks, block);
  block.kind = BLOCK_FIGURES;
  g_array_append_val (self->blocks, block);
  for (guint i = 0; i < self->charts->len; i++)
    {
      block.kind = BLOCK_CHART;
      block.chart = g_ptr_array_index (self->charts, i);
      g_array_append_val (self->blocks, block);
    }
  return g_steal_pointer (&self);
}

JsonObject *
wd_report_document_get_summary (WdReportDocument *self)
{
  g_return_val_if_fail (WD_IS_REPORT_DOCUMENT (self), NULL);
  return self->summary;
}
