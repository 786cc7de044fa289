-- The system_metrics table whole: count, dump (key order), clear, idempotent load, analyze
-- (see core.registry).

-- name: count_system_metrics()$
-- Number of rows in system_metrics.
SELECT COUNT(*) FROM system_metrics;

-- name: dump_system_metrics()
-- Every row of system_metrics, in primary-key order.
SELECT metric_id, operation, duration_ms, success, error, extra, created_at
FROM system_metrics ORDER BY metric_id;

-- name: clear_system_metrics()!
-- Delete every row of system_metrics.
DELETE FROM system_metrics;

-- name: load_system_metrics*!
-- Insert rows into system_metrics, skipping those whose key exists.
INSERT INTO system_metrics (metric_id, operation, duration_ms, success, error, extra, created_at)
VALUES (:metric_id, :operation, :duration_ms, :success, :error, :extra, :created_at)
ON CONFLICT (metric_id) DO NOTHING;

-- name: analyze_system_metrics()#
-- Refresh the planner's statistics of system_metrics.
ANALYZE system_metrics;
