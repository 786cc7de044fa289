-- Summaries, the slowest runs, pruning. Percentiles are exact and computed the same way on
-- both backends: nearest rank, the value at rank ceil(p * n) of the n durations in order
-- (what PostgreSQL's percentile_disc gives), by ROW_NUMBER() over the window.

-- name: summarize_operation(operation, since, until)
-- One operation over [since, until): walks its rows of system_metrics_operation_idx in
-- duration order and reads the rest from that index too.
WITH ranked AS (
    SELECT duration_ms, success,
           ROW_NUMBER() OVER (ORDER BY duration_ms) AS rank,
           COUNT(*) OVER () AS n
    FROM system_metrics
    WHERE operation = :operation AND created_at >= :since AND created_at < :until
)
SELECT :operation AS operation, COUNT(*) AS count,
       SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       CAST(SUM(CASE WHEN success THEN 0 ELSE 1 END) AS DOUBLE PRECISION) / COUNT(*) AS error_rate,
       AVG(duration_ms) AS mean_ms,
       MAX(CASE WHEN rank = (50 * n + 99) / 100 THEN duration_ms END) AS p50_ms,
       MAX(CASE WHEN rank = (95 * n + 99) / 100 THEN duration_ms END) AS p95_ms,
       MAX(CASE WHEN rank = (99 * n + 99) / 100 THEN duration_ms END) AS p99_ms,
       MAX(duration_ms) AS max_ms
FROM ranked
HAVING COUNT(*) > 0;

-- name: summarize_operations(since, until)
-- Every operation over [since, until), by name.
WITH ranked AS (
    SELECT operation, duration_ms, success,
           ROW_NUMBER() OVER (PARTITION BY operation ORDER BY duration_ms) AS rank,
           COUNT(*) OVER (PARTITION BY operation) AS n
    FROM system_metrics
    WHERE created_at >= :since AND created_at < :until
)
SELECT operation, COUNT(*) AS count,
       SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       CAST(SUM(CASE WHEN success THEN 0 ELSE 1 END) AS DOUBLE PRECISION) / COUNT(*) AS error_rate,
       AVG(duration_ms) AS mean_ms,
       MAX(CASE WHEN rank = (50 * n + 99) / 100 THEN duration_ms END) AS p50_ms,
       MAX(CASE WHEN rank = (95 * n + 99) / 100 THEN duration_ms END) AS p95_ms,
       MAX(CASE WHEN rank = (99 * n + 99) / 100 THEN duration_ms END) AS p99_ms,
       MAX(duration_ms) AS max_ms
FROM ranked
GROUP BY operation ORDER BY operation;

-- name: slowest_of_operation(operation, since, until, limit)
-- The slowest runs of one operation over [since, until), slowest first.
SELECT metric_id, operation, duration_ms, success, error, extra, created_at
FROM system_metrics
WHERE operation = :operation AND created_at >= :since AND created_at < :until
ORDER BY duration_ms DESC, metric_id
LIMIT :limit;

-- name: slowest(since, until, limit)
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
