-- Modifications: the change history of each function.

-- name: list_modifications(function_id)
-- record_class: Modification
-- A function's changes, oldest first.
SELECT modification_id, function_id, modifier, modification_date, description
FROM modification WHERE function_id = :function_id
ORDER BY modification_date, modification_id;
