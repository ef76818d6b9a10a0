/* wd-row.c: a JSON row with null-safe accessors. A list may give a row
 * another row's contents (wd_row_replace) so that GTK keeps the widgets
 * showing it. GTK 4.8 binds a row it keeps again; where it does not, the
 * list has the row emit "changed" (wd_row_emit_changed_if_stale), on
 * which the widgets bind it. */
#include "config.h"

#include "wd-json.h"
#include "wd-row.h"

struct _WdRow
{
  GObject     parent_instance;

  char       *kind;
  JsonObject *object;
  guint       bound;    /* list widgets showing it */
  gboolean    stale;    /* replaced while bound, not bound since */
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WdRow, wd_row, G_TYPE_OBJECT)

static void
wd_row_finalize (GObject *object)
{
  WdRow *self = WD_ROW (object);

  g_free (self->kind);
  g_clear_pointer (&self->object, json_object_unref);
  G_OBJECT_CLASS (wd_row_parent_class)->finalize (object);
}

static void
wd_row_class_init (WdRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wd_row_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wd_row_init (WdRow *self)
{
}

WdRow *
wd_row_new (const char *kind,
            JsonObject *object)
{
  WdRow *self = g_object_new (WD_TYPE_ROW, NULL);

  self->kind = g_strdup (kind);
  self->object = json_object_ref (object);
  return self;
}

/* Gives the row another row's contents, of the same kind, and returns
 * the contents it had (the caller chooses when to free them). */
JsonObject *
wd_row_replace (WdRow      *self,
                JsonObject *object)
{
  JsonObject *old;

  g_return_val_if_fail (WD_IS_ROW (self), NULL);

  old = self->object;
  self->object = json_object_ref (object);
  if (object != old)
    self->stale = self->bound > 0;
  return old;
}

/* After the list has told the views of its change: a row replaced that
 * no view bound since says "changed". */
void
wd_row_emit_changed_if_stale (WdRow *self)
{
  g_return_if_fail (WD_IS_ROW (self));

  if (!self->stale)
    return;
  self->stale = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* List widgets say when they show the row and when they stop. */
void
wd_row_set_bound (WdRow    *self,
                  gboolean  bound)
{
  g_return_if_fail (WD_IS_ROW (self));
  g_return_if_fail (bound || self->bound > 0);

  if (bound)
    self->bound++;
  else
    self->bound--;
  self->stale = FALSE;
}

gboolean
wd_row_is_bound (WdRow *self)
{
  g_return_val_if_fail (WD_IS_ROW (self), FALSE);
  return self->bound > 0;
}

JsonObject *
wd_row_get_object (WdRow *self)
{
  return self->object;
}

const char *
wd_row_get_id (WdRow *self)
{
  return wd_row_get_string (self, "id");
}

const char *
wd_row_get_string (WdRow      *self,
                   const char *member)
{
  return wd_json_text (self->object, member);
}

gint64
wd_row_get_int (WdRow      *self,
                const char *member)
{
  return wd_json_int (self->object, member);
}

double
wd_row_get_double (WdRow      *self,
                   const char *member)
{
  JsonNode *node = json_object_get_member (self->object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return 0;
}

gboolean
wd_row_get_bool (WdRow      *self,
                 const char *member)
{
  JsonNode *node = json_object_get_member (self->object, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return wd_row_get_int (self, member) != 0;
}
