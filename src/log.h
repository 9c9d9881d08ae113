/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h: the only writer to stderr besides main's error line. */
#pragma once

enum log_level
{
  LOG_LEVEL_ERROR,
  LOG_LEVEL_WARNING,
  LOG_LEVEL_NOTICE,
  LOG_LEVEL_DEBUG,
};

extern enum log_level log_level; /* the only global */

/* Debug lines carry the time since this call (main calls it first).  */
void log_start_clock (void);
void log_msg (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
#define log_error(...) log_msg (LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg (LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg (LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_debug(...) log_msg (LOG_LEVEL_DEBUG, __VA_ARGS__)
