/* wd-entity.h: the entities of the domain described as data. One table of
 * field descriptors per entity drives argument validation, storage and the
 * JSON form of a row, so the three cannot drift apart. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  WD_FIELD_ID,        /* the entity's own identifier */
  WD_FIELD_TEXT,
  WD_FIELD_PHONE,
  WD_FIELD_INT,
  WD_FIELD_REAL,
  WD_FIELD_BOOL,
  WD_FIELD_TIME,      /* stored as UTC seconds */
  WD_FIELD_REF,       /* the id of a row in ref_table */
  WD_FIELD_REF_LIST,  /* ids of rows in ref_table, kept in link_table */
  WD_FIELD_FLAGS,     /* some of names, stored as a bit mask */
} WdFieldType;

typedef enum
{
  WD_FIELD_REQUIRED = 1 << 0,
  WD_FIELD_MULTILINE = 1 << 1,
  WD_FIELD_UNIQUE = 1 << 2,     /* no two rows share the value */
  WD_FIELD_INTERNAL = 1 << 3,   /* set by operations, never taken from arguments */
} WdFieldFlags;

typedef struct
{
  const char   *name;
  WdFieldType   type;
  WdFieldFlags  flags;
  gint64        min;            /* TEXT: unused; INT: the smallest value */
  gint64        max;            /* TEXT: most characters; INT: the largest value */
  gint64        fallback;       /* INT/BOOL: the value when the argument is absent */
  const char   *ref_table;      /* REF, REF_LIST */
  const char   *link_table;     /* REF_LIST: (owner, ref) pairs */
  const char * const *names;    /* FLAGS: bit i is names[i] */
} WdField;

/* When a speaker is usually free to speak: days of the week and parts of
 * the day, as FLAGS (none chosen: not said, any time). */
extern const char * const wd_weekday_names[];    /* "mon" … "sun" */
extern const char * const wd_day_part_names[];   /* "morning", "afternoon", "evening" */

guint        wd_day_part_of_hour (int hour);
const char  *wd_weekday_label    (guint day);    /* 0: Monday */
const char  *wd_day_part_label   (guint part);

typedef struct
{
  const char    *kind;          /* "speaker": the name in operations and sync */
  const char    *table;
  const WdField *fields;
  guint          n_fields;
} WdEntity;

extern const WdEntity wd_entity_subdistrict;
extern const WdEntity wd_entity_venue_kind;
extern const WdEntity wd_entity_topic;
extern const WdEntity wd_entity_team;
extern const WdEntity wd_entity_speaker;
extern const WdEntity wd_entity_project;
extern const WdEntity wd_entity_order;

const WdEntity *wd_entity_lookup       (const char     *kind);
const WdField  *wd_entity_field        (const WdEntity *entity,
                                        const char     *name);
JsonObject     *wd_entity_read_args    (const WdEntity *entity,
                                        JsonObject     *args,
                                        GTimeZone      *tz,
                                        GError        **error);

G_END_DECLS
