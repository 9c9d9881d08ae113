/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp-compile.c: OCI/Docker seccomp policies (JSON, read with json-c) compiled with
   libseccomp into one BPF program that covers every syscall ABI of the machine.  It runs in
   its own program, sandbox-seccomp (and the unit tests): the launcher loads neither library.

   Format (runtime-spec config-linux.md "Seccomp", Docker's profiles/seccomp/default.json):
   defaultAction, defaultErrnoRet, architectures, archMap, syscalls[] with names (or name),
   action, errnoRet, args[] {index, value, valueTwo, op}, includes/excludes {arches, caps,
   minKernel}.  Keys we do not use ("comment", "flags", ...) are ignored, as runc does.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "json.h"
#include "log.h"
#include "seccomp.h"
#include "util.h"

#define MAX_ERRNO 4095
/* the kernel's BPF_MAXINSNS */
#define MAX_INSNS 4096

static void
json_putp (struct json_object **o)
{
  if (*o != NULL)
    json_object_put (*o);
}
#define cleanup_json __attribute__ ((cleanup (json_putp)))

static void
seccomp_releasep (scmp_filter_ctx *ctx)
{
  if (*ctx != NULL)
    seccomp_release (*ctx);
}

/* What one compile needs to know, and where it reports.  */
struct compiler
{
  const char *path;
  const struct sb_seccomp_target *target;
  scmp_filter_ctx ctx;
  /* on x86_64, the i386 ABI's rules, merged into CTX at the end (add_rule says why) */
  scmp_filter_ctx ctx32;
  uint32_t default_action;
  bool skip_unknown; /* the policy answers calls it does not list with ENOSYS */
  unsigned skipped;
  struct sb_error **err;
};

__attribute__ ((format (printf, 2, 3))) static int
bad (struct compiler *c, const char *fmt, ...)
{
  cleanup_free char *what = NULL;
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&what, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  return sb_error_set (c->err, 0, "%s: %s", c->path, what);
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token; 0 when unknown.  */
static uint32_t
arch_token (const char *name)
{
  char low[32];
  size_t i;

  if (strncmp (name, "SCMP_ARCH_", 10) != 0 || strlen (name + 10) >= sizeof low)
    return 0;
  for (i = 0; name[10 + i] != '\0'; i++)
    low[i] = (char) (name[10 + i] >= 'A' && name[10 + i] <= 'Z' ? name[10 + i] - 'A' + 'a'
                                                                : name[10 + i]);
  low[i] = '\0';
  return seccomp_arch_resolve_name (low);
}

/* The Go name of the native architecture, which Docker's includes/excludes "arches" use.  */
static const char *
native_go_arch (void)
{
  switch (seccomp_arch_native ())
    {
    case SCMP_ARCH_X86_64:
      return "amd64";
    case SCMP_ARCH_X86:
      return "386";
    case SCMP_ARCH_AARCH64:
      return "arm64";
    case SCMP_ARCH_ARM:
      return "arm";
    case SCMP_ARCH_PPC64LE:
      return "ppc64le";
    case SCMP_ARCH_S390X:
      return "s390x";
    case SCMP_ARCH_RISCV64:
      return "riscv64";
    case SCMP_ARCH_MIPSEL64:
      return "mips64le";
    default:
      return "";
    }
}

static int
check_string_array (struct compiler *c, struct json_object *a, const char *where)
{
  if (!json_object_is_type (a, json_type_array))
    return bad (c, "%s: expected an array of strings", where);
  for (size_t i = 0; i < json_object_array_length (a); i++)
    if (!json_object_is_type (json_object_array_get_idx (a, i), json_type_string))
      return bad (c, "%s[%zu]: expected a string", where, i);
  return 0;
}

/* Validates "architectures" and "archMap".  Whatever they list, the filter covers the
   machine's own ABIs (on x86_64: x86_64 and i386), each with the same rules: a call denied
   on one ABI must not be reachable through another.  x32 has no rules: its calls
   answer ENOSYS (set_attrs).  */
static int
check_arches (struct compiler *c, struct json_object *root)
{
  struct json_object *a = sb_json_member (root, "architectures", json_type_null),
                     *map = sb_json_member (root, "archMap", json_type_null);

  if (a != NULL)
    {
      if (check_string_array (c, a, "architectures") < 0)
        return -1;
      for (size_t i = 0; i < json_object_array_length (a); i++)
        {
          const char *n = json_object_get_string (json_object_array_get_idx (a, i));
          if (arch_token (n) == 0)
            return bad (c, "architectures[%zu]: unknown architecture '%s'", i, n);
        }
    }
  if (map == NULL)
    return 0;
  if (!json_object_is_type (map, json_type_array))
    return bad (c, "archMap: expected an array");
  for (size_t i = 0; i < json_object_array_length (map); i++)
    {
      struct json_object *e = json_object_array_get_idx (map, i), *arch, *subs;
      char where[64];

      if (!json_object_is_type (e, json_type_object))
        return bad (c, "archMap[%zu]: expected an object", i);
      arch = sb_json_member (e, "architecture", json_type_null);
      if (arch == NULL || !json_object_is_type (arch, json_type_string))
        return bad (c, "archMap[%zu].architecture: expected a string", i);
      if (arch_token (json_object_get_string (arch)) == 0)
        return bad (c, "archMap[%zu].architecture: unknown architecture '%s'", i,
                    json_object_get_string (arch));
      subs = sb_json_member (e, "subArchitectures", json_type_null);
      if (subs == NULL)
        continue;
      snprintf (where, sizeof where, "archMap[%zu].subArchitectures", i);
      if (check_string_array (c, subs, where) < 0)
        return -1;
      for (size_t j = 0; j < json_object_array_length (subs); j++)
        {
          const char *n = json_object_get_string (json_object_array_get_idx (subs, j));
          if (arch_token (n) == 0)
            return bad (c, "%s[%zu]: unknown architecture '%s'", where, j, n);
        }
    }
  return 0;
}

static int
get_u64 (struct compiler *c, struct json_object *v, const char *where, const char *key,
         uint64_t *ret)
{
  if (!json_object_is_type (v, json_type_int) || json_object_get_int64 (v) < 0)
    return bad (c, "%s%s%s: expected a number from 0 to 18446744073709551615", where,
                *key ? "." : "", key);
  *ret = json_object_get_uint64 (v);
  return 0;
}

/* An errno from "errnoRet" (a number) or the older "errno" (a name such as "EPERM").  */
static int
get_errno (struct compiler *c, struct json_object *o, const char *numkey, const char *namekey,
           const char *where, uint32_t *ret)
{
  struct json_object *v = sb_json_member (o, numkey, json_type_null);
  char at[96];
  uint64_t n = 0;

  snprintf (at, sizeof at, "%s%s%s", where, *where ? "." : "", numkey);
  if (v != NULL)
    {
      if (get_u64 (c, v, at, "", &n) < 0)
        return -1;
      if (n > MAX_ERRNO)
        return bad (c, "%s: %llu is not an errno value (1 to %d)", at, (unsigned long long) n,
                    MAX_ERRNO);
      *ret = (uint32_t) n;
      return 0;
    }
  v = sb_json_member (o, namekey, json_type_null);
  if (v == NULL)
    return 0;
  if (json_object_is_type (v, json_type_string))
    for (int e = 1; e <= 133; e++)
      {
        const char *name = strerrorname_np (e);
        if (name != NULL && strcmp (name, json_object_get_string (v)) == 0)
          {
            *ret = (uint32_t) e;
            return 0;
          }
      }
  snprintf (at, sizeof at, "%s%s%s", where, *where ? "." : "", namekey);
  return bad (c, "%s: unknown errno name '%s'", at, json_object_get_string (v));
}

/* ACTION and its errno (default EPERM, as in runc) -> libseccomp's action.  */
static int
get_action (struct compiler *c, struct json_object *o, const char *key, const char *numkey,
            const char *namekey, const char *where, uint32_t *ret)
{
  struct json_object *v = sb_json_member (o, key, json_type_null);
  uint32_t e = EPERM;
  const char *s;
  char at[96];

  snprintf (at, sizeof at, "%s%s%s", where, *where ? "." : "", key);
  if (v == NULL || !json_object_is_type (v, json_type_string))
    return bad (c, "%s: expected an action such as \"SCMP_ACT_ERRNO\"", at);
  s = json_object_get_string (v);
  if (get_errno (c, o, numkey, namekey, where, &e) < 0)
    return -1;
  if (strcmp (s, "SCMP_ACT_ALLOW") == 0)
    *ret = SCMP_ACT_ALLOW;
  else if (strcmp (s, "SCMP_ACT_ERRNO") == 0)
    *ret = SCMP_ACT_ERRNO (e);
  /* Docker's and runc's SCMP_ACT_KILL kills the thread, as the kernel's SECCOMP_RET_KILL */
  else if (strcmp (s, "SCMP_ACT_KILL") == 0 || strcmp (s, "SCMP_ACT_KILL_THREAD") == 0)
    *ret = SCMP_ACT_KILL_THREAD;
  else if (strcmp (s, "SCMP_ACT_KILL_PROCESS") == 0)
    *ret = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (s, "SCMP_ACT_TRAP") == 0)
    *ret = SCMP_ACT_TRAP;
  else if (strcmp (s, "SCMP_ACT_TRACE") == 0)
    *ret = SCMP_ACT_TRACE (e);
  else if (strcmp (s, "SCMP_ACT_LOG") == 0)
    *ret = SCMP_ACT_LOG;
  else if (strcmp (s, "SCMP_ACT_NOTIFY") == 0)
    return bad (c, "%s: SCMP_ACT_NOTIFY needs a listener; sandbox has none", at);
  else
    return bad (c, "%s: unknown action '%s'", at, s);
  return 0;
}

static const struct
{
  const char *name;
  enum scmp_compare op;
} ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static int
get_args (struct compiler *c, struct json_object *a, const char *where, struct scmp_arg_cmp *cmps,
          unsigned *ret_n)
{
  size_t n;

  if (!json_object_is_type (a, json_type_array))
    return bad (c, "%s.args: expected an array", where);
  n = json_object_array_length (a);
  if (n > 6)
    return bad (c, "%s.args: %zu comparisons; a system call has 6 arguments", where, n);
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *e = json_object_array_get_idx (a, i), *v;
      char at[96];
      uint64_t index = 0, value = 0, two = 0;
      const char *op;
      size_t k;

      snprintf (at, sizeof at, "%s.args[%zu]", where, i);
      if (!json_object_is_type (e, json_type_object))
        return bad (c, "%s: expected an object", at);
      v = sb_json_member (e, "index", json_type_null);
      if (v == NULL)
        return bad (c, "%s.index: missing", at);
      if (get_u64 (c, v, at, "index", &index) < 0)
        return -1;
      if (index > 5)
        return bad (c, "%s.index: %llu is out of range (0 to 5)", at, (unsigned long long) index);
      if ((v = sb_json_member (e, "value", json_type_null)) != NULL
          && get_u64 (c, v, at, "value", &value) < 0)
        return -1;
      if ((v = sb_json_member (e, "valueTwo", json_type_null)) != NULL
          && get_u64 (c, v, at, "valueTwo", &two) < 0)
        return -1;
      v = sb_json_member (e, "op", json_type_null);
      if (v == NULL || !json_object_is_type (v, json_type_string))
        return bad (c, "%s.op: expected an operator such as \"SCMP_CMP_EQ\"", at);
      op = json_object_get_string (v);
      for (k = 0; k < sizeof ops / sizeof *ops; k++)
        if (strcmp (ops[k].name, op) == 0)
          break;
      if (k == sizeof ops / sizeof *ops)
        return bad (c, "%s.op: unknown operator '%s'", at, op);
      /* MASKED_EQ: value is the mask, valueTwo the datum, as in runc */
      cmps[i] = (struct scmp_arg_cmp){ (unsigned) index, ops[k].op, value, two };
    }
  *ret_n = (unsigned) n;
  return 0;
}

static int
in_string_array (struct json_object *a, const char *s)
{
  for (size_t i = 0; i < json_object_array_length (a); i++)
    if (strcmp (json_object_get_string (json_object_array_get_idx (a, i)), s) == 0)
      return 1;
  return 0;
}

/* Docker's rule filters: 1 when the rule applies to this machine and capability set.
   includes: the native arch is listed, every cap is kept, the kernel is at least minKernel;
   excludes: the native arch is listed, any cap is kept, or the kernel is at least minKernel. */
static int
filter_applies (struct compiler *c, struct json_object *f, const char *where, bool include)
{
  struct json_object *arches = sb_json_member (f, "arches", json_type_null),
                     *caps = sb_json_member (f, "caps", json_type_null);
  struct json_object *mk = sb_json_member (f, "minKernel", json_type_null);
  const struct sb_seccomp_target *t = c->target;
  bool any_cap = false, all_caps = true;

  if (!json_object_is_type (f, json_type_object))
    return bad (c, "%s: expected an object", where);
  if (arches != NULL && check_string_array (c, arches, where) < 0)
    return -1;
  if (caps != NULL && check_string_array (c, caps, where) < 0)
    return -1;
  for (size_t i = 0; caps != NULL && i < json_object_array_length (caps); i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (caps, i));
      cap_value_t cap;
      bool kept;

      if (cap_from_name (name, &cap) < 0)
        return bad (c, "%s.caps: unknown capability '%s'", where, name);
      kept = cap < 64 && (t->caps & (UINT64_C (1) << cap)) != 0;
      any_cap |= kept;
      all_caps &= kept;
    }
  if (mk != NULL)
    {
      unsigned major, minor;
      int used = 0;
      bool newer;

      if (!json_object_is_type (mk, json_type_string)
          || sscanf (json_object_get_string (mk), "%u.%u%n", &major, &minor, &used) != 2
          || json_object_get_string (mk)[used] != '\0')
        return bad (c, "%s.minKernel: expected a version such as \"5.8\"", where);
      newer = t->kernel_major > major || (t->kernel_major == major && t->kernel_minor >= minor);
      if (include && !newer)
        return 0;
      if (!include && newer)
        return 0;
    }
  if (arches != NULL && json_object_array_length (arches) > 0)
    {
      bool listed = in_string_array (arches, native_go_arch ());
      if (include != listed)
        return 0;
    }
  if (caps != NULL && json_object_array_length (caps) > 0)
    {
      if (include && !all_caps)
        return 0;
      if (!include && any_cap)
        return 0;
    }
  return 1;
}

/* The calls that i386 also reaches through socketcall (its SYS_SOCKET to SYS_SENDMMSG).  */
static bool
socketcall_multiplexed (const char *name)
{
  static const char *const names[]
      = { "socket",     "bind",    "connect", "listen",  "accept",   "getsockname", "getpeername",
          "socketpair", "send",    "recv",    "sendto",  "recvfrom", "shutdown",    "setsockopt",
          "getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg" };

  return strs_has_in (names, name);
}

/* The rule for the i386 ABI.  There, libseccomp adds to each rule on a call of the socket
   family the same rule on socketcall's entry for it, without the argument comparisons: a
   filter cannot read socketcall's arguments, which are in memory.  So "allow socket, but
   not AF_VSOCK" would allow socketcall (SYS_SOCKET) with any family.  Such a rule is not
   added for i386: the call answers the default action there.  A rule that denies with
   comparisons denies the whole socketcall entry (stricter than asked, never looser); two of
   them on one call meet on that entry, which is kept as the first made it.  */
static int
add_rule32 (struct compiler *c, const char *name, int nr, uint32_t action,
            const struct scmp_arg_cmp *cmps, unsigned n, const char *where)
{
  int r;

  if (c->ctx32 == NULL)
    return 0;
  if (n > 0 && socketcall_multiplexed (name))
    {
      if (action == SCMP_ACT_ALLOW || action == SCMP_ACT_LOG)
        {
          log_debug ("%s: %s: '%s' with comparisons: not for the i386 ABI (socketcall)", c->path,
                     where, name);
          return 0;
        }
      r = seccomp_rule_add_array (c->ctx32, action, nr, n, cmps);
      return r == -EEXIST ? 0 : r;
    }
  return seccomp_rule_add_array (c->ctx32, action, nr, n, cmps);
}

static int
add_rule (struct compiler *c, const char *name, uint32_t action, const struct scmp_arg_cmp *cmps,
          unsigned n, const char *where)
{
  int nr = seccomp_syscall_resolve_name (name), r;

  if (nr == __NR_SCMP_ERROR)
    {
      /* a call libseccomp does not know (newer than it, or a typo): the policy answers the
         calls it does not list with ENOSYS, which skipping the name gives too (runc) */
      if (!c->skip_unknown)
        return bad (c, "%s: unknown system call '%s'", where, name);
      log_debug ("%s: %s: unknown system call '%s', skipped", c->path, where, name);
      c->skipped++;
      return 0;
    }
  /* a rule that repeats the default changes nothing; libseccomp refuses it */
  if (action == c->default_action)
    return 0;
  r = seccomp_rule_add_array (c->ctx, action, nr, n, cmps);
  if (r == 0)
    r = add_rule32 (c, name, nr, action, cmps, n, where);
  if (r < 0)
    return sb_error_set (c->err, -r, "%s: %s: system call '%s'", c->path, where, name);
  return 0;
}

static int
add_syscall_entry (struct compiler *c, struct json_object *e, size_t i)
{
  struct json_object *names, *v;
  struct scmp_arg_cmp cmps[6];
  unsigned n = 0;
  uint32_t action;
  char where[48];
  int r;

  snprintf (where, sizeof where, "syscalls[%zu]", i);
  if (!json_object_is_type (e, json_type_object))
    return bad (c, "%s: expected an object", where);
  if ((v = sb_json_member (e, "includes", json_type_null)) != NULL)
    {
      char at[64];
      snprintf (at, sizeof at, "%s.includes", where);
      if ((r = filter_applies (c, v, at, true)) <= 0)
        return r;
    }
  if ((v = sb_json_member (e, "excludes", json_type_null)) != NULL)
    {
      char at[64];
      snprintf (at, sizeof at, "%s.excludes", where);
      if ((r = filter_applies (c, v, at, false)) <= 0)
        return r;
    }
  if (get_action (c, e, "action", "errnoRet", "errno", where, &action) < 0)
    return -1;
  if ((v = sb_json_member (e, "args", json_type_null)) != NULL
      && get_args (c, v, where, cmps, &n) < 0)
    return -1;

  names = sb_json_member (e, "names", json_type_null);
  if (names != NULL)
    {
      char at[64];
      snprintf (at, sizeof at, "%s.names", where);
      if (check_string_array (c, names, at) < 0)
        return -1;
      for (size_t k = 0; k < json_object_array_length (names); k++)
        if (add_rule (c, json_object_get_string (json_object_array_get_idx (names, k)), action,
                      cmps, n, where)
            < 0)
          return -1;
      return 0;
    }
  /* the older Docker format: one "name" */
  v = sb_json_member (e, "name", json_type_null);
  if (v == NULL || !json_object_is_type (v, json_type_string))
    return bad (c, "%s: expected \"names\", an array of system call names", where);
  return add_rule (c, json_object_get_string (v), action, cmps, n, where);
}

/* What json-c's strict mode still takes and RFC 8259 does not: single quotes, NaN and
   Infinity, "1.", control characters inside a string.  The offset of the first such byte
   of a text json-c parsed, or LEN when there is none.  */
static size_t
json_lenient_at (const char *text, size_t len)
{
  for (size_t i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '"')
        {
          for (i++; i < len && text[i] != '"'; i++)
            if ((unsigned char) text[i] < 0x20)
              return i;
            else if (text[i] == '\\')
              i++;
        }
      else if (c == '.' && (i + 1 == len || text[i + 1] < '0' || text[i + 1] > '9'))
        return i;
      else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        {
          size_t n = 0;

          while (i + n < len
                 && ((text[i + n] >= 'a' && text[i + n] <= 'z')
                     || (text[i + n] >= 'A' && text[i + n] <= 'Z')))
            n++;
          /* an exponent's e or E follows a digit */
          if (n == 1 && (c == 'e' || c == 'E') && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9')
            continue;
          if (!((n == 4 && strncmp (text + i, "true", 4) == 0)
                || (n == 5 && strncmp (text + i, "false", 5) == 0)
                || (n == 4 && strncmp (text + i, "null", 4) == 0)))
            return i;
          i += n - 1;
        }
      else if (c == '\'')
        return i;
    }
  return len;
}

static int
parse_json (const char *path, const char *text, size_t len, struct json_object **ret,
            struct sb_error **err)
{
  struct json_tokener *tok = json_tokener_new ();
  struct json_object *o;
  enum json_tokener_error je;
  size_t end, line = 1, col = 1;

  if (tok == NULL)
    oom ();
  /* JSON as RFC 8259 has it: no trailing comma, no single quotes, valid UTF-8 (json-c
     takes more by default) */
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS
                                   | JSON_TOKENER_VALIDATE_UTF8);
  if (len > INT_MAX)
    len = INT_MAX;
  o = json_tokener_parse_ex (tok, text, (int) len);
  je = json_tokener_get_error (tok);
  end = json_tokener_get_parse_end (tok);
  json_tokener_free (tok);
  if (je == json_tokener_success)
    {
      size_t bad = json_lenient_at (text, end);

      if (bad < end)
        {
          end = bad;
          je = json_tokener_error_parse_unexpected;
        }
      else
        {
          /* only white space may follow the document */
          while (end < len && text[end] != '\0' && strchr (" \t\r\n", text[end]) != NULL)
            end++;
          if (end == len)
            {
              *ret = o;
              return 0;
            }
        }
      json_object_put (o);
    }
  for (size_t i = 0; i < end && i < len; i++)
    {
      if (text[i] == '\n')
        line++, col = 1;
      else
        col++;
    }
  if (je == json_tokener_continue)
    return sb_error_set (err, 0, "%s:%zu:%zu: not JSON: unexpected end of file", path, line, col);
  if (je == json_tokener_success)
    return sb_error_set (err, 0, "%s:%zu:%zu: not JSON: text after the end of the document", path,
                         line, col);
  return sb_error_set (err, 0, "%s:%zu:%zu: not JSON: %s", path, line, col,
                       json_tokener_error_desc (je));
}

static int
export_bpf (struct compiler *c, struct sb_seccomp_bpf *ret)
{
  cleanup_close int fd = memfd_create ("sandbox-seccomp", MFD_CLOEXEC);
  cleanup_free void *buf = NULL;
  struct stat st;
  int r;

  if (fd < 0)
    return sb_error_set (c->err, errno, "memfd_create");
  r = seccomp_export_bpf (c->ctx, fd);
  if (r < 0)
    return sb_error_set (c->err, -r, "%s: compile the filter", c->path);
  if (fstat (fd, &st) < 0)
    return sb_error_set (c->err, errno, "fstat");
  if (st.st_size <= 0 || st.st_size % (off_t) sizeof (struct sock_filter) != 0
      || st.st_size > (off_t) (MAX_INSNS * sizeof (struct sock_filter)))
    return bad (c, "the filter has %lld bytes; the kernel takes %d instructions at most",
                (long long) st.st_size, MAX_INSNS);
  buf = xcalloc (1, (size_t) st.st_size);
  if (TEMP_FAILURE_RETRY (pread (fd, buf, (size_t) st.st_size, 0)) != st.st_size)
    return sb_error_set (c->err, errno, "read the compiled filter");
  ret->insns = steal_ptr (&buf);
  ret->len = (size_t) st.st_size;
  return 0;
}

/* We set no_new_privs ourselves; a binary tree keeps long allow lists cheap per call.  A
   call of an ABI the filter has no rules for (x32: Debian's kernels are built without it or
   leave it off) answers ENOSYS, as on a kernel without that ABI, whatever the policy's
   default: an allowing default must not open the calls it denies through x32.  A copy of
   the rules for x32 was a quarter of the program, which the kernel checks and compiles at
   every start.  */
static void
set_attrs (scmp_filter_ctx ctx)
{
  (void) seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  (void) seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  (void) seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO (ENOSYS));
}

int
sb_seccomp_compile (const char *path, const char *text, size_t len,
                    const struct sb_seccomp_target *target, struct sb_seccomp_bpf *ret,
                    unsigned *ret_skipped, struct sb_error **err)
{
  cleanup_json struct json_object *root = NULL;
  __attribute__ ((cleanup (seccomp_releasep))) scmp_filter_ctx ctx = NULL;
  __attribute__ ((cleanup (seccomp_releasep))) scmp_filter_ctx ctx32 = NULL;
  struct compiler c = { .path = path, .target = target, .err = err };
  struct json_object *v;
  uint32_t native = seccomp_arch_native ();
  int r;

  if (parse_json (path, text, len, &root, err) < 0)
    return -1;
  if (!json_object_is_type (root, json_type_object))
    return bad (&c, "expected a JSON object with \"defaultAction\"");
  if (get_action (&c, root, "defaultAction", "defaultErrnoRet", "defaultErrno", "",
                  &c.default_action)
      < 0)
    return -1;
  c.skip_unknown = c.default_action == SCMP_ACT_ERRNO (ENOSYS);
  if (check_arches (&c, root) < 0)
    return -1;

  ctx = seccomp_init (c.default_action);
  if (ctx == NULL)
    return sb_error_set (err, 0, "%s: libseccomp refused the default action", path);
  c.ctx = ctx;
  /* the other ABIs this machine's kernel may run: each gets the same rules */
  if (native == SCMP_ARCH_X86_64)
    {
      ctx32 = seccomp_init (c.default_action);
      if (ctx32 == NULL)
        return sb_error_set (err, 0, "%s: libseccomp refused the default action", path);
      if ((r = seccomp_arch_add (ctx32, SCMP_ARCH_X86)) < 0
          || (r = seccomp_arch_remove (ctx32, SCMP_ARCH_NATIVE)) < 0)
        return sb_error_set (err, -r, "seccomp_arch_add x86");
      c.ctx32 = ctx32;
    }
  else if (native == SCMP_ARCH_AARCH64)
    {
      if ((r = seccomp_arch_add (ctx, SCMP_ARCH_ARM)) < 0 && r != -EEXIST)
        return sb_error_set (err, -r, "seccomp_arch_add arm");
    }
  set_attrs (ctx);
  if (ctx32 != NULL)
    set_attrs (ctx32); /* seccomp_merge wants the same on both */

  v = sb_json_member (root, "syscalls", json_type_null);
  if (v != NULL)
    {
      if (!json_object_is_type (v, json_type_array))
        return bad (&c, "syscalls: expected an array");
      for (size_t i = 0; i < json_object_array_length (v); i++)
        if (add_syscall_entry (&c, json_object_array_get_idx (v, i), i) < 0)
          return -1;
    }
  if (ctx32 != NULL)
    {
      /* seccomp_merge releases ctx32 when it succeeds */
      r = seccomp_merge (ctx, ctx32);
      if (r < 0)
        return sb_error_set (err, -r, "%s: merge the i386 rules", path);
      ctx32 = NULL;
    }
  if (export_bpf (&c, ret) < 0)
    return -1;
  if (ret_skipped != NULL)
    *ret_skipped = c.skipped;
  return 0;
}
