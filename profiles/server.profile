# a server: its own host name; publish ports with the command line
include default
hostname server
