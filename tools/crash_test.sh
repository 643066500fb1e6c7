#!/usr/bin/env bash
# Crash safety, the full run: kill -9 the real server at 20 random moments (or as many as
# asked) under a steady stream of acknowledged changes from 16 clients, restart it on the same
# database each time, and check every acknowledged change, seq gap-free, integrity_check ok.
# Loopback only, bounded (--deadline), exits non-zero on any loss. docs/reliability.md.
#   tools/crash_test.sh [boardwalk-crashtest options, e.g. --kills 50 --seed 7]
# The test command runs a 5-kill version (CTest: crash_safety_5_kills).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target boardwalk boardwalk-crashtest >/dev/null
# Defaults: --kills 20 --clients 16 --window 4 --min-ms 100 --max-ms 2000 --deadline 900.
exec "$build/tools/crashtest/boardwalk-crashtest" --server "$build/server/boardwalk" "$@"
