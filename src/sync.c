/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sync.c: the launcher <-> setup process protocol (sync.h; STYLE.md section 6). */
#include "build-config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "sync.h"
#include "util.h"

int
sync_send (int sock, enum sync_step step, int status, struct sb_error **err)
{
  struct sync_msg m;

  memset (&m, 0, sizeof m);
  m.step = step;
  m.status = status;
  if (TEMP_FAILURE_RETRY (send (sock, &m, sizeof m, MSG_NOSIGNAL)) != (ssize_t) sizeof m)
    return sb_error_set (err, errno, "write to the %s",
                         step == SYNC_MAPS_DONE || step == SYNC_NET_READY || step == SYNC_EXIT_ACK
                             ? "setup process"
                             : "launcher");
  return 0;
}

void
sync_send_error (int sock, const struct sb_error *e, int status)
{
  struct sync_msg m;

  memset (&m, 0, sizeof m);
  m.step = SYNC_ERROR;
  m.errnum = e->errnum;
  m.status = status;
  strncpy (m.text, e->msg, sizeof m.text - 1);
  (void) TEMP_FAILURE_RETRY (send (sock, &m, sizeof m, MSG_NOSIGNAL));
}

int
sync_send_fd (int sock, enum sync_step step, int fd, struct sb_error **err)
{
  return sync_send_text (sock, step, "", fd, err);
}

int
sync_send_text (int sock, enum sync_step step, const char *text, int fd, struct sb_error **err)
{
  struct sync_msg m;

  memset (&m, 0, sizeof m);
  m.step = step;
  strncpy (m.text, text, sizeof m.text - 1);
  if (send_with_fd (sock, &m, sizeof m, fd) != (ssize_t) sizeof m)
    return sb_error_set (err, errno, "write to the launcher");
  return 0;
}

/* The peer's SYNC_ERROR, as *ERR: the one decoder of it.  */
static int
peer_error (const struct sync_msg *m, struct sb_error **err)
{
  sb_error_set (err, m->errnum, "%s", m->text);
  (*err)->status = m->status;
  return -1;
}

static ssize_t
recv_one (int sock, struct sync_msg *m, int *ret_fd, int flags)
{
  ssize_t n = recv_with_fd (sock, m, sizeof *m, flags, ret_fd);

  /* A peer that exits without reading what we sent (a setup process failing before it
     reads SYNC_NET_READY) leaves ECONNRESET on our socket, and the kernel reports it before
     the messages still queued for us, its SYNC_ERROR among them.  The error is cleared by
     being reported: read on.  */
  if (n < 0 && errno == ECONNRESET)
    n = recv_with_fd (sock, m, sizeof *m, flags, ret_fd);
  if (n == (ssize_t) sizeof *m)
    m->text[sizeof m->text - 1] = '\0';
  return n;
}

int
sync_recv (int sock, struct sync_msg *m, int *ret_fd, struct sb_error **err)
{
  int fd = -1;
  ssize_t n = recv_one (sock, m, &fd, 0);

  if (n == (ssize_t) sizeof *m && m->step != SYNC_ERROR)
    {
      if (ret_fd != NULL)
        *ret_fd = fd;
      else if (fd >= 0)
        (void) close (fd);
      return 1;
    }
  if (ret_fd != NULL)
    *ret_fd = -1;
  if (fd >= 0)
    (void) close (fd);
  if (n < 0)
    return sb_error_set (err, errno, "read the sync socket");
  if (n == 0)
    return 0;
  if (n != (ssize_t) sizeof *m)
    return sb_error_set (err, EPROTO, "a short message on the sync socket");
  return peer_error (m, err);
}

void
sync_take_error (int sock, struct sb_error **err)
{
  struct sync_msg m;
  int fd = -1;

  if (recv_one (sock, &m, &fd, MSG_DONTWAIT) == (ssize_t) sizeof m && m.step == SYNC_ERROR)
    {
      sb_error_free (err);
      peer_error (&m, err);
    }
  if (fd >= 0)
    (void) close (fd);
}

int
sync_expect (int sock, enum sync_step want, struct sb_error **err)
{
  struct sync_msg m;
  int r;

  r = sync_recv (sock, &m, NULL, err);
  if (r < 0)
    return r;
  if (r == 0)
    return sb_error_set (err, 0, "the launcher went away before step %d", want);
  if (m.step != (uint32_t) want)
    return sb_error_set (err, EPROTO, "sent step %u, expected %d", m.step, want);
  return 0;
}
