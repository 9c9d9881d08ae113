/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp-cache.h: compiled seccomp programs, kept where no sandbox can write (the reasons
   are at the top of seccomp-cache.c).  Used by seccomp.c only, and by the tests.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct sb_seccomp_bpf;

/* The cache folder, opened: $XDG_RUNTIME_DIR/sandbox-seccomp, else /tmp/sandbox-seccomp-UID;
   made when missing (and then the cache of older versions in ~/.cache/sandbox goes).  -1
   when there is none we can trust: a start then compiles.  */
int seccomp_cache_open (void);
/* PARENT/NAME made (mode 0700) or opened, when it is a folder of ours, mode 0700, not a
   symlink; -1 otherwise.  *RET_MADE (when not NULL): we made it.  */
int seccomp_cache_open_in (const char *parent, const char *name, bool *ret_made);

/* 0 and *RET when the folder DIRFD holds the program compiled for KEY (everything it was
   compiled from); -1 on a miss or a file that does not hold what it should.  */
int seccomp_cache_read (int dirfd, const char *key, size_t key_len, struct sb_seccomp_bpf *ret);
/* Best effort: a cache we cannot write costs a compile, nothing else.  */
void seccomp_cache_write (int dirfd, const char *key, size_t key_len,
                          const struct sb_seccomp_bpf *bpf);
