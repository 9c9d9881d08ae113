/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h: the option table.  Each option is one row; the command-line parser, --help,
   and (through tests) the man pages and completions all come from it.  */
#pragma once

#include <stddef.h>
#include <stdio.h>

struct config;
struct sb_error;

enum opt_arg
{
  OPT_ARG_NONE,
  OPT_ARG_ONE,
  OPT_ARG_TWO,
  OPT_ARG_OPTIONAL, /* one value or none: --name=VALUE on the command line */
  /* or'ed in: each use adds a value (setenv, bind...) instead of replacing the last one;
     --print-config then shows every use, not only the last */
  OPT_REPEAT = 1 << 4,
  /* or'ed in: an action of the command line (--help, --profiles...), never a profile line:
     one there would make every run that includes the profile a silent exit 0 */
  OPT_CLI_ONLY = 1 << 5,
};
#define OPT_NARGS(o) ((o)->arg & 3)

struct sb_option
{
  const char *name;    /* long name, without dashes; also the profile keyword */
  int short_name;      /* 0: none */
  int arg;             /* enum opt_arg: how many values follow, maybe | OPT_REPEAT */
  const char *argname; /* "NAME VALUE", for --help and the man page */
  const char *help;
  /* ARGS holds the option's values; it reports bad ones naming "--NAME 'value'" */
  int (*set) (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err);
  size_t field; /* offsetof (struct config, ...) for the generic setters */
};

extern const struct sb_option sb_options[]; /* ends with a row whose name is NULL */

const struct sb_option *options_find (const char *name);
/* The option name nearest to NAME (a typo's likely meaning), or NULL when none is close.  */
const char *options_nearest (const char *name);
/* The hint for a spelling of podman's, bwrap's or firejail's (NAME with or without its
   dashes), or NULL.  */
const char *options_peer_spelling (const char *name);
/* Runs OPT's setter and records ORIGIN ("file:line", "command line") for --print-config.
   The one way an option reaches a config: the command line and profiles both use it.  */
int options_apply (struct config *cfg, const struct sb_option *opt, char *const *args,
                   const char *origin, struct sb_error **err);
/* Parses ARGV into CFG: first the profiles named by -p, in order (or the default profile
   when there is no -p), then the command line's own options, which win over them.  The
   command (after the options or "--") goes to cfg->argv.  */
int options_parse_argv (struct config *cfg, int argc, char **argv, struct sb_error **err);
void options_print_help (FILE *f);
