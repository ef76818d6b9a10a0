/* wd-schedule-view.c: the coming days' events. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-error.h"
#include "wd-export.h"
#include "wd-json.h"
#include "wd-order-actions.h"
#include "wd-printing.h"
#include "wd-row.h"
#include "wd-schedule-document.h"
#include "wd-schedule-view.h"
#include "wd-sheet-document.h"
#include "wd-time.h"
#include "wd-ui-util.h"
#include "wd-view.h"

struct _WdScheduleView
{
  AdwBin          parent_instance;

  GtkSearchEntry *search_entry;
  GtkDropDown    *days_filter;
  GtkDropDown    *subdistrict_filter;
  GtkDropDown    *venue_kind_filter;
  GtkStack       *content_stack;
  GtkGridView    *list_view;  /* one column: see wd-board-view.c */

  WdWorkspace    *workspace;
  WdRowModel     *model;
  gboolean        for_notice_board;
};

enum {
  PROP_0,
  PROP_FOR_NOTICE_BOARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Days ahead from today, or a whole week from Monday: an office prints
 * next week's notice at the end of this one. */
static const char * const day_choices[] = { "7", "this-week", "next-week", "14", "31", NULL };

static void wd_schedule_view_view_init (WdViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WdScheduleView, wd_schedule_view, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WD_TYPE_VIEW, wd_schedule_view_view_init))

static void
wd_schedule_view_dispose (GObject *object)
{
  WdScheduleView *self = WD_SCHEDULE_VIEW (object);

  wd_view_unlink (self, &self->workspace, &self->model);
  G_OBJECT_CLASS (wd_schedule_view_parent_class)->dispose (object);
}

/* From the start of today, so an event this morning still shows. */
static WdScheduleRange
shown_range (WdScheduleView *self)
{
  const char *days = wd_drop_down_get_id (self->days_filter);
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (self->workspace));
  gint64 now = wd_workspace_now (self->workspace);
  WdScheduleRange range = { 0 };

  if (g_strcmp0 (days, "this-week") == 0 || g_strcmp0 (days, "next-week") == 0)
    {
      int week = g_str_equal (days, "next-week") ? 1 : 0;

      range.from = wd_time_week_start (now, tz, week);
      range.to = wd_time_week_start (now, tz, week + 1);
    }
  else
    {
      range.from = wd_time_day_start (now, tz);
      range.to = range.from + g_ascii_strtoll (days ? days : "7", NULL, 10) * 86400;
    }
  range.subdistrict_id = wd_drop_down_get_id (self->subdistrict_filter);
  range.venue_kind = wd_drop_down_get_id (self->venue_kind_filter);
  return range;
}

static void
on_filter_changed (WdScheduleView *self)
{
  WdScheduleRange range;

  if (self->model == NULL)
    return;
  range = shown_range (self);
  wd_row_model_set_range (self->model, range.from, range.to);
  wd_row_model_set_filter (self->model, "subdistrict_id", range.subdistrict_id);
  wd_row_model_set_filter (self->model, "venue_kind", range.venue_kind);
}

/* What the printout covers is what the view shows: its days and filters,
 * read again on the worker so the list never waits for it. */
typedef struct
{
  WdScheduleRange  range;
  char            *subdistrict_id;
  char            *venue_kind;
  WdActor         *reader;
  gint64           now;
} ScheduleJob;

static void
schedule_job_free (ScheduleJob *job)
{
  g_free (job->subdistrict_id);
  g_free (job->venue_kind);
  wd_actor_free (job->reader);
  g_free (job);
}

/* public: read as the notice board's public when the user chose so;
 * work sheets go to the teams, who need the numbers. */
static ScheduleJob *
schedule_job_new (WdScheduleView *self,
                  gboolean        public)
{
  ScheduleJob *job = g_new0 (ScheduleJob, 1);

  job->range = shown_range (self);
  job->range.for_notice_board = public && self->for_notice_board;
  job->subdistrict_id = g_strdup (job->range.subdistrict_id);
  job->venue_kind = g_strdup (job->range.venue_kind);
  job->range.subdistrict_id = job->subdistrict_id;
  job->range.venue_kind = job->venue_kind;
  job->reader = job->range.for_notice_board ? wd_actor_new_public ()
                                            : wd_actor_copy (wd_workspace_get_actor (self->workspace));
  job->now = wd_workspace_now (self->workspace);
  return job;
}

static gpointer
build_document (WdStore  *store,
                gpointer  data,
                GError  **error)
{
  ScheduleJob *job = data;
  WdScheduleDocument *document = wd_schedule_document_new (store, &job->range, job->reader, job->now, error);

  if (document != NULL)
    wd_print_document_set_landscape (WD_PRINT_DOCUMENT (document), wd_printing_get_landscape ());
  return document;
}

/* The events the view shows, all of them (a schedule covers a month at
 * most). */
static JsonArray *
list_shown_orders (WdStore      *store,
                   ScheduleJob  *job,
                   GError      **error)
{
  WdOrderFilter filter = wd_schedule_range_filter (&job->range);

  return wd_store_list_orders (store, &filter, NULL, G_MAXINT, NULL, error);
}

/* The work sheets of the shown events that have a team or speaker. */
static gpointer
build_sheets (WdStore  *store,
              gpointer  data,
              GError  **error)
{
  ScheduleJob *job = data;
  g_autoptr(JsonArray) orders = list_shown_orders (store, job, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  if (orders == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);
      const char *state = wd_json_text (order, "state");

      if (g_str_equal (state, "dispatched") || g_str_equal (state, "accepted"))
        g_ptr_array_add (ids, (gpointer) wd_json_text (order, "id"));
    }
  if (ids->len == 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                   _("No event in these days has been dispatched yet: work sheets go with dispatched orders"));
      return NULL;
    }
  g_ptr_array_add (ids, NULL);
  return wd_sheet_document_new (store, (const char * const *) ids->pdata, WD_SHEET_WORK, job->reader, error);
}

static gpointer
build_calendar (WdStore  *store,
                gpointer  data,
                GError  **error)
{
  ScheduleJob *job = data;
  g_autoptr(JsonArray) orders = list_shown_orders (store, job, error);
  char *text;

  if (orders == NULL)
    return NULL;
  text = wd_export_ical (store, orders, job->reader, job->now);
  return g_bytes_new_take (text, strlen (text));
}

void
wd_schedule_view_build_document_async (WdScheduleView      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (WD_IS_SCHEDULE_VIEW (self));

  wd_workspace_read_async (self->workspace, build_document, schedule_job_new (self, TRUE),
                           (GDestroyNotify) schedule_job_free, g_object_unref, cancellable, callback, user_data);
}

WdScheduleDocument *
wd_schedule_view_build_document_finish (WdScheduleView  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return wd_workspace_read_finish (self->workspace, result, error);
}

void
wd_schedule_view_build_sheets_async (WdScheduleView      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WD_IS_SCHEDULE_VIEW (self));

  wd_workspace_read_async (self->workspace, build_sheets, schedule_job_new (self, FALSE),
                           (GDestroyNotify) schedule_job_free, g_object_unref, cancellable, callback, user_data);
}

WdSheetDocument *
wd_schedule_view_build_sheets_finish (WdScheduleView  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return wd_workspace_read_finish (self->workspace, result, error);
}

static char *
suggested_name (WdScheduleView *self,
                const char     *extension)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autofree char *day = wd_format_time (store, shown_range (self).from, "%Y-%m-%d");

  /* TRANSLATORS: the file name offered when saving the schedule; %s is the first day */
  return g_strdup_printf (_("Schedule from %s.%s"), day, extension);
}

static void
on_calendar_built (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(WdScheduleView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) calendar = wd_workspace_read_finish (self->workspace, result, &error);
  g_autofree char *name = suggested_name (self, "ics");

  if (calendar == NULL)
    {
      wd_show_error (GTK_WIDGET (self), _("Could not prepare the calendar"), error);
      return;
    }
  wd_printing_save_file (GTK_WIDGET (self), calendar, name, _("Calendar files"), "*.ics");
}

static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WdScheduleView *self = WD_SCHEDULE_VIEW (widget);
  g_autofree char *name = NULL;

  if (self->workspace == NULL)
    return;
  if (g_str_equal (action_name, "schedule.export-ics"))
    {
      wd_workspace_read_async (self->workspace, build_calendar, schedule_job_new (self, TRUE),
                               (GDestroyNotify) schedule_job_free, (GDestroyNotify) g_bytes_unref,
                               NULL, on_calendar_built, g_object_ref (self));
      return;
    }
  if (g_str_equal (action_name, "schedule.print-sheets"))
    {
      wd_printing_build_and_run (widget, self->workspace, build_sheets, schedule_job_new (self, FALSE),
                                 (GDestroyNotify) schedule_job_free, FALSE, NULL);
      return;
    }
  name = suggested_name (self, "pdf");
  wd_printing_build_and_run (widget, self->workspace, build_document, schedule_job_new (self, TRUE),
                             (GDestroyNotify) schedule_job_free, g_str_equal (action_name, "schedule.export-pdf"),
                             name);
}

static void
on_activate (WdScheduleView *self,
             guint           position)
{
  wd_list_show_row (GTK_WIDGET (self), G_LIST_MODEL (self->model), position, "win.show-order");
}

static void
wd_schedule_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WdScheduleView *self = WD_SCHEDULE_VIEW (object);

  switch (prop_id)
    {
    case PROP_FOR_NOTICE_BOARD:
      g_value_set_boolean (value, self->for_notice_board);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_schedule_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  WdScheduleView *self = WD_SCHEDULE_VIEW (object);

  switch (prop_id)
    {
    case PROP_FOR_NOTICE_BOARD:
      if (self->for_notice_board != g_value_get_boolean (value))
        {
          self->for_notice_board = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_schedule_view_class_init (WdScheduleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wd_schedule_view_dispose;
  object_class->get_property = wd_schedule_view_get_property;
  object_class->set_property = wd_schedule_view_set_property;

  /* A schedule pinned up in public shows no resident's number, whoever
   * prints it; what the printer's role may see is for meetings. */
  properties[PROP_FOR_NOTICE_BOARD] =
    g_param_spec_boolean ("for-notice-board", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-schedule-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WdScheduleView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, WdScheduleView, days_filter);
  gtk_widget_class_bind_template_child (widget_class, WdScheduleView, subdistrict_filter);
  gtk_widget_class_bind_template_child (widget_class, WdScheduleView, venue_kind_filter);
  gtk_widget_class_bind_template_child (widget_class, WdScheduleView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, WdScheduleView, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);

  gtk_widget_class_install_action (widget_class, "schedule.print", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "schedule.export-pdf", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "schedule.export-ics", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "schedule.print-sheets", NULL, share_action);
  gtk_widget_class_install_property_action (widget_class, "schedule.notice-board", "for-notice-board");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "schedule.print", NULL);
}

static void
wd_schedule_view_init (WdScheduleView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *day = wd_label_new ("title-4");
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *time = wd_label_new ("numeric");
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_widget_set_margin_top (day, 12);
  gtk_widget_set_size_request (time, 110, -1);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), wd_label_new ("heading"));
  gtk_box_append (GTK_BOX (text), wd_label_new ("dim-label"));
  gtk_box_append (GTK_BOX (line), time);
  gtk_box_append (GTK_BOX (line), text);
  gtk_box_append (GTK_BOX (box), day);
  gtk_box_append (GTK_BOX (box), line);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_item_set_child (item, box);
}

/* A day's heading shows above its first event (the list has no section
 * headers in GTK 4.8). */
static gboolean
starts_day (WdScheduleView *self,
            guint           position,
            gint64          day)
{
  g_autoptr(WdRow) previous = NULL;
  GTimeZone *tz = wd_store_get_time_zone (wd_workspace_get_store (self->workspace));

  if (position == 0)
    return TRUE;
  previous = g_list_model_get_item (G_LIST_MODEL (self->model), position - 1);
  return previous == NULL || wd_time_day_start (wd_row_get_int (previous, "starts_at"), tz) != day;
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          WdScheduleView           *self)
{
  WdRow *row = gtk_list_item_get_item (item);
  WdStore *store = wd_workspace_get_store (self->workspace);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *day = gtk_widget_get_first_child (box);
  GtkWidget *line = gtk_widget_get_next_sibling (day);
  GtkWidget *time = gtk_widget_get_first_child (line);
  GtkWidget *text = gtk_widget_get_next_sibling (time);
  GtkWidget *title = gtk_widget_get_first_child (text);
  GtkWidget *detail = gtk_widget_get_next_sibling (title);
  GtkWidget *chip = gtk_widget_get_next_sibling (text);
  gint64 starts_at = wd_row_get_int (row, "starts_at");
  gint64 day_start = wd_time_day_start (starts_at, wd_store_get_time_zone (store));
  g_autofree char *day_text = wd_time_format_day (starts_at, wd_store_get_time_zone (store));
  g_autofree char *start = wd_format_time (store, starts_at, "%H:%M");
  g_autofree char *end = wd_format_time (store, wd_row_get_int (row, "ends_at"), "%H:%M");
  g_autofree char *time_text = g_strdup_printf ("%s–%s", start, end);
  const char *assignee = wd_row_get_string (row, "assignee_name");
  g_autofree char *detail_text = g_strdup_printf ("%s（%s）· %s · %s", wd_row_get_string (row, "venue"),
                                                  wd_row_get_string (row, "venue_kind_name"),
                                                  wd_row_get_string (row, "subdistrict_name"),
                                                  *assignee ? assignee : _("not yet dispatched"));

  gtk_label_set_text (GTK_LABEL (day), day_text);
  gtk_widget_set_visible (day, starts_day (self, gtk_list_item_get_position (item), day_start));
  gtk_label_set_text (GTK_LABEL (time), time_text);
  gtk_label_set_text (GTK_LABEL (title), wd_row_get_string (row, "title"));
  gtk_label_set_text (GTK_LABEL (detail), detail_text);
  if (chip != NULL)
    gtk_box_remove (GTK_BOX (line), chip);
  gtk_box_append (GTK_BOX (line), wd_status_chip_new (wd_row_get_string (row, "state")));
}

static void
fill_filters (WdScheduleView *self)
{
  WdStore *store = wd_workspace_get_store (self->workspace);
  g_autoptr(JsonArray) subdistricts = wd_store_list_all (store, "subdistrict", NULL);
  g_autoptr(JsonArray) venue_kinds = wd_store_list_all (store, "venue_kind", NULL);

  wd_drop_down_fill (self->subdistrict_filter, subdistricts, "id", "name", _("All sub-districts"));
  wd_drop_down_fill (self->venue_kind_filter, venue_kinds, "id", "name", _("All kinds of venue"));
}

static void
wd_schedule_view_bind (WdView      *view,
                       WdWorkspace *workspace)
{
  WdScheduleView *self = WD_SCHEDULE_VIEW (view);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  const char *day_labels[] = { _("Next 7 days"), _("This week"), _("Next week"), _("Next 14 days"),
                               _("Next 31 days"), NULL };

  self->workspace = g_object_ref (workspace);
  wd_drop_down_fill_pairs (self->days_filter, day_choices, day_labels, NULL);
  wd_refresh_while_shown (GTK_WIDGET (self), workspace, (WdRefreshFunc) fill_filters);

  self->model = wd_row_model_new (workspace, "order");
  wd_row_model_set_live (self->model, TRUE);
  wd_stack_follow_model (self->content_stack, G_LIST_MODEL (self->model));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_grid_view_set_factory (self->list_view, factory);
  g_object_bind_property (self->search_entry, "text", self->model, "text", G_BINDING_DEFAULT);
  wd_list_attach_on_map (GTK_WIDGET (self->list_view), G_LIST_MODEL (self->model));
  on_filter_changed (self);
}

static void
wd_schedule_view_focus_search (WdView *view)
{
  gtk_widget_grab_focus (GTK_WIDGET (WD_SCHEDULE_VIEW (view)->search_entry));
}

static GPtrArray *
wd_schedule_view_list_models (WdView *view)
{
  return wd_view_models_new (&WD_SCHEDULE_VIEW (view)->model, 1);
}

static void
wd_schedule_view_view_init (WdViewInterface *iface)
{
  iface->bind = wd_schedule_view_bind;
  iface->focus_search = wd_schedule_view_focus_search;
  iface->list_models = wd_schedule_view_list_models;
}

WdRowModel *
wd_schedule_view_get_model (WdScheduleView *self)
{
  return self->model;
}
