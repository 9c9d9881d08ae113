/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.h: struct sb_error, set once where a thing fails and printed once by main. */
#pragma once

#include <stdarg.h>

struct sb_error
{
  int errnum; /* an errno value, or 0 when msg says why */
  int status; /* exit status main should use: 0 means the default, 125 */
  char *msg;  /* what failed, with its --option or file:line */
};

/* Always returns -1, so a producer can write `return sb_error_set (err, errno, ...)`.
   When *err is already set, the first error is kept.  */
int sb_error_set (struct sb_error **err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int sb_error_setv (struct sb_error **err, int errnum, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 3, 0)));
/* Prefixes the message with CONTEXT ("file:12: "), for callers that know what the callee
   could not (profile.c adds file:line).  */
void sb_error_prefix (struct sb_error *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* The one line the user reads: "msg: strerror" or "msg".  Never NULL.  */
char *sb_error_text (const struct sb_error *err);
void sb_error_free (struct sb_error **err);
