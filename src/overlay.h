/* overlay.h: the copy-on-write engines: the kernel's overlayfs mounted inside the user
   namespace, and the fuse-overlayfs helper, which runs outside the sandbox's pid namespace.  */
#pragma once

#include <sys/types.h>

struct config;
struct helper;
struct sb_error;

/* Setup process.  Mounts the kernel's overlayfs on TARGET: LOWERS is a ':'-joined list, top
   first; UPPER and WORK are folders on one file system.  errnum tells why the kernel
   refused (EPERM, EINVAL: no overlayfs for this tree in a user namespace).  */
int overlay_mount_kernel (const char *target, const char *lowers, const char *upper,
                          const char *work, struct sb_error **err);

/* Setup process.  Checks that the helper and /dev/fuse are usable, opens /dev/fuse and mounts
   a FUSE file system on TARGET.  Returns the device fd: the launcher's helper serves it.
   Requests on TARGET wait until the helper answers.  */
int overlay_mount_fuse (const struct config *cfg, const char *target, struct sb_error **err);

/* Launcher, when the engine may be fuse: the helper is installed and /dev/fuse is usable.  */
int overlay_fuse_check (const struct config *cfg, struct sb_error **err);

/* Launcher.  Starts fuse-overlayfs (helper.c) serving FUSE_FD for the sandbox whose user
   namespace is USERNS_FD (opened while pid 1 was still dumpable): it joins that user
   namespace (to own the files it creates as the ids inside), gets a private mount namespace
   with its own tmpfs for the ephemeral upper layer, and stays in the launcher's pid
   namespace, where the sandbox cannot see, signal or trace it.  When
   cfg->report_cwd_changes, *RET_UPPER_FD (if still -1) gets an fd on its ephemeral upper
   layer.  */
int overlay_fuse_start (const struct config *cfg, int userns_fd, int fuse_fd, struct helper *h,
                        int *ret_upper_fd, struct sb_error **err);
/* Launcher: ends it; safe to repeat.  */
void overlay_fuse_stop (struct helper *h);
