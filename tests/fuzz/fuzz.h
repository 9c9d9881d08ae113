/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h: what the fuzz targets share: a private home whose profiles they write. */
#pragma once

/* Makes a private folder, and points HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR into it
   and SANDBOX_DATADIR at the source tree's profiles; returns the folder.  */
const char *fuzz_home (void);
