/* wd-context.c: handing work from a thread to a main context's owner. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include "wd-context.h"

/* Calls func (data) from an idle source of context at priority, so on
 * the thread that owns the context, later; notify (data) once it is
 * done. Not g_main_context_invoke(): a thread whose thread-default
 * context is context runs the function itself whenever it can acquire
 * the context, as between two iterations of the owner's loop, and the
 * work handed over touches what only the owner may (its connection to
 * the store, the task that holds the app's workspace). name is a string
 * that lives for ever, for profilers. */
void
wd_context_call_later (GMainContext   *context,
                       int             priority,
                       const char     *name,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
}
