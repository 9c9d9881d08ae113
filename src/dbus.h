/* dbus.h: the session bus: kept out, shared, or filtered through xdg-dbus-proxy; the
   system bus: kept out or filtered. */
#pragma once

#include "config.h"

struct sb_error;

/* where libdbus and sd-bus look for the system bus without DBUS_SYSTEM_BUS_ADDRESS, on the
   host and inside */
#define SB_DBUS_SYSTEM_SOCKET "/run/dbus/system_bus_socket"

/* The modes in effect: --dbus-talk/--dbus-own (--dbus-system-talk) alone mean filter.  */
enum dbus_mode sb_dbus_mode_user (const struct config *cfg);
enum dbus_mode sb_dbus_mode_system (const struct config *cfg);

/* In the launcher, before the first namespace.  *RET_USER: the socket to bind at the
   command's $XDG_RUNTIME_DIR/bus: the host's bus (--dbus-user open), or the socket of an
   xdg-dbus-proxy started here and ready (filter); *RET_SYSTEM: the proxy's socket for the
   system bus, to bind at SB_DBUS_SYSTEM_SOCKET; NULL when nothing is shared.  */
int sb_dbus_prepare (struct config *cfg, char **ret_user, char **ret_system, struct sb_error **err);
/* Ends the proxy and removes its sockets and folder; every path of main reaches it.  */
void sb_dbus_stop (struct config *cfg);
