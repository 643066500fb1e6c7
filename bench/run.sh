#!/usr/bin/env bash
# Runs the standard boardwalk load scenarios against a fresh server per scenario, with the
# server and the load generator pinned to different cores, and records the machine, the commit,
# the exact commands and every figure (one JSON per scenario + summary.md) under bench/out/.
#
#   bench/run.sh                 # standard scenarios (about 4 minutes)
#   SCALE=quick bench/run.sh     # small smoke run (about 1 minute)
#   ONLY="fanout-2000 idle-10000" bench/run.sh
#   ONLY="bigboard-5mib bigboard-2000" bench/run.sh   # big boards: load time, server peak memory
#
# Environment: BUILD (default build/), SERVER, LOADGEN, SERVER_CPU (0), LOADGEN_CPU (1),
# EVENT (demo), SERVER_ARGS (extra server flags), OUT (output directory), KEEP_DB=1 keeps the databases.
# The load generator gets the event's organizer code (from the server's first-start output, in
# BOARDWALK_ORGANIZER_CODE, so that it stays out of the recorded commands) and lifts the caps on
# topics per participant: its senders propose far more than one person may.
# Limits of this machine: 2 cores, 20,000 files per process (hard), so one server process holds
# at most about 19,900 connections; a scenario that needs more (idle-30000) is skipped with the
# reason in summary.md, and runs where the hard limit allows it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER=${SERVER:-$BUILD/server/boardwalk}
LOADGEN=${LOADGEN:-$BUILD/tools/loadgen/boardwalk-loadgen}
SERVER_CPU=${SERVER_CPU:-0}
LOADGEN_CPU=${LOADGEN_CPU:-1}
EVENT=${EVENT:-demo}
SERVER_ARGS=${SERVER_ARGS:-}
SCALE=${SCALE:-standard}
OUT=${OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)}

for bin in "$SERVER" "$LOADGEN"; do
  [[ -x $bin ]] || { echo "missing $bin (build first: cmake --build $BUILD)" >&2; exit 2; }
done
mkdir -p "$OUT"

# name | loadgen arguments (mode first). Two source addresses keep each below the port range,
# and each big scenario has its own pair: the sockets of the one before linger in TIME_WAIT for
# a minute, and sharing their addresses made connecting take 30 s instead of 1.
if [[ $SCALE == quick ]]; then
  SCENARIOS=(
    "idle-2000|idle --clients 2000 --hold 2"
    "fanout-2000|fanout --clients 2000 --senders 20 --rate 200 --duration 5"
    "ingest-100|ingest --clients 100 --senders 50 --window 4 --duration 5"
    "reconnect-2000|reconnect --clients 2000 --rate 50 --reconnect-window 1"
  )
else
  SCENARIOS=(
    "idle-2000|idle --clients 2000 --hold 3"
    "idle-10000|idle --clients 10000 --hold 3 --source-addrs 127.0.0.2,127.0.0.3"
    "idle-19000|idle --clients 19000 --hold 3 --source-addrs 127.0.0.4,127.0.0.5"
    "idle-30000|idle --clients 30000 --hold 3 --source-addrs 127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11"
    "fanout-2000|fanout --clients 2000 --senders 20 --rate 200 --duration 15"
    "fanout-10000|fanout --clients 10000 --senders 50 --rate 200 --duration 15 --source-addrs 127.0.0.6,127.0.0.7"
    "ingest-100|ingest --clients 100 --senders 100 --window 4 --duration 10"
    "reconnect-2000|reconnect --clients 2000 --rate 50 --reconnect-window 1"
    "bigboard-5mib|bigboard --clients 1 --board-bytes 5242880"
    "bigboard-2000|bigboard --clients 2000 --board-bytes 2097152 --connect-concurrency 2000"
  )
fi

SPID=""
stop_server() {
  if [[ -n $SPID ]] && kill -0 "$SPID" 2>/dev/null; then
    kill -TERM "$SPID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SPID" 2>/dev/null || true
  fi
  SPID=""
}
trap stop_server EXIT

start_server() {  # $1 = scenario name; sets SPID, PORT and ORGANIZER_CODE
  local log="$OUT/$1.server.log"
  rm -f "$OUT/$1.db" "$OUT/$1.db-wal" "$OUT/$1.db-shm"
  # Load generators send far faster than a person, and create more participants from one
  # address than a venue: lift the per-person request limits and the joins per address.
  SERVER_CMD="taskset -c $SERVER_CPU $SERVER --bind 127.0.0.1 --port 0 --db $OUT/$1.db --web-root $ROOT/web --rate-per-connection 0 --rate-per-participant 0 --joins-per-second-per-ip 0 $SERVER_ARGS"
  # shellcheck disable=SC2086
  $SERVER_CMD >"$log" 2>&1 &
  SPID=$!
  PORT=""
  for _ in $(seq 200); do
    PORT=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" | head -1 | sed 's/.*://') || true
    if [[ -n $PORT ]]; then
      # Printed before "listening on", for the new event of a fresh database.
      ORGANIZER_CODE=$(grep -o "organizer link for '$EVENT': [^ ]*#code=[A-Za-z0-9_-]*" "$log" | sed 's/.*#code=//') || true
      [[ -n $ORGANIZER_CODE ]] && return 0
      echo "the server printed no organizer link for '$EVENT' in $log" >&2
      break
    fi
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start for $1; log:" >&2
  cat "$log" >&2
  exit 1
}

{
  echo "# boardwalk benchmark run"
  echo
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (working tree modified)')"
  echo "- machine: $(hostname), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "- files per process: soft $(ulimit -Sn), hard $(ulimit -Hn); ephemeral ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"
  echo "- server on CPU $SERVER_CPU, load generator on CPU $LOADGEN_CPU (taskset)"
  echo
} >"$OUT/summary.md"

for entry in "${SCENARIOS[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  if [[ -n ${ONLY:-} && " $ONLY " != *" $name "* ]]; then continue; fi
  # Both processes need a descriptor per client (plus a few): skip, and say so, where the hard
  # limit is lower (20,000 on the machine these results come from).
  clients=$(grep -o -- '--clients [0-9]*' <<<"$args" | cut -d' ' -f2)
  if [[ -n $clients && $(ulimit -Hn) != unlimited ]] && (( $(ulimit -Hn) < clients + 100 )); then
    echo "== $name: skipped: needs $((clients + 100)) open files per process, the hard limit here is $(ulimit -Hn)" >&2
    printf '## %s (skipped)\n\nNeeds %s open files per process (server and load generator each); the hard limit here is %s.\n\n' \
      "$name" "$((clients + 100))" "$(ulimit -Hn)" >>"$OUT/summary.md"
    continue
  fi
  # Closed connections of the scenario before stay in TIME_WAIT for a minute, in the same kernel
  # tables every loopback packet is looked up in: 20,000 of them cost fanout-10000 a sixth of its
  # frame rate. So each scenario starts once they are gone (at most 65 s).
  TW_WAIT=0
  while (( TW_WAIT < 65 )) && (( $(ss -Htan state time-wait | wc -l) > 1000 )); do sleep 1; TW_WAIT=$((TW_WAIT + 1)); done
  TW_LEFT=$(ss -Htan state time-wait | wc -l)
  start_server "$name"
  sleep 0.5
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  mode=${args%% *}
  rest=${args#* }
  LG_CMD="taskset -c $LOADGEN_CPU $LOADGEN $mode --port $PORT --event $EVENT --server-pid $SPID $rest"
  echo "== $name: $LG_CMD" >&2
  set +e
  # shellcheck disable=SC2086
  BOARDWALK_ORGANIZER_CODE=$ORGANIZER_CODE timeout 600 $LG_CMD >"$OUT/$name.json" 2>"$OUT/$name.log"
  rc=$?
  set -e
  tail -n 40 "$OUT/$name.log" | sed -n '/== boardwalk-loadgen/,$p' >&2
  {
    echo "## $name (exit $rc)"
    echo
    echo "load average before the run: $LOAD_BEFORE (other work on this machine shows up here);" \
      "waited ${TW_WAIT} s for earlier connections' TIME_WAIT to end ($TW_LEFT left)"
    echo
    echo '```'
    echo "server:  $SERVER_CMD"
    echo "loadgen: BOARDWALK_ORGANIZER_CODE=<code of the server's organizer link> $LG_CMD"
    echo '```'
    echo
    echo '```'
    sed -n '/== boardwalk-loadgen/,$p' "$OUT/$name.log" | grep -v '^  setup'
    echo '```'
    echo
  } >>"$OUT/summary.md"
  stop_server
  [[ -n ${KEEP_DB:-} ]] || rm -f "$OUT/$name.db" "$OUT/$name.db-wal" "$OUT/$name.db-shm"
done

echo "results: $OUT/summary.md" >&2
