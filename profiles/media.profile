# a media player: display, audio and GPU, no network
include default
hostname media
x11
wayland
pulseaudio
pipewire
gpu
