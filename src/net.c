/* net.c: the network namespace: lo up. */
#include "build-config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "error.h"
#include "net.h"
#include "util.h"

int
net_loopback_up (struct sb_error **err)
{
  cleanup_close int fd = -1;
  struct ifreq ifr;

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return sb_error_set (err, errno, "socket");
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return sb_error_set (err, errno, "get the flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return sb_error_set (err, errno, "bring up lo");
  return 0;
}
