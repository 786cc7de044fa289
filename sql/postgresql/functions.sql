-- PostgreSQL versions of the listing queries of ../functions.sql: json_agg for
-- json_group_array, and typed time parameters.

-- name: get_function_summary(function_id)^
-- One function with its modules and tags.
SELECT f.function_id, f.name, f.description, f.code_snippet, f.creation_date,
       f.last_modified_date, f.signature_json,
       (SELECT json_agg(fm.module_name) FROM function_modules fm
        WHERE fm.function_id = f.function_id) AS modules,
       (SELECT json_agg(ft.tag) FROM function_tags ft
        WHERE ft.function_id = f.function_id) AS tags
FROM function f WHERE f.function_id = :function_id;

-- name: list_functions(module, tag)
-- Functions with their modules and tags, optionally only those in a module and/or with a tag.
SELECT f.function_id, f.name, f.description, f.code_snippet, f.creation_date,
       f.last_modified_date, f.signature_json,
       (SELECT json_agg(fm.module_name) FROM function_modules fm
        WHERE fm.function_id = f.function_id) AS modules,
       (SELECT json_agg(ft.tag) FROM function_tags ft
        WHERE ft.function_id = f.function_id) AS tags
FROM function f
WHERE (CAST(:module AS TEXT) IS NULL OR EXISTS (
          SELECT 1 FROM function_modules m
          WHERE m.function_id = f.function_id AND m.module_name = :module))
  AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
          SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = :tag))
ORDER BY f.name, f.function_id;

-- name: search_functions(pattern, created_after, modified_after, test_status)
-- Functions whose name, description or code matches the LIKE pattern (case-insensitive),
-- created or modified after the given times, whose latest test result has the given status.
SELECT f.function_id, f.name, f.description, f.code_snippet, f.creation_date,
       f.last_modified_date, f.signature_json,
       (SELECT json_agg(fm.module_name) FROM function_modules fm
        WHERE fm.function_id = f.function_id) AS modules,
       (SELECT json_agg(ft.tag) FROM function_tags ft
        WHERE ft.function_id = f.function_id) AS tags
FROM function f
WHERE (lower(f.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(f.description) LIKE lower(:pattern) ESCAPE '\'
       OR lower(f.code_snippet) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:created_after AS TIMESTAMP) IS NULL
       OR f.creation_date > CAST(:created_after AS TIMESTAMP))
  AND (CAST(:modified_after AS TIMESTAMP) IS NULL
       OR f.last_modified_date > CAST(:modified_after AS TIMESTAMP))
  AND (CAST(:test_status AS TEXT) IS NULL OR (
          SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
          ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status)
ORDER BY f.name, f.function_id;
