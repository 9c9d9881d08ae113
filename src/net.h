/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net.h: the sandbox's network: none, the host's, or user-mode networking through a helper
   (slirp4netns or passt's pasta) that runs outside the sandbox; port publishing; the
   resolv.conf and hosts files inside.  */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "helper.h"

struct config;
struct sb_error;

enum net_mode
{
  NET_NONE, /* a new network namespace with lo only (the default) */
  NET_HOST, /* the host's network namespace */
  NET_SLIRP,
  NET_PASTA,
  NET_AUTO,    /* pasta when installed, else slirp4netns; config_finish resolves it */
  NET_JOIN,    /* sandbox:NAME: NAME's network namespace (netjoin.c) */
  NET_NETWORK, /* --network NET: a namespace of its own on NET's bridge (network.c) */
};

/* One --publish [HOSTIP:]HOSTPORT:PORT[/tcp|/udp].  */
struct net_publish
{
  char *spec;               /* as the user wrote it, for messages */
  int proto;                /* IPPROTO_TCP or IPPROTO_UDP */
  struct in_addr host_addr; /* 127.0.0.1 unless given */
  uint16_t host_port, port;
};

/* The launcher's handle on a running helper.  */
struct net_helper
{
  struct helper proc;
  /* the sandbox's user and network namespaces, opened by the launcher while pid 1 could
     still be opened (it is not dumpable once the helpers start: /proc/PID/ns is closed to
     them); the launcher's, not closed here */
  int userns_fd, netns_fd;
  int ready_fd;   /* read end: the helper writes to it once its device is up */
  int exit_fd;    /* write end: slirp4netns exits when it closes (also when we are killed) */
  int log_fd;     /* a memfd holding the helper's stderr, for the error line */
  char *api_sock; /* slirp4netns's API socket while ports are added, in the launcher's
                     state folder (state.c) */
};
#define NET_HELPER_INIT                                                                            \
  {                                                                                                \
    HELPER_INIT, -1, -1, -1, -1, -1, NULL                                                          \
  }

/* Parsers for the option table.  *RET_WHY says what is wrong, for "--OPT 'VALUE': why".  */
int net_parse_mode (const char *s, enum net_mode *ret_mode);
const char *net_mode_name (enum net_mode mode);
int net_parse_publish (const char *s, struct net_publish *ret, const char **ret_why);

/* config_finish: resolves --net auto, finds the helper, checks the options that go together
   and that every published host port is free; makes the state folder slirp4netns's API
   socket will need.  */
int net_config_finish (struct config *cfg, struct sb_error **err);

/* The launcher, once the child's id maps are written: starts the helper for the network
   namespace h->netns_fd (of the user namespace h->userns_fd) without waiting for it.  */
int net_helper_start (const struct config *cfg, struct net_helper *h, struct sb_error **err);
/* Waits until the helper's device is up, then adds the published ports.  */
int net_helper_wait (const struct config *cfg, struct net_helper *h, struct sb_error **err);
/* Kills and reaps the helper, removes its folder; safe on a helper never started.  */
void net_helper_stop (struct net_helper *h);

/* The child, before pivot_root, with ROOT an O_PATH fd on the new root and its /run a tmpfs
   of ours: binds generated files over /etc/resolv.conf (the helper's resolver) and
   /etc/hosts (the sandbox's host name), every path resolved inside the root (inroot.c);
   nothing with --net host.  */
int net_setup_files (const struct config *cfg, int root, struct sb_error **err);
/* pid 1, once it has its mount namespace, before it builds the root: opens --network's hosts file
   (the holder's, cfg->network_hosts) for net_setup_files; nothing without --network.  */
int net_open_hosts (const struct config *cfg, struct sb_error **err);
/* The child, in its network namespace: brings lo up (nothing with --net host).  */
int net_setup_inside (const struct config *cfg, struct sb_error **err);
