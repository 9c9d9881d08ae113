# an interactive shell: your own user, the host tree copy-on-write, no network
include default
hostname shell
