/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-config.h: an OCI image's configuration (its config blob's "config" object) and how
   it becomes the fields of struct config.  Reusable by any front end that runs images: parse
   the JSON, look the user up in the image's own files, apply.  json-c does the parsing.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config;
struct sb_error;

/* The largest manifest, index or config blob we read into memory (json.h's sb_json_parse).  */
#define IMAGE_JSON_MAX (4u << 20)

struct image_config
{
  char **env;        /* "NAME=VALUE", in order; NULL: none */
  char **entrypoint; /* NULL: none */
  char **cmd;        /* NULL: none */
  char *workdir;     /* NULL or "": none */
  char *user;        /* NULL or "": none (root, as podman) */
  char **diff_ids;   /* rootfs.diff_ids, bottom first */
};

/* Parses an image config blob.  WHAT names it in errors.  */
int image_config_parse (const char *json, size_t len, const char *what, struct image_config *ret,
                        struct sb_error **err);
void image_config_free (struct image_config *ic);

/* The ids of an image's User ("", "name", "uid", "name:group", "uid:gid", ...): names are
   looked up in PASSWD and GROUP, the image's own /etc/passwd and /etc/group (either may be
   NULL: the image has none).  *RET_HOME: the user's home from PASSWD, or NULL.  */
int image_config_user (const char *user, FILE *passwd, FILE *group, unsigned *ret_uid,
                       unsigned *ret_gid, char **ret_home, struct sb_error **err);

/* The command: ENTRYPOINT then ARGV (the user's command) or else CMD, as `podman run IMAGE
   [COMMAND]` does.  NULL when all three are empty.  */
char **image_config_command (const struct image_config *ic, char *const *argv);

/* The command's environment before the user's --setenv/--unsetenv: the image's Env, a
   default PATH when it has none, HOME when it has none, TERM from the caller's.  */
char **image_config_env (const struct image_config *ic, const char *home);
