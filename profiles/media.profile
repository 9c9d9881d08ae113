# SPDX-License-Identifier: GPL-2.0-or-later
# a media player: display, audio, GPU and media keys, no network
include default
hostname media
# an empty home; the music and videos read-only
home private
no-bind-cwd
ro-bind-try ${HOME}/Music
ro-bind-try ${HOME}/Videos
x11
wayland
pulseaudio
pipewire
gpu
# the session bus through a filter: portals, and media keys (MPRIS)
dbus-user filter
dbus-talk org.freedesktop.portal.*
dbus-own org.mpris.MediaPlayer2.*
