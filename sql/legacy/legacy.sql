-- Reading the old code_db tool's SQLModel database (code_db.sqlite), opened read-only.
-- Its tables have the names and columns codedb kept; other tables in the file are ignored.

-- name: legacy_functions()
-- The old functions.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json
FROM function;

-- name: legacy_modules()
-- The old modules.
SELECT name, module_id FROM module;

-- name: legacy_function_modules()
-- Which module each old function was in.
SELECT function_id, module_name FROM function_modules;

-- name: legacy_function_tags()
-- The old functions' tags.
SELECT function_id, tag FROM function_tags;

-- name: legacy_function_dependencies()
-- The old dependencies.
SELECT function_id, depends_on_id FROM function_dependencies;

-- name: legacy_unittests()
-- The old unit tests.
SELECT test_id, function_id, name, description, test_case FROM unittest;

-- name: legacy_testresults()
-- The old test results.
SELECT result_id, test_id, function_id, execution_date, actual_result, status FROM testresult;

-- name: legacy_modifications()
-- The old modifications.
SELECT modification_id, function_id, modifier, modification_date, description FROM modification;

-- name: legacy_tables()
-- The tables of the old file, to tell which of code_db's it has: (name, whether a module
-- makes its rows: a virtual table).
SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!';

-- name: legacy_generated_columns(table_name)
-- The columns of a table of the old file that are computed when read (generated columns), or
-- hidden: an old file has none, and reading one could make any amount of data.
SELECT name FROM pragma_table_xinfo(:table_name) WHERE hidden <> 0;
