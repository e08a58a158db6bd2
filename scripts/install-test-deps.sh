#!/usr/bin/env bash
# Installs what the tests need on a fresh machine: Debian's packages for the real peers (as root on Debian), then
# the npm dependencies from the lock file. Elsewhere it names the packages to install by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# gmt + its GSHHG/DCW data regenerate the committed rivers file in a test (scripts/city/extract-rivers.test.ts).
debian_packages=(chromium fonts-noto-cjk gmt gmt-gshhg-full gmt-dcw)

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

npm ci --no-audit --no-fund
