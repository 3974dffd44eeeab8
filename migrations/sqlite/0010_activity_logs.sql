-- Activity logs: the structured records every role writes (not events; kept
-- CLUSTERGENIE_LOG_RETENTION_HOURS). `id` is the order records were stored in (SQLite has
-- one writer, so ids commit in order); searches run newest first on (at_us, id).
CREATE TABLE IF NOT EXISTS log_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE INDEX IF NOT EXISTS log_records_service_at ON log_records (service, at_us DESC, id DESC, level);
CREATE INDEX IF NOT EXISTS log_records_at ON log_records (at_us DESC, id DESC, level);
CREATE INDEX IF NOT EXISTS log_records_correlation ON log_records (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS log_records_trace ON log_records (trace_id) WHERE trace_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS log_resources (
    resource_id TEXT NOT NULL,
    log_id BIGINT NOT NULL,
    PRIMARY KEY (resource_id, log_id)
);
CREATE INDEX IF NOT EXISTS log_resources_log ON log_resources (log_id);
