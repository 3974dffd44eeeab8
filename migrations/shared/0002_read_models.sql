-- Read models built by the projector. Every row is derived from events and can be rebuilt
-- with `clustergenie replay`. The checkpoint is written in the same transaction as the rows.
CREATE TABLE IF NOT EXISTS projector_checkpoints
(
    name       TEXT   PRIMARY KEY,
    tx         BIGINT NOT NULL,
    position   BIGINT NOT NULL,
    ordinal    BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);

-- The audit index: one row per event in global order; `ordinal` is gap-free.
CREATE TABLE IF NOT EXISTS audit_log
(
    ordinal         BIGINT PRIMARY KEY,
    global_position BIGINT NOT NULL UNIQUE,
    aggregate_type  TEXT   NOT NULL,
    aggregate_id    TEXT   NOT NULL,
    sequence        BIGINT NOT NULL,
    event_type      TEXT   NOT NULL,
    event_version   TEXT   NOT NULL,
    event_id        TEXT   NOT NULL,
    actor           TEXT   NOT NULL,
    correlation_id  TEXT   NOT NULL,
    causation_id    TEXT   NOT NULL,
    payload         TEXT   NOT NULL,
    metadata        TEXT   NOT NULL,
    recorded_us     BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_aggregate ON audit_log (aggregate_type, aggregate_id, ordinal);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, ordinal);
CREATE INDEX IF NOT EXISTS audit_log_type ON audit_log (event_type, ordinal);
CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (recorded_us);

CREATE TABLE IF NOT EXISTS clusters
(
    id            TEXT   PRIMARY KEY,
    ordinal       BIGINT NOT NULL,
    name          TEXT   NOT NULL,
    region        TEXT   NOT NULL,
    labels        TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    droplet_count BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    created_us    BIGINT NOT NULL,
    updated_us    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS clusters_ordinal ON clusters (ordinal);

CREATE TABLE IF NOT EXISTS droplets
(
    id          TEXT   PRIMARY KEY,
    ordinal     BIGINT NOT NULL,
    name        TEXT   NOT NULL,
    cluster_id  TEXT,
    region      TEXT   NOT NULL,
    size        TEXT   NOT NULL,
    image       TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    ip          TEXT,
    job_id      TEXT,
    version     BIGINT NOT NULL,
    created_us  BIGINT NOT NULL,
    updated_us  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS droplets_ordinal ON droplets (ordinal);
CREATE INDEX IF NOT EXISTS droplets_status ON droplets (status, ordinal);
CREATE INDEX IF NOT EXISTS droplets_cluster ON droplets (cluster_id, ordinal);

CREATE TABLE IF NOT EXISTS jobs
(
    id               TEXT   PRIMARY KEY,
    ordinal          BIGINT NOT NULL,
    job_type         TEXT   NOT NULL,
    target_type      TEXT   NOT NULL,
    target_id        TEXT   NOT NULL,
    status           TEXT   NOT NULL,
    progress         BIGINT NOT NULL,
    stage            TEXT   NOT NULL,
    message          TEXT   NOT NULL,
    attempts         BIGINT NOT NULL,
    max_attempts     BIGINT NOT NULL,
    worker           TEXT,
    lease_expires_us BIGINT,
    not_before_us    BIGINT,
    error            TEXT,
    result           TEXT,
    timeline         TEXT   NOT NULL,
    version          BIGINT NOT NULL,
    created_us       BIGINT NOT NULL,
    updated_us       BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_ordinal ON jobs (ordinal);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, ordinal);
CREATE INDEX IF NOT EXISTS jobs_target ON jobs (target_id, ordinal);
