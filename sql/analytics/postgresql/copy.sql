-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_analytics()!
-- Write rows of analytics with COPY, in the order of its record's fields.
COPY analytics (record_id, project_id, metric_name, value, recorded_at, metadata) FROM STDIN;
