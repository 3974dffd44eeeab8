-- Telemetry. The load an operator injected last is part of the Droplet and Cluster
-- aggregates' state (events DropletLoadInjected, ClusterLoadInjected), so their read models
-- keep it, as JSON; `clustergenie replay` fills it for rows written before this column.
ALTER TABLE droplets ADD COLUMN load TEXT;
ALTER TABLE clusters ADD COLUMN load TEXT;

-- Samples: observations, not events. `series` is `droplet:<id>`, `cluster:<id>:<AVG|MAX|MIN|SUM>`
-- (the cluster's droplets combined at each moment) or `cluster:<id>` (its work queue).
-- Kept for the raw retention (CLUSTERGENIE_METRICS_RETENTION_HOURS).
CREATE TABLE IF NOT EXISTS metric_samples
(
    series TEXT             NOT NULL,
    metric TEXT             NOT NULL,
    at_us  BIGINT           NOT NULL,
    value  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (series, metric, at_us)
);
CREATE INDEX IF NOT EXISTS metric_samples_time ON metric_samples (at_us);

-- One-minute and one-hour rollups of the samples (count, mean, least, greatest), kept 30
-- days: a chart reads the one that fits its range, so its cost does not grow with history.
CREATE TABLE IF NOT EXISTS metric_rollups_1m
(
    series    TEXT             NOT NULL,
    metric    TEXT             NOT NULL,
    bucket_us BIGINT           NOT NULL,
    n         BIGINT           NOT NULL,
    mean      DOUBLE PRECISION NOT NULL,
    least     DOUBLE PRECISION NOT NULL,
    greatest  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (series, metric, bucket_us)
);
CREATE INDEX IF NOT EXISTS metric_rollups_1m_time ON metric_rollups_1m (bucket_us);

CREATE TABLE IF NOT EXISTS metric_rollups_1h
(
    series    TEXT             NOT NULL,
    metric    TEXT             NOT NULL,
    bucket_us BIGINT           NOT NULL,
    n         BIGINT           NOT NULL,
    mean      DOUBLE PRECISION NOT NULL,
    least     DOUBLE PRECISION NOT NULL,
    greatest  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (series, metric, bucket_us)
);
CREATE INDEX IF NOT EXISTS metric_rollups_1h_time ON metric_rollups_1h (bucket_us);

-- Where each rollup has got to: samples before `done_until_us` are rolled up.
CREATE TABLE IF NOT EXISTS metric_rollup_marks
(
    resolution    TEXT   PRIMARY KEY,
    done_until_us BIGINT NOT NULL
);

-- The newest value of every cluster series, for the per-cluster gauges of `/metrics` that
-- any process renders; rows of clusters that stopped reporting are removed each tick.
CREATE TABLE IF NOT EXISTS metric_latest
(
    series TEXT             NOT NULL,
    metric TEXT             NOT NULL,
    label  TEXT             NOT NULL,
    at_us  BIGINT           NOT NULL,
    value  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (series, metric)
);

-- Which simulator takes the next tick: one conditional UPDATE moves `next_tick_us`
-- forward, so samples are taken once per interval however many worker processes run.
CREATE TABLE IF NOT EXISTS metric_ticks
(
    name         TEXT   PRIMARY KEY,
    next_tick_us BIGINT NOT NULL,
    runner       TEXT   NOT NULL
);
