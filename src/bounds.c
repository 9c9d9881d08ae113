/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bounds.c: the bounds that need no cgroup (see bounds.h). */
#include "build-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "bounds.h"
#include "cgroup.h"
#include "config.h"
#include "error.h"
#include "util.h"

/* podman's --ulimit names; the bytes ones take K, M, G, T */
static const struct
{
  const char *name;
  int resource;
  bool bytes;
} rlimits[] = {
  { "as", RLIMIT_AS, true },
  { "core", RLIMIT_CORE, true },
  { "cpu", RLIMIT_CPU, false },
  { "data", RLIMIT_DATA, true },
  { "fsize", RLIMIT_FSIZE, true },
  { "locks", RLIMIT_LOCKS, false },
  { "memlock", RLIMIT_MEMLOCK, true },
  { "msgqueue", RLIMIT_MSGQUEUE, true },
  { "nice", RLIMIT_NICE, false },
  { "nofile", RLIMIT_NOFILE, false },
  { "nproc", RLIMIT_NPROC, false },
  { "rss", RLIMIT_RSS, true },
  { "rtprio", RLIMIT_RTPRIO, false },
  { "rttime", RLIMIT_RTTIME, false },
  { "sigpending", RLIMIT_SIGPENDING, false },
  { "stack", RLIMIT_STACK, true },
};
#define N_RLIMITS (sizeof rlimits / sizeof *rlimits)

const char *
bounds_rlimit_name (int resource)
{
  for (size_t i = 0; i < N_RLIMITS; i++)
    if (rlimits[i].resource == resource)
      return rlimits[i].name;
  return NULL;
}

/* "unlimited", "-1", a number (a size when BYTES), up to END.  */
static int
parse_value (const char *s, const char *end, bool bytes, rlim_t *ret)
{
  char buf[32];
  uint64_t v;
  size_t len = (size_t) (end - s);

  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (strcmp (buf, "unlimited") == 0 || strcmp (buf, "-1") == 0)
    {
      *ret = RLIM_INFINITY;
      return 0;
    }
  if (bytes)
    {
      if (cgroup_parse_size (buf, &v) < 0)
        return -1;
    }
  else
    {
      char *e;

      if (buf[0] < '0' || buf[0] > '9')
        return -1;
      errno = 0;
      v = strtoull (buf, &e, 10);
      if (errno != 0 || *e != '\0')
        return -1;
    }
  if (v >= (uint64_t) RLIM_INFINITY)
    return -1;
  *ret = (rlim_t) v;
  return 0;
}

int
bounds_parse_rlimit (const char *s, struct rlimit_op *ret, const char **ret_why)
{
  const char *eq = strchr (s, '='), *colon;
  size_t i;

  for (i = 0; eq != NULL && i < N_RLIMITS; i++)
    if (strlen (rlimits[i].name) == (size_t) (eq - s)
        && strncmp (rlimits[i].name, s, (size_t) (eq - s)) == 0)
      break;
  if (eq == NULL || i == N_RLIMITS)
    {
      *ret_why = "expected NAME=SOFT[:HARD], NAME one of as, core, cpu, data, fsize, locks, "
                 "memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, "
                 "stack";
      return -1;
    }
  ret->resource = rlimits[i].resource;
  colon = strchr (eq + 1, ':');
  if (parse_value (eq + 1, colon ? colon : eq + 1 + strlen (eq + 1), rlimits[i].bytes, &ret->soft)
          < 0
      || (colon != NULL
          && parse_value (colon + 1, colon + 1 + strlen (colon + 1), rlimits[i].bytes, &ret->hard)
                 < 0))
    {
      *ret_why = rlimits[i].bytes ? "expected a size such as 8M, a number, or unlimited"
                                  : "expected a number or unlimited";
      return -1;
    }
  if (colon == NULL)
    ret->hard = ret->soft;
  if (ret->soft > ret->hard)
    {
      *ret_why = "the soft limit is above the hard one";
      return -1;
    }
  return 0;
}

/* "1.5", "2m": milliseconds; END is where the number stops.  */
static int
parse_duration (const char *s, const char *end, uint64_t *ret_ms)
{
  uint64_t whole = 0, frac = 0, scale = 1, mult = 1000;
  const char *p = s;

  if (p == end || *p < '0' || *p > '9')
    return -1;
  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      if (whole > 100000000)
        return -1;
      whole = whole * 10 + (uint64_t) (*p - '0');
    }
  if (p < end && *p == '.')
    for (p++; p < end && *p >= '0' && *p <= '9'; p++)
      if (scale < 1000)
        {
          frac = frac * 10 + (uint64_t) (*p - '0');
          scale *= 10;
        }
  if (p < end)
    {
      switch (*p++)
        {
        case 's':
          break;
        case 'm':
          mult = 60 * 1000;
          break;
        case 'h':
          mult = 3600 * 1000;
          break;
        case 'd':
          mult = 86400 * 1000;
          break;
        default:
          return -1;
        }
    }
  if (p != end)
    return -1;
  *ret_ms = whole * mult + frac * mult / scale;
  return *ret_ms > 0 ? 0 : -1;
}

int
bounds_parse_timeout (const char *s, uint64_t *ret_ms, uint64_t *ret_grace_ms)
{
  const char *colon = strchr (s, ':');
  const char *end = colon ? colon : s + strlen (s);

  if (parse_duration (s, end, ret_ms) < 0)
    return -1;
  *ret_grace_ms = BOUNDS_TIMEOUT_GRACE_MS_DEFAULT;
  if (colon != NULL && parse_duration (colon + 1, colon + 1 + strlen (colon + 1), ret_grace_ms) < 0)
    return -1;
  return 0;
}

int
bounds_parse_size (const char *s, uint64_t *ret_bytes, unsigned *ret_percent)
{
  size_t len = strlen (s);

  *ret_bytes = 0;
  *ret_percent = 0;
  if (len > 1 && s[len - 1] == '%')
    {
      unsigned v;
      char buf[8];

      if (len - 1 >= sizeof buf)
        return -1;
      memcpy (buf, s, len - 1);
      buf[len - 1] = '\0';
      if (parse_id (buf, &v) < 0 || v < 1 || v > 100)
        return -1;
      *ret_percent = v;
      return 0;
    }
  /* below 1M a tmpfs holds hardly a folder tree */
  if (cgroup_parse_size (s, ret_bytes) < 0 || *ret_bytes < (1u << 20))
    return -1;
  return 0;
}

static struct rlimit_op *
find_rlimit (struct config *cfg, int resource)
{
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    if (cfg->rlimits[i].resource == resource)
      return &cfg->rlimits[i];
  return NULL;
}

static void
format_rlim (rlim_t v, char *buf, size_t len)
{
  if (v == RLIM_INFINITY)
    snprintf (buf, len, "unlimited");
  else
    snprintf (buf, len, "%llu", (unsigned long long) v);
}

int
bounds_plan (struct config *cfg, struct sb_error **err)
{
  struct rlimit cur;
  struct sysinfo si;

  if (find_rlimit (cfg, RLIMIT_NPROC) == NULL && getrlimit (RLIMIT_NPROC, &cur) == 0)
    {
      struct rlimit_op d = { RLIMIT_NPROC, BOUNDS_NPROC_DEFAULT, BOUNDS_NPROC_DEFAULT };

      /* never above what the caller has */
      if (cur.rlim_cur < d.soft)
        d.soft = cur.rlim_cur;
      if (cur.rlim_max < d.hard)
        d.hard = cur.rlim_max;
      cfg->rlimits = xreallocarray (cfg->rlimits, cfg->n_rlimits + 1, sizeof *cfg->rlimits);
      cfg->rlimits[cfg->n_rlimits++] = d;
    }
  /* raising a hard limit takes CAP_SYS_RESOURCE in the initial user namespace, which no
     process of the sandbox has (even when the caller is root): say so now, in one line */
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    {
      const struct rlimit_op *r = &cfg->rlimits[i];
      char want[32], have[32];

      if (getrlimit (r->resource, &cur) < 0 || r->hard <= cur.rlim_max)
        continue;
      format_rlim (r->hard, want, sizeof want);
      format_rlim (cur.rlim_max, have, sizeof have);
      return sb_error_set (err, 0, "--rlimit %s: the hard limit %s is above yours, %s",
                           bounds_rlimit_name (r->resource), want, have);
    }
  if (cfg->ephemeral_bytes == 0)
    {
      unsigned pct
          = cfg->ephemeral_percent ? cfg->ephemeral_percent : BOUNDS_EPHEMERAL_PERCENT_DEFAULT;

      if (sysinfo (&si) < 0)
        return sb_error_set (err, errno, "sysinfo");
      cfg->ephemeral_bytes = (uint64_t) si.totalram * si.mem_unit / 100 * pct;
    }
  return 0;
}

int
bounds_apply_rlimits (const struct config *cfg, const struct rlimit_op **ret_failed)
{
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    {
      struct rlimit rl = { cfg->rlimits[i].soft, cfg->rlimits[i].hard };

      if (setrlimit (cfg->rlimits[i].resource, &rl) < 0)
        {
          *ret_failed = &cfg->rlimits[i];
          return -1;
        }
    }
  return 0;
}
