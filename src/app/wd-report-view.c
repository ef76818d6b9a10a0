/* wd-report-view.c: the Reports view. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-chart.h"
#include "wd-printing.h"
#include "wd-report-view.h"
#include "wd-summary.h"
#include "wd-time.h"
#include "wd-ui-util.h"
#include "wd-view.h"

#define MONTHS_OFFERED 12
/* On screen a chart's text is as large as the window's, in pixels. */
#define SCREEN_FONT_SIZE 13.0

struct _WdReportView
{
  AdwBin        parent_instance;

  GtkDropDown  *month_filter;
  GtkLabel     *status_label;
  GtkFlowBox   *figures_box;
  GtkBox       *charts_box;

  WdWorkspace  *workspace;
  JsonObject   *summary;
  GPtrArray    *charts;       /* WdReportChart, drawn by the areas in charts_box */
  GCancellable *loading;
};

static void wd_report_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdReportView, wd_report_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_report_view_view_init))

static void
clear_content (WdReportView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->charts_box))) != NULL)
    gtk_box_remove (self->charts_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box))) != NULL)
    gtk_flow_box_remove (self->figures_box, child);
  g_clear_pointer (&self->charts, g_ptr_array_unref);
}

static void
wd_report_view_dispose (GObject *object)
{
  WdReportView *self = WD_REPORT_VIEW (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  clear_content (self);
  g_clear_pointer (&self->summary, json_object_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), WD_TYPE_REPORT_VIEW);
  G_OBJECT_CLASS (wd_report_view_parent_class)->dispose (object);
}

static GtkWidget *
figure_card (const char *label,
             const char *value)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *value_label = wd_label_new ("title-2");
  GtkWidget *caption = wd_label_new ("dim-label");

  gtk_label_set_text (GTK_LABEL (value_label), value);
  gtk_label_set_text (GTK_LABEL (caption), label);
  gtk_widget_add_css_class (value_label, "numeric");
  gtk_box_append (GTK_BOX (card), value_label);
  gtk_box_append (GTK_BOX (card), caption);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "figure-card");
  return card;
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  WdReportChart *chart = data;
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (area));

  cairo_translate (cr, 12, 12);
  if (chart->pie)
    wd_chart_draw_pie (cr, context, width - 24, SCREEN_FONT_SIZE, chart->title, chart->items, chart->n_items);
  else
    wd_chart_draw_bars (cr, context, width - 24, SCREEN_FONT_SIZE, chart->title, chart->items, chart->n_items);
}

/* Charts sit on paper: white, as they print, whatever the style. */
static GtkWidget *
chart_area (WdReportChart *chart)
{
  GtkWidget *area = gtk_drawing_area_new ();
  double height = chart->pie ? wd_chart_pie_height (chart->n_items, SCREEN_FONT_SIZE)
                             : wd_chart_bars_height (chart->n_items, SCREEN_FONT_SIZE);

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), (int) height + 24);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_chart, chart, NULL);
  gtk_widget_add_css_class (area, "card");
  gtk_widget_add_css_class (area, "paper");
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL, chart->title, -1);
  return area;
}

static void
show_summary (WdReportView *self)
{
  g_autoptr(GPtrArray) figures = wd_report_figures (self->summary);

  clear_content (self);
  for (guint i = 0; i + 1 < figures->len; i += 2)
    gtk_flow_box_append (self->figures_box, figure_card (g_ptr_array_index (figures, i),
                                                         g_ptr_array_index (figures, i + 1)));
  self->charts = wd_report_charts (self->summary);
  for (guint i = 0; i < self->charts->len; i++)
    gtk_box_append (self->charts_box, chart_area (g_ptr_array_index (self->charts, i)));
  gtk_label_set_text (self->status_label, _("Orders by the month of their event; callbacks and rewards by the day "
                                            "they were made"));
}

typedef struct
{
  char   *month;
  gint64  now;
} MonthJob;

static void
month_job_free (MonthJob *job)
{
  g_free (job->month);
  g_free (job);
}

static MonthJob *
month_job_new (WdReportView *self)
{
  MonthJob *job = g_new0 (MonthJob, 1);

  job->month = g_strdup (wd_report_view_get_month (self));
  job->now = wd_workspace_now (self->workspace);
  return job;
}

static gpointer
read_summary (WdStore  *store,
              gpointer  data,
              GError  **error)
{
  MonthJob *job = data;
  gint64 from, to;

  if (!wd_month_parse (job->month, wd_store_get_time_zone (store), &from, &to, error))
    return NULL;
  return wd_store_summarize (store, from, to, error);
}

static void
on_summary_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WdReportView *self = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *summary = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);
  if (summary == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  g_clear_pointer (&self->summary, json_object_unref);
  self->summary = summary;
  show_summary (self);
}

static void
reload (WdReportView *self)
{
  if (self->workspace == NULL || wd_report_view_get_month (self) == NULL)
    return;
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();
  wd_workspace_read_async (self->workspace, read_summary, month_job_new (self), (GDestroyNotify) month_job_free,
                           (GDestroyNotify) json_object_unref, self->loading, on_summary_read, self);
}

static void
on_month_changed (WdReportView *self)
{
  /* Filling the months at bind picks one; a hidden view reads it when
   * first shown (wd_refresh_while_shown). */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
}

static gpointer
build_document (WdStore  *store,
                gpointer  data,
                GError  **error)
{
  MonthJob *job = data;
  WdReportDocument *document = wd_report_document_new (store, job->month, job->now, error);

  if (document != NULL)
    wd_print_document_set_landscape (WD_PRINT_DOCUMENT (document), wd_printing_get_landscape ());
  return document;
}

void
wd_report_view_build_document_async (WdReportView        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WD_IS_REPORT_VIEW (self));

  wd_workspace_read_async (self->workspace, build_document, month_job_new (self), (GDestroyNotify) month_job_free,
                           g_object_unref, cancellable, callback, user_data);
}

WdReportDocument *
wd_report_view_build_document_finish (WdReportView  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return wd_workspace_read_finish (self->workspace, result, error);
}

static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdReportView *self = WD_REPORT_VIEW (widget);
  /* TRANSLATORS: the file name offered when saving the report; %s is the month */
  g_autofree char *name = g_strdup_printf (_("Report %s.pdf"), wd_report_view_get_month (self));

  if (self->workspace == NULL)
    return;
  wd_printing_build_and_run (widget, self->workspace, build_document, month_job_new (self),
                             (GDestroyNotify) month_job_free, g_str_equal (action_name, "report.export-pdf"), name);
}

static void
wd_report_view_class_init (WdReportViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_report_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-report-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdReportView, month_filter);
  gtk_widget_class_bind_template_child (widget_class, WdReportView, status_label);
  gtk_widget_class_bind_template_child (widget_class, WdReportView, figures_box);
  gtk_widget_class_bind_template_child (widget_class, WdReportView, charts_box);
  gtk_widget_class_bind_template_callback (widget_class, on_month_changed);

  gtk_widget_class_install_action (widget_class, "report.print", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "report.export-pdf", NULL, share_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "report.print", NULL);
}

static void
wd_report_view_init (WdReportView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* This month and the eleven before it, newest first. */
static void
fill_months (WdReportView *self)
{
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (self->workspace));
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (wd_workspace_now (self->workspace));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, tz);
  g_autoptr(GDateTime) first = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                                                1, 0, 0, 0);
  g_auto(GStrv) ids = g_new0 (char *, MONTHS_OFFERED + 1);
  g_auto(GStrv) labels = g_new0 (char *, MONTHS_OFFERED + 1);

  for (int i = 0; i < MONTHS_OFFERED; i++)
    {
      g_autoptr(GDateTime) month = g_date_time_add_months (first, -i);

      ids[i] = g_date_time_format (month, "%Y-%m");
      /* TRANSLATORS: a month in the Reports view; strftime format */
      labels[i] = g_date_time_format (month, _("%B %Y"));
    }
  wd_drop_down_fill_pairs (self->month_filter, (const char * const *) ids, (const char * const *) labels, NULL);
}

static void
wd_report_view_bind (WdView      *view,
                     WdWorkspace *workspace)
{
  WdReportView *self = WD_REPORT_VIEW (view);

  self->workspace = g_object_ref (workspace);
  fill_months (self);
  /* The month's figures are read on the worker the lists share: at start
   * and after every change they would wait for it behind the board. */
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) reload);
}

static void
wd_report_view_focus_search (WdView *view)
{
  gtk_widget_grab_focus (GTK_WIDGET (WD_REPORT_VIEW (view)->month_filter));
}

static void
wd_report_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_report_view_bind;
  iface->focus_search = wd_report_view_focus_search;
}

const char *
wd_report_view_get_month (WdReportView *self)
{
  g_return_val_if_fail (WD_IS_REPORT_VIEW (self), NULL);
  return wd_drop_down_get_id (self->month_filter);
}

void
wd_report_view_set_month (WdReportView *self,
                          const char   *month)
{
  g_return_if_fail (WD_IS_REPORT_VIEW (self));
  wd_drop_down_set_id (self->month_filter, month);
}

JsonObject *
wd_report_view_get_summary (WdReportView *self)
{
  g_return_val_if_fail (WD_IS_REPORT_VIEW (self), NULL);
  return self->summary;
}
