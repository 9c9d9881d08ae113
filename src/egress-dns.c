/* SPDX-License-Identifier: GPL-2.0-or-later */
/* egress-dns.c: the sandbox's resolver, on 127.0.0.53:53 inside (UDP and TCP).  It answers
   names that --allow-host allows and nothing else (NXDOMAIN, logged): the others never
   reach a server, so no query carries data out for a name that is not allowed.  An allowed
   name goes to the launcher's own resolvers (its /etc/resolv.conf); the answer is rebuilt
   from the records the policy admits, never passed on as it came:
   - a CNAME chain is followed from the name asked, and every name on it must be allowed,
     else the whole answer is refused (a CNAME is no way out to a name not allowed);
   - an address that a network helper or the host itself answers on (loopback, link-local,
     private and unique-local ranges, slirp4netns's own network, multicast) is dropped unless
     --allow-net names it: a name of the internet that starts to point there (rebinding)
     reaches nothing new;
   - every other A and AAAA address goes into the rules' set, for the record's TTL (at least
     EGRESS_MIN_TTL), before the answer leaves: the program's connect follows it.
   Messages are parsed and built with ldns.  Queries are answered one at a time.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "egress-internal.h"
#include "util.h"

/* the largest UDP answer to a client that did not say (RFC 1035) */
#define PLAIN_UDP 512

static ldns_resolver *upstream;

int
dns_init (const struct policy *p, const char **ret_why)
{
  (void) p;
  /* no nameserver is no error: every allowed name then fails (SERVFAIL), as it would */
  if (ldns_resolver_new_frm_file (&upstream, NULL) != LDNS_STATUS_OK)
    {
      upstream = NULL;
      return 0;
    }
  ldns_resolver_set_timeout (upstream, (struct timeval){ .tv_sec = 2 });
  ldns_resolver_set_retry (upstream, 2);
  ldns_resolver_set_fallback (upstream, true);
  ldns_resolver_set_edns_udp_size (upstream, 1232);
  ldns_resolver_set_dnsrch (upstream, false);
  ldns_resolver_set_defnames (upstream, false);
  (void) ret_why;
  return 0;
}

/* A name of letters, digits, '-', '_' and dots only: a label holding a dot ("a\.b") would
   match a pattern that its real zone does not.  The caller frees it; no final dot.  */
static char *
rdf_name (const ldns_rdf *rdf)
{
  char *s = ldns_rdf2str (rdf);
  size_t len;

  if (s == NULL)
    return NULL;
  len = strlen (s);
  if (len > 0 && s[len - 1] == '.')
    s[len - 1] = '\0';
  for (char *c = s; *c != '\0'; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
          || *c == '-' || *c == '_' || *c == '.'))
      {
        free (s);
        return NULL;
      }
  return s;
}

static bool
name_allowed (const struct policy *p, const ldns_rdf *rdf, char **ret_name)
{
  char *s = rdf_name (rdf);
  bool ok = s != NULL && egress_valid_host (s) && egress_host_allowed (p->hosts, s);

  if (ret_name != NULL)
    *ret_name = s != NULL ? s : ldns_rdf2str (rdf);
  else
    free (s);
  return ok;
}

struct special
{
  int family;
  uint8_t addr[16];
  unsigned prefix;
};

/* Addresses a name of the internet has no business pointing at.  */
static bool
special_addr (const struct policy *p, int family, const uint8_t *a)
{
  static const struct special list[] = {
    { AF_INET, { 0 }, 8 },         /* this network */
    { AF_INET, { 10 }, 8 },        /* private, and slirp4netns's 10.0.2.0/24 */
    { AF_INET, { 100, 64 }, 10 },  /* shared (CGN) */
    { AF_INET, { 127 }, 8 },       /* loopback */
    { AF_INET, { 169, 254 }, 16 }, /* link-local, pasta's resolver */
    { AF_INET, { 172, 16 }, 12 },  /* private */
    { AF_INET, { 192, 168 }, 16 }, /* private */
    { AF_INET, { 224 }, 3 },       /* multicast, reserved, broadcast */
    { AF_INET6, { 0 }, 127 },      /* unspecified, loopback */
    { AF_INET6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 96 }, /* IPv4-mapped */
    { AF_INET6, { 0xfc }, 7 },        /* unique local, slirp4netns's fd00::/64 */
    { AF_INET6, { 0xfe, 0x80 }, 10 }, /* link-local */
    { AF_INET6, { 0xff }, 8 },        /* multicast */
  };

  for (size_t i = 0; i < sizeof list / sizeof *list; i++)
    {
      struct egress_net n = { .family = list[i].family, .prefix = list[i].prefix };

      memcpy (n.addr, list[i].addr, sizeof n.addr);
      if (!egress_net_contains (&n, family, a))
        continue;
      /* the user named it: --allow-net's rules open it, for its ports */
      for (size_t j = 0; j < p->n_allow; j++)
        if (egress_net_contains (&p->allow[j], family, a))
          return false;
      return true;
    }
  return false;
}

static const char *
type_name (ldns_rr_type t, char *buf, size_t size)
{
  char *s = ldns_rr_type2str (t);

  snprintf (buf, size, "%s", s != NULL ? s : "?");
  free (s);
  return buf;
}

/* Vets one A or AAAA record of an allowed name: opens its address, or drops it.  */
static bool
admit_address (const struct policy *p, const ldns_rr *rr, const char *name)
{
  const ldns_rdf *rd = ldns_rr_rdf (rr, 0);
  int family = ldns_rr_get_type (rr) == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
  size_t len = family == AF_INET ? 4 : 16;
  uint32_t ttl = ldns_rr_ttl (rr);
  char text[INET6_ADDRSTRLEN];

  if (rd == NULL || ldns_rdf_size (rd) != len)
    return false;
  inet_ntop (family, ldns_rdf_data (rd), text, sizeof text);
  if (special_addr (p, family, ldns_rdf_data (rd)))
    {
      egress_log (p, "refused proto=dns name=%s addr=%s why=special-address", name, text);
      return false;
    }
  if (ttl < EGRESS_MIN_TTL)
    ttl = EGRESS_MIN_TTL;
  if (ttl > EGRESS_MAX_TTL)
    ttl = EGRESS_MAX_TTL;
  return names_remember (family, ldns_rdf_data (rd), name, ttl) == 0;
}

/* Copies the records of ANS that the policy admits into REPLY; false: refuse it all.  */
static bool
vet_answer (const struct policy *p, const ldns_pkt *ans, const ldns_rr *question, ldns_pkt *reply)
{
  const ldns_rr_list *an = ldns_pkt_answer (ans);
  ldns_rr_type qtype = ldns_rr_get_type (question);
  const ldns_rdf *cur = ldns_rr_owner (question);
  cleanup_free char *curname = NULL;
  char tbuf[16];

  (void) name_allowed (p, cur, &curname);
  for (int hops = 0; hops < 16; hops++)
    {
      const ldns_rr *cname = NULL;

      for (size_t i = 0; i < ldns_rr_list_rr_count (an) && cname == NULL; i++)
        {
          const ldns_rr *rr = ldns_rr_list_rr (an, i);

          if (ldns_rr_get_type (rr) == LDNS_RR_TYPE_CNAME && qtype != LDNS_RR_TYPE_CNAME
              && ldns_dname_compare (ldns_rr_owner (rr), cur) == 0)
            cname = rr;
        }
      if (cname == NULL)
        break;
      {
        char *target = NULL;

        if (ldns_rr_rdf (cname, 0) == NULL || !name_allowed (p, ldns_rr_rdf (cname, 0), &target))
          {
            egress_log (p, "refused proto=dns name=%s type=%s why=cname target=%s", curname,
                        type_name (qtype, tbuf, sizeof tbuf), target ? target : "?");
            free (target);
            return false;
          }
        free (curname);
        curname = target;
      }
      ldns_pkt_push_rr (reply, LDNS_SECTION_ANSWER, ldns_rr_clone (cname));
      cur = ldns_rr_rdf (cname, 0);
    }
  for (size_t i = 0; i < ldns_rr_list_rr_count (an); i++)
    {
      const ldns_rr *rr = ldns_rr_list_rr (an, i);
      ldns_rr_type t = ldns_rr_get_type (rr);

      if (t != qtype || ldns_dname_compare (ldns_rr_owner (rr), cur) != 0)
        continue;
      if ((t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA) && !admit_address (p, rr, curname))
        continue;
      ldns_pkt_push_rr (reply, LDNS_SECTION_ANSWER, ldns_rr_clone (rr));
    }
  return true;
}

static ldns_pkt *
new_reply (const ldns_pkt *q, ldns_pkt_rcode rcode)
{
  ldns_pkt *r = ldns_pkt_new ();

  if (r == NULL)
    oom ();
  ldns_pkt_set_id (r, ldns_pkt_id (q));
  ldns_pkt_set_qr (r, true);
  ldns_pkt_set_opcode (r, ldns_pkt_get_opcode (q));
  ldns_pkt_set_rd (r, ldns_pkt_rd (q));
  ldns_pkt_set_ra (r, true);
  ldns_pkt_set_rcode (r, rcode);
  if (ldns_pkt_qdcount (q) == 1)
    ldns_pkt_push_rr (r, LDNS_SECTION_QUESTION,
                      ldns_rr_clone (ldns_rr_list_rr (ldns_pkt_question (q), 0)));
  return r;
}

/* The reply to the query WIRE, or NULL to say nothing (not a query).  */
static ldns_pkt *
answer (const struct policy *p, const uint8_t *wire, size_t len)
{
  ldns_pkt *q = NULL, *ans = NULL, *r;
  const ldns_rr *question;
  cleanup_free char *name = NULL;
  char tbuf[16];

  if (ldns_wire2pkt (&q, wire, len) != LDNS_STATUS_OK)
    return NULL;
  if (ldns_pkt_qr (q))
    {
      ldns_pkt_free (q);
      return NULL;
    }
  if (ldns_pkt_get_opcode (q) != LDNS_PACKET_QUERY || ldns_pkt_qdcount (q) != 1)
    {
      r = new_reply (q, ldns_pkt_get_opcode (q) != LDNS_PACKET_QUERY ? LDNS_RCODE_NOTIMPL
                                                                     : LDNS_RCODE_FORMERR);
      ldns_pkt_free (q);
      return r;
    }
  question = ldns_rr_list_rr (ldns_pkt_question (q), 0);
  if (!name_allowed (p, ldns_rr_owner (question), &name)
      || ldns_rr_get_class (question) != LDNS_RR_CLASS_IN)
    {
      egress_log (p, "refused proto=dns name=%s type=%s why=not-allowed", name ? name : "?",
                  type_name (ldns_rr_get_type (question), tbuf, sizeof tbuf));
      r = new_reply (q, LDNS_RCODE_NXDOMAIN);
      ldns_pkt_free (q);
      return r;
    }
  if (upstream == NULL
      || ldns_resolver_send (&ans, upstream, ldns_rr_owner (question), ldns_rr_get_type (question),
                             LDNS_RR_CLASS_IN, LDNS_RD)
             != LDNS_STATUS_OK
      || ans == NULL)
    {
      r = new_reply (q, LDNS_RCODE_SERVFAIL);
      ldns_pkt_free (q);
      return r;
    }
  r = new_reply (q, ldns_pkt_get_rcode (ans));
  if (!vet_answer (p, ans, question, r))
    {
      ldns_pkt_free (r);
      r = new_reply (q, LDNS_RCODE_NXDOMAIN);
    }
  ldns_pkt_free (ans);
  ldns_pkt_free (q);
  return r;
}

/* REPLY's wire form, at most MAX bytes: a longer one is sent empty and truncated (TC), and
   the client asks again over TCP.  */
static uint8_t *
reply_wire (ldns_pkt *reply, size_t max, size_t *ret_len)
{
  uint8_t *w = NULL;

  if (ldns_pkt2wire (&w, reply, ret_len) != LDNS_STATUS_OK)
    return NULL;
  if (*ret_len <= max)
    return w;
  free (w);
  ldns_rr_list_deep_free (ldns_pkt_answer (reply));
  ldns_pkt_set_answer (reply, ldns_rr_list_new ());
  ldns_pkt_set_ancount (reply, 0);
  ldns_pkt_set_tc (reply, true);
  if (ldns_pkt2wire (&w, reply, ret_len) != LDNS_STATUS_OK)
    return NULL;
  return w;
}

void
dns_serve_udp (const struct policy *p, int fd)
{
  uint8_t buf[4096];
  struct sockaddr_storage from;
  socklen_t fromlen = sizeof from;
  ssize_t n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &fromlen);
  size_t max = PLAIN_UDP, len;
  ldns_pkt *q = NULL, *r;
  uint8_t *w;

  if (n <= 0)
    return;
  if (ldns_wire2pkt (&q, buf, (size_t) n) == LDNS_STATUS_OK)
    {
      if (ldns_pkt_edns (q) && ldns_pkt_edns_udp_size (q) > max)
        max = ldns_pkt_edns_udp_size (q) < sizeof buf ? ldns_pkt_edns_udp_size (q) : sizeof buf;
      ldns_pkt_free (q);
    }
  r = answer (p, buf, (size_t) n);
  if (r == NULL)
    return;
  w = reply_wire (r, max, &len);
  ldns_pkt_free (r);
  if (w != NULL)
    (void) sendto (fd, w, len, MSG_DONTWAIT, (struct sockaddr *) &from, fromlen);
  free (w);
}

static bool
read_full (int fd, uint8_t *buf, size_t len)
{
  size_t got = 0;

  while (got < len)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf + got, len - got));

      if (n <= 0)
        return false;
      got += (size_t) n;
    }
  return true;
}

void
dns_serve_tcp (const struct policy *p, int listen_fd)
{
  cleanup_close int fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
  struct timeval tv = { .tv_sec = 2 };
  uint8_t lenbuf[2], *w;
  cleanup_free uint8_t *msg = NULL;
  size_t len, wlen;
  ldns_pkt *r;

  if (fd < 0)
    return;
  /* a client that stalls holds the resolver 2 seconds at most */
  (void) setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void) setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (!read_full (fd, lenbuf, 2))
    return;
  len = (size_t) lenbuf[0] << 8 | lenbuf[1];
  msg = xcalloc (1, len + 1);
  if (len == 0 || !read_full (fd, msg, len))
    return;
  r = answer (p, msg, len);
  if (r == NULL)
    return;
  w = reply_wire (r, 65535, &wlen);
  ldns_pkt_free (r);
  if (w == NULL)
    return;
  /* the length and the message in one write: a client that reads once gets both */
  {
    cleanup_free uint8_t *out = xcalloc (1, wlen + 2);

    out[0] = (uint8_t) (wlen >> 8);
    out[1] = (uint8_t) wlen;
    memcpy (out + 2, w, wlen);
    (void) write_all (fd, out, wlen + 2);
  }
  free (w);
}
