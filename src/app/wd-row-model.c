/* wd-row-model.c: keys on a worker thread, rows by page on demand. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include "wd-row-model.h"
#include "wd-row.h"

#define PAGE_SIZE 50
#define MAX_CACHED_ROWS 400
#define BIG_CHANGE 2000

typedef struct
{
  char   *kind;
  char   *state;
  char   *subdistrict_id;
  char   *topic_id;
  char   *assignee_id;
  char   *category;
  char   *venue_kind;
  char   *team_id;
  gint64  from;
  gint64  to;
  gboolean live;
  char   *text;
} Query;

struct _WdRowModel
{
  GObject       parent_instance;

  WdWorkspace  *workspace;
  Query         query;
  GArray       *keys;
  /* key → Cached: rows read, kept across searches (the data did not
   * change, only the list) and dropped when the data changes */
  GHashTable   *rows;
  GCancellable *loading;
  gboolean      reload_again;
  gboolean      again_for_input;
  gboolean      data_changed;     /* since the read in flight began */
  gboolean      reading_changed;  /* the read in flight began after a change */
  gboolean      started;      /* a view shows it: keep it loaded */
  gboolean      loaded;       /* the keys were read at least once */
  gboolean      hidden;       /* its view is not on screen */
  gboolean      reload_when_shown;  /* the data changed while hidden */
};

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void wd_row_model_list_model_init (GListModelInterface *iface);
static void reload (WdRowModel *self,
                    gboolean    for_input);

typedef struct
{
  WdRow *row;
  guint  position;      /* where it was last handed out */
} Cached;

static void
cached_free (Cached *cached)
{
  g_object_unref (cached->row);
  g_free (cached);
}

G_DEFINE_FINAL_TYPE_WITH_CODE (WdRowModel, wd_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, wd_row_model_list_model_init))

static void
query_clear (Query *q)
{
  g_free (q->kind);
  g_free (q->state);
  g_free (q->subdistrict_id);
  g_free (q->topic_id);
  g_free (q->assignee_id);
  g_free (q->category);
  g_free (q->venue_kind);
  g_free (q->team_id);
  g_free (q->text);
}

static Query *
query_copy (const Query *q)
{
  Query *copy = g_new0 (Query, 1);

  copy->kind = g_strdup (q->kind);
  copy->state = g_strdup (q->state);
  copy->subdistrict_id = g_strdup (q->subdistrict_id);
  copy->topic_id = g_strdup (q->topic_id);
  copy->assignee_id = g_strdup (q->assignee_id);
  copy->category = g_strdup (q->category);
  copy->venue_kind = g_strdup (q->venue_kind);
  copy->team_id = g_strdup (q->team_id);
  copy->from = q->from;
  copy->to = q->to;
  copy->live = q->live;
  copy->text = g_strdup (q->text);
  return copy;
}

static void
query_free (Query *q)
{
  query_clear (q);
  g_free (q);
}

static gpointer
read_keys (WdStore   *store,
           gpointer   data,
           GError   **error)
{
  Query *q = data;

  if (g_str_equal (q->kind, "order"))
    {
      WdOrderFilter filter = { .state = q->state, .subdistrict_id = q->subdistrict_id, .topic_id = q->topic_id,
                               .assignee_id = q->assignee_id, .venue_kind = q->venue_kind,
                               .from = q->from, .to = q->to, .live = q->live };

      return wd_store_order_keys (store, &filter, q->text, error);
    }
  if (g_str_equal (q->kind, "speaker"))
    {
      WdSpeakerFilter filter = { q->topic_id, q->subdistrict_id };

      return wd_store_speaker_keys (store, &filter, q->text, error);
    }
  {
    WdProjectFilter filter = { q->category, q->venue_kind, q->team_id };

    return wd_store_project_keys (store, &filter, q->text, error);
  }
}

static GType
wd_row_model_get_item_type (GListModel *model)
{
  return WD_TYPE_ROW;
}

static guint
wd_row_model_get_n_items (GListModel *model)
{
  return WD_ROW_MODEL (model)->keys->len;
}

static gboolean
drop_garbage (gpointer data)
{
  g_ptr_array_unref (data);
  return G_SOURCE_REMOVE;
}

/* What a reload lets go of (rows' old contents, a cache emptied) is
 * freed when the main loop has nothing more pressing, not while the
 * answers are taken in and the frame waits for them: freeing the JSON
 * of the rows on screen was a tenth of taking a search's answer in. */
static void
free_when_idle (GPtrArray *garbage)
{
  if (garbage->len == 0)
    {
      g_ptr_array_unref (garbage);
      return;
    }
  g_idle_add_full (G_PRIORITY_LOW, drop_garbage, garbage, NULL);
}

/* Lets go of the cached rows, or of those no view binds; they are freed
 * when the main loop is idle. */
static void
let_go_of_rows (WdRowModel *self,
                gboolean    bound_too)
{
  GPtrArray *garbage = g_ptr_array_new_with_free_func ((GDestroyNotify) cached_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Cached *cached = value;

      if (!bound_too && wd_row_is_bound (cached->row))
        continue;
      g_hash_table_iter_steal (&iter);
      g_free (key);
      g_ptr_array_add (garbage, cached);
    }
  free_when_idle (garbage);
}

/* Makes room in the cache for n rows more by letting go of the rows no
 * view shows: their contents are still right, and are read again if
 * asked for. The rows a view shows stay, so that the next search finds
 * them and keeps their widgets (keep_shown_rows): dropping every row at
 * the cap, as a change of the data does, lost them every few keystrokes. */
static void
make_room (WdRowModel *self,
           guint       n)
{
  if (g_hash_table_size (self->rows) + n > MAX_CACHED_ROWS)
    let_go_of_rows (self, FALSE);
}

/* Reads the rows of the page around position that are not cached. */
static void
fetch_page (WdRowModel *self,
            guint       page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint first = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->keys->len - first);

  for (guint i = first; i < first + n; i++)
    if (!g_hash_table_contains (self->rows, &g_array_index (self->keys, gint64, i)))
      g_array_append_val (missing, g_array_index (self->keys, gint64, i));
  if (missing->len == 0)
    return;
  make_room (self, missing->len);

  rows = wd_store_get_list_rows_by_key (wd_workspace_get_store (self->workspace), self->query.kind,
                                        (const gint64 *) missing->data, missing->len, &error);
  if (rows == NULL)
    {
      g_autofree char *what = g_strdup_printf ("Rows %u–%u of the %s list", first, first + n, self->query.kind);

      wd_workspace_report_read_failure (self->workspace, what, error);
      return;
    }
  for (guint i = 0; i < missing->len; i++)
    {
      JsonObject *row = g_hash_table_lookup (rows, &g_array_index (missing, gint64, i));
      Cached *cached;

      if (row == NULL)
        continue;
      cached = g_new0 (Cached, 1);
      cached->row = wd_row_new (self->query.kind, row);
      cached->position = G_MAXUINT;
      g_hash_table_insert (self->rows, g_memdup2 (&g_array_index (missing, gint64, i), sizeof (gint64)), cached);
    }
}

static Cached *
cached_at (WdRowModel *self,
           guint       position)
{
  return g_hash_table_lookup (self->rows, &g_array_index (self->keys, gint64, position));
}

static gpointer
wd_row_model_get_item (GListModel *model,
                       guint       position)
{
  WdRowModel *self = WD_ROW_MODEL (model);
  guint first = position / PAGE_SIZE * PAGE_SIZE;
  Cached *cached;

  if (position >= self->keys->len)
    return NULL;

  cached = cached_at (self, position);
  if (cached == NULL)
    {
      fetch_page (self, position / PAGE_SIZE);
      cached = cached_at (self, position);
    }
  /* A row deleted since the keys were read is missing; the next reload
   * closes the gap. Until then a neighbour on its page stands in. */
  for (guint i = first; cached == NULL && i < MIN (first + PAGE_SIZE, self->keys->len); i++)
    cached = cached_at (self, i);
  if (cached == NULL)
    return NULL;
  cached->position = position;
  return g_object_ref (cached->row);
}

static void
wd_row_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = wd_row_model_get_item_type;
  iface->get_n_items = wd_row_model_get_n_items;
  iface->get_item = wd_row_model_get_item;
}

static void
wd_row_model_dispose (GObject *object)
{
  WdRowModel *self = WD_ROW_MODEL (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (wd_row_model_parent_class)->dispose (object);
}

static void
wd_row_model_finalize (GObject *object)
{
  WdRowModel *self = WD_ROW_MODEL (object);

  query_clear (&self->query);
  g_array_unref (self->keys);
  g_hash_table_unref (self->rows);
  G_OBJECT_CLASS (wd_row_model_parent_class)->finalize (object);
}

static void
wd_row_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WdRowModel *self = WD_ROW_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading != NULL);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->keys->len);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->query.text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_row_model_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      wd_row_model_set_text (WD_ROW_MODEL (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wd_row_model_class_init (WdRowModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wd_row_model_dispose;
  object_class->finalize = wd_row_model_finalize;
  object_class->get_property = wd_row_model_get_property;
  object_class->set_property = wd_row_model_set_property;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The search text: a view binds its search field here. */
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wd_row_model_init (WdRowModel *self)
{
  self->keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) cached_free);
}

static void
on_workspace_changed (WdWorkspace *workspace,
                      WdRowModel  *self)
{
  self->data_changed = TRUE;
  if (self->hidden)
    self->reload_when_shown = TRUE;
  else
    wd_row_model_reload (self);
}

/* A list whose view is not on screen reads its keys again when it is
 * next shown, not at every change of the data: with a search in it, a
 * hidden board read five columns' matches after every operation and
 * synced page, on the worker the views on screen wait for. */
void
wd_row_model_set_hidden (WdRowModel *self,
                         gboolean    hidden)
{
  g_return_if_fail (WD_IS_ROW_MODEL (self));

  self->hidden = hidden;
  if (!hidden && self->reload_when_shown)
    {
      self->reload_when_shown = FALSE;
      reload (self, TRUE);
    }
}

/* Lists are read once a view shows them (wd_list_attach_on_map), so the
 * views not on screen cost nothing at start. */
void
wd_row_model_start (WdRowModel *self)
{
  g_return_if_fail (WD_IS_ROW_MODEL (self));

  if (self->started)
    return;
  self->started = TRUE;
  wd_row_model_reload (self);
}

gboolean
wd_row_model_is_ready (WdRowModel *self)
{
  g_return_val_if_fail (WD_IS_ROW_MODEL (self), FALSE);
  return self->loaded && self->loading == NULL;
}

WdRowModel *
wd_row_model_new (WdWorkspace *workspace,
                  const char  *kind)
{
  WdRowModel *self = g_object_new (WD_TYPE_ROW_MODEL, NULL);

  g_return_val_if_fail (g_str_equal (kind, "order") || g_str_equal (kind, "speaker")
                        || g_str_equal (kind, "project"), NULL);

  self->workspace = g_object_ref (workspace);
  self->query.kind = g_strdup (kind);
  g_signal_connect (workspace, "changed", G_CALLBACK (on_workspace_changed), self);
  return self;
}

static gboolean
replace (char       **slot,
         const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

/* name is one of the filters of the kind: state, subdistrict_id,
 * topic_id, assignee_id (orders); topic_id, subdistrict_id (speakers);
 * category, venue_kind, team_id (projects). NULL or "" clears it. */
void
wd_row_model_set_filter (WdRowModel *self,
                         const char *name,
                         const char *value)
{
  struct { const char *name; char **slot; } filters[] = {
    { "state", &self->query.state },
    { "subdistrict_id", &self->query.subdistrict_id },
    { "topic_id", &self->query.topic_id },
    { "assignee_id", &self->query.assignee_id },
    { "category", &self->query.category },
    { "venue_kind", &self->query.venue_kind },
    { "team_id", &self->query.team_id },
  };

  g_return_if_fail (WD_IS_ROW_MODEL (self));

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (g_str_equal (name, filters[i].name))
      {
        if (replace (filters[i].slot, value))
          reload (self, TRUE);
        return;
      }
  g_critical ("%s lists cannot be filtered by %s", self->query.kind, name);
}

void
wd_row_model_set_range (WdRowModel *self,
                        gint64      from,
                        gint64      to)
{
  g_return_if_fail (WD_IS_ROW_MODEL (self));

  if (self->query.from == from && self->query.to == to)
    return;
  self->query.from = from;
  self->query.to = to;
  reload (self, TRUE);
}

/* Leaves out cancelled and rejected orders: what will or did happen. */
void
wd_row_model_set_live (WdRowModel *self,
                       gboolean    live)
{
  g_return_if_fail (WD_IS_ROW_MODEL (self));

  if (self->query.live == live)
    return;
  self->query.live = live;
  reload (self, TRUE);
}

void
wd_row_model_set_text (WdRowModel *self,
                       const char *text)
{
  g_return_if_fail (WD_IS_ROW_MODEL (self));

  if (replace (&self->query.text, text))
    reload (self, TRUE);
}

gboolean
wd_row_model_get_loading (WdRowModel *self)
{
  g_return_val_if_fail (WD_IS_ROW_MODEL (self), FALSE);
  return self->loading != NULL;
}

typedef struct
{
  guint   position;     /* in the old list */
  gint64  key;
  WdRow  *row;
} Shown;

/* Rows already handed out whose key kept its place: those the views may
 * be showing, and so must hear about if their contents changed. */
static GArray *
shown_rows (WdRowModel *self,
            guint       prefix,
            guint       suffix)
{
  GArray *shown = g_array_new (FALSE, FALSE, sizeof (Shown));
  GHashTableIter iter;
  gpointer key, value;
  guint old_len = self->keys->len;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Cached *cached = value;
      Shown entry;

      entry.position = cached->position;
      if (entry.position >= old_len || (entry.position >= prefix && entry.position < old_len - suffix)
          || g_array_index (self->keys, gint64, entry.position) != *(gint64 *) key)
        continue;
      entry.key = *(gint64 *) key;
      entry.row = cached->row;
      g_array_append_val (shown, entry);
    }
  return shown;
}

/* Of the rows in shown, the positions (in the new list) whose contents
 * differ from what the store holds now. */
static GArray *
changed_positions (WdRowModel *self,
                   GArray     *shown,
                   guint       prefix,
                   gint        shift)
{
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) rows = NULL;

  for (guint i = 0; i < shown->len; i++)
    g_array_append_val (keys, g_array_index (shown, Shown, i).key);
  if (keys->len > 0)
    rows = wd_store_get_list_rows_by_key (wd_workspace_get_store (self->workspace), self->query.kind,
                                          (const gint64 *) keys->data, keys->len, NULL);
  for (guint i = 0; rows != NULL && i < shown->len; i++)
    {
      Shown *entry = &g_array_index (shown, Shown, i);
      JsonObject *row = g_hash_table_lookup (rows, &entry->key);
      gboolean same = row != NULL
        && g_strcmp0 (json_object_get_string_member (row, "id"), wd_row_get_id (entry->row)) == 0
        && json_object_equal (row, wd_row_get_object (entry->row));

      if (!same)
        {
          guint position = entry->position < prefix ? entry->position : (guint) ((gint) entry->position + shift);

          g_array_append_val (changed, position);
        }
    }
  return changed;
}

/* Takes out of the cache the rows the views show from prefix on, in a
 * row, at most run of them, noting what each holds now. */
static void
take_shown_rows (WdRowModel *self,
                 GArray     *old,
                 guint       prefix,
                 guint       run,
                 GPtrArray  *taken,
                 GHashTable *contents)
{
  for (guint p = prefix; p < prefix + run; p++)
    {
      gint64 *key = &g_array_index (old, gint64, p);
      gpointer stored_key;
      Cached *cached = g_hash_table_lookup (self->rows, key);

      if (cached == NULL || cached->position != p || !wd_row_is_bound (cached->row))
        break;
      g_hash_table_steal_extended (self->rows, key, &stored_key, NULL);
      g_free (stored_key);
      g_ptr_array_add (taken, cached);
      g_hash_table_insert (contents, key, wd_row_get_object (cached->row));
    }
}

/* The contents of the first n keys from prefix on, from the rows taken,
 * the cache or the store, in order; they stop at a row gone since the
 * keys were read. NULL if the store could not be read. */
static GPtrArray *
contents_of_keys (WdRowModel *self,
                  GArray     *keys,
                  guint       prefix,
                  guint       n,
                  GHashTable *taken_contents)
{
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) fetched = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      gint64 *key = &g_array_index (keys, gint64, prefix + i);

      if (!g_hash_table_contains (taken_contents, key) && !g_hash_table_contains (self->rows, key))
        g_array_append_val (missing, *key);
    }
  if (missing->len > 0)
    {
      fetched = wd_store_get_list_rows_by_key (wd_workspace_get_store (self->workspace), self->query.kind,
                                               (const gint64 *) missing->data, missing->len, &error);
      if (fetched == NULL)
        {
          g_autofree char *what = g_strdup_printf ("The first rows of the %s list", self->query.kind);

          wd_workspace_report_read_failure (self->workspace, what, error);
          return NULL;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      gint64 *key = &g_array_index (keys, gint64, prefix + i);
      Cached *cached = g_hash_table_lookup (self->rows, key);
      JsonObject *content = g_hash_table_lookup (taken_contents, key);

      if (content == NULL && cached != NULL)
        content = wd_row_get_object (cached->row);
      if (content == NULL && fetched != NULL)
        content = g_hash_table_lookup (fetched, key);
      if (content == NULL)
        break;
      g_ptr_array_add (contents, json_object_ref (content));
    }
  return g_steal_pointer (&contents);
}

/* The contents the rows kept gave up, those of the old keys from prefix
 * on, stay cached as rows no view shows: a search typed back or cleared
 * lists them again without reading them. */
static void
cache_given_up (WdRowModel *self,
                GArray     *old,
                guint       prefix,
                GPtrArray  *contents)
{
  make_room (self, contents->len);
  for (guint i = 0; i < contents->len; i++)
    {
      gint64 *key = &g_array_index (old, gint64, prefix + i);
      Cached *cached;

      if (g_hash_table_contains (self->rows, key))
        continue;
      cached = g_new0 (Cached, 1);
      cached->row = wd_row_new (self->query.kind, g_ptr_array_index (contents, i));
      cached->position = G_MAXUINT;
      g_hash_table_insert (self->rows, g_memdup2 (key, sizeof *key), cached);
    }
}

/* For a search that replaced the run of rows from prefix, the rows the
 * views show from the start of the run on, still in range, take the
 * contents of the rows now at their places: GTK then keeps their widgets
 * instead of building new ones, which was most of a keystroke on a big
 * district. Returns how many places from prefix on keep their rows (added
 * to rows_kept); none when the views show no row at the start of the run
 * (scrolled further down, the new list is then shown from its start). */
static guint
keep_shown_rows (WdRowModel *self,
                 GArray     *old,
                 GArray     *keys,
                 guint       prefix,
                 guint       run,
                 GPtrArray  *rows_kept)
{
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func ((GDestroyNotify) cached_free);
  g_autoptr(GHashTable) taken_contents = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) contents = NULL;
  GPtrArray *old_contents;

  take_shown_rows (self, old, prefix, run, taken, taken_contents);
  if (taken->len == 0)
    return 0;
  /* Every new content is taken before any row changes, as the rows taken
   * may hold each other's. */
  contents = contents_of_keys (self, keys, prefix, taken->len, taken_contents);
  if (contents == NULL)
    return 0;
  old_contents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < contents->len; i++)
    {
      Cached *cached = g_ptr_array_steal_index (taken, 0);

      g_ptr_array_add (old_contents, wd_row_replace (cached->row, g_ptr_array_index (contents, i)));
      g_ptr_array_add (rows_kept, g_object_ref (cached->row));
      cached->position = prefix + i;
      g_hash_table_replace (self->rows, g_memdup2 (&g_array_index (keys, gint64, prefix + i), sizeof (gint64)),
                            cached);
    }
  cache_given_up (self, old, prefix, old_contents);
  free_when_idle (old_contents);
  return contents->len;
}

/* A search or a filter changed which rows are listed, not the rows. The
 * views' rows at the start of the changed run are kept (keep_shown_rows);
 * the rest of the old run goes, and the new rows after the kept ones come
 * in a second change. When one change removes the row a view follows (its
 * anchor, focus or selection) and adds others, GTK looks for that row
 * among every row added, asking the model for each: thousands of rows
 * read for a keystroke that shows twenty. The first change adds only the
 * rows kept; the second removes nothing, so GTK has nothing to look for. */
static void
list_search_result (WdRowModel *self,
                    GArray     *old,
                    GArray     *keys,
                    guint       prefix,
                    guint       suffix)
{
  guint run_old = old->len - prefix - suffix;
  guint run_new = keys->len - prefix - suffix;
  g_autoptr(GPtrArray) rows_kept = g_ptr_array_new_with_free_func (g_object_unref);
  guint kept = keep_shown_rows (self, old, keys, prefix, MIN (run_old, run_new), rows_kept);
  GArray *between = g_array_sized_new (FALSE, FALSE, sizeof (gint64), prefix + kept + suffix);

  g_array_append_vals (between, old->data, prefix);
  g_array_append_vals (between, keys->data + prefix * sizeof (gint64), kept);
  g_array_append_vals (between, keys->data + (keys->len - suffix) * sizeof (gint64), suffix);
  self->keys = between;
  if (run_old > 0 || kept > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, run_old, kept);
  /* GTK 4.8 binds the rows it keeps again; a later one may not. */
  for (guint i = 0; i < rows_kept->len; i++)
    wd_row_emit_changed_if_stale (g_ptr_array_index (rows_kept, i));
  g_array_unref (between);
  self->keys = g_array_ref (keys);
  if (run_new > kept)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix + kept, 0, run_new - kept);
}

/* Tells the views what changed, as narrowly as it can: the run of keys
 * that differ, and the rows that kept their place but changed. A sync or
 * an operation then redraws a card or two, not the whole board. */
static void
replace_keys (WdRowModel *self,
              GArray     *keys,
              gboolean    data_changed)
{
  GArray *old = self->keys;
  guint prefix = 0, suffix = 0;
  g_autoptr(GArray) shown = NULL;
  g_autoptr(GArray) changed = NULL;

  while (prefix < old->len && prefix < keys->len
         && g_array_index (old, gint64, prefix) == g_array_index (keys, gint64, prefix))
    prefix++;
  while (suffix < old->len - prefix && suffix < keys->len - prefix
         && g_array_index (old, gint64, old->len - 1 - suffix) == g_array_index (keys, gint64, keys->len - 1 - suffix))
    suffix++;

  if (!data_changed)
    {
      list_search_result (self, old, keys, prefix, suffix);
      g_array_unref (old);
      return;
    }

  /* A change of the data may change the rows themselves. */
  shown = shown_rows (self, prefix, suffix);
  changed = changed_positions (self, shown, prefix, (gint) keys->len - (gint) old->len);
  let_go_of_rows (self, TRUE);

  if (old->len > 0 && keys->len - prefix - suffix > BIG_CHANGE)
    {
      /* A big change empties the list first, as GTK would otherwise look
       * for the row a view follows among thousands added (above); a
       * smaller one keeps the narrow change, and the user's place. */
      self->keys = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, 0);
      g_array_unref (self->keys);
      self->keys = g_array_ref (keys);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, keys->len);
      g_array_unref (old);
      return;
    }
  self->keys = g_array_ref (keys);
  if (old->len - prefix - suffix > 0 || keys->len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old->len - prefix - suffix,
                                keys->len - prefix - suffix);
  for (guint i = 0; i < changed->len; i++)
    g_list_model_items_changed (G_LIST_MODEL (self), g_array_index (changed, guint, i), 1, 1);
  g_array_unref (old);
}

static void
on_keys_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WdRowModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) keys = wd_workspace_read_finish (WD_WORKSPACE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);

  if (keys == NULL)
    {
      g_autofree char *what = g_strdup_printf ("The %s list", self->query.kind);

      wd_workspace_report_read_failure (self->workspace, what, error);
      /* The change still has to reach the rows at the next read. */
      self->data_changed |= self->reading_changed;
    }
  else
    {
      self->loaded = TRUE;
      replace_keys (self, keys, self->reading_changed);
      /* Also when the count stayed: views learn the first load is done. */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      reload (self, self->again_for_input);
    }
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* At most one read runs; changes meanwhile start one more after it. A
 * read for the user's input (a search, a filter) is answered before the
 * next frame when it can be (wd_workspace_read_for_input_async). */
static void
reload (WdRowModel *self,
        gboolean    for_input)
{
  if (!self->started)
    return;
  if (self->loading != NULL)
    {
      self->again_for_input = self->reload_again ? self->again_for_input || for_input : for_input;
      self->reload_again = TRUE;
      return;
    }
  self->loading = g_cancellable_new ();
  self->reading_changed = self->data_changed;
  self->data_changed = FALSE;
  if (for_input)
    wd_workspace_read_for_input_async (self->workspace, read_keys, query_copy (&self->query),
                                       (GDestroyNotify) query_free, (GDestroyNotify) g_array_unref,
                                       self->loading, on_keys_read, g_object_ref (self));
  else
    wd_workspace_read_async (self->workspace, read_keys, query_copy (&self->query), (GDestroyNotify) query_free,
                             (GDestroyNotify) g_array_unref, self->loading, on_keys_read, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
wd_row_model_reload (WdRowModel *self)
{
  g_return_if_fail (WD_IS_ROW_MODEL (self));
  reload (self, FALSE);
}

const char *
wd_row_model_get_kind (WdRowModel *self)
{
  g_return_val_if_fail (WD_IS_ROW_MODEL (self), NULL);
  return self->query.kind;
}

GArray *
wd_row_model_dup_keys (WdRowModel *self)
{
  GArray *keys;

  g_return_val_if_fail (WD_IS_ROW_MODEL (self), NULL);

  keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->keys ? self->keys->len : 0);
  if (self->keys != NULL)
    g_array_append_vals (keys, self->keys->data, self->keys->len);
  return keys;
}
