-- Analytics per metric, project ('' for none) and day, kept by triggers as measurements come
-- and go, so that trends over whole days read a row per day instead of every measurement.
-- The mean is total / count; a removal that took away the day's min or max finds the new one
-- among the day's remaining rows.
CREATE TABLE analytics_daily (
    metric_name TEXT NOT NULL,
    project_key TEXT NOT NULL,          -- the project's id, '' for measurements of none
    day         TEXT NOT NULL,          -- YYYY-MM-DD (UTC)
    count       INTEGER NOT NULL,
    total       DOUBLE PRECISION NOT NULL,
    min         DOUBLE PRECISION NOT NULL,
    max         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (metric_name, project_key, day)
);

INSERT INTO analytics_daily
SELECT metric_name, COALESCE(project_id, ''), substr(recorded_at, 1, 10), COUNT(*), SUM(value), MIN(value), MAX(value)
FROM analytics GROUP BY metric_name, COALESCE(project_id, ''), substr(recorded_at, 1, 10);

CREATE TRIGGER analytics_daily_add AFTER INSERT ON analytics
BEGIN
    INSERT INTO analytics_daily
    VALUES (NEW.metric_name, COALESCE(NEW.project_id, ''), substr(NEW.recorded_at, 1, 10), 1, NEW.value,
            NEW.value, NEW.value)
    ON CONFLICT (metric_name, project_key, day) DO UPDATE
    SET count = count + 1, total = total + excluded.total, min = MIN(min, excluded.min),
        max = MAX(max, excluded.max);
END;

CREATE TRIGGER analytics_daily_remove AFTER DELETE ON analytics
BEGIN
    UPDATE analytics_daily
    SET count = count - 1, total = total - OLD.value,
        min = CASE WHEN OLD.value > min THEN min ELSE COALESCE((
            SELECT MIN(a.value) FROM analytics a
            WHERE a.project_id IS OLD.project_id AND a.metric_name = OLD.metric_name
              AND a.recorded_at >= substr(OLD.recorded_at, 1, 10)
              AND a.recorded_at < date(substr(OLD.recorded_at, 1, 10), '+1 day')), 0) END,
        max = CASE WHEN OLD.value < max THEN max ELSE COALESCE((
            SELECT MAX(a.value) FROM analytics a
            WHERE a.project_id IS OLD.project_id AND a.metric_name = OLD.metric_name
              AND a.recorded_at >= substr(OLD.recorded_at, 1, 10)
              AND a.recorded_at < date(substr(OLD.recorded_at, 1, 10), '+1 day')), 0) END
    WHERE metric_name = OLD.metric_name AND project_key = COALESCE(OLD.project_id, '')
      AND day = substr(OLD.recorded_at, 1, 10);
    DELETE FROM analytics_daily
    WHERE metric_name = OLD.metric_name AND project_key = COALESCE(OLD.project_id, '')
      AND day = substr(OLD.recorded_at, 1, 10) AND count = 0;
END;

-- An edit (a project deleted sets project_id NULL) removes the old row and adds the new one;
-- the new row is in the table already, so the removal recomputes over the day's rows of the
-- old key only.
CREATE TRIGGER analytics_daily_change AFTER UPDATE ON analytics
BEGIN
    UPDATE analytics_daily
    SET count = count - 1, total = total - OLD.value,
        min = CASE WHEN OLD.value > min THEN min ELSE COALESCE((
            SELECT MIN(a.value) FROM analytics a
            WHERE a.project_id IS OLD.project_id AND a.metric_name = OLD.metric_name
              AND a.record_id <> OLD.record_id
              AND a.recorded_at >= substr(OLD.recorded_at, 1, 10)
              AND a.recorded_at < date(substr(OLD.recorded_at, 1, 10), '+1 day')), 0) END,
        max = CASE WHEN OLD.value < max THEN max ELSE COALESCE((
            SELECT MAX(a.value) FROM analytics a
            WHERE a.project_id IS OLD.project_id AND a.metric_name = OLD.metric_name
              AND a.record_id <> OLD.record_id
              AND a.recorded_at >= substr(OLD.recorded_at, 1, 10)
              AND a.recorded_at < date(substr(OLD.recorded_at, 1, 10), '+1 day')), 0) END
    WHERE metric_name = OLD.metric_name AND project_key = COALESCE(OLD.project_id, '')
      AND day = substr(OLD.recorded_at, 1, 10);
    DELETE FROM analytics_daily
    WHERE metric_name = OLD.metric_name AND project_key = COALESCE(OLD.project_id, '')
      AND day = substr(OLD.recorded_at, 1, 10) AND count = 0;
    INSERT INTO analytics_daily
    VALUES (NEW.metric_name, COALESCE(NEW.project_id, ''), substr(NEW.recorded_at, 1, 10), 1, NEW.value,
            NEW.value, NEW.value)
    ON CONFLICT (metric_name, project_key, day) DO UPDATE
    SET count = count + 1, total = total + excluded.total, min = MIN(min, excluded.min),
        max = MAX(max, excluded.max);
END;
