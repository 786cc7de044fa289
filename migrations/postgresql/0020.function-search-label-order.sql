-- A function's tags and modules enter its search document in alphabetical order: string_agg
-- without ORDER BY took them in whatever order the plan read them, so the same function got
-- documents with different positions on the trigger path and the bulk path (a flaky test). The
-- documents with more than one label are made again.

CREATE OR REPLACE FUNCTION function_search_document(fid TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('simple', codedb_words_and_whole(f.name)), 'A')
        || setweight(to_tsvector('simple', codedb_words_and_whole(COALESCE(
               (SELECT string_agg(label, ' ' ORDER BY label) FROM (
                    SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
                    UNION ALL
                    SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id) AS l),
               ''))), 'B')
        || setweight(to_tsvector('simple', codedb_words_and_whole(f.description)), 'C')
        || setweight(to_tsvector('simple', codedb_words_and_whole(f.code_snippet)), 'D')
    FROM function f WHERE f.function_id = fid
$$;

UPDATE function_search s SET document = function_search_document(s.function_id)
WHERE (SELECT count(*) FROM function_tags t WHERE t.function_id = s.function_id)
    + (SELECT count(*) FROM function_modules m WHERE m.function_id = s.function_id) > 1;
