/* wd-search-private.h: the tokenizer and index upkeep the store calls. */
#pragma once

#include <sqlite3.h>

#include <json-glib/json-glib.h>

#include "wd-store.h"

G_BEGIN_DECLS

typedef enum
{
  WD_TOKENIZE_DOCUMENT,
  WD_TOKENIZE_QUERY,
} WdTokenizeMode;

/* colocated: the token shares the position of the one before it. */
typedef int (*WdTokenFunc) (gpointer    user_data,
                            gboolean    colocated,
                            const char *token,
                            int         token_len,
                            int         start,
                            int         end);

int       wd_tokenize             (const char      *text,
                                   int              len,
                                   WdTokenizeMode   mode,
                                   WdTokenFunc      func,
                                   gpointer         user_data);
gboolean  wd_tokenizer_register   (sqlite3         *db,
                                   GError         **error);
gboolean  wd_search_reindex       (WdStore         *store,
                                   const char      *kind,
                                   const char      *id,
                                   GError         **error);
gboolean  wd_search_indexes_changes (const char     *kind,
                                     JsonObject     *changes);
gboolean  wd_search_reindex_all   (WdStore         *store,
                                   GError         **error);
gboolean  wd_search_repair_indexes (WdStore        *store,
                                    GError        **error);

G_END_DECLS
