-- PostgreSQL versions of ../origins.sql.

-- name: max_numeric_external_id(system, kind)$
-- The largest whole-number id of a tool's table (its ids that are not numbers left out).
SELECT MAX(CAST(external_id AS BIGINT)) FROM external_ids
WHERE system = :system AND kind = :kind AND external_id ~ '^[0-9]{1,18}$';
