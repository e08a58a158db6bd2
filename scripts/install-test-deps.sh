#!/usr/bin/env bash
# Installs what the tests need on a fresh machine: Debian's packages for the real peers (as root on Debian), then
# the npm dependencies from the lock file. Elsewhere it names the packages to install by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# gmt + its GSHHG/DCW data regenerate the committed rivers file in a test (scripts/city/extract-rivers.test.ts).
# kamailio with its WebSocket modules is the real SIP server of the dispatch tests; ffmpeg makes the live camera
# streams of the video tests; the lib* packages are what the mediasoup worker (the WebRTC SFU) links against;
# faketime runs a console with its clock off (the clock-skew test). PostgreSQL, Redis and Mosquitto (with its
# clients) are the real engines a centre's backend nodes use, and the backend's tests run against them.
debian_packages=(chromium fonts-noto-cjk gmt gmt-gshhg-full gmt-dcw kamailio kamailio-websocket-modules ffmpeg
  libssl3 libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 faketime postgresql redis-server mosquitto mosquitto-clients)

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

# The services the tests connect to on their standard loopback ports: started here when they are not answering (a
# fresh machine, or a container where the packages' own service units do not run). A PostgreSQL this script has just
# installed trusts loopback connections for the tests, as it does on this project's machines (the tests create and
# drop their own databases); one that was there before is never reconfigured.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start_service() {
  local name=$1 port=$2
  shift 2
  listening "$port" && return 0
  echo "zhili: starting $name for the tests (127.0.0.1:$port)"
  "$@" || true
  for _ in $(seq 1 100); do listening "$port" && return 0; sleep 0.1; done
  echo "zhili: $name did not start on 127.0.0.1:$port; the tests that use it will fail" >&2
}
if [ "$(id -u)" = 0 ]; then
  pg_version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -n "$pg_version" ]; then
    hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
    if [[ " ${missing[*]} " == *" postgresql "* ]] && ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload 2>/dev/null || true
    fi
    start_service PostgreSQL 5432 pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
  fi
  start_service Redis 6379 redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  start_service Mosquitto 1883 mosquitto -d -c /etc/mosquitto/mosquitto.conf
fi

# mediasoup's install downloads or builds its worker, which a machine that reaches only npm and Debian cannot do. A
# worker built for Debian 12 beside the checkout (../shared/tools/mediasoup-worker) is used instead when it is there;
# mediasoup is an optional dependency, so without either the install goes on and the WebRTC tests say they skip.
prebuilt_worker="$(cd .. && pwd)/shared/tools/mediasoup-worker/mediasoup-worker"
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ] && [ -x "$prebuilt_worker" ]; then
  export MEDIASOUP_WORKER_BIN="$prebuilt_worker"
fi

npm ci --no-audit --no-fund
