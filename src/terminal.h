/* SPDX-License-Identifier: GPL-2.0-or-later */
/* terminal.h: the sandbox's own pseudo-terminal.  No process of the sandbox ever holds the
   caller's terminal or has it as its controlling one: pid 1 makes a pty in the sandbox's
   devpts, the command gets its slave, and the launcher relays between the master and the
   caller's terminal.  TIOCSTI and TIOCLINUX then reach the sandbox's own pty whatever the
   seccomp policy (bubblewrap CVE-2017-5226), `tty` names /dev/pts/N inside, and an
   interactive shell has job control on its own terminal.  */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

struct sb_error;

enum term_mode
{
  TERM_NONE,        /* no terminal among fds 0-2: no pty, the command in a session of its own */
  TERM_OUTPUT,      /* output to a terminal only (a pipe or file for stdout, or a background
                       job): the pty's output is relayed; a terminal stdin becomes /dev/null */
  TERM_INTERACTIVE, /* stdin and stdout on the terminal, in its foreground: the caller's
                       terminal raw, both ways relayed, the pty the command's controlling one */
};

struct term_plan
{
  enum term_mode mode;
  bool tty[3];         /* fd N is on the caller's terminal */
  int fd;              /* the first of fds 0-2 on it; -1 */
  struct termios attr; /* its settings: the pty's to start with */
  struct winsize size;
  bool console; /* a front end takes the master (terminal_plan_console) */
};

/* Launcher, before clone: which of fds 0-2 are on a terminal, and the mode.  */
void terminal_plan (struct term_plan *plan);

/* A front end's plan (the OCI runtime's --console-socket): fds 0-2 of the command all on
   a pty with its default settings, its controlling terminal; the launcher relays nothing
   and hands the master over (launch.h).  */
void terminal_plan_console (struct term_plan *plan);

/* pid 1, first thing: /dev/null in place of each of fds 0-2 that is on the caller's
   terminal; with KEEP_STDERR not fd 2 (--verbose's lines, until the command runs).  */
int terminal_release (const struct term_plan *plan, bool keep_stderr, struct sb_error **err);

/* pid 1, in the new root: a pty of the sandbox's devpts, the slave owned by UID:GID, with
   the caller's settings and window size.  *RET_MASTER is for the launcher, *RET_SLAVE for
   the command; both -1 when the plan needs no pty.  */
int terminal_open_pty (const struct term_plan *plan, uid_t uid, gid_t gid, int *ret_master,
                       int *ret_slave, struct sb_error **err);

/* The command's process (spawn_shared: system calls only): a session of its own; SLAVE (or
   -1) on the fds that were on the terminal, and its controlling terminal when
   interactive.  -1 and errno.  */
int terminal_attach (const struct term_plan *plan, int slave);

/* The launcher's relay between the pty's master and the caller's terminal.  */
struct term_relay
{
  const struct term_plan *plan;
  int master; /* -1 until pid 1 sends it */
  bool raw;   /* the caller's terminal is raw: terminal_relay_end restores SAVED */
  struct termios saved;
  bool in_done, master_done, out_done;
  size_t to_pty_len, to_tty_len;
  char to_pty[4096], to_tty[16384];
};
#define TERM_RELAY_NFDS 3

void terminal_relay_init (struct term_relay *r, const struct term_plan *plan);
/* pid 1's MASTER (taken): the current window size, the caller's terminal raw when
   interactive.  */
int terminal_relay_start (struct term_relay *r, int master, struct sb_error **err);
/* Fills TERM_RELAY_NFDS entries of FDS for poll (fd -1 where nothing is awaited).  */
void terminal_relay_poll (const struct term_relay *r, struct pollfd *fds);
/* Moves what FDS report ready.  */
void terminal_relay_io (struct term_relay *r, const struct pollfd *fds);
/* SIGWINCH: the caller's window size to the pty; the kernel tells the sandbox's
   foreground group.  */
void terminal_relay_resize (struct term_relay *r);
/* SIGCONT: raw again (the shell may have reset the terminal while we were stopped).  */
void terminal_relay_continued (struct term_relay *r);
/* The sandbox has ended: the rest of its output, then the caller's terminal as it was.
   Safe on a relay never started, and called on every way out.  */
void terminal_relay_end (struct term_relay *r);
