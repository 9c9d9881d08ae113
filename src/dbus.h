/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbus.h: the session bus: kept out, shared, or filtered through xdg-dbus-proxy; the
   system bus: kept out or filtered. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

struct sb_error;

/* where libdbus and sd-bus look for the system bus without DBUS_SYSTEM_BUS_ADDRESS, on the
   host and inside */
#define SB_DBUS_SYSTEM_SOCKET "/run/dbus/system_bus_socket"

/* The modes in effect: --dbus-talk/--dbus-own (--dbus-system-talk) alone mean filter.  */
enum dbus_mode sb_dbus_mode_user (const struct config *cfg);
enum dbus_mode sb_dbus_mode_system (const struct config *cfg);

/* The plan (desktop.c's), which starts nothing.  *RET_USER: the socket to bind at the
   command's $XDG_RUNTIME_DIR/bus: the host's bus (--dbus-user open), or where the
   xdg-dbus-proxy that sb_dbus_start starts will listen (filter), in cfg->dbus_proxy_dir;
   *RET_SYSTEM: the proxy's socket for the system bus, to bind at SB_DBUS_SYSTEM_SOCKET;
   NULL when nothing is shared.  */
int sb_dbus_plan (struct config *cfg, char **ret_user, char **ret_system, struct sb_error **err);

/* The proxy, the launcher's (launch.c): started after the plan, before the clone.  */
struct sb_dbus_proxy
{
  pid_t pid;     /* 0: not running */
  int fd;        /* closing it ends the proxy (its --fd) */
  bool made_dir; /* cfg->dbus_proxy_dir was made */
};
#define SB_DBUS_PROXY_INIT                                                                         \
  {                                                                                                \
    .pid = 0, .fd = -1, .made_dir = false                                                          \
  }
/* Starts it when the plan chose a filter; ready (its sockets there) when this returns.  */
int sb_dbus_start (const struct config *cfg, struct sb_dbus_proxy *p, struct sb_error **err);
/* Ends it and removes its sockets and folder; safe to repeat.  */
void sb_dbus_stop (const struct config *cfg, struct sb_dbus_proxy *p);
