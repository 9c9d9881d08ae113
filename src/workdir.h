/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workdir.h: what the command changed in a working directory that was not bound (the home,
   or /): those changes went to the ephemeral upper layer and are discarded at the end.  */
#pragma once

struct config;

/* The number of changes below REL (a path without its leading '/') in the upper layer
   UPPER_FD: files, symlinks and whiteouts (deletions).  Folders are not counted: the upper
   layer holds copied-up parents and the sandbox's own mount points, and an empty folder
   loses nothing.  Stops at LIMIT.  Never follows a symlink: the sandbox wrote this tree.  */
unsigned workdir_count_changes (int upper_fd, const char *rel, unsigned limit);

/* Launcher, after the sandbox ended: one notice, when cfg->report_cwd_changes and the
   command changed something in the working directory (UPPER_FD: -1 when none came).  */
void workdir_report (const struct config *cfg, int upper_fd);
