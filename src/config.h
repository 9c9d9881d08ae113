/* config.h: struct config, the one description of a sandbox.  It is settled before the
   first namespace is made, and every stage takes it const.  */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "net.h"
#include "seccomp.h"

struct env_op
{
  char *name;  /* NULL: clear the whole environment */
  char *value; /* NULL: unset NAME */
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

  /* network (net.c) */
  enum net_mode net;
  bool net_host_loopback; /* the host's 127.0.0.1 reachable through the gateway */
  struct net_publish *publish;
  size_t n_publish;

  /* security: the seccomp policy (a name, a file, "unconfined"; NULL: "default") and the
     capabilities --cap-add/--cap-drop name (bit N: capability N) */
  char *seccomp;
  uint64_t cap_add, cap_drop;
  bool cap_add_all, cap_drop_all;
  bool new_session; /* setsid: no controlling terminal to inject input into */

  bool verbose;
  bool help, version; /* actions: print and exit */

  /* derived by config_finish (), not set by options */
  uid_t caller_uid;
  gid_t caller_gid;
  char *caller_name;
  char *cwd;   /* the launcher's working directory, NULL when it has none */
  char **envp; /* the command's environment */
  char *net_helper; /* the helper's path with --net slirp or pasta (auto is resolved) */
  uint64_t caps; /* the capabilities the command keeps (caps.c) */
  struct sb_seccomp_bpf seccomp_bpf; /* the compiled policy; empty: unconfined */
};

struct sb_error;

void config_init (struct config *cfg);
/* Fills the derived fields; the last step before a sandbox is made.  */
int config_finish (struct config *cfg, struct sb_error **err);
void config_free (struct config *cfg);
