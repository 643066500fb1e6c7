-- Credential hashes (participant secrets, organizer codes, ticket codes) are HMAC-SHA256 under
-- a server key kept outside the database, in a key file (engine/secrets.hpp). This one row ties
-- the database to its key: key_check is an HMAC of a fixed text, so a start with another key
-- file is refused instead of silently failing every credential. The table is empty until
-- boardwalk has upgraded the plain SHA-256 hashes that older versions stored, which it does
-- in the same transaction that writes the row (app/credential_upgrade.cpp); an older boardwalk
-- refuses this schema version, so it can never add unkeyed hashes afterwards.
CREATE TABLE secret_key (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  key_check TEXT NOT NULL,
  keyed_at  INTEGER NOT NULL
);
