#!/usr/bin/env bash
# The full memory soak (docs/reliability.md, "Memory under connection churn"): 500,000
# connection cycles against a fresh server, whose RSS after the first 20,000 cycles and at the
# end must be within 10 %. Bounded: every phase has a timeout and the whole run --deadline.
# Records the machine, the commit, the command, the table and the JSON under bench/out/.
#
#   bench/soak.sh                       # 500,000 cycles (about 10 minutes on the 2-core VM)
#   CYCLES=100000 bench/soak.sh         # shorter
#   MALLOC_ARENA_MAX=1 bench/soak.sh    # the environment reaches the server (and the tool)
#
# Environment: BUILD (default build/), SERVER, SOAK, CYCLES (500000), SERVER_CPU (0),
# CLIENT_CPU (1), OUT (output directory), SOAK_ARGS (extra boardwalk-soak flags), KEEP_WORK=1
# keeps the database and the full server log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER=${SERVER:-$BUILD/server/boardwalk}
SOAK=${SOAK:-$BUILD/tools/crashtest/boardwalk-soak}
CYCLES=${CYCLES:-500000}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
SOAK_ARGS=${SOAK_ARGS:-}
OUT=${OUT:-$ROOT/bench/out/soak-$(date -u +%Y%m%dT%H%M%SZ)}

for bin in "$SERVER" "$SOAK"; do
  [[ -x $bin ]] || { echo "missing $bin (build first: cmake --build $BUILD --target boardwalk boardwalk-soak)" >&2; exit 2; }
done
mkdir -p "$OUT"

# The tool starts the server as its child; taskset on the tool pins both, so the server is
# moved to its own CPU as soon as the tool prints its pid.
CMD="taskset -c $CLIENT_CPU $SOAK --server $SERVER --cycles $CYCLES --baseline 20000 --report-every 50000 --pool 2000 --concurrency 64 --idle-timeout 2 --max-growth-pct 10 --deadline 3000 --work-dir $OUT/work $SOAK_ARGS"
echo "== $CMD" >&2
set +e
# shellcheck disable=SC2086
$CMD >"$OUT/soak.json" 2> >(while IFS= read -r line; do
  printf '%s\n' "$line" >&2
  printf '%s\n' "$line" >>"$OUT/soak.log"
  if [[ $line =~ ^server\ pid\ ([0-9]+) ]]; then taskset -pc "$SERVER_CPU" "${BASH_REMATCH[1]}" >/dev/null; fi
done)
rc=$?
set -e
sleep 0.2
{
  echo "# boardwalk memory soak"
  echo
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (working tree modified)')"
  echo "- machine: $(hostname), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- environment: MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
  echo "- exit status: $rc"
  echo
  echo '```'
  echo "$CMD"
  echo '```'
  echo
  echo '```'
  grep -v '^  \.\.\.' "$OUT/soak.log"
  echo '```'
} >"$OUT/summary.md"
# The server logs two lines per connection at the default level (about 80 MB here): keep the
# start and the end of it.
if [[ -f $OUT/work/server.log ]]; then
  { head -n 20 "$OUT/work/server.log"; echo "..."; tail -n 20 "$OUT/work/server.log"; } >"$OUT/server.log.excerpt"
fi
[[ -n ${KEEP_WORK:-} ]] || rm -rf "$OUT/work"
echo "results: $OUT/summary.md" >&2
exit "$rc"
