/* launch.h: clone, the sync protocol, waiting, teardown. */
#pragma once

struct config;
struct sb_error;

/* Runs the sandbox to its end.  *ret_status: the exit status the launcher should exit with.
   On failure, err->status says which status (125, 126 or 127).  */
int launch_run (const struct config *cfg, int *ret_status, struct sb_error **err);
