-- Distributed mode: how far the Kafka relay has published the global log. Advanced only
-- after the broker confirmed delivery, by the relay that holds the active-relay lock.
CREATE TABLE IF NOT EXISTS relay_checkpoints
(
    name       TEXT   PRIMARY KEY,
    tx         BIGINT NOT NULL,
    position   BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);
