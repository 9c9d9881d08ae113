/* net.h: the sandbox's network. */
#pragma once

struct sb_error;

/* In the new network namespace: bring up lo, its only device.  */
int net_loopback_up (struct sb_error **err);
