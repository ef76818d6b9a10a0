/* main.c: wudan, the desktop app for centre and office staff. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "wd-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WdApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* WUDAN_LOCALEDIR lets an uninstalled build find its translations. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("WUDAN_LOCALEDIR") ? g_getenv ("WUDAN_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Wudan"));
  app = wd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
