/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.c: the error carrier of STYLE.md section 3. */
#include "build-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"

int
sb_error_setv (struct sb_error **err, int errnum, const char *fmt, va_list ap)
{
  struct sb_error *e;

  if (err == NULL || *err != NULL)
    return -1;
  e = calloc (1, sizeof *e);
  if (e == NULL)
    oom ();
  e->errnum = errnum;
  if (vasprintf (&e->msg, fmt, ap) < 0)
    oom ();
  *err = e;
  return -1;
}

int
sb_error_set (struct sb_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  sb_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

void
sb_error_prefix (struct sb_error *err, const char *fmt, ...)
{
  cleanup_free char *prefix = NULL;
  char *msg;
  va_list ap;

  if (err == NULL)
    return;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    oom ();
  va_end (ap);
  if (asprintf (&msg, "%s%s", prefix, err->msg) < 0)
    oom ();
  free (err->msg);
  err->msg = msg;
}

char *
sb_error_text (const struct sb_error *err)
{
  char *text;

  if (err->errnum != 0)
    {
      if (asprintf (&text, "%s: %s", err->msg, strerror (err->errnum)) < 0)
        oom ();
    }
  else
    text = xstrdup (err->msg);
  return text;
}

void
sb_error_free (struct sb_error **err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
