/* options.c: the option table and the command-line parser built from it. */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "caps.h"
#include "config.h"
#include "error.h"
#include "net.h"
#include "options.h"
#include "util.h"

#define FIELD(f) offsetof (struct config, f)
#define AT(cfg, opt, type) ((type *) ((char *) (cfg) + (opt)->field))

static int
set_flag (struct config *cfg, const struct sb_option *opt, char *const *args,
          struct sb_error **err)
{
  (void) args;
  (void) err;
  *AT (cfg, opt, bool) = true;
  return 0;
}

static int
set_string (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  char **p = AT (cfg, opt, char *);

  if (args[0][0] == '\0')
    return sb_error_set (err, 0, "--%s '': must not be empty", opt->name);
  free (*p);
  *p = xstrdup (args[0]);
  return 0;
}

static int
set_id (struct config *cfg, const struct sb_option *opt, char *const *args,
        struct sb_error **err)
{
  unsigned id;

  if (parse_id (args[0], &id) < 0)
    return sb_error_set (err, 0, "--%s '%s': expected a number from 0 to 4294967294",
                         opt->name, args[0]);
  *AT (cfg, opt, unsigned) = id;
  /* the _set flag sits right before the pair of ids in struct config */
  if (opt->field == FIELD (uid))
    cfg->uid_set = true;
  else
    cfg->gid_set = true;
  return 0;
}

/* RFC 1123 labels: letters, digits and '-', dot-separated, at most 64 bytes (the uts limit) */
static bool
valid_hostname (const char *s)
{
  size_t len = strlen (s);

  if (len == 0 || len > 64 || s[0] == '-' || s[0] == '.' || s[len - 1] == '.')
    return false;
  for (const char *p = s; *p != '\0'; p++)
    {
      bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                || *p == '-' || (*p == '.' && p[1] != '.');
      if (!ok)
        return false;
    }
  return true;
}

static int
set_hostname (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err)
{
  if (!valid_hostname (args[0]))
    return sb_error_set (err, 0, "--%s '%s': not a valid host name", opt->name, args[0]);
  return set_string (cfg, opt, args, err);
}

static bool
valid_env_name (const char *s)
{
  return *s != '\0' && strchr (s, '=') == NULL;
}

static int
add_env_op (struct config *cfg, const char *name, const char *value)
{
  cfg->env_ops = xreallocarray (cfg->env_ops, cfg->n_env_ops + 1, sizeof *cfg->env_ops);
  cfg->env_ops[cfg->n_env_ops].name = xstrdup (name);
  cfg->env_ops[cfg->n_env_ops].value = xstrdup (value);
  cfg->n_env_ops++;
  return 0;
}

static int
set_setenv (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  if (!valid_env_name (args[0]))
    return sb_error_set (err, 0, "--%s '%s': not a valid variable name", opt->name, args[0]);
  return add_env_op (cfg, args[0], args[1]);
}

static int
set_unsetenv (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err)
{
  if (!valid_env_name (args[0]))
    return sb_error_set (err, 0, "--%s '%s': not a valid variable name", opt->name, args[0]);
  return add_env_op (cfg, args[0], NULL);
}

static int
set_clearenv (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err)
{
  (void) opt;
  (void) args;
  (void) err;
  return add_env_op (cfg, NULL, NULL);
}

static int
set_net (struct config *cfg, const struct sb_option *opt, char *const *args,
         struct sb_error **err)
{
  if (net_parse_mode (args[0], &cfg->net) < 0)
    return sb_error_set (err, 0, "--%s '%s': expected none, host, slirp, pasta or auto",
                         opt->name, args[0]);
  return 0;
}

static int
set_publish (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  struct net_publish p;
  const char *why;

  if (net_parse_publish (args[0], &p, &why) < 0)
    return sb_error_set (err, 0, "--%s '%s': %s", opt->name, args[0], why);
  cfg->publish = xreallocarray (cfg->publish, cfg->n_publish + 1, sizeof *cfg->publish);
  cfg->publish[cfg->n_publish++] = p;
  return 0;
}

static int
set_cap (struct config *cfg, const struct sb_option *opt, char *const *args,
         struct sb_error **err)
{
  bool add = strcmp (opt->name, "cap-add") == 0;
  int c = sb_caps_from_name (args[0]);

  if (c == -2)
    return sb_error_set (err, 0, "--%s '%s': unknown capability", opt->name, args[0]);
  if (c == -1)
    *(add ? &cfg->cap_add_all : &cfg->cap_drop_all) = true;
  else
    *(add ? &cfg->cap_add : &cfg->cap_drop) |= UINT64_C (1) << c;
  return 0;
}

/* clang-format off */
const struct sb_option sb_options[] = {
  { "help", 'h', OPT_ARG_NONE, NULL, "show this help and exit", set_flag, FIELD (help) },
  { "version", 'V', OPT_ARG_NONE, NULL, "show the version and exit", set_flag, FIELD (version) },
  { "verbose", 'v', OPT_ARG_NONE, NULL, "say what the sandbox does, step by step", set_flag, FIELD (verbose) },
  { "uid", 0, OPT_ARG_ONE, "ID", "user id inside (default: your own; 0 for root inside)", set_id, FIELD (uid) },
  { "gid", 0, OPT_ARG_ONE, "ID", "group id inside (default: your own)", set_id, FIELD (gid) },
  { "hostname", 0, OPT_ARG_ONE, "NAME", "host name inside (default: sandbox)", set_hostname, FIELD (hostname) },
  { "chdir", 0, OPT_ARG_ONE, "DIR", "working directory of the command", set_string, FIELD (chdir) },
  { "net", 0, OPT_ARG_ONE, "MODE", "network: none (lo only), host, slirp, pasta or auto (default: none)", set_net, FIELD (net) },
  { "net-host-loopback", 0, OPT_ARG_NONE, NULL, "let the sandbox reach the host's 127.0.0.1 through the gateway", set_flag, FIELD (net_host_loopback) },
  { "publish", 0, OPT_ARG_ONE, "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]", "forward a host port (on 127.0.0.1 unless HOSTIP) to PORT inside", set_publish, 0 },
  { "setenv", 0, OPT_ARG_TWO, "NAME VALUE", "set an environment variable", set_setenv, 0 },
  { "unsetenv", 0, OPT_ARG_ONE, "NAME", "remove an environment variable", set_unsetenv, 0 },
  { "clearenv", 0, OPT_ARG_NONE, NULL, "start the command with an empty environment", set_clearenv, 0 },
  { "seccomp", 0, OPT_ARG_ONE, "NAME|FILE", "seccomp policy: a name, a JSON file, or unconfined (default: default)", set_string, FIELD (seccomp) },
  { "new-session", 0, OPT_ARG_NONE, NULL, "start the command in a new session, without the terminal as its controlling one", set_flag, FIELD (new_session) },
  { "cap-add", 0, OPT_ARG_ONE, "CAP", "keep capability CAP inside (ALL: every one)", set_cap, 0 },
  { "cap-drop", 0, OPT_ARG_ONE, "CAP", "drop capability CAP (ALL: every one)", set_cap, 0 },
  { NULL, 0, OPT_ARG_NONE, NULL, NULL, NULL, 0 },
};
/* clang-format on */

const struct sb_option *
options_find (const char *name)
{
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    if (strcmp (o->name, name) == 0)
      return o;
  return NULL;
}

static const struct sb_option *
find_short (int c)
{
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    if (o->short_name == c)
      return o;
  return NULL;
}

int
options_parse_argv (struct config *cfg, int argc, char **argv, struct sb_error **err)
{
  size_t n = 0;
  cleanup_free struct option *longopts = NULL;
  char shortopts[64] = "+:"; /* stop at the command; report a missing value as ':' */
  size_t sl = 2;
  int c, index;

  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    n++;
  longopts = xcalloc (n + 1, sizeof *longopts);
  for (size_t i = 0; i < n; i++)
    {
      const struct sb_option *o = &sb_options[i];

      longopts[i].name = o->name;
      longopts[i].has_arg = o->arg == OPT_ARG_NONE ? no_argument : required_argument;
      longopts[i].val = 256 + (int) i;
      if (o->short_name != 0 && sl + 3 < sizeof shortopts)
        {
          shortopts[sl++] = (char) o->short_name;
          if (o->arg != OPT_ARG_NONE)
            shortopts[sl++] = ':';
        }
    }
  shortopts[sl] = '\0';

  opterr = 0;
  optind = 1;
  while ((c = getopt_long (argc, argv, shortopts, longopts, &index)) != -1)
    {
      const struct sb_option *o;
      char *args[3] = { optarg, NULL, NULL };

      if (c == '?' || c == ':')
        {
          const char *bad = argv[optind - 1];
          size_t len = strcspn (bad, "=");

          if (optopt != 0 && optopt < 256 && (c == '?' || bad[1] != '-'))
            return sb_error_set (err, 0, c == '?' ? "-%c: unknown option"
                                                   : "-%c: missing value", optopt);
          if (c == '?')
            return sb_error_set (err, 0, "%.*s: unknown option", (int) len, bad);
          o = optopt >= 256 ? &sb_options[optopt - 256] : NULL;
          return sb_error_set (err, 0, "%.*s: missing value %s", (int) len, bad,
                               o != NULL && o->argname != NULL ? o->argname : "");
        }
      o = c >= 256 ? &sb_options[c - 256] : find_short (c);
      if (o == NULL)
        return sb_error_set (err, 0, "-%c: unknown option", c);
      if (o->arg == OPT_ARG_TWO)
        {
          if (optind >= argc)
            return sb_error_set (err, 0, "--%s: missing value %s", o->name, o->argname);
          args[1] = argv[optind++];
        }
      if (o->set (cfg, o, args, err) < 0)
        return -1;
    }
  if (optind < argc)
    {
      cfg->argv = xcalloc ((size_t) (argc - optind) + 1, sizeof (char *));
      for (int i = optind; i < argc; i++)
        cfg->argv[i - optind] = xstrdup (argv[i]);
    }
  return 0;
}

void
options_print_help (FILE *f)
{
  fputs ("Usage: sandbox [OPTION...] [--] [COMMAND [ARG...]]\n"
         "Run COMMAND (default: your shell) in a rootless sandbox.\n\n",
         f);
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    {
      char left[64];

      snprintf (left, sizeof left, "%s%c%s--%s%s%s", o->short_name ? "-" : "",
                o->short_name ? o->short_name : ' ', o->short_name ? ", " : " ", o->name,
                o->argname ? " " : "", o->argname ? o->argname : "");
      fprintf (f, "  %-28s %s\n", left, o->help);
    }
  fputs ("\nExit status: the command's own; 128+N when it died of signal N; 125 when the\n"
         "sandbox could not be set up; 126 when COMMAND cannot run; 127 when it is not found.\n",
         f);
}
