# Firefox and Chromium: display, audio, GPU and a filtered session bus
include default
hostname browser
x11
wayland
pulseaudio
pipewire
gpu
# the session bus through a filter: portals, notifications, media keys, its own names
dbus-user filter
dbus-talk org.freedesktop.portal.*
dbus-talk org.freedesktop.Notifications
dbus-own org.mozilla.firefox.*
dbus-own org.mpris.MediaPlayer2.*
# the browsers' own sandboxes need user namespaces, setns and chroot
seccomp browser
