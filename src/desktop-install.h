/* SPDX-License-Identifier: GPL-2.0-or-later */
/* desktop-install.h: desktop integration for the current user, as firecfg does for
   firejail: an app's menu entry (~/.local/share/applications/APP.desktop, which hides the
   system's entry of the same id) and its name in PATH (~/.local/bin/NAME) run it as
   `sandbox -p PROFILE -- APP`.  Nothing outside the user's home is written.  */
#pragma once

#include <stdio.h>

struct config;
struct sb_error;

/* The shipped profile for APP (a desktop file id or a program name: "firefox-esr",
   "chromium", "vlc"), or NULL when none is known.  */
const char *desktop_install_profile_for (const char *app);

/* --desktop-install APP: writes the menu entry and the PATH name, with cfg->profiles (the -p
   of this command line) or the profile known for APP.  Refuses to replace a file of the
   user's that is not ours.  */
int desktop_install (const struct config *cfg, const char *app, struct sb_error **err);

/* --desktop-remove APP: removes what desktop_install wrote, and the folders it made that are
   empty again, and nothing else.  */
int desktop_remove (const char *app, struct sb_error **err);

/* --desktop-list: one line per installed app: APP, its profile, its PATH name.  */
int desktop_list (FILE *f, struct sb_error **err);
