/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named-internal.h: what named.c, named-list.c and named-stop.c share.  */
#pragma once

#include "json.h"

#define STATE_FILE "state.json"
#define STATE_MAX (1u << 20)

/* RUN_DIR/state.json, parsed; NULL when it is missing or not JSON.  */
struct json_object *named_read_state (const char *run_dir);
