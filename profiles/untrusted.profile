# SPDX-License-Identifier: GPL-2.0-or-later
# untrusted programs: an empty environment, no network, a throw-away home
include default
hostname untrusted
clearenv
setenv PATH /usr/local/bin:/usr/bin:/bin
setenv HOME ${HOME}
setenv LANG C.UTF-8
# an empty home (no ~/.ssh, no browser profiles), nothing of the host written
home private
no-bind-cwd
# no capability, and no way to push input into the terminal (TIOCSTI) through a session
cap-drop ALL
new-session
