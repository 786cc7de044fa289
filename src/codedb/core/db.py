"""Connections: `connect(target)` opens SQLite (a path, a sqlite:/// URL or ':memory:') or
PostgreSQL (postgresql://...) and returns a Database: a context manager with nestable
transactions, the queries of sql/ as `db.queries.<domain>`, and each registered domain's API
as an attribute (`db.functions`, ...), resolved through the domain registry."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent

from ..errors import ConnectError, first_line
from .files import hold_database, release_database
from .queries import load_queries, load_tables
from .target import Target, resolve_target

if TYPE_CHECKING:  # the domain APIs Database declares (imported on first use at run time)
    from ..domains.analytics.api import Analytics
    from ..domains.history.api import History
    from ..domains.library.dependencies import Dependencies
    from ..domains.library.functions import Functions, Modifications
    from ..domains.library.labels import Modules, Tags
    from ..domains.library.unittests import Tests
    from ..domains.metrics.api import Metrics
    from ..domains.origins.api import Origins
    from ..domains.preferences.api import Preferences
    from ..domains.projects.api import Projects
    from ..domains.projects.usage import Usage
    from ..domains.projects.work import Analyses, Autosaves, Clarifications, GeneratedFiles, Generations
    from ..domains.templates.api import Templates
    from ..domains.users.api import Users

BUSY_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 10

# Transaction control is the same fixed text on both backends; nothing in it comes from data.
_BEGIN = "BEGIN IMMEDIATE"  # take the write lock up front: no deadlock on lock upgrade
_SAVEPOINT = "SAVEPOINT codedb"
_RELEASE = "RELEASE SAVEPOINT codedb"
_ROLLBACK_TO = "ROLLBACK TO SAVEPOINT codedb"
# A binary COPY's signature, flags and header extension (none), and its end.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"


def is_unique_violation(exc: BaseException) -> bool:
    """Whether a driver error says a row with the same key exists already."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(exc) or "PRIMARY KEY" in str(exc)
    return type(exc).__name__ == "UniqueViolation"  # psycopg.errors.UniqueViolation


def is_missing_reference(exc: BaseException) -> bool:
    """Whether a driver error says a row refers to a row that does not exist (a foreign key)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "FOREIGN KEY constraint failed" in str(exc)
    return type(exc).__name__ == "ForeignKeyViolation"  # psycopg.errors.ForeignKeyViolation


class Database:
    """An open codedb database. Use it as a context manager, or call close()."""

    # Every domain's API, declared for type checkers and editors; each is made on first use
    # by __getattr__ from the domain registry (tests/core/test_surface.py holds the two equal).
    analytics: Analytics
    history: History
    functions: Functions
    modules: Modules
    tags: Tags
    dependencies: Dependencies
    tests: Tests
    modifications: Modifications
    metrics: Metrics
    origins: Origins
    preferences: Preferences
    projects: Projects
    generations: Generations
    generated_files: GeneratedFiles
    clarifications: Clarifications
    autosaves: Autosaves
    analyses: Analyses
    usage: Usage
    templates: Templates
    users: Users

    def __init__(self, target: Target, conn: Any, readonly: bool = False):
        self.target = target
        self.conn = conn
        self.dialect = target.dialect
        self.readonly = readonly
        self.queries: SimpleNamespace = load_queries(self.dialect)
        self._depth = 0
        self._held = target.path
        if self._held is not None:
            hold_database(self._held)

    def __repr__(self) -> str:
        return f"<codedb.Database {self.dialect} {self.target.display}>"

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    if not TYPE_CHECKING:  # type checkers see the declarations above: db.functoins is an error

        def __getattr__(self, name: str) -> Any:
            """A domain's API (db.functions, db.tests, ...), made on first use."""
            if name.startswith("_"):
                raise AttributeError(name)
            from .registry import api_class

            try:
                api = api_class(name)(self)
            except AttributeError:
                raise AttributeError(f"'Database' object has no attribute {name!r}") from None
            self.__dict__[name] = api
            return api

    def close(self) -> None:
        self.conn.close()
        if self._held is not None:
            release_database(self._held)
            self._held = None

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None in memory and on PostgreSQL."""
        return self.target.path

    @property
    def tables(self) -> dict[str, Any]:
        """Every registered table (load order) with its record class and whole-table queries."""
        return load_tables(self.dialect)

    def transaction(self) -> AbstractContextManager[Database]:
        """All or nothing: commit when the block ends, roll back if it raises.

        Nested blocks become savepoints, so a failed inner block undoes only itself.
        """
        if self.dialect == "postgresql":
            return _Held(self, self.conn.transaction())
        return _SQLiteTransaction(self)

    def lock_record(self, kind: str, key: str) -> None:
        """Inside a transaction, before reading a record to write it back: hold it until the
        transaction ends, so that a second such write waits and reads this one's change
        instead of writing over it. SQLite's write transaction (BEGIN IMMEDIATE) holds the
        whole database already; PostgreSQL takes a lock on the record (sql/core/postgresql/locks.sql)."""
        if self.dialect == "postgresql":
            self.queries.core.lock_record(self.conn, kind=kind, key=key)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Inside a transaction that loads many rows into empty tables (codedb copy): on
        PostgreSQL the foreign keys and the indexes that are neither primary keys nor unique
        wait, and are built once from all the rows when the block ends without an error
        (sql/core/postgresql/bulk.sql); an error rolls the whole transaction back. SQLite
        keeps them as they are."""
        if self.dialect != "postgresql":
            yield
            return
        self.queries.core.set_aside_for_load(self.conn)
        yield
        self.queries.core.put_back_after_load(self.conn)

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """Read a consistent snapshot without blocking writers (a dump while others write)."""
        if self.dialect == "postgresql":
            with self.conn.transaction():
                self.queries.core.begin_snapshot(self.conn)
                yield self
            return
        self.conn.execute("BEGIN")  # deferred: WAL readers see one snapshot, writers go on
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    def copy_rows(self, query: Any, rows: Iterable[Sequence[Any]]) -> int:
        """Write `rows` with `query`, a `COPY ... FROM STDIN` of sql/ (PostgreSQL's quickest
        load), each row sent as it comes: the server reads while `rows` makes the next.
        Returns the number of rows written."""
        with self.conn.cursor() as cursor:
            with cursor.copy(query.sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return int(cursor.rowcount)

    def copy_binary(self, query: Any, data: bytes) -> int:
        """Write `data`, the rows of the binary `COPY ... FROM STDIN (FORMAT binary)` `query`
        of sql/ (its header and trailer added here). Returns the number of rows written."""
        with self.conn.cursor() as cursor:
            with cursor.copy(query.sql) as copy:
                copy.write(_COPY_HEADER)
                copy.write(data)
                copy.write(_COPY_TRAILER)
            return int(cursor.rowcount)

    @property
    def in_transaction(self) -> bool:
        if self.dialect == "postgresql":
            from psycopg.pq import TransactionStatus

            return bool(self.conn.info.transaction_status != TransactionStatus.IDLE)
        return bool(self.conn.in_transaction)

    # The catalog, read without writing (codedb.schema changes and reports it).
    def table_names(self) -> set[str]:
        """The tables of this database (of the current schema, on PostgreSQL)."""
        return {row[0] for row in self.queries.core.list_tables(self.conn)}

    def row_counts(self, tables: Iterable[str] | None = None) -> dict[str, int]:
        """Rows per registered table present here (all, or those named), in load order."""
        present = self.table_names()
        return {
            name: int(bound.count(self.conn))
            for name, bound in self.tables.items()
            if name in present and (tables is None or name in tables)
        }

    def clear_tables(self) -> dict[str, int]:
        """Delete every row of every codedb table (referencing tables first), in one
        transaction; the schema stays. Returns the rows there were per table."""
        counts = self.row_counts()
        with self.transaction():
            for name in reversed(list(self.tables)):
                if counts.get(name):
                    self.tables[name].clear(self.conn)
        return counts

    def applied_migrations(self) -> list[tuple[str, Any]]:
        """(migration id, applied at) in the order they were applied; [] before init."""
        if "_yoyo_migration" not in self.table_names():
            return []
        return [tuple(row) for row in self.queries.core.list_applied_migrations(self.conn)]


def connect(
    target: str | os.PathLike[str] | Target | None = None, *, create: bool = True, readonly: bool = False
) -> Database:
    """Open a codedb database.

    `target` is a path or sqlite:/// URL (SQLite), ':memory:' (a private in-memory SQLite
    database), or a postgresql:// URL; None means $CODEDB_URL, else ./code_db.sqlite. A new
    SQLite file is created with mode 0600 unless `create` is false. `readonly` opens without
    writing anything, not even the journal mode. Call `codedb.migrate(db)` (or `codedb init`
    on the command line) to create the schema.
    """
    resolved = resolve_target(target)
    if resolved.dialect == "postgresql":
        return connect_postgres(resolved, readonly)
    return connect_sqlite(resolved, create, readonly)


def reader(target: str | os.PathLike[str] | Target | None = None, *, read_url: str | None = None) -> Database:
    """A read-only Database for reads that may come from a replica: `read_url`, else
    $CODEDB_READ_URL, else `target` itself (None: $CODEDB_URL). What a streaming replica
    returns lags the primary by the time its replay takes: write through codedb.connect and
    read your own writes there when they must be seen at once."""
    url = read_url or os.environ.get("CODEDB_READ_URL")
    return connect(url or target, create=False, readonly=True)


def sqlite_arguments(target: Target, readonly: bool) -> tuple[Any, dict[str, Any]]:
    """What sqlite3.connect takes to open `target`."""
    options: dict[str, Any] = {"isolation_level": None, "check_same_thread": False}
    if target.path is None:
        return ":memory:", options
    options["timeout"] = BUSY_TIMEOUT_SECONDS
    if readonly:
        return f"{target.path.resolve().as_uri()}?mode=ro", {**options, "uri": True}
    return target.path, options


def _sqlite_connection(target: Target, readonly: bool) -> sqlite3.Connection:
    database, options = sqlite_arguments(target, readonly)
    conn: sqlite3.Connection = sqlite3.connect(database, **options)
    return conn


def connect_sqlite(
    target: Target, create: bool, readonly: bool, opener: Any = _sqlite_connection, make: Any = Database
) -> Database:
    """A Database of `make`'s class on the connection `opener(target, readonly)` returns,
    after the checks and the file creation that a SQLite target takes."""
    from .files import check_database_file, create_private_file

    path = target.path
    if path is not None:
        exists = check_database_file(path)
        if not exists:
            if readonly or not create:
                raise ConnectError(
                    f"database {path} does not exist; create it with 'codedb --db {path} init'"
                )
            if not path.parent.is_dir():
                raise ConnectError(f"directory {path.parent} does not exist; create it first")
            try:
                create_private_file(path)
            except FileExistsError:  # another process created it a moment ago: open theirs
                check_database_file(path)
    try:
        conn = opener(target, readonly)
    except (sqlite3.Error, OSError) as exc:
        raise ConnectError(f"cannot open {path}: {exc}; check the path and its permissions") from None
    db: Database = make(target, conn, readonly)
    try:
        if readonly:
            db.queries.core.configure_readonly_connection(conn)
        else:
            configure_sqlite(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise ConnectError(
                f"{path} is not a SQLite database ({exc}); give the path of a codedb database"
            ) from None
        raise ConnectError(f"cannot open {path}: {exc}") from None
    return db


def configure_sqlite(db: Database) -> None:
    """Set a read-write SQLite connection up (sql/core/meta.sql). Switching a file to WAL
    takes a lock SQLite does not wait for (two processes opening a new file at once: one gets
    "database is locked" at once): that step is retried here, within the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    delay = 0.002
    while True:
        try:
            db.queries.core.use_wal(db.conn)
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            # The bridge's greenlet (codedb.aio) has a pause that lets its event loop run.
            getattr(getcurrent(), "pause", time.sleep)(delay)
            delay = min(delay * 2, 0.1)
    db.queries.core.configure_connection(db.conn)


@cache
def planned_cursor(asynchronous: bool = False) -> Any:
    """psycopg's cursor (its async one), which runs a query planned per call (core.queries.PLANNED_MARK)
    without preparing it, whatever the connection's prepare threshold."""
    import psycopg

    from .queries import PLANNED_MARK

    def planned(query: Any, prepare: bool | None) -> bool | None:
        marked = isinstance(query, str) and query.startswith(PLANNED_MARK)
        return False if prepare is None and marked else prepare

    class PlannedCursor(psycopg.Cursor):
        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kw: Any) -> Any:
            return super().execute(query, params, prepare=planned(query, prepare), **kw)

    class AsyncPlannedCursor(psycopg.AsyncCursor):
        async def execute(
            self, query: Any, params: Any = None, *, prepare: bool | None = None, **kw: Any
        ) -> Any:
            return await super().execute(query, params, prepare=planned(query, prepare), **kw)

    return AsyncPlannedCursor if asynchronous else PlannedCursor


def postgres_options(target: Target) -> dict[str, Any]:
    """psycopg.connect's options for `target`: through PgBouncer in transaction pooling mode,
    no server-side prepared statements (the next transaction may run on another server
    connection, which does not have them)."""
    return {"prepare_threshold": None} if target.pgbouncer else {}


def configure_postgres(core: Any, target: Target, readonly: bool) -> Any:
    """The query that sets a new connection up. Read-only makes the session's transactions
    read-only, except through PgBouncer, which would hand that session setting to other
    clients with the server connection: there codedb's read-only commands only read, and
    `codedb query` makes its own transaction read-only."""
    return (
        core.configure_readonly_connection if readonly and not target.pgbouncer else core.configure_connection
    )


def parse_conninfo(target: Target) -> dict[str, Any]:
    """libpq's reading of a PostgreSQL target. A URL it cannot read is a ConnectError that
    quotes none of it: libpq's own message quotes the part it stumbled on (a password, maybe)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(target.conninfo)
    except psycopg.Error as exc:
        message = str(exc)
        if "spaces" in message:
            problem = "it holds a space; write spaces as %20"
        elif "percent-encoded" in message:
            problem = "a %-escape in it is not valid; write a % as %25"
        else:
            problem = "libpq cannot parse it; write postgresql://user:password@host:port/dbname?key=value"
        raise ConnectError(f"cannot read the PostgreSQL URL {target.display}: {problem}") from None


def connect_postgres(target: Target, readonly: bool, opener: Any = None, make: Any = Database) -> Database:
    """A Database of `make`'s class on the connection `opener` (psycopg.connect's
    signature; psycopg.connect itself by default) makes, set up and checked."""
    import psycopg

    conninfo = target.conninfo
    parsed = parse_conninfo(target)
    try:
        options: dict[str, Any] = postgres_options(target)
        if "connect_timeout" not in parsed:
            options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        if opener is None:
            options["cursor_factory"] = planned_cursor()
        conn = (opener or psycopg.connect)(conninfo, autocommit=True, **options)
    except psycopg.Error as exc:
        from .target import mask

        raise ConnectError(
            f"cannot connect to {target.display}: {mask(first_line(exc))}; "
            "check the URL and that the server is running"
        ) from None
    db: Database = make(target, conn, readonly)
    configure_postgres(db.queries.core, target, readonly)(conn)
    if db.queries.core.current_schema(conn) is None:
        path = db.queries.core.search_path(conn)
        conn.close()
        raise ConnectError(
            f"no schema of the search path ({path}) exists in {target.display}; create it "
            "(CREATE SCHEMA name) or fix the URL's options=-csearch_path=..."
        )
    return db


class _Held:
    """psycopg's transaction block, entered as the Database it belongs to."""

    __slots__ = ("db", "block")

    def __init__(self, db: Database, block: Any):
        self.db, self.block = db, block

    def __enter__(self) -> Database:
        self.block.__enter__()
        return self.db

    def __exit__(self, *exc_info: Any) -> Any:
        return self.block.__exit__(*exc_info)


class _SQLiteTransaction:
    """A SQLite transaction, or a savepoint inside one (a class: writes of a few tens of
    microseconds open one each, and a generator's context manager costs a microsecond)."""

    __slots__ = ("db", "outer")

    def __init__(self, db: Database):
        self.db = db
        self.outer = False

    def __enter__(self) -> Database:
        db = self.db
        self.outer = outer = db._depth == 0
        db.conn.execute(_BEGIN if outer else _SAVEPOINT)
        db._depth += 1
        return db

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        db, outer = self.db, self.outer
        conn = db.conn
        db._depth -= 1
        if kind is not None:
            # SQLite rolls a transaction back by itself on some errors (a full disk): then
            # there is nothing left to roll back, and the first error is the one to report.
            if conn.in_transaction:
                if outer:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(_ROLLBACK_TO)
                    conn.execute(_RELEASE)
            return
        try:
            conn.execute("COMMIT" if outer else _RELEASE)
        except BaseException:
            if outer and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
