/* SPDX-License-Identifier: GPL-2.0-or-later */
/* network-link.c: the links of a --network (see network.h), made over rtnetlink: the bridge in the
   holder's namespace, and each member's veth pair.  The member's end is configured with the classic
   ioctls, in its own namespace.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network.h"
#include "util.h"

/* A request being built: rtnetlink by hand (a few attributes; libmnl would be one more
   library for every launcher to load, as the launcher needs none otherwise).  */
struct req
{
  union
  {
    struct nlmsghdr nlh;
    char buf[1024];
  } u;
};

static void *
put (struct req *r, const void *data, size_t len)
{
  char *at = r->u.buf + NLMSG_ALIGN (r->u.nlh.nlmsg_len);

  memcpy (at, data, len);
  r->u.nlh.nlmsg_len = (unsigned) (NLMSG_ALIGN (r->u.nlh.nlmsg_len) + RTA_ALIGN (len));
  return at;
}

static struct rtattr *
attr (struct req *r, unsigned short type, const void *data, size_t len)
{
  struct rtattr a = { (unsigned short) RTA_LENGTH (len), type };
  struct rtattr *at = put (r, &a, sizeof a);

  if (len > 0)
    memcpy (RTA_DATA (at), data, len);
  r->u.nlh.nlmsg_len = (unsigned) (NLMSG_ALIGN (r->u.nlh.nlmsg_len) + RTA_ALIGN (len));
  return at;
}

static void
nest_end (struct req *r, struct rtattr *nest)
{
  nest->rta_len = (unsigned short) (r->u.buf + r->u.nlh.nlmsg_len - (char *) nest);
}

/* Sends R and waits for its acknowledgement: 0, or -1 with errno.  */
static int
rtnl_talk (struct req *r)
{
  cleanup_close int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  char buf[4096];
  ssize_t n;

  r->u.nlh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  r->u.nlh.nlmsg_seq = 1;
  if (fd < 0
      || sendto (fd, r->u.buf, r->u.nlh.nlmsg_len, 0, (struct sockaddr *) &sa, sizeof sa) < 0)
    return -1;
  for (;;)
    {
      n = TEMP_FAILURE_RETRY (recv (fd, buf, sizeof buf, 0));
      if (n < 0)
        return -1;
      for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK (h, (unsigned) n);
           h = NLMSG_NEXT (h, n))
        if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == 1)
          {
            const struct nlmsgerr *e = NLMSG_DATA (h);

            errno = -e->error;
            return e->error == 0 ? 0 : -1;
          }
    }
}

static void
new_link_msg (struct req *r, const char *name, unsigned flags)
{
  struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC, .ifi_flags = flags, .ifi_change = flags };

  memset (r, 0, sizeof *r);
  r->u.nlh.nlmsg_len = NLMSG_LENGTH (0);
  r->u.nlh.nlmsg_type = RTM_NEWLINK;
  r->u.nlh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  put (r, &ifm, sizeof ifm);
  attr (r, IFLA_IFNAME, name, strlen (name) + 1);
}

int
network_link_bridge (const char *name)
{
  struct req r;
  struct rtattr *info;

  new_link_msg (&r, name, IFF_UP);
  info = attr (&r, IFLA_LINKINFO, NULL, 0);
  attr (&r, IFLA_INFO_KIND, "bridge", sizeof "bridge");
  nest_end (&r, info);
  return rtnl_talk (&r);
}

int
network_link_veth (const char *name, const char *master, const char *peer, int peer_netns)
{
  struct ifinfomsg pifm = { .ifi_family = AF_UNSPEC };
  uint32_t master_index = if_nametoindex (master), ns = (uint32_t) peer_netns;
  struct rtattr *info, *data, *pe;
  struct req r;

  if (master_index == 0)
    return -1;
  new_link_msg (&r, name, IFF_UP);
  attr (&r, IFLA_MASTER, &master_index, sizeof master_index);
  info = attr (&r, IFLA_LINKINFO, NULL, 0);
  attr (&r, IFLA_INFO_KIND, "veth", sizeof "veth");
  data = attr (&r, IFLA_INFO_DATA, NULL, 0);
  pe = attr (&r, VETH_INFO_PEER, NULL, 0);
  /* the peer's own ifinfomsg, then its attributes */
  put (&r, &pifm, sizeof pifm);
  attr (&r, IFLA_IFNAME, peer, strlen (peer) + 1);
  attr (&r, IFLA_NET_NS_FD, &ns, sizeof ns);
  nest_end (&r, pe);
  nest_end (&r, data);
  nest_end (&r, info);
  return rtnl_talk (&r);
}

int
network_link_address (const char *name, const char *addr, const char *mask)
{
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in *sin;
  struct ifreq ifr;

  if (fd < 0)
    return -1;
  memset (&ifr, 0, sizeof ifr);
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  sin = (struct sockaddr_in *) &ifr.ifr_addr;
  sin->sin_family = AF_INET;
  if (inet_pton (AF_INET, addr, &sin->sin_addr) != 1 || ioctl (fd, SIOCSIFADDR, &ifr) < 0)
    return -1;
  if (inet_pton (AF_INET, mask, &sin->sin_addr) != 1 || ioctl (fd, SIOCSIFNETMASK, &ifr) < 0)
    return -1;
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return -1;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  return ioctl (fd, SIOCSIFFLAGS, &ifr);
}

int
network_link_gateway (const char *gateway)
{
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct rtentry rt;
  struct sockaddr_in *sin;

  if (fd < 0)
    return -1;
  memset (&rt, 0, sizeof rt);
  sin = (struct sockaddr_in *) &rt.rt_gateway;
  sin->sin_family = AF_INET;
  if (inet_pton (AF_INET, gateway, &sin->sin_addr) != 1)
    return errno = EINVAL, -1;
  ((struct sockaddr_in *) &rt.rt_dst)->sin_family = AF_INET;
  ((struct sockaddr_in *) &rt.rt_genmask)->sin_family = AF_INET;
  rt.rt_flags = RTF_UP | RTF_GATEWAY;
  return ioctl (fd, SIOCADDRT, &rt);
}
