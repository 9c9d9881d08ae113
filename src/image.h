/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image.h: the launcher's side of container images: --image REF resolved to layers of the
   store and the image's defaults (a plan step, before any namespace), and the actions
   --images, --image-rm and --image-import.  Importing and removing run sandbox-image in a
   user namespace that maps the caller's subordinate ids (idmap.c).  */
#pragma once

#include <stdio.h>

struct config;
struct sb_error;
struct image_run;

/* --image: imports a source reference first (sandbox-image), then fills cfg->rootfs and
   cfg->layers with the image's layers (bottom first, under the user's --layer), and the
   command, environment, working directory and ids the image sets where the user set none.
   The layers stay locked (shared) until the launcher exits.  No-op without --image, or when
   done before.  */
int image_config_finish (struct config *cfg, struct sb_error **err);
/* --print-config: what came from the image, as profile lines.  */
void image_print_config (const struct config *cfg, FILE *f);
void image_run_free (struct image_run *r);

/* --images, --image-rm NAME, --image-import REF NAME.  */
int image_list (FILE *f, struct sb_error **err);
int image_remove (const struct config *cfg, const char *name, struct sb_error **err);
int image_import (const struct config *cfg, const char *ref, const char *name,
                  struct sb_error **err);
