-- function_summary: one row per function with what people look up by hand.
-- (SQLite has its own file: only the string aggregate differs.)

-- SQLite's json_group_array(x) for text, so that the listing queries of sql/ are the same
-- SQL on both backends: a JSON array of the values, [] over no rows.
CREATE AGGREGATE json_group_array(text) (
    SFUNC = array_append,
    STYPE = text[],
    INITCOND = '{}',
    FINALFUNC = array_to_json
);

CREATE VIEW function_summary AS
SELECT
    f.function_id,
    f.name,
    f.description,
    f.creation_date,
    f.last_modified_date,
    (SELECT string_agg(fm.module_name, ', ' ORDER BY fm.module_name) FROM function_modules fm
     WHERE fm.function_id = f.function_id) AS modules,
    (SELECT string_agg(ft.tag, ', ' ORDER BY ft.tag) FROM function_tags ft
     WHERE ft.function_id = f.function_id) AS tags,
    (SELECT COUNT(*) FROM unittest ut WHERE ut.function_id = f.function_id) AS test_count,
    (SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
     ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) AS latest_status,
    (SELECT MAX(tr.execution_date) FROM testresult tr
     WHERE tr.function_id = f.function_id) AS last_run
FROM function f;
