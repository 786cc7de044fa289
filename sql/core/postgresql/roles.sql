-- PostgreSQL versions of ../roles.sql.

-- name: where_am_i()^
-- The database and the schema codedb's tables live in.
SELECT current_database(), current_schema();

-- name: choose_reader_role(role)$
-- Name, for the rest of this transaction, the role grant_reader_role makes.
SELECT set_config('codedb.reader_role', :role, true);

-- name: grant_reader_role()#
-- Make the role chosen by choose_reader_role if it does not exist: it may log in (with the
-- authentication the server asks of it) and has no attribute beyond that; then let it read
-- every table and view of the current schema, and nothing else.
DO $$
DECLARE
    reader TEXT := current_setting('codedb.reader_role');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader) THEN
        BEGIN
            EXECUTE 'CREATE ROLE ' || quote_ident(reader) || ' LOGIN NOSUPERUSER NOCREATEDB '
                || 'NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another codedb made it a moment ago
        END;
    END IF;
    EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema()) || ' TO ' || quote_ident(reader);
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA ' || quote_ident(current_schema())
        || ' TO ' || quote_ident(reader);
END
$$;

-- name: session_privileges()^
-- What the session's role may do beyond reading: (superuser or like it, roles it is a member
-- of, tables and views of the schema it may change, sequences it may advance).
SELECT
    CAST(r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls AS INTEGER),
    (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid),
    (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema()
       AND CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f')
           THEN has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') END),
    (SELECT count(*) FROM pg_class c
     WHERE CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'USAGE, UPDATE') END)
FROM pg_roles r WHERE r.rolname = session_user;

-- name: begin_read_only()!
-- Make the current transaction read-only.
SET TRANSACTION READ ONLY;
