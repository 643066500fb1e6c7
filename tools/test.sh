#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: unit tests (domain,
# protocol, storage, engine, tools), integration tests against the real binary, a short
# fuzz run when clang is available, and the browser tests in headless Chromium.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/tools/setup.sh" --test
cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$repo/build" -j"$(nproc)"
# Short fuzz run (4 x 20 s) of the libFuzzer targets in a small clang build (build-fuzz/).
"$repo/tools/fuzz.sh" 20
cd "$repo/build"
exec ctest --output-on-failure --timeout 600 -j2
