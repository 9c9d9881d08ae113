/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-seccomp.c: libFuzzer target for the seccomp JSON reader and compiler: the input is
   a policy, compiled for a command without capabilities and, when its size is odd, for
   one with every capability (the rules' includes and excludes differ).  */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>

#include "../../src/error.h"
#include "../../src/seccomp.h"
#include "../../src/util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct sb_seccomp_target t = { .caps = size % 2 ? ~UINT64_C (0) : 0,
                                 .kernel_major = 6,
                                 .kernel_minor = size % 3 ? 1 : 20 };
  struct sb_seccomp_bpf bpf = { 0 };
  struct sb_error *err = NULL;
  unsigned skipped = 0;

  if (sb_seccomp_compile ("fuzz.json", (const char *) data, size, &t, &bpf, &skipped, &err) < 0)
    {
      free (sb_error_text (err));
      sb_error_free (&err);
    }
  sb_seccomp_bpf_free (&bpf);
  return 0;
}
