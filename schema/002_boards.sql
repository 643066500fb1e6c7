-- One row per event with its latest seq, so start-up lists events without scanning the log.
CREATE TABLE boards (
  slug       TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  last_seq   INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO boards (slug, created_at, last_seq)
  SELECT slug, MIN(at), MAX(seq) FROM events GROUP BY slug;
