"""`codedb query`: one SQL statement of the user's, run so that it cannot change anything,
whatever it says. What it may do is limited by the database itself, never by reading the SQL:

- SQLite: a read-only connection, and an authorizer that refuses, before it acts, what such a
  connection still allows: ATTACH and VACUUM (both open or create other files), pragmas that
  set something or act, transaction control, and every write.
- PostgreSQL: the statement runs as a prepared statement (so one statement only), in a
  read-only transaction that is always rolled back, in a session whose role may only read:
  the connecting role when it is such a role, else the read-only role made for this schema
  by `codedb init` (`reader_role_name`), logged in as itself. SET ROLE would not do: a
  superuser or the tables' owner can take their own role back from inside a statement
  (set_config('role', ...)), so the session itself must be unprivileged. When no such role
  can log in, the query is refused with the fix.
"""

import hashlib
import re
import sqlite3
from typing import Any

from ..core.db import Database
from ..errors import CodedbError, InvalidInput, first_line


class QueryRefused(CodedbError):
    """`codedb query` cannot run here without the power to change something."""


def run_query(db: Database, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of `sql`; InvalidInput for SQL the engine refuses."""
    if not isinstance(sql, str) or not sql.strip():
        raise InvalidInput("empty query; give one SQL statement, e.g. 'SELECT * FROM function_summary'")
    if "\x00" in sql:
        raise InvalidInput("the query holds a NUL character; remove it")
    if db.dialect == "postgresql":
        return _run_postgres(db, sql)
    return _run_sqlite(db, sql)


def _failed(exc: BaseException) -> InvalidInput:
    return InvalidInput(f"the query failed: {first_line(exc)}; check the SQL (it must only read)")


# --- SQLite ---------------------------------------------------------------------------------

_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
# Pragmas that only report, with the argument they take (a table or an index to describe).
_REPORTING_PRAGMAS = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
}  # fmt: skip
# Pragmas that report when given no value, and set something when given one.
_READABLE_PRAGMAS = {
    "database_list", "collation_list", "function_list", "module_list", "pragma_list",
    "compile_options", "page_count", "page_size", "freelist_count", "journal_mode", "user_version",
    "application_id", "schema_version", "encoding", "data_version", "foreign_keys", "auto_vacuum",
}  # fmt: skip
_ACTIONS = {
    sqlite3.SQLITE_ATTACH: "ATTACH and VACUUM",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_PRAGMA: "a pragma that sets or does something",
    sqlite3.SQLITE_TRANSACTION: "transaction control",
    sqlite3.SQLITE_SAVEPOINT: "transaction control",
}


def _run_sqlite(db: Database, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    refused: list[str] = []

    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None) -> int:
        if action in _READS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and (
            arg1 in _REPORTING_PRAGMAS or (arg1 in _READABLE_PRAGMAS and arg2 is None)
        ):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
            return sqlite3.SQLITE_OK  # SQLite's own, for a pragma's table (the schema is not writable)
        refused.append(_ACTIONS.get(action, "writing"))
        return sqlite3.SQLITE_DENY

    db.conn.set_authorizer(authorize)
    try:
        cursor = db.conn.execute(sql)  # the user's own statement, checked by `authorize` as it is prepared
        try:
            return _result(cursor)
        finally:
            cursor.close()
    except sqlite3.Error as exc:
        if refused:
            raise InvalidInput(
                f"the query was refused: {refused[0]} is not allowed; codedb query only reads"
            ) from None
        raise _failed(exc) from None
    finally:
        db.conn.set_authorizer(None)


# --- PostgreSQL -----------------------------------------------------------------------------


def reader_role_name(database: str, schema: str) -> str:
    """The read-only role of a schema: roles belong to the whole server, so each schema of
    each database gets its own (one role reading two schemas would let a user of one read the
    other). Readable, and at most 49 characters (PostgreSQL keeps 63)."""
    plain = re.sub(r"[^a-z0-9_]", "", schema.lower())[:24]
    digest = hashlib.sha256(f"{database}\x00{schema}".encode()).hexdigest()[:10]
    return f"codedb_reader_{plain}_{digest}"


def grant_query_role(db: Database) -> str | None:
    """Make the read-only role of this schema (if it is missing) and let it read every table
    and view there; None when done, else why it could not be (the connecting role may not
    create roles). A no-op on SQLite. `init` and `migrate` call it."""
    if db.dialect != "postgresql" or db.in_transaction:
        return None
    import psycopg

    database, schema = db.queries.core.where_am_i(db.conn)
    role = reader_role_name(database, schema)
    try:
        with db.transaction():
            db.queries.core.choose_reader_role(db.conn, role=role)
            db.queries.core.grant_reader_role(db.conn)
    except psycopg.Error as exc:
        return f"could not make the read-only role {role} for 'codedb query' ({first_line(exc)})"
    return None


def _powers(queries: Any, conn: Any) -> str | None:
    """What the session's role may do beyond reading, in words; None when it may only read."""
    privileged, memberships, writable, sequences = queries.session_privileges(conn)
    found = [
        "it is a superuser or may create roles or databases" * bool(privileged),
        f"it is a member of {memberships} role{'s' * (memberships != 1)}" * bool(memberships),
        f"it may change {writable} table{'s' * (writable != 1)}" * bool(writable),
        f"it may advance {sequences} sequence{'s' * (sequences != 1)}" * bool(sequences),
    ]
    return "; ".join(f for f in found if f) or None


def _run_postgres(db: Database, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    core = db.queries.core
    unprivileged = _powers(core, db.conn) is None
    if unprivileged and not db.target.pgbouncer:  # the connecting role may only read: run it there
        return _read_only(core, db.conn, sql)
    role = None if unprivileged else reader_role_name(*core.where_am_i(db.conn))
    with _login(db, role) as conn:
        powers = _powers(core, conn)
        if powers is not None:
            raise QueryRefused(
                f"the role {role} that codedb query runs SQL as may do more than read ({powers}); "
                "revoke that (a connection pooler that logs every client in as one user does "
                "this: point --db at the server)"
            )
        return _read_only(core, conn, sql)


def _login(db: Database, role: str | None) -> Any:
    """A new connection to `db`'s server as `role` (None: as the URL says), which prepares the
    statements it is asked to: a prepared statement is what keeps a query to one statement,
    and a connection made for PgBouncer would not prepare any (see _read_only)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from ..core.db import CONNECT_TIMEOUT_SECONDS
    from ..core.target import mask

    params = conninfo_to_dict(db.target.conninfo)
    if role is not None:
        params = {key: value for key, value in params.items() if key != "password"}
        params["user"] = role
    params["connect_timeout"] = params.get("connect_timeout") or CONNECT_TIMEOUT_SECONDS
    try:
        return psycopg.connect(make_conninfo("", **params), autocommit=True, prepare_threshold=0)
    except psycopg.Error as exc:
        raise QueryRefused(
            f"codedb query runs SQL as the read-only role {role}, which cannot log in to "
            f"{db.target.display} ({mask(first_line(exc))}); make it with 'codedb init' as a role "
            f"that may create roles, or give it a password (ALTER ROLE {role} PASSWORD '...') "
            "and put that in ~/.pgpass"
        ) from None


def _read_only(core: Any, conn: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run `sql` in a read-only transaction that is rolled back whatever it did (psycopg
    deallocates what was prepared in a transaction rolled back: nothing is left on a server
    connection that PgBouncer hands to others next)."""
    from ..errors import describe_driver_error

    try:
        with conn.transaction(force_rollback=True), conn.cursor() as cursor:
            core.begin_read_only(conn)
            cursor.execute(sql, prepare=True)  # one statement, the user's own, as psql runs it
            return _result(cursor)
    except Exception as exc:
        if describe_driver_error(exc) is None or isinstance(exc, OSError):
            raise
        raise _failed(exc) from None


def _result(cursor: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    if cursor.description is None:
        return [], []
    return [d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()]
