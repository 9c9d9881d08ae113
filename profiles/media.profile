# a media player: display, audio and GPU, no network
include default
hostname media
