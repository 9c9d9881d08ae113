/* dbus.h: the session bus: kept out, shared, or filtered through xdg-dbus-proxy. */
#pragma once

struct config;
struct sb_error;

/* In the launcher, before the first namespace.  *RET_SRC: the socket to bind at the
   command's $XDG_RUNTIME_DIR/bus: the host's bus (--dbus-user open), or the socket of an
   xdg-dbus-proxy started here and ready (filter); NULL when nothing is shared.  */
int sb_dbus_prepare (struct config *cfg, char **ret_src, struct sb_error **err);
/* Ends the proxy and removes its socket and folder; every path of main reaches it.  */
void sb_dbus_stop (struct config *cfg);
