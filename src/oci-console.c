/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-console.c: what create and exec hand to the engine: --pid-file, and the pty's
   master over --console-socket.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"
#include "oci.h"
#include "util.h"

int
oci_write_pid_file_at (int dir, const char *path, pid_t pid, struct sb_error **err)
{
  cleanup_free char *tmp = NULL;
  char buf[32];
  cleanup_close int fd = -1;

  if (asprintf (&tmp, "%s.tmp", path) < 0)
    oom ();
  snprintf (buf, sizeof buf, "%d", (int) pid);
  fd = openat (dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write_all (fd, buf, strlen (buf)) < 0 || renameat (dir, tmp, dir, path) < 0)
    return sb_error_set (err, errno, "--pid-file '%s'", path);
  return 0;
}

/* --console-socket: the pty's master, sent with SCM_RIGHTS to the AF_UNIX stream socket
   at PATH (conmon's, or `recvtty`), as crun and runc send it.  */
int
oci_console_connect (const char *path, struct sb_error **err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cleanup_close int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (strlen (path) >= sizeof sa.sun_path)
    return sb_error_set (err, ENAMETOOLONG, "--console-socket '%s'", path);
  strcpy (sa.sun_path, path);
  if (sock < 0 || connect (sock, (struct sockaddr *) &sa, sizeof sa) < 0)
    return sb_error_set (err, errno, "--console-socket '%s'", path);
  return steal_fd (&sock);
}

int
oci_console_send (int sock, int master, struct sb_error **err)
{
  char byte = '0';

  if (send_with_fd (sock, &byte, 1, master) < 0)
    return sb_error_set (err, errno, "--console-socket: send the terminal");
  return 0;
}
