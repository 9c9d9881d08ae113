/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile.h: profile files, the command line's options written one a line. */
#pragma once

#include <stdio.h>

struct config;
struct sb_error;

/* Applies the profile NAME (searched: ~/.config/sandbox/profiles, /etc/sandbox/profiles,
   the installed folder) or PATH (when it holds a '/') to CFG.  */
int profile_apply (struct config *cfg, const char *name_or_path, struct sb_error **err);
/* Applies the profile named "default" when one is found; 0 when there is none.  */
int profile_apply_default (struct config *cfg, struct sb_error **err);
/* --profiles: every profile found, first match wins, with its description.  */
int profile_list (FILE *f, struct sb_error **err);
/* --print-config: the options in effect, as profile lines, each with its origin.  */
void profile_print_config (const struct config *cfg, FILE *f);
