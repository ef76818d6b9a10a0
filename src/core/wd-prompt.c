/* wd-prompt.c: one line from standard input, without echo on a terminal.
 * Scripts pipe the secret in; a person types it after the prompt. */
#define G_LOG_DOMAIN "wudan-core"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "wd-prompt.h"

/* Returns NULL at end of input. The prompt goes to stderr so that the
 * tool's output stays clean for pipes. */
char *
wd_prompt_secret (const char *prompt)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char line[512];
  char *result = NULL;

  if (tty)
    {
      fputs (prompt, stderr);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }
  if (fgets (line, sizeof line, stdin) != NULL)
    {
      line[strcspn (line, "\r\n")] = '\0';
      result = g_strdup (line);
    }
  /* The secret should not linger on the stack. */
  memset (line, 0, sizeof line);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      fputc ('\n', stderr);
    }
  return result;
}
