/* test-sync-protocol.c: the push message codec both ends share. */
#include "config.h"

#include <string.h>

#include "wd-json.h"
#include "wd-sync-protocol.h"

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) wd_sync_op_free);
  g_autoptr(JsonObject) args = wd_json_parse_object ("{\"order_id\":\"o-1\",\"stars\":5}", -1, NULL);
  g_autoptr(GPtrArray) decoded = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *epoch = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  WdSyncOp *op;

  g_ptr_array_add (ops, wd_sync_op_new (7, "a6f1-op", "order.rate", args, 1796000000));
  g_ptr_array_add (ops, wd_sync_op_new (8, "a6f2-op", "order.callback", args, 1796000060));
  text = wd_sync_encode_push ("client-9", "3f0c9a2e-5b1d-4c7e-9a51-d2e8f7b6c401", ops);

  g_assert_true (wd_sync_decode_push (text, strlen (text), &client_id, &epoch, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (client_id, ==, "client-9");
  g_assert_cmpstr (epoch, ==, "3f0c9a2e-5b1d-4c7e-9a51-d2e8f7b6c401");
  g_assert_cmpuint (decoded->len, ==, 2);
  op = g_ptr_array_index (decoded, 1);
  g_assert_cmpint (op->seq, ==, 8);
  g_assert_cmpstr (op->op_id, ==, "a6f2-op");
  g_assert_cmpstr (op->kind, ==, "order.callback");
  g_assert_cmpint (op->at, ==, 1796000060);
  g_assert_cmpint (json_object_get_int_member (op->args, "stars"), ==, 5);

  /* A client that knows no lineage yet sends none. */
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&client_id, g_free);
  g_clear_pointer (&decoded, g_ptr_array_unref);
  text = wd_sync_encode_push ("client-9", NULL, ops);
  g_assert_true (wd_sync_decode_push (text, strlen (text), &client_id, &epoch, &decoded, &error));
  g_assert_null (epoch);
}

static void
test_refusals (void)
{
  static const struct { const char *body; int code; const char *mentions; } cases[] = {
    { "{\"client_id\":\"c\",\"ops\":[]}", WD_SYNC_ERROR_MALFORMED, "protocol" },
    { "{\"protocol\":99,\"client_id\":\"c\",\"ops\":[]}", WD_SYNC_ERROR_PROTOCOL, "99" },
    { "{\"protocol\":1,\"ops\":[]}", WD_SYNC_ERROR_MALFORMED, "client_id" },
    { "{\"protocol\":1,\"client_id\":\"c\"}", WD_SYNC_ERROR_MALFORMED, "ops" },
    { "{\"protocol\":1,\"client_id\":\"c\",\"ops\":[7]}", WD_SYNC_ERROR_MALFORMED, "ops[0]" },
    { "{\"protocol\":1,\"client_id\":\"c\",\"ops\":[{\"seq\":0,\"op_id\":\"a\",\"kind\":\"k\",\"args\":{}}]}",
      WD_SYNC_ERROR_MALFORMED, "seq" },
    { "{\"protocol\":1,\"client_id\":\"c\",\"ops\":[{\"seq\":1,\"op_id\":\"a\",\"kind\":\"k\",\"args\":{},\"x\":1}]}",
      WD_SYNC_ERROR_MALFORMED, "x" },
    { "{\"protocol\":1,\"client_id\":\"c\",\"ops\":[{\"seq\":2,\"op_id\":\"a\",\"kind\":\"k\",\"args\":{}},"
      "{\"seq\":2,\"op_id\":\"b\",\"kind\":\"k\",\"args\":{}}]}", WD_SYNC_ERROR_MALFORMED, "ops[1]" },
    { "{\"protocol\":1,\"client_id\":\"c\",\"epoch\":7,\"ops\":[]}", WD_SYNC_ERROR_MALFORMED, "epoch" },
    { "not json", WD_SYNC_ERROR_MALFORMED, "JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) ops = NULL;
      g_autofree char *client_id = NULL;
      g_autofree char *epoch = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (wd_sync_decode_push (cases[i].body, strlen (cases[i].body), &client_id, &epoch, &ops,
                                           &error));
      g_assert_error (error, WD_SYNC_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].mentions) == NULL)
        g_error ("case %u: “%s” does not mention %s", i, error->message, cases[i].mentions);
      g_assert_null (ops);
      g_assert_null (client_id);
    }
  g_assert_cmpstr (wd_sync_error_code_to_string (WD_SYNC_ERROR_GAP), ==, "gap");
}

/* What a client accepts from a server: a page and a push's answer of
 * the protocol's shape, members it does not know let through, anything
 * else refused with a message that names what was wrong. */
static void
test_answers (void)
{
  static const struct { gboolean page; const char *body; const char *mentions; } refused[] = {
    { TRUE, "{\"cursor\":3,\"changes\":[]}", "protocol" },
    { TRUE, "{\"protocol\":1,\"changes\":[]}", "cursor" },
    { TRUE, "{\"protocol\":1,\"cursor\":-4,\"changes\":[]}", "cursor" },
    { TRUE, "{\"protocol\":1,\"cursor\":3}", "changes" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":{}}", "changes" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":[7]}", "changes[0]" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":[{\"entity\":\"order\",\"key\":7}]}", "key" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":[{\"key\":\"o-1\"}]}", "entity" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":[{\"entity\":\"order\",\"key\":\"o-1\",\"row\":[]}]}",
      "row" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"more\":\"yes\",\"changes\":[]}", "more" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"epoch\":5,\"changes\":[]}", "epoch" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":[],\"results\":[{\"seq\":1,\"status\":\"applied\"}]}",
      "op_id" },
    { TRUE, "{\"protocol\":1,\"cursor\":3,\"changes\":[],\"results\":[{\"seq\":1,\"op_id\":\"a\","
      "\"status\":\"maybe\"}]}", "status" },
    { FALSE, "{\"protocol\":1,\"results\":[]}", "last_seq" },
    { FALSE, "{\"protocol\":1,\"last_seq\":2}", "results" },
    { FALSE, "{\"protocol\":1,\"last_seq\":2,\"lost_from\":\"1\",\"results\":[]}", "lost_from" },
    { FALSE, "{\"protocol\":1,\"last_seq\":2,\"results\":[{\"seq\":0,\"op_id\":\"a\",\"status\":\"applied\"}]}",
      "seq" },
  };
  g_autoptr(JsonObject) page = wd_json_parse_object (
      "{\"protocol\":1,\"since\":0,\"epoch\":\"e-1\",\"last_seq\":2,\"reset\":false,\"cursor\":9,\"head\":9,"
      "\"more\":false,\"new_member\":{\"x\":[1]},\"changes\":[{\"entity\":\"order\",\"key\":\"o-1\","
      "\"row\":{\"id\":\"o-1\"}},{\"entity\":\"order\",\"key\":\"o-2\",\"row\":null}],"
      "\"results\":[{\"seq\":2,\"op_id\":\"a\",\"kind\":\"order.rate\",\"status\":\"rejected\","
      "\"code\":\"wrong-state\",\"message\":\"……\"}]}", -1, NULL);
  g_autoptr(JsonObject) answer = wd_json_parse_object (
      "{\"protocol\":1,\"epoch\":\"e-1\",\"last_seq\":2,\"lost_from\":1,\"lost_to\":1,"
      "\"results\":[{\"seq\":2,\"op_id\":\"a\",\"status\":\"applied\",\"result\":{}}]}", -1, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (wd_sync_check_page (page, &error));
  g_assert_no_error (error);
  g_assert_true (wd_sync_check_push_answer (answer, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(JsonObject) message = wd_json_parse_object (refused[i].body, -1, NULL);
      gboolean ok;

      g_clear_error (&error);
      g_assert_nonnull (message);
      ok = refused[i].page ? wd_sync_check_page (message, &error) : wd_sync_check_push_answer (message, &error);
      g_assert_false (ok);
      g_assert_nonnull (error);
      if (strstr (error->message, refused[i].mentions) == NULL)
        g_error ("case %u: “%s” does not mention %s", i, error->message, refused[i].mentions);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-protocol/round-trip", test_round_trip);
  g_test_add_func ("/sync-protocol/refusals", test_refusals);
  g_test_add_func ("/sync-protocol/answers", test_answers);

  return g_test_run ();
}
