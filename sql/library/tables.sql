-- Whole tables of the function library, for stats, export, import, backup, restore and the
-- library's own inserts: per table a count, a dump in primary-key order (columns in the
-- record's field order), a clear, an idempotent load keyed on the primary key (loading the
-- same rows twice adds nothing; the API's inserts use it too, so each INSERT is written
-- once) and an analyze. core.registry checks at load that every table has its block.

-- name: count_function()$
-- Number of rows in function.
SELECT COUNT(*) FROM function;

-- name: dump_function()
-- Every row of function, in primary-key order.
SELECT function_id, name, description, code_snippet, creation_date, last_modified_date, signature_json FROM function ORDER BY function_id;

-- name: clear_function()!
-- Delete every row of function (restore replaces a database's content).
DELETE FROM function;

-- name: load_function*!
-- Insert rows into function, skipping those whose key exists.
INSERT INTO function (function_id, name, description, code_snippet, creation_date, last_modified_date, signature_json) VALUES (:function_id, :name, :description, :code_snippet, :creation_date, :last_modified_date, :signature_json)
ON CONFLICT (function_id) DO NOTHING;

-- name: analyze_function()#
-- Refresh the planner's statistics of function after a large load.
ANALYZE function;

-- name: count_module()$
-- Number of rows in module.
SELECT COUNT(*) FROM module;

-- name: dump_module()
-- Every row of module, in primary-key order.
SELECT name, module_id FROM module ORDER BY name;

-- name: clear_module()!
-- Delete every row of module (restore replaces a database's content).
DELETE FROM module;

-- name: load_module*!
-- Insert rows into module, skipping those whose key exists.
INSERT INTO module (name, module_id) VALUES (:name, :module_id)
ON CONFLICT (name) DO NOTHING;

-- name: analyze_module()#
-- Refresh the planner's statistics of module after a large load.
ANALYZE module;

-- name: count_tag()$
-- Number of rows in tag.
SELECT COUNT(*) FROM tag;

-- name: dump_tag()
-- Every row of tag, in primary-key order.
SELECT name FROM tag ORDER BY name;

-- name: clear_tag()!
-- Delete every row of tag (restore replaces a database's content).
DELETE FROM tag;

-- name: load_tag*!
-- Insert rows into tag, skipping those whose key exists.
INSERT INTO tag (name) VALUES (:name)
ON CONFLICT (name) DO NOTHING;

-- name: analyze_tag()#
-- Refresh the planner's statistics of tag after a large load.
ANALYZE tag;

-- name: count_function_modules()$
-- Number of rows in function_modules.
SELECT COUNT(*) FROM function_modules;

-- name: dump_function_modules()
-- Every row of function_modules, in primary-key order.
SELECT function_id, module_name FROM function_modules ORDER BY function_id, module_name;

-- name: clear_function_modules()!
-- Delete every row of function_modules (restore replaces a database's content).
DELETE FROM function_modules;

-- name: load_function_modules*!
-- Insert rows into function_modules, skipping those whose key exists.
INSERT INTO function_modules (function_id, module_name) VALUES (:function_id, :module_name)
ON CONFLICT (function_id, module_name) DO NOTHING;

-- name: analyze_function_modules()#
-- Refresh the planner's statistics of function_modules after a large load.
ANALYZE function_modules;

-- name: count_function_tags()$
-- Number of rows in function_tags.
SELECT COUNT(*) FROM function_tags;

-- name: dump_function_tags()
-- Every row of function_tags, in primary-key order.
SELECT function_id, tag FROM function_tags ORDER BY function_id, tag;

-- name: clear_function_tags()!
-- Delete every row of function_tags (restore replaces a database's content).
DELETE FROM function_tags;

-- name: load_function_tags*!
-- Insert rows into function_tags, skipping those whose key exists.
INSERT INTO function_tags (function_id, tag) VALUES (:function_id, :tag)
ON CONFLICT (function_id, tag) DO NOTHING;

-- name: analyze_function_tags()#
-- Refresh the planner's statistics of function_tags after a large load.
ANALYZE function_tags;

-- name: count_function_dependencies()$
-- Number of rows in function_dependencies.
SELECT COUNT(*) FROM function_dependencies;

-- name: dump_function_dependencies()
-- Every row of function_dependencies, in primary-key order.
SELECT function_id, depends_on_id FROM function_dependencies ORDER BY function_id, depends_on_id;

-- name: clear_function_dependencies()!
-- Delete every row of function_dependencies (restore replaces a database's content).
DELETE FROM function_dependencies;

-- name: load_function_dependencies*!
-- Insert rows into function_dependencies, skipping those whose key exists.
INSERT INTO function_dependencies (function_id, depends_on_id) VALUES (:function_id, :depends_on_id)
ON CONFLICT (function_id, depends_on_id) DO NOTHING;

-- name: analyze_function_dependencies()#
-- Refresh the planner's statistics of function_dependencies after a large load.
ANALYZE function_dependencies;

-- name: count_unittest()$
-- Number of rows in unittest.
SELECT COUNT(*) FROM unittest;

-- name: dump_unittest()
-- Every row of unittest, in primary-key order.
SELECT test_id, function_id, name, description, test_case FROM unittest ORDER BY test_id;

-- name: clear_unittest()!
-- Delete every row of unittest (restore replaces a database's content).
DELETE FROM unittest;

-- name: load_unittest*!
-- Insert rows into unittest, skipping those whose key exists.
INSERT INTO unittest (test_id, function_id, name, description, test_case) VALUES (:test_id, :function_id, :name, :description, :test_case)
ON CONFLICT (test_id) DO NOTHING;

-- name: analyze_unittest()#
-- Refresh the planner's statistics of unittest after a large load.
ANALYZE unittest;

-- name: count_testresult()$
-- Number of rows in testresult.
SELECT COUNT(*) FROM testresult;

-- name: dump_testresult()
-- Every row of testresult, in primary-key order.
SELECT result_id, test_id, function_id, execution_date, actual_result, status FROM testresult ORDER BY result_id;

-- name: clear_testresult()!
-- Delete every row of testresult (restore replaces a database's content).
DELETE FROM testresult;

-- name: load_testresult*!
-- Insert rows into testresult, skipping those whose key exists.
INSERT INTO testresult (result_id, test_id, function_id, execution_date, actual_result, status) VALUES (:result_id, :test_id, :function_id, :execution_date, :actual_result, :status)
ON CONFLICT (result_id) DO NOTHING;

-- name: analyze_testresult()#
-- Refresh the planner's statistics of testresult after a large load.
ANALYZE testresult;

-- name: count_modification()$
-- Number of rows in modification.
SELECT COUNT(*) FROM modification;

-- name: dump_modification()
-- Every row of modification, in primary-key order.
SELECT modification_id, function_id, modifier, modification_date, description FROM modification ORDER BY modification_id;

-- name: clear_modification()!
-- Delete every row of modification (restore replaces a database's content).
DELETE FROM modification;

-- name: load_modification*!
-- Insert rows into modification, skipping those whose key exists.
INSERT INTO modification (modification_id, function_id, modifier, modification_date, description) VALUES (:modification_id, :function_id, :modifier, :modification_date, :description)
ON CONFLICT (modification_id) DO NOTHING;

-- name: analyze_modification()#
-- Refresh the planner's statistics of modification after a large load.
ANALYZE modification;

-- name: count_function_vectors()$
-- Number of rows in function_vectors.
SELECT COUNT(*) FROM function_vectors;

-- name: dump_function_vectors()
-- Every row of function_vectors, in primary-key order.
SELECT function_id, model, dimensions, text_hash, vector, embedded_at FROM function_vectors ORDER BY function_id, model;

-- name: clear_function_vectors()!
-- Delete every row of function_vectors.
DELETE FROM function_vectors;

-- name: load_function_vectors*!
-- Insert rows into function_vectors, skipping those whose key exists.
INSERT INTO function_vectors (function_id, model, dimensions, text_hash, vector, embedded_at)
VALUES (:function_id, :model, :dimensions, :text_hash, :vector, :embedded_at)
ON CONFLICT (function_id, model) DO NOTHING;

-- name: analyze_function_vectors()#
-- Refresh the planner's statistics of function_vectors.
ANALYZE function_vectors;
