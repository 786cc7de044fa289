-- Analytics: named measurements over time, of a project or of none, with JSON metadata
-- (the widget or feature a usage count is about, and the like).

CREATE TABLE analytics (
    record_id   TEXT PRIMARY KEY,
    project_id  TEXT REFERENCES projects (project_id) ON DELETE SET NULL,
    metric_name TEXT NOT NULL CHECK (metric_name <> ''),
    value       DOUBLE PRECISION NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    metadata    json_text NOT NULL DEFAULT '{}' CHECK (json_valid(metadata))
);
CREATE INDEX analytics_metric_idx ON analytics (metric_name, recorded_at, value);
CREATE INDEX analytics_project_idx ON analytics (project_id, metric_name, recorded_at, value);
