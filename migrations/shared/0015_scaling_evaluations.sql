-- The autoscaler's working state per scaling policy (not events, not a read model): which
-- evaluator runs the policy next and when (`next_us`, claimed like health-check runs, so one
-- evaluation per interval however many workers evaluate), the latest evaluation (JSON,
-- `lastEvaluation`, also when it changed nothing) and the recent raw recommendations the
-- stabilization windows look back over (JSON list of {at, desired}).
CREATE TABLE IF NOT EXISTS scaling_evaluations
(
    policy_id       TEXT   PRIMARY KEY,
    next_us         BIGINT NOT NULL,
    runner          TEXT   NOT NULL,
    evaluation      TEXT,
    recommendations TEXT   NOT NULL DEFAULT '[]'
);
