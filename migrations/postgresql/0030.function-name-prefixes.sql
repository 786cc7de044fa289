-- The name tier of a ranked search (the functions whose name matches, ranked first) is found in
-- the search index itself: function_search.name_words, each document's name words (weight A)
-- and the first 3 and 4 letters of each of them as words of their own ('*getu' for getUser),
-- with a GIN index, in place of function.name_words (migration 0026).
-- - A search's last word is also a prefix. GIN finds a prefix by reading every word of its
--   index that starts so, and a camelCase name is a word of its own (getUser: get, user and
--   getuser), so a prefix of 4 letters at a million functions read about 10,000 words, one a
--   name: 8.3 of the search's 19 ms of execution. It now reads one word, 3.3 ms
--   (TextQuery.name_lookup). SQLite's FTS5
--   index keeps the same prefixes (prefix = '3 4', migration 0017).
-- - The tier's candidates are rows of function_search, whose documents it ranks, instead of
--   rows of function looked up there one by one.
-- The '*' keeps a prefix apart from a real word, which is letters and digits only, and, before
-- it, out of a search for the words that start so: a phrase holding such a search (v2ge*: v 2
-- ge*) would read the prefixes' words, which have no positions. PostgreSQL keeps the column
-- wherever a document is written (18 us a document).
CREATE FUNCTION codedb_name_words(document tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT names || array_to_tsvector(ARRAY(
               SELECT DISTINCT '*' || left(w, n)
               FROM unnest(tsvector_to_array(names)) AS w, (VALUES (3), (4)) AS p (n)
               WHERE length(w) >= n))
    FROM ts_filter(document, '{a}') AS names
$$;

ALTER TABLE function_search ADD COLUMN name_words tsvector
    GENERATED ALWAYS AS (codedb_name_words(document)) STORED;
CREATE INDEX function_search_names_idx ON function_search USING gin (name_words);
-- The planner's sample of its words, as migration 0029 set for the column it replaces.
ALTER TABLE function_search ALTER COLUMN name_words SET STATISTICS 1000;
ANALYZE function_search (name_words);
DROP INDEX function_name_words_idx;
ALTER TABLE function DROP COLUMN name_words;
