-- The change log: one row per applied change of each event, gap-free seq per event.
-- body is the change as JSON (including private fields such as secret hashes).
CREATE TABLE events (
  slug TEXT NOT NULL,
  seq  INTEGER NOT NULL CHECK (seq > 0),
  kind TEXT NOT NULL,
  at   INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (slug, seq)
) WITHOUT ROWID;
