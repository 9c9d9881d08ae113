/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.h: struct config, the one description of a sandbox.  It is settled before the
   first namespace is made, and every stage takes it const.  */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "egress.h"
#include "net.h"
#include "seccomp.h"

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
struct sb_option;
struct rlimit_op;

/* One option as applied, for --print-config: later rows of a non-repeatable option win.  */
struct applied_option
{
  const struct sb_option *opt;
  char *args[2];
  char *origin; /* "file:line" or "command line" */
};

/* A host socket or device, found by the launcher, bound at DST inside (desktop.c).  */
struct desktop_bind
{
  char *src; /* on the host */
  char *dst; /* absolute path inside */
  bool dir;  /* a folder (/dev/dri), bound with what is below it */
  bool ours; /* SRC is alone in a folder of our own: both removed once bound */
  int fd;    /* the child's O_PATH fd on SRC, opened before the root hides it; else -1 */
  int up_fd; /* ours: the child's O_PATH fd on the folder above SRC's; else -1 */
};

enum dbus_mode
{
  DBUS_UNSET, /* none, or filter when --dbus-talk/--dbus-own (--dbus-system-talk) is given */
  DBUS_NONE,
  DBUS_FILTER,
  DBUS_OPEN,
};

enum subids_mode
{
  SUBIDS_AUTO, /* the ranges only when something inside can use them (idmap.c) */
  SUBIDS_YES,  /* --subids: the ranges always */
  SUBIDS_NO,   /* --no-subids: one id, always */
};

enum overlay_engine
{
  OVERLAY_AUTO,   /* kernel where it works, else fuse-overlayfs */
  OVERLAY_KERNEL, /* the kernel's overlayfs, mounted in the user namespace */
  OVERLAY_FUSE,   /* the fuse-overlayfs helper */
  OVERLAY_NONE,   /* no copy-on-write: the lower tree bound read-only (--read-only) */
  OVERLAY_BIND,   /* no copy-on-write: the lower tree bound read-write (an OCI bundle's root) */
};

enum mount_kind
{
  MOUNT_BIND,    /* --bind SRC[:DST] */
  MOUNT_RO_BIND, /* --ro-bind SRC[:DST] */
  MOUNT_TMPFS,   /* --tmpfs DST */
  MOUNT_MASK,    /* --mask DST: empty and unreadable */
  MOUNT_DEVICE,  /* a host device node (or FIFO) bound on a file: a front end's (OCI
                    linux.devices), read-only but not nodev */
};

/* A path inside a read-write bind that stays read-only (protect.c), or an anchor: a folder
   on the way to one, bound on itself so that it cannot be renamed away.  */
struct protect_path
{
  char *rel; /* below the bind's source */
  bool ro;   /* read-only; else an anchor, still writable */
  dev_t dev; /* what the launcher found there: pid 1 checks it is still that */
  ino_t ino;
};

struct mount_op
{
  enum mount_kind kind;
  const char *opt; /* the option's name, from the table */
  bool try;        /* --bind-try, --ro-bind-try: a missing source is skipped */
  bool engine;     /* an OCI engine's mount (oci-config.c): no rule on the source's place
                      (home, system or session folder); it is still resolved safely */
  char *arg;       /* the option's value as given, for error lines */
  char *src;       /* absolute host path; NULL for tmpfs and mask */
  char *dst;       /* absolute path inside */
  /* derived by binds_plan () for binds: how error lines name it, the source's identity,
     and the protected paths inside a read-write one */
  char *what;
  dev_t src_dev;
  ino_t src_ino;
  struct protect_path *prot;
  size_t n_prot;
};

enum home_mode
{
  HOME_COPY,    /* the real home, copy-on-write like the rest of the tree */
  HOME_HOST,    /* the real home bound read-write */
  HOME_PRIVATE, /* an empty home on a tmpfs */
};

struct config
{
  char **argv; /* the command; NULL: the user's shell */

  bool uid_set, gid_set;
  unsigned uid, gid; /* ids inside; default: the caller's own */
  gid_t *groups;     /* supplementary groups inside (OCI additionalGids); NULL: as now */
  size_t n_groups;
  char **sysctls;          /* "key=value", written by pid 1 in its namespaces (OCI linux.sysctl,
                              whose keys the front end checks are of those namespaces) */
  enum subids_mode subids; /* --subids, --no-subids: the later wins */
  /* explicit id maps, "inside outside count" lines (the OCI front end's uidMappings, or
     the identity of its own namespace); NULL: idmap.c plans them */
  char *uid_map, *gid_map;

  char *hostname;
  char *chdir;

  struct env_op *env_ops;
  size_t n_env_ops;

  /* network (net.c) */
  enum net_mode net;
  char *net_join;         /* --net sandbox:NAME: NAME */
  char *network;          /* --network NET: NET */
  bool net_host_loopback; /* the host's 127.0.0.1 reachable through the gateway */
  struct net_publish *publish;
  size_t n_publish;
  /* the outbound allowlist (egress.c); none given: the network is unfiltered */
  char **allow_hosts;            /* --allow-host NAME or *.NAME */
  struct egress_net *allow_nets; /* --allow-net */
  size_t n_allow_nets;
  struct egress_net *deny_nets; /* --deny-net: wins over every allow */
  size_t n_deny_nets;
  bool net_log; /* --net-log: refused connections, to FILE or stderr */
  char *net_log_file;

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
  /* bounds without a cgroup (bounds.c) */
  struct rlimit_op *rlimits; /* --rlimit, and the default nproc bound */
  size_t n_rlimits;
  uint64_t timeout_ms, timeout_grace_ms; /* --timeout; 0: none */
  uint64_t ephemeral_bytes;              /* --ephemeral-size; bounds_plan fills it */
  unsigned ephemeral_percent;            /* --ephemeral-size N%; 0: bytes, or the default */
  /* security: the seccomp policy (a name, a file, "unconfined"; NULL: "default") and the
     capabilities --cap-add/--cap-drop name (bit N: capability N) */
  char *seccomp;
  uint64_t cap_add, cap_drop;
  bool cap_add_all, cap_drop_all;
  bool new_session; /* always on now (terminal.c): accepted for older profiles */
  int *keep_fds;    /* --keep-fd: the caller's fds the command gets (above 2), sorted */
  size_t n_keep_fds;

  /* the root file system (rootfs.c, overlay.c) */
  enum overlay_engine overlay;
  char *rootfs;            /* lower tree; NULL: the host's */
  char **layers;           /* --layer, bottom first; NULL when none */
  char *persist;           /* upper layer kept across runs; NULL: ephemeral */
  struct mount_op *mounts; /* binds, tmpfs and masks, in the order given */
  size_t n_mounts;
  bool no_bind_cwd; /* do not bind the working directory read-write */
  /* the root mount's propagation once pivoted into (MS_PRIVATE, MS_SLAVE, MS_SHARED or
     MS_UNBINDABLE, with MS_REC; a front end's: OCI rootfsPropagation); 0: as made */
  unsigned long root_propagation;
  enum home_mode home;
  bool unprotect_git; /* --unprotect-git: .git/config and .git/hooks writable in binds */

  /* container images (image.c): --image REF, and the actions on the store */
  char *image;
  bool list_images;      /* --images */
  char *image_rm;        /* --image-rm NAME */
  char *image_import[2]; /* --image-import REF NAME */
  /* desktop integration (desktop-install.c): actions on the user's menu and PATH */
  char *desktop_install; /* --desktop-install APP */
  char *desktop_remove;  /* --desktop-remove APP */
  bool desktop_list;     /* --desktop-list */

  bool verbose;
  /* --quiet: no notices */
  bool quiet;
  bool help, version; /* actions: print and exit */
  bool list_profiles, print_config;

  /* desktop (desktop.c): what to share with the host's session */
  bool x11, wayland, pulseaudio, pipewire, gpu;
  enum dbus_mode dbus_user;     /* the session bus */
  char **dbus_talk, **dbus_own; /* names the filter lets the command talk to, own */
  enum dbus_mode dbus_system;   /* the system bus: none or filter, never open */
  char **dbus_system_talk;      /* names on the system bus the filter lets it talk to */

  /* profiles (profile.c): the -p values in order, the files read, and every option applied
     with where it came from */
  char **profiles;
  char **profile_files;
  struct applied_option *applied;
  size_t n_applied;

  /* derived by config_finish (), not set by options */
  uid_t caller_uid;
  gid_t caller_gid;
  char *cwd;            /* the launcher's working directory, NULL when it has none */
  char **envp;          /* the command's environment */
  char *home_dir;       /* the caller's home folder */
  char *fuse_overlayfs; /* path of the helper when the engine may need it */
  char *net_helper;     /* the helper's path with --net slirp or pasta (auto is resolved) */
  int net_log_fd;       /* --net-log FILE, opened by egress_config_finish (); else -1 */
  /* --net sandbox:NAME (netjoin.c): NAME's network namespace and the user namespace that
     owns it, opened after enter.c's checks; else -1.  JOIN_MODE: NAME's own network.  */
  int join_userns_fd, join_netns_fd;
  enum net_mode join_mode;
  /* --network NET (network.c): the connection to its holder (held for our life), the path
     of this member's hosts file (pid 1 closes every fd it is not to keep, so it opens it
     itself) and the last byte of its address; -1, NULL, 0 without */
  int network_fd;
  char *network_hosts;
  unsigned network_index;
  /* its folder networks/NET, and an fd on it under a shared flock for our life: the last
     member is the one that takes it exclusive; network_leave frees both; NULL, -1 without */
  char *network_dir;
  int network_dir_fd;
  uint64_t caps; /* the capabilities the command keeps (caps.c) */
  /* the unbound working directory's changes are counted at the end (workdir.c) */
  bool report_cwd_changes;
  struct sb_seccomp_bpf seccomp_bpf; /* the compiled policy; empty: unconfined */
  /* derived by desktop_prepare (): what to bind, and the one X11 cookie of the display */
  struct desktop_bind *desktop_binds;
  size_t n_desktop_binds;
  char *runtime_dir; /* inside: /run/user/UID, when a desktop option needs it */
  char *xauth;       /* an Xauthority file's bytes, written inside as $runtime_dir/Xauthority */
  size_t xauth_len;
  /* the bus filter's folder (dbus.c), where its sockets will be; NULL: no filter.  The
     proxy itself is launch.c's (struct sb_dbus_proxy).  */
  char *dbus_proxy_dir;
  /* derived by image_config_finish (): the caller's own id is 0 inside, so that an image's
     files keep their owners (as podman's); the image's environment, the base of envp
     instead of the caller's; what came from the image, and the locks on its layers */
  bool map_root;
  char **image_env;
  struct image_run *image_run;
  /* the launcher's own state folder (state.c), made when a helper needs a socket on disk;
     NULL: none */
  char *run_dir;

  /* named sandboxes (named.c) */
  char *name;        /* --name, or generated */
  bool name_claimed; /* the name's link is ours (state.c) */
  int info_fd;       /* --info-fd; -1: none */
  bool detach;       /* --detach */
  int detach_fd;     /* the detached launcher's pipe to the caller; -1: none */
  bool list, json, stop_all;
  char *logs, *stop; /* --logs NAME, --stop NAME */
  char *enter;       /* --enter NAME */
};

struct sb_error;

void config_init (struct config *cfg);
/* Plan steps (plan.c runs them in order).  The caller: its name and home, the ids inside
   (--uid, --gid or the caller's), the working directory.  */
int config_caller_plan (struct config *cfg, struct sb_error **err);
/* After the image and the root: the command's environment (the caller's or the image's,
   then --setenv, --unsetenv, --clearenv; root's PATH for uid 0) and its default argv
   (the user's shell).  */
int config_env_plan (struct config *cfg, struct sb_error **err);
void config_free (struct config *cfg);
/* Sets NAME=VALUE in *ENVP (VALUE NULL: removes NAME).  */
void config_env_set (char ***envp, const char *name, const char *value);
