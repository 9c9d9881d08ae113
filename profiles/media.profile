# a media player: display, audio, GPU and media keys, no network
include default
hostname media
x11
wayland
pulseaudio
pipewire
gpu
# the session bus through a filter: portals, and media keys (MPRIS)
dbus-user filter
dbus-talk org.freedesktop.portal.*
dbus-own org.mpris.MediaPlayer2.*
