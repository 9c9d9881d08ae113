/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-profile.c: the profile language: lines, variables, include, ignore, and every error
   with its file:line.  Each row writes its files into a temp folder @ and applies one.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/config.h"
#include "../src/error.h"
#include "../src/options.h"
#include "../src/profile.h"
#include "../src/util.h"
#include "tap.h"

struct file
{
  const char *path; /* below @ */
  const char *text;
};

struct row
{
  const char *what;
  const char *apply; /* what profile_apply gets; @ is the temp folder */
  struct file files[4];
  const char *result; /* the config as h= c= u= e=..., or the error; @ and %u, %s (user) */
};

static const struct row rows[] = {
  { "one option", "@/a.profile", { { "a.profile", "hostname box\n" } }, "h=box" },
  { "comments, blank lines, indents",
    "@/a.profile",
    { { "a.profile", "# a profile\n\n   hostname   box  \n\t# hostname no\n" } },
    "h=box" },
  { "CRLF line ends",
    "@/a.profile",
    { { "a.profile", "hostname box\r\nchdir /x\r\n" } },
    "h=box c=/x" },
  { "no newline at the end", "@/a.profile", { { "a.profile", "hostname box" } }, "h=box" },
  { "a later line wins", "@/a.profile", { { "a.profile", "hostname a\nhostname b\n" } }, "h=b" },
  { "repeatable options add up",
    "@/a.profile",
    { { "a.profile", "setenv A 1\nsetenv B two  words\nunsetenv C\nclearenv\n" } },
    "e=A=1;B=two  words;-C;!" },
  { "${HOME}", "@/a.profile", { { "a.profile", "chdir ${HOME}/x\n" } }, "c=@/home/x" },
  { "${UID} and ${USER}",
    "@/a.profile",
    { { "a.profile", "setenv U ${UID}:${USER}\n" } },
    "e=U=%u:%s" },
  { "${XDG_RUNTIME_DIR}",
    "@/a.profile",
    { { "a.profile", "chdir ${XDG_RUNTIME_DIR}/s\n" } },
    "c=/run/user/4242/s" },
  { "${XDG_CONFIG_HOME}",
    "@/a.profile",
    { { "a.profile", "chdir ${XDG_CONFIG_HOME}\n" } },
    "c=@/config" },
  { "${XDG_DATA_HOME} defaults below the home",
    "@/a.profile",
    { { "a.profile", "chdir ${XDG_DATA_HOME}\n" } },
    "c=@/home/.local/share" },
  { "${XDG_DOWNLOAD_DIR} comes from user-dirs.dirs",
    "@/a.profile",
    { { "a.profile", "chdir ${XDG_DOWNLOAD_DIR}\n" },
      { "config/user-dirs.dirs",
        "# xdg\nXDG_DESKTOP_DIR=\"$HOME/D\"\nXDG_DOWNLOAD_DIR=\"$HOME/Dl\"\n" } },
    "c=@/home/Dl" },
  { "${XDG_DOWNLOAD_DIR} defaults to ~/Downloads",
    "@/a.profile",
    { { "a.profile", "chdir ${XDG_DOWNLOAD_DIR}\n" } },
    "c=@/home/Downloads" },
  { "a variable's spaces stay in the last value",
    "@/a.profile",
    { { "a.profile", "setenv ${UID} ${HOME} x\n" } },
    "e=%u=@/home x" },
  { "a lone $ is kept", "@/a.profile", { { "a.profile", "setenv A $HOME$\n" } }, "e=A=$HOME$" },
  { "unknown variable",
    "@/a.profile",
    { { "a.profile", "hostname a\nchdir ${NOPE}/x\n" } },
    "@/a.profile:2: unknown variable '${NOPE}'" },
  { "unclosed variable",
    "@/a.profile",
    { { "a.profile", "chdir ${HOME\n" } },
    "@/a.profile:1: '${' without its '}'" },
  { "unknown option, with a hint",
    "@/a.profile",
    { { "a.profile", "\nhostnme box\n" } },
    "@/a.profile:2: unknown option 'hostnme' (did you mean 'hostname'?)" },
  { "unknown option written with dashes",
    "@/a.profile",
    { { "a.profile", "--chdir /\n" } },
    "@/a.profile:1: unknown option '--chdir' (did you mean 'chdir'?)" },
  { "unknown option, nothing near",
    "@/a.profile",
    { { "a.profile", "frobnicate 3\n" } },
    "@/a.profile:1: unknown option 'frobnicate'" },
  { "bad value: the setter's message",
    "@/a.profile",
    { { "a.profile", "# x\nhostname a/b\n" } },
    "@/a.profile:2: --hostname 'a/b': not a valid host name" },
  { "'help' is for the command line only",
    "@/a.profile",
    { { "a.profile", "hostname a\nhelp\n" } },
    "@/a.profile:2: 'help' is for the command line only: in a profile it would end every run "
    "that includes it" },
  { "'version' is for the command line only",
    "@/a.profile",
    { { "a.profile", "hostname a\nversion\n" } },
    "@/a.profile:2: 'version' is for the command line only: in a profile it would end every run "
    "that includes it" },
  { "'profiles' is for the command line only",
    "@/a.profile",
    { { "a.profile", "hostname a\nprofiles\n" } },
    "@/a.profile:2: 'profiles' is for the command line only: in a profile it would end every run "
    "that includes it" },
  { "'print-config' is for the command line only",
    "@/a.profile",
    { { "a.profile", "hostname a\nprint-config\n" } },
    "@/a.profile:2: 'print-config' is for the command line only: in a profile it would end every "
    "run "
    "that includes it" },
  { "a command-line-only option in an included profile",
    "@/a.profile",
    { { "a.profile", "include b.profile\n" }, { "b.profile", "\n\nversion\n" } },
    "@/b.profile:3: 'version' is for the command line only: in a profile it would end every "
    "run that includes it" },
  { "missing value",
    "@/a.profile",
    { { "a.profile", "hostname\n" } },
    "@/a.profile:1: hostname: missing value NAME" },
  { "missing second value",
    "@/a.profile",
    { { "a.profile", "setenv A\n" } },
    "@/a.profile:1: setenv: missing value NAME VALUE" },
  { "a value where none is taken",
    "@/a.profile",
    { { "a.profile", "clearenv now\n" } },
    "@/a.profile:1: 'clearenv' takes no value" },
  { "'profile' in a profile",
    "@/a.profile",
    { { "a.profile", "profile base\n" } },
    "@/a.profile:1: 'profile' is for the command line; write 'include base'" },
  { "include a path, relative to the includer",
    "@/a.profile",
    { { "a.profile", "include sub/b.profile\nhostname a\n" },
      { "sub/b.profile", "hostname b\nchdir /b\n" } },
    "h=a c=/b" },
  { "include a name from the installed folder",
    "@/a.profile",
    { { "a.profile", "include base\n" }, { "data/base.profile", "hostname data\n" } },
    "h=data" },
  { "~/.config/sandbox/profiles comes first",
    "base",
    { { "config/sandbox/profiles/base.profile", "hostname mine\n" },
      { "data/base.profile", "hostname data\n" } },
    "h=mine" },
  { "a user's default profile can include the shipped one",
    "default",
    { { "config/sandbox/profiles/default.profile", "include default\nchdir /mine\n" },
      { "data/default.profile", "hostname shipped\n" } },
    "h=shipped c=/mine" },
  { "an include cycle through names",
    "x",
    { { "config/sandbox/profiles/x.profile", "include y\n" }, { "data/y.profile", "include x\n" } },
    "@/data/y.profile:1: include 'x': include cycle x.profile -> y.profile -> x.profile" },
  { "include the same file twice: no cycle",
    "@/a.profile",
    { { "a.profile", "include b.profile\ninclude b.profile\n" }, { "b.profile", "setenv B 1\n" } },
    "e=B=1;B=1" },
  { "missing include (name)",
    "@/a.profile",
    { { "a.profile", "include nope\n" } },
    "@/a.profile:1: include 'nope': no such profile" },
  { "missing include (path)",
    "@/a.profile",
    { { "a.profile", "\ninclude ./nope.profile\n" } },
    "@/a.profile:2: include './nope.profile': No such file or directory" },
  { "include a folder",
    "@/a.profile",
    { { "a.profile", "include ./sub/\n" }, { "sub/x", "" } },
    "@/a.profile:1: include './sub/': not a regular file" },
  { "include cycle",
    "@/a.profile",
    { { "a.profile", "include b.profile\n" }, { "b.profile", "hostname b\ninclude a.profile\n" } },
    "@/b.profile:2: include 'a.profile': include cycle a.profile -> b.profile -> a.profile" },
  { "a profile including itself",
    "@/a.profile",
    { { "a.profile", "include ${HOME}/../a.profile\n" } },
    "@/a.profile:1: include '@/home/../a.profile': include cycle a.profile -> a.profile" },
  { "an error inside an include names that file",
    "@/a.profile",
    { { "a.profile", "include b.profile\n" }, { "b.profile", "\n\nuid x\n" } },
    "@/b.profile:3: --uid 'x': expected a number from 0 to 4294967294" },
  { "ignore drops what an include sets",
    "@/a.profile",
    { { "a.profile", "ignore hostname\ninclude b.profile\n" },
      { "b.profile", "hostname b\nchdir /b\n" } },
    "c=/b" },
  { "ignore works after the include too",
    "@/a.profile",
    { { "a.profile", "include b.profile\nignore hostname\n" },
      { "b.profile", "hostname b\nchdir /b\n" } },
    "c=/b" },
  { "ignore keeps the file's own lines",
    "@/a.profile",
    { { "a.profile", "ignore hostname\ninclude b.profile\nhostname a\n" },
      { "b.profile", "hostname b\nchdir /b\n" } },
    "h=a c=/b" },
  { "ignore drops every use of a repeatable option",
    "@/a.profile",
    { { "a.profile", "ignore setenv\ninclude b.profile\nsetenv X 1\n" },
      { "b.profile", "setenv A 1\nsetenv B 2\nunsetenv C\n" } },
    "e=-C;X=1" },
  { "ignore reaches includes of includes",
    "@/a.profile",
    { { "a.profile", "ignore chdir\ninclude b.profile\n" },
      { "b.profile", "include c.profile\n" },
      { "c.profile", "chdir /c\nhostname c\n" } },
    "h=c" },
  { "ignore of an unknown option",
    "@/a.profile",
    { { "a.profile", "hostname a\nignore hostnam\n" } },
    "@/a.profile:2: unknown option 'hostnam' (did you mean 'hostname'?)" },
  { "-p with a missing name",
    "nope",
    { { "a.profile", "" } },
    "-p 'nope': no such profile (sandbox --profiles lists them)" },
  { "-p with a missing path",
    "@/nope.profile",
    { { "a.profile", "" } },
    "-p '@/nope.profile': No such file or directory" },
  { "-p with a name that is no name",
    "../a",
    { { "a.profile", "" } },
    "-p '../a': No such file or directory" },
};

static char dir[64];

/* "@" becomes the temp folder, "%u" the uid, "%s" the user name */
static char *
subst (const char *s)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);
  struct passwd *pw = getpwuid (getuid ());

  for (; *s; s++)
    {
      if (*s == '@')
        fputs (dir, f);
      else if (s[0] == '%' && s[1] == 'u')
        fprintf (f, "%u", (unsigned) getuid ()), s++;
      else if (s[0] == '%' && s[1] == 's')
        fputs (pw ? pw->pw_name : "?", f), s++;
      else
        fputc (*s, f);
    }
  fclose (f);
  return out;
}

static char *
summary (const struct config *cfg)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);
  const char *sep = "";

  if (cfg->hostname)
    fprintf (f, "h=%s", cfg->hostname), sep = " ";
  if (cfg->chdir)
    fprintf (f, "%sc=%s", sep, cfg->chdir), sep = " ";
  if (cfg->uid_set)
    fprintf (f, "%su=%u", sep, cfg->uid), sep = " ";
  for (size_t i = 0; i < cfg->n_env_ops; i++)
    {
      const struct env_op *e = &cfg->env_ops[i];

      fputs (i == 0 ? sep : ";", f);
      if (i == 0)
        fputs ("e=", f);
      if (e->name == NULL)
        fputc ('!', f);
      else if (e->value == NULL)
        fprintf (f, "-%s", e->name);
      else
        fprintf (f, "%s=%s", e->name, e->value);
    }
  fclose (f);
  return out;
}

static void
write_file (const char *rel, const char *text)
{
  char path[512];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", dir, rel);
  for (char *p = strchr (path + strlen (dir) + 1, '/'); p; p = strchr (p + 1, '/'))
    {
      *p = '\0';
      (void) mkdir (path, 0755);
      *p = '/';
    }
  if (path[strlen (path) - 1] == '/')
    return;
  f = fopen (path, "we");
  if (f == NULL)
    return;
  fputs (text, f);
  fclose (f);
}

int
main (void)
{
  size_t n = sizeof rows / sizeof *rows;
  char env[600];

  snprintf (dir, sizeof dir, "%s", "/tmp/unit-profile.XXXXXX");
  if (mkdtemp (dir) == NULL)
    return 1;
  snprintf (env, sizeof env, "%s/home", dir);
  setenv ("HOME", env, 1);
  snprintf (env, sizeof env, "%s/config", dir);
  setenv ("XDG_CONFIG_HOME", env, 1);
  snprintf (env, sizeof env, "%s/data", dir);
  setenv ("SANDBOX_DATADIR", env, 1);
  setenv ("XDG_RUNTIME_DIR", "/run/user/4242", 1);
  unsetenv ("XDG_DATA_HOME");

  tap_plan ((int) n + 6);
  for (size_t i = 0; i < n; i++)
    {
      const struct row *r = &rows[i];
      struct config cfg;
      struct sb_error *err = NULL;
      cleanup_free char *apply = subst (r->apply), *want = subst (r->result), *got = NULL;
      char cmd[300];

      snprintf (cmd, sizeof cmd, "rm -rf %s/* && mkdir -p %s/home %s/data", dir, dir, dir);
      if (system (cmd) != 0)
        return 1;
      for (const struct file *f = r->files; f->path != NULL; f++)
        write_file (f->path, f->text);
      config_init (&cfg);
      if (profile_apply (&cfg, apply, &err) < 0)
        got = sb_error_text (err);
      else
        got = summary (&cfg);
      tap_ok (strcmp (got, want) == 0, "%s: %s%s%s", r->what, want,
              strcmp (got, want) ? " but got: " : "", strcmp (got, want) ? got : "");
      sb_error_free (&err);
      config_free (&cfg);
    }

  /* origins and later-wins through the command line */
  {
    struct config cfg;
    struct sb_error *err = NULL;
    char path[128], *out = NULL, want[2048];
    size_t len = 0;
    FILE *f;
    char *argv[]
        = { (char *) "sandbox",  (char *) "--hostname", (char *) "cli", (char *) "-p", path,
            (char *) "--setenv", (char *) "C",          (char *) "3",   NULL };
    int r;

    write_file ("p.profile", "# p\nhostname p\nchdir /p\nsetenv A 1\nhostname q\n");
    snprintf (path, sizeof path, "%s/p.profile", dir);
    config_init (&cfg);
    r = options_parse_argv (&cfg, 8, argv, &err);
    tap_ok (r == 0 && strcmp (cfg.hostname, "cli") == 0 && strcmp (cfg.chdir, "/p") == 0,
            "the command line wins over -p, even written before it");
    f = open_memstream (&out, &len);
    profile_print_config (&cfg, f);
    fclose (f);
    snprintf (want, sizeof want,
              "# sandbox --print-config: the options in effect as profile lines, each with "
              "where it came from\n"
              "# read %s\n"
              "chdir /p                        # %s:3\n"
              "setenv A 1                      # %s:4\n"
              "hostname cli                    # command line\n"
              "setenv C 3                      # command line\n"
              "# command: the user's shell\n",
              path, path, path);
    tap_ok (out && strcmp (out, want) == 0, "--print-config shows each value's origin%s%s",
            out && strcmp (out, want) ? ":\n" : "", out && strcmp (out, want) ? out : "");
    free (out);
    config_free (&cfg);
    sb_error_free (&err);
  }
  {
    struct config cfg;
    struct sb_error *err = NULL;
    char *argv[] = { (char *) "sandbox", (char *) "--hostnme", (char *) "x", NULL };
    int r;

    config_init (&cfg);
    r = options_parse_argv (&cfg, 3, argv, &err);
    tap_ok (r < 0
                && strcmp (err->msg, "--hostnme: unknown option (did you mean '--hostname'?)") == 0,
            "the command line's unknown options get the hint too (%s)", err ? err->msg : "");
    config_free (&cfg);
    sb_error_free (&err);
  }
  {
    /* the shipped profiles' folder: a launcher run from its build tree takes its tree's,
       even when an installed folder exists (an empty one left by an old make uninstall) */
    char build[600], link[600], installed[600], tree[600], other[600];

    snprintf (build, sizeof build, "%s/build/src", dir);
    snprintf (link, sizeof link, "%s/link", dir);
    snprintf (installed, sizeof installed, "%s/share/sandbox/profiles", dir);
    snprintf (tree, sizeof tree, "%s/tree/profiles", dir);
    snprintf (other, sizeof other, "%s/bin", dir);
    write_file ("build/src/", "");
    write_file ("share/sandbox/profiles/", "");
    write_file ("bin/", "");
    (void) !symlink ("build", link);
    strcat (link, "/src");
    tap_ok (sb_profiledir_choose (build, build, installed, tree) == tree
                && sb_profiledir_choose (build, link, installed, tree) == tree,
            "from its build tree (its path through a symlink too): the tree's profiles, though "
            "an installed folder exists");
    tap_ok (sb_profiledir_choose (other, build, installed, tree) == installed
                && sb_profiledir_choose (NULL, build, installed, tree) == installed,
            "installed elsewhere: the installed folder");
    rmdir (installed);
    tap_ok (sb_profiledir_choose (other, build, installed, tree) == tree,
            "no installed folder: the tree's");
  }
  {
    char cmd[128];

    snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
    (void) !system (cmd);
  }
  return tap_done ();
}
