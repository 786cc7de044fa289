-- AI provider usage and what it cost: reports over a period [since, until) (NULL: open).
-- Percentiles are exact, by nearest rank (the value at rank ceil(p * n), in whole-number
-- arithmetic), the same SQL on both backends through window functions.

-- name: list_usage(project_id, since, until, limit, offset)
-- record_class: ProviderUsage
-- Usage rows, newest first: all, or a project's.
SELECT usage_id, project_id, provider, model, request_type, tokens_in, tokens_out, tokens_total,
       cost, latency_ms, success, error, timestamp
FROM ai_provider_usage
WHERE (CAST(:project_id AS TEXT) IS NULL OR project_id = :project_id)
  AND COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE)
ORDER BY timestamp DESC, usage_id DESC LIMIT :limit OFFSET :offset;

-- name: cost_by_provider_model(since, until)
-- Spend, requests, errors and tokens per provider and model.
SELECT provider AS provider, model AS model, COUNT(*) AS requests,
       SUM(CASE WHEN success THEN 0 ELSE 1 END) AS errors,
       SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out, SUM(tokens_total) AS tokens_total,
       SUM(cost) AS cost
FROM ai_provider_usage
WHERE COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE)
GROUP BY provider, model ORDER BY SUM(cost) DESC, provider, model;

-- name: cost_by_provider_model_day(since, until)
-- Spend, requests and tokens per provider, model and day (YYYY-MM-DD).
SELECT substr(CAST(timestamp AS TEXT), 1, 10) AS period, provider AS provider, model AS model,
       COUNT(*) AS requests, SUM(tokens_total) AS tokens_total, SUM(cost) AS cost
FROM ai_provider_usage
WHERE COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE)
GROUP BY substr(CAST(timestamp AS TEXT), 1, 10), provider, model
ORDER BY 1, provider, model;

-- name: cost_by_day(since, until)
-- Spend, requests and tokens per day (YYYY-MM-DD).
SELECT substr(CAST(timestamp AS TEXT), 1, 10) AS period, COUNT(*) AS requests,
       SUM(tokens_total) AS tokens_total, SUM(cost) AS cost
FROM ai_provider_usage
WHERE COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE)
GROUP BY substr(CAST(timestamp AS TEXT), 1, 10) ORDER BY 1;

-- name: cost_by_month(since, until)
-- Spend, requests and tokens per month (YYYY-MM).
SELECT substr(CAST(timestamp AS TEXT), 1, 7) AS period, COUNT(*) AS requests,
       SUM(tokens_total) AS tokens_total, SUM(cost) AS cost
FROM ai_provider_usage
WHERE COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE)
GROUP BY substr(CAST(timestamp AS TEXT), 1, 7) ORDER BY 1;

-- name: cost_by_project(since, until)
-- Spend, requests and tokens per project (usage of no project under a NULL id).
SELECT u.project_id AS project_id, p.name AS name, COUNT(*) AS requests,
       SUM(u.tokens_total) AS tokens_total, SUM(u.cost) AS cost
FROM ai_provider_usage u LEFT JOIN projects p ON p.project_id = u.project_id
WHERE COALESCE(u.timestamp >= :since, TRUE) AND COALESCE(u.timestamp < :until, TRUE)
GROUP BY u.project_id, p.name ORDER BY SUM(u.cost) DESC, p.name;

-- name: cost_by_user(since, until)
-- Spend, requests and tokens per user of the usage's project (NULL: no project or user).
SELECT p.user_id AS user_id, us.username AS username, COUNT(*) AS requests,
       SUM(u.tokens_total) AS tokens_total, SUM(u.cost) AS cost
FROM ai_provider_usage u
LEFT JOIN projects p ON p.project_id = u.project_id
LEFT JOIN users us ON us.user_id = p.user_id
WHERE COALESCE(u.timestamp >= :since, TRUE) AND COALESCE(u.timestamp < :until, TRUE)
GROUP BY p.user_id, us.username ORDER BY SUM(u.cost) DESC, us.username;

-- name: total_cost(since, until)^
-- Spend, requests and tokens over the period.
SELECT COUNT(*) AS requests, COALESCE(SUM(tokens_total), 0) AS tokens_total,
       COALESCE(SUM(cost), 0) AS cost
FROM ai_provider_usage
WHERE COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE);

-- name: latency_by_provider_model(since, until)
-- Per provider and model: requests, error rate, and exact latency percentiles p50/p95/p99 (ms,
-- nearest rank over the requests that report a latency).
WITH ranked AS (
    SELECT provider, model, success, latency_ms,
           ROW_NUMBER() OVER (PARTITION BY provider, model ORDER BY latency_ms IS NULL, latency_ms) AS rank,
           COUNT(latency_ms) OVER (PARTITION BY provider, model) AS measured
    FROM ai_provider_usage
    WHERE COALESCE(timestamp >= :since, TRUE) AND COALESCE(timestamp < :until, TRUE)
)
SELECT provider AS provider, model AS model, COUNT(*) AS requests,
       CAST(SUM(CASE WHEN success THEN 0 ELSE 1 END) AS DOUBLE PRECISION) / COUNT(*) AS error_rate,
       MAX(CASE WHEN latency_ms IS NOT NULL AND rank = (50 * measured + 99) / 100 THEN latency_ms END) AS p50_ms,
       MAX(CASE WHEN latency_ms IS NOT NULL AND rank = (95 * measured + 99) / 100 THEN latency_ms END) AS p95_ms,
       MAX(CASE WHEN latency_ms IS NOT NULL AND rank = (99 * measured + 99) / 100 THEN latency_ms END) AS p99_ms
FROM ranked GROUP BY provider, model ORDER BY provider, model;

-- The same reports over whole days, from ai_provider_usage_daily (kept by triggers): a few
-- rows a day instead of every request. since_day and until_day are YYYY-MM-DD (NULL: open).

-- name: daily_cost_by_provider_model(since_day, until_day)
-- Spend, requests, errors and tokens per provider and model, from the daily rollup.
SELECT provider AS provider, model AS model, SUM(requests) AS requests, SUM(errors) AS errors,
       SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out, SUM(tokens_total) AS tokens_total,
       SUM(cost) AS cost
FROM ai_provider_usage_daily
WHERE COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY provider, model ORDER BY SUM(cost) DESC, provider, model;

-- name: daily_cost_by_provider_model_day(since_day, until_day)
-- Spend, requests and tokens per provider, model and day, from the daily rollup.
SELECT day AS period, provider AS provider, model AS model, requests AS requests,
       tokens_total AS tokens_total, cost AS cost
FROM ai_provider_usage_daily
WHERE COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
ORDER BY day, provider, model;

-- name: daily_cost_by_day(since_day, until_day)
-- Spend, requests and tokens per day, from the daily rollup.
SELECT day AS period, SUM(requests) AS requests, SUM(tokens_total) AS tokens_total, SUM(cost) AS cost
FROM ai_provider_usage_daily
WHERE COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY day ORDER BY day;

-- name: daily_cost_by_month(since_day, until_day)
-- Spend, requests and tokens per month, from the daily rollup.
SELECT substr(day, 1, 7) AS period, SUM(requests) AS requests, SUM(tokens_total) AS tokens_total,
       SUM(cost) AS cost
FROM ai_provider_usage_daily
WHERE COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE)
GROUP BY substr(day, 1, 7) ORDER BY 1;

-- name: daily_total_cost(since_day, until_day)^
-- Spend, requests and tokens over whole days, from the daily rollup.
SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(tokens_total), 0) AS tokens_total,
       COALESCE(SUM(cost), 0) AS cost
FROM ai_provider_usage_daily
WHERE COALESCE(day >= :since_day, TRUE) AND COALESCE(day < :until_day, TRUE);

-- name: projects_over_estimate(ratio)
-- Projects whose actual cost is over ratio times a non-zero estimate (YAGO's budget rule).
SELECT project_id, name, actual_cost, cost_estimate FROM projects
WHERE cost_estimate > 0 AND actual_cost > :ratio * cost_estimate
ORDER BY actual_cost DESC, project_id;

-- name: projects_cost_since(since)$
-- The actual cost of the projects worked on since `since` (YAGO's weekly total).
SELECT COALESCE(SUM(actual_cost), 0) FROM projects WHERE updated_at >= :since;

-- name: list_alert_dismissals()
-- The cost alerts dismissed, by id.
SELECT alert_id, dismissed_at, dismissed_by FROM cost_alert_dismissals ORDER BY alert_id;

-- name: get_alert_dismissal(alert_id)^
-- record_class: AlertDismissal
-- One dismissal.
SELECT alert_id, dismissed_at, dismissed_by FROM cost_alert_dismissals WHERE alert_id = :alert_id;
