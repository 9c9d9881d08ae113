/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-launch.c: the advice when the kernel refuses a user namespace: which setting is
   the reason, and the exact fix for it.  */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/launch.h"
#include "tap.h"

#define BIN "/usr/bin/sandbox"
#define PROF "/etc/apparmor.d/sandbox"

struct row
{
  const char *what;
  struct userns_state st;
  const char *want; /* NULL: no setting explains it */
};

static const struct row rows[] = {
  { "AppArmor restricts, installed binary, profile on disk: load it",
    { "1\n", NULL, "15000\n", BIN, BIN, PROF, true },
    "AppArmor restricts them and the profile " PROF
    " is not loaded; as root: apparmor_parser -r " PROF " (or systemctl reload apparmor)" },
  { "AppArmor restricts, installed binary, no profile file: install and load it",
    { "1\n", NULL, "15000\n", BIN, BIN, PROF, false },
    "AppArmor restricts them and the profile " PROF " is missing; install it (make install), "
    "then as root: apparmor_parser -r " PROF },
  { "AppArmor restricts, another binary: the installed one, or the sysctl",
    { "1\n", NULL, "15000\n", "/home/u/src/sandbox/src/sandbox", BIN, PROF, true },
    "AppArmor restricts them and the profile " PROF " allows only " BIN "; run that one, or as "
    "root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" },
  { "AppArmor restricts, built without the profile: configure or the sysctl",
    { "1\n", NULL, "15000\n", BIN, BIN, NULL, false },
    "AppArmor restricts them and sandbox was built without its AppArmor profile (./configure "
    "--with-apparmor); or as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" },
  { "AppArmor restricts and Debian's switch is off: AppArmor is named first",
    { "1\n", "0\n", "15000\n", BIN, BIN, PROF, true },
    "AppArmor restricts them and the profile " PROF
    " is not loaded; as root: apparmor_parser -r " PROF " (or systemctl reload apparmor)" },
  { "AppArmor present, not restricting; Debian's switch off",
    { "0\n", "0\n", "15000\n", BIN, BIN, PROF, true },
    "disabled by the administrator; as root: sysctl -w kernel.unprivileged_userns_clone=1" },
  { "no AppArmor; user.max_user_namespaces 0",
    { NULL, "1\n", "0\n", BIN, BIN, PROF, false },
    "user.max_user_namespaces is 0; as root: sysctl -w user.max_user_namespaces=15000" },
  { "user.max_user_namespaces 10 is not 0", { NULL, NULL, "10\n", BIN, BIN, PROF, false }, NULL },
  { "nothing restricts: no advice", { "0\n", "1\n", "15000\n", BIN, BIN, PROF, true }, NULL },
  { "no such files at all: no advice", { NULL, NULL, NULL, BIN, BIN, NULL, false }, NULL },
};

int
main (void)
{
  tap_plan (sizeof rows / sizeof *rows);
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      char *got = launch_userns_advice (&rows[i].st);
      bool same = got == NULL || rows[i].want == NULL ? got == rows[i].want
                                                      : strcmp (got, rows[i].want) == 0;

      if (!same)
        printf ("# got '%s'\n", got ? got : "(none)");
      tap_ok (same, "%s", rows[i].what);
      free (got);
    }
  return tap_done ();
}
