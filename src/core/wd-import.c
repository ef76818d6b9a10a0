/* wd-import.c: CSV import through the operations, all or nothing. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "wd-columns.h"
#include "wd-csv.h"
#include "wd-entity.h"
#include "wd-error.h"
#include "wd-import.h"
#include "wd-json.h"

struct _WdImport
{
  GObject         parent_instance;

  WdStore        *store;
  char           *kind;
  const WdEntity *entity;
  GHashTable     *mapping;     /* header → member, given by the user */

  const char     *encoding;
  GPtrArray      *records;     /* WdCsvRecord, the header first */
  GPtrArray      *columns;     /* per file column: const WdColumn * or NULL */
  GPtrArray      *rows;        /* WdImportRow of the last run */
};

G_DEFINE_FINAL_TYPE (WdImport, wd_import, G_TYPE_OBJECT)

static void
import_row_free (WdImportRow *row)
{
  g_free (row->label);
  g_free (row->message);
  g_free (row);
}

static void
wd_import_finalize (GObject *object)
{
  WdImport *self = WD_IMPORT (object);

  g_clear_object (&self->store);
  g_free (self->kind);
  g_hash_table_unref (self->mapping);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (wd_import_parent_class)->finalize (object);
}

static void
wd_import_class_init (WdImportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wd_import_finalize;
}

static void
wd_import_init (WdImport *self)
{
  self->mapping = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_row_free);
}

WdImport *
wd_import_new (WdStore     *store,
               const char  *kind,
               GError     **error)
{
  WdImport *self;

  g_return_val_if_fail (WD_IS_STORE (store), NULL);

  if (kind == NULL || !wd_columns_importable (kind))
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("Only speakers, teams and projects can be imported, not “%s”"), kind ? kind : "");
      return NULL;
    }
  self = g_object_new (WD_TYPE_IMPORT, NULL);
  self->store = g_object_ref (store);
  self->kind = g_strdup (kind);
  self->entity = wd_entity_lookup (kind);
  return self;
}

const char *
wd_import_get_kind (WdImport *self)
{
  return self->kind;
}

const char *
wd_import_get_encoding (WdImport *self)
{
  return self->encoding;
}

gboolean
wd_import_map (WdImport    *self,
               const char  *header,
               const char  *member,
               GError     **error)
{
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (self->kind, &n);

  if (member == NULL || *member == '\0')
    {
      g_hash_table_insert (self->mapping, g_strdup (header), g_strdup (""));
      return TRUE;
    }
  for (guint i = 0; i < n; i++)
    if (g_str_equal (columns[i].member, member))
      {
        g_hash_table_insert (self->mapping, g_strdup (header), g_strdup (member));
        return TRUE;
      }
  g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
               _("A %s has no field “%s”"), self->kind, member);
  return FALSE;
}

static const WdColumn *
column_for (WdImport   *self,
            const char *header)
{
  const char *member = g_hash_table_lookup (self->mapping, header);
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (self->kind, &n);

  if (member == NULL)
    return wd_column_for_header (self->kind, header);
  if (*member == '\0')
    return NULL;
  for (guint i = 0; i < n; i++)
    if (g_str_equal (columns[i].member, member))
      return &columns[i];
  return NULL;
}

static const char *
header_of (WdImport *self,
           guint     index)
{
  WdCsvRecord *header = g_ptr_array_index (self->records, 0);

  return header->fields[index];
}

static gboolean
map_columns (WdImport  *self,
             GError   **error)
{
  WdCsvRecord *header = g_ptr_array_index (self->records, 0);

  self->columns = g_ptr_array_new ();
  for (guint i = 0; i < header->n_fields; i++)
    {
      const WdColumn *column = column_for (self, header->fields[i]);

      for (guint j = 0; column != NULL && j < i; j++)
        if (g_ptr_array_index (self->columns, j) == column)
          {
            g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                         _("The columns “%s” and “%s” both give %s; remove one of them"),
                         header->fields[j], header->fields[i], _(column->label));
            return FALSE;
          }
      g_ptr_array_add (self->columns, (gpointer) column);
    }

  return TRUE;
}

gboolean
wd_import_load (WdImport  *self,
                GBytes    *contents,
                GError   **error)
{
  g_autofree char *text = NULL;

  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->columns, g_ptr_array_unref);

  text = wd_csv_decode (contents, &self->encoding, error);
  if (text == NULL)
    return FALSE;
  self->records = wd_csv_parse (text, error);
  if (self->records == NULL)
    return FALSE;
  if (self->records->len < 2)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("The file has no rows under its header line"));
      g_clear_pointer (&self->records, g_ptr_array_unref);
      return FALSE;
    }
  if (!map_columns (self, error))
    {
      g_clear_pointer (&self->records, g_ptr_array_unref);
      g_clear_pointer (&self->columns, g_ptr_array_unref);
      return FALSE;
    }
  return TRUE;
}

guint
wd_import_get_n_columns (WdImport *self)
{
  g_return_val_if_fail (WD_IS_IMPORT (self), 0);
  return self->columns ? self->columns->len : 0;
}

const char *
wd_import_get_header (WdImport *self,
                      guint     column)
{
  g_return_val_if_fail (WD_IS_IMPORT (self), NULL);
  g_return_val_if_fail (self->columns != NULL && column < self->columns->len, NULL);
  return header_of (self, column);
}

const char *
wd_import_get_member (WdImport *self,
                      guint     column)
{
  const WdColumn *mapped;

  g_return_val_if_fail (WD_IS_IMPORT (self), NULL);
  g_return_val_if_fail (self->columns != NULL && column < self->columns->len, NULL);
  mapped = g_ptr_array_index (self->columns, column);
  return mapped ? mapped->member : NULL;
}

GStrv
wd_import_get_ignored (WdImport *self)
{
  g_autoptr(GStrvBuilder) ignored = g_strv_builder_new ();

  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    if (g_ptr_array_index (self->columns, i) == NULL && *header_of (self, i) != '\0')
      g_strv_builder_add (ignored, header_of (self, i));
  return g_strv_builder_end (ignored);
}

/* Excel hides the apostrophe Wudan writes before text that would be a
 * formula (wd-csv.c); it is not part of the value. */
static const char *
cell_text (const char *cell)
{
  if (cell[0] == '\'' && cell[1] != '\0' && strchr ("=+-@", cell[1]) != NULL)
    return cell + 1;
  return cell;
}

static gboolean
parse_bool (const char *text,
            gboolean   *value)
{
  static const char * const yes[] = { "1", "yes", "y", "true", "是", "在用", "启用", NULL };
  static const char * const no[] = { "0", "no", "n", "false", "否", "停用", NULL };

  for (guint i = 0; yes[i]; i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0 || g_str_equal (text, _("yes")))
      return (*value = TRUE), TRUE;
  for (guint i = 0; no[i]; i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0 || g_str_equal (text, _("no")))
      return (*value = FALSE), TRUE;
  return FALSE;
}

static char *
resolve_name (WdImport    *self,
              const char  *kind,
              const char  *name,
              GError     **error)
{
  g_autoptr(GError) found_error = NULL;
  char *id = wd_store_find_id_by_name (self->store, kind, name, &found_error);

  if (found_error != NULL)
    g_propagate_error (error, g_steal_pointer (&found_error));
  else if (id == NULL)
    g_set_error (error, WD_ERROR, WD_ERROR_NOT_FOUND,
                 _("nothing is called “%s”; check the spelling against the lists in Wudan"), name);
  return id;
}

static gboolean
set_ref_list (WdImport    *self,
              JsonObject  *args,
              const char  *member,
              const char  *kind,
              const char  *text,
              GError     **error)
{
  g_auto(GStrv) names = g_regex_split_simple ("\\s*[、,，;；/]\\s*", text, 0, 0);
  JsonArray *ids = json_array_new ();

  json_object_set_array_member (args, member, ids);
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *id = NULL;

      if (*g_strstrip (names[i]) == '\0')
        continue;
      id = resolve_name (self, kind, names[i], error);
      if (id == NULL)
        return FALSE;
      json_array_add_string_element (ids, id);
    }
  return TRUE;
}

static gboolean
set_value (WdImport        *self,
           JsonObject      *args,
           const WdColumn  *column,
           const char      *cell,
           GError         **error)
{
  g_autofree char *text = g_strstrip (g_strdup (cell_text (cell)));
  gint64 number;
  gboolean flag;

  if (*text == '\0' && column->type != WD_COLUMN_TEXT && column->type != WD_COLUMN_REF_LIST)
    {
      json_object_remove_member (args, column->member);
      return TRUE;
    }
  switch (column->type)
    {
    case WD_COLUMN_TEXT:
    case WD_COLUMN_PHONE:
      json_object_set_string_member (args, column->member, text);
      return TRUE;
    case WD_COLUMN_INT:
      if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a whole number"), text);
          return FALSE;
        }
      json_object_set_int_member (args, column->member, number);
      return TRUE;
    case WD_COLUMN_BOOL:
      if (!parse_bool (text, &flag))
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("write yes or no, not “%s”"), text);
          return FALSE;
        }
      json_object_set_boolean_member (args, column->member, flag);
      return TRUE;
    case WD_COLUMN_REF:
      {
        g_autofree char *id = resolve_name (self, column->ref_kind, text, error);

        if (id == NULL)
          return FALSE;
        json_object_set_string_member (args, column->member, id);
        return TRUE;
      }
    case WD_COLUMN_REF_LIST:
      return set_ref_list (self, args, column->member, column->ref_kind, text, error);
    default:
      g_assert_not_reached ();
    }
}

/* The operation's arguments for what a row already holds, so the
 * columns a file leaves out keep their values. */
static JsonObject *
args_of_existing (WdImport   *self,
                  JsonObject *existing)
{
  JsonObject *args = json_object_new ();

  for (guint i = 0; existing != NULL && i < self->entity->n_fields; i++)
    {
      const WdField *field = &self->entity->fields[i];
      JsonNode *node = json_object_get_member (existing, field->name);

      if ((field->flags & WD_FIELD_INTERNAL) || node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      json_object_set_member (args, field->name, json_node_copy (node));
    }
  return args;
}

static char *
existing_key (WdImport   *self,
              JsonObject *row)
{
  if (g_str_equal (self->kind, "project"))
    return g_strdup_printf ("%s\x1f%s", wd_json_text (row, "title"), wd_json_text (row, "team_id"));
  return g_strdup (wd_json_text (row, "name"));
}

/* A row without an id updates the entry of the same name (for a project:
 * the same title from the same team); a name two entries share cannot
 * say which, so it makes a new one. */
static GHashTable *
index_existing (WdImport  *self,
                GError   **error)
{
  g_autoptr(JsonArray) rows = wd_store_list_all (self->store, self->kind, error);
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      char *key = existing_key (self, row);

      if (g_hash_table_contains (index, key))
        g_hash_table_replace (index, key, g_strdup (""));
      else
        g_hash_table_insert (index, key, g_strdup (wd_json_text (row, "id")));
    }
  return g_steal_pointer (&index);
}

static char *
row_fingerprint (WdImport   *self,
                 JsonObject *row)
{
  g_autoptr(JsonObject) args = args_of_existing (self, row);

  return wd_json_object_to_string (args, FALSE);
}

/* Whether the row args would write is the one stored, as the rulebook
 * would normalize it (trimmed text, phone numbers in one form). */
static gboolean
same_as_stored (WdImport   *self,
                JsonObject *args,
                JsonObject *stored)
{
  g_autoptr(JsonObject) row = wd_entity_read_args (self->entity, args, wd_store_get_time_zone (self->store), NULL);
  g_autofree char *wanted = NULL;
  g_autofree char *have = NULL;

  if (row == NULL)
    return FALSE;
  wanted = row_fingerprint (self, row);
  have = row_fingerprint (self, stored);
  return g_str_equal (wanted, have);
}

static WdImportRow *
add_row (WdImport       *self,
         guint           line,
         WdImportAction  action,
         const char     *label)
{
  WdImportRow *row = g_new0 (WdImportRow, 1);

  row->line = line;
  row->action = action;
  row->label = g_strdup (label);
  g_ptr_array_add (self->rows, row);
  return row;
}

/* "phone: not a number" → "电话: not a number", in the file's words. */
static char *
describe_refusal (WdImport     *self,
                  const GError *error)
{
  g_autofree char *field = NULL;
  g_autofree char *message = NULL;

  if (!wd_error_split_field (error, &field, &message))
    return g_strdup (error->message);
  for (guint i = 0; i < self->columns->len; i++)
    {
      const WdColumn *column = g_ptr_array_index (self->columns, i);

      /* TRANSLATORS: a problem with one column of an imported file: the column, then what is wrong */
      if (column != NULL && g_str_equal (column->member, field))
        return g_strdup_printf (_("%s: %s"), header_of (self, i), message);
    }
  return g_strdup (error->message);
}

/* A sheet that only updates may leave out columns; a new entry needs
 * everything the rulebook requires. */
static gboolean
has_required (WdImport    *self,
              JsonObject  *args,
              GError     **error)
{
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (self->kind, &n);

  for (guint c = 0; c < n; c++)
    {
      const WdField *field = wd_entity_field (self->entity, columns[c].member);

      if (field == NULL || !(field->flags & WD_FIELD_REQUIRED) || field->type == WD_FIELD_ID
          || json_object_has_member (args, columns[c].member))
        continue;
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   _("a new entry needs %s; add a column “%s”"), _(columns[c].label), _(columns[c].label));
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
read_record (WdImport     *self,
             WdCsvRecord  *record,
             GHashTable   *existing,
             GError      **error)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *new_id = g_uuid_string_random ();
  const char *id = NULL;

  if (record->n_fields > self->columns->len)
    for (guint i = self->columns->len; i < record->n_fields; i++)
      if (*g_strstrip (record->fields[i]) != '\0')
        {
          g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                       _("the row has %u fields and the header %u; quote text that holds a comma"),
                       record->n_fields, self->columns->len);
          return NULL;
        }

  for (guint i = 0; i < MIN (record->n_fields, self->columns->len); i++)
    {
      const WdColumn *column = g_ptr_array_index (self->columns, i);

      if (column != NULL && !set_value (self, args, column, record->fields[i], error))
        {
          /* TRANSLATORS: put before a problem with one column of an imported file */
          g_prefix_error (error, _("%s: "), header_of (self, i));
          return NULL;
        }
    }

  if (json_object_has_member (args, "id") && *wd_json_text (args, "id") != '\0')
    id = wd_json_text (args, "id");
  else
    {
      g_autofree char *key = existing_key (self, args);

      id = g_hash_table_lookup (existing, key);
    }

  if (id != NULL && *id != '\0')
    {
      g_autoptr(JsonObject) row = wd_store_get (self->store, self->kind, id, NULL);
      g_autoptr(JsonObject) merged = args_of_existing (self, row);
      g_autoptr(GList) members = json_object_get_members (args);

      for (GList *l = members; l; l = l->next)
        json_object_set_member (merged, l->data, json_object_dup_member (args, l->data));
      json_object_set_string_member (merged, "id", id);
      return g_steal_pointer (&merged);
    }

  if (!has_required (self, args, error))
    return NULL;
  json_object_set_string_member (args, "id", new_id);
  return g_steal_pointer (&args);
}

/* The name or title cell of a row, to name a row that could not be read. */
static const char *
record_label (WdImport    *self,
              WdCsvRecord *record)
{
  for (guint i = 0; i < MIN (record->n_fields, self->columns->len); i++)
    {
      const WdColumn *column = g_ptr_array_index (self->columns, i);

      if (column != NULL && (g_str_equal (column->member, "name") || g_str_equal (column->member, "title")))
        return record->fields[i];
    }
  return "";
}

static void
run_record (WdImport          *self,
            WdCsvRecord       *record,
            GHashTable        *existing,
            GHashTable        *seen,
            WdImportApplyFunc  apply,
            gpointer           user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = read_record (self, record, existing, &error);
  g_autoptr(JsonObject) before = NULL;
  g_autofree char *kind = g_strconcat (self->kind, ".upsert", NULL);
  g_autofree char *key = NULL;
  const char *label;
  gpointer first_line;
  WdImportRow *row;

  if (args == NULL)
    {
      row = add_row (self, record->line, WD_IMPORT_FAILED, record_label (self, record));
      row->message = g_strdup (error->message);
      return;
    }
  label = json_object_has_member (args, "name") ? wd_json_text (args, "name") : wd_json_text (args, "title");
  /* A later row of the same name is the same entry, not a second one. */
  key = existing_key (self, args);
  if (!g_hash_table_contains (existing, key))
    g_hash_table_insert (existing, g_steal_pointer (&key), g_strdup (wd_json_text (args, "id")));

  if (g_hash_table_lookup_extended (seen, wd_json_text (args, "id"), NULL, &first_line))
    {
      row = add_row (self, record->line, WD_IMPORT_FAILED, label);
      row->message = g_strdup_printf (_("the same entry as line %u; keep one of the two rows"),
                                      GPOINTER_TO_UINT (first_line));
      return;
    }
  g_hash_table_insert (seen, g_strdup (wd_json_text (args, "id")), GUINT_TO_POINTER (record->line));

  before = wd_store_get (self->store, self->kind, wd_json_text (args, "id"), NULL);
  if (before != NULL && same_as_stored (self, args, before))
    {
      /* Nothing to write, and nothing to send to the server. */
      add_row (self, record->line, WD_IMPORT_UNCHANGED, label);
      return;
    }
  if (!apply (kind, args, user_data, &error))
    {
      add_row (self, record->line, WD_IMPORT_FAILED, label)->message = describe_refusal (self, error);
      return;
    }
  add_row (self, record->line, before ? WD_IMPORT_UPDATE : WD_IMPORT_CREATE, label);
}

gboolean
wd_import_run (WdImport           *self,
               gboolean            dry_run,
               WdImportApplyFunc   apply,
               gpointer            user_data,
               GError            **error)
{
  g_autoptr(GHashTable) existing = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint failed;

  g_return_val_if_fail (WD_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (self->records != NULL, FALSE);

  g_ptr_array_set_size (self->rows, 0);
  if (!wd_store_begin (self->store, error))
    return FALSE;
  existing = index_existing (self, error);
  if (existing == NULL)
    {
      wd_store_rollback (self->store);
      return FALSE;
    }

  for (guint i = 1; i < self->records->len; i++)
    run_record (self, g_ptr_array_index (self->records, i), existing, seen, apply, user_data);

  failed = wd_import_count (self, WD_IMPORT_FAILED);
  if (dry_run || failed > 0)
    wd_store_rollback (self->store);
  else if (!wd_store_commit (self->store, error))
    return FALSE;

  if (failed > 0)
    {
      g_set_error (error, WD_ERROR, WD_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE, "%u row has errors; nothing was imported",
                                "%u rows have errors; nothing was imported", failed),
                   failed);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
wd_import_get_rows (WdImport *self)
{
  return self->rows;
}

guint
wd_import_count (WdImport       *self,
                 WdImportAction  action)
{
  guint count = 0;

  for (guint i = 0; i < self->rows->len; i++)
    if (((WdImportRow *) g_ptr_array_index (self->rows, i))->action == action)
      count++;
  return count;
}
