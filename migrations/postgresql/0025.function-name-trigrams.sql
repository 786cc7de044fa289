-- A word of a search is also looked for inside functions' names (SQLite's 0025 indexes them by
-- trigrams). PostgreSQL reads names with ILIKE, which pg_trgm's GIN operator class indexes:
-- where the server has the extension (an administrator's CREATE EXTENSION pg_trgm, in any
-- schema), the names get that index here; without it ILIKE reads every name (0.5 s at a
-- million functions). 'codedb reindex' creates the index later if the extension comes later.
DO $$
DECLARE
    home TEXT := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'pg_trgm');
BEGIN
    IF home IS NOT NULL THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS function_name_trigrams_idx ON function USING gin (name '
                || quote_ident(home) || '.gin_trgm_ops)';
    END IF;
END $$;
