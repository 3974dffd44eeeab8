-- Health checks. `health_checks` is the HealthCheck aggregate's read model, rebuilt from
-- events like the others; `spec` is the check's whole specification as JSON, the columns
-- before it are what lists filter on.
CREATE TABLE IF NOT EXISTS health_checks
(
    id         TEXT   PRIMARY KEY,
    ordinal    BIGINT NOT NULL,
    name       TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    target     TEXT   NOT NULL,
    enabled    BIGINT NOT NULL,
    spec       TEXT   NOT NULL,
    health     TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    created_us BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS health_checks_ordinal ON health_checks (ordinal);
CREATE INDEX IF NOT EXISTS health_checks_status ON health_checks (status, ordinal);

-- What each run of a check observed. Not events (one per check per interval, and not a
-- decision): the scheduler writes them here, uptime and the console read them, and runs
-- older than the retention are deleted. `replay` leaves this table alone.
CREATE TABLE IF NOT EXISTS health_check_results
(
    check_id    TEXT   NOT NULL,
    at_us       BIGINT NOT NULL,
    success     BIGINT NOT NULL,
    duration_us BIGINT NOT NULL,
    status      BIGINT,
    conditions  TEXT   NOT NULL,
    error       TEXT,
    PRIMARY KEY (check_id, at_us)
);
CREATE INDEX IF NOT EXISTS health_check_results_time ON health_check_results (at_us);

-- When each check runs next, and which scheduler holds it: a scheduler claims a due check
-- by moving `next_run_us` forward in one conditional UPDATE, so one run happens per interval
-- however many worker processes schedule.
CREATE TABLE IF NOT EXISTS health_check_runs
(
    check_id    TEXT   PRIMARY KEY,
    next_run_us BIGINT NOT NULL,
    runner      TEXT   NOT NULL
);
