-- The analytics table whole: count, dump (key order), clear, idempotent load, analyze (see
-- core.registry).

-- name: count_analytics()$
-- Number of rows in analytics.
SELECT COUNT(*) FROM analytics;

-- name: dump_analytics()
-- Every row of analytics, in primary-key order.
SELECT record_id, project_id, metric_name, value, recorded_at, metadata FROM analytics ORDER BY record_id;

-- name: clear_analytics()!
-- Delete every row of analytics.
DELETE FROM analytics;

-- name: load_analytics*!
-- Insert rows into analytics, skipping those whose key exists.
INSERT INTO analytics (record_id, project_id, metric_name, value, recorded_at, metadata)
VALUES (:record_id, :project_id, :metric_name, :value, :recorded_at, :metadata)
ON CONFLICT (record_id) DO NOTHING;

-- name: analyze_analytics()#
-- Refresh the planner's statistics of analytics.
ANALYZE analytics;
