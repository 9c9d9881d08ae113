/* config.h: struct config, the one description of a sandbox.  It is settled before the
   first namespace is made, and every stage takes it const.  */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct env_op
{
  char *name;  /* NULL: clear the whole environment */
  char *value; /* NULL: unset NAME */
};

enum cgroup_mode
{
  CGROUP_MODE_AUTO = 0, /* systemd, then a delegated folder */
  CGROUP_MODE_SYSTEMD,
  CGROUP_MODE_CGROUPFS,
  CGROUP_MODE_NONE,
};

/* --io-read-bps / --io-write-bps: a block device (a whole disk) and a rate */
struct io_limit
{
  unsigned major, minor;
  uint64_t bps;
  bool write;
};

#define LIMIT_UNSET UINT64_MAX

struct config
{
  char **argv; /* the command; NULL: the user's shell */

  bool uid_set, gid_set;
  unsigned uid, gid; /* ids inside; default: the caller's own */

  char *hostname;
  char *chdir;

  struct env_op *env_ops;
  size_t n_env_ops;

  /* resource limits (cgroup.c); LIMIT_UNSET or 0 when not asked */
  uint64_t memory_max, memory_swap_max; /* bytes, LIMIT_UNSET */
  unsigned cpus_milli;                  /* --cpus 1.5 = 1500 */
  unsigned cpu_weight, io_weight;       /* 1..10000 */
  uint64_t pids_max;
  struct io_limit *io_limits;
  size_t n_io_limits;
  enum cgroup_mode cgroup_mode;
  char *cgroup_parent;
  bool proc_views_off; /* --proc-views no */

  bool verbose;
  bool help, version; /* actions: print and exit */

  /* derived by config_finish (), not set by options */
  uid_t caller_uid;
  gid_t caller_gid;
  char *caller_name;
  char *cwd;   /* the launcher's working directory, NULL when it has none */
  char **envp; /* the command's environment */
};

struct sb_error;

void config_init (struct config *cfg);
/* Fills the derived fields; the last step before a sandbox is made.  */
int config_finish (struct config *cfg, struct sb_error **err);
void config_free (struct config *cfg);
