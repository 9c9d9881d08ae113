/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-seccomp.c: the seccomp policy parser: bad inputs and their one line, good inputs,
   the shipped policies and podman's. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdio.h>
#include <string.h>

#include "../src/error.h"
#include "../src/seccomp.h"
#include "../src/util.h"
#include "tap.h"

struct row
{
  const char *json;
  const char *error; /* NULL: compiles */
};

#define D "\"defaultAction\": \"SCMP_ACT_ERRNO\""
#define DK "\"defaultAction\": \"SCMP_ACT_KILL\""

static const struct row rows[] = {
  { "{" D "}", NULL },
  { "{" D ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}", NULL },
  { "{" D ", \"syscalls\": [{\"name\": \"getpid\", \"action\": \"SCMP_ACT_ALLOW\"}]}", NULL },
  { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ioctl\"], "
    "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1, \"args\": [{\"index\": 1, \"value\": "
    "4294967295, \"valueTwo\": 21522, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
    NULL },
  /* an unknown name is skipped when calls not listed answer ENOSYS anyway */
  { "{" D ", \"defaultErrnoRet\": 38, \"syscalls\": [{\"names\": [\"frobnicate\"], "
    "\"action\": \"SCMP_ACT_ALLOW\"}]}",
    NULL },
  /* and when the rule does not apply here */
  { "{" DK ", \"syscalls\": [{\"names\": [\"frobnicate\"], \"action\": \"SCMP_ACT_ALLOW\", "
    "\"includes\": {\"arches\": [\"s390x\"]}}]}",
    NULL },
  { "", "t.json:1:1: not JSON: unexpected end of file" },
  { "{\"defaultAction\": }", "t.json:1:19: not JSON: unexpected character" },
  { "{\n  " D ",\n  \"syscalls\": [,]\n}", "t.json:3:16: not JSON: unexpected character" },
  { "{" D "} x", "t.json:1:37: not JSON: text after the end of the document" },
  /* JSON that json-c takes unless strict, and some that it takes even then */
  { "{" D ", \"syscalls\": [],}", "t.json:1:52: not JSON: unexpected character" },
  { "{" D ", \"syscalls\": [{\"names\": [\"getpid\",], \"action\": \"SCMP_ACT_ALLOW\"}]}",
    "t.json:1:70: not JSON: unexpected character" },
  { "{'defaultAction': 'SCMP_ACT_ERRNO'}", "t.json:1:19: not JSON: unexpected character" },
  { "{" D ", \"x\": NaN}", "t.json:1:42: not JSON: unexpected character" },
  { "{" D ", \"x\": -Infinity}", "t.json:1:43: not JSON: unexpected character" },
  { "{" D ", \"x\": 1.}", "t.json:1:43: not JSON: unexpected character" },
  { "{" D ", \"x\": \"a\tb\"}", "t.json:1:44: not JSON: unexpected character" },
  { "{" D ", \"x\": \"\xff\"}", "t.json:1:43: not JSON: invalid utf-8 string" },
  { "{" D ", \"x\": [1.5e-3, 1E+2, -0, true, false, null, \"\\\" \\u00e9\"]}", NULL },
  { "[]", "t.json: expected a JSON object with \"defaultAction\"" },
  { "{}", "t.json: defaultAction: expected an action such as \"SCMP_ACT_ERRNO\"" },
  { "{\"defaultAction\": \"SCMP_ACT_FOO\"}",
    "t.json: defaultAction: unknown action 'SCMP_ACT_FOO'" },
  { "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
    "t.json: defaultAction: SCMP_ACT_NOTIFY needs a listener; sandbox has none" },
  { "{" D ", \"defaultErrnoRet\": 5000}",
    "t.json: defaultErrnoRet: 5000 is not an errno value (1 to 4095)" },
  { "{" D ", \"defaultErrnoRet\": -1}",
    "t.json: defaultErrnoRet: expected a number from 0 to 18446744073709551615" },
  { "{" D ", \"defaultErrno\": \"EWHAT\"}", "t.json: defaultErrno: unknown errno name 'EWHAT'" },
  { "{" D ", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
    "t.json: architectures[0]: unknown architecture 'SCMP_ARCH_VAX'" },
  { "{" D ", \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": "
    "[\"SCMP_ARCH_Z80\"]}]}",
    "t.json: archMap[0].subArchitectures[0]: unknown architecture 'SCMP_ARCH_Z80'" },
  { "{" D ", \"syscalls\": {}}", "t.json: syscalls: expected an array" },
  { "{" D ", \"syscalls\": [{\"action\": \"SCMP_ACT_ALLOW\"}]}",
    "t.json: syscalls[0]: expected \"names\", an array of system call names" },
  { "{" D ", \"syscalls\": [{\"names\": [\"getpid\"]}]}",
    "t.json: syscalls[0].action: expected an action such as \"SCMP_ACT_ERRNO\"" },
  { "{" D ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_PERMIT\"}]}",
    "t.json: syscalls[0].action: unknown action 'SCMP_ACT_PERMIT'" },
  { "{" DK ", \"syscalls\": [{\"names\": [\"getpid\", \"frobnicate\"], \"action\": "
    "\"SCMP_ACT_ALLOW\"}]}",
    "t.json: syscalls[0]: unknown system call 'frobnicate'" },
  { "{" D ", \"syscalls\": [{\"names\": [\"getpid\", 3], \"action\": \"SCMP_ACT_ALLOW\"}]}",
    "t.json: syscalls[0].names[1]: expected a string" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
    "[{\"index\": 6, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
    "t.json: syscalls[0].args[0].index: 6 is out of range (0 to 5)" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
    "[{\"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
    "t.json: syscalls[0].args[0].index: missing" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
    "[{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_ABOUT\"}]}]}",
    "t.json: syscalls[0].args[0].op: unknown operator 'SCMP_CMP_ABOUT'" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
    "[{\"index\": 0, \"value\": \"zero\", \"op\": \"SCMP_CMP_EQ\"}]}]}",
    "t.json: syscalls[0].args[0].value: expected a number from 0 to 18446744073709551615" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
    "\"errnoRet\": 4096}]}",
    "t.json: syscalls[0].errnoRet: 4096 is not an errno value (1 to 4095)" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
    "\"includes\": {\"caps\": [\"CAP_FLY\"]}}]}",
    "t.json: syscalls[0].includes.caps: unknown capability 'CAP_FLY'" },
  { "{" D ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
    "\"excludes\": {\"minKernel\": \"five\"}}]}",
    "t.json: syscalls[0].excludes.minKernel: expected a version such as \"5.8\"" },
};

/* Runs the BPF program P on a call NR of ARCH whose argument IDX is ARG, the others 0 (the
   classic BPF subset libseccomp emits); returns the SECCOMP_RET_* value.  */
static uint32_t
run_bpf_arg (const struct sb_seccomp_bpf *p, uint32_t arch, int nr, int idx, uint64_t arg)
{
  /* struct seccomp_data: nr, arch, instruction_pointer, args[6] (little endian) */
  uint32_t data[16] = { (uint32_t) nr, arch };
  const struct sock_filter *f = p->insns;
  size_t n = p->len / sizeof *f, pc = 0;
  uint32_t a = 0;

  data[4 + 2 * idx] = (uint32_t) arg;
  data[5 + 2 * idx] = (uint32_t) (arg >> 32);
  while (pc < n)
    {
      const struct sock_filter *i = &f[pc++];

      switch (i->code)
        {
        case BPF_LD | BPF_W | BPF_ABS:
          a = data[i->k / 4];
          break;
        case BPF_RET | BPF_K:
          return i->k;
        case BPF_ALU | BPF_AND | BPF_K:
          a &= i->k;
          break;
        case BPF_JMP | BPF_JA:
          pc += i->k;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          pc += a == i->k ? i->jt : i->jf;
          break;
        case BPF_JMP | BPF_JGT | BPF_K:
          pc += a > i->k ? i->jt : i->jf;
          break;
        case BPF_JMP | BPF_JGE | BPF_K:
          pc += a >= i->k ? i->jt : i->jf;
          break;
        case BPF_JMP | BPF_JSET | BPF_K:
          pc += (a & i->k) ? i->jt : i->jf;
          break;
        default:
          return 0xdead;
        }
    }
  return 0xdead;
}

/* ARG is the second argument: ioctl's request */
static uint32_t
run_bpf (const struct sb_seccomp_bpf *p, uint32_t arch, int nr, uint64_t arg)
{
  return run_bpf_arg (p, arch, nr, 1, arg);
}

static int
compile_file (const char *path, uint64_t caps, struct sb_seccomp_bpf *bpf, unsigned *skipped,
              struct sb_error **err)
{
  struct sb_seccomp_target t = { .caps = caps, .kernel_major = 6, .kernel_minor = 1 };
  cleanup_free char *text = NULL;
  size_t len;

  text = read_file_at (AT_FDCWD, path, &len);
  if (text == NULL)
    return sb_error_set (err, errno, "%s", path);
  return sb_seccomp_compile (path, text, len, &t, bpf, skipped, err);
}

#define AUDIT_X86_64 0xc000003eu
#define AUDIT_I386 0x40000003u
#define RET_ERRNO(e) (0x00050000u | (e))
#define RET_ALLOW 0x7fff0000u

int
main (void)
{
  size_t n = sizeof rows / sizeof *rows;
  const char *srcdir = getenv ("srcdir");
  struct sb_seccomp_target t = { 0 };

  tap_plan ((int) n + 12);
  for (size_t i = 0; i < n; i++)
    {
      struct sb_error *err = NULL;
      struct sb_seccomp_bpf bpf = { 0 };
      int r = sb_seccomp_compile ("t.json", rows[i].json, strlen (rows[i].json), &t, &bpf, NULL,
                                  &err);

      if (rows[i].error == NULL)
        tap_ok (r == 0 && bpf.len > 0, "%s compiles%s%s", rows[i].json, err ? ": " : "",
                err ? err->msg : "");
      else
        tap_ok (r < 0 && err != NULL && strcmp (err->msg, rows[i].error) == 0,
                "refused with \"%s\" (got \"%s\")", rows[i].error, err ? err->msg : "no error");
      sb_error_free (&err);
      sb_seccomp_bpf_free (&bpf);
    }

  for (int browser = 0; browser < 2; browser++)
    {
      cleanup_free char *path = NULL;
      struct sb_error *err = NULL;
      struct sb_seccomp_bpf bpf = { 0 };
      unsigned skipped = 99;
      int r;

      if (asprintf (&path, "%s/profiles/seccomp/%s.json", srcdir ? srcdir : ".",
                    browser ? "browser" : "default")
          < 0)
        return 1;
      r = compile_file (path, 0, &bpf, &skipped, &err);
      tap_ok (r == 0 && skipped == 0, "%s compiles and names only calls libseccomp knows (%s)",
              path, err ? err->msg : "ok");
      if (r == 0 && !browser)
        {
          /* the filter itself, run here: the masked TIOCSTI compare, clone3, every ABI */
          tap_ok (run_bpf (&bpf, AUDIT_X86_64, 16 /* ioctl */, 0x5412) == RET_ERRNO (1)
                      && run_bpf (&bpf, AUDIT_X86_64, 16, 0x100005412) == RET_ERRNO (1)
                      && run_bpf (&bpf, AUDIT_X86_64, 16, 0xffffffff0000541c) == RET_ERRNO (1)
                      && run_bpf (&bpf, AUDIT_X86_64, 16, 0x5413) == RET_ALLOW
                      && run_bpf (&bpf, AUDIT_X86_64, 16, 0x80045430) == RET_ALLOW,
                  "default: TIOCSTI and TIOCLINUX denied whatever the high bits, other ioctls "
                  "allowed");
          tap_ok (run_bpf (&bpf, AUDIT_X86_64, 435 /* clone3 */, 0) == RET_ERRNO (38)
                      && run_bpf (&bpf, AUDIT_X86_64, 250 /* keyctl */, 0) == RET_ERRNO (1)
                      && run_bpf (&bpf, AUDIT_I386, 288 /* keyctl */, 0) == RET_ERRNO (1)
                      && run_bpf (&bpf, AUDIT_X86_64, 0x40000000 | 250, 0) == RET_ERRNO (38)
                      && run_bpf (&bpf, AUDIT_X86_64, 0x40000000 | 39, 0) == RET_ERRNO (38)
                      && run_bpf (&bpf, AUDIT_I386, 20 /* getpid */, 0) == RET_ALLOW,
                  "default: clone3 ENOSYS; keyctl EPERM on x86_64 and i386; every x32 call "
                  "(keyctl, getpid) ENOSYS");
        }
      if (r == 0)
        {
          bool ok = true;

          /* socket (41): AF_ALG 38 and AF_VSOCK 40 refused on x86_64, whatever the high
             bits (the kernel reads the family as 32 bits); x32's (41 | 0x40000000) answers
             ENOSYS for every family */
          ok &= run_bpf_arg (&bpf, AUDIT_X86_64, 41, 0, 38) == RET_ERRNO (97);
          ok &= run_bpf_arg (&bpf, AUDIT_X86_64, 41, 0, 40) == RET_ERRNO (97);
          ok &= run_bpf_arg (&bpf, AUDIT_X86_64, 41, 0, 0x100000028) == RET_ERRNO (97);
          ok &= run_bpf_arg (&bpf, AUDIT_X86_64, 41, 0, 0xffffffff00000026) == RET_ERRNO (97);
          for (uint64_t fam = 0; fam < 64; fam++)
            {
              if (fam != 38 && fam != 40)
                ok &= run_bpf_arg (&bpf, AUDIT_X86_64, 41, 0, fam) == RET_ALLOW;
              ok &= run_bpf_arg (&bpf, AUDIT_X86_64, (int) (0x40000000 | 41), 0, fam)
                    == RET_ERRNO (38);
            }
          tap_ok (ok,
                  "%s: socket AF_ALG and AF_VSOCK give EAFNOSUPPORT on x86_64, whatever the "
                  "high bits; families 0 to 63 else allowed; every x32 socket ENOSYS",
                  path);
          /* i386: socketcall (102) hides the family in memory: its SYS_SOCKET is refused,
             and the direct socket (359) allows no family it cannot check on socketcall */
          tap_ok (run_bpf_arg (&bpf, AUDIT_I386, 102, 0, 1) != RET_ALLOW
                      && run_bpf_arg (&bpf, AUDIT_I386, 102, 0, 2 /* bind */) == RET_ALLOW
                      && run_bpf_arg (&bpf, AUDIT_I386, 102, 0, 8 /* socketpair */) == RET_ALLOW
                      && run_bpf_arg (&bpf, AUDIT_I386, 359, 0, 40) == RET_ERRNO (97)
                      && run_bpf_arg (&bpf, AUDIT_I386, 359, 0, 38) == RET_ERRNO (97)
                      && run_bpf_arg (&bpf, AUDIT_I386, 359, 0, 2) != RET_ALLOW,
                  "%s: i386: socketcall (SYS_SOCKET) refused, its other calls allowed; socket "
                  "refuses AF_VSOCK and AF_ALG",
                  path);
        }
      sb_error_free (&err);
      sb_seccomp_bpf_free (&bpf);
    }
  {
    struct sb_error *err = NULL;
    struct sb_seccomp_bpf with = { 0 }, without = { 0 };
    unsigned skipped = 99;
    int r1, r2;

    r1 = compile_file ("/usr/share/containers/seccomp.json", 0, &without, &skipped, &err);
    tap_ok (r1 == 0, "podman's policy compiles unchanged (%s)", err ? err->msg : "ok");
    sb_error_free (&err);
    r2 = compile_file ("/usr/share/containers/seccomp.json", UINT64_C (1) << 21, &with, NULL, &err);
    /* its caps rules: bpf is allowed only with CAP_SYS_ADMIN */
    tap_ok (r1 == 0 && r2 == 0 && run_bpf (&without, AUDIT_X86_64, 321, 0) == RET_ERRNO (1)
                && run_bpf (&with, AUDIT_X86_64, 321, 0) == RET_ALLOW,
            "podman's includes/excludes caps: bpf EPERM without CAP_SYS_ADMIN, allowed with it");
    tap_ok (r1 == 0
                && run_bpf_arg (&without, AUDIT_X86_64, 135 /* personality */, 0, 8) == RET_ALLOW
                && run_bpf_arg (&without, AUDIT_X86_64, 135, 0, 0x40000) == RET_ERRNO (38),
            "podman's personality arguments: 8 allowed, others ENOSYS");
    sb_error_free (&err);
    sb_seccomp_bpf_free (&with);
    sb_seccomp_bpf_free (&without);
  }
  {
    struct sb_error *err = NULL;
    struct sb_seccomp_bpf bpf = { 0 };
    int r = sb_seccomp_compile ("t.json", "{" DK "}", strlen ("{" DK "}"), &t, &bpf, NULL, &err);

    tap_ok (r == 0 && bpf.len % sizeof (struct sock_filter) == 0
                && run_bpf (&bpf, AUDIT_X86_64, 39, 0) == 0 /* SECCOMP_RET_KILL_THREAD */,
            "SCMP_ACT_KILL kills the thread, as in runc");
    sb_error_free (&err);
    sb_seccomp_bpf_free (&bpf);
  }
  return tap_done ();
}
