/* wd-ui-util.c: helpers the views share. */
#include "config.h"

#include <glib/gi18n.h>

#include "wd-json.h"
#include "wd-row-model.h"
#include "wd-rewards.h"
#include "wd-row.h"
#include "wd-time.h"
#include "wd-types.h"
#include "wd-ui-util.h"

/* The ids ride along with the labels the drop-down shows; position 0 is
 * "all" (id NULL) when all_label is given. */
/* Filling again (after a sync brought new sub-districts, say) keeps
 * what the user had chosen. */
static void
set_choices (GtkDropDown *drop_down,
             GPtrArray   *ids,
             GPtrArray   *labels)
{
  g_autoptr(GtkStringList) model = NULL;
  g_autofree char *chosen = g_strdup (wd_drop_down_get_id (drop_down));

  g_ptr_array_add (labels, NULL);
  model = gtk_string_list_new ((const char * const *) labels->pdata);
  g_object_set_data_full (G_OBJECT (drop_down), "wd-ids", g_ptr_array_ref (ids),
                          (GDestroyNotify) g_ptr_array_unref);
  gtk_drop_down_set_model (drop_down, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (drop_down, 0);
  if (chosen != NULL)
    wd_drop_down_set_id (drop_down, chosen);
}

void
wd_drop_down_fill (GtkDropDown *drop_down,
                   JsonArray   *rows,
                   const char  *id_member,
                   const char  *label_member,
                   const char  *all_label)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  if (all_label != NULL)
    {
      g_ptr_array_add (ids, NULL);
      g_ptr_array_add (labels, (gpointer) all_label);
    }
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_ptr_array_add (ids, g_strdup (json_object_get_string_member_with_default (row, id_member, "")));
      g_ptr_array_add (labels, (gpointer) json_object_get_string_member_with_default (row, label_member, ""));
    }
  set_choices (drop_down, ids, labels);
}

void
wd_drop_down_fill_pairs (GtkDropDown        *drop_down,
                         const char * const *ids_in,
                         const char * const *labels_in,
                         const char         *all_label)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  if (all_label != NULL)
    {
      g_ptr_array_add (ids, NULL);
      g_ptr_array_add (labels, (gpointer) all_label);
    }
  for (guint i = 0; ids_in[i] != NULL; i++)
    {
      g_ptr_array_add (ids, g_strdup (ids_in[i]));
      g_ptr_array_add (labels, (gpointer) labels_in[i]);
    }
  set_choices (drop_down, ids, labels);
}

const char *
wd_drop_down_get_id (GtkDropDown *drop_down)
{
  GPtrArray *ids = g_object_get_data (G_OBJECT (drop_down), "wd-ids");
  guint selected = gtk_drop_down_get_selected (drop_down);

  if (ids == NULL || selected >= ids->len)
    return NULL;
  return g_ptr_array_index (ids, selected);
}

void
wd_drop_down_set_id (GtkDropDown *drop_down,
                     const char  *id)
{
  GPtrArray *ids = g_object_get_data (G_OBJECT (drop_down), "wd-ids");

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
      {
        gtk_drop_down_set_selected (drop_down, i);
        return;
      }
}

char *
wd_format_time (WdStore    *store,
                gint64      unix_time,
                const char *format)
{
  if (unix_time == 0)
    return g_strdup ("");
  return wd_time_format_local (unix_time, wd_store_get_time_zone (store), format);
}

/* "12月5日 周六 09:00–11:00": the day once, both times. */
char *
wd_format_span (WdStore *store,
                gint64   starts_at,
                gint64   ends_at)
{
  return wd_time_format_span (starts_at, ends_at, wd_store_get_time_zone (store));
}

/* A line of a fund's ledger as the rewards view lists it: "+¥500.00
 * deposited" or "−¥1275.00 paid out", then when, who, the balance after
 * and what it was for. A payout's reference is its period's id, for
 * the record, and its note already names the period. */
void
wd_format_ledger_line (WdStore     *store,
                       JsonObject  *line,
                       char       **title,
                       char       **subtitle)
{
  gint64 amount = wd_json_int (line, "amount_cents");
  gboolean payout = g_str_equal (wd_json_text (line, "kind"), "payout");
  g_autofree char *money = wd_format_money (payout ? -ABS (amount) : ABS (amount));
  g_autofree char *balance = wd_format_money (wd_json_int (line, "balance_after_cents"));
  g_autofree char *at = wd_format_time (store, wd_json_int (line, "recorded_at"), "%Y-%m-%d");
  const char *reference = payout ? "" : wd_json_text (line, "reference");
  const char *note = wd_json_text (line, "note");
  g_autofree char *what = g_strjoin (*reference && *note ? " " : "", reference, note, NULL);
  g_autofree char *who = wd_store_describe_account (store, wd_json_text (line, "recorded_by"));

  *title = g_strdup_printf ("%s%s %s", payout ? "" : "+", money, payout ? _("paid out") : _("deposited"));
  *subtitle = *what ? g_strdup_printf (_("%1$s · %2$s · balance %3$s · %4$s"), at, who, balance, what)
                    : g_strdup_printf (_("%1$s · %2$s · balance %3$s"), at, who, balance);
}

/* Loads the app's stylesheet for the default display, once, as
 * AdwApplication loads it for the app: for windows built without the
 * application, as the tests and the benchmarks build them. */
void
wd_load_app_style (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/cn/wudan/Wudan/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

/* The app's settings, or NULL when the schema is not installed (a build
 * tree run without GSETTINGS_SCHEMA_DIR): the app then works and forgets. */
GSettings *
wd_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "cn.wudan.Wudan", TRUE) : NULL;

  if (schema == NULL)
    {
      g_message ("The settings schema cn.wudan.Wudan is not installed; nothing will be remembered");
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* What orders that came to wait for the user wait for: "3 New Orders
 * to Dispatch" (see wd_store_take_newly_waiting). */
char *
wd_waiting_orders_title (WdRole role,
                         guint  n)
{
  switch (role)
    {
    case WD_ROLE_OFFICE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Order Delivered, to Rate",
                                           "%u Orders Delivered, to Rate", n), n);
    case WD_ROLE_TEAM:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Order Dispatched to You",
                                           "%u Orders Dispatched to You", n), n);
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u New Order to Dispatch",
                                           "%u New Orders to Dispatch", n), n);
    }
}

/* Short notices show at the foot of the main window (win.notify); a
 * dialog passes them on to the window it belongs to. */
void
wd_toast (GtkWidget  *widget,
          const char *message)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWindow *window = root && GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  for (; window != NULL; window = gtk_window_get_transient_for (window))
    if (gtk_widget_activate_action (GTK_WIDGET (window), "win.notify", "s", message))
      return;
  g_message ("%s", message);
}

/* An error the user must read and act on: a dialog, never a log line. */
void
wd_show_error (GtkWidget    *widget,
               const char   *heading,
               const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = adw_message_dialog_new (root && GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, error ? error->message : NULL);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Preference groups cannot list their rows; these remember them, so a
 * page can be filled again when its data changed. */
void
wd_group_add (AdwPreferencesGroup *group,
              GtkWidget           *row)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), "wd-rows");

  if (rows == NULL)
    {
      rows = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (group), "wd-rows", rows, (GDestroyNotify) g_ptr_array_unref);
    }
  g_ptr_array_add (rows, row);
  adw_preferences_group_add (group, row);
}

void
wd_group_clear (AdwPreferencesGroup *group)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), "wd-rows");

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  if (rows != NULL)
    g_ptr_array_set_size (rows, 0);
}

static void
show_rows (WdRowModel *model)
{
  wd_row_model_set_hidden (model, FALSE);
}

static void
hide_rows (WdRowModel *model)
{
  wd_row_model_set_hidden (model, TRUE);
}

/* A search's results are shown from their start, wherever the list was
 * scrolled to. */
static void
show_search_from_top (GtkWidget  *list,
                      GParamSpec *pspec,
                      WdRowModel *model)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static void
attach_model (GtkWidget *list)
{
  GListModel *model = g_object_get_data (G_OBJECT (list), "wd-pending-model");
  g_autoptr(GtkNoSelection) selection = NULL;

  if (model == NULL)
    return;
  selection = gtk_no_selection_new (g_object_ref (model));
  g_object_set (list, "model", selection, NULL);
  if (WD_IS_ROW_MODEL (model))
    {
      wd_row_model_start (WD_ROW_MODEL (model));
      g_signal_connect_object (list, "map", G_CALLBACK (show_rows), model, G_CONNECT_SWAPPED);
      g_signal_connect_object (list, "unmap", G_CALLBACK (hide_rows), model, G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "notify::text", G_CALLBACK (show_search_from_top), list, G_CONNECT_SWAPPED);
    }
  g_object_set_data (G_OBJECT (list), "wd-pending-model", NULL);
}

/* A list view makes its rows as soon as it has a model, shown or not;
 * the views not on screen at start wait until they are, so the window's
 * first frame pays only for the view it shows. */
void
wd_list_attach_on_map (GtkWidget  *list,
                       GListModel *model)
{
  g_object_set_data_full (G_OBJECT (list), "wd-pending-model", g_object_ref (model), g_object_unref);
  if (gtk_widget_get_mapped (list))
    attach_model (list);
  else
    g_signal_connect (list, "map", G_CALLBACK (attach_model), NULL);
}

#define REFRESH_KEY "wd-refresh-while-shown"

typedef struct
{
  WdRefreshFunc refresh;
  gboolean      stale;      /* the data changed while the view was hidden */
} ShownRefresh;

static void
refresh_if_stale (GtkWidget *view)
{
  ShownRefresh *shown = g_object_get_data (G_OBJECT (view), REFRESH_KEY);

  if (shown->stale)
    {
      shown->stale = FALSE;
      shown->refresh (view);
    }
}

static void
refresh_now_or_when_shown (GtkWidget *view)
{
  ShownRefresh *shown = g_object_get_data (G_OBJECT (view), REFRESH_KEY);

  shown->stale = TRUE;
  if (gtk_widget_get_mapped (view))
    refresh_if_stale (view);
}

/* Calls refresh when view is first shown and whenever the workspace's
 * data changes while it is on screen; a change while it is hidden waits
 * until it is shown. Every operation anywhere changes the data, and a
 * hidden view rebuilding its rows or re-reading its filters each time was
 * main-thread work nobody saw (a fifth of a second for the rewards). One
 * per view. */
void
wd_refresh_while_shown (GtkWidget     *view,
                        WdWorkspace   *workspace,
                        WdRefreshFunc  refresh)
{
  ShownRefresh *shown;

  g_return_if_fail (g_object_get_data (G_OBJECT (view), REFRESH_KEY) == NULL);

  shown = g_new0 (ShownRefresh, 1);
  shown->refresh = refresh;
  shown->stale = TRUE;
  g_object_set_data_full (G_OBJECT (view), REFRESH_KEY, shown, g_free);
  g_signal_connect_object (workspace, "changed", G_CALLBACK (refresh_now_or_when_shown), view,
                           G_CONNECT_SWAPPED);
  g_signal_connect (view, "map", G_CALLBACK (refresh_if_stale), NULL);
  if (gtk_widget_get_mapped (view))
    refresh_if_stale (view);
}

/* What a view's dispose drops: its handlers on the workspace and on its
 * list, which the list widget may keep alive after the view is gone. */
void
wd_view_unlink (gpointer      view,
                WdWorkspace **workspace,
                WdRowModel  **model)
{
  if (*workspace != NULL)
    g_signal_handlers_disconnect_by_data (*workspace, view);
  g_clear_object (workspace);
  if (model != NULL && *model != NULL)
    g_signal_handlers_disconnect_by_data (*model, view);
  if (model != NULL)
    g_clear_object (model);
}

/* Opens the page of the row at position (action is win.show-order and
 * the like, taking the row's id). */
void
wd_list_show_row (GtkWidget  *widget,
                  GListModel *model,
                  guint       position,
                  const char *action)
{
  g_autoptr(WdRow) row = g_list_model_get_item (model, position);

  if (row != NULL)
    gtk_widget_activate_action (widget, action, "s", wd_row_get_id (row));
}

static void
show_results_or_empty (GListModel *model,
                       GParamSpec *pspec,
                       GtkStack   *stack)
{
  gboolean empty = g_list_model_get_n_items (model) == 0;

  gtk_stack_set_visible_child_name (stack, empty ? "empty" : "results");
}

/* A view's stack shows its "results" page, or its "empty" page (a status
 * page saying nothing matched) while the list is empty. */
void
wd_stack_follow_model (GtkStack   *stack,
                       GListModel *model)
{
  g_signal_connect_object (model, "notify::n-items", G_CALLBACK (show_results_or_empty), stack, 0);
}

void
wd_clear_list_box (GtkListBox *list_box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list_box))) != NULL)
    gtk_list_box_remove (list_box, child);
}

/* A start-aligned, ellipsized label: the text of list rows and cards. */
GtkWidget *
wd_label_new (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* One line of text in a list row or a card. A GtkInscription is measured
 * from its font, where a label shapes all of its text each time it is
 * measured; rows are bound by the dozen at every keystroke of a search,
 * and measuring their labels was half of it. One line each: an
 * inscription of several lines wraps a long first line into the next. */
GtkWidget *
wd_inscription_new (const char *css_class)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 0);
  gtk_widget_set_hexpand (inscription, TRUE);
  gtk_widget_add_css_class (inscription, "line");
  if (css_class != NULL)
    gtk_widget_add_css_class (inscription, css_class);
  return inscription;
}

/* Spare rows a list keeps: more than the 33 a one-column grid view
 * keeps alive, so a list that empties and fills again builds none. */
#define MAX_SPARE_ROWS 48

typedef void (*RowBinder) (GtkSignalListItemFactory *factory,
                           GtkListItem              *item,
                           gpointer                  data);

typedef struct
{
  WdRowMaker          make;
  GPtrArray          *spare;
  GtkListItemFactory *factory;   /* which owns the pool */
  RowBinder           bind;
  gpointer            bind_data;
} RowPool;

static void
row_pool_free (RowPool *pool)
{
  g_ptr_array_unref (pool->spare);
  g_free (pool);
}

static void
set_up_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            RowPool                  *pool)
{
  GtkWidget *child = pool->spare->len > 0 ? g_ptr_array_steal_index_fast (pool->spare, pool->spare->len - 1)
                                          : g_object_ref_sink (pool->make ());

  gtk_list_item_set_child (item, child);
  /* GTK 4.8 has let go of the child by the time a row is torn down: the
   * row keeps a reference of its own to hand it back. */
  g_object_set_data_full (G_OBJECT (item), "wd-row-child", child, g_object_unref);
  g_object_set_data (G_OBJECT (item), "wd-row-pool", pool);
}

static void
keep_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          RowPool                  *pool)
{
  GtkWidget *child = g_object_steal_data (G_OBJECT (item), "wd-row-child");

  if (child == NULL)
    return;
  if (gtk_widget_get_parent (child) != NULL)
    gtk_list_item_set_child (item, NULL);
  if (pool->spare->len < MAX_SPARE_ROWS)
    g_ptr_array_add (pool->spare, child);
  else
    g_object_unref (child);
}

static void
rebind_row (WdRow       *row,
            GtkListItem *item)
{
  RowPool *pool = g_object_get_data (G_OBJECT (item), "wd-row-pool");

  pool->bind (GTK_SIGNAL_LIST_ITEM_FACTORY (pool->factory), item, pool->bind_data);
}

/* A list model may give a row it handed out the contents of another
 * (wd_row_replace): GTK then keeps the row's widgets, and they show the
 * new contents. */
static void
follow_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            RowPool                  *pool)
{
  gpointer row = gtk_list_item_get_item (item);

  if (!WD_IS_ROW (row))
    return;
  wd_row_set_bound (row, TRUE);
  g_signal_connect (row, "changed", G_CALLBACK (rebind_row), item);
}

static void
unfollow_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              RowPool                  *pool)
{
  gpointer row = gtk_list_item_get_item (item);

  if (!WD_IS_ROW (row))
    return;
  g_signal_handlers_disconnect_by_func (row, rebind_row, item);
  wd_row_set_bound (row, FALSE);
}

/* GTK 4.8 throws a row's widgets away when its item leaves the view and
 * builds new ones for the next item; building and destroying them was a
 * third of a search keystroke. This factory keeps the widgets of rows
 * torn down and gives them to the next rows set up; bind must set
 * everything a row shows, as a reused row still shows its last item. */
GtkListItemFactory *
wd_recycling_factory_new (WdRowMaker  make,
                          GCallback   bind,
                          gpointer    bind_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  RowPool *pool = g_new0 (RowPool, 1);

  pool->make = make;
  pool->spare = g_ptr_array_new_with_free_func (g_object_unref);
  pool->factory = factory;
  pool->bind = (RowBinder) bind;
  pool->bind_data = bind_data;
  g_object_set_data_full (G_OBJECT (factory), "wd-row-pool", pool, (GDestroyNotify) row_pool_free);
  g_signal_connect (factory, "setup", G_CALLBACK (set_up_row), pool);
  g_signal_connect (factory, "teardown", G_CALLBACK (keep_row), pool);
  g_signal_connect (factory, "bind", bind, bind_data);
  g_signal_connect (factory, "bind", G_CALLBACK (follow_row), pool);
  g_signal_connect (factory, "unbind", G_CALLBACK (unfollow_row), pool);
  return factory;
}

GtkWidget *
wd_action_row_new (const char *title,
                   const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

/* The state of an order as a small coloured label, the same everywhere. */
GtkWidget *
wd_status_chip_new (const char *state)
{
  WdOrderState value;
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *css = g_strdup_printf ("state-%s", state);

  if (wd_order_state_from_string (state, &value))
    gtk_label_set_text (GTK_LABEL (label), wd_order_state_label (value));
  gtk_widget_add_css_class (label, "state-chip");
  gtk_widget_add_css_class (label, css);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

/* How the month at falls in stands for a project (its calendar month in
 * the district's zone), in words; *booking gets its WdBooking. NULL when
 * the store cannot say. */
char *
wd_project_month_booking (WdStore    *store,
                          JsonObject *project,
                          gint64      at,
                          const char *except_order_id,
                          WdBooking  *booking)
{
  GTimeZone *tz = wd_store_get_time_zone (store);
  gint64 from = wd_time_month_start (at, tz, 0);
  gint64 to = wd_time_month_start (at, tz, 1);
  g_autoptr(GError) error = NULL;
  gint64 booked = wd_store_count_project_sessions (store, json_object_get_string_member (project, "id"), from, to,
                                                   except_order_id, &error);
  char *text = NULL;

  if (booked < 0)
    {
      g_warning ("The sessions booked for a project could not be counted: %s", error->message);
      return NULL;
    }
  *booking = wd_booking_describe (booked, json_object_get_int_member_with_default (project, "capacity_per_month", 0),
                                  &text);
  return text;
}

/* A speaker's photo as a texture for an avatar; NULL when there is none
 * or it cannot be read (which is logged: the avatar shows initials). */
GdkTexture *
wd_speaker_photo_texture (WdStore    *store,
                          const char *speaker_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = wd_store_get_speaker_photo (store, speaker_id, &error);
  GdkTexture *texture;

  if (bytes == NULL)
    {
      if (error != NULL)
        g_warning ("The photo of speaker %s could not be read: %s", speaker_id, error->message);
      return NULL;
    }
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    g_warning ("The photo of speaker %s is not a picture GTK can show: %s", speaker_id, error->message);
  return texture;
}

static void
forward_to_window (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (user_data));
  g_autofree char *name = g_strconcat ("win.show-", g_action_get_name (G_ACTION (action)), NULL);

  if (parent != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (parent), name, parameter);
}

/* A page (a speaker's, a team's, a project's, an order's) opens what it
 * lists as the main window does: open.order, open.project, open.team and
 * open.speaker with the id, passed on to the window the page belongs to. */
void
wd_page_add_actions (GtkWindow *page)
{
  static const char * const names[] = { "order", "project", "team", "speaker" };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (names[i], G_VARIANT_TYPE_STRING);

      g_signal_connect_object (action, "activate", G_CALLBACK (forward_to_window), page, 0);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
    }
  gtk_widget_insert_action_group (GTK_WIDGET (page), "open", G_ACTION_GROUP (group));
}

/* A row that opens what it names through a page action. */
GtkWidget *
wd_link_row_new (const char *title,
                 const char *subtitle,
                 const char *action,
                 const char *id)
{
  GtkWidget *row = wd_action_row_new (title, subtitle);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", id);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

#define N_ASSIGNMENTS 20

static void
add_assignment (WdStore    *store,
                GtkWidget  *group,
                JsonObject *order)
{
  g_autofree char *when = wd_format_span (store, json_object_get_int_member (order, "starts_at"),
                                          json_object_get_int_member (order, "ends_at"));
  JsonNode *rating = json_object_get_member (order, "rating");
  g_autofree char *subtitle = rating && !JSON_NODE_HOLDS_NULL (rating)
    ? g_strdup_printf ("%s · %s · ★%d %s", when, wd_json_text (order, "venue"), (int) json_node_get_int (rating),
                       wd_json_text (order, "rating_comment"))
    : g_strdup_printf ("%s · %s", when, wd_json_text (order, "venue"));
  GtkWidget *row = wd_action_row_new (wd_json_text (order, "title"), subtitle);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "open.order");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", wd_json_text (order, "id"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), wd_status_chip_new (wd_json_text (order, "state")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* The live orders dispatched to a speaker or team: upcoming, the next
 * ones; past, the latest ones, newest first; each opens its order. */
GtkWidget *
wd_assignments_group_new (WdWorkspace *workspace,
                          const char  *assignee_id,
                          gboolean     upcoming,
                          const char  *title)
{
  WdStore *store = wd_workspace_get_store (workspace);
  gint64 now = wd_workspace_now (workspace);
  WdOrderFilter filter = { .assignee_id = assignee_id, .live = TRUE };
  g_autoptr(GArray) keys = NULL;
  g_autoptr(JsonArray) orders = NULL;
  GtkWidget *group = adw_preferences_group_new ();
  guint first;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (upcoming)
    filter.from = now;
  else
    filter.to = now;
  keys = wd_store_order_keys (store, &filter, NULL, NULL);
  if (keys == NULL || keys->len == 0)
    {
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 wd_action_row_new (upcoming ? _("None planned") : _("None yet"), " "));
      return group;
    }
  first = upcoming ? 0 : (keys->len > N_ASSIGNMENTS ? keys->len - N_ASSIGNMENTS : 0);
  orders = wd_store_get_rows (store, "order", &g_array_index (keys, gint64, first),
                              MIN (keys->len - first, N_ASSIGNMENTS), NULL);
  for (guint i = 0; orders != NULL && i < json_array_get_length (orders); i++)
    add_assignment (store, group,
                    json_array_get_object_element (orders, upcoming ? i : json_array_get_length (orders) - 1 - i));
  return group;
}

/* A titled group at the end of a page's column of groups. */
GtkWidget *
wd_box_add_group (GtkBox     *box,
                  const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (box, group);
  return group;
}

/* A row saying value under title; nothing when there is nothing to say. */
void
wd_group_add_text (GtkWidget  *group,
                   const char *title,
                   const char *value)
{
  if (value != NULL && *value != '\0')
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (title, value));
}

/* A certificate's number (or that it waits for one) as the title; its
 * period, services, hours and purpose, and why it is no longer valid if
 * it was revoked, as the subtitle. */
void
wd_format_certificate (WdStore     *store,
                       JsonObject  *certificate,
                       char       **title,
                       char       **subtitle)
{
  GTimeZone *tz = wd_store_get_time_zone (store);
  const char *number = wd_json_text (certificate, "number");
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  guint services = (guint) wd_json_int (certificate, "services");
  const char *purpose = wd_json_text (certificate, "purpose");
  GString *text = g_string_new (NULL);

  wd_time_format_days (wd_json_int (certificate, "starts_at"), wd_json_int (certificate, "ends_at"), tz, &first, &last);
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s to %s · %u service · %.1f hours",
                                             "%s to %s · %u services · %.1f hours", services),
                          first, last, services, json_object_get_double_member (certificate, "hours"));
  if (*purpose)
    g_string_append_printf (text, " · %s", purpose);
  if (!json_object_get_null_member (certificate, "revoked_at"))
    {
      g_autofree char *revoker = wd_store_describe_account (store, wd_json_text (certificate, "revoked_by"));

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Revoked by %s: %s"), revoker, wd_json_text (certificate, "revoke_reason"));
    }
  *title = *number ? g_strdup_printf (_("No. %s"), number) : g_strdup (_("Waiting for its number from the server"));
  *subtitle = g_string_free (text, FALSE);
}

/* A field of an entity as its forms name it (kind: "order", "speaker"…). */
const char *
wd_field_label (const char *kind,
                const char *field)
{
  static const struct { const char *kind; const char *field; const char *label; } labels[] = {
    { "order", "title", N_("What") },
    { "order", "community", N_("Community") },
    { "order", "venue", N_("Venue") },
    { "order", "venue_kind", N_("Venue kind") },
    { "order", "starts_at", N_("Time") },
    { "order", "ends_at", N_("Time") },
    { "order", "audience", N_("Expected audience") },
    { "order", "requester", N_("Requested by") },
    { "order", "contact_name", N_("Contact") },
    { "order", "contact_phone", N_("Contact phone") },
    { "order", "notes", N_("Notes") },
    { "speaker", "title", N_("Title") },
    { "speaker", "organisation", N_("Organisation") },
    { "speaker", "bio", N_("Biography") },
    { "speaker", "topics", N_("Topics") },
    { "speaker", "free_days", N_("Usual free days") },
    { "speaker", "free_times", N_("Usual free times of day") },
    { "speaker", "active", N_("Takes lectures") },
    { "team", "leader", N_("Leader") },
    { "team", "members", N_("Members") },
    { "team", "active", N_("Takes services") },
    { "project", "title", N_("Title") },
    { "project", "category", N_("Category") },
    { "project", "team_id", N_("Team") },
    { "project", "topic_id", N_("Topic") },
    { "project", "venue_kinds", N_("Goes to") },
    { "project", "audience", N_("For") },
    { "project", "duration_minutes", N_("Length in minutes") },
    { "project", "capacity_per_month", N_("Sessions a month") },
    { "project", "active", N_("Offered in the marketplace") },
    { NULL, "name", N_("Name") },
    { NULL, "subdistrict_id", N_("Sub-district") },
    { NULL, "phone", N_("Phone") },
    { NULL, "description", N_("Description") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if ((labels[i].kind == NULL || g_strcmp0 (labels[i].kind, kind) == 0) && g_str_equal (labels[i].field, field))
      return _(labels[i].label);
  return field;
}

/* The fields a change changed, for its line in a history. */
char *
wd_describe_fields (const char *kind,
                    JsonArray  *fields)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *previous = NULL;

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      const char *label = wd_field_label (kind, json_array_get_string_element (fields, i));

      /* The start and the end are one "time". */
      if (g_strcmp0 (label, previous) == 0)
        continue;
      if (text->len > 0)
        /* TRANSLATORS: between the names of fields in a list */
        g_string_append (text, _(", "));
      g_string_append (text, label);
      previous = label;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What one history entry of a catalogue entry did. */
static char *
describe_catalogue_change (const char *kind,
                           JsonObject *entry)
{
  g_autoptr(JsonObject) detail = wd_json_parse_object (wd_json_text (entry, "detail"), -1, NULL);
  const char *photo = detail ? json_object_get_string_member_with_default (detail, "photo", NULL) : NULL;
  g_autofree char *fields = NULL;

  if (photo != NULL)
    return g_strdup (g_str_equal (photo, "removed") ? _("Photo removed") : _("Photo changed"));
  if (detail == NULL || json_object_get_boolean_member_with_default (detail, "created", FALSE))
    return g_strdup (_("Added"));
  if (!json_object_has_member (detail, "fields"))
    return g_strdup (_("Saved"));
  fields = wd_describe_fields (kind, json_object_get_array_member (detail, "fields"));
  /* TRANSLATORS: %s lists the fields an edit changed, e.g. "Phone, Topics" */
  return g_strdup_printf (_("Edited: %s"), fields);
}

/* Who added a speaker, team or project and who changed what since,
 * newest first: the centre answers for its catalogue. Nothing when its
 * history does not reach this desk (offices see only orders'). */
void
wd_box_add_changes (GtkBox      *box,
                    WdWorkspace *workspace,
                    const char  *kind,
                    const char  *entity_id)
{
  WdStore *store = wd_workspace_get_store (workspace);
  g_autoptr(JsonArray) history = wd_store_get_history (store, entity_id, NULL);
  guint n = history ? json_array_get_length (history) : 0;
  GtkWidget *group;

  if (n == 0)
    return;
  group = wd_box_add_group (box, _("Changes"));
  for (guint i = n; i > 0; i--)
    {
      JsonObject *entry = json_array_get_object_element (history, i - 1);
      g_autofree char *what = describe_catalogue_change (kind, entry);
      g_autofree char *at = wd_format_time (store, wd_json_int (entry, "at"), "%Y-%m-%d %H:%M");
      g_autofree char *actor = wd_store_describe_account (store, wd_json_text (entry, "actor"));
      g_autofree char *who = g_strdup_printf ("%s · %s", at, actor);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), wd_action_row_new (what, who));
    }
}
