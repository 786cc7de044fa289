"""`codedb restore`: replace a database's content with a backup (a codedb SQLite file or a JSON
dump), checked before anything is touched, then put in place in one transaction.

SQLite: the restored database is built and checked in a temporary file beside the target,
then copied into the live file with SQLite's online backup API, as one write transaction:
programs that have the database open see the restored content from their next transaction
on (nothing is renamed under them, so no write can go to an unlinked file), and a failure or
a killed process leaves the old content. PostgreSQL: the rows are replaced in one transaction.
"""

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from ..core.db import Database, configure_sqlite, connect
from ..core.files import check_input, private_workdir, remove_database_files, temp_path
from ..core.progress import progress_bar
from ..core.registry import derived_tables
from ..errors import CodedbError, ConnectError, InvalidInput
from ..schema.health import integrity_problems, schema_differences
from ..schema.migrations import YOYO_TABLES, known_ids, migrate, status
from .dump import analyze, iter_records, load
from .reader import Dump, read_dump

SQLITE_HEADER = b"SQLite format 3\x00"
PAGES_PER_STEP = 256


@attrs.frozen
class RestoreResult:
    target: str
    source_kind: str  # "sqlite" or "json"
    revision: str | None
    rows: dict[str, int]
    migrated: tuple[str, ...]


def source_kind(src: Path) -> str:
    """'sqlite' or 'json', from the file's first bytes; refuses anything else."""
    check_input(src, "backup")
    with open(src, "rb") as stream:
        head = stream.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.lstrip()[:1] == b"{":
        return "json"
    raise InvalidInput(
        f"{src} is neither a SQLite backup nor a JSON dump; give a file written by 'codedb backup'"
    )


def _check_revision(src: Path, revision: str | None, dialect: str) -> None:
    known = known_ids(dialect)
    if revision is None:
        raise InvalidInput(f"{src} has no codedb schema revision; give a file written by 'codedb backup'")
    if revision not in known:
        raise InvalidInput(
            f"{src} is at revision {revision}, which this codedb does not know "
            f"(it knows up to {known[-1]}); restore it with a newer codedb"
        )


def open_sqlite_backup(src: Path) -> Database:
    """Open a SQLite backup read-only after checking that it is a sound codedb database."""
    try:
        db = connect(src, create=False, readonly=True)
    except ConnectError as exc:
        raise InvalidInput(f"{src} is not a usable SQLite backup: {exc}") from None
    try:
        problems = integrity_problems(db)
        if problems:
            raise InvalidInput(f"{src} fails the integrity check ({problems[0]}); it is damaged or truncated")
        state = status(db)
        if not state.applied and not state.unknown:
            raise InvalidInput(
                f"{src} is a SQLite database of another application (no codedb schema); give a codedb backup"
            )
        if state.unknown:
            raise InvalidInput(
                f"{src} is at revision {state.unknown[-1]}, which this codedb does not know; "
                "restore it with a newer codedb"
            )
        assert state.current is not None
        differences = schema_differences(db, state.current)
        if differences:
            more = f" (and {len(differences) - 1} more)" if len(differences) > 1 else ""
            raise InvalidInput(
                f"{src} does not hold codedb's schema: {differences[0]}{more}; "
                "give a backup written by 'codedb backup'"
            )
    except sqlite3.DatabaseError as exc:
        db.close()
        raise InvalidInput(f"{src} is damaged or truncated ({exc}); give a sound backup") from None
    except BaseException:
        db.close()
        raise
    return db


def holds_data(db: Database) -> bool:
    """Whether a restore would replace anything: rows, or tables of another application."""
    present = db.table_names()
    if present - set(db.tables) - YOYO_TABLES - derived_tables():
        return True
    return any(db.row_counts().values())


@contextmanager
def plain_backup(src: Path, passphrase: str | None, near: Path | None = None) -> Iterator[Path]:
    """`src` itself, or for an encrypted backup its plaintext, decrypted and authenticated
    whole into a private folder (beside `near`, else the system's temporary folder) that is
    removed afterwards."""
    from .crypto import decrypt_to, is_encrypted

    check_input(src, "backup")
    if not is_encrypted(src):
        yield src
        return
    if passphrase is None:
        raise InvalidInput(
            f"{src} is encrypted; give its passphrase in $CODEDB_BACKUP_PASSPHRASE or with --passphrase-file"
        )
    with private_workdir(near, "decrypted") as work:
        plain = work / src.name.removesuffix(".enc")
        decrypt_to(src, plain, passphrase)
        yield plain


@attrs.frozen
class BackupCheck:
    kind: str  # "sqlite" or "json"
    encrypted: bool
    revision: str | None
    rows: int


def check_backup(src: Path, passphrase: str | None = None) -> BackupCheck:
    """Check a backup without restoring it: an encrypted one decrypts and authenticates
    whole; then a SQLite copy passes the integrity check and holds a codedb schema this codedb
    knows, and a JSON dump parses and matches the schema."""
    src = Path(src)
    with plain_backup(src, passphrase) as plain:
        kind = source_kind(plain)
        if kind == "json":
            dump = read_dump(plain)
            _check_revision(src, dump.revision, "sqlite")
            return BackupCheck(kind, plain != src, dump.revision, dump.total)
        backup_db = open_sqlite_backup(plain)
        try:
            return BackupCheck(
                kind, plain != src, status(backup_db).current, sum(backup_db.row_counts().values())
            )
        finally:
            backup_db.close()


def restore(
    db: Database,
    src: str | os.PathLike[str],
    *,
    force: bool = False,
    quiet: bool = True,
    passphrase: str | None = None,
) -> RestoreResult:
    """Replace the content of `db` with the backup `src` (see the module docstring); with
    `quiet` false, rows loaded from a dump show a progress bar on a terminal. An encrypted
    backup is decrypted and authenticated whole, with `passphrase`, before anything else."""
    src = Path(src)
    with plain_backup(src, passphrase, db.path.parent if db.path else None) as plain:
        return _restore(db, plain, force=force, quiet=quiet)


def _restore(db: Database, src: Path, *, force: bool, quiet: bool) -> RestoreResult:
    kind = source_kind(src)
    if db.in_transaction:
        raise CodedbError("cannot restore inside an open transaction; commit it first")
    if db.target.memory:
        raise InvalidInput("cannot restore into an in-memory database; give a file or a PostgreSQL URL")
    rows: Dump | dict[str, Any] | None = None
    backup_db = None
    if kind == "json":
        rows = read_dump(src)
        _check_revision(src, rows.revision, db.dialect)
        revision = rows.revision
    else:
        backup_db = open_sqlite_backup(src)
        revision = status(backup_db).current
    try:
        if not force:  # early, to spare the work; checked again under the lock
            refuse_if_holding(db)
        if db.dialect == "postgresql":
            total = rows.total if isinstance(rows, Dump) else sum(backup_db.row_counts().values())  # type: ignore[union-attr]
            if backup_db is not None:  # streamed table by table from the backup
                rows = {table: iter_records(backup_db, table) for table in backup_db.row_counts()}
            assert rows is not None
            return _restore_postgres(db, kind, revision, rows, progress_bar(total, "rows", quiet), force)
        tick = progress_bar(rows.total if isinstance(rows, Dump) else 0, "rows", quiet)
        return _restore_sqlite(db, kind, revision, backup_db, rows, tick, force)
    finally:
        if backup_db is not None:
            backup_db.close()


def _holds_data(db: Database) -> CodedbError:
    return CodedbError(
        f"{db.target.display} holds data; restoring would replace it: back it up first, "
        "then restore with --force"
    )


def refuse_if_holding(db: Database) -> None:
    """Refuse a restore without --force into `db` (which may be opened read-only) that holds data."""
    if holds_data(db):
        raise _holds_data(db)


def _restore_postgres(
    db: Database,
    kind: str,
    revision: str | None,
    rows: "Dump | dict[str, Any]",
    tick: Callable[[int], None],
    force: bool,
) -> RestoreResult:
    migrated = tuple(migrate(db))
    with db.transaction():
        # Without --force, what the DELETEs found is the check: a row committed before them is
        # counted (and the restore refused, rolling back), one committed after them survives.
        deleted = sum(int(bound.clear(db.conn) or 0) for bound in reversed(list(db.tables.values())))
        if deleted and not force:
            raise _holds_data(db)
        added = load(db, rows, tick)
    analyze(db, db.tables)
    return RestoreResult(db.target.display, kind, revision, added, migrated)


def _restore_sqlite(
    db: Database,
    kind: str,
    revision: str | None,
    backup_db: Database | None,
    rows: "Dump | dict[str, Any] | None",
    tick: Callable[[int], None],
    force: bool,
) -> RestoreResult:
    assert db.path is not None
    temp = temp_path(db.path.with_name(db.path.name + ".restore"))
    remove_database_files(temp)
    try:
        with connect(temp) as built:
            added, migrated = _build(built, backup_db, rows, tick)
            _put_in_place(built, db, force)
    finally:
        remove_database_files(temp)
    configure_sqlite(db)
    return RestoreResult(str(db.path), kind, revision, added, migrated)


class _Refused(Exception):
    """Raised from the copy's progress callback to abort it."""


def _put_in_place(built: Database, db: Database, force: bool) -> None:
    """Copy `built` onto the live database: one write transaction, opened by the copy's first
    step and held to its end. Without `force`, the live database is checked for data after that
    first step, through a second connection, while the copy holds the write lock: a writer that
    committed first makes the restore refuse (the copy rolls back); any later one waits."""
    if force:
        built.conn.backup(db.conn)
        return
    pages = int(built.queries.core.page_count(built.conn))
    step = 1 if pages <= PAGES_PER_STEP else PAGES_PER_STEP  # the first step must not be the last
    with connect(db.target, create=False, readonly=True) as watcher:
        checked = False

        def check(status: int, remaining: int, total: int) -> None:
            nonlocal checked
            if not checked:
                checked = True
                if holds_data(watcher):
                    raise _Refused

        try:
            built.conn.backup(db.conn, pages=step, progress=check)
        except _Refused:
            raise _holds_data(db) from None


def _build(
    db: Database,
    backup_db: Database | None,
    rows: "Dump | dict[str, Any] | None",
    tick: Callable[[int], None],
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Make the restored database in `db` (a new file): a copy of the backup, or the dump's
    rows loaded into a new schema; migrated to this codedb's revision and checked."""
    if backup_db is not None:
        backup_db.conn.backup(db.conn)
        configure_sqlite(db)
        migrated = tuple(migrate(db))
        added = db.row_counts()
    else:
        migrate(db)
        migrated = ()
        with db.transaction():
            added = load(db, rows or {}, tick)
    problems = integrity_problems(db)
    if problems or list(db.queries.core.foreign_key_check(db.conn)):
        raise CodedbError(
            f"the restored database failed its checks ({problems[0] if problems else 'foreign keys'}); "
            "nothing was changed"
        )
    analyze(db, db.tables)
    db.queries.core.checkpoint(db.conn)
    return added, migrated
