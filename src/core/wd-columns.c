/* wd-columns.c: the columns of exchanged files. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wd-columns.h"
#include "wd-json.h"
#include "wd-time.h"
#include "wd-types.h"

/* Sheets made in Chinese offices carry Chinese headers whatever the
 * language of the desk that imports them, so the aliases name them here
 * and not through the translation. */
static const WdColumn speaker_columns[] = {
  { "id", N_("ID"), WD_COLUMN_TEXT, NULL, "编号|id", TRUE },
  { "name", N_("Name"), WD_COLUMN_TEXT, NULL, "姓名|名字|宣讲员", TRUE },
  { "title", N_("Position"), WD_COLUMN_TEXT, NULL, "职务|职称|身份", TRUE },
  { "organisation", N_("Organisation"), WD_COLUMN_TEXT, NULL, "单位|工作单位|所在单位|organization", TRUE },
  { "subdistrict_id", N_("Sub-district"), WD_COLUMN_REF, "subdistrict", "街道|所属街道|subdistrict", TRUE },
  { "phone", N_("Phone"), WD_COLUMN_PHONE, NULL, "电话|手机|联系电话|手机号|手机号码|联系方式", TRUE },
  { "topics", N_("Topics"), WD_COLUMN_REF_LIST, "topic", "宣讲主题|主题|宣讲方向", TRUE },
  { "bio", N_("Biography"), WD_COLUMN_TEXT, NULL, "简介|个人简介|bio", TRUE },
  { "active", N_("Active"), WD_COLUMN_BOOL, NULL, "在用|启用", TRUE },
};

static const WdColumn team_columns[] = {
  { "id", N_("ID"), WD_COLUMN_TEXT, NULL, "编号|id", TRUE },
  { "name", N_("Team"), WD_COLUMN_TEXT, NULL, "团队名称|团队|名称|name", TRUE },
  { "subdistrict_id", N_("Sub-district"), WD_COLUMN_REF, "subdistrict", "街道|所属街道|subdistrict", TRUE },
  { "leader", N_("Leader"), WD_COLUMN_TEXT, NULL, "负责人|队长|联系人", TRUE },
  { "phone", N_("Phone"), WD_COLUMN_PHONE, NULL, "电话|手机|联系电话|手机号|手机号码|联系方式", TRUE },
  { "members", N_("Members"), WD_COLUMN_INT, NULL, "人数|队员人数|成员数", TRUE },
  { "description", N_("Description"), WD_COLUMN_TEXT, NULL, "简介|团队简介", TRUE },
  { "active", N_("Active"), WD_COLUMN_BOOL, NULL, "在用|启用", TRUE },
};

static const WdColumn project_columns[] = {
  { "id", N_("ID"), WD_COLUMN_TEXT, NULL, "编号|id", TRUE },
  { "title", N_("Project"), WD_COLUMN_TEXT, NULL, "项目名称|项目|名称|title", TRUE },
  { "category", N_("Category"), WD_COLUMN_TEXT, NULL, "类别|分类|项目类别", TRUE },
  { "team_id", N_("Team"), WD_COLUMN_REF, "team", "服务团队|提供团队|团队|team", TRUE },
  { "topic_id", N_("Topic"), WD_COLUMN_REF, "topic", "主题|宣讲主题", TRUE },
  { "description", N_("Description"), WD_COLUMN_TEXT, NULL, "项目简介|简介|内容", TRUE },
  { "duration_minutes", N_("Minutes"), WD_COLUMN_INT, NULL, "时长|时长（分钟）|分钟", TRUE },
  { "capacity_per_month", N_("Sessions a month"), WD_COLUMN_INT, NULL, "每月场次|月容量", TRUE },
  { "audience", N_("Audience"), WD_COLUMN_TEXT, NULL, "服务对象|对象", TRUE },
  { "venue_kinds", N_("Venue kinds"), WD_COLUMN_REF_LIST, "venue_kind", "服务阵地|阵地类型|六进", TRUE },
  { "active", N_("Active"), WD_COLUMN_BOOL, NULL, "在用|启用", TRUE },
};

static const WdColumn order_columns[] = {
  { "number", N_("Number"), WD_COLUMN_TEXT, NULL, "编号", FALSE },
  { "title", N_("Title"), WD_COLUMN_TEXT, NULL, "标题", FALSE },
  { "state", N_("State"), WD_COLUMN_STATE, NULL, "状态", FALSE },
  { "starts_at", N_("Starts"), WD_COLUMN_TIME, NULL, "开始时间", FALSE },
  { "ends_at", N_("Ends"), WD_COLUMN_TIME, NULL, "结束时间", FALSE },
  { "subdistrict_id", N_("Sub-district"), WD_COLUMN_REF, "subdistrict", "街道", FALSE },
  { "community", N_("Community"), WD_COLUMN_TEXT, NULL, "社区", FALSE },
  { "venue", N_("Venue"), WD_COLUMN_TEXT, NULL, "地点", FALSE },
  { "venue_kind", N_("Venue kind"), WD_COLUMN_REF, "venue_kind", "阵地类型", FALSE },
  { "topic_id", N_("Topic"), WD_COLUMN_REF, "topic", "主题", FALSE },
  { "project_id", N_("Project"), WD_COLUMN_REF, "project", "项目", FALSE },
  { "requester", N_("Requester"), WD_COLUMN_TEXT, NULL, "点单方", FALSE },
  { "contact_name", N_("Contact"), WD_COLUMN_TEXT, NULL, "联系人", FALSE },
  { "contact_phone", N_("Contact phone"), WD_COLUMN_PHONE, NULL, "联系电话", FALSE },
  { "assignee_name", N_("Assigned to"), WD_COLUMN_TEXT, NULL, "承接方", FALSE },
  { "audience", N_("Expected audience"), WD_COLUMN_INT, NULL, "预计人数", FALSE },
  { "delivered_audience", N_("Audience served"), WD_COLUMN_INT, NULL, "实际人数", FALSE },
  { "hours", N_("Hours"), WD_COLUMN_REAL, NULL, "服务时长", FALSE },
  { "rating", N_("Rating"), WD_COLUMN_REAL, NULL, "评分", FALSE },
};

static const WdColumn ledger_columns[] = {
  { "recorded_at", N_("Date"), WD_COLUMN_TIME, NULL, "日期", FALSE },
  { "kind", N_("Entry"), WD_COLUMN_ENTRY, NULL, "类别", FALSE },
  { "amount_cents", N_("Amount (yuan)"), WD_COLUMN_MONEY, NULL, "金额", FALSE },
  { "balance_after_cents", N_("Balance (yuan)"), WD_COLUMN_MONEY, NULL, "余额", FALSE },
  { "reference", N_("Reference"), WD_COLUMN_TEXT, NULL, "凭证", FALSE },
  { "note", N_("Note"), WD_COLUMN_TEXT, NULL, "说明", FALSE },
  { "recorded_by", N_("Recorded by"), WD_COLUMN_TEXT, NULL, "经办人", FALSE },
};

static const struct
{
  const char     *kind;
  const WdColumn *columns;
  guint           n_columns;
} tables[] = {
  { "speaker", speaker_columns, G_N_ELEMENTS (speaker_columns) },
  { "team", team_columns, G_N_ELEMENTS (team_columns) },
  { "project", project_columns, G_N_ELEMENTS (project_columns) },
  { "order", order_columns, G_N_ELEMENTS (order_columns) },
  { "fund_ledger", ledger_columns, G_N_ELEMENTS (ledger_columns) },
};

const WdColumn *
wd_columns_for_kind (const char *kind,
                     guint      *n_columns)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (g_strcmp0 (tables[i].kind, kind) == 0)
      {
        *n_columns = tables[i].n_columns;
        return tables[i].columns;
      }
  *n_columns = 0;
  return NULL;
}

gboolean
wd_columns_importable (const char *kind)
{
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (kind, &n);

  return columns != NULL && columns[0].imported;
}

static gboolean
header_matches (const WdColumn *column,
                const char     *header)
{
  g_auto(GStrv) aliases = NULL;

  if (g_ascii_strcasecmp (header, column->member) == 0
      || g_ascii_strcasecmp (header, column->label) == 0
      || g_str_equal (header, g_dgettext (GETTEXT_PACKAGE, column->label)))
    return TRUE;
  aliases = g_strsplit (column->aliases, "|", -1);
  for (guint i = 0; aliases[i]; i++)
    if (g_ascii_strcasecmp (header, aliases[i]) == 0)
      return TRUE;
  return FALSE;
}

const WdColumn *
wd_column_for_header (const char *kind,
                      const char *header)
{
  guint n = 0;
  const WdColumn *columns = wd_columns_for_kind (kind, &n);
  g_autofree char *trimmed = g_strstrip (g_strdup (header));

  for (guint i = 0; i < n; i++)
    if (header_matches (&columns[i], trimmed))
      return &columns[i];
  return NULL;
}

struct _WdNameCache
{
  WdStore    *store;
  GHashTable *kinds;   /* kind → (id → name) */
};

WdNameCache *
wd_name_cache_new (WdStore *store)
{
  WdNameCache *cache = g_new0 (WdNameCache, 1);

  cache->store = g_object_ref (store);
  cache->kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_hash_table_unref);
  return cache;
}

void
wd_name_cache_free (WdNameCache *cache)
{
  if (cache == NULL)
    return;
  g_object_unref (cache->store);
  g_hash_table_unref (cache->kinds);
  g_free (cache);
}

static GHashTable *
load_names (WdNameCache *cache,
            const char  *kind)
{
  g_autoptr(JsonArray) rows = wd_store_list_all (cache->store, kind, NULL);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *name = json_object_has_member (row, "name") ? wd_json_text (row, "name")
                                                              : wd_json_text (row, "title");

      g_hash_table_insert (names, g_strdup (wd_json_text (row, "id")), g_strdup (name));
    }
  g_hash_table_insert (cache->kinds, g_strdup (kind), names);
  return names;
}

/* The name of what id names, or id itself if it names nothing known. */
const char *
wd_name_cache_lookup (WdNameCache *cache,
                      const char  *kind,
                      const char  *id)
{
  GHashTable *names = g_hash_table_lookup (cache->kinds, kind);
  const char *name;

  if (id == NULL)
    return NULL;
  if (names == NULL)
    names = load_names (cache, kind);
  name = g_hash_table_lookup (names, id);
  return name ? name : id;
}

static char *
format_number (JsonNode *node,
               gboolean  real)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (!real)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup_printf ("%g", json_node_get_double (node));
}

static char *
format_ref_list (JsonNode    *node,
                 const char  *kind,
                 WdNameCache *names)
{
  g_autoptr(GString) out = g_string_new (NULL);
  JsonArray *ids;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("");
  ids = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      if (i > 0)
        g_string_append (out, "、");
      g_string_append (out, wd_name_cache_lookup (names, kind, json_array_get_string_element (ids, i)));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
wd_column_format (const WdColumn *column,
                  JsonObject     *row,
                  WdNameCache    *names,
                  GTimeZone      *tz,
                  const WdActor  *reader)
{
  JsonNode *node = json_object_get_member (row, column->member);
  WdOrderState state;

  switch (column->type)
    {
    case WD_COLUMN_TEXT:
      return g_strdup (wd_json_text (row, column->member));
    case WD_COLUMN_PHONE:
      if (reader == NULL || wd_actor_sees_phones (reader, row))
        return g_strdup (wd_json_text (row, column->member));
      return wd_mask_phone (wd_json_text (row, column->member));
    case WD_COLUMN_INT:
      return format_number (node, FALSE);
    case WD_COLUMN_REAL:
      return format_number (node, TRUE);
    case WD_COLUMN_BOOL:
      return g_strdup (node != NULL && json_node_get_boolean (node) ? _("yes") : _("no"));
    case WD_COLUMN_TIME:
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        return g_strdup ("");
      return wd_time_format_local (json_node_get_int (node), tz, "%Y-%m-%d %H:%M");
    case WD_COLUMN_REF:
      return g_strdup (wd_name_cache_lookup (names, column->ref_kind, wd_json_text (row, column->member)));
    case WD_COLUMN_REF_LIST:
      return format_ref_list (node, column->ref_kind, names);
    case WD_COLUMN_STATE:
      if (!wd_order_state_from_string (wd_json_text (row, column->member), &state))
        return g_strdup (wd_json_text (row, column->member));
      return g_strdup (wd_order_state_label (state));
    case WD_COLUMN_MONEY:
      return g_strdup_printf ("%.2f", (double) wd_json_int (row, column->member) / 100.0);
    case WD_COLUMN_ENTRY:
      if (g_str_equal (wd_json_text (row, column->member), "deposit"))
        return g_strdup (_("Deposit"));
      if (g_str_equal (wd_json_text (row, column->member), "payout"))
        return g_strdup (_("Payout"));
      return g_strdup (wd_json_text (row, column->member));
    default:
      g_assert_not_reached ();
    }
}
