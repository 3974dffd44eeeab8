-- Rate-limit rules: the read model of the RateLimitRule aggregate (one row per rule, deleted
-- rules kept with status DELETED), rebuilt from events like the others. The API reads the
-- ACTIVE rows to decide which limit applies to a request; the buckets themselves live in
-- memory or in Redis, never here.
CREATE TABLE IF NOT EXISTS rate_limit_rules
(
    id          TEXT   PRIMARY KEY,
    ordinal     BIGINT NOT NULL,
    name        TEXT   NOT NULL,
    scope       TEXT   NOT NULL,
    scope_id    TEXT,
    refill_rate DOUBLE PRECISION NOT NULL,
    capacity    BIGINT NOT NULL,
    status      TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    created_us  BIGINT NOT NULL,
    updated_us  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limit_rules_ordinal ON rate_limit_rules (ordinal);
CREATE INDEX IF NOT EXISTS rate_limit_rules_status ON rate_limit_rules (status, ordinal);
