# an interactive shell: your own user, the host tree read-only, no network
include default
hostname shell
