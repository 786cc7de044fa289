DROP INDEX IF EXISTS function_name_trigrams_idx;
