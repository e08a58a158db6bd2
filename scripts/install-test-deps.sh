#!/usr/bin/env bash
# Installs what the tests need on a fresh machine: Debian's packages for the real peers (as root on Debian), then
# the npm dependencies from the lock file. Elsewhere it names the packages to install by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# gmt + its GSHHG/DCW data regenerate the committed rivers file in a test (scripts/city/extract-rivers.test.ts).
# kamailio with its WebSocket modules is the real SIP server of the dispatch tests; ffmpeg makes the live camera
# streams of the video tests; the lib* packages are what the mediasoup worker (the WebRTC SFU) links against;
# faketime runs a console with its clock off (the clock-skew test).
debian_packages=(chromium fonts-noto-cjk gmt gmt-gshhg-full gmt-dcw kamailio kamailio-websocket-modules ffmpeg
  libssl3 libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 faketime)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "zhili: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "zhili: the tests need these Debian packages (or their equivalents): ${missing[*]}" >&2
    echo "zhili: install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# mediasoup's install downloads or builds its worker, which a machine that reaches only npm and Debian cannot do. A
# worker built for Debian 12 beside the checkout (../shared/tools/mediasoup-worker) is used instead when it is there;
# mediasoup is an optional dependency, so without either the install goes on and the WebRTC tests say they skip.
prebuilt_worker="$(cd .. && pwd)/shared/tools/mediasoup-worker/mediasoup-worker"
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ] && [ -x "$prebuilt_worker" ]; then
  export MEDIASOUP_WORKER_BIN="$prebuilt_worker"
fi

npm ci --no-audit --no-fund
