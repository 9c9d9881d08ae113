/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-cgroup.c: the parsers of the limit options, and the size in the OOM line. */
#include "build-config.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "../src/cgroup.h"
#include "tap.h"

static const struct
{
  const char *in;
  int r;
  uint64_t bytes;
} sizes[] = {
  { "0", 0, 0 },
  { "4096", 0, 4096 },
  { "512K", 0, 512ull << 10 },
  { "512m", 0, 512ull << 20 },
  { "2G", 0, 2ull << 30 },
  { "1T", 0, 1ull << 40 },
  { "", -1, 0 },
  { "G", -1, 0 },
  { "1.5G", -1, 0 },
  { "2KB", -1, 0 },
  { "-1", -1, 0 },
  { "8388608T", -1, 0 }, /* 2^63: over the kernel's signed limits */
  { "99999999999999999999", -1, 0 },
};

static const struct
{
  const char *in;
  int r;
  unsigned milli;
} cpus[] = {
  { "1", 0, 1000 },       { "1.5", 0, 1500 }, { "0.25", 0, 250 }, { "0.01", 0, 10 },
  { "1024", 0, 1024000 }, { "0.009", -1, 0 }, { "0", -1, 0 },     { "1025", -1, 0 },
  { "1.", -1, 0 },        { ".5", -1, 0 },    { "1e3", -1, 0 },   { "2.0001", -1, 0 },
};

static const struct
{
  uint64_t v;
  const char *out;
} formats[] = {
  { 2ull << 30, "2G" }, { 64ull << 20, "64M" }, { 1536ull << 20, "1536M" },
  { 1000, "1000" },     { 3ull << 40, "3T" },
};

int
main (void)
{
  size_t ns = sizeof sizes / sizeof *sizes, nc = sizeof cpus / sizeof *cpus;
  size_t nf = sizeof formats / sizeof *formats;

  tap_plan ((int) (ns + nc + nf));
  for (size_t i = 0; i < ns; i++)
    {
      uint64_t v = 0;
      int r = cgroup_parse_size (sizes[i].in, &v);

      tap_ok (r == sizes[i].r && (r < 0 || v == sizes[i].bytes), "size '%s' -> %d %" PRIu64,
              sizes[i].in, sizes[i].r, sizes[i].bytes);
    }
  for (size_t i = 0; i < nc; i++)
    {
      unsigned m = 0;
      int r = cgroup_parse_cpus (cpus[i].in, &m);

      tap_ok (r == cpus[i].r && (r < 0 || m == cpus[i].milli), "cpus '%s' -> %d %u", cpus[i].in,
              cpus[i].r, cpus[i].milli);
    }
  for (size_t i = 0; i < nf; i++)
    {
      char buf[32];

      cgroup_format_size (formats[i].v, buf, sizeof buf);
      tap_ok (strcmp (buf, formats[i].out) == 0, "%" PRIu64 " is shown as %s", formats[i].v,
              formats[i].out);
    }
  return tap_done ();
}
