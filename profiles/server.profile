# SPDX-License-Identifier: GPL-2.0-or-later
# a server: its own host name; publish ports with the command line
include default
hostname server
# the network through the user-mode helper; publish ports with --publish HOSTPORT:PORT
net auto
