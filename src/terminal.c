/* SPDX-License-Identifier: GPL-2.0-or-later */
/* terminal.c: the sandbox's own pseudo-terminal (see terminal.h).  Why a pty of our own
   rather than only a new session: in a new session the command still holds the caller's
   terminal on its fds, so a background sandbox could read the keys typed into the user's
   shell, or change its terminal's settings, with no job control to stop it; and `tty`
   cannot name the caller's /dev/pts/N inside, where devpts is the sandbox's own.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "terminal.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

void
terminal_plan (struct term_plan *plan)
{
  memset (plan, 0, sizeof *plan);
  plan->fd = -1;
  for (int fd = 0; fd < 3; fd++)
    if (isatty (fd))
      {
        plan->tty[fd] = true;
        if (plan->fd < 0)
          plan->fd = fd;
      }
  if (plan->fd < 0)
    return;
  if (tcgetattr (plan->fd, &plan->attr) < 0 || ioctl (plan->fd, TIOCGWINSZ, &plan->size) < 0)
    memset (&plan->size, 0, sizeof plan->size);
  /* a background job reads no keys (and would stop at the first tcsetattr) */
  if (plan->tty[0] && plan->tty[1] && tcgetpgrp (STDIN_FILENO) == getpgrp ())
    plan->mode = TERM_INTERACTIVE;
  else if (plan->tty[1] || plan->tty[2])
    plan->mode = TERM_OUTPUT;
}

void
terminal_plan_console (struct term_plan *plan)
{
  memset (plan, 0, sizeof *plan);
  plan->fd = -1;
  plan->console = true;
  plan->mode = TERM_INTERACTIVE;
  for (int fd = 0; fd < 3; fd++)
    plan->tty[fd] = true;
}

int
terminal_release (const struct term_plan *plan, bool keep_stderr, struct sb_error **err)
{
  cleanup_close int null = -1;

  if (plan->fd < 0)
    return 0;
  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    return sb_error_set (err, errno, "open '/dev/null'");
  for (int fd = 0; fd < 3; fd++)
    if (plan->tty[fd] && !(fd == STDERR_FILENO && keep_stderr) && dup2 (null, fd) < 0)
      return sb_error_set (err, errno, "dup2");
  return 0;
}

int
terminal_open_pty (const struct term_plan *plan, uid_t uid, gid_t gid, int *ret_master,
                   int *ret_slave, struct sb_error **err)
{
  cleanup_close int master = -1;
  cleanup_close int slave = -1;
  int unlock = 0;

  *ret_master = *ret_slave = -1;
  if (plan->mode == TERM_NONE)
    return 0;
  /* O_NOCTTY: we lead a session with no terminal, and must not take this one */
  master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return sb_error_set (err, errno, "open '/dev/pts/ptmx'");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return sb_error_set (err, errno, "unlock the pty");
  /* by the master, not by name: nothing can put another file where its name is */
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return sb_error_set (err, errno, "open the pty's slave");
  /* the command's own, as a login's terminal is: what reopens it by name (pinentry with
     GPG_TTY) may */
  if (fchown (slave, uid, gid) < 0)
    return sb_error_set (err, errno, "chown the pty");
  if (!plan->console && tcsetattr (slave, TCSANOW, &plan->attr) < 0)
    return sb_error_set (err, errno, "set the pty's modes");
  if (plan->size.ws_row > 0 && ioctl (slave, TIOCSWINSZ, &plan->size) < 0)
    return sb_error_set (err, errno, "set the pty's size");
  *ret_master = steal_fd (&master);
  *ret_slave = steal_fd (&slave);
  return 0;
}

int
terminal_attach (const struct term_plan *plan, int slave)
{
  /* never in the caller's session: /dev/tty cannot name the caller's terminal, and its
     keys (^C, ^Z) are the launcher's to pass on */
  if (setsid () < 0)
    return -1;
  if (slave < 0)
    return 0;
  if (plan->mode == TERM_INTERACTIVE && ioctl (slave, TIOCSCTTY, 0) < 0)
    return -1;
  for (int fd = 0; fd < 3; fd++)
    if (plan->tty[fd] && (fd != STDIN_FILENO || plan->mode == TERM_INTERACTIVE)
        && dup2 (slave, fd) < 0)
      return -1;
  return 0;
}

/* ---------------------------------------------------------------- the launcher's relay */

void
terminal_relay_init (struct term_relay *r, const struct term_plan *plan)
{
  r->plan = plan;
  r->master = -1;
  r->raw = r->in_done = r->master_done = r->out_done = false;
  r->to_pty_len = r->to_tty_len = 0;
}

/* Where the pty's output goes: stdout when it is on the terminal, else stderr.  */
static int
out_fd (const struct term_relay *r)
{
  return r->plan->tty[STDOUT_FILENO] ? STDOUT_FILENO : STDERR_FILENO;
}

static void
make_raw (struct term_relay *r)
{
  struct termios t = r->saved;

  /* as ssh does: every key goes to the sandbox's pty, whose line discipline makes ^C a
     SIGINT for the sandbox's foreground job; the pty does the output processing */
  cfmakeraw (&t);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (tcsetattr (STDIN_FILENO, TCSADRAIN, &t) == 0)
    r->raw = true;
}

int
terminal_relay_start (struct term_relay *r, int master, struct sb_error **err)
{
  if (r->master >= 0 || r->plan->mode == TERM_NONE)
    {
      (void) close (master);
      return sb_error_set (err, EPROTO, "an unexpected pty from the setup process");
    }
  r->master = master;
  if (fcntl (master, F_SETFL, O_NONBLOCK) < 0)
    return sb_error_set (err, errno, "fcntl");
  /* the window may have changed since pid 1 copied its size */
  terminal_relay_resize (r);
  if (r->plan->mode == TERM_INTERACTIVE && tcgetattr (STDIN_FILENO, &r->saved) == 0)
    make_raw (r);
  else
    r->in_done = true;
  return 0;
}

void
terminal_relay_poll (const struct term_relay *r, struct pollfd *fds)
{
  for (int i = 0; i < TERM_RELAY_NFDS; i++)
    fds[i] = (struct pollfd){ .fd = -1 };
  if (r->master < 0)
    return;
  if (!r->master_done)
    {
      fds[0].fd = r->master;
      if (r->to_tty_len < sizeof r->to_tty)
        fds[0].events |= POLLIN;
      if (r->to_pty_len > 0)
        fds[0].events |= POLLOUT;
    }
  if (!r->in_done && r->to_pty_len < sizeof r->to_pty)
    fds[1] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
  if (!r->out_done && r->to_tty_len > 0)
    fds[2] = (struct pollfd){ .fd = out_fd (r), .events = POLLOUT };
}

/* Reads into BUF (LEN used of SIZE) from FD: false at its end or on an error.  */
static bool
fill (int fd, char *buf, size_t *len, size_t size)
{
  ssize_t n = read (fd, buf + *len, size - *len);

  if (n > 0)
    *len += (size_t) n;
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

/* Writes from BUF to FD what it takes: false on an error.  */
static bool
drain (int fd, char *buf, size_t *len)
{
  ssize_t n = write (fd, buf, *len);

  if (n < 0)
    return errno == EAGAIN || errno == EINTR;
  memmove (buf, buf + n, *len - (size_t) n);
  *len -= (size_t) n;
  return true;
}

void
terminal_relay_io (struct term_relay *r, const struct pollfd *fds)
{
  /* EIO from the master: no process holds the slave (they are gone); more would be lost
     only if one reopened it, and the end drains what is left anyway */
  if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && r->to_tty_len < sizeof r->to_tty
      && !fill (r->master, r->to_tty, &r->to_tty_len, sizeof r->to_tty))
    r->master_done = true;
  if ((fds[0].revents & POLLOUT) && !drain (r->master, r->to_pty, &r->to_pty_len))
    r->master_done = true;
  if (r->master_done)
    r->to_pty_len = 0;
  if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && r->to_pty_len < sizeof r->to_pty
      && !fill (STDIN_FILENO, r->to_pty, &r->to_pty_len, sizeof r->to_pty))
    r->in_done = true; /* the caller's terminal hung up */
  if ((fds[2].revents & (POLLOUT | POLLHUP | POLLERR))
      && ((fds[2].revents & POLLOUT) == 0 || !drain (fds[2].fd, r->to_tty, &r->to_tty_len)))
    r->out_done = true;
  if (r->out_done)
    r->to_tty_len = 0;
}

void
terminal_relay_resize (struct term_relay *r)
{
  struct winsize ws;

  if (r->master >= 0 && ioctl (r->plan->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
    (void) ioctl (r->master, TIOCSWINSZ, &ws);
}

void
terminal_relay_continued (struct term_relay *r)
{
  if (r->raw)
    make_raw (r);
}

void
terminal_relay_end (struct term_relay *r)
{
  if (r->master >= 0)
    {
      /* every process of the sandbox is gone: what is buffered, then EIO */
      for (;;)
        {
          if (!r->out_done && r->to_tty_len > 0
              && write_all (out_fd (r), r->to_tty, r->to_tty_len) < 0)
            r->out_done = true;
          r->to_tty_len = 0;
          if (!fill (r->master, r->to_tty, &r->to_tty_len, sizeof r->to_tty) || r->to_tty_len == 0)
            break;
        }
      closep (&r->master);
      r->master = -1;
    }
  if (r->raw)
    {
      (void) tcsetattr (STDIN_FILENO, TCSADRAIN, &r->saved);
      r->raw = false;
    }
}
