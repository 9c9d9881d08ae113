/* SPDX-License-Identifier: GPL-2.0-or-later */
/* desktop.h: the host session's display, audio and GPU, shared on request. */
#pragma once

#include <stddef.h>

struct config;
struct sb_error;

/* In the launcher, before the first namespace: finds what --x11, --wayland, --pulseaudio,
   --pipewire and --gpu share (pid 1 opens it: desktop_open), reads the display's X11
   cookie, and sets the command's environment (DISPLAY, XAUTHORITY, WAYLAND_DISPLAY,
   PULSE_SERVER, XDG_RUNTIME_DIR).  What the host lacks is left out with a debug line:
   profiles name several of them.  */
int desktop_prepare (struct config *cfg, struct sb_error **err);
/* In the child, first thing in its mount namespace: opens what is to be bound, while the
   host's paths are still in sight (a mount can only be bound from our own namespace, so the
   launcher's fds would not do).  */
int desktop_open (const struct config *cfg, struct sb_error **err);
/* In the child, after ROOT's /tmp, /run and /dev exist and before pivot_root: binds them
   into ROOT (an O_PATH fd on the new root; paths resolve inside it, inroot.c) and writes
   the private Xauthority file.  */
int desktop_setup (const struct config *cfg, int root, struct sb_error **err);
/* From an Xauthority file's bytes, the first entry for DISPLAY (a number) on HOST or any
   host, rewritten for any host (FamilyWild): the file the sandbox gets.  0 and *RET NULL
   when there is none; -1 when the file is malformed.  */
int desktop_xauth_extract (const char *buf, size_t len, const char *host, const char *display,
                           char **ret, size_t *ret_len);
