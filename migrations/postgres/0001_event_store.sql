-- Event store: the postgres-es `events` table, extended with columns Postgres fills itself.
CREATE TABLE IF NOT EXISTS events
(
    aggregate_type  text                         NOT NULL,
    aggregate_id    text                         NOT NULL,
    sequence        bigint CHECK (sequence >= 0) NOT NULL,
    event_type      text                         NOT NULL,
    event_version   text                         NOT NULL,
    payload         jsonb                        NOT NULL,
    metadata        jsonb                        NOT NULL,
    -- strictly increasing allocation order
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    -- the writing transaction; readers only read below the oldest running one
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_global_position ON events (global_position);
CREATE INDEX IF NOT EXISTS events_global_order ON events (transaction_id, global_position);
CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id);

-- Write-side uniqueness (cluster names, live droplet names), changed in the same
-- transaction as the events that claim or release a value.
CREATE TABLE IF NOT EXISTS unique_claims
(
    scope text NOT NULL,
    value text NOT NULL,
    owner text NOT NULL,
    PRIMARY KEY (scope, value)
);

-- The first response to each idempotency key, written with the events it produced.
CREATE TABLE IF NOT EXISTS idempotency_keys
(
    scope_key    text   PRIMARY KEY,
    request_hash text   NOT NULL,
    response     text   NOT NULL,
    position     bigint NOT NULL,
    created_us   bigint NOT NULL
);
