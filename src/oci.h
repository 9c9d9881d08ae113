/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci.h: the OCI runtime front end (sandbox-oci): a bundle's config.json becomes the
   struct config the command line fills, and the same stages run it (launch.c with a ready
   hook).  oci.c holds the operations (create, start, state, kill, delete, run, list, ps,
   features), oci-exec.c exec (enter.h's stages), oci-state.c a container's folder under
   --root, oci-config.c the translation (oci-devices.c linux.devices), oci-hooks.c the
   hooks, oci-console.c the pid file and the console socket.

   A network namespace given by path is joined by the launcher before its clone (the
   sandbox then shares it, as --net host shares the caller's): that needs the rights over
   it that rootless podman's namespace gives.  Not translated yet (refused or ignored, as
   said): joining other namespaces by path (refused), apparmor/selinux labels (ignored).
   uidMappings/gidMappings: without them the sandbox maps the caller to process.user and
   its subids around it.  */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

struct config;
struct json_object;
struct sb_error;

/* What config.json says that struct config has no field for.  */
struct oci_extra
{
  bool terminal;      /* process.terminal */
  char *netns_path;   /* linux.namespaces: a network namespace to join (podman's) */
  char **net_sysctls; /* linux.sysctl's net.* keys, "key=value", for the joined one */
  int oom_score_adj;  /* process.oomScoreAdj, when oom_score_adj_set */
  bool oom_score_adj_set;
};

/* Reads BUNDLE/config.json (BUNDLE absolute) into CFG (config_init'ed); linux.seccomp is
   written to STATE_DIR/seccomp.json for the policy reader.  */
int oci_config_load (const char *bundle, const char *state_dir, struct config *cfg,
                     struct oci_extra *x, struct sb_error **err);
/* An exec's --process FILE, a config.json's process object, into CFG (config_init'ed):
   argv, chdir, envp (exactly process.env), uid/gid (uid_set), rlimits, cap_add/cap_add_all
   with cap_drop_all; *RET_TERMINAL: process.terminal.  */
int oci_config_process (const char *file, struct config *cfg, bool *ret_terminal,
                        struct sb_error **err);
/* After the network namespace is joined: X's net sysctls written in it (by us: pid 1 has
   no rights over a namespace of the engine's), process.oomScoreAdj written to our
   /proc/self/oom_score_adj (the sandbox, cloned from us, inherits it; lowering it needs
   CAP_SYS_RESOURCE).  */
int oci_extra_apply (const struct oci_extra *x, struct sb_error **err);
/* A mount of KIND (an engine's: no rule on the source's place) appended to CFG.  */
void oci_config_add_mount (struct config *cfg, enum mount_kind kind, const char *opt,
                           const char *src, const char *dst);
/* linux.devices as MOUNT_DEVICE binds (oci-devices.c); a FIFO is made in STATE_DIR.  */
int oci_devices_load (struct config *cfg, struct json_object *linux_, const char *state_dir,
                      struct sb_error **err);
/* PATH is a character or block device (a bind of it is a device bind).  */
bool oci_device_is_node (const char *path);
/* CFG's environment becomes exactly ENV (NAME=VALUE strings).  */
int oci_config_env (struct config *cfg, char **env, struct sb_error **err);

/* ------------------------------------------------------------- a container's folder */

enum oci_status
{
  OCI_CREATING,
  OCI_CREATED,
  OCI_RUNNING,
  OCI_STOPPED,
};

struct oci_state
{
  char *id;
  char *bundle;
  char *created; /* RFC 3339 */
  pid_t pid;     /* the container's process (the command), as the host sees it */
  pid_t init;    /* the sandbox's pid 1, its parent and reaper */
  pid_t monitor; /* the launcher that runs it, and its start time (/proc/PID/stat) */
  unsigned long long monitor_start;
  enum oci_status status; /* derived by oci_state_read */
  int exit_status;        /* OCI_STOPPED: the status `run` exits with; -1 unknown */
  char *sandbox;          /* the sandbox's name (named.h): `exec` enters it as --enter */
};

/* --root's folder: given, else /run/sandbox-oci for root, else $XDG_RUNTIME_DIR/sandbox-oci,
   else /tmp/sandbox-oci-UID.  */
char *oci_root_default (void);
/* A container id: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most 1024 bytes.  */
bool oci_id_valid (const char *id);
/* ROOT/ID, made (0700; ROOT with its parents); EEXIST when the container exists.  */
int oci_state_make_dir (const char *root, const char *id, char **ret_dir, struct sb_error **err);
/* Writes DIR/state.json from S (atomically).  */
int oci_state_write (const char *dir, const struct oci_state *s, struct sb_error **err);
/* Reads ROOT/ID and derives the status: stopped once the exit file is there or the monitor
   is gone, running once `start` marked it, else created.  */
int oci_state_read (const char *root, const char *id, struct oci_state *ret, char **ret_dir,
                    struct sb_error **err);
void oci_state_free (struct oci_state *s);
const char *oci_status_name (enum oci_status st);
/* The state JSON of the runtime-spec (runtime.md "State"), one line.  */
char *oci_state_json (const struct oci_state *s);
/* Removes DIR and the files in it.  */
void oci_state_remove (const char *dir);
/* The start time of PID (field 22 of /proc/PID/stat); 0 when it is gone.  */
unsigned long long oci_proc_start (pid_t pid);

/* ------------------------------------------------------------- hooks (oci-hooks.c) */

enum oci_hook_kind
{
  OCI_HOOK_PRESTART,
  OCI_HOOK_CREATE_RUNTIME,
  OCI_HOOK_CREATE_CONTAINER,
  OCI_HOOK_START_CONTAINER,
  OCI_HOOK_POSTSTART,
  OCI_HOOK_POSTSTOP,
  OCI_HOOK_COUNT,
};

/* CONF's hooks, checked (one line for the first fault), copied to DIR/hooks.json.  */
int oci_hooks_save (struct json_object *conf, const char *dir, struct sb_error **err);
/* The namespaces createContainer and startContainer hooks join: pid 1's user, mnt, pid,
   net, ipc and uts namespaces.  */
#define OCI_HOOK_NS_COUNT 6
/* NSFD: PID's namespaces that are not ours, opened (-1: the same as ours).  Only while pid 1
   is still dumpable (launch.h's namespaces step) can an unprivileged caller open them.  */
int oci_hooks_open_ns (pid_t pid, int nsfd[OCI_HOOK_NS_COUNT], struct sb_error **err);
void oci_hooks_close_ns (int nsfd[OCI_HOOK_NS_COUNT]);
/* Runs DIR/hooks.json's hooks of KIND in order, the state ST with STATUS on their stdin;
   createContainer and startContainer in the namespaces NSFD (oci_hooks_open_ns's; NULL
   for the other kinds).  The first failure stops the rest and is the error, except for
   poststart and poststop, where every hook runs and the first failure is the error (the
   caller's warning).  */
int oci_hooks_run (const char *dir, enum oci_hook_kind kind, const struct oci_state *st,
                   enum oci_status status, const int *nsfd, struct sb_error **err);

/* ------------------------------------------------------------- shared by the operations */

/* --pid-file: PID written to PATH under DIR (through a renamed temporary file).  */
int oci_write_pid_file_at (int dir, const char *path, pid_t pid, struct sb_error **err);
/* --console-socket: a connection to the AF_UNIX stream socket at PATH (conmon's, or
   `recvtty`), and MASTER sent over it with SCM_RIGHTS, as crun and runc send it.  */
int oci_console_connect (const char *path, struct sb_error **err);
int oci_console_send (int sock, int master, struct sb_error **err);

/* ------------------------------------------------------------- kill (oci-signal.c) */

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+2": the signal's number; -1 when unknown.  */
int oci_parse_signal (const char *s);
/* PID and every descendant of it, PID first; *RET_N of them.  */
pid_t *oci_descendants (pid_t pid, size_t *ret_n);

/* ------------------------------------------------------------- exec (oci-exec.c) */

struct oci_exec_opts
{
  const char *process; /* --process FILE: the whole process, else ARGV and the options */
  const char *pid_file, *console_socket, *cwd, *user;
  char **env;  /* --env NAME=VALUE, in order */
  char **caps; /* --cap NAME */
  unsigned preserve_fds;
  bool detach, tty;
};

/* Runs a process in running container ID (under ROOT), entered as `sandbox --enter` enters
   a named sandbox (enter.h).  *RET_STATUS: its exit status (128+N: signal N); 0 once it is
   started with --detach.  */
int oci_exec (const char *root, const char *id, const struct oci_exec_opts *o, char **argv,
              int *ret_status, struct sb_error **err);
