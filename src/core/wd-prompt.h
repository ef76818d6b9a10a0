/* wd-prompt.h: asking the person at a terminal for a secret, for the
 * command-line tools (wudanctl, wudan-server). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *wd_prompt_secret (const char *prompt);

G_END_DECLS
