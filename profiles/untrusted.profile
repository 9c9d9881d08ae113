# untrusted programs: an empty environment, no network, a throw-away home
include default
hostname untrusted
clearenv
setenv PATH /usr/local/bin:/usr/bin:/bin
setenv HOME /tmp
setenv LANG C.UTF-8
# no capability, and no way to push input into the terminal (TIOCSTI) through a session
cap-drop ALL
new-session
