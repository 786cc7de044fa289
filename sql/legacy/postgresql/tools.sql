-- PostgreSQL versions of ../tools.sql.

-- name: legacy_columns(table_name)
-- The columns of a table of the source (in the schema its URL's search path names).
SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = :table_name
ORDER BY ordinal_position;
