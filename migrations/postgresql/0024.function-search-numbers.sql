-- A number glued to letters is found by a search for the number: a function's search document
-- also holds, for each text where a letter and a digit touch (port8080, HTTP404, sha256sum),
-- the runs of digits of the text as words (8080, 404, 256). A search for a number
-- (codedb.core.textsearch: a term of digits only) looks for that word instead of the phrase of
-- its digits one by one, each digit a word of most functions. SQLite's index does the same
-- (its 0024). Only the documents of functions with such a text change.

CREATE FUNCTION codedb_search_words(t TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN codedb_words_and_whole(t)
    || CASE WHEN t ~ '[A-Za-z][0-9]|[0-9][A-Za-z]'
            THEN ' ' || regexp_replace(translate(lower(left(t, 100000)), 'abcdefghijklmnopqrstuvwxyz', repeat(' ', 26)),
                                       '[^[:alnum:]]+', ' ', 'g')
            ELSE '' END;

CREATE OR REPLACE FUNCTION function_search_document(fid TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('simple', codedb_search_words(f.name)), 'A')
        || setweight(to_tsvector('simple', codedb_search_words(COALESCE(
               (SELECT string_agg(label, ' ' ORDER BY label) FROM (
                    SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
                    UNION ALL
                    SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id) AS l),
               ''))), 'B')
        || setweight(to_tsvector('simple', codedb_search_words(f.description)), 'C')
        || setweight(to_tsvector('simple', codedb_search_words(f.code_snippet)), 'D')
    FROM function f WHERE f.function_id = fid
$$;

UPDATE function_search s SET document = function_search_document(s.function_id)
FROM function f
WHERE f.function_id = s.function_id
  AND (f.name || ' ' || f.description || ' ' || f.code_snippet ~ '[A-Za-z][0-9]|[0-9][A-Za-z]'
       OR EXISTS (SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id
                  AND t.tag ~ '[A-Za-z][0-9]|[0-9][A-Za-z]')
       OR EXISTS (SELECT 1 FROM function_modules m WHERE m.function_id = f.function_id
                  AND m.module_name ~ '[A-Za-z][0-9]|[0-9][A-Za-z]'));
