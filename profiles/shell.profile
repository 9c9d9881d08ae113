# SPDX-License-Identifier: GPL-2.0-or-later
# an interactive shell: your own user, the host tree copy-on-write, no network
include default
hostname shell
