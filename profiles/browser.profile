# Firefox and Chromium: display, audio and GPU
include default
hostname browser
