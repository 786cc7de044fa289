-- The role `codedb query` runs a user's SQL as. SQLite has no roles: there the statement is
-- limited by a read-only connection and an authorizer (codedb.schema.query).

-- name: where_am_i()^
-- The database and the schema codedb's tables live in.
SELECT 'main', 'main';

-- name: choose_reader_role(role)$
-- Name, for the rest of this transaction, the role grant_reader_role makes.
SELECT :role;

-- name: grant_reader_role()#
-- Make the read-only role (nothing to do on SQLite).
SELECT 1;

-- name: session_privileges()^
-- What the session's role may do beyond reading: (superuser or like it, roles it is a member
-- of, tables and views of the schema it may change, sequences it may advance).
SELECT 0, 0, 0, 0;

-- name: begin_read_only()!
-- Make the current transaction read-only.
SELECT 1;
