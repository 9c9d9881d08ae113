/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sync.h: the messages between the launcher and the setup process (pid 1 of the sandbox),
   over one SOCK_SEQPACKET socketpair: each message is one packet, so a short read is an
   error.  Only launch.c, init.c and sync.c speak it.

   The sequence, in the order of the enum (a message in [brackets] is sent only when its
   feature is on; "fd" carries one descriptor, SCM_RIGHTS):

     launcher                                  pid 1                    (then the command)
     clone ------------------------------------>
                                               its namespaces, lo up
               <------------------------------ [SYNC_EGRESS_FD] x4, fd each, fixed order
               <------------------------------ SYNC_NS_READY
     id maps written, pid 1 in its cgroup
     [SYNC_MAPS_DONE] ------------------------->
                                               the root, built
               <------------------------------ [SYNC_FUSE_FD] fd: start fuse-overlayfs
               <------------------------------ [SYNC_UPPER_FD] fd: count cwd changes
               <------------------------------ [SYNC_PROCVIEWS] fd: start its server
               <------------------------------ [SYNC_PTY] fd: relay the pty
               <------------------------------------------------- SYNC_CMD_READY: the
                                                                          command is set
                                                                          up, waits
     the network helpers ready (and a front end's ready hook, launch.h)
     SYNC_NET_READY --------------------------------------------------> read by the
                                                                          command, which
                                                                          then execs
               <------------------------------ SYNC_EXITED, the command's wait status
     [SYNC_EXIT_ACK] -------------------------> the OOM count is read: pid 1 may exit

   What may replace what: pid 1, and the command's process before its exec, may send
   SYNC_ERROR in place of any message of theirs, and then exit; it is the last message.
   When pid 1 writes its own one-id map (launch.c: nothing of the launcher's must come
   between its namespaces and its root), SYNC_NS_READY carries the namespaces' identities
   as text (and, when fuse-overlayfs may be needed, its user namespace's fd), and no
   SYNC_MAPS_DONE follows: pid 1 goes on at once.
   The launcher sends SYNC_MAPS_DONE only after SYNC_NS_READY, and SYNC_NET_READY only
   after SYNC_MAPS_DONE (pid 1 reads nothing between them), so that they cannot cross.
   pid 1's messages after SYNC_MAPS_DONE come in the order above, but the launcher takes
   each when it comes.  */
#pragma once

#include <stdint.h>

struct sb_error;

enum sync_step
{
  SYNC_EGRESS_FD = 1, /* pid 1 -> launcher: one of sandbox-egress's sockets (egress.h) */
  SYNC_NS_READY,      /* pid 1 -> launcher: every namespace is made; helpers may join them */
  SYNC_MAPS_DONE,     /* launcher -> pid 1: id maps written, cgroup entered; go on */
  SYNC_FUSE_FD,       /* pid 1 -> launcher: a mounted /dev/fuse fd for fuse-overlayfs */
  SYNC_UPPER_FD,      /* pid 1 -> launcher: the ephemeral upper layer, counted at the end */
  SYNC_PROCVIEWS,     /* pid 1 -> launcher: the /proc views' /dev/fuse fd; start its server */
  SYNC_PTY,           /* pid 1 -> launcher: the master of the sandbox's pty */
  SYNC_CMD_READY,     /* the command -> launcher: set up but for seccomp; waits for the next */
  SYNC_NET_READY,     /* launcher -> the command: the network helpers are up; exec */
  SYNC_EXITED,        /* pid 1 -> launcher: the command ended with a wait status */
  SYNC_EXIT_ACK,      /* launcher -> pid 1: the OOM count is read, you may exit */
  SYNC_ERROR,         /* pid 1 or the command -> launcher: setup or exec failed; why */
};

struct sync_msg
{
  uint32_t step;
  int32_t errnum;
  int32_t status; /* SYNC_ERROR: exit status (125, 126, 127); SYNC_EXITED: wait status */
  char text[500];
};

int sync_send (int sock, enum sync_step step, int status, struct sb_error **err);
/* Sends STEP with FD attached.  */
int sync_send_fd (int sock, enum sync_step step, int fd, struct sb_error **err);
/* Sends STEP with TEXT (cut to the message's size) and FD attached when FD >= 0.  */
int sync_send_text (int sock, enum sync_step step, const char *text, int fd, struct sb_error **err);
/* Sends E as SYNC_ERROR with exit status STATUS.  Best effort: the sender is about to
   _exit anyway.  */
void sync_send_error (int sock, const struct sb_error *e, int status);

/* Reads one message; 0 at the end of the stream, 1 when *RET holds one, -1 with *ERR set
   when the read failed or the message is SYNC_ERROR: the peer's error, its exit status in
   (*err)->status.  A passed fd goes to *RET_FD (-1 when none came; closed when NULL).  */
int sync_recv (int sock, struct sync_msg *ret, int *ret_fd, struct sb_error **err);
/* Waits for WANT; the peer's SYNC_ERROR, or its end, becomes *err.  */
int sync_expect (int sock, enum sync_step want, struct sb_error **err);
/* A SYNC_ERROR already queued on SOCK (not waiting for one) replaces *ERR: when a step of
   the launcher fails because pid 1 died under it, pid 1's own reason is the one to give.  */
void sync_take_error (int sock, struct sb_error **err);
