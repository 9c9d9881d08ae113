# what plain sandbox uses: the built-in defaults
#
# sandbox applies this profile when no -p is given.  To change what every sandbox does,
# copy it to ~/.config/sandbox/profiles/default.profile (or /etc/sandbox/profiles/) and
# add option lines; `sandbox --print-config` shows the result.
