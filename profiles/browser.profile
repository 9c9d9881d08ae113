# SPDX-License-Identifier: GPL-2.0-or-later
# Firefox and Chromium: display, audio, GPU and a filtered session bus
include default
hostname browser
# an empty home but for the browsers' own folders (kept, made on the first run) and Downloads
whitelist ${HOME}/.mozilla
# Firefox 140 and later (Debian 12's firefox-esr too) starts new profiles in ~/.config/mozilla
whitelist ${HOME}/.config/mozilla
whitelist ${HOME}/.config/chromium
# their caches: pages and scripts once fetched, kept as on the host
whitelist ${HOME}/.cache/mozilla
whitelist ${HOME}/.cache/chromium
whitelist ${XDG_DOWNLOAD_DIR}
no-bind-cwd
# the network through the user-mode helper (pasta, else slirp4netns); no host loopback
net auto
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
