/* SPDX-License-Identifier: GPL-2.0-or-later */
/* desktop-install.c: --desktop-install, --desktop-remove, --desktop-list.  The menu entry is
   a copy of the system's APP.desktop in the user's applications folder, where it hides the
   system's (same desktop file id), with every Exec line run through sandbox; the PATH name
   is a two-line script in ~/.local/bin.  Both carry a marker, and only marked files are
   replaced or removed: the user's own files are never touched.  The folders install had to
   make are recorded in the entry (X-Sandbox-Made) and removed again when empty.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "desktop-install.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define SCRIPT_MARK "# sandbox --desktop-install "
#define KEY_PROFILE "X-Sandbox-Profile="
#define KEY_COMMAND "X-Sandbox-Command="
#define KEY_MADE "X-Sandbox-Made="

/* Programs whose shipped profile is known; -p NAME chooses for any other.  */
static const char *const known[][2] = {
  { "firefox", "browser" },
  { "firefox-esr", "browser" },
  { "chromium", "browser" },
  { "chromium-browser", "browser" },
  { "google-chrome", "browser" },
  { "epiphany", "browser" },
  { "org.gnome.Epiphany", "browser" },
  { "vlc", "media" },
  { "mpv", "media" },
  { "totem", "media" },
  { "org.gnome.Totem", "media" },
  { "celluloid", "media" },
  { "io.github.celluloid_player.Celluloid", "media" },
  { "smplayer", "media" },
  { "audacious", "media" },
  { "rhythmbox", "media" },
  { "org.gnome.Rhythmbox3", "media" },
};

const char *
desktop_install_profile_for (const char *app)
{
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (strcmp (app, known[i][0]) == 0)
      return known[i][1];
  return NULL;
}

/* The user's folders: the applications folder of $XDG_DATA_HOME and ~/.local/bin.  */
struct places
{
  char *home, *apps, *bin;
};

static void
places_free (struct places *p)
{
  free (p->home);
  free (p->apps);
  free (p->bin);
}

static int
places_get (struct places *p, struct sb_error **err)
{
  cleanup_free char *data = NULL;

  memset (p, 0, sizeof *p);
  p->home = user_home_dir ();
  if (p->home == NULL)
    return sb_error_set (err, 0, "desktop: neither HOME nor the password file names a home");
  data = user_xdg_dir ("XDG_DATA_HOME", ".local/share");
  if (asprintf (&p->apps, "%s/applications", data) < 0
      || asprintf (&p->bin, "%s/.local/bin", p->home) < 0)
    oom ();
  return 0;
}

/* A name that becomes a file name in the user's folders  */
static bool
valid_app (const char *s)
{
  if (s[0] == '\0' || s[0] == '.' || s[0] == '-' || strlen (s) > 200)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '.' || *s == '_' || *s == '-' || *s == '+'))
      return false;
  return true;
}

/* A word that an Exec line and a shell script carry without quoting  */
static bool
plain_word (const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || strchr ("/._+,:@=-", *s) != NULL))
      return false;
  return true;
}

/* The value of KEY (with its '=') in the [Desktop Entry] group of TEXT, or NULL.  */
static char *
entry_value (const char *text, const char *key)
{
  bool in_entry = false;
  size_t kl = strlen (key);

  for (const char *l = text; l != NULL && *l != '\0';
       l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
    {
      size_t len = strcspn (l, "\n");

      if (l[0] == '[')
        in_entry = strncmp (l, "[Desktop Entry]", len) == 0 && len == 15;
      else if (in_entry && len >= kl && strncmp (l, key, kl) == 0)
        return strndup (l + kl, len - kl);
    }
  return NULL;
}

/* The first word of an Exec value: the program (quotes as the specification allows)  */
static char *
exec_program (const char *exec)
{
  if (exec[0] == '"')
    {
      const char *end = strchr (exec + 1, '"');

      return end ? strndup (exec + 1, (size_t) (end - exec - 1)) : NULL;
    }
  return strndup (exec, strcspn (exec, " \t"));
}

static char *
read_text (const char *path)
{
  size_t len;
  char *t = read_file_at (AT_FDCWD, path, &len);

  if (t != NULL && strlen (t) != len) /* a NUL inside: not a desktop file */
    {
      free (t);
      errno = EINVAL;
      return NULL;
    }
  return t;
}

/* The system's APP.desktop, in $XDG_DATA_DIRS/applications (never the user's: ours would
   be there), or the one whose program is named APP.  */
static char *
find_entry (const char *app)
{
  const char *dirs = getenv ("XDG_DATA_DIRS");
  cleanup_free char *copy = xstrdup (dirs && *dirs ? dirs : "/usr/local/share:/usr/share");
  char *save = NULL;

  for (char *d = strtok_r (copy, ":", &save); d != NULL; d = strtok_r (NULL, ":", &save))
    {
      char *p;

      if (d[0] != '/')
        continue;
      if (asprintf (&p, "%s/applications/%s.desktop", d, app) < 0)
        oom ();
      if (access (p, R_OK) == 0)
        return p;
      free (p);
    }
  return NULL;
}

/* PROGRAM as an absolute path: a bare name through PATH, skipping BIN (our own scripts)  */
static char *
resolve_program (const char *program, const char *bin)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  cleanup_free char *bin_real = realpath (bin, NULL);
  char *save = NULL;

  if (strchr (program, '/') != NULL)
    return program[0] == '/' ? xstrdup (program) : NULL;
  for (char *d = strtok_r (copy, ":", &save); d != NULL; d = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *real = realpath (d, NULL);
      char *p;

      if (d[0] != '/' || (real != NULL && bin_real != NULL && strcmp (real, bin_real) == 0))
        continue;
      if (asprintf (&p, "%s/%s", d, program) < 0)
        oom ();
      if (access (p, X_OK) == 0)
        return p;
      free (p);
    }
  return NULL;
}

/* mkdir -p DIR below the home (0700, as the XDG specification asks), recording in *MADE
   each folder it made  */
static int
make_dirs (const char *home, const char *dir, char ***made, struct sb_error **err)
{
  cleanup_free char *p = xstrdup (dir);
  size_t hl = strlen (home);

  if (strncmp (dir, home, hl) != 0 || dir[hl] != '/')
    return sb_error_set (err, 0, "desktop: '%s' is not below the home '%s'", dir, home);
  for (char *s = p + hl + 1;; s++)
    if (*s == '/' || *s == '\0')
      {
        char c = *s;

        *s = '\0';
        if (mkdir (p, 0700) == 0)
          strv_push (made, xstrdup (p));
        else if (errno != EEXIST)
          return sb_error_set (err, errno, "desktop: make '%s'", p);
        if (c == '\0')
          return 0;
        *s = c;
      }
}

/* Whether PATH is free to write: missing, or a file of ours (MARK in its text)  */
static int
check_free (const char *path, const char *mark, struct sb_error **err)
{
  cleanup_free char *text = NULL;
  struct stat st;

  if (lstat (path, &st) < 0)
    return errno == ENOENT ? 0 : sb_error_set (err, errno, "desktop: '%s'", path);
  if (S_ISREG (st.st_mode) && (text = read_text (path)) != NULL && strstr (text, mark) != NULL)
    return 0;
  return sb_error_set (err, 0,
                       "desktop: '%s' exists and is not from --desktop-install: "
                       "move it away first",
                       path);
}

static int
write_new (const char *path, const char *text, mode_t mode, struct sb_error **err)
{
  cleanup_close int fd = -1;

  (void) unlink (path); /* ours (check_free), or nothing */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0 || write_all (fd, text, strlen (text)) < 0 || fchmod (fd, mode) < 0)
    return sb_error_set (err, errno, "desktop: write '%s'", path);
  return 0;
}

/* Adds to *MADE the folders that the entries installed before recorded as theirs  */
static void
collect_made (const char *apps, char ***made)
{
  DIR *d = opendir (apps);
  struct dirent *e;

  while (d != NULL && (e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);
      cleanup_free char *path = NULL, *text = NULL, *list = NULL;
      char *save = NULL;

      if (len <= 8 || strcmp (e->d_name + len - 8, ".desktop") != 0)
        continue;
      if (asprintf (&path, "%s/%s", apps, e->d_name) < 0)
        oom ();
      text = read_text (path);
      if (text == NULL || strstr (text, KEY_PROFILE) == NULL)
        continue;
      list = entry_value (text, KEY_MADE);
      for (char *m = list ? strtok_r (list, ";", &save) : NULL; m != NULL;
           m = strtok_r (NULL, ";", &save))
        {
          bool seen = false;

          for (char **o = *made; *o != NULL && !seen; o++)
            seen = strcmp (*o, m) == 0;
          if (!seen)
            strv_push (made, xstrdup (m));
        }
    }
  if (d != NULL)
    closedir (d);
}

/* The entry: a comment, our keys after the group's header, every Exec through PREFIX, and
   no D-Bus activation (it would start the app without its Exec line)  */
static char *
make_entry (const char *text, const char *prefix, const char *profile, const char *command,
            char *const *made)
{
  char *out = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&out, &size);

  if (f == NULL)
    oom ();
  fprintf (f, "# %s\n", "Made by sandbox --desktop-install; sandbox --desktop-remove undoes it");
  for (const char *l = text; *l != '\0';)
    {
      size_t len = strcspn (l, "\n");

      if (strncmp (l, "Exec=", 5) == 0)
        fprintf (f, "Exec=%s %.*s\n", prefix, (int) len - 5, l + 5);
      else if (strncmp (l, "DBusActivatable=", 16) != 0)
        fprintf (f, "%.*s\n", (int) len, l);
      if (len == 15 && strncmp (l, "[Desktop Entry]", 15) == 0)
        {
          fprintf (f, "%s%s\n%s%s\n%s", KEY_PROFILE, profile, KEY_COMMAND, command, KEY_MADE);
          for (char *const *m = made; *m != NULL; m++)
            fprintf (f, "%s;", *m);
          fputc ('\n', f);
        }
      l += len + (l[len] == '\n');
    }
  if (fclose (f) != 0)
    oom ();
  return out;
}

/* "-p NAME ..." from the command line's -p, else the profile known for APP or its program  */
static int
profile_args (const struct config *cfg, const char *app, const char *command, char **ret,
              struct sb_error **err)
{
  const char *known_p = desktop_install_profile_for (app);
  char *out = NULL;
  size_t size = 0;
  FILE *f;

  if (known_p == NULL)
    known_p = desktop_install_profile_for (command);
  if (cfg->profiles == NULL && known_p == NULL)
    return sb_error_set (err, 0,
                         "--desktop-install '%s': no profile is known for it: give "
                         "one, such as -p untrusted --desktop-install %s",
                         app, app);
  f = open_memstream (&out, &size);
  if (f == NULL)
    oom ();
  for (char **p = cfg->profiles; p != NULL && *p != NULL; p++)
    if (plain_word (*p))
      fprintf (f, "%s-p %s", p == cfg->profiles ? "" : " ", *p);
    else
      {
        fclose (f);
        free (out);
        return sb_error_set (err, 0,
                             "--desktop-install: -p '%s': a name a desktop entry "
                             "carries unquoted ([A-Za-z0-9/._+,:@=-])",
                             *p);
      }
  if (cfg->profiles == NULL)
    fprintf (f, "-p %s", known_p);
  if (fclose (f) != 0)
    oom ();
  *ret = out;
  return 0;
}

/* The PATH name's script  */
static char *
make_script (const char *app, const char *self, const char *profile, const char *program)
{
  char *s;

  if (asprintf (&s,
                "#!/bin/sh\n" SCRIPT_MARK "%s: runs it in a sandbox (%s)\n"
                "# sandbox --desktop-remove %s undoes it\n"
                "exec %s %s -- %s \"$@\"\n",
                app, profile, app, self, profile, program)
      < 0)
    oom ();
  return s;
}

/* A notice when a shell would find COMMAND elsewhere before our script in BIN  */
static void
check_path (const char *bin, const char *command)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path ? path : "");
  char *save = NULL;

  for (char *d = strtok_r (copy, ":", &save); d != NULL; d = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *p = NULL;

      if (strcmp (d, bin) == 0)
        return;
      if (asprintf (&p, "%s/%s", d, command) < 0)
        oom ();
      if (access (p, X_OK) == 0)
        {
          log_notice ("'%s' comes before '%s' in PATH: '%s' in a shell runs unsandboxed, the "
                      "menu entry sandboxed (Debian's ~/.profile puts ~/.local/bin first when "
                      "it exists at login)",
                      d, bin, command);
          return;
        }
    }
}

/* APP's desktop entry: its file (*RET_SRC) and text (*RET_TEXT), the command's name
   (*RET_COMMAND) and absolute program (*RET_PROGRAM), and our own binary (*RET_SELF).  */
static int
find_app (const char *app, const struct places *pl, char **ret_src, char **ret_text,
          char **ret_command, char **ret_program, char **ret_self, struct sb_error **err)
{
  cleanup_free char *exec = NULL, *program = NULL;
  char *src, *text, *command, *abs_program, *self;

  *ret_src = *ret_text = *ret_command = *ret_program = *ret_self = NULL;
  src = *ret_src = find_entry (app);
  if (src == NULL)
    {
      sb_error_set (err, 0,
                    "--desktop-install '%s': no %s.desktop in the applications "
                    "folders of XDG_DATA_DIRS",
                    app, app);
      return -1;
    }
  text = *ret_text = read_text (src);
  exec = text ? entry_value (text, "Exec=") : NULL;
  program = exec ? exec_program (exec) : NULL;
  if (program == NULL || *program == '\0' || strcmp (program, "env") == 0)
    {
      sb_error_set (err, text ? 0 : errno,
                    "--desktop-install '%s': '%s' has no Exec line "
                    "that names a program",
                    app, src);
      return -1;
    }
  command = *ret_command = xstrdup (strrchr (program, '/') ? strrchr (program, '/') + 1 : program);
  abs_program = *ret_program = resolve_program (program, pl->bin);
  self = *ret_self = realpath ("/proc/self/exe", NULL);
  if (abs_program == NULL || self == NULL || !valid_app (command))
    {
      sb_error_set (err, abs_program ? errno : 0, "--desktop-install '%s': '%s' not found", app,
                    abs_program ? "/proc/self/exe" : program);
      return -1;
    }
  if (!plain_word (self) || !plain_word (abs_program))
    {
      sb_error_set (err, 0,
                    "--desktop-install '%s': '%s' or '%s' has characters a desktop "
                    "entry carries only quoted",
                    app, self, abs_program);
      return -1;
    }
  return 0;
}

int
desktop_install (const struct config *cfg, const char *app, struct sb_error **err)
{
  struct places pl;
  cleanup_free char *src = NULL, *text = NULL;
  cleanup_free char *command = NULL, *abs_program = NULL, *self = NULL, *profile = NULL;
  cleanup_free char *prefix = NULL, *entry = NULL, *script = NULL;
  cleanup_free char *entry_path = NULL, *script_path = NULL;
  cleanup_strv char **made = xcalloc (1, sizeof (char *));
  int r = -1;

  if (!valid_app (app))
    return sb_error_set (err, 0,
                         "--desktop-install '%s': expected a desktop file id such as "
                         "firefox-esr",
                         app);
  if (places_get (&pl, err) < 0)
    return -1;
  if (find_app (app, &pl, &src, &text, &command, &abs_program, &self, err) < 0)
    goto out;
  if (profile_args (cfg, app, command, &profile, err) < 0)
    goto out;
  if (asprintf (&entry_path, "%s/%s.desktop", pl.apps, app) < 0
      || asprintf (&script_path, "%s/%s", pl.bin, command) < 0
      || asprintf (&prefix, "%s %s --", self, profile) < 0)
    oom ();
  /* both checked before either is written: a refusal leaves nothing behind */
  if (check_free (entry_path, KEY_PROFILE, err) < 0
      || check_free (script_path, SCRIPT_MARK, err) < 0
      || make_dirs (pl.home, pl.apps, &made, err) < 0
      || make_dirs (pl.home, pl.bin, &made, err) < 0)
    goto out;
  /* the folders an earlier install made stay recorded: the last remove takes them */
  collect_made (pl.apps, &made);
  entry = make_entry (text, prefix, strchr (profile, ' ') + 1, command, made);
  script = make_script (app, self, profile, abs_program);
  if (write_new (script_path, script, 0755, err) < 0)
    goto out;
  if (write_new (entry_path, entry, 0644, err) < 0)
    {
      (void) unlink (script_path);
      goto out;
    }
  printf ("%s: %s and %s run it with sandbox %s\n", app, entry_path, script_path, profile);
  check_path (pl.bin, command);
  r = 0;
out:
  if (r < 0)
    for (size_t i = strv_len (made); i > 0; i--)
      (void) rmdir (made[i - 1]);
  places_free (&pl);
  return r;
}

int
desktop_remove (const char *app, struct sb_error **err)
{
  struct places pl;
  cleanup_free char *entry_path = NULL, *text = NULL, *command = NULL, *made = NULL;
  cleanup_strv char **dirs = xcalloc (1, sizeof (char *));
  char *save = NULL;
  int r = -1;

  if (!valid_app (app))
    return sb_error_set (err, 0, "--desktop-remove '%s': expected a desktop file id", app);
  if (places_get (&pl, err) < 0)
    return -1;
  if (asprintf (&entry_path, "%s/%s.desktop", pl.apps, app) < 0)
    oom ();
  text = read_text (entry_path);
  if (text == NULL || strstr (text, KEY_PROFILE) == NULL)
    {
      sb_error_set (err, 0,
                    "--desktop-remove '%s': not installed by --desktop-install "
                    "(sandbox --desktop-list)",
                    app);
      goto out;
    }
  command = entry_value (text, KEY_COMMAND);
  made = entry_value (text, KEY_MADE);
  if (command != NULL && valid_app (command))
    {
      cleanup_free char *script_path = NULL;
      struct sb_error *e = NULL;

      if (asprintf (&script_path, "%s/%s", pl.bin, command) < 0)
        oom ();
      /* the script when it is ours; a file of the user's of that name stays */
      if (check_free (script_path, SCRIPT_MARK, &e) == 0)
        (void) unlink (script_path);
      sb_error_free (&e);
    }
  if (unlink (entry_path) < 0)
    {
      sb_error_set (err, errno, "--desktop-remove: remove '%s'", entry_path);
      goto out;
    }
  /* the folders install made, deepest last in the list: removed when empty again */
  for (char *d = made ? strtok_r (made, ";", &save) : NULL; d != NULL;
       d = strtok_r (NULL, ";", &save))
    strv_push (&dirs, xstrdup (d));
  for (size_t i = strv_len (dirs); i > 0; i--)
    if (strncmp (dirs[i - 1], pl.home, strlen (pl.home)) == 0
        && dirs[i - 1][strlen (pl.home)] == '/')
      (void) rmdir (dirs[i - 1]);
  printf ("%s: removed\n", app);
  r = 0;
out:
  places_free (&pl);
  return r;
}

int
desktop_list (FILE *f, struct sb_error **err)
{
  struct places pl;
  DIR *d;
  struct dirent *e;

  if (places_get (&pl, err) < 0)
    return -1;
  d = opendir (pl.apps);
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);
      cleanup_free char *path = NULL, *text = NULL, *profile = NULL, *command = NULL;

      if (len <= 8 || strcmp (e->d_name + len - 8, ".desktop") != 0)
        continue;
      if (asprintf (&path, "%s/%s", pl.apps, e->d_name) < 0)
        oom ();
      text = read_text (path);
      profile = text ? entry_value (text, KEY_PROFILE) : NULL;
      command = text ? entry_value (text, KEY_COMMAND) : NULL;
      if (profile != NULL)
        fprintf (f, "%.*s\t-p %s\t%s/%s\n", (int) len - 8, e->d_name, profile, pl.bin,
                 command ? command : "?");
    }
  if (d != NULL)
    closedir (d);
  places_free (&pl);
  return 0;
}
