"""Schema migrations with yoyo: numbered SQL files in migrations/ (and migrations/<dialect>/
where a dialect's SQL differs), each with a .rollback.sql.

A whole `migrate` or `rollback` runs in one transaction on one connection, so a failure in
its third migration leaves the first two unapplied too: the database is as it was.

Only one process migrates a database at a time: codedb holds a lock the operating system
releases when its holder dies (an flock on the SQLite file, a session advisory lock on
PostgreSQL), so a lock row yoyo left behind while that lock is free belongs to a process that
died, and is cleared. An in-memory database is migrated directly on its connection (yoyo
needs a file).
"""

import fcntl
import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from ..core.convert import db_time, now
from ..core.db import Database
from ..core.resources import resource_dir
from ..errors import ForeignDatabase, LockedError, MigrationError, NotInitialised, UnknownRevision, first_line

YOYO_TABLES = {"_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock"}
LOCK_TIMEOUT_SECONDS = 10.0
BASE = "base"  # the revision before the first migration
_POLL_SECONDS = 0.05
MIGRATION_LOCK_KEY = 0x636F6462  # "codb": the first key of codedb's advisory lock on PostgreSQL


def _read(dialect: str, migrations_dir: Path | None = None) -> Any:
    from yoyo.migrations import MigrationList

    return MigrationList(_parsed(dialect, migrations_dir or resource_dir("migrations")))


@cache
def _parsed(dialect: str, root: Path) -> tuple[Any, ...]:
    """The migrations of a dialect, read and split into statements once per process."""
    from yoyo import migrations as yoyo_migrations
    from yoyo import read_migrations

    from .statements import split

    sources = [str(root)] + [str(root / dialect)] * (root / dialect).is_dir()
    # yoyo lists one source after the other; the ids alone give the order.
    found = sorted(read_migrations(*sources), key=lambda m: m.id)
    # yoyo splits each file with sqlparse.split, which lexes every token (322 ms for the 94
    # files, half of `codedb init`). It calls nothing else of sqlparse, so while the files load
    # it calls codedb's splitter, which cuts codedb's migrations where sqlparse does
    # (tests/schema/test_statements.py) in 16 ms.
    with _LOADING:
        real = yoyo_migrations.sqlparse
        yoyo_migrations.sqlparse = SimpleNamespace(split=split)
        try:
            for migration in found:
                migration.load()
        finally:
            yoyo_migrations.sqlparse = real
    return tuple(found)


_LOADING = threading.Lock()


def _statements(migration: Any, direction: str) -> list[str]:
    """The statements yoyo runs for a loaded migration in `direction`, in its order: each step
    holds a statement and the rollback statement at the same place from the end."""
    steps = [getattr(wrapped, "step", wrapped) for wrapped in migration.steps]  # in a transaction or not
    if direction == "apply":
        return [step._apply for step in steps if step._apply]
    return [step._rollback for step in reversed(steps) if step._rollback]


def known_ids(dialect: str, migrations_dir: Path | None = None) -> list[str]:
    """The migration ids this version of codedb knows, oldest first.

    Read from the file names, as yoyo does, without importing yoyo (read-only commands such
    as `stats` stay quick to start)."""
    root = migrations_dir or resource_dir("migrations")
    names = [*_files(root), *_files(root / dialect)]  # os.listdir: a glob took 0.5 ms, a command asks
    return sorted(n[: -len(".sql")] for n in names if n.endswith(".sql") and not n.endswith(".rollback.sql"))


def _files(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []


class MigrationStatus(NamedTuple):
    """Applied migrations with their times, pending ones, and the current revision."""

    applied: tuple[tuple[str, Any], ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]  # applied here but not known to this version (a newer codedb's)

    @property
    def current(self) -> str | None:
        return self.applied[-1][0] if self.applied else None


def status(db: Database, migrations_dir: Path | None = None) -> MigrationStatus:
    """Where the schema stands. Reads only: works on a read-only database."""
    known = known_ids(db.dialect, migrations_dir)
    applied = db.applied_migrations()
    applied_ids = {mid for mid, _ in applied}
    return MigrationStatus(
        applied=tuple((mid, at) for mid, at in applied if mid in known),
        pending=tuple(mid for mid in known if mid not in applied_ids),
        unknown=tuple(mid for mid, _ in applied if mid not in known),
    )


def is_codedb(db: Database) -> bool:
    """Whether codedb's migrations have run here (at any revision, `base` included)."""
    return bool(db.table_names() & YOYO_TABLES)  # yoyo makes its tables before it applies any


def require_schema(db: Database, *, current: bool = False) -> None:
    """Raise NotInitialised unless this is a codedb database; with `current`, unless every
    migration of this version is applied (the queries of this version need its schema)."""
    where = db.target.display
    if not is_codedb(db):
        raise NotInitialised(
            f"database {where} has no codedb schema; create it with 'codedb --db {where} init'"
        )
    if current:
        pending = status(db).pending
        if pending:
            raise NotInitialised(
                f"database {where} is {len(pending)} migration(s) behind this codedb ({', '.join(pending)}); "
                f"back it up with 'codedb backup', then run 'codedb --db {where} migrate'"
            )


def resolve_revision(dialect: str, revision: str, migrations_dir: Path | None = None) -> str:
    """The full id of `revision` ('0002', '2', '002' or '0002.function-summary-view'), or BASE."""
    if revision == BASE:
        return BASE
    known = known_ids(dialect, migrations_dir)
    number = revision.strip()
    matches = [
        mid
        for mid in known
        if mid == revision
        or (
            number.isascii()
            and number.isdigit()
            and len(number) <= 9
            and int(mid.split(".", 1)[0]) == int(number)
        )
    ]
    if len(matches) != 1:
        raise UnknownRevision(f"unknown revision {revision!r}; known revisions: {BASE}, {', '.join(known)}")
    return matches[0]


def check_lock_timeout(seconds: float) -> float:
    if not isinstance(seconds, int | float) or not 0 < seconds < 86400:  # also refuses nan and inf
        raise MigrationError("the lock timeout must be a number of seconds above 0 and below a day")
    return float(seconds)


Report = Callable[[str], None]


@contextmanager
def migration_lock(
    db: Database, lock_timeout: float = LOCK_TIMEOUT_SECONDS, report: Report | None = None
) -> Iterator[None]:
    """Hold the lock that keeps other codedb processes from migrating this database; clear
    (and report) yoyo lock rows left by processes that died."""
    lock_timeout = check_lock_timeout(lock_timeout)
    deadline = time.monotonic() + lock_timeout
    busy = LockedError(
        f"{db.target.display} is locked by another migration; wait for it to finish, "
        "then try again (codedb clears the lock of a process that died by itself)"
    )
    if db.target.memory:
        yield
        return
    if db.dialect == "postgresql":
        key = MIGRATION_LOCK_KEY
        while not db.queries.core.try_advisory_lock(db.conn, key=key):
            if time.monotonic() > deadline:
                raise busy
            time.sleep(_POLL_SECONDS)
        try:
            _clear_stale_rows(db, report)
            yield
        finally:
            db.queries.core.advisory_unlock(db.conn, key=key)
        return
    assert db.path is not None
    fd = os.open(db.path, os.O_RDONLY)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy from None
                time.sleep(_POLL_SECONDS)
        _clear_stale_rows(db, report)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _clear_stale_rows(db: Database, report: Report | None = None) -> int:
    """Delete yoyo's lock rows: holding codedb's lock, any row left is a dead process's."""
    if "yoyo_lock" not in db.table_names():
        return 0
    with db.transaction():
        cleared = int(db.queries.core.clear_migration_locks(db.conn))
    if cleared and report is not None:
        report(f"cleared the migration lock of a process that died ({cleared} lock row)")
    return cleared


@cache
def _backend_class(scheme: str) -> Any:
    """yoyo's backend class of a URL scheme: yoyo reads every installed package's entry points
    to find it, 13 ms at each get_backend, a tenth of a new file's migration."""
    from yoyo.backends.base import get_backend_class

    return get_backend_class(scheme)


@contextmanager
def _yoyo_backend(db: Database) -> Iterator[Any]:
    from yoyo.connections import parse_uri

    try:  # yoyo's get_backend, with the class looked up once
        parsed = parse_uri(db.target.yoyo_url)
        backend = _backend_class(parsed.scheme.lower())(parsed, "_yoyo_migration")
        backend.init_database()
    except Exception as exc:
        raise MigrationError(f"cannot open {db.target.display} for migration: {first_line(exc)}") from None
    try:
        with backend.lock(timeout=1):
            backend.ensure_internal_schema_updated()
            yield backend
    finally:
        backend.connection.close()


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that it rolls back."""


def _run(db: Database, backend: Any, migrations: Any, direction: str, force: bool, dry_run: bool) -> None:
    """Apply or roll back `migrations` in one transaction of `backend`'s connection. A
    rollback that would drop tables holding rows is refused unless `force`."""
    rows_before = db.row_counts() if direction == "rollback" else {}
    try:
        with backend.transaction():
            for migration in migrations:
                try:
                    # yoyo prints the rows a statement returns to standard output (SQLite's
                    # check of a new column with a CHECK returns some): never into codedb's.
                    with redirect_stdout(io.StringIO()):
                        migration.process_steps(backend, direction)
                except Exception as exc:
                    verb = "apply" if direction == "apply" else "roll back"
                    raise MigrationError(
                        f"could not {verb} migration {migration.id}: {first_line(exc)}; nothing was changed"
                    ) from None
                backend.log_migration(migration, direction)
                if direction == "apply":
                    backend.mark_one(migration, log=False)
                else:
                    backend.unmark_one(migration, log=False)
            if direction == "rollback":
                left = {row[0] for row in db.queries.core.list_tables(backend.connection)}
                lost = {t: n for t, n in rows_before.items() if n and t not in left}
                if lost and not force and not dry_run:
                    shown = ", ".join(f"{t} ({n:,} rows)" for t, n in lost.items())
                    raise MigrationError(
                        f"rolling back would drop tables holding rows: {shown}; back up with "
                        "'codedb backup', then roll back with --force"
                    )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def _run_in_memory(db: Database, migrations: Any, direction: str) -> None:
    with db.transaction():
        db.queries.core.create_migration_table(db.conn)
        for migration in migrations:
            for statement in _statements(migration, direction):
                db.conn.execute(statement)  # the text of codedb's own migration files
            if direction == "apply":
                db.queries.core.record_migration(
                    db.conn,
                    migration_hash=migration.hash,
                    migration_id=migration.id,
                    applied_at_utc=db_time(now()),
                )
            else:
                db.queries.core.forget_migration(db.conn, migration_id=migration.id)


def migrate(
    db: Database,
    to: str | None = None,
    *,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    migrations_dir: Path | None = None,
    report: Report | None = None,
) -> list[str]:
    """Apply the pending migrations (up to and including `to`); return their ids."""
    current = status(db, migrations_dir)
    if current.unknown:
        raise MigrationError(
            f"{db.target.display} has migrations this codedb does not know "
            f"({', '.join(current.unknown)}); upgrade codedb"
        )
    pending = list(current.pending)
    if to is not None:
        target = resolve_revision(db.dialect, to, migrations_dir)
        pending = [] if target == BASE else [mid for mid in pending if mid <= target]
    if dry_run or not pending:
        return pending
    todo = [m for m in _read(db.dialect, migrations_dir) if m.id in pending]
    if db.target.memory:
        _run_in_memory(db, todo, "apply")
        return [m.id for m in todo]
    with migration_lock(db, lock_timeout, report), _yoyo_backend(db) as backend:
        todo = [m for m in backend.to_apply(_read(db.dialect, migrations_dir)) if m.id in pending]
        _run(db, backend, todo, "apply", force=False, dry_run=False)
    _grant_query_role(db, report)
    return [m.id for m in todo]


def _grant_query_role(db: Database, report: Report | None) -> None:
    """Let `codedb query`'s read-only role read every table, the new ones too (PostgreSQL)."""
    from .query import grant_query_role

    note = grant_query_role(db)
    if note and report:
        report(f"note: {note}; codedb query will need a read-only role given another way")


def rollback(
    db: Database,
    to: str | None = None,
    steps: int | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    migrations_dir: Path | None = None,
    report: Report | None = None,
) -> list[str]:
    """Roll back the last `steps` migrations (default 1), or all after `to`; return their ids.

    Tables that would be dropped with rows in them are refused unless `force`; a dry run
    rolls back inside a transaction it then undoes, so it refuses exactly what the real one
    would."""
    applied = [mid for mid, _ in status(db, migrations_dir).applied]
    if to is not None:
        target = resolve_revision(db.dialect, to, migrations_dir)
        undo = applied if target == BASE else [mid for mid in applied if mid > target]
    else:
        count = 1 if steps is None else steps
        if not isinstance(count, int) or count < 0:
            raise MigrationError("--steps must be a whole number, 0 or more")
        undo = applied[max(0, len(applied) - count) :] if count else []
    undo.reverse()
    if not undo:
        return undo
    if db.target.memory:
        if not dry_run:
            todo = [m for m in reversed(_read(db.dialect, migrations_dir)) if m.id in undo]
            _run_in_memory(db, todo, "rollback")
        return undo
    with migration_lock(db, lock_timeout, report), _yoyo_backend(db) as backend:
        todo = [m for m in backend.to_rollback(_read(db.dialect, migrations_dir)) if m.id in undo]
        _run(db, backend, todo, "rollback", force=force, dry_run=dry_run)
        return [m.id for m in todo]


def break_lock(
    db: Database, lock_timeout: float = LOCK_TIMEOUT_SECONDS, report: Report | None = None
) -> None:
    """Remove the migration lock rows left by processes that died (taking codedb's own lock
    does it; migrate and rollback do it too, so this is for the old tool's `unlock-db`)."""
    with migration_lock(db, lock_timeout, report):
        pass


class InitResult(NamedTuple):
    applied: tuple[str, ...]
    already: bool
    foreign_tables: tuple[str, ...]


def init(
    db: Database,
    *,
    force: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    report: Report | None = None,
) -> InitResult:
    """Create codedb's schema. An existing codedb database is left alone; a database holding
    other tables is refused unless `force`, and even then none of those tables is touched."""
    current = status(db)
    if current.applied or current.unknown:
        _grant_query_role(db, report)
        return InitResult(applied=(), already=True, foreign_tables=())
    foreign = tuple(sorted(db.table_names() - YOYO_TABLES))
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ForeignDatabase(
            f"{db.target.display} holds tables of another application ({shown}); "
            "give a new or empty database, or add codedb's tables beside them with 'codedb init --force'"
        )
    applied = migrate(db, lock_timeout=lock_timeout, report=report)
    return InitResult(applied=tuple(applied), already=not applied, foreign_tables=foreign)
