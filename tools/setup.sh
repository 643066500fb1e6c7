#!/usr/bin/env bash
# Installs what boardwalk needs on Debian 12, only what is missing.
#   tools/setup.sh          build dependencies (compiler, CMake, libraries)
#   tools/setup.sh --test   also test dependencies (Chromium, Node.js + npm packages)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(g++ cmake make pkg-config libboost1.81-dev libsqlite3-dev nlohmann-json3-dev libssl-dev
          libspdlog-dev libcli11-dev libhowardhinnant-date-dev libqrcodegencpp-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          clang libclang-rt-14-dev sqlite3)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--test" ] && [ ! -d "$repo/node_modules/playwright-core" ]; then
  echo "setup: npm ci (playwright-core drives Debian's chromium; no browser is downloaded)"
  (cd "$repo" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
