-- function_listing: each function with its modules and tags as JSON arrays (json_group_array
-- is SQLite's; migration 0002 gives PostgreSQL the same aggregate). The listing queries of
-- sql/functions.sql read it, so that each stays a few lines and both backends share them.
CREATE VIEW function_listing AS
SELECT
    f.function_id,
    f.name,
    f.description,
    f.code_snippet,
    f.creation_date,
    f.last_modified_date,
    f.signature_json,
    (SELECT json_group_array(fm.module_name) FROM function_modules fm
     WHERE fm.function_id = f.function_id) AS modules,
    (SELECT json_group_array(ft.tag) FROM function_tags ft
     WHERE ft.function_id = f.function_id) AS tags
FROM function f;
