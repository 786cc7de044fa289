-- Back to migration 0020's documents.
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
WHERE s.document IS DISTINCT FROM function_search_document(s.function_id);

DROP FUNCTION codedb_search_words(TEXT);
