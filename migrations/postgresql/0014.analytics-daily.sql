-- Analytics per metric, project ('' for none) and day, kept by a trigger as measurements come
-- and go, so that trends over whole days read a row per day instead of every measurement.
-- The mean is total / count; a removal that took away the day's min or max finds the new one
-- among the day's remaining rows.
CREATE TABLE analytics_daily (
    metric_name TEXT NOT NULL,
    project_key TEXT NOT NULL,          -- the project's id, '' for measurements of none
    day         TEXT NOT NULL,          -- YYYY-MM-DD (UTC)
    count       BIGINT NOT NULL,
    total       DOUBLE PRECISION NOT NULL,
    min         DOUBLE PRECISION NOT NULL,
    max         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (metric_name, project_key, day)
);

INSERT INTO analytics_daily
SELECT metric_name, COALESCE(project_id, ''), substr(CAST(recorded_at AS TEXT), 1, 10), COUNT(*), SUM(value),
       MIN(value), MAX(value)
FROM analytics GROUP BY metric_name, COALESCE(project_id, ''), substr(CAST(recorded_at AS TEXT), 1, 10);

CREATE FUNCTION analytics_daily_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_day date;
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        old_day := CAST(OLD.recorded_at AS date);
        UPDATE analytics_daily AS d
        SET count = d.count - 1, total = d.total - OLD.value,
            min = CASE WHEN OLD.value > d.min THEN d.min ELSE COALESCE((
                SELECT MIN(a.value) FROM analytics a
                WHERE a.project_id IS NOT DISTINCT FROM OLD.project_id AND a.metric_name = OLD.metric_name
                  AND a.record_id <> OLD.record_id
                  AND a.recorded_at >= old_day AND a.recorded_at < old_day + 1), 0) END,
            max = CASE WHEN OLD.value < d.max THEN d.max ELSE COALESCE((
                SELECT MAX(a.value) FROM analytics a
                WHERE a.project_id IS NOT DISTINCT FROM OLD.project_id AND a.metric_name = OLD.metric_name
                  AND a.record_id <> OLD.record_id
                  AND a.recorded_at >= old_day AND a.recorded_at < old_day + 1), 0) END
        WHERE d.metric_name = OLD.metric_name AND d.project_key = COALESCE(OLD.project_id, '')
          AND d.day = to_char(old_day, 'YYYY-MM-DD');
        DELETE FROM analytics_daily
        WHERE metric_name = OLD.metric_name AND project_key = COALESCE(OLD.project_id, '')
          AND day = to_char(old_day, 'YYYY-MM-DD') AND count = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO analytics_daily AS d
        VALUES (NEW.metric_name, COALESCE(NEW.project_id, ''), to_char(NEW.recorded_at, 'YYYY-MM-DD'), 1,
                NEW.value, NEW.value, NEW.value)
        ON CONFLICT (metric_name, project_key, day) DO UPDATE
        SET count = d.count + 1, total = d.total + excluded.total, min = LEAST(d.min, excluded.min),
            max = GREATEST(d.max, excluded.max);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER analytics_daily_keep AFTER INSERT OR UPDATE OR DELETE ON analytics
    FOR EACH ROW EXECUTE FUNCTION analytics_daily_keep();
