/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h: the few TAP helpers the C unit tests need. */
#pragma once

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline void
tap_plan (int n)
{
  printf ("1..%d\n", n);
}

static inline __attribute__ ((format (printf, 2, 3))) void
tap_ok (int cond, const char *fmt, ...)
{
  va_list ap;

  printf ("%sok %d - ", cond ? "" : "not ", ++tap_n);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  if (!cond)
    tap_failed++;
}

static inline int
tap_done (void)
{
  return tap_failed ? 1 : 0;
}
