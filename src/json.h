/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h: the one reader of json-c values, for every JSON document the sandbox reads: an
   OCI bundle's config.json and hooks, an image's index, manifest and config, the image
   store's index, the state files of named sandboxes and OCI containers.

   Two kinds of getter, one convention each:
   - strict (sb_json_get, _str, _int, _bool, _strv), for documents a specification
     defines (runtime-spec, image-spec: a field of the wrong type makes the document
     invalid): O's member KEY into *RET.  1 when it is there; 0 when O is NULL or no
     object, or KEY is absent or null (*RET untouched: it keeps the caller's default; for
     _strv it is NULL); -1 when KEY has another type, with *ERR "WHAT: KEY: expected a
     string" (WHAT names the document and the object: "config.json: process").
   - lenient (sb_json_member, _str_or, _int_or), for files of our own (state.json), where
     a value that is absent or of another type is the default.  */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sb_error;

/* Parses LEN bytes of JSON (WHAT names them in errors): one value, nothing after it, nested
   at most 64 deep, at most MAX bytes.  NULL on failure.  */
struct json_object *sb_json_parse (const char *text, size_t len, size_t max, const char *what,
                                   struct sb_error **err);
/* The file PATH parsed (json-c's reader); NULL with *ERR "WHAT: why" on failure.  */
struct json_object *sb_json_read_file (const char *path, const char *what, struct sb_error **err);

int sb_json_get (struct json_object *o, const char *key, enum json_type type, const char *what,
                 struct json_object **ret, struct sb_error **err);
int sb_json_str (struct json_object *o, const char *key, const char *what, const char **ret,
                 struct sb_error **err);
int sb_json_int (struct json_object *o, const char *key, const char *what, int64_t *ret,
                 struct sb_error **err);
int sb_json_bool (struct json_object *o, const char *key, const char *what, bool *ret,
                  struct sb_error **err);
/* An array of strings, copied, NULL-terminated; a member that is no string is an error too.  */
int sb_json_strv (struct json_object *o, const char *key, const char *what, char ***ret,
                  struct sb_error **err);

/* O's member KEY when it has TYPE (json_type_null: any type); NULL when O is NULL or no
   object, or KEY is absent, null or of another type.  */
struct json_object *sb_json_member (struct json_object *o, const char *key, enum json_type type);
/* O's member KEY when it is a string (an integer), else DFLT.  */
const char *sb_json_str_or (struct json_object *o, const char *key, const char *dflt);
int64_t sb_json_int_or (struct json_object *o, const char *key, int64_t dflt);
