DROP INDEX function_name_words_idx;
ALTER TABLE function DROP COLUMN name_words;
