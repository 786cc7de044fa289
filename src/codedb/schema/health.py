"""`codedb check` (integrity, foreign keys, schema revision, schema objects) and `codedb
vacuum`; what a SQLite backup must be before it is restored."""

from functools import cache

import attrs

from ..core.db import Database, connect
from .migrations import YOYO_TABLES, migrate, status

SchemaObject = tuple[str, str, str, str]  # kind, name, table, SQL (whitespace collapsed)


@attrs.frozen
class CheckResult:
    revision: str | None
    findings: tuple[str, ...]


def integrity_problems(db: Database) -> list[str]:
    """What the engine's integrity check finds ([] when the database is sound)."""
    return [row[0] for row in db.queries.core.integrity_check(db.conn) if row[0] != "ok"]


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
    """Integrity check, foreign-key check and the schema revision; findings when wrong."""
    findings = [f"integrity: {problem}" for problem in integrity_problems(db)]
    findings += [
        f"foreign key: a row of {table} (rowid {rowid}) points at a missing {parent} row"
        for table, rowid, parent in db.queries.core.foreign_key_check(db.conn)
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
