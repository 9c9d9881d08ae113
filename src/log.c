/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c: one line per message on stderr, "sandbox: [warning: |notice: ]text".  Messages
   carry user values (a --hostname, a path, a profile's text): control characters in them
   are written as escapes here, so that a message stays one line and cannot drive the
   terminal.  */
#include "build-config.h"

#include <stdarg.h>
#include <stdint.h>
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

/* The length of the UTF-8 sequence at S (at most N bytes) when it is valid and encodes no
   C1 control character (U+0080 to U+009F, which some terminals obey); else 0.  */
static size_t
utf8_printable (const unsigned char *s, size_t n)
{
  size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
  uint32_t c;

  if (s[0] < 0xc2 || s[0] > 0xf4 || n < len)
    return 0;
  c = s[0] & (0x3f >> (len - 1));
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      c = (c << 6) | (s[i] & 0x3f);
    }
  /* overlong forms, surrogates, beyond U+10FFFF, the C1 controls */
  if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff)
      || c > 0x10ffff || c <= 0x9f)
    return 0;
  return len;
}

/* Copies IN to OUT (SIZE bytes, at least 5), control characters and bytes that are not
   UTF-8 as escapes (\n, \t, \r, \xHH); cut short rather than overflow.  */
static size_t
escape (const char *in, char *out, size_t size)
{
  const unsigned char *s = (const unsigned char *) in;
  size_t o = 0, n = strlen (in);

  for (size_t i = 0; i < n && o + 5 < size;)
    {
      size_t u = s[i] >= 0x80 ? utf8_printable (s + i, n - i) : 0;

      if (u > 0)
        {
          if (o + u + 1 >= size)
            break;
          memcpy (out + o, s + i, u);
          o += u;
          i += u;
          continue;
        }
      if (s[i] >= 0x20 && s[i] < 0x7f)
        out[o++] = (char) s[i];
      else if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
        {
          out[o++] = '\\';
          out[o++] = s[i] == '\n' ? 'n' : s[i] == '\t' ? 't' : 'r';
        }
      else
        o += (size_t) snprintf (out + o, size - o, "\\x%02x", s[i]);
      i++;
    }
  out[o] = '\0';
  return o;
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
  char line[4096], text[1024];
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
  m = vsnprintf (text, sizeof text, fmt, ap);
  va_end (ap);
  if (m < 0)
    return;
  n += (int) escape (text, line + n, sizeof line - (size_t) n - 1);
  line[n++] = '\n';
  /* one write, so lines from the launcher and the setup process do not interleave */
  (void) !write (STDERR_FILENO, line, (size_t) n);
}
