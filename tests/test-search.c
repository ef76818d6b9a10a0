/* test-search.c: Chinese search with one-, two- and three-character
 * queries, digits and Latin, ranking, marking, and hostile queries. */
#include "config.h"

#include "wd-search.h"
#include "wd-search-private.h"
#include "wd-store-private.h"
#include "wd-test-util.h"

#define FIXTURE(path, func) \
  g_test_add (path, WdFixture, NULL, wd_fixture_setup, func, wd_fixture_teardown)

static GPtrArray *
search (WdFixture     *fx,
        const char    *query,
        WdSearchScope  scope)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = wd_store_search (fx->store, query, scope, 20, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

static gboolean
has_hit (GPtrArray  *hits,
         const char *kind,
         const char *id)
{
  for (guint i = 0; i < hits->len; i++)
    {
      WdSearchHit *hit = g_ptr_array_index (hits, i);

      if (g_str_equal (hit->kind, kind) && g_str_equal (hit->id, id))
        return TRUE;
    }
  return FALSE;
}

static guint
count_kind (GPtrArray  *hits,
            const char *kind)
{
  guint n = 0;

  for (guint i = 0; i < hits->len; i++)
    n += g_str_equal (((WdSearchHit *) hits->pdata[i])->kind, kind);
  return n;
}

typedef struct
{
  GString *out;
} Collect;

static int
collect (gpointer    user_data,
         gboolean    colocated,
         const char *token,
         int         len,
         int         start,
         int         end)
{
  GString *out = user_data;

  g_string_append_printf (out, "%s%.*s", out->len ? (colocated ? "+" : " ") : "", len, token);
  return 0;
}

static void
test_tokenizer (void)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(GString) one = g_string_new (NULL);
  g_autoptr(GString) mixed = g_string_new (NULL);

  wd_tokenize ("党史ab，12", -1, WD_TOKENIZE_DOCUMENT, collect, doc);
  g_assert_cmpstr (doc->str, ==, "党+党史 史 ab 1+12 2");
  wd_tokenize ("党史学", -1, WD_TOKENIZE_QUERY, collect, query);
  g_assert_cmpstr (query->str, ==, "党史 史学");
  wd_tokenize ("王", -1, WD_TOKENIZE_QUERY, collect, one);
  g_assert_cmpstr (one->str, ==, "王");
  /* Full-width forms fold to ASCII, letters to lower case. */
  wd_tokenize ("ＡＢｃ１２", -1, WD_TOKENIZE_QUERY, collect, mixed);
  g_assert_cmpstr (mixed->str, ==, "abc 12");
}

static void
test_one_character (WdFixture     *fx,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = search (fx, "王", WD_SEARCH_ALL);

  g_assert_true (has_hit (hits, "speaker", "sp-wang"));
  g_assert_true (has_hit (hits, "team", "team-a"));        /* leader 王淑芬 */
  g_assert_false (has_hit (hits, "speaker", "sp-li"));
}

static void
test_two_characters (WdFixture     *fx,
                     gconstpointer  data)
{
  g_autofree char *order = wd_test_create_order (fx, 0);
  g_autoptr(GPtrArray) hits = search (fx, "党史", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) mind = search (fx, "心理", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) reversed = search (fx, "史党", WD_SEARCH_ALL);

  g_assert_true (has_hit (hits, "speaker", "sp-wang"));
  g_assert_true (has_hit (hits, "speaker", "sp-li"));
  g_assert_true (has_hit (hits, "speaker", "sp-zhao"));
  g_assert_false (has_hit (hits, "speaker", "sp-zhang"));
  g_assert_true (has_hit (hits, "project", "p-history"));
  g_assert_true (has_hit (hits, "order", order));

  g_assert_true (has_hit (mind, "speaker", "sp-zhang"));
  g_assert_cmpuint (count_kind (mind, "speaker"), ==, 1);

  /* Bigrams in order: a substring matches, a permutation does not. */
  g_assert_cmpuint (reversed->len, ==, 0);
}

static void
test_three_characters (WdFixture     *fx,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = search (fx, "民法典", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) none = search (fx, "民法院", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) venue = NULL;
  g_autofree char *order = wd_test_create_order (fx, 0);

  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_true (has_hit (hits, "speaker", "sp-zhao"));
  g_assert_cmpuint (none->len, ==, 0);

  venue = search (fx, "党群服务 历阳", WD_SEARCH_ORDERS);
  g_assert_true (has_hit (venue, "order", order));
}

static void
test_digits_and_latin (WdFixture     *fx,
                       gconstpointer  data)
{
  g_autofree char *order = wd_test_create_order (fx, 0);
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->centre, "speaker.upsert",
                                           "{\"id\":\"sp-ngo\",\"name\":\"孙丽\",\"phone\":\"13800138000\","
                                           "\"organisation\":\"Lixia NGO Volunteers\",\"topics\":[\"t-law\"]}");
  g_autoptr(GPtrArray) suffix = search (fx, "5678", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) landline = search (fx, "0531", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) order_phone = search (fx, "1234000", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) wide = search (fx, "５６７８", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) prefix = search (fx, "lix", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) upper = search (fx, "VOLUNTEERS", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) mixed = search (fx, "孙 ngo", WD_SEARCH_ALL);

  g_assert_true (has_hit (suffix, "speaker", "sp-wang"));
  g_assert_cmpuint (suffix->len, ==, 1);
  g_assert_true (has_hit (landline, "team", "team-b"));
  g_assert_true (has_hit (order_phone, "order", order));
  g_assert_true (has_hit (wide, "speaker", "sp-wang"));
  g_assert_true (has_hit (prefix, "speaker", "sp-ngo"));
  g_assert_true (has_hit (upper, "speaker", "sp-ngo"));
  g_assert_true (has_hit (mixed, "speaker", "sp-ngo"));
  g_assert_cmpuint (mixed->len, ==, 1);
}

static void
test_ranking (WdFixture     *fx,
              gconstpointer  data)
{
  g_autoptr(JsonObject) r = wd_test_apply (fx, fx->centre, "speaker.upsert",
                                           "{\"id\":\"sp-bio\",\"name\":\"周平\",\"phone\":\"13800138001\","
                                           "\"bio\":\"曾在王府井街道工作多年，常讲社区治理。\",\"topics\":[\"t-law\"]}");
  g_autoptr(GPtrArray) hits = search (fx, "王", WD_SEARCH_SPEAKERS);

  g_assert_cmpuint (hits->len, ==, 2);
  /* A match in the name outranks a match in the biography. */
  g_assert_cmpstr (((WdSearchHit *) hits->pdata[0])->id, ==, "sp-wang");
  g_assert_cmpstr (((WdSearchHit *) hits->pdata[1])->id, ==, "sp-bio");
}

static void
test_marks (WdFixture     *fx,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = search (fx, "党史", WD_SEARCH_PROJECTS);
  WdSearchHit *hit;
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *excerpt = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *marked = NULL;

  g_assert_cmpuint (hits->len, ==, 1);
  hit = hits->pdata[0];
  g_assert_cmpstr (hit->title, ==, "\002党史\003故事小讲堂");
  markup = wd_search_marks_to_markup (hit->title);
  g_assert_cmpstr (markup, ==, "<b>党史</b>故事小讲堂");
  plain = wd_search_marks_replace (hit->title, "【", "】");
  g_assert_cmpstr (plain, ==, "【党史】故事小讲堂");

  excerpt = wd_search_mark ("一二三四五六七八九十党史一二三四五六七八九十", "党史", 3);
  g_assert_cmpstr (excerpt, ==, "…八九十\002党史\003一二三四…");
  marked = wd_search_mark ("A&B <党史>", "党史", 0);
  escaped = wd_search_marks_to_markup (marked);
  g_assert_cmpstr (escaped, ==, "A&amp;B &lt;<b>党史</b>&gt;");
}

static void
test_hostile_queries (WdFixture     *fx,
                      gconstpointer  data)
{
  static const char * const queries[] = {
    "\"", "\"\"\"", "党史\" OR \"心理", "*", "NEAR(党史 心理)", "党史 OR 心理", "-王",
    "' OR 1=1; --", "'); DROP TABLE speakers; --", "^王", "王*", "{name}:王", "", "   ", "，。！",
    "\xff\xfe", "王\xc3",
  };
  g_autofree char *before = wd_test_fingerprint (fx->store);
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = wd_store_search (fx->store, queries[i], WD_SEARCH_ALL, 10, &error);

      g_assert_no_error (error);
      g_assert_nonnull (hits);
    }

  after = wd_test_fingerprint (fx->store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_index_follows_changes (WdFixture     *fx,
                            gconstpointer  data)
{
  g_autoptr(JsonObject) r1 = wd_test_apply (fx, fx->centre, "speaker.upsert",
                                            "{\"id\":\"sp-wang\",\"name\":\"黄芳\",\"phone\":\"13912345678\","
                                            "\"topics\":[\"t-history\"]}");
  g_autoptr(JsonObject) r2 = wd_test_apply (fx, fx->centre, "topic.upsert",
                                            "{\"id\":\"t-mind\",\"name\":\"情绪疏导\"}");
  g_autoptr(GPtrArray) old_name = search (fx, "王芳", WD_SEARCH_SPEAKERS);
  g_autoptr(GPtrArray) new_name = search (fx, "黄芳", WD_SEARCH_SPEAKERS);
  g_autoptr(GPtrArray) new_topic = search (fx, "疏导", WD_SEARCH_SPEAKERS);

  g_assert_cmpuint (old_name->len, ==, 0);
  g_assert_true (has_hit (new_name, "speaker", "sp-wang"));
  g_assert_true (has_hit (new_topic, "speaker", "sp-zhang"));
}

/* After a search failed as damage: the store is marked; opened again it
 * is checked, the mark goes, and the search finds what it found before. */
static void
reopen_and_search_again (WdFixture *fx,
                         GPtrArray *before)
{
  g_autofree char *path = g_strdup (wd_store_get_path (fx->store));
  g_autofree char *marker = wd_store_damage_mark_path (path);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_clear_object (&fx->store);
  fx->store = wd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  after = search (fx, "王芳", WD_SEARCH_ALL);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_true (has_hit (after, "speaker", "sp-wang"));
}

/* A damaged search index (a disk error in its blocks) is found like any
 * damage, and the next opening makes it anew from the rows it indexes:
 * the rows themselves are sound, so nothing needs setting aside. data:
 * which of the index's blocks are hit (10 is its structure record, the
 * others its terms). */
static void
test_damaged_index_rebuilt (WdFixture     *fx,
                            gconstpointer  data)
{
  g_autofree char *damage = g_strdup_printf ("UPDATE speakers_fts_data SET block = " WD_TEST_GARBAGE_BLOCK
                                             " WHERE %s", (const char *) data);
  g_autoptr(GPtrArray) before = search (fx, "王芳", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (has_hit (before, "speaker", "sp-wang"));
  g_assert_true (wd_store_exec (fx->store, damage, &error));
  g_assert_no_error (error);

  hits = wd_store_search (fx->store, "王芳", WD_SEARCH_ALL, 20, &error);
  g_assert_null (hits);
  g_assert_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED);
  reopen_and_search_again (fx, before);
}

/* An index that cannot be read for want of memory (what a hit structure
 * record can make SQLite say) is taken as damage: the store is marked,
 * the next opening checks the indexes, keeps the sound ones, and search
 * works again. SQLite's heap limit stands in for the absurd sizes. */
static void
test_index_out_of_memory (WdFixture     *fx,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) before = search (fx, "王芳", WD_SEARCH_ALL);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (has_hit (before, "speaker", "sp-wang"));
  /* The search's statements are prepared already: it is their reading
   * the index that runs out. */
  sqlite3_hard_heap_limit64 (1);
  hits = wd_store_search (fx->store, "王芳", WD_SEARCH_ALL, 20, &error);
  sqlite3_hard_heap_limit64 (0);
  g_assert_null (hits);
  g_assert_error (error, WD_ERROR, WD_ERROR_STORE_DAMAGED);
  g_assert_nonnull (strstr (error->message, "_fts"));
  reopen_and_search_again (fx, before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/search/tokenizer", test_tokenizer);
  FIXTURE ("/search/one-character", test_one_character);
  FIXTURE ("/search/two-characters", test_two_characters);
  FIXTURE ("/search/three-characters", test_three_characters);
  FIXTURE ("/search/digits-and-latin", test_digits_and_latin);
  FIXTURE ("/search/ranking", test_ranking);
  FIXTURE ("/search/marks", test_marks);
  FIXTURE ("/search/hostile-queries", test_hostile_queries);
  FIXTURE ("/search/index-follows-changes", test_index_follows_changes);
  FIXTURE ("/search/index-out-of-memory", test_index_out_of_memory);
  g_test_add ("/search/damaged-index-rebuilt/terms", WdFixture, "id > 10", wd_fixture_setup,
              test_damaged_index_rebuilt, wd_fixture_teardown);
  g_test_add ("/search/damaged-index-rebuilt/structure", WdFixture, "id >= 10", wd_fixture_setup,
              test_damaged_index_rebuilt, wd_fixture_teardown);

  return g_test_run ();
}
