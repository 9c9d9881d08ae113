/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named.c: named sandboxes.  A launcher claims its name (state.c: a link NAME to its own
   folder), keeps state.json there (what --list shows and --stop needs), and stays the
   supervisor: --detach only moves it to the background.  Nothing here is trusted because it
   is on disk: the launcher's identity (pid and start time) comes from the folder's name and
   is checked against the live process before anything is signalled or shown.  */
#include "build-config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "enter.h"
#include "error.h"
#include "log.h"
#include "named-internal.h"
#include "named.h"
#include "net.h"
#include "state.h"
#include "util.h"

#define LOG_FILE "log"

/* The sandbox's namespaces as pid 1 made them, stat'ed while it could still be (before it
   is released: then it is not dumpable), for --enter to check the live ones against.  */
static struct
{
  unsigned long long dev, ino;
} ns_ids[ENTER_NS_COUNT];

/* The detached launcher's pipe to the caller that waits for it, until the sandbox runs: the
   one thing main's error path needs that the const config cannot carry.  */
static int detach_fd = -1;

bool
named_valid_name (const char *name)
{
  size_t n = strlen (name);

  if (n == 0 || n > 64 || !isalnum ((unsigned char) name[0]) || strncmp (name, "run-", 4) == 0)
    return false;
  for (const char *p = name; *p != '\0'; p++)
    if (!isascii ((unsigned char) *p)
        || !(isalnum ((unsigned char) *p) || *p == '_' || *p == '.' || *p == '-'))
      return false;
  return true;
}

/* "sb-" and six hex digits */
static char *
generate_name (void)
{
  unsigned char r[3] = { 0 };
  char *name;

  if (getrandom (r, sizeof r, 0) != (ssize_t) sizeof r)
    {
      unsigned v = (unsigned) getpid () ^ (unsigned) time (NULL);
      memcpy (r, &v, sizeof r);
    }
  if (asprintf (&name, "sb-%02x%02x%02x", r[0], r[1], r[2]) < 0)
    oom ();
  return name;
}

int
named_detach (struct config *cfg, int *ret_exit, struct sb_error **err)
{
  int p[2], wstatus;
  char buf[4096];
  size_t len = 0;
  ssize_t n;
  pid_t pid;

  *ret_exit = -1;
  if (cfg->name == NULL)
    cfg->name = generate_name ();
  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "--detach: pipe");
  fflush (NULL);
  pid = fork ();
  if (pid < 0)
    return sb_error_set (err, errno, "--detach: fork");
  if (pid == 0)
    {
      (void) close (p[0]);
      detach_fd = p[1];
      /* no terminal: ^C and a hangup of the caller's are not the sandbox's */
      (void) setsid ();
      return 0;
    }
  (void) close (p[1]);
  while (len < sizeof buf - 1
         && (n = TEMP_FAILURE_RETRY (read (p[0], buf + len, sizeof buf - 1 - len))) > 0)
    len += (size_t) n;
  (void) close (p[0]);
  buf[len] = '\0';
  if (len > 0 && buf[0] == 'R')
    {
      printf ("%s\n", cfg->name);
      *ret_exit = 0;
      return 0;
    }
  /* the launcher failed: its line, and its status */
  if (TEMP_FAILURE_RETRY (waitpid (pid, &wstatus, 0)) < 0)
    return sb_error_set (err, errno, "--detach: waitpid");
  if (len > 1)
    log_error ("%s", buf + 1);
  *ret_exit = WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : 125;
  if (*ret_exit == 0)
    *ret_exit = 125;
  return 0;
}

bool
named_report (const char *text, int status)
{
  char c = 'E';

  (void) status;
  if (detach_fd < 0)
    return false;
  (void) write_all (detach_fd, &c, 1);
  (void) write_all (detach_fd, text, strlen (text));
  closep (&detach_fd);
  return true;
}

static char *
join (char *const *v, const char *sep)
{
  size_t len = 1;
  char *s;

  for (char *const *p = v; p != NULL && *p != NULL; p++)
    len += strlen (*p) + strlen (sep);
  s = xcalloc (1, len);
  for (char *const *p = v; p != NULL && *p != NULL; p++)
    {
      if (p != v)
        strcat (s, sep);
      strcat (s, *p);
    }
  return s;
}

/* Writes OBJ as RUN_DIR/state.json: a temporary file renamed over it, so that a reader sees
   the old state or the new one, never half of one.  A state that replaces another is
   exchanged with it, and the old one unlinked: ext4 (auto_da_alloc) starts writing a file
   renamed over another to the disk, and unlinking it at teardown then waits for that write,
   milliseconds of every start where the runtime folder is on a disk.  */
static int
write_state (const char *run_dir, struct json_object *obj, struct sb_error **err)
{
  cleanup_close int dir = open (run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int fd = -1;
  const char *text = json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN);

  if (dir < 0)
    return sb_error_set (err, errno, "open '%s'", run_dir);
  (void) unlinkat (dir, STATE_FILE ".tmp", 0);
  fd = openat (dir, STATE_FILE ".tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write_all (fd, text, strlen (text)) < 0)
    return sb_error_set (err, errno, "write '%s/%s'", run_dir, STATE_FILE);
  if (renameat2 (dir, STATE_FILE ".tmp", dir, STATE_FILE, RENAME_EXCHANGE) == 0)
    {
      (void) unlinkat (dir, STATE_FILE ".tmp", 0);
      return 0;
    }
  /* the first state, or a file system without exchange */
  if (renameat (dir, STATE_FILE ".tmp", dir, STATE_FILE) < 0)
    return sb_error_set (err, errno, "write '%s/%s'", run_dir, STATE_FILE);
  return 0;
}

static struct json_object *
state_object (const struct config *cfg, pid_t pid, const char *cgroup)
{
  struct json_object *o = json_object_new_object (), *ports = json_object_new_array ();
  cleanup_free char *command = join (cfg->argv, " ");
  cleanup_free char *profiles = join (cfg->profiles, ",");

  json_object_object_add (o, "name", json_object_new_string (cfg->name));
  json_object_object_add (o, "launcher", json_object_new_int64 (getpid ()));
  json_object_object_add (o, "pid", json_object_new_int64 (pid));
  json_object_object_add (o, "pid_start",
                          json_object_new_uint64 (pid > 0 ? state_start_time (pid) : 0));
  json_object_object_add (o, "started", json_object_new_int64 ((int64_t) time (NULL)));
  json_object_object_add (o, "command", json_object_new_string (cfg->argv ? command : "(shell)"));
  json_object_object_add (o, "profile", json_object_new_string (profiles));
  if (cfg->net == NET_JOIN)
    {
      cleanup_free char *net = NULL;

      if (asprintf (&net, "sandbox:%s", cfg->net_join) < 0)
        oom ();
      json_object_object_add (o, "network", json_object_new_string (net));
    }
  else if (cfg->net == NET_NETWORK)
    {
      cleanup_free char *net = NULL;

      if (asprintf (&net, "network:%s", cfg->network) < 0)
        oom ();
      json_object_object_add (o, "network", json_object_new_string (net));
    }
  else
    json_object_object_add (o, "network", json_object_new_string (net_mode_name (cfg->net)));
  for (size_t i = 0; i < cfg->n_publish; i++)
    json_object_array_add (ports, json_object_new_string (cfg->publish[i].spec));
  json_object_object_add (o, "ports", ports);
  json_object_object_add (o, "cgroup", cgroup ? json_object_new_string (cgroup) : NULL);
  json_object_object_add (o, "detached", json_object_new_boolean (cfg->detach));
  return o;
}

int
named_prepare (struct config *cfg, struct sb_error **err)
{
  struct json_object *o;
  int r;

  if (cfg->name == NULL)
    {
      /* a generated name taken by another launcher: draw again */
      for (int i = 0; i < 8; i++)
        {
          cfg->name = generate_name ();
          if (state_name_claim (cfg, cfg->name, err) == 0)
            break;
          sb_error_free (err);
          free (steal_ptr (&cfg->name));
        }
      if (cfg->name == NULL)
        return sb_error_set (err, 0, "no free generated name");
    }
  else if (state_name_claim (cfg, cfg->name, err) < 0)
    return -1;
  o = state_object (cfg, 0, NULL);
  r = write_state (cfg->run_dir, o, err);
  json_object_put (o);
  if (r < 0)
    return -1;
  if (cfg->detach)
    {
      cleanup_free char *log = NULL;
      cleanup_close int fd = -1, null = open ("/dev/null", O_RDONLY | O_CLOEXEC);

      if (asprintf (&log, "%s/%s", cfg->run_dir, LOG_FILE) < 0)
        oom ();
      fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 || null < 0)
        return sb_error_set (err, errno, "--detach: open '%s'", log);
      fflush (NULL);
      if (dup2 (null, 0) < 0 || dup2 (fd, 1) < 0 || dup2 (fd, 2) < 0)
        return sb_error_set (err, errno, "--detach: dup2");
    }
  return 0;
}

void
named_record_namespaces (pid_t pid)
{
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    {
      char path[64];
      struct stat st;

      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, enter_ns_names[i]);
      if (stat (path, &st) == 0)
        {
          ns_ids[i].dev = (unsigned long long) st.st_dev;
          ns_ids[i].ino = (unsigned long long) st.st_ino;
        }
    }
}

void
named_namespaces_text (char *buf, size_t len)
{
  size_t n = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < ENTER_NS_COUNT && n < len; i++)
    {
      char path[64];
      struct stat st = { 0 };
      int r;

      snprintf (path, sizeof path, "/proc/self/ns/%s", enter_ns_names[i]);
      if (stat (path, &st) < 0)
        st.st_dev = st.st_ino = 0;
      r = snprintf (buf + n, len - n, "%llu:%llu ", (unsigned long long) st.st_dev,
                    (unsigned long long) st.st_ino);
      if (r < 0)
        break;
      n += (size_t) r;
    }
}

void
named_take_namespaces (const char *text)
{
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    {
      int end = 0;

      if (sscanf (text, " %llu:%llu%n", &ns_ids[i].dev, &ns_ids[i].ino, &end) != 2)
        {
          ns_ids[i].dev = ns_ids[i].ino = 0;
          return;
        }
      text += end;
    }
}

/* What --enter needs to give its process what the command has: the namespaces' identities,
   the ids, capabilities, rlimits, environment and working directory.  */
static void
add_enter_state (struct json_object *o, const struct config *cfg)
{
  struct json_object *ns = json_object_new_object (), *env = json_object_new_array ();
  struct json_object *rl = json_object_new_array ();
  const char *shell = "/bin/sh";
  char caps[32];

  /* --enter's default: the sandbox's $SHELL, as the first shell's */
  for (char **e = cfg->envp; e != NULL && *e != NULL; e++)
    if (strncmp (*e, "SHELL=", 6) == 0 && (*e)[6] == '/')
      shell = *e + 6;
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    {
      char id[64];

      snprintf (id, sizeof id, "%llu:%llu", ns_ids[i].dev, ns_ids[i].ino);
      json_object_object_add (ns, enter_ns_names[i], json_object_new_string (id));
    }
  json_object_object_add (o, "namespaces", ns);
  json_object_object_add (o, "uid", json_object_new_int64 (cfg->uid));
  json_object_object_add (o, "gid", json_object_new_int64 (cfg->gid));
  json_object_object_add (o, "map_root", json_object_new_boolean (cfg->map_root));
  snprintf (caps, sizeof caps, "%llu", (unsigned long long) cfg->caps);
  json_object_object_add (o, "caps", json_object_new_string (caps));
  json_object_object_add (o, "seccomp", json_object_new_boolean (cfg->seccomp_bpf.len > 0));
  json_object_object_add (o, "cwd",
                          cfg->chdir ? json_object_new_string (cfg->chdir)
                          : cfg->cwd ? json_object_new_string (cfg->cwd)
                                     : json_object_new_string ("/"));
  json_object_object_add (o, "shell", json_object_new_string (shell));
  for (char **e = cfg->envp; e != NULL && *e != NULL; e++)
    json_object_array_add (env, json_object_new_string (*e));
  json_object_object_add (o, "env", env);
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    {
      struct json_object *r = json_object_new_array ();

      json_object_array_add (r, json_object_new_int64 (cfg->rlimits[i].resource));
      json_object_array_add (r, json_object_new_uint64 (cfg->rlimits[i].soft));
      json_object_array_add (r, json_object_new_uint64 (cfg->rlimits[i].hard));
      json_object_array_add (rl, r);
    }
  json_object_object_add (o, "rlimits", rl);
}

/* The compiled filter the command runs under, for --enter to load the same one.  */
static void
write_filter (const struct config *cfg)
{
  cleanup_close int dir = open (cfg->run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int fd = -1;

  if (dir < 0 || cfg->seccomp_bpf.len == 0)
    return;
  fd = openat (dir, ENTER_FILTER_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write_all (fd, cfg->seccomp_bpf.insns, cfg->seccomp_bpf.len) < 0)
    log_warning ("write '%s/%s': %s", cfg->run_dir, ENTER_FILTER_FILE, strerror (errno));
}

void
named_running (const struct config *cfg, pid_t pid, const char *cgroup)
{
  struct sb_error *err = NULL;
  struct json_object *o;

  if (cfg->run_dir == NULL || cfg->name == NULL)
    return;
  write_filter (cfg);
  o = state_object (cfg, pid, cgroup);
  add_enter_state (o, cfg);
  if (write_state (cfg->run_dir, o, &err) < 0)
    {
      log_warning ("%s", err->msg);
      sb_error_free (&err);
    }
  json_object_put (o);
  if (cfg->info_fd >= 0)
    {
      struct json_object *info = json_object_new_object ();
      const char *text;

      json_object_object_add (info, "child-pid", json_object_new_int64 (pid));
      json_object_object_add (info, "name", json_object_new_string (cfg->name));
      text = json_object_to_json_string_ext (info, JSON_C_TO_STRING_PRETTY);
      if (write_all (cfg->info_fd, text, strlen (text)) < 0
          || write_all (cfg->info_fd, "\n", 1) < 0)
        log_warning ("--info-fd %d: %s", cfg->info_fd, strerror (errno));
      (void) close (cfg->info_fd);
      json_object_put (info);
    }
  if (detach_fd >= 0)
    {
      (void) write_all (detach_fd, "R", 1);
      closep (&detach_fd);
    }
}

/* --logs NAME */
int
named_logs (const char *name, FILE *out, struct sb_error **err)
{
  cleanup_free char *run_dir = NULL;
  cleanup_close int dir = -1, fd = -1;
  struct state_owner o;
  char buf[65536];
  ssize_t n;

  if (state_name_lookup (name, &run_dir, &o) < 0)
    return sb_error_set (err, 0, "--logs '%s': no running sandbox has this name", name);
  dir = open (run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  fd = dir < 0 ? -1 : openat (dir, LOG_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno == ENOENT ? 0 : errno, "--logs '%s': %s", name,
                         errno == ENOENT ? "it was not started with --detach" : "open");
  fflush (out);
  while ((n = TEMP_FAILURE_RETRY (read (fd, buf, sizeof buf))) > 0)
    if (write_all (fileno (out), buf, (size_t) n) < 0)
      return sb_error_set (err, errno, "--logs: write");
  return n < 0 ? sb_error_set (err, errno, "--logs '%s': read", name) : 0;
}

struct json_object *
named_read_state (const char *run_dir)
{
  cleanup_close int dir = open (run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_free char *text = NULL;

  if (dir < 0)
    return NULL;
  text = read_regular_file_at (dir, STATE_FILE, STATE_MAX, NULL, NULL);
  return text != NULL ? json_tokener_parse (text) : NULL;
}
