-- Reports over the measurements. Times are naive UTC; a week starts on Monday.

-- name: project_summary(project_id)
-- record_class: MetricSummary
-- Each metric of a project: count, latest value and time, min, max, mean (the index on
-- (project_id, metric_name, recorded_at, value) answers it alone).
SELECT a.metric_name, COUNT(*) AS count,
       (SELECT l.value FROM analytics l
        WHERE l.project_id = a.project_id AND l.metric_name = a.metric_name
        ORDER BY l.recorded_at DESC, l.record_id DESC LIMIT 1) AS latest,
       MAX(a.recorded_at) AS latest_at, MIN(a.value) AS min, MAX(a.value) AS max, AVG(a.value) AS mean
FROM analytics a WHERE a.project_id = :project_id
GROUP BY a.project_id, a.metric_name ORDER BY a.metric_name;

-- name: trend_by_day(metric_name, project_id, since, until)
-- record_class: Trend
-- A metric per day over [since, until), of one project or (NULL) of all.
SELECT substr(CAST(recorded_at AS TEXT), 1, 10) AS period, COUNT(*) AS count, SUM(value) AS total, AVG(value) AS mean,
       MIN(value) AS min, MAX(value) AS max
FROM analytics
WHERE metric_name = :metric_name AND recorded_at >= :since AND recorded_at < :until
  AND (CAST(:project_id AS TEXT) IS NULL OR project_id = :project_id)
GROUP BY substr(CAST(recorded_at AS TEXT), 1, 10) ORDER BY 1;

-- name: trend_by_week(metric_name, project_id, since, until)
-- record_class: Trend
-- A metric per week (its Monday, YYYY-MM-DD) over [since, until).
SELECT date(recorded_at, 'weekday 0', '-6 days') AS period, COUNT(*) AS count, SUM(value) AS total, AVG(value) AS mean,
       MIN(value) AS min, MAX(value) AS max
FROM analytics
WHERE metric_name = :metric_name AND recorded_at >= :since AND recorded_at < :until
  AND (CAST(:project_id AS TEXT) IS NULL OR project_id = :project_id)
GROUP BY date(recorded_at, 'weekday 0', '-6 days') ORDER BY 1;

-- name: trend_by_month(metric_name, project_id, since, until)
-- record_class: Trend
-- A metric per month (YYYY-MM) over [since, until).
SELECT substr(CAST(recorded_at AS TEXT), 1, 7) AS period, COUNT(*) AS count, SUM(value) AS total, AVG(value) AS mean,
       MIN(value) AS min, MAX(value) AS max
FROM analytics
WHERE metric_name = :metric_name AND recorded_at >= :since AND recorded_at < :until
  AND (CAST(:project_id AS TEXT) IS NULL OR project_id = :project_id)
GROUP BY substr(CAST(recorded_at AS TEXT), 1, 7) ORDER BY 1;

-- name: usage_counts(key, since, until)
-- record_class: UsageCount
-- How often each value of a metadata key (widget, feature) was recorded over [since, until),
-- the commonest first, with the sum of the values.
SELECT CAST(json_extract(metadata, '$.' || :key) AS TEXT) AS name, COUNT(*) AS count, SUM(value) AS total
FROM analytics
WHERE recorded_at >= :since AND recorded_at < :until AND json_extract(metadata, '$.' || :key) IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: export_measurements(metric_name, project_id, since, until, limit)
-- record_class: Measurement
-- The measurements matching the filters (NULL leaves one out), oldest first.
SELECT record_id, project_id, metric_name, value, recorded_at, metadata FROM analytics
WHERE (CAST(:metric_name AS TEXT) IS NULL OR metric_name = :metric_name)
  AND (CAST(:project_id AS TEXT) IS NULL OR project_id = :project_id)
  AND recorded_at >= :since AND recorded_at < :until
ORDER BY recorded_at, record_id
LIMIT :limit;

-- The same trends over whole days, from analytics_daily (kept by triggers): a row per metric,
-- project and day instead of every measurement. since_day and until_day are YYYY-MM-DD
-- (NULL: open); project_id NULL sums every project and none.

-- name: daily_trend_by_day(metric_name, project_id, since_day, until_day)
-- record_class: Trend
-- A metric per day, from the daily rollup.
SELECT day AS period, CAST(SUM(count) AS BIGINT) AS count, SUM(total) AS total,
       SUM(total) / SUM(count) AS mean, MIN(min) AS min, MAX(max) AS max
FROM analytics_daily
WHERE metric_name = :metric_name AND (CAST(:project_id AS TEXT) IS NULL OR project_key = :project_id)
  AND COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY day ORDER BY 1;

-- name: daily_trend_by_week(metric_name, project_id, since_day, until_day)
-- record_class: Trend
-- A metric per week (its Monday), from the daily rollup.
SELECT date(day, 'weekday 0', '-6 days') AS period, CAST(SUM(count) AS BIGINT) AS count, SUM(total) AS total,
       SUM(total) / SUM(count) AS mean, MIN(min) AS min, MAX(max) AS max
FROM analytics_daily
WHERE metric_name = :metric_name AND (CAST(:project_id AS TEXT) IS NULL OR project_key = :project_id)
  AND COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY date(day, 'weekday 0', '-6 days') ORDER BY 1;

-- name: daily_trend_by_month(metric_name, project_id, since_day, until_day)
-- record_class: Trend
-- A metric per month, from the daily rollup.
SELECT substr(day, 1, 7) AS period, CAST(SUM(count) AS BIGINT) AS count, SUM(total) AS total,
       SUM(total) / SUM(count) AS mean, MIN(min) AS min, MAX(max) AS max
FROM analytics_daily
WHERE metric_name = :metric_name AND (CAST(:project_id AS TEXT) IS NULL OR project_key = :project_id)
  AND COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY substr(day, 1, 7) ORDER BY 1;

-- name: delete_project_measurements(project_id)!
-- Delete a project's measurements (the daily sums follow, by trigger).
DELETE FROM analytics WHERE project_id = :project_id;
