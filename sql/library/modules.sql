-- Modules: named groups of functions. A function may belong to several.

-- name: list_modules()
-- record_class: ModuleCount
-- Every module with the number of functions in it.
SELECT m.name, m.module_id,
       (SELECT COUNT(*) FROM function_modules fm WHERE fm.module_name = m.name) AS functions
FROM module m ORDER BY m.name;

-- name: get_module(name)^
-- record_class: Module
-- One module by name.
SELECT name, module_id FROM module WHERE name = :name;

-- name: list_function_ids_in_module(module_name)
-- Ids of the functions in a module.
SELECT function_id FROM function_modules WHERE module_name = :module_name ORDER BY function_id;
