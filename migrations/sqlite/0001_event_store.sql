-- Event store: the sqlite-es `events` table with a global position and event identity.
-- SQLite has a single writer, so allocation order is commit order.
CREATE TABLE IF NOT EXISTS events
(
    global_position INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate_type  TEXT    NOT NULL,
    aggregate_id    TEXT    NOT NULL,
    sequence        INTEGER NOT NULL CHECK (sequence >= 0),
    event_type      TEXT    NOT NULL,
    event_version   TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    event_id        TEXT    NOT NULL UNIQUE,
    recorded_us     INTEGER NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, sequence)
);

CREATE TABLE IF NOT EXISTS unique_claims
(
    scope TEXT NOT NULL,
    value TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (scope, value)
);

CREATE TABLE IF NOT EXISTS idempotency_keys
(
    scope_key    TEXT    PRIMARY KEY,
    request_hash TEXT    NOT NULL,
    response     TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    created_us   INTEGER NOT NULL
);
