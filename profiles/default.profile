# default
