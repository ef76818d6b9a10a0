/* wd-sync-indicator.h: the header bar's word on sync: offline, syncing
 * (with progress), up to date, or problems; changes waiting to go out;
 * and, opened, the problems the server reported, each explained. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_SYNC_INDICATOR (wd_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (WdSyncIndicator, wd_sync_indicator, WD, SYNC_INDICATOR, AdwBin)

void        wd_sync_indicator_bind       (WdSyncIndicator *self,
                                          WdWorkspace     *workspace);
const char *wd_sync_indicator_get_status (WdSyncIndicator *self);
guint       wd_sync_indicator_get_pending (WdSyncIndicator *self);

typedef enum
{
  WD_SYNC_LOOK_LOCAL,       /* never signed in: a store of its own */
  WD_SYNC_LOOK_SIGNED_OUT,
  WD_SYNC_LOOK_OFFLINE,
  WD_SYNC_LOOK_SYNCING,
  WD_SYNC_LOOK_UP_TO_DATE,
  WD_SYNC_LOOK_PENDING,
  WD_SYNC_LOOK_PROBLEMS,
  WD_SYNC_LOOK_ERROR,
} WdSyncLook;

WdSyncLook  wd_sync_look_for             (gboolean         has_server,
                                          gboolean         signed_in,
                                          int              engine_state,
                                          guint            pending,
                                          guint            problems);

G_END_DECLS
