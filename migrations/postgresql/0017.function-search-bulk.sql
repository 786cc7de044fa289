-- codedb's bulk adds (Functions.add_many) index their functions themselves, with one
-- statement for the lot instead of the per-row trigger. Each trigger of migration 0016 gains a
-- pause: it does nothing while its setting (codedb.pause_function_search and the others below)
-- is 'on'. codedb turns a setting on for its own transaction only (set_config(..., true))
-- around the bulk add's inserts and off again before the transaction goes on, so no other
-- session or transaction is affected and a failed add rolls it back with the rest.
DROP TRIGGER function_search_written ON function;
CREATE TRIGGER function_search_written AFTER INSERT OR UPDATE OF name, description, code_snippet
    ON function FOR EACH ROW
    WHEN (current_setting('codedb.pause_function_search', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION function_search_keep();

DROP TRIGGER function_tags_search ON function_tags;
CREATE TRIGGER function_tags_search AFTER INSERT OR UPDATE OR DELETE ON function_tags
    FOR EACH ROW
    WHEN (current_setting('codedb.pause_function_tags_search', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION function_search_keep();

DROP TRIGGER function_modules_search ON function_modules;
CREATE TRIGGER function_modules_search AFTER INSERT OR UPDATE OR DELETE ON function_modules
    FOR EACH ROW
    WHEN (current_setting('codedb.pause_function_modules_search', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION function_search_keep();
