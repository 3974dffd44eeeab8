-- Diagnoses: the read model of the Diagnosis aggregate (one row per diagnosis), rebuilt from
-- events like the others. The report is kept as JSON (it is only ever read whole); the
-- evidence stays in the events (`history`), the row keeps its digest.
CREATE TABLE IF NOT EXISTS diagnoses
(
    id              TEXT   PRIMARY KEY,
    ordinal         BIGINT NOT NULL,
    target_type     TEXT   NOT NULL,
    target_id       TEXT   NOT NULL,
    checks          TEXT   NOT NULL,
    question        TEXT,
    job_id          TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    evidence_digest TEXT,
    report          TEXT,
    duration_ms     BIGINT,
    error           TEXT,
    applied         TEXT   NOT NULL,
    version         BIGINT NOT NULL,
    created_us      BIGINT NOT NULL,
    updated_us      BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS diagnoses_ordinal ON diagnoses (ordinal);
CREATE INDEX IF NOT EXISTS diagnoses_target ON diagnoses (target_type, target_id, ordinal);
CREATE INDEX IF NOT EXISTS diagnoses_status ON diagnoses (status, ordinal);
