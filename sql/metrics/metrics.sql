-- Summaries, the slowest runs, pruning. Percentiles are exact and the same on both backends:
-- nearest rank, the duration at rank ceil(p * n) of the n in order (what PostgreSQL's
-- percentile_disc gives). The API counts first, then reads each rank from
-- system_metrics_operation_idx, walking it from whichever end is nearer: a window function
-- over the rows (ROW_NUMBER) took 5 to 8 times as long on SQLite. On SQLite these queries
-- write +created_at: without it the planner, not knowing the window's bounds, walks the
-- created_at index instead and sorts (postgresql/metrics.sql spells them without).

-- name: operation_counts(since, until)
-- Per operation over [since, until): runs, failures, mean and longest duration.
SELECT operation, COUNT(*) AS count, SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       AVG(duration_ms) AS mean_ms, MAX(duration_ms) AS max_ms
FROM system_metrics
WHERE +created_at >= :since AND +created_at < :until
GROUP BY operation ORDER BY operation;

-- name: operation_count(operation, since, until)
-- One operation over [since, until): runs, failures, mean and longest duration (no row
-- when it never ran).
SELECT operation, COUNT(*) AS count, SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       AVG(duration_ms) AS mean_ms, MAX(duration_ms) AS max_ms
FROM system_metrics
WHERE operation = :operation AND +created_at >= :since AND +created_at < :until
GROUP BY operation;

-- name: duration_from_shortest(operation, since, until, skip)$
-- The duration after the `skip` shortest runs of an operation over [since, until).
SELECT duration_ms FROM system_metrics
WHERE operation = :operation AND +created_at >= :since AND +created_at < :until
ORDER BY duration_ms
LIMIT 1 OFFSET :skip;

-- name: duration_from_longest(operation, since, until, skip)$
-- The duration after the `skip` longest runs of an operation over [since, until).
SELECT duration_ms FROM system_metrics
WHERE operation = :operation AND +created_at >= :since AND +created_at < :until
ORDER BY duration_ms DESC
LIMIT 1 OFFSET :skip;

-- name: slowest_of_operation(operation, since, until, limit)
-- record_class: Metric
-- The slowest runs of one operation over [since, until), slowest first.
SELECT metric_id, operation, duration_ms, success, error, extra, created_at
FROM system_metrics
WHERE operation = :operation AND +created_at >= :since AND +created_at < :until
ORDER BY duration_ms DESC, metric_id
LIMIT :limit;

-- name: slowest(since, until, limit)
-- record_class: Metric
-- The slowest runs of every operation over [since, until), slowest first.
SELECT metric_id, operation, duration_ms, success, error, extra, created_at
FROM system_metrics
WHERE created_at >= :since AND created_at < :until
ORDER BY duration_ms DESC, metric_id
LIMIT :limit;

-- name: count_metrics_before(before)$
-- How many metrics are older than `before` (what a prune deletes).
SELECT COUNT(*) FROM system_metrics WHERE created_at < :before;

-- name: prune_metrics_before(before)!
-- Delete the metrics older than `before`.
DELETE FROM system_metrics WHERE created_at < :before;

-- name: latest_metrics(operation, limit)
-- record_class: Metric
-- The latest runs (of one operation, or of all when operation is NULL), newest first.
SELECT metric_id, operation, duration_ms, success, error, extra, created_at
FROM system_metrics
WHERE CAST(:operation AS TEXT) IS NULL OR operation = :operation
ORDER BY created_at DESC, metric_id DESC
LIMIT :limit;
