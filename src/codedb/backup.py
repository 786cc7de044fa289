"""Backups: hot SQLite copies (the online backup API in steps, or VACUUM INTO), logical JSON
dumps (any backend), plain SQL dumps (SQLite); rotation for nightly jobs; and `check`.

Every backup is written to a temporary file beside its destination, checked, made readable
by its owner only, and only then renamed into place: a failed backup leaves nothing behind.
"""

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import attrs

from .db import Database, create_private_file, private_open, remove_database_files
from .errors import CodedbError, Conflict, InvalidInput
from .migrations import status
from .tables import TABLES, table_query

FORMATS = ("sqlite", "json", "sql")
PAGES_PER_STEP = 256
MAX_RESTARTS = 3  # after this many restarts caused by writers, copy the rest in one step


@attrs.frozen
class BackupResult:
    path: Path
    format: str
    size_bytes: int
    removed: tuple[Path, ...] = ()


def progress_bar(total: int, unit: str, quiet: bool) -> Callable[[int], None]:
    """A progress callback: a bar on a terminal (stderr), nothing otherwise or when quiet."""
    if quiet or not sys.stderr.isatty():
        return lambda n: None
    from tqdm import tqdm

    # A terminal that reports no size (0x0) would get no bar at all from tqdm; shutil falls
    # back to 80x24 there.
    size = shutil.get_terminal_size()
    bar = tqdm(
        total=total or None, unit=unit, leave=False, file=sys.stderr, ncols=size.columns, nrows=size.lines
    )
    return lambda n: bar.update(n)  # type: ignore[no-any-return,unused-ignore]


@contextmanager
def staged(dest: Path, force: bool) -> Iterator[Path]:
    """A private temporary path beside `dest`, renamed onto it if the block succeeds."""
    if dest.is_dir():
        raise InvalidInput(f"{dest} is a directory; give a file name, or use --to-dir={dest}")
    if not dest.parent.is_dir():
        raise InvalidInput(f"directory {dest.parent} does not exist; create it first")
    if dest.exists() and not force:
        raise Conflict(f"{dest} exists already; give another name, or --force to replace it")
    temp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    remove_database_files(temp)
    try:
        yield temp
        os.chmod(temp, 0o600)
        os.replace(temp, dest)
    finally:
        remove_database_files(temp)


def rotated_name(directory: Path, db: Database, fmt: str) -> Path:
    """A timestamped file name in `directory` for a nightly backup."""
    stem = db.path.stem if db.path else "codedb"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = {"sqlite": ".sqlite", "json": ".json", "sql": ".sql"}[fmt]
    return directory / f"{stem}-{stamp}{suffix}"


def rotate(directory: Path, newest: Path, keep: int) -> tuple[Path, ...]:
    """Delete the oldest backups of the same name pattern beyond the `keep` newest."""
    stem = newest.name.rsplit("-", 1)[0]
    siblings = sorted(p for p in directory.glob(f"{stem}-*{newest.suffix}") if p.is_file())
    doomed = siblings[: max(0, len(siblings) - keep)]
    for path in doomed:
        path.unlink()
    return tuple(doomed)


def backup(
    db: Database,
    dest: Path | None = None,
    *,
    fmt: str = "sqlite",
    compact: bool = False,
    force: bool = False,
    to_dir: Path | None = None,
    keep: int | None = None,
    quiet: bool = False,
) -> BackupResult:
    """Back up `db` to `dest` (or a timestamped file in `to_dir`, keeping the `keep` newest)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown backup format {fmt!r}; use one of {', '.join(FORMATS)}")
    if db.dialect != "sqlite" and fmt != "json":
        raise InvalidInput(f"--format={fmt} backs up SQLite files; back up PostgreSQL with --format=json")
    if compact and fmt != "sqlite":
        raise InvalidInput("--compact goes with --format=sqlite")
    if keep is not None and (to_dir is None or keep < 1):
        raise InvalidInput("--keep=N needs --to-dir and N of 1 or more")
    if db.in_transaction:
        raise CodedbError("cannot back up inside an open transaction; commit it first")
    if to_dir is not None:
        if not to_dir.is_dir():
            raise InvalidInput(f"directory {to_dir} does not exist; create it first")
        dest = rotated_name(to_dir, db, fmt)
    if dest is None:
        raise InvalidInput("give a destination file, or --to-dir=DIR")
    db.require_schema()
    with staged(dest, force) as temp:
        if fmt == "json":
            from .transfer import write_json

            total = sum(int(table_query(db, "count", t)(db.conn)) for t in TABLES)
            with private_open(temp) as out:
                write_json(db, out, list(TABLES), progress_bar(total, "rows", quiet))
        elif fmt == "sql":
            with private_open(temp) as out:
                for line in db.conn.iterdump():
                    out.write(line + "\n")
        elif compact:
            create_private_file(temp)  # VACUUM INTO fills an empty file, keeping its mode
            db.queries.meta.vacuum_into(db.conn, path=str(temp))
            _check_copy(temp)
        else:
            create_private_file(temp)
            _online_backup(db, temp, quiet)
            _check_copy(temp)
    removed = rotate(to_dir, dest, keep) if to_dir is not None and keep else ()
    return BackupResult(dest, fmt, dest.stat().st_size, removed)


class _TooManyRestarts(Exception):
    pass


def _online_backup(db: Database, temp: Path, quiet: bool) -> None:
    """Copy with the online backup API, a step of pages at a time (progress on a terminal).

    A write by another connection restarts a stepped copy; under a steady stream of writes it
    could restart forever, so after a few restarts the rest is copied in one step, which
    holds a read snapshot (WAL lets the writers go on meanwhile)."""
    target = sqlite3.connect(temp)
    try:
        tick = progress_bar(0, "pages", quiet)
        seen: dict[str, int] = {"remaining": -1, "restarts": 0}

        def progress(status: int, remaining: int, total: int) -> None:
            if remaining > seen["remaining"] >= 0:
                seen["restarts"] += 1
                if seen["restarts"] > MAX_RESTARTS:
                    raise _TooManyRestarts
            seen["remaining"] = remaining
            tick(PAGES_PER_STEP)

        try:
            db.conn.backup(target, pages=PAGES_PER_STEP, progress=progress)
        except _TooManyRestarts:
            db.conn.backup(target, pages=-1)
    finally:
        target.close()


def _check_copy(path: Path) -> None:
    """Make the copy a single file (rollback journal, not WAL) and run the integrity check."""
    from .queries import load_queries

    meta = load_queries("sqlite").meta
    conn = sqlite3.connect(path)
    try:
        meta.use_rollback_journal(conn)
        problems = [row[0] for row in meta.integrity_check(conn)]
    finally:
        conn.close()
    if problems != ["ok"]:
        raise CodedbError(f"the backup failed its integrity check ({problems[0]}); nothing was written")


@attrs.frozen
class CheckResult:
    revision: str | None
    findings: tuple[str, ...]


def check(db: Database) -> CheckResult:
    """Integrity check, foreign-key check and the schema revision; findings when wrong."""
    findings = [f"integrity: {row[0]}" for row in db.queries.meta.integrity_check(db.conn) if row[0] != "ok"]
    findings += [
        f"foreign key: a row of {table} (rowid {rowid}) points at a missing {parent} row"
        for table, rowid, parent in db.queries.meta.foreign_key_check(db.conn)
    ]
    state = status(db)
    if not state.applied:
        findings.append("schema: no codedb migration applied; run 'codedb init'")
    if state.pending:
        findings.append(
            f"schema: {len(state.pending)} pending migrations ({', '.join(state.pending)}); "
            "run 'codedb migrate'"
        )
    if state.unknown:
        findings.append(
            f"schema: migrations of a newer codedb applied ({', '.join(state.unknown)}); upgrade codedb"
        )
    return CheckResult(state.current, tuple(findings))
