#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need (ffmpeg, Chromium for the
# browser tests, GStreamer's RTSP server for the capture tests). Idempotent: it asks
# apt only for what is missing. Needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail

want=(ffmpeg)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base
         gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly)
fi

# Debian's python3 needs python3-venv for `python3 -m venv`; npm brings the front-end files.
python3 -c 'import ensurepip' 2>/dev/null || want+=(python3-venv)
command -v npm >/dev/null || want+=(npm)

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "system-deps: no apt-get; install these by hand: ${missing[*]}" >&2
  [ "${1:-}" = "--test" ] && exit 1
  exit 0  # the app still runs: ffmpeg falls back to the imageio-ffmpeg wheel
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "system-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
