-- The ids imported records had in the tools they came from.

-- name: get_record_id(system, kind, external_id)$
-- The codedb id of a tool's record.
SELECT record_id FROM external_ids
WHERE system = :system AND kind = :kind AND external_id = :external_id;

-- name: get_external_id(system, kind, record_id)$
-- The id a tool knows a codedb record by.
SELECT external_id FROM external_ids
WHERE system = :system AND kind = :kind AND record_id = :record_id
ORDER BY external_id LIMIT 1;

-- name: max_numeric_external_id(system, kind)$
-- The largest whole-number id of a tool's table (its ids that are not numbers left out).
SELECT MAX(CAST(external_id AS INTEGER)) FROM external_ids
WHERE system = :system AND kind = :kind AND external_id <> '' AND external_id NOT GLOB '*[^0-9]*';
