-- PostgreSQL's spellings of the week and of a metadata key (see ../analytics.sql).

-- name: trend_by_week(metric_name, project_id, since, until)
-- record_class: Trend
-- A metric per week (its Monday, YYYY-MM-DD) over [since, until).
SELECT to_char(date_trunc('week', recorded_at), 'YYYY-MM-DD') AS period, COUNT(*) AS count, SUM(value) AS total, AVG(value) AS mean,
       MIN(value) AS min, MAX(value) AS max
FROM analytics
WHERE metric_name = :metric_name AND recorded_at >= :since AND recorded_at < :until
  AND (CAST(:project_id AS TEXT) IS NULL OR project_id = :project_id)
GROUP BY to_char(date_trunc('week', recorded_at), 'YYYY-MM-DD') ORDER BY 1;

-- name: usage_counts(key, since, until)
-- record_class: UsageCount
-- How often each value of a metadata key (widget, feature) was recorded over [since, until),
-- the commonest first, with the sum of the values.
SELECT metadata ->> CAST(:key AS TEXT) AS name, COUNT(*) AS count, SUM(value) AS total
FROM analytics
WHERE recorded_at >= :since AND recorded_at < :until AND metadata ->> CAST(:key AS TEXT) IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: daily_trend_by_week(metric_name, project_id, since_day, until_day)
-- record_class: Trend
-- A metric per week (its Monday), from the daily rollup.
SELECT to_char(date_trunc('week', CAST(day AS DATE)), 'YYYY-MM-DD') AS period, CAST(SUM(count) AS BIGINT) AS count, SUM(total) AS total,
       SUM(total) / SUM(count) AS mean, MIN(min) AS min, MAX(max) AS max
FROM analytics_daily
WHERE metric_name = :metric_name AND (CAST(:project_id AS TEXT) IS NULL OR project_key = :project_id)
  AND COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY to_char(date_trunc('week', CAST(day AS DATE)), 'YYYY-MM-DD') ORDER BY 1;
