"""`codedb check` (integrity, foreign keys, schema revision, schema objects) and `codedb
vacuum`; what a SQLite backup must be before it is restored."""

import sqlite3
from collections.abc import Iterable, Iterator
from functools import cache

import attrs

from ..core.db import Database, connect
from ..core.queries import RecordName, record_builder, row_problems
from ..core.registry import derived_tables
from ..errors import DatabaseError, first_line, one_line, undecodable
from .migrations import YOYO_TABLES, migrate, status

SchemaObject = tuple[str, str, str, str]  # kind, name, table, SQL (whitespace collapsed)


@attrs.frozen
class CheckResult:
    revision: str | None
    findings: tuple[str, ...]


def integrity_problems(db: Database) -> list[str]:
    """What the engine's integrity check finds ([] when the database is sound). On a damaged
    file the check itself can stop partway ("database disk image is malformed"): the problems
    it listed before are kept, and where it stopped is one more."""
    core = db.queries.core
    try:
        return [row[0] for row in core.integrity_check(db.conn) if row[0] != "ok"]
    except sqlite3.DatabaseError as whole:
        stopped = f"the check stopped: {first_line(whole)}"
    # Table by table, the check says which tables are damaged and which are sound.
    found: list[str] = []
    try:
        tables = [row[0] for row in core.list_stored_tables(db.conn)]
    except sqlite3.DatabaseError as exc:
        return [stopped, f"the list of tables cannot be read: {first_line(exc)}"]
    for table in tables:
        try:
            found += [f"{table}: {row[0]}" for row in core.integrity_check_table(db.conn, table_name=table)
                      if row[0] != "ok"]  # fmt: skip
        except sqlite3.DatabaseError as exc:
            found.append(f"table {table} cannot be read: {first_line(exc)}")
    return found or [stopped]


def text_problems(db: Database, listed: int = 20) -> list[str]:
    """SQLite: the texts of codedb's tables that another program wrote in bytes that are not
    UTF-8 (SQLite stores TEXT as given; the driver then refuses to read the table), each named
    by its table, its row's key and its column: the first `listed`, then how many more."""
    return _first(_undecodable_texts(db), listed, "rows") if db.dialect == "sqlite" else []


def _undecodable_texts(db: Database) -> Iterator[str]:
    db.conn.text_factory = bytearray  # a TEXT value comes as a bytearray, a BLOB as bytes
    try:
        for name in _stored_tables(db):
            cursor = db.conn.execute(db.tables[name].dump.sql)
            columns = [column[0] for column in cursor.description]
            for row in cursor:
                try:
                    for value in row:
                        if value.__class__ is bytearray:
                            value.decode()
                except UnicodeDecodeError:
                    bad = [c for c, v in zip(columns, row, strict=True) if not _readable(v)]
                    key = row[0].decode("utf-8", "replace") if isinstance(row[0], bytearray) else str(row[0])
                    yield f"{name} {one_line(key)}: {', '.join(bad)} holds bytes that are not UTF-8"
    finally:
        db.conn.text_factory = str


def value_problems(db: Database, listed: int = 20) -> list[str]:
    """SQLite: the values of codedb's tables that another program wrote and codedb cannot read
    as their column's type (a time that is not one, text in a number's column, a BLOB where text
    is kept), each named by its table, row key and column: the first `listed`, then how many
    more. A table holding text that is not UTF-8 is left to text_problems."""
    return _first(_unreadable_values(db), listed, "values") if db.dialect == "sqlite" else []


def _unreadable_values(db: Database) -> Iterator[str]:
    for name in _stored_tables(db):
        bound = db.tables[name]
        cls = bound.record
        cursor = db.conn.execute(bound.dump.sql)
        columns = tuple(column[0] for column in cursor.description)
        record = RecordName(cls.__module__, cls.__name__)
        build = record_builder(f"dump_{name}", bound.dump.sql, record, cursor.description)
        try:
            while rows := cursor.fetchmany(1000):
                try:
                    build(rows)
                    # A BLOB where text is kept builds (a value of another type may not).
                    suspects = [row for row in rows if bytes in map(type, row)]
                except DatabaseError:
                    suspects = rows
                for row in suspects:
                    key = one_line(str(row[0]))
                    yield from (f"{name} {key}: {found}" for _, found in row_problems(cls, columns, row))
        except sqlite3.OperationalError as exc:
            if undecodable(exc) is None:
                raise
            # text that is not UTF-8: text_problems names it


def _stored_tables(db: Database) -> list[str]:
    """codedb's tables but those triggers keep (an index holds its rows' texts: the row is named)."""
    return [name for name in db.tables if name not in derived_tables()]


def _first(lines: Iterable[str], listed: int, what: str) -> list[str]:
    """The first `listed` of `lines`, then how many more (all are read)."""
    found: list[str] = []
    more = 0
    for line in lines:
        if len(found) < listed:
            found.append(line)
        else:
            more += 1
    return found + ([f"and {more:,} more {what}"] if more else [])


def _readable(value: object) -> bool:
    """Whether `value` reads as text or is not text: False for a TEXT (a bytearray here) of
    bytes that are not UTF-8."""
    try:
        if isinstance(value, bytearray):
            value.decode()
    except UnicodeDecodeError:
        return False
    return True


def _objects(db: Database) -> set[SchemaObject]:
    return {
        (kind, name, table, " ".join((sql or "").split()))
        for kind, name, table, sql in db.queries.core.describe_schema(db.conn)
        if not (kind == "table" and name in YOYO_TABLES)  # yoyo's own, made as yoyo sees fit
    }


@cache
def expected_schema(revision: str) -> frozenset[SchemaObject]:
    """The tables, indexes, triggers and views codedb's SQLite migrations make up to `revision`."""
    with connect(":memory:") as fresh:
        migrate(fresh, to=revision)
        return frozenset(_objects(fresh))


def schema_differences(db: Database, revision: str) -> list[str]:
    """What the SQLite schema of `db` holds that migrations up to `revision` do not make (a
    trigger or a view brought by a tampered file runs with the user's next write), what it
    changes and what it lacks, one line each; [] when it is exactly codedb's."""
    have, want = _objects(db), expected_schema(revision)
    wanted = {(kind, name): sql for kind, name, _, sql in want}
    found = {(kind, name) for kind, name, _, _ in have}
    lines = []
    for kind, name, table, _ in sorted(have - want):
        where = f" on {table}" if kind in ("index", "trigger") else ""
        if (kind, name) in wanted:
            lines.append(f"{kind} {name}{where} differs from what revision {revision} makes")
        else:
            lines.append(f"{kind} {name}{where} is not codedb's (revision {revision} makes no such {kind})")
    lines += [f"{kind} {name} is missing" for kind, name in sorted(set(wanted) - found)]
    return lines


def check(db: Database) -> CheckResult:
    """Integrity check, foreign-key check and the schema revision; findings when wrong. Each
    part that a damaged file keeps from being read is a finding too, never an error, and then
    the last finding names the way out (`codedb recover`)."""
    findings = [f"integrity: {problem}" for problem in integrity_problems(db)]
    try:
        findings += [f"text: {problem}" for problem in text_problems(db)]
        findings += [f"value: {problem}" for problem in value_problems(db)]
        findings += [
            f"foreign key: a row of {table} (rowid {rowid}) points at a missing {parent} row"
            for table, rowid, parent in db.queries.core.foreign_key_check(db.conn)
        ]
        state = status(db)
    except sqlite3.DatabaseError as exc:
        findings.append(
            f"unreadable: {first_line(exc)}; the foreign keys and the schema could not be checked"
        )
        state = None
    if findings and findings[0].startswith(("integrity", "unreadable", "text", "value")):
        findings.append(
            f"damaged: salvage what can be read with 'codedb recover {db.target.display} NEW_FILE', "
            "or restore a backup"
        )
    if state is None:
        return CheckResult(None, tuple(findings))
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
    elif db.dialect == "sqlite" and state.current is not None:
        findings += [f"schema: {line}" for line in schema_differences(db, state.current)]
    return CheckResult(state.current, tuple(findings))


def vacuum(db: Database) -> tuple[int, int]:
    """Rebuild the file and return its free pages (SQLite), or VACUUM (ANALYZE) (PostgreSQL);
    return the size before and after, in bytes."""
    before = int(db.queries.core.database_size(db.conn) or 0)
    db.queries.core.vacuum(db.conn)
    after = int(db.queries.core.database_size(db.conn) or 0)
    return before, after
