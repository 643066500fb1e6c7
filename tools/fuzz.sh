#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and runs each for SECONDS
# (default 20) on the seed corpus in tests/fuzz/corpus/. New inputs go to a scratch corpus, not
# into the repository. Exits non-zero if a fuzzer finds a crash (the input is kept in
# build-fuzz/crashes/). docs/reliability.md has the figures of longer runs.
#   tools/fuzz.sh [SECONDS] [TARGET...]      TARGET: fuzz_decode, fuzz_board, fuzz_snapshot,
#                                            fuzz_event_file (default all)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_decode fuzz_board fuzz_snapshot fuzz_event_file)
build="$repo/build-fuzz"
cxx="$(command -v clang++ || command -v clang++-14 || true)"
if [ -z "$cxx" ]; then
  echo "fuzz: clang++ not found (tools/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
cmake -S "$repo" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBOARDWALK_FUZZ=ON -DBOARDWALK_SANITIZE=address -DBOARDWALK_WERROR=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null
mkdir -p "$build/crashes"
status=0
for t in "${targets[@]}"; do
  seeds="$repo/tests/fuzz/corpus/${t#fuzz_}"
  scratch="$build/corpus/${t#fuzz_}"
  mkdir -p "$scratch"
  log="$build/$t.log"
  echo "fuzz: $t for ${seconds}s (seeds $seeds)"
  if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
       -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" "$scratch" "$seeds" >"$log" 2>&1; then
    echo "fuzz: $t FAILED, see $log and $build/crashes/" >&2
    tail -n 40 "$log" >&2
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|^#[0-9]+ +DONE" "$log" | sed "s/^/fuzz: $t: /" || true
done
exit $status
