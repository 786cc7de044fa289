-- The external_ids table whole: count, dump (key order), clear, idempotent load, analyze (see
-- core.registry).

-- name: count_external_ids()$
-- Number of rows in external_ids.
SELECT COUNT(*) FROM external_ids;

-- name: dump_external_ids()
-- Every row of external_ids, in primary-key order.
SELECT system, kind, external_id, record_id, created_at FROM external_ids
ORDER BY system, kind, external_id;

-- name: clear_external_ids()!
-- Delete every row of external_ids.
DELETE FROM external_ids;

-- name: load_external_ids*!
-- Insert rows into external_ids, skipping those whose key exists.
INSERT INTO external_ids (system, kind, external_id, record_id, created_at)
VALUES (:system, :kind, :external_id, :record_id, :created_at)
ON CONFLICT (system, kind, external_id) DO NOTHING;

-- name: analyze_external_ids()#
-- Refresh the planner's statistics of external_ids.
ANALYZE external_ids;
