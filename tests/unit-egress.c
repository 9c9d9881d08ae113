/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-egress.c: the parsers of --allow-net/--deny-net and --allow-host, and the matching
   of names and addresses. */
#include "build-config.h"

#include <arpa/inet.h>
#include <string.h>

#include "../src/egress.h"
#include "../src/util.h"
#include "tap.h"

struct net_row
{
  const char *in;
  const char *why; /* NULL: parses */
  const char *addr;
  unsigned prefix;
  int proto;
  unsigned lo, hi;
};

static const char bad_port[] = "ports are numbers from 1 to 65535, as PORT or LOW-HIGH";
static const char bad_len[] = "the prefix length must be 0 to 32 (IPv4) or 128 (IPv6)";
static const char bad_addr[] = "not an IPv4 or IPv6 address";

static const struct net_row nets[] = {
  { "192.0.2.7", NULL, "192.0.2.7", 32, 0, 0, 0 },
  { "192.0.2.7/24", NULL, "192.0.2.0", 24, 0, 0, 0 },
  { "192.0.2.0/24:443", NULL, "192.0.2.0", 24, 0, 443, 443 },
  { "192.0.2.0/24:443/tcp", NULL, "192.0.2.0", 24, IPPROTO_TCP, 443, 443 },
  { "10.0.0.0/8:8000-8100/udp", NULL, "10.0.0.0", 8, IPPROTO_UDP, 8000, 8100 },
  { "0.0.0.0/0", NULL, "0.0.0.0", 0, 0, 0, 0 },
  { "192.0.2.7/tcp", NULL, "192.0.2.7", 32, IPPROTO_TCP, 0, 0 },
  { "2001:db8::1", NULL, "2001:db8::1", 128, 0, 0, 0 },
  { "2001:db8::ff/32", NULL, "2001:db8::", 32, 0, 0, 0 },
  { "::/0", NULL, "::", 0, 0, 0, 0 },
  { "[2001:db8::]/32:443/tcp", NULL, "2001:db8::", 32, IPPROTO_TCP, 443, 443 },
  { "[2001:db8::1]:53/udp", NULL, "2001:db8::1", 128, IPPROTO_UDP, 53, 53 },
  { "[2001:db8::/48]:1-1024", NULL, "2001:db8::", 48, 0, 1, 1024 },
  { "192.0.2.7:0", bad_port, NULL, 0, 0, 0, 0 },
  { "192.0.2.7:65536", bad_port, NULL, 0, 0, 0, 0 },
  { "192.0.2.7:90-80", bad_port, NULL, 0, 0, 0, 0 },
  { "192.0.2.7:http", bad_port, NULL, 0, 0, 0, 0 },
  { "192.0.2.7/33", bad_len, NULL, 0, 0, 0, 0 },
  { "2001:db8::/129", bad_len, NULL, 0, 0, 0, 0 },
  { "example.org", bad_addr, NULL, 0, 0, 0, 0 },
  { "192.0.2.7/sctp", bad_len, NULL, 0, 0, 0, 0 },
  { "", bad_addr, NULL, 0, 0, 0, 0 },
  { "[2001:db8::1", "expected CIDR[:PORT[-PORT]][/tcp|/udp] ([IPv6]/LEN:PORT)", NULL, 0, 0, 0, 0 },
};

struct host_row
{
  const char *pattern, *name;
  int valid, allowed;
};

static const struct host_row hosts[] = {
  { "example.org", "example.org", 1, 1 },
  { "example.org", "EXAMPLE.org.", 1, 1 },
  { "example.org.", "example.org", 1, 1 },
  { "example.org", "www.example.org", 1, 0 },
  { "*.example.org", "www.example.org", 1, 1 },
  { "*.example.org", "a.b.example.org", 1, 1 },
  { "*.example.org", "example.org", 1, 0 },
  { "*.example.org", "badexample.org", 1, 0 },
  { "*.example.org", ".example.org", 1, 0 },
  { "deb.debian.org", "deb.debian.org.evil", 1, 0 },
  { "a..b", "a..b", 0, 0 },
  { "*.", "x", 0, 0 },
  { "*", "x", 0, 0 },
  { "-a.org", "-a.org", 0, 0 },
  { "a/b", "a/b", 0, 0 },
  { "*.*.org", "a.b.org", 0, 0 },
};

int
main (void)
{
  size_t nn = sizeof nets / sizeof *nets, nh = sizeof hosts / sizeof *hosts;

  tap_plan ((int) (nn + 2 * nh + 4));
  for (size_t i = 0; i < nn; i++)
    {
      struct egress_net n = { 0 };
      const char *why = NULL;
      int r = egress_parse_net (nets[i].in, &n, &why);

      if (nets[i].why == NULL)
        {
          char addr[INET6_ADDRSTRLEN] = "";

          if (r == 0)
            inet_ntop (n.family, n.addr, addr, sizeof addr);
          tap_ok (r == 0 && strcmp (addr, nets[i].addr) == 0 && n.prefix == nets[i].prefix
                      && n.proto == nets[i].proto && n.port_lo == nets[i].lo
                      && n.port_hi == nets[i].hi && strcmp (n.spec, nets[i].in) == 0,
                  "'%s' is %s/%u proto %d ports %u-%u", nets[i].in, nets[i].addr, nets[i].prefix,
                  nets[i].proto, nets[i].lo, nets[i].hi);
          free (n.spec);
        }
      else
        tap_ok (r < 0 && why != NULL && strcmp (why, nets[i].why) == 0, "'%s': %s", nets[i].in,
                nets[i].why);
    }
  for (size_t i = 0; i < nh; i++)
    {
      char *pat[2] = { (char *) hosts[i].pattern, NULL };

      tap_ok (egress_valid_host (hosts[i].pattern) == hosts[i].valid, "'%s' is %sa valid pattern",
              hosts[i].pattern, hosts[i].valid ? "" : "not ");
      tap_ok (!hosts[i].valid || egress_host_allowed (pat, hosts[i].name) == hosts[i].allowed,
              "'%s' %s '%s'", hosts[i].pattern, hosts[i].allowed ? "allows" : "does not allow",
              hosts[i].name);
    }
  {
    struct egress_net n;
    const char *why;
    uint8_t a[16];

    egress_parse_net ("192.0.2.0/23", &n, &why);
    inet_pton (AF_INET, "192.0.3.255", a);
    tap_ok (egress_net_contains (&n, AF_INET, a), "192.0.2.0/23 contains 192.0.3.255");
    inet_pton (AF_INET, "192.0.4.0", a);
    tap_ok (!egress_net_contains (&n, AF_INET, a), "192.0.2.0/23 does not contain 192.0.4.0");
    tap_ok (!egress_net_contains (&n, AF_INET6, a), "an IPv4 network contains no IPv6 address");
    free (n.spec);
    egress_parse_net ("::/0", &n, &why);
    inet_pton (AF_INET6, "2001:db8::1", a);
    tap_ok (egress_net_contains (&n, AF_INET6, a), "::/0 contains every IPv6 address");
    free (n.spec);
  }
  return tap_done ();
}
