/* wd-form-dialog.c: one operation's arguments, gathered and applied. */
#define G_LOG_DOMAIN "wudan"

#include "config.h"

#include <glib/gi18n.h>

#include "wd-error.h"
#include "wd-form-dialog.h"
#include "wd-order-actions.h"
#include "wd-ui-util.h"

typedef enum
{
  FIELD_TEXT,
  FIELD_MULTILINE,
  FIELD_NUMBER,
  FIELD_CHOICE,
  FIELD_CHECKS,
  FIELD_STARS,
  FIELD_SWITCH,
} FieldType;

typedef struct
{
  char        *name;
  FieldType    type;
  WdFormFlags  flags;
  GtkWidget   *row;       /* what is marked on error */
  GtkWidget   *input;     /* entry row, text view, spin button, combo row, switch */
  GPtrArray   *ids;       /* choices and checks */
  GPtrArray   *buttons;   /* checks and stars */
  int          digits;
} Field;

struct _WdFormDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *apply_button;
  GtkBox         *fields_box;
  GtkLabel       *description_label;
  GtkLabel       *warning_label;      /* what to know before applying */
  GtkLabel       *error_label;
  AdwPreferencesGroup *group;

  WdWorkspace    *workspace;
  char           *operation;
  GPtrArray      *fields;
  JsonObject     *fixed;
  JsonObject     *initial;      /* an edit's first values: only changes are sent */
  char           *naming;       /* the argument that names them, if any */
  char           *error_field;
};

enum {
  SIGNAL_APPLIED,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WdFormDialog, wd_form_dialog, ADW_TYPE_WINDOW)

static void
field_free (Field *field)
{
  g_free (field->name);
  g_clear_pointer (&field->ids, g_ptr_array_unref);
  g_clear_pointer (&field->buttons, g_ptr_array_unref);
  g_free (field);
}

static void
wd_form_dialog_finalize (GObject *object)
{
  WdFormDialog *self = WD_FORM_DIALOG (object);

  g_clear_object (&self->workspace);
  g_free (self->operation);
  g_ptr_array_unref (self->fields);
  json_object_unref (self->fixed);
  g_clear_pointer (&self->initial, json_object_unref);
  g_free (self->naming);
  g_free (self->error_field);
  G_OBJECT_CLASS (wd_form_dialog_parent_class)->finalize (object);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  wd_form_dialog_apply (WD_FORM_DIALOG (widget));
}

static void
wd_form_dialog_class_init (WdFormDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = wd_form_dialog_finalize;

  /* Emitted after the operation applied, with what it created. */
  signals[SIGNAL_APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  /* Emitted when a text or choice field changes, detailed by the
   * field's name ("changed::starts_at"), so a form can say more about
   * what is being entered (wd_form_dialog_read_args). */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/wudan/Wudan/wd-form-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, fields_box);
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WdFormDialog, group);
  gtk_widget_class_install_action (widget_class, "form.apply", NULL, apply_action);
}

static void
wd_form_dialog_init (WdFormDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->fixed = json_object_new ();
}

WdFormDialog *
wd_form_dialog_new (GtkWidget   *parent,
                    WdWorkspace *workspace,
                    const char  *title,
                    const char  *apply_label,
                    const char  *operation)
{
  WdFormDialog *self = g_object_new (WD_TYPE_FORM_DIALOG, NULL);
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;

  if (root != NULL && GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  self->workspace = g_object_ref (workspace);
  self->operation = g_strdup (operation);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  gtk_button_set_label (self->apply_button, apply_label);
  return self;
}

void
wd_form_dialog_set_description (WdFormDialog *self,
                                const char   *text)
{
  gtk_label_set_text (self->description_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), text != NULL && *text != '\0');
}

/* Something the person should know before applying, which does not
 * stop them. */
void
wd_form_dialog_set_warning (WdFormDialog *self,
                            const char   *text)
{
  gtk_label_set_text (self->warning_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), text != NULL && *text != '\0');
}

const char *
wd_form_dialog_get_warning (WdFormDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->warning_label)) ? gtk_label_get_text (self->warning_label) : NULL;
}

static void
emit_changed (WdFormDialog *self,
              GtkWidget    *input)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->input == input)
        g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (field->name));
    }
}

static void
on_text_changed (GtkEditable  *input,
                 WdFormDialog *self)
{
  emit_changed (self, GTK_WIDGET (input));
}

static void
on_choice_changed (GObject      *input,
                   GParamSpec   *pspec,
                   WdFormDialog *self)
{
  emit_changed (self, GTK_WIDGET (input));
}

static Field *
add_field (WdFormDialog *self,
           const char   *name,
           FieldType     type,
           WdFormFlags   flags,
           GtkWidget    *row,
           GtkWidget    *input)
{
  Field *field = g_new0 (Field, 1);

  field->name = g_strdup (name);
  field->type = type;
  field->flags = flags;
  field->row = row;
  field->input = input;
  g_ptr_array_add (self->fields, field);
  return field;
}

static Field *
find_field (WdFormDialog *self,
            const char   *name)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (field->name, name))
        return field;
    }
  return NULL;
}

static char *
required_title (const char  *label,
                WdFormFlags  flags)
{
  /* TRANSLATORS: marks a form field that must be filled in */
  return (flags & WD_FORM_REQUIRED) ? g_strdup_printf (_("%s (required)"), label) : g_strdup (label);
}

void
wd_form_dialog_add_text (WdFormDialog *self,
                         const char   *name,
                         const char   *label,
                         const char   *value,
                         WdFormFlags   flags)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *title = required_title (label, flags);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), value ? value : "");
  adw_preferences_group_add (self->group, row);
  add_field (self, name, FIELD_TEXT, flags, row, row);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_text_changed), self, 0);
}

void
wd_form_dialog_add_multiline (WdFormDialog *self,
                              const char   *name,
                              const char   *label,
                              const char   *value)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), label);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 96);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), value ? value : "", -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);
  gtk_box_append (self->fields_box, group);
  add_field (self, name, FIELD_MULTILINE, 0, frame, view);
}

void
wd_form_dialog_add_number (WdFormDialog *self,
                           const char   *name,
                           const char   *label,
                           double        min,
                           double        max,
                           double        step,
                           double        value)
{
  GtkWidget *row = wd_action_row_new (label, NULL);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);
  Field *field;

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (self->group, row);
  field = add_field (self, name, FIELD_NUMBER, 0, row, spin);
  field->digits = step < 1 ? 1 : 0;
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), field->digits);
}

void
wd_form_dialog_add_choice (WdFormDialog       *self,
                           const char         *name,
                           const char         *label,
                           const char * const *ids,
                           const char * const *labels,
                           const char         *value,
                           WdFormFlags         flags)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *title = required_title (label, flags);
  Field *field;

  field = add_field (self, name, FIELD_CHOICE, flags, row, row);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_choice_changed), self, 0);
  field->ids = g_ptr_array_new_with_free_func (g_free);
  /* An optional choice starts with "none". */
  if (!(flags & WD_FORM_REQUIRED))
    {
      g_ptr_array_add (field->ids, NULL);
      gtk_string_list_append (model, _("None"));
    }
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_ptr_array_add (field->ids, g_strdup (ids[i]));
      gtk_string_list_append (model, labels[i]);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_preferences_group_add (self->group, row);
  if (value != NULL)
    wd_form_dialog_set_value (self, name, value);
}

void
wd_form_dialog_add_choice_rows (WdFormDialog *self,
                                const char   *name,
                                const char   *label,
                                JsonArray    *rows,
                                const char   *label_member,
                                const char   *value,
                                WdFormFlags   flags)
{
  guint n = json_array_get_length (rows);
  g_autofree const char **ids = g_new0 (const char *, n + 1);
  g_autofree const char **labels = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      ids[i] = json_object_get_string_member (row, "id");
      labels[i] = json_object_get_string_member_with_default (row, label_member, "");
    }
  wd_form_dialog_add_choice (self, name, label, ids, labels, value, flags);
}

static gboolean
array_has (JsonArray  *array,
           const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

void
wd_form_dialog_add_checks (WdFormDialog *self,
                           const char   *name,
                           const char   *label,
                           JsonArray    *rows,
                           const char   *label_member,
                           JsonArray    *selected)
{
  GtkWidget *row = adw_expander_row_new ();
  Field *field;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  field = add_field (self, name, FIELD_CHECKS, 0, row, row);
  field->ids = g_ptr_array_new_with_free_func (g_free);
  field->buttons = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *choice = json_array_get_object_element (rows, i);
      const char *id = json_object_get_string_member (choice, "id");
      GtkWidget *check_row = wd_action_row_new (json_object_get_string_member_with_default (choice, label_member, id), NULL);
      GtkWidget *check = gtk_check_button_new ();

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), array_has (selected, id));
      adw_action_row_add_prefix (ADW_ACTION_ROW (check_row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (check_row), check);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), check_row);
      g_ptr_array_add (field->ids, g_strdup (id));
      g_ptr_array_add (field->buttons, check);
    }
  adw_preferences_group_add (self->group, row);
}

void
wd_form_dialog_add_stars (WdFormDialog *self,
                          const char   *name,
                          const char   *label,
                          int           value)
{
  GtkWidget *row = wd_action_row_new (label, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkToggleButton *first = NULL;
  Field *field;

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  field = add_field (self, name, FIELD_STARS, WD_FORM_REQUIRED, row, box);
  field->buttons = g_ptr_array_new ();
  for (int stars = 1; stars <= 5; stars++)
    {
      g_autofree char *text = g_strdup_printf ("%d ★", stars);
      GtkWidget *button = gtk_toggle_button_new_with_label (text);

      /* TRANSLATORS: tooltip of a rating button */
      gtk_widget_set_tooltip_text (button, g_dngettext (GETTEXT_PACKAGE, "%d star", "%d stars", stars));
      if (first == NULL)
        first = GTK_TOGGLE_BUTTON (button);
      else
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), stars == value);
      gtk_box_append (GTK_BOX (box), button);
      g_ptr_array_add (field->buttons, button);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_preferences_group_add (self->group, row);
}

void
wd_form_dialog_add_switch (WdFormDialog *self,
                           const char   *name,
                           const char   *label,
                           gboolean      value)
{
  GtkWidget *row = wd_action_row_new (label, NULL);
  GtkWidget *toggle = gtk_switch_new ();

  gtk_switch_set_active (GTK_SWITCH (toggle), value);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (self->group, row);
  add_field (self, name, FIELD_SWITCH, 0, row, toggle);
}

/* Arguments the user does not edit, such as the order an action is on. */
void
wd_form_dialog_set_fixed (WdFormDialog *self,
                          const char   *name,
                          JsonNode     *value)
{
  json_object_set_member (self->fixed, name, value);
}

void
wd_form_dialog_set_fixed_string (WdFormDialog *self,
                                 const char   *name,
                                 const char   *value)
{
  wd_form_dialog_set_fixed (self, name, json_node_init_string (json_node_alloc (), value));
}

/* Sets a field as a person would type or pick it: text, a number, a
 * choice's id, a star count, "true"/"false", or ids joined by commas. */
gboolean
wd_form_dialog_set_value (WdFormDialog *self,
                          const char   *name,
                          const char   *value)
{
  Field *field = find_field (self, name);

  g_return_val_if_fail (WD_IS_FORM_DIALOG (self), FALSE);
  if (field == NULL)
    return FALSE;

  switch (field->type)
    {
    case FIELD_TEXT:
      gtk_editable_set_text (GTK_EDITABLE (field->input), value);
      return TRUE;
    case FIELD_MULTILINE:
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->input)), value, -1);
      return TRUE;
    case FIELD_NUMBER:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (field->input), g_ascii_strtod (value, NULL));
      return TRUE;
    case FIELD_SWITCH:
      gtk_switch_set_active (GTK_SWITCH (field->input), g_str_equal (value, "true"));
      return TRUE;
    case FIELD_STARS:
      {
        guint64 stars = g_ascii_strtoull (value, NULL, 10);

        if (stars < 1 || stars > field->buttons->len)
          return FALSE;
        gtk_toggle_button_set_active (g_ptr_array_index (field->buttons, stars - 1), TRUE);
        return TRUE;
      }
    case FIELD_CHOICE:
      for (guint i = 0; i < field->ids->len; i++)
        if (g_strcmp0 (g_ptr_array_index (field->ids, i), value) == 0)
          {
            adw_combo_row_set_selected (ADW_COMBO_ROW (field->input), i);
            return TRUE;
          }
      return FALSE;
    case FIELD_CHECKS:
      {
        g_auto(GStrv) chosen = g_strsplit (value, ",", -1);

        for (guint i = 0; i < field->ids->len; i++)
          gtk_check_button_set_active (g_ptr_array_index (field->buttons, i),
                                       g_strv_contains ((const char * const *) chosen,
                                                        g_ptr_array_index (field->ids, i)));
        return TRUE;
      }
    default:
      return FALSE;
    }
}

const char *
wd_form_dialog_get_operation (WdFormDialog *self)
{
  return self->operation;
}

/* The field the last refusal named, for tests and accessibility. */
const char *
wd_form_dialog_get_error_field (WdFormDialog *self)
{
  return self->error_field;
}

static void
read_field (Field      *field,
            JsonObject *args)
{
  switch (field->type)
    {
    case FIELD_TEXT:
      {
        g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->input))));

        /* An empty optional field is left out, so the rulebook's default applies. */
        if (*text != '\0' || (field->flags & WD_FORM_REQUIRED))
          json_object_set_string_member (args, field->name, text);
        break;
      }
    case FIELD_MULTILINE:
      {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->input));
        GtkTextIter start, end;
        g_autofree char *text = NULL;

        gtk_text_buffer_get_bounds (buffer, &start, &end);
        text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        json_object_set_string_member (args, field->name, g_strstrip (text));
        break;
      }
    case FIELD_NUMBER:
      if (field->digits > 0)
        json_object_set_double_member (args, field->name,
                                       gtk_spin_button_get_value (GTK_SPIN_BUTTON (field->input)));
      else
        json_object_set_int_member (args, field->name,
                                    gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (field->input)));
      break;
    case FIELD_SWITCH:
      json_object_set_boolean_member (args, field->name, gtk_switch_get_active (GTK_SWITCH (field->input)));
      break;
    case FIELD_STARS:
      for (guint i = 0; i < field->buttons->len; i++)
        if (gtk_toggle_button_get_active (g_ptr_array_index (field->buttons, i)))
          json_object_set_int_member (args, field->name, i + 1);
      break;
    case FIELD_CHOICE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->input));
        const char *id = selected < field->ids->len ? g_ptr_array_index (field->ids, selected) : NULL;

        if (id != NULL && (field->flags & WD_FORM_INTEGER))
          json_object_set_int_member (args, field->name, g_ascii_strtoll (id, NULL, 10));
        else if (id != NULL)
          json_object_set_string_member (args, field->name, id);
        break;
      }
    case FIELD_CHECKS:
      {
        JsonArray *ids = json_array_new ();

        for (guint i = 0; i < field->ids->len; i++)
          if (gtk_check_button_get_active (g_ptr_array_index (field->buttons, i)))
            json_array_add_string_element (ids, g_ptr_array_index (field->ids, i));
        json_object_set_array_member (args, field->name, ids);
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

static void
clear_marks (WdFormDialog *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    gtk_widget_remove_css_class (((Field *) g_ptr_array_index (self->fields, i))->row, "error");
  g_clear_pointer (&self->error_field, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
show_refusal (WdFormDialog *self,
              const GError *error)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  Field *field = NULL;

  if (wd_error_split_field (error, &name, &message))
    field = find_field (self, name);

  if (field != NULL)
    {
      gtk_widget_add_css_class (field->row, "error");
      gtk_widget_grab_focus (field->input);
      self->error_field = g_strdup (name);
      gtk_label_set_text (self->error_label, message);
    }
  else
    gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

/* The operation's arguments as the form holds them now. */
JsonObject *
wd_form_dialog_read_args (WdFormDialog *self)
{
  JsonObject *args = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (WD_IS_FORM_DIALOG (self), NULL);

  json_object_iter_init (&iter, self->fixed);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (args, name, json_node_copy (value));
  for (guint i = 0; i < self->fields->len; i++)
    read_field (g_ptr_array_index (self->fields, i), args);
  return args;
}

/* From now on the form sends only the fields the user changes, named
 * in the argument naming when the operation needs them named (an
 * upsert's "only"): what another desk changed meanwhile in the others
 * is not put back by this one's save. */
void
wd_form_dialog_send_changes_only (WdFormDialog *self,
                                  const char   *naming)
{
  g_return_if_fail (WD_IS_FORM_DIALOG (self));

  g_clear_pointer (&self->initial, json_object_unref);
  self->initial = wd_form_dialog_read_args (self);
  g_free (self->naming);
  self->naming = g_strdup (naming);
}

/* Leaves out of args the fields as they first were; an optional text
 * emptied is sent empty, which clears it. */
static void
keep_changes (WdFormDialog *self,
              JsonObject   *args)
{
  JsonArray *changed = json_array_new ();

  for (guint i = 0; i < self->fields->len; i++)
    {
      const char *name = ((Field *) g_ptr_array_index (self->fields, i))->name;
      JsonNode *was = json_object_get_member (self->initial, name);
      JsonNode *is = json_object_get_member (args, name);

      if (is == NULL && was != NULL)
        json_object_set_string_member (args, name, "");
      else if (is != NULL && was != NULL && json_node_equal (is, was))
        {
          json_object_remove_member (args, name);
          continue;
        }
      if (is != NULL || was != NULL)
        json_array_add_string_element (changed, name);
    }
  if (self->naming != NULL)
    json_object_set_array_member (args, self->naming, changed);
  else
    json_array_unref (changed);
}

/* Applies the operation; on a refusal the dialog stays open with the
 * field marked, and nothing has changed. */
gboolean
wd_form_dialog_apply (WdFormDialog *self)
{
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (WD_IS_FORM_DIALOG (self), FALSE);

  clear_marks (self);
  args = wd_form_dialog_read_args (self);
  if (self->initial != NULL)
    keep_changes (self, args);
  if (!wd_workspace_apply (self->workspace, self->operation, args, &result, &error))
    {
      show_refusal (self, error);
      return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_APPLIED], 0, result);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}
