-- Functions: the code library's entries. Listings read the function_listing view: each
-- function with its modules and tags as JSON arrays, in the same query (never one per row).

-- name: get_function(function_id)^
-- record_class: Function
-- One function by its full id, or nothing.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json
FROM function WHERE function_id = :function_id;

-- name: find_function_ids(prefix)
-- Ids of the functions whose id starts with prefix (at most 11, to name an ambiguity).
SELECT function_id FROM function
WHERE substr(function_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY function_id LIMIT 11;

-- name: get_function_summary(function_id)^
-- record_class: FunctionSummary
-- One function with its modules and tags.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing WHERE function_id = :function_id;

-- name: list_functions(limit, offset)
-- record_class: FunctionSummary
-- Every function with its modules and tags.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing ORDER BY name, function_id
LIMIT :limit OFFSET :offset;

-- name: list_functions_by_module(module, limit, offset)
-- record_class: FunctionSummary
-- The functions in a module, with their modules and tags.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing l
WHERE EXISTS (SELECT 1 FROM function_modules m
              WHERE m.function_id = l.function_id AND m.module_name = :module)
ORDER BY l.name, l.function_id
LIMIT :limit OFFSET :offset;

-- name: list_functions_by_tag(tag, limit, offset)
-- record_class: FunctionSummary
-- The functions with a tag, with their modules and tags.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing l
WHERE EXISTS (SELECT 1 FROM function_tags t WHERE t.function_id = l.function_id AND t.tag = :tag)
ORDER BY l.name, l.function_id
LIMIT :limit OFFSET :offset;

-- name: list_functions_by_module_and_tag(module, tag, limit, offset)
-- record_class: FunctionSummary
-- The functions in a module that have a tag, with their modules and tags.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing l
WHERE EXISTS (SELECT 1 FROM function_modules m
              WHERE m.function_id = l.function_id AND m.module_name = :module)
  AND EXISTS (SELECT 1 FROM function_tags t WHERE t.function_id = l.function_id AND t.tag = :tag)
ORDER BY l.name, l.function_id
LIMIT :limit OFFSET :offset;

-- name: search_functions(pattern, created_after, modified_after, test_status, module, tag, limit, offset)
-- record_class: FunctionSummary
-- Functions whose name, description or code matches the LIKE pattern (SQLite's LIKE ignores
-- the case of ASCII letters, as its lower() folds; postgresql/functions.sql lowers both sides),
-- created or modified after the given times, whose latest test result has the given status,
-- in the module, with the tag. A NULL time, status, module or tag leaves that filter out.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date,
       signature_json, modules, tags
FROM function_listing l
WHERE (l.name LIKE :pattern ESCAPE '\'
       OR l.description LIKE :pattern ESCAPE '\'
       OR l.code_snippet LIKE :pattern ESCAPE '\')
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

-- name: update_function_code(function_id, code_snippet, signature_json, last_modified_date)!
-- Replace a function's code and signature and stamp its modification time.
UPDATE function
SET code_snippet = :code_snippet, signature_json = :signature_json,
    last_modified_date = :last_modified_date
WHERE function_id = :function_id;

-- name: touch_function(function_id, last_modified_date)!
-- Stamp a function's modification time (its modules, tags or dependencies changed).
UPDATE function SET last_modified_date = :last_modified_date WHERE function_id = :function_id;

-- name: delete_function(function_id)!
-- Delete a function; its links, tests, results and history go with it (ON DELETE CASCADE).
DELETE FROM function WHERE function_id = :function_id;

-- name: list_function_ids()
-- The id of every function (what imports need to know, without the code).
SELECT function_id FROM function;

-- name: list_function_names()
-- The id and name of every function (to find names that differ only in case or blanks).
SELECT function_id, name FROM function ORDER BY function_id;
