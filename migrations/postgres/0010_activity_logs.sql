-- Activity logs: the structured records every role writes (not events; kept
-- CLUSTERGENIE_LOG_RETENTION_HOURS). `id` is the order records were stored in (batches take
-- an advisory lock, so ids commit in order and the live tail never skips one); searches run
-- newest first on (at_us, id).
CREATE TABLE IF NOT EXISTS log_records (
    id BIGSERIAL PRIMARY KEY,
    at_us BIGINT NOT NULL,
    level SMALLINT NOT NULL,
    service TEXT NOT NULL,
    instance TEXT NOT NULL,
    target TEXT NOT NULL,
    message TEXT NOT NULL,
    fields TEXT NOT NULL,
    resource_ids TEXT NOT NULL,
    correlation_id TEXT,
    trace_id TEXT
);
-- "errors of one service in the last hour": the service's time range, levels read from the
-- index itself.
CREATE INDEX IF NOT EXISTS log_records_service_at ON log_records (service, at_us DESC, id DESC) INCLUDE (level);
CREATE INDEX IF NOT EXISTS log_records_at ON log_records (at_us DESC, id DESC) INCLUDE (level);
CREATE INDEX IF NOT EXISTS log_records_correlation ON log_records (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS log_records_trace ON log_records (trace_id) WHERE trace_id IS NOT NULL;
-- Which records name a resource (a droplet, cluster, job or health check id).
CREATE TABLE IF NOT EXISTS log_resources (
    resource_id TEXT NOT NULL,
    log_id BIGINT NOT NULL,
    PRIMARY KEY (resource_id, log_id)
);
CREATE INDEX IF NOT EXISTS log_resources_log ON log_resources (log_id);
