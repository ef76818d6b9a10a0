/* wd-context.h: handing work from a thread to a main context's owner. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void wd_context_call_later (GMainContext   *context,
                            int             priority,
                            const char     *name,
                            GSourceFunc     func,
                            gpointer        data,
                            GDestroyNotify  notify);

G_END_DECLS
