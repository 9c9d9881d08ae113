/* init.h: the setup process, which becomes pid 1 of the sandbox. */
#pragma once

struct config;

/* Waits for the id maps, builds the sandbox, runs the command under a reaper, and reports
   the command's end to the launcher on SOCK.  Never returns.  */
_Noreturn void init_main (const struct config *cfg, int sock);

/* The signals the launcher and pid 1 pass on to the command.  */
extern const int init_forwarded_signals[];
