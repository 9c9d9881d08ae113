/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caps.c: capability sets with libcap.  The command keeps none when it runs as the caller's
   own uid, and Docker's default list (only inside the user namespace) as --uid 0.  */
#include "build-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"
#include "config.h"
#include "error.h"
#include "util.h"

#define BIT(c) (UINT64_C (1) << (c))

/* enough for package managers as root inside: Docker's default list */
static const uint64_t root_default = BIT (CAP_CHOWN) | BIT (CAP_DAC_OVERRIDE) | BIT (CAP_FOWNER)
                                     | BIT (CAP_FSETID) | BIT (CAP_KILL) | BIT (CAP_SETGID)
                                     | BIT (CAP_SETUID) | BIT (CAP_SETPCAP)
                                     | BIT (CAP_NET_BIND_SERVICE) | BIT (CAP_SYS_CHROOT)
                                     | BIT (CAP_SETFCAP) | BIT (CAP_AUDIT_WRITE);

static int
last_cap (void)
{
  int n = (int) cap_max_bits (); /* what this kernel knows */

  return n > 64 ? 63 : n - 1;
}

int
sb_caps_from_name (const char *name)
{
  cap_value_t v;
  char *full;
  int r;

  if (strcasecmp (name, "ALL") == 0)
    return -1;
  if (strncasecmp (name, "CAP_", 4) == 0)
    return cap_from_name (name, &v) == 0 && v <= 63 ? v : -2;
  if (asprintf (&full, "cap_%s", name) < 0)
    oom ();
  r = cap_from_name (full, &v) == 0 && v <= 63 ? v : -2;
  free (full);
  return r;
}

void
sb_caps_plan (struct config *cfg)
{
  int last = last_cap ();
  uint64_t all = last >= 63 ? ~UINT64_C (0) : BIT (last + 1) - 1;
  uint64_t caps = cfg->uid == 0 ? root_default : 0;

  caps = cfg->cap_drop_all ? 0 : caps & ~cfg->cap_drop;
  caps |= cfg->cap_add_all ? all : cfg->cap_add;
  cfg->caps = caps & all;
}

int
sb_caps_drop_bounding (const struct config *cfg, struct sb_error **err)
{
  for (int c = 0; c <= last_cap (); c++)
    if (!(cfg->caps & BIT (c)) && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return sb_error_set (err, errno, "drop %s from the bounding set", cap_to_name (c));
  /* the permitted set survives setresuid to a non-zero uid only with this */
  if (cfg->caps != 0 && cfg->uid != 0 && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return sb_error_set (err, errno, "PR_SET_KEEPCAPS");
  return 0;
}

static void
cap_freep (cap_t *c)
{
  if (*c != NULL)
    cap_free (*c);
}

int
sb_caps_set (const struct config *cfg, struct sb_error **err)
{
  __attribute__ ((cleanup (cap_freep))) cap_t set = cap_init (); /* all clear */
  cap_value_t keep[64];
  int n = 0;

  if (set == NULL)
    oom ();
  for (int c = 0; c <= last_cap (); c++)
    if (cfg->caps & BIT (c))
      keep[n++] = c;
  if (n > 0
      && (cap_set_flag (set, CAP_PERMITTED, n, keep, CAP_SET) < 0
          || cap_set_flag (set, CAP_EFFECTIVE, n, keep, CAP_SET) < 0
          || cap_set_flag (set, CAP_INHERITABLE, n, keep, CAP_SET) < 0))
    return sb_error_set (err, errno, "cap_set_flag");
  if (cap_set_proc (set) < 0)
    return sb_error_set (err, errno, "set the capabilities");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return sb_error_set (err, errno, "clear the ambient capabilities");
  /* a non-zero uid loses every capability at exec unless it is ambient */
  if (cfg->uid != 0)
    for (int i = 0; i < n; i++)
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, keep[i], 0, 0) < 0)
        return sb_error_set (err, errno, "raise %s in the ambient set", cap_to_name (keep[i]));
  return 0;
}
