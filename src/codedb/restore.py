"""`codedb restore`: replace a database with a backup (a codedb SQLite file or a JSON dump),
checked before anything is touched, and swapped in atomically.

SQLite: the new database is built beside the old one, checked, and renamed into place; the
old file is kept as <name>.pre-restore until the swap has succeeded. PostgreSQL: the rows are
replaced in one transaction. Any failure leaves the original exactly as it was."""

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from .backup import progress_bar
from .db import Database, connect, display_target, is_postgres, remove_database_files, sqlite_path
from .errors import CodedbError, ConnectError, InvalidInput
from .migrations import YOYO_TABLES, known_ids, migrate, status
from .records import reader
from .tables import TABLES, table_query
from .transfer import Dump, load, read_dump

SQLITE_HEADER = b"SQLite format 3\x00"


@attrs.frozen
class RestoreResult:
    target: str
    source_kind: str  # "sqlite" or "json"
    revision: str | None
    rows: dict[str, int]
    migrated: tuple[str, ...]


def source_kind(src: Path) -> str:
    """'sqlite' or 'json', from the file's first bytes; refuses anything else."""
    if not src.is_file():
        raise InvalidInput(f"backup {src} does not exist; give the path of a codedb backup")
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
        problems = [row[0] for row in db.queries.meta.integrity_check(db.conn)]
        if problems != ["ok"]:
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
    except sqlite3.DatabaseError as exc:
        db.close()
        raise InvalidInput(f"{src} is damaged or truncated ({exc}); give a sound backup") from None
    except BaseException:
        db.close()
        raise
    return db


def _rows_of(db: Database) -> dict[str, list[Any]]:
    present = db.table_names()
    return {
        table: [reader(cls)(row) for row in table_query(db, "dump", table)(db.conn)]
        for table, cls in TABLES.items()
        if table in present
    }


def _holds_data(target: str) -> bool:
    """Whether the target exists with anything in it that a restore would replace."""
    if not is_postgres(target):
        path = sqlite_path(target)
        if not path.exists() or path.stat().st_size == 0:
            return False
    try:
        with connect(target, create=False, readonly=True) as db:
            present = db.table_names()
            foreign = present - set(TABLES) - YOYO_TABLES
            if foreign:
                return True
            return any(int(table_query(db, "count", t)(db.conn)) for t in TABLES if t in present)
    except ConnectError:
        if is_postgres(target):
            raise
        return True  # a file that is not a database still holds someone's data


def restore(target: str, src: Path, *, force: bool = False, quiet: bool = True) -> RestoreResult:
    """Replace the database `target` with the backup `src` (see the module docstring); with
    `quiet` false, a JSON dump's rows show a progress bar on a terminal."""
    kind = source_kind(src)
    postgres = is_postgres(target)
    dialect = "postgresql" if postgres else "sqlite"
    if kind == "json":
        dump = read_dump(src)
        _check_revision(src, dump.revision, dialect)
        revision, rows = dump.revision, dump.tables
        backup_db = None
    else:
        backup_db = open_sqlite_backup(src)
        revision = status(backup_db).current
    try:
        if not force and _holds_data(target):
            raise CodedbError(
                f"{display_target(target)} holds data; restoring would replace it: back it up first, "
                "then restore with --force"
            )
        if postgres and backup_db is not None:
            rows = _rows_of(backup_db)
        loading = backup_db is None or postgres  # a SQLite backup is copied, not loaded row by row
        tick = progress_bar(sum(map(len, rows.values())) if loading else 0, "rows", quiet)
        if postgres:
            return _restore_postgres(target, kind, revision, rows, tick)
        return _restore_sqlite(
            sqlite_path(target), kind, revision, backup_db, None if backup_db else rows, tick
        )
    finally:
        if backup_db is not None:
            backup_db.close()


def _restore_postgres(
    target: str, kind: str, revision: str | None, rows: dict[str, list[Any]], tick: Callable[[int], None]
) -> RestoreResult:
    with connect(target) as db:
        migrated = tuple(migrate(db))
        with db.transaction():
            for table in reversed(list(TABLES)):
                table_query(db, "clear", table)(db.conn)
            added = load(db, rows, tick)
        db.queries.meta.analyze(db.conn)
    return RestoreResult(display_target(target), kind, revision, added, migrated)


def _restore_sqlite(
    path: Path,
    kind: str,
    revision: str | None,
    backup_db: Database | None,
    rows: dict[str, list[Any]] | None,
    tick: Callable[[int], None],
) -> RestoreResult:
    if not path.parent.is_dir():
        raise InvalidInput(f"directory {path.parent} does not exist; create it first")
    temp = path.with_name(f".{path.name}.restore-{os.getpid()}.tmp")
    remove_database_files(temp)
    try:
        added, migrated = _build(temp, backup_db, rows, tick)
        _swap(temp, path)
    finally:
        remove_database_files(temp)
    return RestoreResult(str(path), kind, revision, added, migrated)


def _build(
    temp: Path, backup_db: Database | None, rows: dict[str, list[Any]] | None, tick: Callable[[int], None]
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Make the restored database at `temp`: a copy of the backup, or the dump's rows loaded
    into a new schema; migrated to this codedb's revision and checked."""
    with connect(temp) as db:
        if backup_db is not None:
            backup_db.conn.backup(db.conn)
            db.queries.meta.configure_connection(db.conn)
            migrated = tuple(migrate(db))
            added = {t: int(table_query(db, "count", t)(db.conn)) for t in TABLES}
        else:
            migrate(db)
            migrated = ()
            with db.transaction():
                added = load(db, rows or {}, tick)
        problems = [row[0] for row in db.queries.meta.integrity_check(db.conn)]
        if problems != ["ok"] or list(db.queries.meta.foreign_key_check(db.conn)):
            raise CodedbError(f"the restored database failed its checks ({problems[0]}); nothing was changed")
        db.queries.meta.analyze(db.conn)
        db.queries.meta.checkpoint(db.conn)
    os.chmod(temp, 0o600)
    return added, migrated


def _swap(temp: Path, path: Path) -> None:
    """Rename `temp` onto `path`, keeping the old file as <name>.pre-restore until done."""
    if not path.exists():
        os.replace(temp, path)
        return
    try:
        with connect(path, create=False) as old:  # fold its write-ahead log into the file
            old.queries.meta.checkpoint(old.conn)
    except ConnectError:
        pass  # not a database (replaced with --force): there is no log to fold
    if Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 0:
        raise CodedbError(f"{path} is in use by another process; stop it, then restore again")
    pre = path.with_name(path.name + ".pre-restore")
    os.replace(path, pre)
    try:
        os.replace(temp, path)
    except BaseException:
        os.replace(pre, path)
        raise
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    pre.unlink()


__all__ = ["Dump", "RestoreResult", "restore"]
