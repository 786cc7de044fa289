-- PostgreSQL versions of the catalog queries of ../meta.sql.

-- name: use_wal()$
-- PostgreSQL always writes ahead: nothing to switch.
SELECT 'wal';

-- name: configure_connection()#
-- Set up a read-write connection: timestamps are read and written in UTC; no JIT (codedb's
-- queries are short, and compiling one took 12 ms of a 20 ms page of the listing view).
SET TIME ZONE 'UTC';
SET jit = off;

-- name: configure_readonly_connection()#
-- Set up a connection that must not write: every transaction is read-only; no JIT.
SET TIME ZONE 'UTC';
SET jit = off;
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;

-- name: list_tables()
-- Names of the tables of the current schema.
SELECT table_name FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
ORDER BY table_name;

-- name: describe_schema()
-- The catalog as (kind, name, table, definition) rows, for comparing two schemas.
SELECT 'column', c.table_name || '.' || c.column_name, c.table_name,
       c.data_type || ' null=' || c.is_nullable || ' default=' || COALESCE(c.column_default, '')
FROM information_schema.columns c
WHERE c.table_schema = current_schema()
UNION ALL
SELECT 'constraint', con.conname, rel.relname, pg_get_constraintdef(con.oid)
FROM pg_constraint con
JOIN pg_class rel ON rel.oid = con.conrelid
JOIN pg_namespace nsp ON nsp.oid = rel.relnamespace
WHERE nsp.nspname = current_schema()
UNION ALL
SELECT 'index', indexname, tablename, indexdef
FROM pg_indexes WHERE schemaname = current_schema()
UNION ALL
SELECT 'view', viewname, viewname, definition
FROM pg_views WHERE schemaname = current_schema()
ORDER BY 1, 2;

-- name: server_version()$
-- The version of the database engine.
SELECT 'PostgreSQL ' || current_setting('server_version');

-- name: database_size()$
-- Size in bytes of the tables and indexes of the current schema.
SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm');

-- name: journal_mode()$
-- The journal mode; PostgreSQL always writes ahead, so this reports its wal_level.
SELECT 'wal (' || current_setting('wal_level') || ')';

-- name: integrity_check()
-- PostgreSQL checks its pages itself; one row 'ok' keeps the shape of the SQLite check.
SELECT 'ok';

-- name: integrity_check_table(table_name)
-- PostgreSQL checks its pages itself; one row 'ok' keeps the shape of the SQLite check.
SELECT 'ok' WHERE CAST(:table_name AS TEXT) IS NOT NULL;

-- name: list_stored_tables()
-- The tables of the current schema.
SELECT table_name FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
ORDER BY table_name;

-- name: quick_check()
-- PostgreSQL checks its pages itself; one row 'ok' keeps the shape of the SQLite check.
SELECT 'ok';

-- name: foreign_key_check()
-- PostgreSQL enforces foreign keys on every write, so no row can point at nothing.
SELECT CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS TEXT) WHERE FALSE;

-- name: begin_snapshot()!
-- Make the current transaction one consistent, read-only snapshot.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;

-- name: defer_references()!
-- Check the deferrable foreign keys at commit, not at each statement, for the rest of this
-- transaction (a bulk add writes a function's links before the function).
SET CONSTRAINTS ALL DEFERRED;

-- name: vacuum()#
-- Reclaim space and refresh the planner's statistics (every table the user may vacuum).
VACUUM (ANALYZE);

-- name: current_schema()$
-- The schema codedb's tables live in: the first of the search path that exists, or NULL.
SELECT current_schema();

-- name: search_path()$
-- The search path of this connection, to name a schema that does not exist.
SELECT current_setting('search_path');

-- name: try_advisory_lock(key)$
-- Take the migration lock of this schema: a session lock the server drops if we die.
SELECT pg_try_advisory_lock(:key, hashtext(current_schema()));

-- name: advisory_unlock(key)$
-- Release the migration lock of this schema.
SELECT pg_advisory_unlock(:key, hashtext(current_schema()));

-- name: primary_key_columns(table_name)
-- The columns of a table's primary key, in key order.
SELECT k.column_name
FROM information_schema.table_constraints c
JOIN information_schema.key_column_usage k
  ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema
WHERE c.table_schema = current_schema() AND c.table_name = :table_name AND c.constraint_type = 'PRIMARY KEY'
ORDER BY k.ordinal_position;

-- name: data_version()$
-- PostgreSQL keeps no such number: NULL, so that what it guards is always read.
SELECT NULL;
