/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options-hint.c: the hints for an unknown option: the nearest name of ours ("did you
   mean"), and ours for the peers' spellings.  */
#include "build-config.h"

#include <stdint.h>
#include <string.h>

#include "options.h"

/* Levenshtein distance, for "did you mean": option names are short, one row suffices */
static size_t
edit_distance (const char *a, const char *b)
{
  size_t lb = strlen (b), row[64], diag, up;

  if (lb >= sizeof row / sizeof *row)
    return SIZE_MAX;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; a[i - 1] != '\0'; i++)
    {
      diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= lb; j++)
        {
          size_t best = diag + (a[i - 1] != b[j - 1]);

          up = row[j];
          if (up + 1 < best)
            best = up + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          diag = up;
          row[j] = best;
        }
    }
  return row[lb];
}

const char *
options_nearest (const char *name)
{
  const char *best = NULL;
  size_t best_d = SIZE_MAX, len = strlen (name);

  while (name[0] == '-')
    name++, len--;
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    {
      size_t d = edit_distance (name, o->name);

      if (d < best_d)
        best_d = d, best = o->name;
    }
  /* a hint only when most of the word survives: 'netwrok' -> 'net', not 'foo' -> 'gid' */
  return best_d <= 2 && best_d * 3 <= len ? best : NULL;
}

/* The spellings of podman, bwrap and firejail that users bring along: the hint that names
   ours, in the words of the typo hint  */
const char *
options_peer_spelling (const char *name)
{
  static const char *const peers[][2] = {
    { "user", "did you mean '--uid ID --gid ID'?" },  /* podman --user UID[:GID] */
    { "volume", "did you mean '--bind SRC[:DST]'?" }, /* podman -v SRC:DST */
    { "env", "did you mean '--setenv NAME VALUE'?" }, /* podman -e NAME=VALUE */
    { "workdir", "did you mean '--chdir DIR'?" },     /* podman -w DIR */
    { "private", "did you mean '--home private'?" },  /* firejail --private */
    { "noprofile", "leave it out: without -p only the default profile applies" }, /* firejail */
  };

  while (name[0] == '-')
    name++;
  for (size_t i = 0; i < sizeof peers / sizeof *peers; i++)
    if (strcmp (name, peers[i][0]) == 0)
      return peers[i][1];
  return NULL;
}

