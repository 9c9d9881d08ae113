/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-idmap.c: subuid parsing and the map layout. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "../src/idmap.h"
#include "tap.h"

static const char subuid[] = "# comment\n"
                             "ann:100000:65536\n"
                             "bob:200000:10\n"
                             "1000:300000:5\n"
                             "bad line\n"
                             "ann:x:5\n"
                             "ann:500000:0\n"
                             "ann:600000:100";

struct row
{
  unsigned inside, outside;
  struct idmap_range ranges[2];
  size_t n;
  const char *want;
};

static const struct row rows[] = {
  { 1000, 1000, { { 0, 0 } }, 0, "1000 1000 1\n" },
  { 0, 1000, { { 100000, 65536 } }, 1, "1 100000 65536\n0 1000 1\n" },
  { 1000, 1000, { { 100000, 65536 } }, 1, "0 100000 1000\n1001 101000 64536\n1000 1000 1\n" },
  { 5,
    1000,
    { { 100000, 3 }, { 200000, 4 } },
    2,
    "0 100000 3\n3 200000 2\n6 200002 2\n5 1000 1\n" },
  { 4294967294u, 1000, { { 100000, 10 } }, 1, "0 100000 10\n4294967294 1000 1\n" },
};

int
main (void)
{
  struct idmap_range *r = NULL;
  size_t n;

  tap_plan (4 + (int) (sizeof rows / sizeof *rows));
  n = idmap_parse_subid (subuid, "ann", 1001, &r);
  tap_ok (n == 2 && r[0].start == 100000 && r[0].count == 65536 && r[1].start == 600000,
          "ann's two good ranges are found, bad lines skipped");
  free (r);
  n = idmap_parse_subid (subuid, "carl", 1000, &r);
  tap_ok (n == 1 && r[0].start == 300000 && r[0].count == 5, "a range is found by uid");
  free (r);
  n = idmap_parse_subid (subuid, "dave", 1002, &r);
  tap_ok (n == 0, "no range for a user without one");
  free (r);
  n = idmap_parse_subid ("", NULL, 1, &r);
  tap_ok (n == 0, "an empty file has no ranges");
  free (r);
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      char *got = idmap_build (rows[i].inside, rows[i].outside, rows[i].ranges, rows[i].n);
      tap_ok (strcmp (got, rows[i].want) == 0, "map for inside %u with %zu ranges", rows[i].inside,
              rows[i].n);
      free (got);
    }
  return tap_done ();
}
