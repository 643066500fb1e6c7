#!/usr/bin/env bash
# Restart benchmark with board snapshots: like restart_1m.sh (N stored changes on the demo
# event, time from start to the first snapshot served by GET /api/events/demo), but the
# database is left by a running boardwalk, as in production: after the N changes are imported,
# boardwalk starts once (storing a board snapshot) and stops cleanly; then TAIL more changes
# are appended behind its back, as if it had been killed (-9) TAIL changes after its last
# snapshot. TAIL = 0 is a restart after a clean stop; TAIL = snapshot interval - 1 (49999 by
# default, EngineOptions::snapshot_interval) is the worst case after a kill.
#   bench/restart_1m_snapshots.sh [BOARDWALK_BINARY] [N] [TAIL]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$repo/build/server/boardwalk}"
n="${2:-1000000}"
tail_n="${3:-49999}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

serve() {  # serve LOG: starts boardwalk on the database, waits until it listens; sets pid
  "$bin" --db "$dir/m.db" --port 0 > "$1" 2>&1 &
  pid=$!
  until grep -q "listening on" "$1"; do sleep 0.01; done
}
append() {  # append COUNT: vote_added / vote_removed by participant 1 on topic 3, alternating
  python3 - "$dir/m.db" "$1" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
seq = db.execute("select max(seq) from events where slug='demo'").fetchone()[0]
voted = db.execute("select kind from events where slug='demo' and seq=?", (seq,)).fetchone()[0] == "vote_added"
def rows():
    for i in range(n):
        kind = "vote_removed" if (i % 2 == 0) == voted else "vote_added"
        body = {"type": "change", "event": "demo", "seq": seq + 1 + i, "kind": kind, "actor": 1,
                "at": "2026-11-25T12:00:00Z", "topic_id": 3, "participant_id": 1}
        yield ("demo", seq + 1 + i, kind, 1795000000, json.dumps(body, separators=(",", ":")))
db.executemany("insert into events(slug,seq,kind,at,body) values(?,?,?,?,?)", rows())
db.execute("update boards set last_seq=(select max(seq) from events where slug='demo') where slug='demo'")
db.commit()
PY
}

# 1. Let boardwalk create the demo event (participant 1 has not voted on topic 3), then stop it.
serve "$dir/first.log"; kill "$pid"; wait "$pid" || true
# 2. N changes, then one run of boardwalk over them: it stores a board snapshot, stops cleanly.
append "$n"
serve "$dir/warm.log"; kill "$pid"; wait "$pid" || true
# 3. The changes a killed server would have stored after its last snapshot.
if [ "$tail_n" -gt 0 ]; then append "$tail_n"; fi
python3 -c "
import sqlite3; db = sqlite3.connect('$dir/m.db')
print('stored changes', db.execute('select max(seq) from events').fetchone()[0],
      '| newest snapshot at seq', db.execute('select max(seq) from board_snapshots').fetchone()[0])"
# 4. Time a restart until the first snapshot is served.
start=$(date +%s.%N)
serve "$dir/second.log"
port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$dir/second.log" | grep -o '[0-9]*$')
curl -sf -o "$dir/snapshot.json" "http://127.0.0.1:$port/api/events/demo"
end=$(date +%s.%N)
kill "$pid"; wait "$pid" || true
python3 -c "import json,sys; s=json.load(open('$dir/snapshot.json')); print('snapshot seq', s['seq'])"
echo "first snapshot $(python3 -c "print(round($end - $start, 3))") s after start, with $n + $tail_n stored changes"
