-- Modules: named groups of functions. A function may belong to several.

-- name: insert_module(name, module_id)!
-- Create a module unless one of that name exists.
INSERT INTO module (name, module_id) VALUES (:name, :module_id)
ON CONFLICT (name) DO NOTHING;

-- name: insert_modules*!
-- Create many modules (dicts with name and module_id), skipping names that exist.
INSERT INTO module (name, module_id) VALUES (:name, :module_id)
ON CONFLICT (name) DO NOTHING;

-- name: link_function_module(function_id, module_name)!
-- Put a function in a module (no-op if it is there already).
INSERT INTO function_modules (function_id, module_name) VALUES (:function_id, :module_name)
ON CONFLICT (function_id, module_name) DO NOTHING;

-- name: link_function_modules*!
-- Put many functions in modules (dicts with function_id and module_name).
INSERT INTO function_modules (function_id, module_name) VALUES (:function_id, :module_name)
ON CONFLICT (function_id, module_name) DO NOTHING;

-- name: list_modules()
-- Every module with the number of functions in it.
SELECT m.name, m.module_id,
       (SELECT COUNT(*) FROM function_modules fm WHERE fm.module_name = m.name) AS functions
FROM module m ORDER BY m.name;

-- name: get_module(name)^
-- One module by name.
SELECT name, module_id FROM module WHERE name = :name;

-- name: list_function_ids_in_module(module_name)
-- Ids of the functions in a module.
SELECT function_id FROM function_modules WHERE module_name = :module_name ORDER BY function_id;
