/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-seccomp: compiles one seccomp policy for the launcher (seccomp.c), which then
   caches the program.  Its own program so that only it loads libseccomp and json-c.
     sandbox-seccomp POLICY CAPS KMAJOR KMINOR [-v] <POLICY
   The policy is read from standard input (the launcher opened and checked the file; POLICY
   names it in messages).  CAPS: the capability set the command keeps, in hex.  Standard
   output: one struct sb_seccomp_record and its payload (seccomp.h).  */
#include "build-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "seccomp.h"
#include "util.h"

static int
answer (const char *magic, uint32_t value, const void *payload, size_t len)
{
  struct sb_seccomp_record rec = { .value = value, .len = (uint32_t) len };

  memcpy (rec.magic, magic, sizeof rec.magic);
  return write_all (STDOUT_FILENO, &rec, sizeof rec) < 0
                 || write_all (STDOUT_FILENO, payload, len) < 0
             ? 1
             : 0;
}

int
main (int argc, char **argv)
{
  struct sb_seccomp_target t = { 0 };
  struct sb_seccomp_bpf bpf = { 0 };
  struct sb_error *err = NULL;
  cleanup_free char *text = NULL;
  unsigned long long caps;
  unsigned skipped = 0;
  size_t len;
  char *end;
  int r;

  if (argc < 5 || argc > 6 || (argc == 6 && strcmp (argv[5], "-v") != 0))
    {
      fprintf (stderr, "usage: sandbox-seccomp POLICY CAPS KMAJOR KMINOR [-v]\n");
      return 2;
    }
  if (argc == 6)
    log_level = LOG_LEVEL_DEBUG;
  errno = 0;
  caps = strtoull (argv[2], &end, 16);
  if (errno != 0 || *end != '\0' || sscanf (argv[3], "%u", &t.kernel_major) != 1
      || sscanf (argv[4], "%u", &t.kernel_minor) != 1)
    {
      fprintf (stderr, "sandbox-seccomp: bad arguments\n");
      return 2;
    }
  t.caps = caps;
  text = read_regular_fd (STDIN_FILENO, SB_SECCOMP_MAX_POLICY, &len, NULL);
  if (text == NULL && errno == EINVAL)
    sb_error_set (&err, 0, "--seccomp '%s': not a regular file", argv[1]);
  else if (text == NULL && errno == EFBIG)
    sb_error_set (&err, 0, "--seccomp '%s': larger than %d KiB, the most a policy may be", argv[1],
                  SB_SECCOMP_MAX_POLICY / 1024);
  else if (text == NULL)
    sb_error_set (&err, errno, "--seccomp '%s'", argv[1]);
  else if (sb_seccomp_compile (argv[1], text, len, &t, &bpf, &skipped, &err) == 0)
    (void) sb_seccomp_check (argv[1], &bpf, &err);
  if (err != NULL)
    {
      /* the launcher makes the same error of it: message and errno */
      (void) answer (SB_SECCOMP_ERROR_MAGIC, (uint32_t) err->errnum, err->msg, strlen (err->msg));
      sb_error_free (&err);
      sb_seccomp_bpf_free (&bpf);
      return 1;
    }
  r = answer (SB_SECCOMP_BPF_MAGIC, skipped, bpf.insns, bpf.len);
  sb_seccomp_bpf_free (&bpf);
  return r;
}
