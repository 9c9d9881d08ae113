# SPDX-License-Identifier: GPL-2.0-or-later
# what plain sandbox uses: the built-in defaults, and secrets hidden
#
# sandbox applies this profile when no -p is given, and every shipped profile includes it.
# To change what every sandbox does, copy it to ~/.config/sandbox/profiles/default.profile
# (or /etc/sandbox/profiles/) and add option lines; `sandbox --print-config` shows the result.
#
# The home is copy-on-write: a sandbox reads what you can read.  These hold keys, tokens,
# passwords and browser sessions, which a program needs only when you give them to it
# (--ro-bind ~/.ssh covers its mask): they are empty and unreadable, as firejail hides them.
mask ${HOME}/.ssh
mask ${HOME}/.gnupg
mask ${HOME}/.local/share/keyrings
mask ${HOME}/.password-store
mask ${HOME}/.pki
mask ${HOME}/.netrc
mask ${HOME}/.git-credentials
mask ${HOME}/.aws
mask ${HOME}/.kube
mask ${HOME}/.docker
mask ${HOME}/.config/gh
mask ${HOME}/.mozilla
mask ${HOME}/.thunderbird
mask ${HOME}/.config/chromium
mask ${HOME}/.config/google-chrome
mask ${HOME}/.config/BraveSoftware
