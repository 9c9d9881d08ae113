# untrusted programs: an empty environment, no network, a throw-away home
include default
hostname untrusted
clearenv
setenv PATH /usr/local/bin:/usr/bin:/bin
setenv HOME /tmp
setenv LANG C.UTF-8
