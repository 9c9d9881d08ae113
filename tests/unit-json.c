/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-json.c: json.c's readers: the parser's bounds, the strict getters' three answers
   (there, absent or null, of another type with one line naming the field) and the lenient
   ones' defaults.  */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "../src/error.h"
#include "../src/json.h"
#include "../src/util.h"
#include "tap.h"

static const char doc[] = "{ \"s\": \"text\", \"i\": 42, \"b\": true, \"n\": null,"
                          "  \"o\": { \"k\": \"v\" }, \"a\": [\"x\", \"y\"], \"mixed\": [\"x\", 1],"
                          "  \"empty\": [] }";

/* R and the error's text match RC and MSG (NULL: no error) */
static void
expect (int r, struct sb_error **err, int rc, const char *msg, const char *name)
{
  tap_ok (r == rc
              && (msg == NULL
                      ? *err == NULL
                      : *err != NULL && (*err)->errnum == 0 && strcmp ((*err)->msg, msg) == 0),
          "%s: %d, %s (got %d, %s)", name, rc, msg ? msg : "no error", r,
          *err ? (*err)->msg : "no error");
  sb_error_free (err);
}

static void
parse_rows (void)
{
  static const struct
  {
    const char *text, *msg;
  } rows[] = {
    { "{}", NULL },
    { " [1, 2] \t", NULL },
    { "{} x", "t: not valid JSON: text after the value" },
    { "{\"a\": ", "t: not valid JSON: it ends early" },
    { "0123456789012345678901234567890123456789", "t: larger than 32 bytes" },
  };
  struct sb_error *err = NULL;
  char deep[200];

  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      struct json_object *o = sb_json_parse (rows[i].text, strlen (rows[i].text), 32, "t", &err);

      expect (o == NULL ? -1 : 0, &err, rows[i].msg ? -1 : 0, rows[i].msg, rows[i].text);
      json_object_put (o);
    }
  memset (deep, '[', 70);
  memset (deep + 70, ']', 70);
  tap_ok (sb_json_parse (deep, 140, 1000, "t", &err) == NULL && err != NULL,
          "nested 70 deep: refused (%s)", err ? err->msg : "no error");
  sb_error_free (&err);
}

int
main (void)
{
  struct sb_error *err = NULL;
  struct json_object *o, *v = NULL, *arr;
  const char *s = "dflt";
  int64_t i = 7;
  bool b = false;
  char **strv = NULL;

  tap_plan (36);
  parse_rows ();
  o = sb_json_parse (doc, strlen (doc), 4096, "doc", &err);
  tap_ok (o != NULL, "the document parses");

  /* strict: there */
  expect (sb_json_str (o, "s", "doc", &s, &err), &err, 1, NULL, "str there");
  tap_ok (strcmp (s, "text") == 0, "str's value");
  expect (sb_json_int (o, "i", "doc", &i, &err), &err, 1, NULL, "int there");
  tap_ok (i == 42, "int's value");
  expect (sb_json_bool (o, "b", "doc", &b, &err), &err, 1, NULL, "bool there");
  tap_ok (b, "bool's value");
  expect (sb_json_get (o, "o", json_type_object, "doc", &v, &err), &err, 1, NULL, "object there");
  /* strict: absent, null, not an object: 0 and *RET untouched */
  s = "dflt";
  expect (sb_json_str (o, "nope", "doc", &s, &err), &err, 0, NULL, "absent");
  expect (sb_json_str (o, "n", "doc", &s, &err), &err, 0, NULL, "null is absent");
  expect (sb_json_str (NULL, "s", "doc", &s, &err), &err, 0, NULL, "no object");
  arr = sb_json_member (o, "a", json_type_array);
  expect (sb_json_str (arr, "s", "doc", &s, &err), &err, 0, NULL, "an array is no object");
  tap_ok (strcmp (s, "dflt") == 0, "the default is kept");
  /* strict: another type */
  expect (sb_json_str (o, "i", "doc: x", &s, &err), &err, -1, "doc: x: i: expected a string",
          "int for a string");
  expect (sb_json_int (o, "s", "doc", &i, &err), &err, -1, "doc: s: expected an integer",
          "string for an int");
  expect (sb_json_bool (o, "i", "doc", &b, &err), &err, -1, "doc: i: expected a boolean",
          "int for a bool");
  expect (sb_json_get (o, "a", json_type_object, "doc", &v, &err), &err, -1,
          "doc: a: expected an object", "array for an object");
  /* the first error is kept */
  sb_json_int (o, "s", "first", &i, &err);
  sb_json_int (o, "s", "second", &i, &err);
  expect (-1, &err, -1, "first: s: expected an integer", "first error kept");

  /* strv */
  expect (sb_json_strv (o, "a", "doc", &strv, &err), &err, 1, NULL, "strv there");
  tap_ok (strv != NULL && strv_len (strv) == 2 && strcmp (strv[1], "y") == 0, "strv's value");
  strv_free (strv);
  expect (sb_json_strv (o, "empty", "doc", &strv, &err), &err, 1, NULL, "empty strv");
  tap_ok (strv != NULL && strv[0] == NULL, "empty strv: an empty vector");
  strv_free (strv);
  expect (sb_json_strv (o, "nope", "doc", &strv, &err), &err, 0, NULL, "strv absent");
  tap_ok (strv == NULL, "strv absent: NULL");
  expect (sb_json_strv (o, "s", "doc", &strv, &err), &err, -1,
          "doc: s: expected an array of strings", "strv: a string");
  expect (sb_json_strv (o, "mixed", "doc", &strv, &err), &err, -1,
          "doc: mixed: expected an array of strings", "strv: a number in it");

  /* lenient */
  tap_ok (sb_json_member (o, "o", json_type_object) != NULL
              && sb_json_member (o, "o", json_type_array) == NULL
              && sb_json_member (o, "o", json_type_null) != NULL
              && sb_json_member (o, "n", json_type_null) == NULL,
          "member: typed, any, null absent");
  tap_ok (strcmp (sb_json_str_or (o, "s", ""), "text") == 0
              && strcmp (sb_json_str_or (o, "i", "d"), "d") == 0
              && sb_json_str_or (NULL, "s", NULL) == NULL,
          "str_or: value or default");
  tap_ok (sb_json_int_or (o, "i", 0) == 42 && sb_json_int_or (o, "s", -1) == -1
              && sb_json_int_or (o, "nope", 3) == 3,
          "int_or: value or default");
  json_object_put (o);

  o = sb_json_read_file ("/nonexistent/unit-json.json", "f.json", &err);
  tap_ok (o == NULL && err != NULL && strncmp (err->msg, "f.json: ", 8) == 0,
          "read_file: a missing file names WHAT (%s)", err ? err->msg : "no error");
  sb_error_free (&err);
  return tap_done ();
}
