/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile.c: profile files: the search path, include and ignore, variables, and file:line
   errors.  A line is `OPTION [VALUE...]`, a long option of the table in options.c without
   its dashes, applied through options_apply () as the command line's options are.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "hostpath.h"
#include "options.h"
#include "profile.h"
#include "util.h"

#define ETC_PROFILES "/etc/sandbox/profiles"
#define MAX_DEPTH 16 /* includes nested deeper than this are a mistake */
/* the largest profile read: the shipped ones have about 1 KiB */
#define MAX_PROFILE (1024 * 1024)

enum var
{
  VAR_HOME,
  VAR_UID,
  VAR_USER,
  VAR_XDG_RUNTIME_DIR,
  VAR_XDG_CONFIG_HOME,
  VAR_XDG_DATA_HOME,
  VAR_XDG_DOWNLOAD_DIR,
  N_VARS,
};

static const char *const var_names[N_VARS] = {
  [VAR_HOME] = "HOME",
  [VAR_UID] = "UID",
  [VAR_USER] = "USER",
  [VAR_XDG_RUNTIME_DIR] = "XDG_RUNTIME_DIR",
  [VAR_XDG_CONFIG_HOME] = "XDG_CONFIG_HOME",
  [VAR_XDG_DATA_HOME] = "XDG_DATA_HOME",
  [VAR_XDG_DOWNLOAD_DIR] = "XDG_DOWNLOAD_DIR",
};

struct frame
{
  const char *path;
  dev_t dev;
  ino_t ino;
};

/* One profile_apply (): the files being read (for cycles) and the variables, found once.  */
struct loader
{
  struct config *cfg;
  struct frame stack[MAX_DEPTH];
  size_t depth;
  char *vars[N_VARS];
};

static void
loader_free (struct loader *ld)
{
  for (size_t i = 0; i < N_VARS; i++)
    free (ld->vars[i]);
}

static const char *
basename_of (const char *path)
{
  const char *s = strrchr (path, '/');
  return s ? s + 1 : path;
}

static char *
xasprintf_path (const char *a, const char *b)
{
  char *s;

  if (asprintf (&s, "%s/%s", a, b) < 0)
    oom ();
  return s;
}

/* DIR is HOME or one of its ancestors, compared by identity: "$HOME/", "$HOME/." and a
   path through a symlink all are.  */
static bool
is_home_or_above (const char *home, const char *dir)
{
  struct host_ids ids;
  struct stat st;
  bool r;

  if (stat (dir, &st) < 0)
    return false;
  hostpath_ids_init (&ids, home);
  r = hostpath_home_rel (&ids, &st) != HOME_REL_NONE;
  hostpath_ids_free (&ids);
  return r;
}

/* XDG_DOWNLOAD_DIR="$HOME/Downloads" in user-dirs.dirs (xdg-user-dirs' format: a quoted
   absolute path or one that starts with $HOME/); $HOME/Downloads when it is not there.  */
static char *
download_dir (void)
{
  cleanup_free char *conf = user_xdg_dir ("XDG_CONFIG_HOME", ".config");
  cleanup_free char *path = NULL, *text = NULL, *home = user_home_dir ();
  char *save = NULL, *dir = NULL;

  if (home == NULL)
    return NULL;
  if (conf != NULL)
    {
      path = xasprintf_path (conf, "user-dirs.dirs");
      text = read_regular_file_at (AT_FDCWD, path, 64 * 1024, NULL, NULL);
    }
  for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
    {
      char *v, *end;

      l += strspn (l, " \t");
      if (strncmp (l, "XDG_DOWNLOAD_DIR=\"", 18) != 0)
        continue;
      v = l + 18;
      end = strchr (v, '"');
      if (end == NULL)
        continue;
      *end = '\0';
      if (strncmp (v, "$HOME/", 6) == 0)
        dir = xasprintf_path (home, v + 6);
      else if (strcmp (v, "$HOME") == 0 || v[0] == '/')
        dir = xstrdup (strcmp (v, "$HOME") == 0 ? home : v);
      /* xdg-user-dirs writes the home itself for a folder the user deleted: "not set" */
      if (dir != NULL && !is_home_or_above (home, dir))
        return steal_ptr (&dir);
      free (dir);
      dir = NULL;
    }
  return xasprintf_path (home, "Downloads");
}

static int
var_value (struct loader *ld, const char *name, size_t len, const char **ret, struct sb_error **err)
{
  enum var v;
  char *s = NULL;

  for (v = 0; v < N_VARS; v++)
    if (strlen (var_names[v]) == len && strncmp (var_names[v], name, len) == 0)
      break;
  if (v == N_VARS)
    return sb_error_set (err, 0, "unknown variable '${%.*s}'", (int) len, name);
  if (ld->vars[v] != NULL)
    {
      *ret = ld->vars[v];
      return 0;
    }
  switch (v)
    {
    case VAR_HOME:
      s = user_home_dir ();
      break;
    case VAR_UID:
      if (asprintf (&s, "%u", (unsigned) getuid ()) < 0)
        oom ();
      break;
    case VAR_USER:
      {
        struct passwd *pw = getpwuid (getuid ());
        s = pw != NULL ? xstrdup (pw->pw_name) : NULL;
        break;
      }
    case VAR_XDG_RUNTIME_DIR:
      s = user_runtime_dir () != NULL ? xstrdup (user_runtime_dir ()) : NULL;
      break;
    case VAR_XDG_CONFIG_HOME:
      s = user_xdg_dir ("XDG_CONFIG_HOME", ".config");
      break;
    case VAR_XDG_DATA_HOME:
      s = user_xdg_dir ("XDG_DATA_HOME", ".local/share");
      break;
    case VAR_XDG_DOWNLOAD_DIR:
      s = download_dir ();
      break;
    case N_VARS:
      break;
    }
  if (s == NULL)
    return sb_error_set (err, 0, "'${%s}' has no value here", var_names[v]);
  *ret = ld->vars[v] = s;
  return 0;
}

/* Replaces each ${NAME} in IN; any other '$' stays as it is.  */
static int
expand (struct loader *ld, const char *in, char **ret, struct sb_error **err)
{
  cleanup_free char *out = NULL;
  size_t len = 0, size = strlen (in) + 1;

  out = xcalloc (size, 1);
  while (*in != '\0')
    {
      const char *add = in, *end;
      size_t n = 1;

      if (in[0] == '$' && in[1] == '{')
        {
          end = strchr (in + 2, '}');
          if (end == NULL)
            return sb_error_set (err, 0, "'${' without its '}'");
          if (var_value (ld, in + 2, (size_t) (end - in - 2), &add, err) < 0)
            return -1;
          n = strlen (add);
          in = end + 1;
        }
      else
        in++;
      if (len + n + 1 > size)
        {
          size = (len + n + 1) * 2;
          out = xreallocarray (out, size, 1);
        }
      memcpy (out + len, add, n);
      len += n;
      out[len] = '\0';
    }
  *ret = steal_ptr (&out);
  return 0;
}

/* A PATH holds a '/' or ends in ".profile"; anything else is a NAME to search for.  */
static bool
is_path (const char *s)
{
  size_t len = strlen (s);
  return strchr (s, '/') != NULL || (len > 8 && strcmp (s + len - 8, ".profile") == 0);
}

static bool
valid_name (const char *s)
{
  if (s[0] == '\0' || s[0] == '.')
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '-' || *s == '_' || *s == '.'))
      return false;
  return true;
}

/* The search path, first match wins; entries may be NULL (no home).  */
static void
search_dirs (char *ret[3])
{
  cleanup_free char *conf = user_xdg_dir ("XDG_CONFIG_HOME", ".config");

  ret[0] = conf != NULL ? xasprintf_path (conf, "sandbox/profiles") : NULL;
  ret[1] = xstrdup (ETC_PROFILES);
  /* the installed profiles; SANDBOX_DATADIR in `make check`, so the tests read the
     profiles they ship */
  ret[2] = xstrdup (sb_profiledir ());
}

static void
free_dirs (char *dirs[3])
{
  for (int i = 0; i < 3; i++)
    free (dirs[i]);
}

static bool
being_read (const struct loader *ld, const struct stat *st)
{
  for (size_t i = 0; ld != NULL && i < ld->depth; i++)
    if (ld->stack[i].dev == st->st_dev && ld->stack[i].ino == st->st_ino)
      return true;
  return false;
}

/* NAME.profile on the search path; NULL (errno ENOENT) when there is none.  A file that LD
   is reading already is passed over for the next one, so that a user's default.profile can
   `include default` to build on the shipped one; it is returned (to be reported as a
   cycle) only when no other is found.  */
static char *
find_profile (const struct loader *ld, const char *name)
{
  char *dirs[3], *found = NULL, *skipped = NULL;

  if (!valid_name (name))
    {
      errno = ENOENT;
      return NULL;
    }
  search_dirs (dirs);
  for (int i = 0; i < 3 && found == NULL; i++)
    {
      cleanup_free char *file = NULL;
      struct stat st;

      if (dirs[i] == NULL)
        continue;
      if (asprintf (&file, "%s/%s.profile", dirs[i], name) < 0)
        oom ();
      if (stat (file, &st) < 0)
        continue;
      if (!being_read (ld, &st))
        found = steal_ptr (&file);
      else if (skipped == NULL)
        skipped = steal_ptr (&file);
    }
  free_dirs (dirs);
  if (found == NULL)
    found = steal_ptr (&skipped);
  free (skipped);
  if (found == NULL)
    errno = ENOENT;
  return found;
}

/* Reads PATH, refusing one that is being read already (an include cycle).  LABEL begins
   each error: who asked for PATH ("file:3: include 'x'", "-p 'x'").  A profile is a regular
   file (not a FIFO, which would block us, nor /dev/zero), of text: a NUL byte would end
   every line after it unseen.  */
static char *
open_profile (struct loader *ld, const char *path, const char *label, struct stat *ret_st,
              struct sb_error **err)
{
  cleanup_free char *text = NULL;
  const char *nul;
  size_t len;

  text = read_regular_file_at (AT_FDCWD, path, MAX_PROFILE, &len, ret_st);
  if (text == NULL && errno == EINVAL)
    return sb_error_set (err, 0, "%s: not a regular file", label), NULL;
  if (text == NULL && errno == EFBIG)
    return sb_error_set (err, 0, "%s: larger than %d KiB, the most a profile may be", label,
                         MAX_PROFILE / 1024),
           NULL;
  if (text == NULL)
    return sb_error_set (err, errno, "%s", label), NULL;
  for (size_t i = 0; i < ld->depth; i++)
    if (ld->stack[i].dev == ret_st->st_dev && ld->stack[i].ino == ret_st->st_ino)
      {
        char chain[1024] = "";
        size_t n = 0;

        for (size_t j = i; j < ld->depth && n < sizeof chain; j++)
          n += (size_t) snprintf (chain + n, sizeof chain - n, "%s -> ",
                                  basename_of (ld->stack[j].path));
        return sb_error_set (err, 0, "%s: include cycle %s%s", label, chain, basename_of (path)),
               NULL;
      }
  if (ld->depth == MAX_DEPTH)
    return sb_error_set (err, 0, "%s: includes nested deeper than %d", label, MAX_DEPTH), NULL;
  nul = memchr (text, '\0', len);
  if (nul != NULL)
    {
      unsigned line = 1;

      for (const char *p = text; p < nul; p++)
        line += *p == '\n';
      return sb_error_set (err, 0, "%s:%u: a NUL byte: a profile is text", path, line), NULL;
    }
  return steal_ptr (&text);
}

struct line
{
  unsigned no;
  char *key;  /* the option, "include" or "ignore" */
  char *rest; /* the values, trimmed; "" when there are none */
};

/* Splits TEXT in place into its lines that are neither blank nor comments.  */
static struct line *
split_lines (char *text, size_t *ret_n)
{
  struct line *lines = NULL;
  size_t n = 0;
  unsigned no = 0;

  for (char *l = text; l != NULL;)
    {
      char *next = strchr (l, '\n'), *end;

      if (next != NULL)
        *next++ = '\0';
      no++;
      l += strspn (l, " \t");
      end = l + strlen (l);
      while (end > l && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
      if (*l != '\0' && *l != '#')
        {
          lines = xreallocarray (lines, n + 1, sizeof *lines);
          lines[n].no = no;
          lines[n].key = l;
          l += strcspn (l, " \t");
          if (*l != '\0')
            {
              *l++ = '\0';
              l += strspn (l, " \t");
            }
          lines[n].rest = l;
          n++;
        }
      l = next;
    }
  *ret_n = n;
  return lines;
}

static int unknown_option (const char *key, struct sb_error **err);
static int apply_file (struct loader *ld, const char *path, const char *label, char *const *ignored,
                       struct sb_error **err);

/* include NAME|PATH: a relative PATH is relative to the including file's folder.  */
static int
include (struct loader *ld, const char *from, unsigned no, const char *arg, char *const *ignored,
         struct sb_error **err)
{
  cleanup_free char *path = NULL, *label = NULL;

  if (asprintf (&label, "%s:%u: include '%s'", from, no, arg) < 0)
    oom ();
  if (!is_path (arg))
    {
      path = find_profile (ld, arg);
      if (path == NULL)
        return sb_error_set (err, 0, "%s: no such profile", label);
    }
  else if (arg[0] != '/' && strchr (from, '/') != NULL)
    {
      if (asprintf (&path, "%.*s/%s", (int) (strrchr (from, '/') - from), from, arg) < 0)
        oom ();
    }
  else
    path = xstrdup (arg);
  return apply_file (ld, path, label, ignored, err);
}

/* One option line: its values are the rest of the line; with two, the first word and the
   rest, so the last value may hold spaces (a path, a variable's value).  */
static int
apply_option (struct loader *ld, const struct sb_option *o, const struct line *ln,
              const char *origin, struct sb_error **err)
{
  cleanup_free char *v = NULL;
  char *args[3] = { NULL, NULL, NULL };

  if (OPT_NARGS (o) == OPT_ARG_NONE)
    {
      if (ln->rest[0] != '\0')
        return sb_error_set (err, 0, "'%s' takes no value", o->name);
      return options_apply (ld->cfg, o, args, origin, err);
    }
  if (ln->rest[0] == '\0' && OPT_NARGS (o) == OPT_ARG_OPTIONAL)
    return options_apply (ld->cfg, o, args, origin, err);
  if (ln->rest[0] == '\0')
    return sb_error_set (err, 0, "%s: missing value %s", o->name, o->argname);
  if (expand (ld, ln->rest, &v, err) < 0)
    return -1;
  args[0] = v;
  if (OPT_NARGS (o) == OPT_ARG_TWO)
    {
      /* split the raw line, not the expanded one: a variable's spaces stay in its value */
      size_t w = strcspn (ln->rest, " \t");
      cleanup_free char *first = strndup (ln->rest, w), *a0 = NULL, *a1 = NULL;

      if (first == NULL)
        oom ();
      if (ln->rest[w] == '\0')
        return sb_error_set (err, 0, "%s: missing value %s", o->name, o->argname);
      if (expand (ld, first, &a0, err) < 0
          || expand (ld, ln->rest + w + strspn (ln->rest + w, " \t"), &a1, err) < 0)
        return -1;
      args[0] = a0;
      args[1] = a1;
      return options_apply (ld->cfg, o, args, origin, err);
    }
  return options_apply (ld->cfg, o, args, origin, err);
}

/* Applies one line; errors of its own get its file:line, those of an include have theirs.  */
static int
apply_line (struct loader *ld, const char *path, const struct line *ln, char *const *ignored,
            char *const *own_ignored, struct sb_error **err)
{
  const struct sb_option *o;
  cleanup_free char *origin = NULL, *arg = NULL;
  int r;

  if (asprintf (&origin, "%s:%u", path, ln->no) < 0)
    oom ();
  if (strcmp (ln->key, "ignore") == 0)
    return 0; /* collected before */
  if (strcmp (ln->key, "include") == 0)
    {
      if (ln->rest[0] == '\0')
        r = sb_error_set (err, 0, "include: missing value NAME|PATH");
      else if ((r = expand (ld, ln->rest, &arg, err)) == 0)
        return include (ld, path, ln->no, arg, ignored, err);
    }
  else if (strcmp (ln->key, "profile") == 0)
    r = sb_error_set (err, 0, "'profile' is for the command line; write 'include %s'", ln->rest);
  /* it lifts a protection for one run, as the user asks: a profile would lift it for all */
  else if (strcmp (ln->key, "unprotect-git") == 0)
    r = sb_error_set (err, 0, "'unprotect-git' is for the command line only");
  else if ((o = options_find (ln->key)) == NULL)
    r = unknown_option (ln->key, err);
  else if (o->arg & OPT_CLI_ONLY)
    r = sb_error_set (err, 0,
                      "'%s' is for the command line only: in a profile it would end "
                      "every run that includes it",
                      o->name);
  /* an including profile's ignore drops this line; the file's own ignore does not */
  else if (strv_has (ignored, o->name) && !strv_has (own_ignored, o->name))
    r = 0;
  else
    r = apply_option (ld, o, ln, origin, err);
  if (r < 0)
    sb_error_prefix (*err, "%s: ", origin);
  return r;
}

static int
unknown_option (const char *key, struct sb_error **err)
{
  const char *hint = options_nearest (key);

  if (hint != NULL)
    return sb_error_set (err, 0, "unknown option '%s' (did you mean '%s'?)", key, hint);
  return sb_error_set (err, 0, "unknown option '%s'", key);
}

/* Reads PATH and applies its lines in order.  IGNORED: the options its includers ignore.
   Its own `ignore` lines are collected first, so they reach every include of the file
   wherever they stand in it.  */
static int
apply_file (struct loader *ld, const char *path, const char *label, char *const *ignored,
            struct sb_error **err)
{
  cleanup_free char *text = NULL;
  cleanup_free struct line *lines = NULL;
  cleanup_strv char **own = NULL, **all = NULL;
  struct stat st;
  size_t n = 0;
  int r = 0;

  text = open_profile (ld, path, label, &st, err);
  if (text == NULL)
    return -1;
  strv_push (&ld->cfg->profile_files, xstrdup (path));
  lines = split_lines (text, &n);
  own = xcalloc (1, sizeof (char *));
  all = xcalloc (1, sizeof (char *));
  for (char *const *v = ignored; v != NULL && *v != NULL; v++)
    strv_push (&all, xstrdup (*v));
  for (size_t i = 0; i < n; i++)
    if (strcmp (lines[i].key, "ignore") == 0)
      {
        const char *name = lines[i].rest;

        if (name[0] == '\0')
          r = sb_error_set (err, 0, "ignore: missing value OPTION");
        else if (options_find (name) == NULL)
          r = unknown_option (name, err);
        if (r < 0)
          {
            sb_error_prefix (*err, "%s:%u: ", path, lines[i].no);
            return -1;
          }
        strv_push (&own, xstrdup (name));
        strv_push (&all, xstrdup (name));
      }

  ld->stack[ld->depth++] = (struct frame){ .path = path, .dev = st.st_dev, .ino = st.st_ino };
  for (size_t i = 0; i < n && r == 0; i++)
    r = apply_line (ld, path, &lines[i], all, own, err);
  ld->depth--;
  return r;
}

int
profile_apply (struct config *cfg, const char *name, struct sb_error **err)
{
  struct loader ld = { .cfg = cfg };
  cleanup_free char *path = NULL, *label = NULL;
  int r;

  if (asprintf (&label, "-p '%s'", name) < 0)
    oom ();
  if (!is_path (name))
    {
      path = find_profile (NULL, name);
      if (path == NULL)
        return sb_error_set (err, 0, "%s: no such profile (sandbox --profiles lists them)", label);
    }
  else
    path = xstrdup (name);
  r = apply_file (&ld, path, label, NULL, err);
  loader_free (&ld);
  return r;
}

int
profile_apply_default (struct config *cfg, struct sb_error **err)
{
  cleanup_free char *path = find_profile (NULL, "default");

  if (path == NULL)
    return 0;
  return profile_apply (cfg, path, err);
}

/* The first "# " line of a profile: its description.  */
static char *
describe (const char *path)
{
  cleanup_free char *text = read_regular_file_at (AT_FDCWD, path, MAX_PROFILE, NULL, NULL);
  char *save = NULL;

  for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
    if (strncmp (l, "# ", 2) == 0)
      return xstrdup (l + 2);
  return xstrdup ("");
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
profile_list (FILE *f, struct sb_error **err)
{
  char *dirs[3];
  cleanup_strv char **names = xcalloc (1, sizeof (char *));

  (void) err;
  search_dirs (dirs);
  for (int i = 0; i < 3; i++)
    {
      DIR *d = dirs[i] ? opendir (dirs[i]) : NULL;
      struct dirent *e;

      while (d != NULL && (e = readdir (d)) != NULL)
        {
          size_t len = strlen (e->d_name);
          cleanup_free char *name = NULL;

          if (len <= 8 || strcmp (e->d_name + len - 8, ".profile") != 0)
            continue;
          name = strndup (e->d_name, len - 8);
          if (name == NULL)
            oom ();
          if (valid_name (name) && !strv_has (names, name))
            strv_push (&names, steal_ptr (&name));
        }
      if (d != NULL)
        closedir (d);
    }
  free_dirs (dirs);
  qsort (names, strv_len (names), sizeof *names, compare_strings);
  for (char **n = names; *n != NULL; n++)
    {
      cleanup_free char *path = find_profile (NULL, *n);
      cleanup_free char *desc = path ? describe (path) : NULL;

      if (path != NULL)
        fprintf (f, "%-14s %s\n", *n, desc);
    }
  return 0;
}

void
profile_print_config (const struct config *cfg, FILE *f)
{
  fputs ("# sandbox --print-config: the options in effect as profile lines, each with where it "
         "came from\n",
         f);
  for (char **p = cfg->profile_files; p != NULL && *p != NULL; p++)
    fprintf (f, "# read %s\n", *p);
  for (size_t i = 0; i < cfg->n_applied; i++)
    {
      const struct applied_option *a = &cfg->applied[i];
      cleanup_free char *line = NULL;
      bool later = false;
      size_t field = a->opt->field;

      /* the actions are not configuration */
      if (field != 0
          && (field == offsetof (struct config, print_config)
              || field == offsetof (struct config, list_profiles)
              || field == offsetof (struct config, help)
              || field == offsetof (struct config, version)))
        continue;
      /* a later use of a single-valued option replaced this one */
      for (size_t j = i + 1; j < cfg->n_applied && !(a->opt->arg & OPT_REPEAT); j++)
        later |= cfg->applied[j].opt == a->opt;
      if (later)
        continue;
      if (asprintf (&line, "%s%s%s%s%s", a->opt->name, a->args[0] ? " " : "",
                    a->args[0] ? a->args[0] : "", a->args[1] ? " " : "",
                    a->args[1] ? a->args[1] : "")
          < 0)
        oom ();
      fprintf (f, "%-31s # %s\n", line, a->origin);
    }
  if (cfg->argv == NULL)
    fputs ("# command: the user's shell\n", f);
  else
    {
      fputs ("# command:", f);
      for (char **a = cfg->argv; *a != NULL; a++)
        fprintf (f, " %s", *a);
      fputc ('\n', f);
    }
}
