-- PostgreSQL's spelling of the one-operation queries of ../metrics.sql: its planner sees the
-- window's bounds and needs no hint to walk system_metrics_operation_idx.

-- name: operation_counts(since, until)
-- Per operation over [since, until): runs, failures, mean and longest duration.
SELECT operation, COUNT(*) AS count, SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       AVG(duration_ms) AS mean_ms, MAX(duration_ms) AS max_ms
FROM system_metrics
WHERE created_at >= :since AND created_at < :until
GROUP BY operation ORDER BY operation;

-- name: operation_count(operation, since, until)
-- One operation over [since, until): runs, failures, mean and longest duration (no row
-- when it never ran).
SELECT operation, COUNT(*) AS count, SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       AVG(duration_ms) AS mean_ms, MAX(duration_ms) AS max_ms
FROM system_metrics
WHERE operation = :operation AND created_at >= :since AND created_at < :until
GROUP BY operation;

-- name: duration_from_shortest(operation, since, until, skip)$
-- The duration after the `skip` shortest runs of an operation over [since, until).
SELECT duration_ms FROM system_metrics
WHERE operation = :operation AND created_at >= :since AND created_at < :until
ORDER BY duration_ms
LIMIT 1 OFFSET :skip;

-- name: duration_from_longest(operation, since, until, skip)$
-- The duration after the `skip` longest runs of an operation over [since, until).
SELECT duration_ms FROM system_metrics
WHERE operation = :operation AND created_at >= :since AND created_at < :until
ORDER BY duration_ms DESC
LIMIT 1 OFFSET :skip;

-- name: slowest_of_operation(operation, since, until, limit)
-- record_class: Metric
-- The slowest runs of one operation over [since, until), slowest first.
SELECT metric_id, operation, duration_ms, success, error, extra, created_at
FROM system_metrics
WHERE operation = :operation AND created_at >= :since AND created_at < :until
ORDER BY duration_ms DESC, metric_id
LIMIT :limit;
