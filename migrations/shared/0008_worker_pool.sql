-- The job workers alive now, one row per worker process: its pool writes how many runners it
-- has and how many of them are running a job, every few seconds and whenever that changes,
-- and deletes its row when it stops. Any process on the database (an API instance in
-- distributed mode, where the worker is another process) sums the rows written recently;
-- a row that stopped being refreshed is a worker that died or froze and is left out, and
-- deleted after an hour. Not events: an observation, replaced with each heartbeat.
CREATE TABLE IF NOT EXISTS worker_heartbeats
(
    worker_id  TEXT   PRIMARY KEY,
    runners    BIGINT NOT NULL,
    busy       BIGINT NOT NULL,
    started_us BIGINT NOT NULL,
    seen_us    BIGINT NOT NULL
);
