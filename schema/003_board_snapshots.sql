-- Board snapshots: the whole board of an event as of seq (protocol/board_state_codec: binary,
-- private fields included), so start-up replays only the changes after the newest one instead
-- of the whole log. The log in `events` stays the source of truth: a snapshot is only a cache
-- of replaying it, and a missing or unreadable one costs time, never data. The writer keeps
-- the newest two per event (one to fall back on if the newest is unreadable). A rowid table,
-- not WITHOUT ROWID: rows are large blobs, which SQLite keeps better out of the key b-tree.
CREATE TABLE board_snapshots (
  event_slug TEXT NOT NULL,
  seq        INTEGER NOT NULL CHECK (seq > 0),
  body       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (event_slug, seq)
);
