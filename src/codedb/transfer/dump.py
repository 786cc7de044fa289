"""Whole tables in and out: the JSON and JSONL dumps of backup/export, their validated
loading for import/restore, and CSV for spreadsheets.

A dump holds every row of every codedb table, as the records' fields, with the schema
revision. Loading is keyed on primary keys: rows that exist are skipped, so loading the
same dump twice adds nothing."""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from .. import __version__
from ..core.convert import from_dict, params, to_dict
from ..core.db import Database
from ..core.files import make_private_dir, open_output
from ..core.registry import table_names, table_records
from ..errors import InvalidInput
from ..schema.migrations import status

BATCH = 5000
FORMAT = "codedb-dump"
FORMAT_VERSION = 1


def selected_tables(names: Iterable[str] | None) -> list[str]:
    """The tables named by the user (all when none), in load order; unknown names refused."""
    wanted = list(names or [])
    known = table_names()
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise InvalidInput(f"unknown table {unknown[0]!r}; the tables are: {', '.join(known)}")
    return [name for name in known if not wanted or name in wanted]


def iter_records(db: Database, table: str) -> Iterator[Any]:
    """Every row of `table` as a record, in key order."""
    bound = db.tables[table]
    cls = bound.record
    for row in bound.dump(db.conn):
        yield cls(*row)


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
                out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
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
                out.write(json.dumps({"table": table, "row": row}, ensure_ascii=False) + "\n")
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


@attrs.frozen
class Dump:
    """A parsed and validated dump: its revision and its rows per table, as records."""

    revision: str | None
    tables: dict[str, list[Any]]

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def read_dump(path: str | Path) -> Dump:
    """Parse a JSON or JSONL dump and check every row against the schema before any write."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as stream:
            first = stream.readline()
            rest = stream.read()
    except FileNotFoundError:
        raise InvalidInput(f"file {path} does not exist; give the path of a codedb dump") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path} as a codedb dump: {exc}") from None
    try:
        head = json.loads(first)
        jsonl = isinstance(head, dict) and "tables" not in head and head.get("format") == FORMAT
    except json.JSONDecodeError:
        jsonl = False
    if jsonl:
        return _validate(path, head, _jsonl_tables(path, rest))
    try:
        data = json.loads(first + rest)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"file {path} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "give a file written by 'codedb export' or 'codedb backup --format=json'"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise InvalidInput(
            f'file {path} is not a codedb dump (no "format": "{FORMAT}" with "tables"); '
            "give a file written by 'codedb export' or 'codedb backup --format=json'"
        )
    return _validate(path, data, data["tables"])


def _jsonl_tables(path: Path, text: str) -> dict[str, list[Any]]:
    tables: dict[str, list[Any]] = {}
    for number, line in enumerate(text.splitlines(), start=2):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}, line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(item, dict) or set(item) != {"table", "row"}:
            raise InvalidInput(f'{path}, line {number}: expected {{"table": ..., "row": {{...}}}}')
        tables.setdefault(str(item["table"]), []).append(item["row"])
    return tables


def _validate(path: Path, head: dict[str, Any], tables: dict[str, Any]) -> Dump:
    if head.get("format_version", FORMAT_VERSION) > FORMAT_VERSION:
        raise InvalidInput(
            f"{path} was written by a newer codedb (dump format {head['format_version']}); upgrade codedb"
        )
    parsed: dict[str, list[Any]] = {}
    classes = table_records()
    for table, rows in tables.items():
        if table not in classes:
            raise InvalidInput(f"{path}: unknown table {table!r}; the tables are: {', '.join(classes)}")
        if not isinstance(rows, list):
            raise InvalidInput(f"{path}: table {table} must be a list of rows")
        records: list[Any] = []
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise InvalidInput(f"{path}: {table} row {index} is not a JSON object")
            try:
                records.append(from_dict(classes[table], row))
            except InvalidInput as exc:
                raise InvalidInput(f"{path}: {table} row {index}: {exc}") from None
        parsed[table] = records
    revision = head.get("revision")
    return Dump(revision=revision if isinstance(revision, str) else None, tables=parsed)


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
    db: Database, tables: dict[str, list[Any]], tick: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Insert records table by table in load order, inside the caller's
    transaction; rows whose key exists are skipped. Returns the rows added per table."""
    added: dict[str, int] = {}
    for table, bound in db.tables.items():
        rows = tables.get(table)
        if not rows:
            continue
        added[table] = 0
        for start in range(0, len(rows), BATCH):
            batch = [params(row) for row in rows[start : start + BATCH]]
            added[table] += int(bound.load(db.conn, batch))
            tick(len(batch))
    return added
