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
};

struct sb_option
{
  const char *name;    /* long name, without dashes; also the profile keyword */
  int short_name;      /* 0: none */
  enum opt_arg arg;    /* how many values follow */
  const char *argname; /* "NAME VALUE", for --help and the man page */
  const char *help;
  /* ARGS holds the option's values; it reports bad ones naming "--NAME 'value'" */
  int (*set) (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err);
  size_t field; /* offsetof (struct config, ...) for the generic setters */
};

extern const struct sb_option sb_options[]; /* ends with a row whose name is NULL */

const struct sb_option *options_find (const char *name);
/* Parses ARGV into CFG; the command (after the options or "--") goes to cfg->argv.  */
int options_parse_argv (struct config *cfg, int argc, char **argv, struct sb_error **err);
void options_print_help (FILE *f);
