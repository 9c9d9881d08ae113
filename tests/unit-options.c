/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-options.c: the option table and the command-line parser. */
#include "build-config.h"

#include <string.h>

#include "../src/config.h"
#include "../src/error.h"
#include "../src/options.h"
#include "../src/util.h"
#include "tap.h"

struct row
{
  const char *args[6];
  const char *error; /* NULL: parses */
};

static const struct row rows[] = {
  { { "--uid", "0" }, NULL },
  /* one word, many options: more options than words (a heap overflow, found by fuzzing) */
  { { "-vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv" },
    NULL },
  { { "-vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvZ" },
    "-Z: unknown option" },
  { { "--uid", "4294967294" }, NULL },
  { { "--uid", "4294967295" }, "--uid '4294967295': expected a number from 0 to 4294967294" },
  { { "--uid", "-1" }, "--uid '-1': expected a number from 0 to 4294967294" },
  { { "--gid", "root" }, "--gid 'root': expected a number from 0 to 4294967294" },
  { { "--hostname", "box" }, NULL },
  { { "--hostname", "a/b" }, "--hostname 'a/b': not a valid host name" },
  { { "--hostname", "" }, "--hostname '': not a valid host name" },
  { { "--hostname" }, "--hostname: missing value NAME" },
  { { "--frobnicate" }, "--frobnicate: unknown option" },
  { { "--frobnicate=3" }, "--frobnicate: unknown option" },
  { { "-Z" }, "-Z: unknown option" },
  { { "--setenv", "A" }, "--setenv: missing value NAME VALUE" },
  { { "--setenv", "A=B", "c" }, "--setenv 'A=B': not a valid variable name" },
  { { "--setenv", "A", "b" }, NULL },
  { { "--unsetenv", "" }, "--unsetenv '': not a valid variable name" },
  { { "--chdir", "" }, "--chdir '': must not be empty" },
  { { "--clearenv", "--", "true" }, NULL },
  { { "--memory", "512K" }, NULL },
  { { "--memory", "2g" }, NULL },
  { { "--memory", "4096" }, NULL },
  { { "--memory", "2 G" }, "--memory '2 G': expected a size such as 512M or 2G" },
  { { "--memory-swap", "0" }, NULL },
  { { "--cpus", "0.01" }, NULL },
  { { "--cpus", "1024" }, NULL },
  { { "--cpus", ".5" },
    "--cpus '.5': expected a number of CPUs from 0.01 to 1024, such as 2 or 1.5" },
  { { "--cpus", "1.0005" },
    "--cpus '1.0005': expected a number of CPUs from 0.01 to 1024, such as 2 or 1.5" },
  { { "--pids", "4194304" }, NULL },
  { { "--pids", "4194305" }, "--pids '4194305': expected a number of processes from 1 to 4194304" },
  { { "--cgroup", "cgroupfs" }, NULL },
  { { "--seccomp", "browser" }, NULL },
  { { "--seccomp", "" }, "--seccomp '': must not be empty" },
  { { "--cap-add", "net_raw" }, NULL },
  { { "--cap-add", "CAP_SYS_ADMIN" }, NULL },
  { { "--cap-drop", "ALL" }, NULL },
  { { "--cap-add", "FLY" }, "--cap-add 'FLY': unknown capability" },
  { { "--cap-drop", "cap_" }, "--cap-drop 'cap_': unknown capability" },
  { { "--overlay", "fuse" }, NULL },
  { { "--overlay", "btrfs" }, "--overlay 'btrfs': expected auto, kernel, fuse or none" },
  { { "--bind", "/a:/b" }, NULL },
  { { "--bind", "/a:" }, "--bind '/a:': expected SRC[:DST]" },
  { { "--bind", ":/b" }, "--bind ':/b': expected SRC[:DST]" },
  { { "--ro-bind", "/a:b" },
    "--ro-bind '/a:b': the destination must be an absolute path without '.' or '..'" },
  { { "--bind", "/a:/b/../c" },
    "--bind '/a:/b/../c': the destination must be an absolute path without '.' or '..'" },
  { { "--tmpfs", "/x/." }, "--tmpfs '/x/.': expected an absolute path without '.' or '..'" },
  { { "--mask", "/x/..y" }, NULL },
  { { "--home", "root" }, "--home 'root': expected copy, host or private" },
  { { "--whitelist", "/h/a:b" },
    "--whitelist '/h/a:b': expected an absolute path without '.', '..' or ':'" },
  { { "--bind-try", "/nonexistent" }, NULL },
  { { "--layer", "" }, "--layer '': must not be empty" },
};

int
main (void)
{
  size_t n = sizeof rows / sizeof *rows;

  tap_plan ((int) n + 4);
  for (size_t i = 0; i < n; i++)
    {
      struct config cfg;
      struct sb_error *err = NULL;
      char *argv[8] = { (char *) "sandbox" };
      int argc = 1, r;

      for (; rows[i].args[argc - 1] != NULL; argc++)
        argv[argc] = (char *) rows[i].args[argc - 1];
      config_init (&cfg);
      r = options_parse_argv (&cfg, argc, argv, &err);
      if (rows[i].error == NULL)
        tap_ok (r == 0, "%s %s parses", rows[i].args[0], rows[i].args[1] ? rows[i].args[1] : "");
      else
        tap_ok (r < 0 && err != NULL && strcmp (err->msg, rows[i].error) == 0,
                "%s is refused with \"%s\" (got \"%s\")", rows[i].args[0], rows[i].error,
                err ? err->msg : "no error");
      sb_error_free (&err);
      config_free (&cfg);
    }

  {
    struct config cfg;
    struct sb_error *err = NULL;
    char *argv[] = { (char *) "sandbox", (char *) "--uid", (char *) "0", (char *) "ls",
                     (char *) "--uid",   (char *) "-l",    NULL };

    config_init (&cfg);
    options_parse_argv (&cfg, 6, argv, &err);
    tap_ok (cfg.uid_set && cfg.uid == 0, "--uid 0 sets the uid");
    tap_ok (cfg.argv && strcmp (cfg.argv[0], "ls") == 0 && strcmp (cfg.argv[1], "--uid") == 0
                && strcmp (cfg.argv[2], "-l") == 0 && cfg.argv[3] == NULL,
            "options stop at the command; its own options are left alone");
    config_free (&cfg);
  }
  {
    size_t names = 0;
    int dup = 0;

    for (const struct sb_option *o = sb_options; o->name; o++, names++)
      for (const struct sb_option *p = o + 1; p->name; p++)
        dup |= strcmp (o->name, p->name) == 0 || (o->short_name && o->short_name == p->short_name);
    tap_ok (!dup, "no option name or letter is used twice (%zu options)", names);
    tap_ok (options_find ("hostname") != NULL && options_find ("nope") == NULL,
            "options_find finds rows by name");
  }
  return tap_done ();
}
