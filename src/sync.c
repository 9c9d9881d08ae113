/* sync.c: the launcher <-> setup process protocol of STYLE.md section 6. */
#include "build-config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "sync.h"

int
sync_send (int sock, enum sync_step step, int status, struct sb_error **err)
{
  struct sync_msg m;

  memset (&m, 0, sizeof m);
  m.step = step;
  m.status = status;
  if (TEMP_FAILURE_RETRY (send (sock, &m, sizeof m, MSG_NOSIGNAL)) != (ssize_t) sizeof m)
    return sb_error_set (err, errno, "write to the %s", step == SYNC_MAPS_DONE || step == SYNC_NET_READY ? "setup process" : "launcher");
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
sync_recv (int sock, struct sync_msg *m, struct sb_error **err)
{
  ssize_t n;

  n = TEMP_FAILURE_RETRY (recv (sock, m, sizeof *m, 0));
  if (n < 0)
    return sb_error_set (err, errno, "read from the setup process");
  if (n == 0)
    return 0;
  if (n != (ssize_t) sizeof *m)
    return sb_error_set (err, EPROTO, "short message from the setup process");
  m->text[sizeof m->text - 1] = '\0';
  return 1;
}

int
sync_expect (int sock, enum sync_step want, struct sb_error **err)
{
  struct sync_msg m;
  int r;

  r = sync_recv (sock, &m, err);
  if (r < 0)
    return r;
  if (r == 0)
    return sb_error_set (err, 0, "the launcher went away before step %d", want);
  if (m.step == SYNC_ERROR)
    return sb_error_set (err, m.errnum, "%s", m.text);
  if (m.step != (uint32_t) want)
    return sb_error_set (err, EPROTO, "sent step %u, expected %d", m.step, want);
  return 0;
}
