/* wd-schema.c: the store's schema as a list of migrations. A store file
 * records how many it has applied in PRAGMA user_version; opening a file
 * applies the rest in order. Never edit a migration once released: files
 * made by it exist. Add a new one. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include "wd-store-private.h"

static const char migration_1[] =
  /* Key/value settings: acceptance deadline, reward rules, district. */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"

  "CREATE TABLE subdistricts ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  sort INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER"
  ");"

  /* The six kinds of venue of 六进 are policy, not data: fixed here. */
  "CREATE TABLE venue_kinds ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  sort INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO venue_kinds (id, name, sort) VALUES"
  "  ('agency', '机关', 1), ('subdistrict', '街道', 2), ('community', '社区', 3),"
  "  ('school', '学校', 4), ('enterprise', '企业', 5), ('social-org', '社会组织', 6);"

  "CREATE TABLE topics ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  sort INTEGER NOT NULL DEFAULT 0,"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER"
  ");"

  "CREATE TABLE teams ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  subdistrict_id TEXT REFERENCES subdistricts (id),"
  "  leader TEXT NOT NULL,"
  "  phone TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  members INTEGER NOT NULL DEFAULT 0,"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER"
  ");"

  "CREATE TABLE speakers ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  title TEXT NOT NULL DEFAULT '',"
  "  organisation TEXT NOT NULL DEFAULT '',"
  "  subdistrict_id TEXT REFERENCES subdistricts (id),"
  "  phone TEXT NOT NULL,"
  "  bio TEXT NOT NULL DEFAULT '',"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER"
  ");"
  "CREATE INDEX speakers_by_name ON speakers (name, id);"

  "CREATE TABLE speaker_topics ("
  "  owner_id TEXT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,"
  "  ref_id TEXT NOT NULL REFERENCES topics (id),"
  "  PRIMARY KEY (owner_id, ref_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX speaker_topics_by_topic ON speaker_topics (ref_id, owner_id);"

  "CREATE TABLE projects ("
  "  id TEXT PRIMARY KEY,"
  "  title TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  team_id TEXT NOT NULL REFERENCES teams (id),"
  "  topic_id TEXT REFERENCES topics (id),"
  "  description TEXT NOT NULL DEFAULT '',"
  "  duration_minutes INTEGER NOT NULL DEFAULT 90,"
  "  capacity_per_month INTEGER NOT NULL DEFAULT 4,"
  "  audience TEXT NOT NULL DEFAULT '',"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER"
  ");"
  "CREATE INDEX projects_by_title ON projects (title, id);"

  "CREATE TABLE project_venue_kinds ("
  "  owner_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  ref_id TEXT NOT NULL REFERENCES venue_kinds (id),"
  "  PRIMARY KEY (owner_id, ref_id)"
  ") WITHOUT ROWID;"

  "CREATE TABLE orders ("
  "  id TEXT PRIMARY KEY,"
  "  number TEXT UNIQUE,"
  "  title TEXT NOT NULL,"
  "  project_id TEXT REFERENCES projects (id),"
  "  topic_id TEXT REFERENCES topics (id),"
  "  subdistrict_id TEXT NOT NULL REFERENCES subdistricts (id),"
  "  community TEXT NOT NULL DEFAULT '',"
  "  venue TEXT NOT NULL,"
  "  venue_kind TEXT NOT NULL REFERENCES venue_kinds (id),"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL,"
  "  audience INTEGER NOT NULL DEFAULT 0,"
  "  requester TEXT NOT NULL,"
  "  contact_name TEXT NOT NULL,"
  "  contact_phone TEXT NOT NULL,"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  state TEXT NOT NULL,"
  "  assignee_kind TEXT,"
  "  assignee_id TEXT,"
  "  dispatched_at INTEGER,"
  "  accept_deadline INTEGER,"
  "  clash_override TEXT,"
  "  delivered_start INTEGER,"
  "  delivered_end INTEGER,"
  "  delivered_audience INTEGER,"
  "  hours REAL,"
  "  credited_hours REAL,"
  "  closing_reason TEXT,"
  "  created_by TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  CHECK (ends_at > starts_at)"
  ");"
  "CREATE INDEX orders_by_start ON orders (starts_at, id);"
  "CREATE INDEX orders_by_state ON orders (state, starts_at, id);"
  "CREATE INDEX orders_by_subdistrict ON orders (subdistrict_id, starts_at, id);"
  "CREATE INDEX orders_by_topic ON orders (topic_id, starts_at, id);"
  "CREATE INDEX orders_by_assignee ON orders (assignee_id, starts_at);"

  "CREATE TABLE ratings ("
  "  order_id TEXT PRIMARY KEY REFERENCES orders (id),"
  "  stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),"
  "  comment TEXT NOT NULL DEFAULT '',"
  "  rated_by TEXT NOT NULL,"
  "  rated_at INTEGER NOT NULL"
  ");"

  "CREATE TABLE callbacks ("
  "  id TEXT PRIMARY KEY,"
  "  order_id TEXT NOT NULL REFERENCES orders (id),"
  "  outcome TEXT NOT NULL,"
  "  satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  called_by TEXT NOT NULL,"
  "  called_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX callbacks_by_order ON callbacks (order_id, called_at);"

  /* Who did what, when: one row per operation on any entity. */
  "CREATE TABLE history ("
  "  id TEXT PRIMARY KEY,"
  "  entity TEXT NOT NULL,"
  "  entity_id TEXT NOT NULL,"
  "  op_id TEXT,"
  "  action TEXT NOT NULL,"
  "  from_state TEXT,"
  "  to_state TEXT,"
  "  actor TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  detail TEXT NOT NULL DEFAULT '{}'"
  ");"
  "CREATE INDEX history_by_entity ON history (entity_id, at);"

  "CREATE TABLE funds ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  balance_cents INTEGER NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),"
  "  updated_at INTEGER"
  ");"

  "CREATE TABLE fund_ledger ("
  "  id TEXT PRIMARY KEY,"
  "  fund_id TEXT NOT NULL REFERENCES funds (id),"
  "  kind TEXT NOT NULL,"
  "  amount_cents INTEGER NOT NULL,"
  "  balance_after_cents INTEGER NOT NULL CHECK (balance_after_cents >= 0),"
  "  reference TEXT NOT NULL DEFAULT '',"
  "  note TEXT NOT NULL DEFAULT '',"
  "  recorded_by TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX fund_ledger_by_fund ON fund_ledger (fund_id, recorded_at);"

  "CREATE TABLE reward_periods ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL,"
  "  fund_id TEXT NOT NULL REFERENCES funds (id),"
  "  state TEXT NOT NULL,"
  "  total_cents INTEGER NOT NULL,"
  "  rules TEXT NOT NULL,"
  "  proposed_by TEXT NOT NULL,"
  "  proposed_at INTEGER NOT NULL,"
  "  approved_by TEXT,"
  "  approved_at INTEGER,"
  "  CHECK (ends_at > starts_at)"
  ");"

  /* One row per recipient (team or speaker) of a period. */
  "CREATE TABLE reward_lines ("
  "  period_id TEXT NOT NULL REFERENCES reward_periods (id) ON DELETE CASCADE,"
  "  recipient_kind TEXT NOT NULL,"
  "  recipient_id TEXT NOT NULL,"
  "  orders INTEGER NOT NULL,"
  "  hours REAL NOT NULL,"
  "  points INTEGER NOT NULL,"
  "  amount_cents INTEGER NOT NULL,"
  "  PRIMARY KEY (period_id, recipient_kind, recipient_id)"
  ");"

  /* Every rated order the period looked at, and whether it earned a reward. */
  "CREATE TABLE reward_orders ("
  "  period_id TEXT NOT NULL REFERENCES reward_periods (id) ON DELETE CASCADE,"
  "  order_id TEXT NOT NULL REFERENCES orders (id),"
  "  eligible INTEGER NOT NULL,"
  "  hours REAL NOT NULL,"
  "  points INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  PRIMARY KEY (period_id, order_id)"
  ");"

  "CREATE TABLE order_numbers ("
  "  year INTEGER PRIMARY KEY,"
  "  last INTEGER NOT NULL"
  ");";

/* Chinese search: FTS5 over the wudan tokenizer (CJK and digit unigrams and
 * bigrams), one index per kind so each ranks by its own fields. */
static const char migration_2[] =
  "CREATE VIRTUAL TABLE speakers_fts USING fts5 ("
  "  name, topics, subdistrict, organisation, bio, phone, tokenize = 'wudan');"
  "CREATE VIRTUAL TABLE projects_fts USING fts5 ("
  "  title, category, team, topic, description, tokenize = 'wudan');"
  "CREATE VIRTUAL TABLE teams_fts USING fts5 ("
  "  name, leader, subdistrict, description, phone, tokenize = 'wudan');"
  "CREATE VIRTUAL TABLE orders_fts USING fts5 ("
  "  number, title, requester, venue, community, subdistrict, topic, assignee,"
  "  contact, phone, notes, tokenize = 'wudan');";

/* A project's page counts its orders; without this index every count
 * read the whole orders table. */
static const char migration_3[] =
  "CREATE INDEX orders_by_project ON orders (project_id, starts_at);";

/* When a speaker is usually free, as bit masks of weekdays and parts of
 * the day (wd_weekday_names, wd_day_part_names); 0: not said. */
static const char migration_4[] =
  "ALTER TABLE speakers ADD COLUMN free_days INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE speakers ADD COLUMN free_times INTEGER NOT NULL DEFAULT 0;";

/* A speaker's photo, a PNG or JPEG in base64 (text, so that it travels
 * in the sync protocol's JSON as it is); NULL: none. Lists leave it out
 * (wd_store_get_speaker_photo reads it). */
static const char migration_5[] =
  "ALTER TABLE speakers ADD COLUMN photo TEXT;";

/* Volunteer service record certificates (志愿服务记录证明): what a
 * certificate states is kept as it was issued (record: a JSON array of
 * the services it lists), so a later correction of an order never
 * changes a paper already handed out. The number comes from the
 * authoritative store, as an order's does; NULL until then. */
static const char migration_6[] =
  "CREATE TABLE certificates ("
  "  id TEXT PRIMARY KEY,"
  "  number TEXT UNIQUE,"
  "  holder_kind TEXT NOT NULL,"
  "  holder_id TEXT NOT NULL,"
  "  holder_name TEXT NOT NULL,"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL,"
  "  services INTEGER NOT NULL,"
  "  hours REAL NOT NULL,"
  "  purpose TEXT NOT NULL DEFAULT '',"
  "  record TEXT NOT NULL,"
  "  issued_by TEXT NOT NULL,"
  "  issued_at INTEGER NOT NULL,"
  "  revoked_by TEXT,"
  "  revoked_at INTEGER,"
  "  revoke_reason TEXT,"
  "  CHECK (ends_at > starts_at)"
  ");"
  "CREATE INDEX certificates_by_holder ON certificates (holder_id, issued_at);"
  "CREATE TABLE certificate_numbers ("
  "  year INTEGER PRIMARY KEY,"
  "  last INTEGER NOT NULL"
  ");";

static const char * const migrations[] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
};

guint
wd_schema_n_migrations (void)
{
  return G_N_ELEMENTS (migrations);
}

const char *
wd_schema_migration (guint version)
{
  g_return_val_if_fail (version >= 1 && version <= G_N_ELEMENTS (migrations), NULL);
  return migrations[version - 1];
}
