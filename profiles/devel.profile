# devel
