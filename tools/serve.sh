#!/usr/bin/env bash
# Installs what is missing, builds boardwalk and runs it on its embedded default:
# a SQLite file (boardwalk.db) with a demo event, on http://127.0.0.1:8080/.
# Any argument is passed to boardwalk (try --help, --bind 0.0.0.0, --port 9000).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/tools/setup.sh"
cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$repo/build" --target boardwalk -j"$(nproc)"
exec "$repo/build/server/boardwalk" "$@"
