"""Whole tables in and out: the JSON and JSONL dumps of backup/export, their loading for
import/restore (read by transfer.reader), and CSV for spreadsheets.

A dump holds every row of every codedb table, as the records' fields, with the schema
revision. Loading is keyed on primary keys: rows that exist are skipped, so loading the
same dump twice adds nothing."""

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from itertools import groupby, islice
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import IO, Any

from .. import __version__
from ..core.convert import canonical_values, json_value, params, to_dict
from ..core.db import Database
from ..core.files import make_private_dir, open_output
from ..core.queries import RecordName, record_builder
from ..core.registry import table_names
from ..errors import InvalidInput
from ..schema.migrations import status
from .reader import FORMAT, FORMAT_VERSION, Dump

BATCH = 5000


def selected_tables(names: Iterable[str] | None) -> list[str]:
    """The tables named by the user (all when none), in load order; unknown names refused."""
    wanted = list(names or [])
    known = table_names()
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise InvalidInput(f"unknown table {unknown[0]!r}; the tables are: {', '.join(known)}")
    return [name for name in known if not wanted or name in wanted]


def iter_records(db: Database, table: str, batch: int = BATCH) -> Iterator[Any]:
    """Every row of `table` as a record, in key order, read `batch` rows at a time and built
    as every query's records are (by column name, checked: core.queries.record_builder). On
    PostgreSQL the table's dump query runs in a server-side cursor (a plain psycopg cursor
    brings the whole table into memory first), inside the caller's transaction or one of its
    own."""
    bound = db.tables[table]
    record = RecordName(bound.record.__module__, bound.record.__name__)
    with ExitStack() as stack:
        if db.dialect != "postgresql":
            cursor = db.conn.cursor()
            stack.callback(cursor.close)
        else:
            if not db.in_transaction:  # a server-side cursor lives in a transaction
                stack.enter_context(db.conn.transaction())
            cursor = stack.enter_context(db.conn.cursor(name=f"codedb_{table}"))
        cursor.execute(bound.dump.sql)
        build = None
        while rows := cursor.fetchmany(batch):
            build = build or record_builder(f"dump_{table}", bound.dump.sql, record, cursor.description)
            yield from build(rows)


def set_aside_present(
    db: Database, tables: Mapping[str, list[Any]], named: Iterable[str] = ()
) -> tuple[dict[str, list[Any]], dict[str, int], list[str]]:
    """Split an import's records (per table) before it loads them: those whose primary key
    codedb holds already come out, counted per table when the held row is the same (compared
    as copy's checksums compare rows: convert.canonical_values), and each named when it differs
    (another source's row under the same id: the held one is kept). In
    the `named` tables the key is the thing itself (a module's name): a held key is the same
    row whatever else differs. The rest, to load, and those counts and notes."""
    to_load: dict[str, list[Any]] = {}
    same: dict[str, int] = {}
    notes: list[str] = []
    for table, records in tables.items():
        if not records or not db.tables[table].count(db.conn):
            to_load[table] = list(records)
            continue
        columns = [column for (column,) in db.queries.core.primary_key_columns(db.conn, table_name=table)]
        key = attrgetter(*columns)
        wanted = {key(record): record for record in records}
        held = {key(row): row for row in iter_records(db, table) if key(row) in wanted}
        to_load[table] = [record for record in records if key(record) not in held]
        for found, row in held.items():
            if table in named or canonical_values(row) == canonical_values(wanted[found]):
                same[table] = same.get(table, 0) + 1
            else:
                notes.append(
                    f"{table} {found if isinstance(found, str) else ', '.join(map(str, found))}: codedb "
                    "holds another row under this id (from another source?); kept the one it holds"
                )
    return to_load, same, notes


def iter_rows(db: Database, table: str) -> Iterator[dict[str, Any]]:
    """Every row of `table` as a JSON-ready dict of its record's fields, in key order."""
    for item in iter_records(db, table):
        yield to_dict(item)


def snapshot_rows(db: Database) -> dict[str, list[Any]]:
    """Every row of every table present, as records (what a restore between backends copies)."""
    present = db.table_names()
    return {name: list(iter_records(db, name)) for name in db.tables if name in present}


def header(db: Database) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "codedb_version": __version__,
        "revision": status(db).current,
    }


def write_json(
    db: Database, out: IO[str], tables: list[str], tick: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Stream a JSON dump of `tables` to `out` from one consistent snapshot; return row counts."""
    counts: dict[str, int] = {}
    with db.snapshot():
        head = json.dumps(header(db), ensure_ascii=False)[:-1]
        out.write(head + ', "tables": {')
        for index, table in enumerate(tables):
            out.write(("," if index else "") + f"\n{json.dumps(table)}: [")
            count = 0
            for row in iter_rows(db, table):
                text = json.dumps(row, ensure_ascii=False, default=json_value)
                out.write(("," if count else "") + "\n  " + text)
                count += 1
                tick(1)
            out.write("\n]")
            counts[table] = count
        out.write("\n}}\n")
    return counts


def write_jsonl(
    db: Database, out: IO[str], tables: list[str], tick: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Stream a JSON-lines dump: a header line, then one {"table", "row"} line per row."""
    counts: dict[str, int] = {}
    with db.snapshot():
        out.write(json.dumps(header(db), ensure_ascii=False) + "\n")
        for table in tables:
            counts[table] = 0
            for row in iter_rows(db, table):
                line = json.dumps({"table": table, "row": row}, ensure_ascii=False, default=json_value)
                out.write(line + "\n")
                counts[table] += 1
                tick(1)
    return counts


def write_csv(db: Database, directory: Path, tables: list[str], force: bool = False) -> dict[str, int]:
    """One CSV file per table in `directory` (header = column names; NULL = empty cell)."""
    counts: dict[str, int] = {}
    make_private_dir(directory)
    with db.snapshot():
        for table in tables:
            with open_output(directory / f"{table}.csv", force=force, newline="") as out:
                writer = csv.writer(out)
                columns = db.tables[table].columns
                writer.writerow(columns)
                counts[table] = 0
                for row in iter_rows(db, table):
                    writer.writerow(["" if row[c] is None else row[c] for c in columns])
                    counts[table] += 1
    return counts


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that it rolls back."""


def load_all_or_nothing(
    db: Database, work: Callable[[], dict[str, int]], dry_run: bool = False
) -> dict[str, int]:
    """Run `work` (a load returning rows added per table) in one transaction, rolled back
    afterwards when `dry_run`; after a real load, refresh the planner's statistics."""
    added: dict[str, int] = {}
    try:
        with db.transaction():
            added = work()
            if dry_run:
                raise _DryRun
    except _DryRun:
        return added
    analyze(db, [table for table, count in added.items() if count])
    return added


def analyze(db: Database, tables: Iterable[str]) -> None:
    """Refresh the planner's statistics of `tables` (a large load leaves them stale)."""
    for table in tables:
        db.tables[table].analyze(db.conn)


def load(
    db: Database, tables: "Mapping[str, Iterable[Any]] | Dump", tick: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Insert records table by table in load order, inside the caller's transaction, in
    batches (a Dump's records are streamed from its file, in one pass when it is in load
    order); rows whose key exists are skipped. Returns the rows added per table."""
    added: dict[str, int] = {}
    if isinstance(tables, Dump) and tables.in_load_order:  # one pass over the file
        grouped: Iterable[tuple[str, Iterable[Any]]] = (
            (table, (record for _, record in rows))
            for table, rows in groupby(tables.all_records(), key=itemgetter(0))
        )
    elif isinstance(tables, Dump):
        grouped = ((table, tables.records(table)) for table in db.tables if tables.counts.get(table))
    else:
        grouped = ((table, tables.get(table) or ()) for table in db.tables)
    for table, rows in grouped:
        bound = db.tables[table]
        stream = iter(rows)
        while batch := [params(row) for row in islice(stream, BATCH)]:
            added[table] = added.get(table, 0) + int(bound.load(db.conn, batch))
            tick(len(batch))
    return added
