"""Recovering what can be read from a damaged SQLite file into a new codedb database.

The damaged file is never written: it is copied (read-only) into a private folder beside the
destination and read page by page from the copy (transfer.btree). A new database is built at
a temporary path at the damaged file's revision (the migrations its _yoyo_migration rows
name, or every migration when those rows are lost), the rows are loaded table by table in the
registry's load order through each table's own load query, each row checked by the schema as
any import's (a row whose parent was lost, or whose values the schema refuses, is left out and
counted), and the copy is checked before it is renamed onto the destination.
"""

import os
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..core.convert import params
from ..core.db import Database, connect
from ..core.files import check_destination, check_input, private_workdir, staged
from ..errors import InvalidInput
from ..schema.health import check
from ..schema.migrations import known_ids, migrate
from .btree import PageFile, TableRows

BATCH = 500


@attrs.frozen
class TableRecovery:
    table: str
    read: int  # rows read from the damaged file's pages
    recovered: int  # rows in the new database
    claimed: int | None  # rows the damaged file's statistics (sqlite_stat1) claim, if any
    damaged_pages: int
    schema_lost: bool = False  # the damaged schema no longer names the table
    replaced_texts: int = 0  # texts of bytes that are not UTF-8, recovered with U+FFFD for them


@attrs.frozen
class RecoveryResult:
    out: Path
    revision: str
    tables: tuple[TableRecovery, ...]
    header_damaged: bool


def recover(damaged: str | Path, out: str | Path, *, force: bool = False) -> RecoveryResult:
    """Salvage the rows of `damaged` into a new codedb database at `out` (refused when it
    exists, unless `force`)."""
    source = check_input(damaged, "damaged database")
    dest = Path(out)
    check_destination(dest, force=force, protected=[source])
    with private_workdir(dest.parent, "recover") as work:
        copy = work / "damaged.copy"
        shutil.copyfile(source, copy)  # from here on only the copy is read
        with open(copy, "rb") as stream:
            pages = PageFile(stream, os.path.getsize(copy))
            schema = {e.name: e for e in pages.schema() if e.kind == "table"}
            if not schema:
                raise InvalidInput(
                    f"no table can be read from {source}: its first page is lost or it is not a SQLite "
                    "file; give the damaged database's own file"
                )
            read = {name: pages.table_rows(entry.rootpage) for name, entry in schema.items()}
            revision = _revision(read.get("_yoyo_migration"))
            claimed = _claimed(read.get("sqlite_stat1"))
            header_damaged = not pages.header_ok
        with staged(dest, force=force, protected=[source]) as temp:
            with connect(temp) as db:
                migrate(db, to=revision)
                tables = tuple(_load(db, name, read.get(name), claimed.get(name)) for name in db.tables)
                findings = tuple(f for f in check(db).findings if not f.startswith("schema:"))
                db.queries.core.checkpoint(db.conn)
            if findings:
                raise InvalidInput(
                    f"the recovered database fails its check ({findings[0]}); nothing was written to {dest}"
                )
    return RecoveryResult(dest, revision, tables, header_damaged)


def _revision(migrations: TableRows | None) -> str:
    """The latest migration the damaged file records, else the latest codedb knows."""
    ids = known_ids("sqlite")
    applied: set[str] = set()
    for row in migrations.rows if migrations is not None else ():
        applied.update(v for v in row if isinstance(v, str) and v in ids)
    return max(applied, key=ids.index) if applied else ids[-1]


def _claimed(statistics: TableRows | None) -> dict[str, int]:
    """Rows per table as the damaged file's last ANALYZE counted them (sqlite_stat1)."""
    found: dict[str, int] = {}
    if statistics is None:
        return found
    for row in statistics.rows:
        if len(row) >= 3 and isinstance(row[0], str) and isinstance(row[2], str):
            first = row[2].split(" ", 1)[0]
            if first.isdigit():
                found[row[0]] = max(found.get(row[0], 0), int(first))
    return found


def _load(db: Database, table: str, read: Any, claimed: int | None) -> TableRecovery:
    bound = db.tables[table]
    if read is None:
        return TableRecovery(table, 0, 0, claimed, 0, schema_lost=True)
    stored = [row[0] for row in db.queries.core.table_columns(db.conn, table_name=table)]
    fields = [f.name for f in attrs.fields(bound.record)]
    order = [stored.index(name) for name in fields]
    records = []
    for values in read.rows:
        padded = tuple(values) + (None,) * (len(stored) - len(values))
        try:
            records.append(params(bound.record(*(padded[i] for i in order))))
        except (TypeError, ValueError):
            continue  # a value the record cannot hold: a damaged cell
    recovered = sum(_insert(db, bound, records[at : at + BATCH]) for at in range(0, len(records), BATCH))
    return TableRecovery(
        table, len(read.rows), recovered, claimed, read.bad_pages, replaced_texts=read.replaced_texts
    )


def _insert(db: Database, bound: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Load a batch; when the schema refuses one of its rows, load them one at a time,
    leaving out each it refuses. The number loaded."""
    try:
        with db.transaction():
            return int(bound.load(db.conn, rows))
    except sqlite3.IntegrityError:
        pass
    loaded = 0
    for row in rows:
        try:
            with db.transaction():
                loaded += int(bound.load(db.conn, [row]))
        except sqlite3.IntegrityError:
            continue
    return loaded


def totals(tables: Iterable[TableRecovery]) -> tuple[int, int]:
    """Rows read and rows recovered over every table."""
    listed = list(tables)
    return sum(t.read for t in listed), sum(t.recovered for t in listed)
