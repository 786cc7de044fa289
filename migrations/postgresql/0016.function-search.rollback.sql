ALTER TABLE function_modules ALTER CONSTRAINT function_modules_function_id_fkey NOT DEFERRABLE;
ALTER TABLE function_tags ALTER CONSTRAINT function_tags_function_id_fkey NOT DEFERRABLE;
DROP TRIGGER function_modules_search ON function_modules;
DROP TRIGGER function_tags_search ON function_tags;
DROP TRIGGER function_search_written ON function;
DROP FUNCTION function_search_keep();
DROP TABLE function_search;
DROP FUNCTION function_search_document(TEXT);
DROP FUNCTION codedb_words(TEXT);
