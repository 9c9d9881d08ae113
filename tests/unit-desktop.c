/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-desktop.c: the Xauthority reader: which entry is the display's, and what the
   sandbox's one-entry file looks like.  */
#include "build-config.h"

#include <string.h>

#include "../src/desktop.h"
#include "../src/util.h"
#include "tap.h"

/* family, address, number, name, data: each field with its big-endian length */
#define LOCAL(host, hl, num, nl, c)                                                                \
  "\x01\x00\x00" hl host "\x00" nl num "\x00\x12MIT-MAGIC-COOKIE-1\x00\x02" c
#define WILD(num, nl, c) "\xff\xff\x00\x00\x00" nl num "\x00\x12MIT-MAGIC-COOKIE-1\x00\x02" c
#define OUT(num, nl, c) WILD (num, nl, c)

struct row
{
  const char *what;
  const char *file;
  size_t len;
  const char *display;
  int result;       /* desktop_xauth_extract's */
  const char *want; /* the file for the sandbox; NULL: none */
  size_t want_len;
};

#define S(s) s, sizeof s - 1

static const struct row rows[] = {
  { "this host's entry for the display", S (LOCAL ("box", "\x03", "0", "\x01", "ab")), "0", 0,
    S (OUT ("0", "\x01", "ab")) },
  { "the right display among several",
    S (LOCAL ("box", "\x03", "1", "\x01", "aa") LOCAL ("box", "\x03", "12", "\x02", "bb")
           LOCAL ("box", "\x03", "2", "\x01", "cc")),
    "2", 0, S (OUT ("2", "\x01", "cc")) },
  { "not display 12 for display 1", S (LOCAL ("box", "\x03", "12", "\x02", "bb")), "1", 0, NULL,
    0 },
  { "another host's entry is left", S (LOCAL ("other", "\x05", "0", "\x01", "aa")), "0", 0, NULL,
    0 },
  { "a FamilyWild entry is for any host", S (WILD ("0", "\x01", "ww")), "0", 0,
    S (OUT ("0", "\x01", "ww")) },
  { "an entry without a number is for every display", S (LOCAL ("box", "\x03", "", "\x00", "nn")),
    "7", 0, S (OUT ("7", "\x01", "nn")) },
  { "the first match wins",
    S (LOCAL ("box", "\x03", "0", "\x01", "11") LOCAL ("box", "\x03", "0", "\x01", "22")), "0", 0,
    S (OUT ("0", "\x01", "11")) },
  { "an empty file has no cookie", "", 0, "0", 0, NULL, 0 },
  { "a cut record is malformed",
    S ("\x01\x00\x00\x03"
       "bo"),
    "0", -1, NULL, 0 },
  { "a length past the end is malformed",
    S ("\x01\x00\x00\x03"
       "box\x00\x01"
       "0\x00\x12MIT"),
    "0", -1, NULL, 0 },
};

int
main (void)
{
  size_t n = sizeof rows / sizeof *rows;

  tap_plan ((int) n);
  for (size_t i = 0; i < n; i++)
    {
      const struct row *r = &rows[i];
      cleanup_free char *out = NULL;
      size_t len = 0;
      int got = desktop_xauth_extract (r->file, r->len, "box", r->display, &out, &len);
      int good = got == r->result
                 && (r->want == NULL
                         ? out == NULL
                         : out != NULL && len == r->want_len && memcmp (out, r->want, len) == 0);

      tap_ok (good, "%s", r->what);
    }
  return tap_done ();
}
