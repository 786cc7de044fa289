-- PostgreSQL's version of the old tool's substring search: its LIKE minds case, so both sides
-- are lowered (SQLite's LIKE ignores the case of ASCII letters: functions.sql compares as is).

-- name: search_functions(pattern, created_after, modified_after, test_status, module, tag, limit, offset)
-- record_class: FunctionSummary
-- Functions whose name, description or code matches the LIKE pattern (case-insensitive),
-- created or modified after the given times, whose latest test result has the given status,
-- in the module, with the tag. A NULL time, status, module or tag leaves that filter out.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing l
WHERE (lower(l.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(l.description) LIKE lower(:pattern) ESCAPE '\'
       OR lower(l.code_snippet) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(l.creation_date > :created_after, TRUE)
  AND COALESCE(l.last_modified_date > :modified_after, TRUE)
  AND (CAST(:module AS TEXT) IS NULL OR EXISTS (
          SELECT 1 FROM function_modules m WHERE m.function_id = l.function_id AND m.module_name = :module))
  AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
          SELECT 1 FROM function_tags t WHERE t.function_id = l.function_id AND t.tag = :tag))
  AND (CAST(:test_status AS TEXT) IS NULL OR (
          SELECT tr.status FROM testresult tr WHERE tr.function_id = l.function_id
          ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status)
ORDER BY l.name, l.function_id
LIMIT :limit OFFSET :offset;
