/* config.h: struct config, the one description of a sandbox.  It is settled before the
   first namespace is made, and every stage takes it const.  */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct env_op
{
  char *name;  /* NULL: clear the whole environment */
  char *value; /* NULL: unset NAME */
};

enum overlay_engine
{
  OVERLAY_AUTO,   /* kernel where it works, else fuse-overlayfs */
  OVERLAY_KERNEL, /* the kernel's overlayfs, mounted in the user namespace */
  OVERLAY_FUSE,   /* the fuse-overlayfs helper */
  OVERLAY_NONE,   /* no copy-on-write: the lower tree bound read-only (--read-only) */
};

enum mount_kind
{
  MOUNT_BIND,    /* --bind SRC[:DST] */
  MOUNT_RO_BIND, /* --ro-bind SRC[:DST] */
  MOUNT_TMPFS,   /* --tmpfs DST */
  MOUNT_MASK,    /* --mask DST: empty and unreadable */
};

struct mount_op
{
  enum mount_kind kind;
  const char *opt; /* the option's name, from the table */
  bool try;        /* --bind-try, --ro-bind-try: a missing source is skipped */
  char *arg; /* the option's value as given, for error lines */
  char *src; /* absolute host path; NULL for tmpfs and mask */
  char *dst; /* absolute path inside */
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

  char *hostname;
  char *chdir;

  struct env_op *env_ops;
  size_t n_env_ops;

  /* the root file system (rootfs.c, overlay.c) */
  enum overlay_engine overlay;
  char *rootfs;          /* lower tree; NULL: the host's */
  char **layers;         /* --layer, bottom first; NULL when none */
  char *persist;         /* upper layer kept across runs; NULL: ephemeral */
  struct mount_op *mounts; /* binds, tmpfs and masks, in the order given */
  size_t n_mounts;
  bool no_bind_cwd;      /* do not bind the working directory read-write */
  enum home_mode home;

  bool verbose;
  bool help, version; /* actions: print and exit */

  /* derived by config_finish (), not set by options */
  uid_t caller_uid;
  gid_t caller_gid;
  char *caller_name;
  char *cwd;   /* the launcher's working directory, NULL when it has none */
  char **envp; /* the command's environment */
  char *home_dir;          /* the caller's home folder */
  char *bind_cwd;          /* the working directory to bind read-write; NULL: none */
  char *fuse_overlayfs;    /* path of the helper when the engine may need it */
};

struct sb_error;

void config_init (struct config *cfg);
/* Fills the derived fields; the last step before a sandbox is made.  */
int config_finish (struct config *cfg, struct sb_error **err);
void config_free (struct config *cfg);
