"""Backups: hot SQLite copies (the online backup API in steps, or VACUUM INTO), logical JSON
dumps (any backend), plain SQL dumps (SQLite); rotation for nightly jobs.

Every backup is written to a temporary file beside its destination, checked, made readable
by its owner only, and only then renamed into place: a failed backup leaves nothing behind.
It never writes over the database's own files, through a link, or onto anything but a
regular file (see core.files).
"""

import io
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import attrs

from ..core.db import BUSY_TIMEOUT_SECONDS, Database
from ..core.files import (
    clean_stale_temps,
    create_private_file,
    make_private_dir,
    private_binary,
    private_open,
    staged,
)
from ..core.progress import progress_bar
from ..errors import CodedbError, InvalidInput
from ..schema.migrations import require_schema
from .crypto import CHUNK, EncryptingWriter, check_passphrase

FORMATS = ("sqlite", "json", "sql")
VERIFY_LEVELS = ("quick", "full", "none")
SUFFIXES = {"sqlite": ".sqlite", "json": ".json", "sql": ".sql"}
PAGES_PER_STEP = 256
MAX_RESTARTS = 3  # after this many restarts caused by writers, copy the rest in one step
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"


@attrs.frozen
class BackupResult:
    path: Path
    format: str
    size_bytes: int
    removed: tuple[Path, ...] = ()


def rotated_name(directory: Path, db: Database, fmt: str, encrypted: bool = False) -> Path:
    """A timestamped file name in `directory` for a nightly backup (.enc after the format's
    suffix when encrypted)."""
    stem = db.path.stem if db.path else "codedb"
    suffix = SUFFIXES[fmt] + (".enc" if encrypted else "")
    return directory / f"{stem}-{datetime.now(UTC).strftime(STAMP_FORMAT)}{suffix}"


def rotated_pattern(name: Path) -> "re.Pattern[str] | None":
    """The names of the rotated backups of the database and format of `name` (one of them)."""
    named = re.fullmatch(r"(.+)-\d{8}T\d{12}Z(\.[a-z]+(?:\.enc)?)", name.name)
    if named is None:
        return None
    stem, suffix = named.groups()
    return re.compile(re.escape(stem) + r"-\d{8}T\d{12}Z" + re.escape(suffix))


def rotate(directory: Path, newest: Path, keep: int) -> tuple[Path, ...]:
    """Delete this database's oldest rotated backups beyond the `keep` newest. Only files
    whose whole name is codedb's pattern for this database and format count (STEM-<UTC
    stamp>.SUFFIX: never `STEM-notes.SUFFIX`, nor another database's `STEM-staging-...`);
    the backup just written is never deleted."""
    pattern = rotated_pattern(newest)
    if pattern is None:
        return ()
    ours = sorted(
        p for p in directory.iterdir() if pattern.fullmatch(p.name) and p.is_file() and not p.is_symlink()
    )
    doomed = [p for p in ours[: max(0, len(ours) - keep)] if p != newest]
    for path in doomed:
        path.unlink()
    return tuple(doomed)


def backup(
    db: Database,
    dest: str | os.PathLike[str] | None = None,
    *,
    fmt: str = "sqlite",
    compact: bool = False,
    force: bool = False,
    to_dir: str | os.PathLike[str] | None = None,
    keep: int | None = None,
    quiet: bool = False,
    verify: str = "quick",
    passphrase: str | None = None,
) -> BackupResult:
    """Back up `db` to `dest` (or a timestamped file in `to_dir`, keeping the `keep` newest).

    A SQLite copy is checked before it is put in place: `verify` is quick (PRAGMA
    quick_check, the default), full (integrity_check) or none. With a `passphrase` the backup
    is encrypted (transfer.crypto) as it is written: no plain copy reaches the disk."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown backup format {fmt!r}; use one of {', '.join(FORMATS)}")
    if verify not in VERIFY_LEVELS:
        raise InvalidInput(f"unknown --verify level {verify!r}; use one of {', '.join(VERIFY_LEVELS)}")
    if db.dialect != "sqlite" and fmt != "json":
        raise InvalidInput(f"--format={fmt} backs up SQLite files; back up PostgreSQL with --format=json")
    if db.target.memory and fmt == "sqlite":
        raise InvalidInput("an in-memory database has no file to copy; back it up with --format=json")
    if compact and fmt != "sqlite":
        raise InvalidInput("--compact goes with --format=sqlite")
    if compact and passphrase is not None:
        raise InvalidInput("--compact writes a plain file (VACUUM INTO); encrypt without --compact")
    if passphrase is not None:
        check_passphrase(passphrase)
    if keep is not None and (to_dir is None or keep < 1):
        raise InvalidInput("--keep=N needs --to-dir and N of 1 or more")
    if db.in_transaction:
        raise CodedbError("cannot back up inside an open transaction; commit it first")
    path, directory = _destination(db, dest, to_dir, fmt, passphrase is not None)
    require_schema(db)
    with staged(path, force=force) as temp:
        if passphrase is not None:
            with private_binary(temp) as raw:
                _encrypted(db, fmt, raw, passphrase, verify, quiet)
        elif fmt in ("json", "sql"):
            with private_open(temp) as out:
                _write_dump(db, fmt, out, quiet)
        else:
            create_private_file(temp)
            if compact:  # VACUUM INTO fills an empty file, keeping its mode
                db.queries.core.vacuum_into(db.conn, path=str(temp))
            else:
                _online_backup(db, temp, quiet)
            finish_copy(temp, verify)
    removed = rotate(directory, path, keep) if directory is not None and keep else ()
    return BackupResult(path, fmt, path.stat().st_size, removed)


def _destination(
    db: Database,
    dest: str | os.PathLike[str] | None,
    to_dir: str | os.PathLike[str] | None,
    fmt: str,
    encrypted: bool,
) -> tuple[Path, Path | None]:
    """The backup's file, and the directory of rotated backups it is named in (--to-dir)."""
    if to_dir is None:
        if dest is None:
            raise InvalidInput("give a destination file, or --to-dir=DIR")
        return Path(dest), None
    directory = Path(to_dir)
    make_private_dir(directory)
    path = rotated_name(directory, db, fmt, encrypted=encrypted)
    # A killed run's temporary file has a name no later run writes: clean by pattern.
    clean_stale_temps(path, rotated_pattern(path))
    return path, directory


def _write_dump(db: Database, fmt: str, out: IO[str], quiet: bool) -> None:
    """A logical dump of every table (json), or SQLite's plain SQL dump (sql), to `out`."""
    if fmt == "json":
        from .dump import write_json

        write_json(db, out, list(db.tables), progress_bar(sum(db.row_counts().values()), "rows", quiet))
    else:
        # iterdump writes a virtual table (a full-text index) into sqlite_master by hand and
        # its rows without their rowids, which the sqlite3 shell cannot load: the dump creates
        # the index empty instead ('codedb reindex' fills it after the dump is loaded).
        virtual = dict(db.queries.core.list_virtual_tables(db.conn))
        starts = tuple(
            start
            for name in virtual
            for start in (
                f'INSERT INTO "{name}"',  # its rows
                f'INSERT INTO "{name}_',  # its shadow tables' rows
                f"CREATE TABLE '{name}_",
                f'CREATE TABLE "{name}_',
                f"INSERT INTO sqlite_master(type,name,tbl_name,rootpage,sql)VALUES('table','{name}',",
            )
        )
        for line in db.conn.iterdump():
            if line == "COMMIT;":
                out.writelines(f"{sql};\n" for sql in virtual.values())
            elif line.startswith(starts):
                continue
            out.write(line + "\n")


def _encrypted(db: Database, fmt: str, raw: IO[bytes], passphrase: str, verify: str, quiet: bool) -> None:
    """Write an encrypted backup to `raw`, streamed: JSON and SQL dumps as they are written, a
    SQLite copy as the database file's bytes of one snapshot (_stream_file). Memory stays flat
    and no plain copy reaches the disk."""
    writer = EncryptingWriter(raw, passphrase)
    if fmt == "sqlite":
        _stream_file(db, writer, verify)
    else:
        text = io.TextIOWrapper(io.BufferedWriter(_Sink(writer), CHUNK), encoding="utf-8", newline="")
        _write_dump(db, fmt, text, quiet)
        text.flush()
        text.detach()
    writer.close()


SNAPSHOT_TRIES = 20


def _stream_file(db: Database, writer: EncryptingWriter, verify: str) -> None:
    """Encrypt the database file's bytes as one consistent snapshot, without copying it.

    Under the write lock (held for a moment) everything the write-ahead log holds is copied
    into the file, and a read transaction opens on that state; the lock is then let go. While
    that reader is open no checkpoint may write past its snapshot into the file, so the file
    holds exactly the snapshot however writers go on (they append to the log). It is checked
    through the same snapshot, then read in chunks. Readers of older snapshots can keep the
    log from being copied whole: then it tries again, up to SNAPSHOT_TRIES times."""
    import time

    assert db.path is not None
    core = db.queries.core
    wal = core.journal_mode(db.conn) == "wal"
    reader = sqlite3.connect(db.path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    locker = sqlite3.connect(db.path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        for attempt in range(SNAPSHOT_TRIES):
            core.begin_write(locker)
            try:
                if wal:
                    busy, frames, copied = core.checkpoint_passive(db.conn)
                    if busy or frames != copied:
                        # another checkpoint is running (it reports -1 frames, -1 copied) or
                        # an older reader holds frames back: try again
                        continue
                core.begin_read(reader)
                size = int(core.database_size(reader))  # the read opens the snapshot
                break
            finally:
                core.end_transaction(locker)
                if attempt + 1 < SNAPSHOT_TRIES and not reader.in_transaction:
                    time.sleep(0.05 * (attempt + 1))
        else:
            raise CodedbError(
                "long-running readers or checkpoints kept the write-ahead log from being copied into "
                "the file; try again when they are done, or back up without --encrypt"
            )
        try:
            _check_copy(core, reader, verify, "the database")
            with open(db.path, "rb") as stream:
                left = size
                while left > 0:
                    chunk = stream.read(min(CHUNK, left))
                    if not chunk:
                        raise CodedbError(
                            "the database file is shorter than its header says; nothing was written"
                        )
                    writer.write(chunk)
                    left -= len(chunk)
        finally:
            core.end_transaction(reader)
    finally:
        reader.close()
        locker.close()


class _Sink(io.RawIOBase):
    """A raw binary stream that hands what it is given to an EncryptingWriter."""

    def __init__(self, writer: EncryptingWriter):
        self.writer = writer

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return self.writer.write(bytes(data))


class _TooManyRestarts(Exception):
    pass


def _online_backup(db: Database, temp: Path, quiet: bool) -> None:
    """Copy with the online backup API, a step of pages at a time (progress on a terminal).

    A write by another connection restarts a stepped copy; under a steady stream of writes it
    could restart forever, so after a few restarts the rest is copied in one step, which
    holds a read snapshot (WAL lets the writers go on meanwhile)."""
    target = sqlite3.connect(temp)
    try:
        # The copy is a temporary file that `staged` flushes to disk before renaming it into
        # place: waiting for the disk at each step (3x the time of the copy) buys nothing.
        db.queries.core.skip_syncs(target)
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


def finish_copy(path: Path, verify: str = "quick") -> None:
    """Make a copy a single file (rollback journal, not WAL) and check it at the `verify` level."""
    from ..core.queries import load_queries

    core = load_queries("sqlite").core
    conn = sqlite3.connect(path)
    try:
        core.use_rollback_journal(conn)
        _check_copy(core, conn, verify, "the backup")
    finally:
        conn.close()


def _check_copy(core: Any, conn: Any, verify: str, what: str) -> None:
    """Run the `verify` level's check (quick_check, integrity_check, or none) on `conn`;
    CodedbError naming `what` and the first problem when it fails."""
    if verify == "none":
        return
    check = core.integrity_check if verify == "full" else core.quick_check
    problems = [row[0] for row in check(conn)]
    if problems != ["ok"]:
        raise CodedbError(f"{what} failed its integrity check ({problems[0]}); nothing was written")
