/* log.c: one line per message on stderr, "sandbox: [warning: |notice: ]text". */
#include "build-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum log_level log_level = LOG_LEVEL_NOTICE;
static struct timespec log_start;

void
log_start_clock (void)
{
  clock_gettime (CLOCK_MONOTONIC, &log_start);
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  static const char *const prefix[] = {
    [LOG_LEVEL_ERROR] = "",
    [LOG_LEVEL_WARNING] = "warning: ",
    [LOG_LEVEL_NOTICE] = "notice: ",
    [LOG_LEVEL_DEBUG] = "debug: ",
  };
  char line[1024];
  int n, m;
  va_list ap;

  if (level > log_level)
    return;
  if (level == LOG_LEVEL_DEBUG)
    {
      /* where the milliseconds go: time since the launcher started, and who speaks */
      struct timespec ts;

      clock_gettime (CLOCK_MONOTONIC, &ts);
      if (log_start.tv_sec == 0)
        log_start = ts;
      n = snprintf (line, sizeof line, "sandbox: debug: %7.3f ms [%d] ",
                    (double) (ts.tv_sec - log_start.tv_sec) * 1e3
                        + (double) (ts.tv_nsec - log_start.tv_nsec) / 1e6,
                    (int) getpid ());
    }
  else
    n = snprintf (line, sizeof line, "sandbox: %s", prefix[level]);
  va_start (ap, fmt);
  m = vsnprintf (line + n, sizeof line - (size_t) n - 1, fmt, ap);
  va_end (ap);
  if (m < 0)
    return;
  n = (int) strlen (line);
  line[n++] = '\n';
  /* one write, so lines from the launcher and the setup process do not interleave */
  (void) !write (STDERR_FILENO, line, (size_t) n);
}
