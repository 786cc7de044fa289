-- A bulk load into an empty schema (codedb copy), PostgreSQL's way, as pg_restore does it:
-- the rows first, then the indexes and references built once from all of them.

-- name: set_aside_for_load()!
-- Inside the load's transaction, before the rows: drop every foreign key and every index that
-- is neither a primary key nor unique of the tables of the current schema, keeping each
-- definition (as the catalog writes it) in a temporary table for put_back_after_load. A
-- reference checked row by row and indexes kept row by row cost more than the rows do.
-- Primary keys and unique indexes stay: they are what refuses a row twice. The search
-- index's own GIN and reference are set aside by the library's reindex (search.sql) first.
DO $$
DECLARE
    item RECORD;
BEGIN
    CREATE TEMPORARY TABLE codedb_set_aside (
        position SERIAL PRIMARY KEY,
        kind INTEGER NOT NULL,  -- 1: an index, 2: a foreign key (built after the indexes)
        definition TEXT NOT NULL
    ) ON COMMIT DROP;
    FOR item IN
        SELECT c.conrelid::regclass AS owner, c.conname AS name,
               'ALTER TABLE ' || c.conrelid::regclass::text || ' ADD CONSTRAINT ' || quote_ident(c.conname)
               || ' ' || pg_get_constraintdef(c.oid) AS definition
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
        ORDER BY c.oid
    LOOP
        INSERT INTO codedb_set_aside (kind, definition) VALUES (2, item.definition);
        EXECUTE 'ALTER TABLE ' || item.owner::text || ' DROP CONSTRAINT ' || quote_ident(item.name);
    END LOOP;
    FOR item IN
        SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS definition
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY i.indexrelid
    LOOP
        INSERT INTO codedb_set_aside (kind, definition) VALUES (1, item.definition);
        EXECUTE 'DROP INDEX ' || item.name::text;
    END LOOP;
END $$;

-- name: put_back_after_load()!
-- After the rows, in the same transaction: build what set_aside_for_load dropped, the indexes
-- first, then the foreign keys (each checks every row at once).
DO $$
DECLARE
    item RECORD;
BEGIN
    FOR item IN SELECT definition FROM codedb_set_aside ORDER BY kind, position LOOP
        EXECUTE item.definition;
    END LOOP;
    DROP TABLE codedb_set_aside;
END $$;
