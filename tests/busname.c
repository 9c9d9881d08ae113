/* SPDX-License-Identifier: GPL-2.0-or-later */
/* busname.c: owns the bus names given on the session bus ($DBUS_SESSION_BUS_ADDRESS) and
   answers on them (sd-bus replies to org.freedesktop.DBus.Peer.Ping) until it is killed;
   prints "ready" once it owns them all.  For tests/dbus.t, on the host's side.  */
#include "build-config.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

int
main (int argc, char **argv)
{
  sd_bus *bus = NULL;
  int r;

  r = sd_bus_open_user (&bus);
  if (r < 0)
    {
      fprintf (stderr, "busname: connect: %s\n", strerror (-r));
      return 1;
    }
  for (int i = 1; i < argc; i++)
    {
      r = sd_bus_request_name (bus, argv[i], 0);
      if (r < 0)
        {
          fprintf (stderr, "busname: own '%s': %s\n", argv[i], strerror (-r));
          return 1;
        }
    }
  puts ("ready");
  fflush (stdout);
  for (;;)
    {
      r = sd_bus_process (bus, NULL);
      if (r < 0)
        return 1;
      if (r == 0 && sd_bus_wait (bus, UINT64_MAX) < 0)
        return 1;
    }
}
