# development: root inside, no network; for builds and package managers
include default
uid 0
gid 0
hostname devel
