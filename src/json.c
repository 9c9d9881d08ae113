/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.c: typed getters over json-c, strict for documents a specification defines, lenient
   for our own state files, and the two ways a document is read (json.h).  */
#include "build-config.h"

#include <string.h>

#include "error.h"
#include "json.h"
#include "util.h"

struct json_object *
sb_json_parse (const char *text, size_t len, size_t max, const char *what, struct sb_error **err)
{
  struct json_tokener *tok;
  struct json_object *obj;
  enum json_tokener_error e;
  size_t end;

  if (len > max || len > INT32_MAX)
    {
      sb_error_set (err, 0, "%s: larger than %zu bytes", what, max);
      return NULL;
    }
  tok = json_tokener_new_ex (64);
  if (tok == NULL)
    oom ();
  obj = json_tokener_parse_ex (tok, text, (int) len);
  e = json_tokener_get_error (tok);
  end = json_tokener_get_parse_end (tok);
  json_tokener_free (tok);
  if (obj == NULL || e != json_tokener_success)
    {
      json_object_put (obj);
      sb_error_set (err, 0, "%s: not valid JSON: %s", what,
                    e == json_tokener_continue ? "it ends early" : json_tokener_error_desc (e));
      return NULL;
    }
  for (; end < len; end++)
    if (strchr (" \t\r\n", text[end]) == NULL)
      {
        json_object_put (obj);
        sb_error_set (err, 0, "%s: not valid JSON: text after the value", what);
        return NULL;
      }
  return obj;
}

struct json_object *
sb_json_read_file (const char *path, const char *what, struct sb_error **err)
{
  struct json_object *o = json_object_from_file (path);
  const char *why;

  if (o != NULL)
    return o;
  why = json_util_get_last_err ();
  sb_error_set (err, 0, "%s: %.*s", what, why ? (int) strcspn (why, "\n") : 7,
                why ? why : "invalid");
  return NULL;
}

struct json_object *
sb_json_member (struct json_object *o, const char *key, enum json_type type)
{
  struct json_object *v = NULL;

  if (!json_object_is_type (o, json_type_object) || !json_object_object_get_ex (o, key, &v)
      || json_object_is_type (v, json_type_null))
    return NULL;
  return type == json_type_null || json_object_is_type (v, type) ? v : NULL;
}

const char *
sb_json_str_or (struct json_object *o, const char *key, const char *dflt)
{
  struct json_object *v = sb_json_member (o, key, json_type_string);

  return v != NULL ? json_object_get_string (v) : dflt;
}

int64_t
sb_json_int_or (struct json_object *o, const char *key, int64_t dflt)
{
  struct json_object *v = sb_json_member (o, key, json_type_int);

  return v != NULL ? json_object_get_int64 (v) : dflt;
}

static const char *
type_words (enum json_type type)
{
  switch (type)
    {
    case json_type_boolean:
      return "a boolean";
    case json_type_double:
      return "a number";
    case json_type_int:
      return "an integer";
    case json_type_object:
      return "an object";
    case json_type_array:
      return "an array";
    case json_type_string:
      return "a string";
    case json_type_null:
    default:
      return "a value";
    }
}

int
sb_json_get (struct json_object *o, const char *key, enum json_type type, const char *what,
             struct json_object **ret, struct sb_error **err)
{
  struct json_object *v = sb_json_member (o, key, json_type_null);

  if (v == NULL)
    return 0;
  if (type != json_type_null && !json_object_is_type (v, type))
    return sb_error_set (err, 0, "%s: %s: expected %s", what, key, type_words (type));
  *ret = v;
  return 1;
}

int
sb_json_str (struct json_object *o, const char *key, const char *what, const char **ret,
             struct sb_error **err)
{
  struct json_object *v = NULL;
  int r = sb_json_get (o, key, json_type_string, what, &v, err);

  if (r > 0)
    *ret = json_object_get_string (v);
  return r;
}

int
sb_json_int (struct json_object *o, const char *key, const char *what, int64_t *ret,
             struct sb_error **err)
{
  struct json_object *v = NULL;
  int r = sb_json_get (o, key, json_type_int, what, &v, err);

  if (r > 0)
    *ret = json_object_get_int64 (v);
  return r;
}

int
sb_json_bool (struct json_object *o, const char *key, const char *what, bool *ret,
              struct sb_error **err)
{
  struct json_object *v = NULL;
  int r = sb_json_get (o, key, json_type_boolean, what, &v, err);

  if (r > 0)
    *ret = json_object_get_boolean (v);
  return r;
}

int
sb_json_strv (struct json_object *o, const char *key, const char *what, char ***ret,
              struct sb_error **err)
{
  struct json_object *a = sb_json_member (o, key, json_type_null);
  char **v;
  size_t n;

  *ret = NULL;
  if (a == NULL)
    return 0;
  if (!json_object_is_type (a, json_type_array))
    return sb_error_set (err, 0, "%s: %s: expected an array of strings", what, key);
  n = json_object_array_length (a);
  v = xcalloc (n + 1, sizeof (char *));
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *s = json_object_array_get_idx (a, i);

      if (!json_object_is_type (s, json_type_string))
        {
          strv_free (v);
          return sb_error_set (err, 0, "%s: %s: expected an array of strings", what, key);
        }
      v[i] = xstrdup (json_object_get_string (s));
    }
  *ret = v;
  return 1;
}
