# Firefox and Chromium: display, audio and GPU
include default
hostname browser
x11
wayland
pulseaudio
pipewire
gpu
