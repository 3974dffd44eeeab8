-- Scaling policies: the read model of the ScalingPolicy aggregate (one row per policy,
-- deleted policies kept with status DELETED), rebuilt from events like the others. `spec` is
-- the policy's whole specification as JSON; the columns before it are what lists filter on.
CREATE TABLE IF NOT EXISTS scaling_policies
(
    id         TEXT   PRIMARY KEY,
    ordinal    BIGINT NOT NULL,
    cluster_id TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    mode       TEXT   NOT NULL,
    metric     TEXT   NOT NULL,
    spec       TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    created_us BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS scaling_policies_ordinal ON scaling_policies (ordinal);
CREATE INDEX IF NOT EXISTS scaling_policies_status ON scaling_policies (status, ordinal);
CREATE INDEX IF NOT EXISTS scaling_policies_cluster ON scaling_policies (cluster_id, ordinal);
