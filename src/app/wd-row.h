/* wd-row.h: one row of a view (an order, a speaker, a project) as an item
 * of a GListModel. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define WD_TYPE_ROW (wd_row_get_type ())

G_DECLARE_FINAL_TYPE (WdRow, wd_row, WD, ROW, GObject)

WdRow      *wd_row_new        (const char *kind,
                               JsonObject *object);
JsonObject *wd_row_replace    (WdRow      *self,
                               JsonObject *object);
void        wd_row_emit_changed_if_stale (WdRow *self);
void        wd_row_set_bound  (WdRow      *self,
                               gboolean    bound);
gboolean    wd_row_is_bound   (WdRow      *self);
JsonObject *wd_row_get_object (WdRow      *self);
const char *wd_row_get_id     (WdRow      *self);
const char *wd_row_get_string (WdRow      *self,
                               const char *member);
gint64      wd_row_get_int    (WdRow      *self,
                               const char *member);
gboolean    wd_row_get_bool   (WdRow      *self,
                               const char *member);
double      wd_row_get_double (WdRow      *self,
                               const char *member);

G_END_DECLS
