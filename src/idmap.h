/* SPDX-License-Identifier: GPL-2.0-or-later */
/* idmap.h: the id maps of the user namespace: the caller's own id inside at --uid/--gid,
   alone (a one-id map, written directly) unless something inside can use other ids; then
   the other ids from /etc/subuid and /etc/subgid through newuidmap/newgidmap.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct config;
struct sb_error;

struct idmap_range
{
  unsigned start, count;
};

struct idmap
{
  bool helpers;  /* write through newuidmap/newgidmap */
  bool written;  /* written already, when pid 1 was cloned (--net sandbox:NAME: netjoin.c) */
  char *uid_map; /* "inside outside count\n" lines */
  char *gid_map;
  char *newuidmap, *newgidmap; /* their paths, when helpers */
  /* between idmap_start and idmap_finish: the running helpers and their stderr */
  pid_t kids[2];
  int err_fd;
  int spawn_errno;
};

/* Why the sandbox gets the caller's subordinate ranges (a phrase for -v and
   --print-config; BUF may hold it), or NULL when a one-id map serves: --uid or --gid other
   than the caller's, an image, --cap-add of a capability that changes or uses ids, --net
   slirp, --overlay fuse, a --rootfs or --layer with files of the subordinate ids, --subids.
   --no-subids wins over all of them, and the later of --subids and --no-subids over the other.  */
const char *idmap_why_ranges (const struct config *cfg, char *buf, size_t len);
/* --print-config's line on the map.  */
void idmap_print_config (const struct config *cfg, FILE *f);

/* Decides the maps before anything is created; prints the one notice when it falls back.  */
int idmap_plan (const struct config *cfg, struct idmap *ret, struct sb_error **err);
/* Starts writing the maps of PID's user namespace: the helpers run while the caller goes on
   (they take milliseconds: a setuid exec each); a one-id map is written at once.  */
int idmap_start (struct idmap *m, pid_t pid, struct sb_error **err);
/* Whether pid 1 may write M itself, from inside its new user namespace, as bwrap's child
   does: one line mapping one id, no helper, not written already, and a launcher without
   CAP_SETGID (which leaves setgroups allowed, as only it may).  */
bool idmap_self (const struct idmap *m);
/* pid 1, when idmap_self: writes M for its own user namespace, setgroups denied first.  */
int idmap_write_self (const struct idmap *m, struct sb_error **err);
/* Waits for the helpers; their failure, with their own error line, becomes *err.  */
int idmap_finish (struct idmap *m, struct sb_error **err);
/* Reaps helpers still running (after a failure elsewhere) and frees M.  */
void idmap_free (struct idmap *m);

/* Exported for the unit tests.  The ranges of NAME (or of the decimal UID) in a subuid file's
   TEXT, in file order.  */
size_t idmap_parse_subid (const char *text, const char *name, unsigned uid,
                          struct idmap_range **ret);
/* Map lines: INSIDE -> OUTSIDE, and the other ids 0, 1, ... from the RANGES.  */
char *idmap_build (unsigned inside, unsigned outside, const struct idmap_range *ranges, size_t n);
