-- Row counts of the read-model tables, in total (name = the table) and by status
-- (name = 'table.status=STATUS'), maintained by the projector in the same transaction as the
-- rows (projector/src/counts.rs), so that totalCount of an unfiltered or status-filtered list
-- needs no COUNT(*) over the table. Seeded from the tables as they are.
CREATE TABLE IF NOT EXISTS read_model_counts
(
    name TEXT   PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO read_model_counts (name, n) SELECT 'audit_log', COUNT(*) FROM audit_log;
INSERT INTO read_model_counts (name, n) SELECT 'clusters', COUNT(*) FROM clusters;
INSERT INTO read_model_counts (name, n) SELECT 'droplets', COUNT(*) FROM droplets;
INSERT INTO read_model_counts (name, n) SELECT 'jobs', COUNT(*) FROM jobs;
INSERT INTO read_model_counts (name, n)
    SELECT 'clusters.status=' || status, COUNT(*) FROM clusters GROUP BY status;
INSERT INTO read_model_counts (name, n)
    SELECT 'droplets.status=' || status, COUNT(*) FROM droplets GROUP BY status;
INSERT INTO read_model_counts (name, n)
    SELECT 'jobs.status=' || status, COUNT(*) FROM jobs GROUP BY status;
