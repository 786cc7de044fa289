ALTER TABLE function ADD COLUMN name_words tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('simple', codedb_search_words(name)), 'A')) STORED;
CREATE INDEX function_name_words_idx ON function USING gin (name_words);
ALTER TABLE function ALTER COLUMN name_words SET STATISTICS 1000;
ANALYZE function (name_words);
ALTER TABLE function_search DROP COLUMN name_words;
DROP FUNCTION codedb_name_words(tsvector);
