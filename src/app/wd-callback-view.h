/* wd-callback-view.h: the callbacks (回访) queue: the sample of delivered
 * orders the centre phones, with the call script and the outcome. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WD_TYPE_CALLBACK_VIEW (wd_callback_view_get_type ())

G_DECLARE_FINAL_TYPE (WdCallbackView, wd_callback_view, WD, CALLBACK_VIEW, AdwBin)

guint    wd_callback_view_get_n_waiting (WdCallbackView *self);
gboolean wd_callback_view_get_loading   (WdCallbackView *self);

G_END_DECLS
