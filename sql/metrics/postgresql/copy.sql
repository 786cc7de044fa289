-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_system_metrics()!
-- Write rows of system_metrics with COPY, in the order of its record's fields.
COPY system_metrics (metric_id, operation, duration_ms, success, error, extra, created_at) FROM STDIN;
