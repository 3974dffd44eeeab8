-- The schedulers ask each tick only for the runs that are due (`next_run_us <= now`); this
-- index answers that without reading every check's row.
CREATE INDEX IF NOT EXISTS health_check_runs_due ON health_check_runs (next_run_us);
