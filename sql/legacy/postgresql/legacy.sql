-- PostgreSQL versions of ../legacy.sql (YAGO keeps its database on PostgreSQL too).

-- name: legacy_tables()
-- The tables of the source's schema: (name, whether a module makes its rows: never here).
SELECT table_name, FALSE FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE';

-- name: legacy_generated_columns(table_name)
-- The columns of a table of the source that are computed (generated columns).
SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = :table_name AND is_generated <> 'NEVER';
