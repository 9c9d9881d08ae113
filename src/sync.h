/* sync.h: messages between the launcher and the setup process (pid 1 of the sandbox) over
   one SOCK_SEQPACKET socketpair: each message is one packet, so a short read is an error.  */
#pragma once

#include <stdint.h>

struct sb_error;

enum sync_step
{
  SYNC_MAPS_DONE = 1, /* launcher -> child: id maps written, go on */
  SYNC_ERROR,         /* child -> launcher: setup or exec failed; text says why */
  SYNC_EXITED,        /* child -> launcher: the command ended with wait status */
  SYNC_FUSE_FD,       /* child -> launcher: a mounted /dev/fuse fd (SCM_RIGHTS) to serve */
  SYNC_NET_READY,     /* launcher -> command: the network helper is up; exec */
  SYNC_PROCVIEWS,     /* child -> launcher: the /proc views' /dev/fuse fd; start its server */
  SYNC_EXIT_ACK,      /* launcher -> child: the OOM count is read, you may exit */
  SYNC_NS_READY,      /* child -> launcher: every namespace is made; helpers may join them */
  SYNC_EGRESS_FD,     /* child -> launcher: one of sandbox-egress's sockets (egress.h) */
  SYNC_PTY,           /* child -> launcher: the master of the sandbox's pty (SCM_RIGHTS) */
  SYNC_UPPER_FD,      /* child -> launcher: the ephemeral upper layer, counted at the end */
};

struct sync_msg
{
  uint32_t step;
  int32_t errnum;
  int32_t status; /* SYNC_ERROR: exit status (125, 126, 127); SYNC_EXITED: wait status */
  char text[500];
};

int sync_send (int sock, enum sync_step step, int status, struct sb_error **err);
/* Sends ERR (or TEXT) as SYNC_ERROR with exit status STATUS.  Best effort: the child is about
   to _exit anyway.  */
void sync_send_error (int sock, const struct sb_error *e, int status);
/* Waits for WANT; the peer's SYNC_ERROR, or its death, becomes *err.  */
int sync_expect (int sock, enum sync_step want, struct sb_error **err);
/* Reads one message of any kind; 0 at end of stream, 1 when *ret holds one.  A passed fd is
   closed.  */
int sync_recv (int sock, struct sync_msg *ret, struct sb_error **err);
/* Sends STEP with FD attached.  */
int sync_send_fd (int sock, enum sync_step step, int fd, struct sb_error **err);
/* As sync_recv; a passed fd goes to *ret_fd (-1 when none came).  */
int sync_recv_fd (int sock, struct sync_msg *ret, int *ret_fd, struct sb_error **err);
