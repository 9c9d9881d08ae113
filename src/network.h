/* SPDX-License-Identifier: GPL-2.0-or-later */
/* network.h: --network NET, a named private network (podman's `network create` and
   --network).  The first member of NET starts its holder: a process of the caller's,
   outside every sandbox (it is not one of the launcher's helpers: it outlives the member
   that started it while another member runs), owning a user namespace (the caller's id
   maps, ranges included) and in it a network namespace with the bridge sb0.  Every member
   launcher connects to the holder's socket in the per-user state folder (network-NET/sock)
   and keeps the connection for its life: the holder ends when the last connection closes,
   also after SIGKILL, so nothing outlives its launchers.  The holder's namespaces are
   trusted only after the checks network_config_finish makes on the live holder (the peer
   of the connection).  A member's pid 1 is cloned in the holder's user namespace (netjoin.c's
   stages), so that its network namespace is owned there; its veth pair (eth0 inside, sbN
   on the bridge) is made by a short-lived process of the launcher that enters the holder's
   namespaces.  Members get 10.89.0.N/24 (N from 2, assigned by the holder) and reach each
   other by sandbox name through /etc/hosts, a file per member that the holder rewrites when
   a member comes or goes.  The way out (network-out.c): one slirp4netns for the network on
   a tap in the holder's namespace, the bridge's address NETWORK_GATEWAY as every member's
   default route, the members' addresses masqueraded there; the host's loopback stays
   closed (--disable-host-loopback).  A member's user namespace is a child of the holder's:
   it has no capability over the holder's network namespace (its bridge, routes, rules).
   --publish: the holder asks its slirp4netns to forward a host port to the member's address
   and removes the forward when the member's connection closes.  Each member's launcher keeps
   the holder's network namespace open (cfg->join_netns_fd), so a SIGKILL of the holder alone
   leaves the members reaching each other (its way out ends with it); and holds a shared flock
   on networks/NET: the holder, or without one the last member (network_leave), removes the
   folder under the lock when no member holds it any more.  */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config;
struct sb_error;

/* A member's --publish, as its launcher tells the holder */
struct network_port
{
  uint32_t host_addr; /* network order */
  uint16_t host_port, port;
  int32_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
};
#define NETWORK_MAX_PORTS 16

/* The subnet's first three bytes, and its mask */
#define NETWORK_PREFIX "10.89.0."
#define NETWORK_MASK "255.255.255.0"
/* The bridge, in the holder's network namespace, and its address: the members' gateway */
#define NETWORK_BRIDGE "sb0"
#define NETWORK_GATEWAY NETWORK_PREFIX "1"
/* The members' resolver: slirp4netns's, through the gateway */
#define NETWORK_DNS "10.0.2.3"

/* The plan's step (nothing without --network): joins NET, starting its holder when none
   runs; checks the holder and opens its namespaces into cfg->join_userns_fd and
   cfg->join_netns_fd; the member's address in cfg->network_index, its hosts file in
   cfg->network_hosts, the connection in cfg->network_fd.  */
int network_config_finish (struct config *cfg, struct sb_error **err);
/* The launcher, at its end (main's, always): leaves NET, closes and frees what
   network_config_finish kept; the last member of a network whose holder was killed removes
   its folder.  */
void network_leave (struct config *cfg);
/* The launcher, once pid 1 has its network namespace (NETNS, an fd): makes its veth pair
   on the bridge and configures eth0.  */
int network_attach (const struct config *cfg, int netns, struct sb_error **err);

/* network-link.c, in the namespace they change: -1 and errno on failure.  */
int network_link_bridge (const char *name);
/* NAME on MASTER (up), its peer PEER moved into the network namespace PEER_NETNS.  */
int network_link_veth (const char *name, const char *master, const char *peer, int peer_netns);
int network_link_address (const char *name, const char *addr, const char *mask);
/* A default route through GATEWAY.  */
int network_link_gateway (const char *gateway);

/* network-out.c: the holder's way out.  The pipes between the holder and its spawner; SLIRP
   NULL: slirp4netns is not installed, and the network has no way out.  */
struct network_out
{
  int go_r, go_w;         /* the holder tells the spawner its namespaces are made */
  int report_r, report_w; /* the spawner answers: slirp4netns is ready, or why not */
  int exit_r, exit_fd;    /* slirp4netns's --exit-fd; the write end is the holder's */
  char *slirp;
  const char *dir; /* networks/NET: slirp4netns's API socket */
};
/* Sorts FDS, for fds_close_except.  */
void network_sort_fds (int *fds, size_t n);
/* The launcher, before it forks the holder: -1 and errno.  */
int network_out_prepare (struct network_out *o, const char *dir);
/* The holder's parent, once the holder (HOLDER) is cloned: forks the spawner.  */
void network_out_fork (const struct network_out *o, pid_t holder);
/* Each process closes the ends it does not use; this closes all and frees.  */
void network_out_close (struct network_out *o);
/* The holder, its bridge made: starts slirp4netns, then the gateway, forwarding and the
   masquerade rule.  NULL, or the step that failed (errno).  */
const char *network_out_start (struct network_out *o);
/* The holder: P forwarded by slirp4netns to a member's ADDR; the forward's id, or -1 and
   why in WHY.  */
int network_out_publish (const char *dir, const struct network_port *p, const char *addr, char *why,
                         size_t size);
void network_out_unpublish (const char *dir, int id);
