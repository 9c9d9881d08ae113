/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-net.c: the parsers of --net and --publish. */
#include "build-config.h"

#include <arpa/inet.h>
#include <string.h>

#include "../src/net.h"
#include "../src/util.h"
#include "tap.h"

struct row
{
  const char *in;
  const char *why; /* NULL: parses */
  const char *addr;
  unsigned host_port, port;
  int proto;
};

static const struct row rows[] = {
  { "8080:80", NULL, "127.0.0.1", 8080, 80, IPPROTO_TCP },
  { "8080:80/tcp", NULL, "127.0.0.1", 8080, 80, IPPROTO_TCP },
  { "5353:53/udp", NULL, "127.0.0.1", 5353, 53, IPPROTO_UDP },
  { "0.0.0.0:8080:80", NULL, "0.0.0.0", 8080, 80, IPPROTO_TCP },
  { "192.0.2.7:1:65535/udp", NULL, "192.0.2.7", 1, 65535, IPPROTO_UDP },
  { "8080", "expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]", NULL, 0, 0, 0 },
  { "", "expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]", NULL, 0, 0, 0 },
  { "10.0.0.1:80", "expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]", NULL, 0, 0, 0 },
  { "8080:0", "ports are numbers from 1 to 65535", NULL, 0, 0, 0 },
  { "65536:80", "ports are numbers from 1 to 65535", NULL, 0, 0, 0 },
  { ":80", "ports are numbers from 1 to 65535", NULL, 0, 0, 0 },
  { "8080:", "ports are numbers from 1 to 65535", NULL, 0, 0, 0 },
  { "8080:8x", "ports are numbers from 1 to 65535", NULL, 0, 0, 0 },
  { "8080:80/sctp", "the protocol must be tcp or udp", NULL, 0, 0, 0 },
  { "8080:80/", "the protocol must be tcp or udp", NULL, 0, 0, 0 },
  { "host:8080:80", "not an IPv4 address", NULL, 0, 0, 0 },
  { "1.2.3:8080:80", "not an IPv4 address", NULL, 0, 0, 0 },
  { ":8080:80", "not an IPv4 address", NULL, 0, 0, 0 },
  { "[::1]:8080:80", "IPv6 host addresses are not supported", NULL, 0, 0, 0 },
  { "::1:8080:80", "IPv6 host addresses are not supported", NULL, 0, 0, 0 },
};

int
main (void)
{
  static const char *const modes[] = { "none", "host", "slirp", "pasta", "auto" };
  size_t n = sizeof rows / sizeof *rows;
  enum net_mode m;

  tap_plan ((int) n + 7);
  for (size_t i = 0; i < n; i++)
    {
      struct net_publish p = { 0 };
      const char *why = NULL;
      int r = net_parse_publish (rows[i].in, &p, &why);

      if (rows[i].why == NULL)
        {
          char addr[INET_ADDRSTRLEN];

          inet_ntop (AF_INET, &p.host_addr, addr, sizeof addr);
          tap_ok (r == 0 && strcmp (addr, rows[i].addr) == 0 && p.host_port == rows[i].host_port
                      && p.port == rows[i].port && p.proto == rows[i].proto
                      && strcmp (p.spec, rows[i].in) == 0,
                  "--publish '%s' parses", rows[i].in);
        }
      else
        tap_ok (r < 0 && why != NULL && strcmp (why, rows[i].why) == 0,
                "--publish '%s' is refused: %s (got %s)", rows[i].in, rows[i].why,
                r < 0 ? why : "success");
      free (p.spec);
    }
  for (size_t i = 0; i < 5; i++)
    tap_ok (net_parse_mode (modes[i], &m) == 0 && (size_t) m == i
                && strcmp (net_mode_name (m), modes[i]) == 0,
            "--net %s", modes[i]);
  tap_ok (net_parse_mode ("slirp4netns", &m) < 0, "--net slirp4netns is refused");
  tap_ok (net_parse_mode ("", &m) < 0, "--net '' is refused");
  return tap_done ();
}
