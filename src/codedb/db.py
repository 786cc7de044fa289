"""Connections: `connect(target)` opens SQLite (a path or sqlite:/// URL) or PostgreSQL
(postgresql://...) and returns a Database: a context manager with nestable transactions and
the query modules of sql/ as attributes."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .errors import ConnectError, NotInitialised, first_line
from .queries import load_queries

if TYPE_CHECKING:
    from .library import Dependencies, Functions, Modifications, Modules, Tags, Tests

DEFAULT_PATH = "code_db.sqlite"
BUSY_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 10

# Transaction control is the same fixed text on both backends; nothing in it comes from data.
_BEGIN = "BEGIN IMMEDIATE"  # take the write lock up front: no deadlock on lock upgrade
_SAVEPOINT = "SAVEPOINT codedb"
_RELEASE = "RELEASE SAVEPOINT codedb"
_ROLLBACK_TO = "ROLLBACK TO SAVEPOINT codedb"


def resolve_target(target: str | os.PathLike[str] | None = None) -> str:
    """The database the user means: `target`, else $CODEDB_URL, else ./code_db.sqlite."""
    if target is None or str(target) == "":
        target = os.environ.get("CODEDB_URL") or DEFAULT_PATH
    return os.fspath(target)


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def sqlite_path(target: str) -> Path:
    """The file of a SQLite target (a plain path or a sqlite:/// URL)."""
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    elif target.startswith("sqlite:"):
        raise ConnectError(
            f"cannot read the SQLite URL {target!r}; write sqlite:///relative/path "
            "or sqlite:////absolute/path, or give the plain path"
        )
    return Path(target)


def postgres_conninfo(target: str) -> str:
    """A PostgreSQL URL as libpq takes it."""
    return target.replace("postgresql+psycopg://", "postgresql://", 1)


def display_target(target: str) -> str:
    """The target as messages show it: never with its password."""
    if not is_postgres(target):
        return target
    parts = urlsplit(target)
    if parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=f"{parts.username}:***@{host}")
    return urlunsplit(parts)


def is_unique_violation(exc: BaseException) -> bool:
    """Whether a driver error says a row with the same key exists already."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(exc) or "PRIMARY KEY" in str(exc)
    return type(exc).__name__ == "UniqueViolation"  # psycopg.errors.UniqueViolation


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (mode 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def private_open(path: Path, newline: str | None = None) -> IO[str]:
    """Open a file for writing text (emptied if it exists), readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


def remove_database_files(path: Path) -> None:
    """Delete a SQLite file with the journal files SQLite may have left beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Database:
    """An open codedb database. Use it as a context manager, or call close()."""

    def __init__(self, target: str, conn: Any, dialect: str, readonly: bool = False):
        self.target = target
        self.conn = conn
        self.dialect = dialect
        self.readonly = readonly
        self.queries: SimpleNamespace = load_queries(dialect)
        self._depth = 0

    def __repr__(self) -> str:
        return f"<codedb.Database {self.dialect} {display_target(self.target)}>"

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None on PostgreSQL."""
        return sqlite_path(self.target) if self.dialect == "sqlite" else None

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """All or nothing: commit when the block ends, roll back if it raises.

        Nested blocks become savepoints, so a failed inner block undoes only itself.
        """
        if self.dialect == "postgresql":
            with self.conn.transaction():
                yield self
            return
        outer = self._depth == 0
        self.conn.execute(_BEGIN if outer else _SAVEPOINT)
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if outer:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(_ROLLBACK_TO)
                self.conn.execute(_RELEASE)
            raise
        self._depth -= 1
        try:
            self.conn.execute("COMMIT" if outer else _RELEASE)
        except BaseException:
            if outer and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @contextmanager
    def snapshot(self) -> Iterator["Database"]:
        """Read a consistent snapshot without blocking writers (a dump while others write)."""
        if self.dialect == "postgresql":
            with self.conn.transaction():
                self.queries.meta.begin_snapshot(self.conn)
                yield self
            return
        self.conn.execute("BEGIN")  # deferred: WAL readers see one snapshot, writers go on
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        if self.dialect == "postgresql":
            from psycopg.pq import TransactionStatus

            return bool(self.conn.info.transaction_status != TransactionStatus.IDLE)
        return bool(self.conn.in_transaction)

    # The public API, one attribute per domain (see codedb.library).
    @cached_property
    def functions(self) -> "Functions":
        from .library import Functions

        return Functions(self)

    @cached_property
    def modules(self) -> "Modules":
        from .library import Modules

        return Modules(self)

    @cached_property
    def tags(self) -> "Tags":
        from .library import Tags

        return Tags(self)

    @cached_property
    def dependencies(self) -> "Dependencies":
        from .library import Dependencies

        return Dependencies(self)

    @cached_property
    def tests(self) -> "Tests":
        from .library import Tests

        return Tests(self)

    @cached_property
    def modifications(self) -> "Modifications":
        from .library import Modifications

        return Modifications(self)

    # Schema state, read without writing (see codedb.migrations for changing it).
    def table_names(self) -> set[str]:
        """The tables of this database (of the current schema, on PostgreSQL)."""
        return {row[0] for row in self.queries.meta.list_tables(self.conn)}

    def applied_migrations(self) -> list[tuple[str, Any]]:
        """(migration id, applied at) in the order they were applied; [] before init."""
        if "_yoyo_migration" not in self.table_names():
            return []
        return [tuple(row) for row in self.queries.meta.list_applied_migrations(self.conn)]

    def require_schema(self, *, current: bool = False) -> None:
        """Raise NotInitialised unless codedb's migrations have been applied here; with
        `current`, unless all of them have (the queries of this version need its schema)."""
        from .migrations import known_ids

        known = known_ids(self.dialect)
        applied = {mid for mid, _ in self.applied_migrations()}
        where = display_target(self.target)
        if not applied & set(known):
            raise NotInitialised(
                f"database {where} has no codedb schema; create it with 'codedb --db {where} init'"
            )
        pending = [mid for mid in known if mid not in applied]
        if current and pending:
            raise NotInitialised(
                f"database {where} is {len(pending)} migration(s) behind this codedb ({', '.join(pending)}); "
                f"back it up with 'codedb backup', then run 'codedb --db {where} migrate'"
            )


def connect(
    target: str | os.PathLike[str] | None = None, *, create: bool = True, readonly: bool = False
) -> Database:
    """Open a codedb database.

    `target` is a path or sqlite:/// URL (SQLite) or a postgresql:// URL; None means
    $CODEDB_URL, else ./code_db.sqlite. A new SQLite file is created with mode 0600 unless
    `create` is false. `readonly` opens without writing anything, not even the journal mode.
    Call `codedb.migrate(db)` (or `codedb init` on the command line) to create the schema.
    """
    resolved = resolve_target(target)
    if is_postgres(resolved):
        return _connect_postgres(resolved, readonly)
    return _connect_sqlite(resolved, create, readonly)


def _connect_sqlite(target: str, create: bool, readonly: bool) -> Database:
    if target == ":memory:":  # a private in-memory database: no file at all
        db = Database(
            target, sqlite3.connect(target, isolation_level=None, check_same_thread=False), "sqlite"
        )
        db.queries.meta.configure_connection(db.conn)
        return db
    path = sqlite_path(target)
    if path.is_dir():
        raise ConnectError(f"{path} is a directory; give the path of a database file")
    if not path.exists():
        if readonly or not create:
            raise ConnectError(f"database {path} does not exist; create it with 'codedb --db {path} init'")
        if not path.parent.is_dir():
            raise ConnectError(f"directory {path.parent} does not exist; create it first")
        create_private_file(path)
    try:
        if readonly:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
            )
        else:
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
            )
    except sqlite3.Error as exc:
        raise ConnectError(f"cannot open {path}: {exc}; check the path and its permissions") from None
    db = Database(target, conn, "sqlite", readonly)
    try:
        if readonly:
            db.queries.meta.configure_readonly_connection(conn)
        else:
            db.queries.meta.configure_connection(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise ConnectError(
                f"{path} is not a SQLite database ({exc}); give the path of a codedb database"
            ) from None
        raise ConnectError(f"cannot open {path}: {exc}") from None
    return db


def _connect_postgres(target: str, readonly: bool) -> Database:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    conninfo = postgres_conninfo(target)
    try:
        options: dict[str, Any] = {}
        if "connect_timeout" not in conninfo_to_dict(conninfo):
            options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        conn = psycopg.connect(conninfo, autocommit=True, **options)
    except psycopg.Error as exc:
        raise ConnectError(
            f"cannot connect to {display_target(target)}: {first_line(exc)}; "
            "check the URL and that the server is running"
        ) from None
    db = Database(target, conn, "postgresql", readonly)
    if readonly:
        db.queries.meta.configure_readonly_connection(conn)
    else:
        db.queries.meta.configure_connection(conn)
    return db
