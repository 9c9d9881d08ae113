/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caps.h: the capability sets the command keeps (libcap), decided by the launcher and
   applied by the command's process before it changes ids and right after.  */
#pragma once

#include <stdint.h>

struct config;
struct sb_error;

/* "ALL" -> -1; "CAP_CHOWN", "chown", "CHOWN" -> its number; -2 when unknown.  */
int sb_caps_from_name (const char *name);
/* Fills cfg->caps: Docker's default set for --uid 0, none for other ids, then --cap-drop
   and --cap-add (an add wins over a drop).  */
void sb_caps_plan (struct config *cfg);
/* As uid 0 of the namespace, before setresuid: drops the bounding set to cfg->caps and keeps
   the rest across the id change.  */
int sb_caps_drop_bounding (const struct config *cfg, struct sb_error **err);
/* After setresuid: permitted, effective, inheritable = cfg->caps; ambient = cfg->caps when
   the uid is not 0 (so they survive exec), else empty.  */
int sb_caps_set (const struct config *cfg, struct sb_error **err);
