"""`codedb copy SRC DST`: every row of every codedb table from one database into another,
SQLite or PostgreSQL on either side (and same to same).

SRC is read in one snapshot, table by table in the registry's load order (a table after the
tables it references), in batches. DST is written in one transaction (PostgreSQL's with
COPY: each table's copy_<table> query), so a failed copy leaves it as it was; a SQLite DST
that does not exist yet is built beside its path and renamed into place only when complete.
DST is first migrated to SRC's revision, and SRC must be at this codedb's latest (the fix for
an older one: migrate it). Tables that triggers keep (search indexes, daily sums) are not
copied: DST's triggers make them from the rows, and an index whose domain can pause it (the
function library's) is rebuilt once, after the load. On PostgreSQL, DST's foreign keys and its
indexes that are neither primary keys nor unique are built once after the rows too
(Database.loading); a row whose reference is missing is refused then.

Before DST's transaction commits, every table is read back from DST and compared with what
was read from SRC: the number of rows, and a checksum computed the same way on both sides
(each row's field values in order, JSON fields with sorted keys and their numbers as floats:
the same on both backends, hashed with BLAKE2b), summed per row so that the order rows come
back in does not matter."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from itertools import islice
from typing import Any, NamedTuple

from ..core.convert import canonical_values, params, row_values
from ..core.db import Database, connect
from ..core.files import staged
from ..core.progress import progress_bar
from ..core.registry import derived_tables, searchable
from ..core.target import Target, resolve_target
from ..errors import CodedbError, Conflict, InvalidInput, describe_driver_error, first_line, undecodable
from ..schema.migrations import known_ids, migrate, status
from .dump import analyze, iter_records
from .restore import holds_data

BATCH = 5_000
_MODULUS = 2**128


class TableCopy(NamedTuple):
    """One table's copy: its rows and their checksum (equal on both sides)."""

    table: str
    rows: int
    checksum: str


class CopyResult(NamedTuple):
    src: str
    dst: str
    revision: str
    tables: tuple[TableCopy, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def rows_hash(records: Iterable[Any]) -> int:
    """Rows' share of their table's checksum: the sum of each one's BLAKE2b of the repr of its
    canonical values (convert.canonical_values), the same for the same rows read from either
    backend, in any order, in any process."""
    blake2b, canonical, whole = hashlib.blake2b, canonical_values, int.from_bytes
    return sum(whole(blake2b(repr(canonical(r)).encode(), digest_size=16).digest(), "big") for r in records)


def copy(
    src: str | Target, dst: str | Target, *, batch: int = BATCH, force: bool = False, quiet: bool = True
) -> CopyResult:
    """Copy every table of `src` into `dst` (see the module docstring); `force` replaces
    what `dst` holds. With `quiet` false, a progress bar shows on a terminal."""
    if not isinstance(batch, int) or batch < 1:
        raise InvalidInput(f"--batch must be a positive whole number, not {batch!r}")
    source, dest = resolve_target(src), resolve_target(dst)
    if source.memory or dest.memory:
        raise InvalidInput("cannot copy from or into an in-memory database; give files or PostgreSQL URLs")
    if _same(source, dest):
        raise InvalidInput(f"SRC and DST are the same database ({dest.display}); give another DST")
    with connect(source, create=False, readonly=True) as sdb:
        revision = _source_revision(sdb)
        with _destination(dest) as (ddb, fresh):
            tables = _copy_into(sdb, ddb, dest.display, revision, batch, force or fresh, quiet)
    return CopyResult(source.display, dest.display, revision, tables)


def _same(a: Target, b: Target) -> bool:
    if a.dialect != b.dialect:
        return False
    if a.path is not None and b.path is not None:
        return a.path.resolve() == b.path.resolve()
    return a.conninfo == b.conninfo if a.dialect == "postgresql" else False


def _source_revision(db: Database) -> str:
    state = status(db)
    if state.unknown:
        raise InvalidInput(
            f"{db.target.display} has migrations of a newer codedb ({', '.join(state.unknown)}); "
            "copy it with that codedb, or upgrade this one"
        )
    if state.current is None:
        raise InvalidInput(f"{db.target.display} holds no codedb schema; give a codedb database as SRC")
    if state.pending:
        raise InvalidInput(
            f"{db.target.display} is at revision {state.current}, older than this codedb's "
            f"{known_ids(db.dialect)[-1]}; migrate it first: codedb --db {db.target.display} migrate"
        )
    return state.current


@contextmanager
def _destination(dest: Target) -> Iterator[tuple[Database, bool]]:
    """DST open for writing, and whether it is new; a new SQLite file is built at a temporary
    path and renamed onto DST's only when the block succeeds."""
    if dest.path is not None and not dest.path.exists():
        with staged(dest.path) as temp, connect(temp) as db:
            yield db, True
            db.queries.core.checkpoint(db.conn)
        return
    with connect(dest, create=False) as db:
        yield db, False


def _copy_into(
    sdb: Database, ddb: Database, shown: str, revision: str, batch: int, force: bool, quiet: bool
) -> tuple[TableCopy, ...]:
    """The copy into `ddb` (DST, named `shown` to the user: a new file is built elsewhere)."""
    state = status(ddb)
    if state.unknown or (state.current is not None and state.current > revision):
        raise InvalidInput(
            f"{ddb.target.display} is at a newer revision ({state.current}) than SRC ({revision}); "
            f"migrate SRC first: codedb --db {sdb.target.display} migrate"
        )
    migrate(ddb, to=revision)
    if not force and holds_data(ddb):
        raise Conflict(
            f"{ddb.target.display} holds data; copying would replace it: back it up first, "
            "then copy with --force"
        )
    derived = derived_tables()
    present = sdb.table_names()
    names = [name for name in sdb.tables if name in present and name not in derived]
    counts = sdb.row_counts()
    tick = progress_bar(sum(counts.get(name, 0) for name in names), "rows", quiet)
    copied: list[TableCopy] = []
    with sdb.snapshot(), ddb.transaction(), ExitStack() as indexes:
        if force:
            for bound in reversed(list(ddb.tables.values())):
                bound.clear(ddb.conn)
        for _, attr in searchable():  # an index that can wait is rebuilt once, at the end
            paused = getattr(getattr(ddb, attr), "indexing_paused", None)
            if paused is not None:
                indexes.enter_context(paused())
        indexes.enter_context(ddb.loading())  # references and indexes built after the rows
        for name in names:
            with _refusals(sdb, shown, name):
                rows, checksum = _copy_table(sdb, ddb, name, batch, tick)
            copied.append(TableCopy(name, rows, f"{checksum:032x}"))
        with _refusals(sdb, shown, None):  # PostgreSQL checks the references of all the rows here
            indexes.close()
        for table in copied:  # read back before the commit: a mismatch rolls everything back
            rows, checksum = _summary(iter_records(ddb, table.table))
            if (rows, f"{checksum:032x}") != (table.rows, table.checksum):
                raise CodedbError(
                    f"the copy of {table.table} does not match SRC ({rows:,} rows read back, "
                    f"{table.rows:,} copied); nothing was written to {shown}"
                )
    analyze(ddb, [t.table for t in copied if t.rows])
    return tuple(copied)


@contextmanager
def _refusals(sdb: Database, shown: str, name: str | None) -> Iterator[None]:
    """A row DST (named `shown`) refuses, of table `name` or the one the error names, as one
    line; so is a text of SRC that cannot be read (bytes that are not UTF-8)."""
    try:
        yield
    except CodedbError:
        raise
    except Exception as exc:
        described = describe_driver_error(exc)
        if described is None or isinstance(exc, OSError):
            raise
        if undecodable(exc):
            raise CodedbError(
                f"SRC {sdb.target.display}: {described}; nothing was written to {shown}"
            ) from exc
        table = name or getattr(getattr(exc, "diag", None), "table_name", None) or "a table"
        raise CodedbError(
            f"DST refused a row of {table} ({first_line(exc)}); nothing was written to "
            f"{shown}: fix that row in SRC, then copy again"
        ) from exc


def _copy_table(
    sdb: Database, ddb: Database, name: str, batch: int, tick: Callable[[int], None]
) -> tuple[int, int]:
    """Stream `name` from SRC into DST in batches; (rows, checksum) of what was read."""
    bound = ddb.tables[name]
    stream = iter_records(sdb, name, batch)
    rows = checksum = 0
    while records := list(islice(stream, batch)):
        checksum = (checksum + rows_hash(records)) % _MODULUS
        if bound.copy is not None:  # PostgreSQL: COPY, each row its record's fields in order
            added = ddb.copy_rows(bound.copy, map(row_values, records))
        else:
            added = int(bound.load(ddb.conn, [params(r) for r in records]))
        if added != len(records):
            raise Conflict(
                f"{len(records) - added:,} rows of {name} were there already in {ddb.target.display}; "
                "copy into an empty database, or with --force"
            )
        rows += added
        tick(added)
    return rows, checksum


def _summary(records: Iterator[Any]) -> tuple[int, int]:
    rows = checksum = 0
    while batch := list(islice(records, BATCH)):
        rows += len(batch)
        checksum = (checksum + rows_hash(batch)) % _MODULUS
    return rows, checksum
