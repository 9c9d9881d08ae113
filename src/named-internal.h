/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named-internal.h: what named.c, named-list.c and named-stop.c share.  */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#define STATE_FILE "state.json"
#define STATE_MAX (1u << 20)

/* RUN_DIR/state.json, parsed; NULL when it is missing or not JSON.  */
struct json_object *named_read_state (const char *run_dir);

static inline int64_t
named_state_int (struct json_object *o, const char *key)
{
  struct json_object *v;

  return json_object_object_get_ex (o, key, &v) ? json_object_get_int64 (v) : 0;
}

static inline const char *
named_state_str (struct json_object *o, const char *key)
{
  struct json_object *v;

  return json_object_object_get_ex (o, key, &v) && json_object_is_type (v, json_type_string)
             ? json_object_get_string (v)
             : "";
}
