-- Connection set-up and the catalog: what codedb reads about a database itself.

-- name: use_wal()$
-- Put the database in WAL mode (readers never wait for the writer); returns the mode. SQLite
-- does not wait for a lock here: codedb.core.db retries it within the busy timeout.
PRAGMA journal_mode = WAL;

-- name: configure_connection()#
-- Set up a read-write connection (after use_wal): enforced foreign keys, a busy timeout,
-- synchronous=NORMAL, and deleted rows zeroed where their page is written anyway (secure_delete
-- FAST: Debian builds SQLite to zero every freed page too, which made dropping a 2 GB search
-- index take 40 s instead of 0.6 s; 'codedb backup --compact' writes a file without freed pages).
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA synchronous = NORMAL;
PRAGMA secure_delete = FAST;

-- name: wait_for_no_lock()#
-- codedb.aio's SQLite connections wait for no lock inside SQLite: codedb.core.bridge tries a
-- statement refused for the write lock again without holding up the event loop.
PRAGMA busy_timeout = 0;

-- name: configure_readonly_connection()#
-- Set up a connection that must not write: refuse writes, wait for locks, read the header.
PRAGMA query_only = ON;
PRAGMA busy_timeout = 5000;
PRAGMA schema_version;

-- name: list_tables()
-- Names of the tables of the database: views, virtual tables (a full-text index, rootpage 0)
-- and their shadow tables (named after them with the suffixes of SQLite's own modules: FTS5,
-- FTS3/4, R*Tree), and SQLite's internal tables excluded. The list pragma_table_list gives,
-- without opening every virtual table (1.9 ms on codedb's schema, 0.2 ms here).
WITH virtual (name) AS MATERIALIZED (
    SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage = 0
)
SELECT t.name FROM sqlite_schema AS t
WHERE t.type = 'table' AND t.rootpage <> 0 AND t.name NOT LIKE 'sqlite!_%' ESCAPE '!'
  AND NOT EXISTS (
      SELECT 1 FROM virtual AS v
      WHERE substr(t.name, 1, length(v.name) + 1) = v.name || '_'
        AND substr(t.name, length(v.name) + 2) IN ('config', 'content', 'data', 'docsize', 'idx',
                                                   'segments', 'segdir', 'stat', 'node', 'parent', 'rowid'))
ORDER BY t.name;

-- name: list_virtual_tables()
-- Virtual tables (full-text indexes) with the statement that creates them.
SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'
ORDER BY name;

-- name: describe_schema()
-- The catalog as (kind, name, table, definition) rows, for comparing two schemas.
SELECT type, name, tbl_name, sql FROM sqlite_master
WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'
ORDER BY type, name;

-- name: list_applied_migrations()
-- yoyo's record of applied migrations: (migration_id, applied_at_utc), oldest first.
SELECT migration_id, applied_at_utc FROM _yoyo_migration
ORDER BY applied_at_utc, migration_id;

-- name: server_version()$
-- The version of the database engine.
SELECT 'SQLite ' || sqlite_version();

-- name: database_size()$
-- Size of the database in bytes.
SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();

-- name: page_count()$
-- The number of pages of the database file.
SELECT page_count FROM pragma_page_count();

-- name: journal_mode()$
-- The journal mode (wal, delete, ...); NULL where the engine has none.
SELECT journal_mode FROM pragma_journal_mode();

-- name: integrity_check()
-- Problems found by the engine's integrity check; the single row 'ok' means none.
SELECT integrity_check FROM pragma_integrity_check();

-- name: integrity_check_table(table_name)
-- The integrity check of one table and its indexes (where the whole check stops on damage).
SELECT integrity_check FROM pragma_integrity_check(:table_name);

-- name: list_stored_tables()
-- Every table of the file, SQLite's own and the index's shadow tables too.
SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name;

-- name: quick_check()
-- The engine's quicker check (no index-to-table cross check): 'ok' when sound.
SELECT quick_check FROM pragma_quick_check();

-- name: foreign_key_check()
-- Rows whose foreign keys point at nothing: (table, rowid, parent table).
SELECT "table", rowid, parent FROM pragma_foreign_key_check();

-- name: begin_snapshot()!
-- Make the current transaction one consistent snapshot (SQLite's deferred transactions are).
SELECT 1;

-- name: defer_references()!
-- Check foreign keys at commit, not at each statement, for the rest of this transaction (a
-- bulk add writes a function's links before the function).
PRAGMA defer_foreign_keys = ON;

-- name: vacuum()#
-- Rebuild the database file, returning free pages to the file system.
VACUUM;

-- name: vacuum_into(path)!
-- Write a compacted copy of the database to a new file (a consistent snapshot).
VACUUM INTO :path;

-- name: checkpoint()$
-- Move the write-ahead log into the database file and empty it.
PRAGMA wal_checkpoint(TRUNCATE);

-- name: skip_syncs()$
-- Write without waiting for the disk: only for a temporary copy that is flushed before use.
PRAGMA synchronous = OFF;

-- name: use_rollback_journal()$
-- Make a database one self-contained file (no -wal beside it): what a backup copy should be.
PRAGMA journal_mode = DELETE;

-- name: current_schema()$
-- The schema codedb's tables live in (SQLite: always main).
SELECT 'main';

-- name: search_path()$
-- Where the engine looks for tables (SQLite: the main database).
SELECT 'main';

-- name: create_migration_table()!
-- The migration record yoyo keeps, made by hand for an in-memory database (yoyo needs a file).
CREATE TABLE IF NOT EXISTS _yoyo_migration (
    migration_hash VARCHAR(64) PRIMARY KEY,
    migration_id VARCHAR(255),
    applied_at_utc TIMESTAMP
);

-- name: record_migration(migration_hash, migration_id, applied_at_utc)!
-- Note a migration applied to an in-memory database.
INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc)
VALUES (:migration_hash, :migration_id, :applied_at_utc);

-- name: forget_migration(migration_id)!
-- Note a migration rolled back from an in-memory database.
DELETE FROM _yoyo_migration WHERE migration_id = :migration_id;

-- name: try_advisory_lock(key)$
-- Take the migration lock of a server database (PostgreSQL only; SQLite files use flock).
SELECT CAST(:key AS INTEGER) IS NOT NULL;

-- name: advisory_unlock(key)$
-- Release the migration lock of a server database (PostgreSQL only).
SELECT CAST(:key AS INTEGER) IS NOT NULL;

-- name: clear_migration_locks()!
-- Delete yoyo's lock rows (called while holding codedb's own lock: they are stale).
DELETE FROM yoyo_lock;

-- name: table_columns(table_name)
-- The columns of a table in their stored order (SQLite; recover maps a damaged file's
-- records onto them).
SELECT name FROM pragma_table_info(:table_name) ORDER BY cid;

-- name: primary_key_columns(table_name)
-- The columns of a table's primary key, in key order.
SELECT name FROM pragma_table_info(:table_name) WHERE pk > 0 ORDER BY pk;

-- name: checkpoint_passive()^
-- Copy what the write-ahead log holds into the database file without waiting for anyone:
-- (busy, frames in the log, frames copied); all copied when busy is 0 and the last two are
-- equal (another connection's running checkpoint gives busy 1 and -1, -1).
PRAGMA wal_checkpoint(PASSIVE);

-- name: begin_write()!
-- Take the write lock (writers wait until it is released).
BEGIN IMMEDIATE;

-- name: begin_read()!
-- Open a read transaction (its snapshot starts at its first read).
BEGIN;

-- name: end_transaction()!
-- End a transaction that changed nothing.
ROLLBACK;

-- name: data_version()$
-- A number that changes when another connection commits to the database (with this
-- connection's total_changes, it tells that nothing was written since; codedb.core.vectors).
SELECT data_version FROM pragma_data_version();
