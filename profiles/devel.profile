# SPDX-License-Identifier: GPL-2.0-or-later
# development: root inside, the host tree copy-on-write, the project folder read-write, no network
include default
uid 0
gid 0
hostname devel
