-- System metrics: one row per timed operation (its duration, whether it succeeded, its error).

CREATE TABLE system_metrics (
    metric_id   TEXT PRIMARY KEY,
    operation   TEXT NOT NULL CHECK (operation <> ''),
    duration_ms DOUBLE PRECISION NOT NULL CHECK (duration_ms >= 0),
    success     BOOLEAN NOT NULL DEFAULT TRUE,
    error       TEXT,
    extra       json_text NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    created_at  TIMESTAMP NOT NULL
);
-- A summary of one operation walks its rows in duration order (the percentiles) and reads
-- the rest from the index alone.
CREATE INDEX system_metrics_operation_idx
    ON system_metrics (operation, duration_ms, created_at, success);
-- Windows over every operation, the slowest of all, and pruning by age.
CREATE INDEX system_metrics_created_idx ON system_metrics (created_at);
CREATE INDEX system_metrics_duration_idx ON system_metrics (duration_ms);
