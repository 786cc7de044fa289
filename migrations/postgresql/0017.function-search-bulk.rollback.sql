DROP TRIGGER function_modules_search ON function_modules;
CREATE TRIGGER function_modules_search AFTER INSERT OR UPDATE OR DELETE ON function_modules
    FOR EACH ROW EXECUTE FUNCTION function_search_keep();

DROP TRIGGER function_tags_search ON function_tags;
CREATE TRIGGER function_tags_search AFTER INSERT OR UPDATE OR DELETE ON function_tags
    FOR EACH ROW EXECUTE FUNCTION function_search_keep();

DROP TRIGGER function_search_written ON function;
CREATE TRIGGER function_search_written AFTER INSERT OR UPDATE OF name, description, code_snippet
    ON function FOR EACH ROW EXECUTE FUNCTION function_search_keep();
