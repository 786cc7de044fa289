"""`codedb query`: one read-only SQL statement of the user's, as the sqlite3 shell and psql run
them. The database is opened read-only (SQLite) or the statement runs in a read-only
transaction (PostgreSQL, as a prepared statement, so a second statement cannot ride along)."""

from typing import Any

from ..core.db import Database
from ..errors import InvalidInput, first_line


def run_query(db: Database, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of `sql`; InvalidInput for SQL the engine refuses."""
    if not isinstance(sql, str) or not sql.strip():
        raise InvalidInput("empty query; give one SQL statement, e.g. 'SELECT * FROM function_summary'")
    if "\x00" in sql:
        raise InvalidInput("the query holds a NUL character; remove it")
    try:
        if db.dialect == "postgresql":
            with db.conn.transaction(), db.conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
                cursor.execute(sql, prepare=True)  # the user's own statement, as psql would run it
                result = _result(cursor)
                if db.target.pgbouncer:  # leave no prepared statement on the shared server connection
                    db.conn.execute("DEALLOCATE ALL")
                return result
        cursor = db.conn.execute(sql)  # the user's own statement, on a read-only connection
        try:
            return _result(cursor)
        finally:
            cursor.close()
    except Exception as exc:
        from ..errors import describe_driver_error

        if describe_driver_error(exc) is None or isinstance(exc, OSError):
            raise
        raise InvalidInput(
            f"the query failed: {first_line(exc)}; check the SQL (it must only read)"
        ) from None


def _result(cursor: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    if cursor.description is None:
        return [], []
    return [d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()]
