/* wd-row.c: a JSON row with null-safe accessors. */
#include "config.h"

#include "wd-json.h"
#include "wd-row.h"

struct _WdRow
{
  GObject     parent_instance;

  char       *kind;
  JsonObject *object;
};

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
