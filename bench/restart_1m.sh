#!/usr/bin/env bash
# Restart benchmark: a database with 1,000,000 stored changes on the demo event; measures the
# time from starting boardwalk to its first snapshot (GET /api/events/demo) answered.
#   bench/restart_1m.sh [BOARDWALK_BINARY] [N]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$repo/build/server/boardwalk}"
n="${2:-1000000}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# 1. Let boardwalk create the demo event, then stop it.
"$bin" --db "$dir/m.db" --port 0 > "$dir/first.log" 2>&1 &
pid=$!
until grep -q "listening on" "$dir/first.log"; do sleep 0.05; done
kill "$pid"; wait "$pid" || true
# 2. Append N valid changes (alternating vote_added / vote_removed by participant 1 on topic 3).
python3 - "$dir/m.db" "$n" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
seq = db.execute("select max(seq) from events where slug='demo'").fetchone()[0]
def rows():
    for i in range(n):
        kind = "vote_added" if i % 2 == 0 else "vote_removed"
        body = {"type": "change", "event": "demo", "seq": seq + 1 + i, "kind": kind, "actor": 1,
                "at": "2026-11-25T12:00:00Z", "topic_id": 3, "participant_id": 1}
        yield ("demo", seq + 1 + i, kind, 1795000000, json.dumps(body, separators=(",", ":")))
db.executemany("insert into events(slug,seq,kind,at,body) values(?,?,?,?,?)", rows())
db.execute("update boards set last_seq=? where slug='demo'", (seq + n,))
db.commit()
PY
# 3. Time a restart until the first snapshot is served.
start=$(date +%s.%N)
"$bin" --db "$dir/m.db" --port 0 > "$dir/second.log" 2>&1 &
pid=$!
until grep -q "listening on" "$dir/second.log"; do sleep 0.01; done
port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$dir/second.log" | grep -o '[0-9]*$')
curl -sf -o "$dir/snapshot.json" "http://127.0.0.1:$port/api/events/demo"
end=$(date +%s.%N)
kill "$pid"; wait "$pid" || true
python3 -c "import json,sys; s=json.load(open('$dir/snapshot.json')); print('snapshot seq', s['seq'])"
echo "first snapshot $(python3 -c "print(round($end - $start, 3))") s after start, with $n stored changes"
