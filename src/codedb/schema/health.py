"""`codedb check` (integrity, foreign keys, schema revision) and `codedb vacuum`."""

import attrs

from ..core.db import Database
from .migrations import status


@attrs.frozen
class CheckResult:
    revision: str | None
    findings: tuple[str, ...]


def integrity_problems(db: Database) -> list[str]:
    """What the engine's integrity check finds ([] when the database is sound)."""
    return [row[0] for row in db.queries.core.integrity_check(db.conn) if row[0] != "ok"]


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
    return CheckResult(state.current, tuple(findings))


def vacuum(db: Database) -> tuple[int, int]:
    """Rebuild the file and return its free pages (SQLite), or VACUUM (ANALYZE) (PostgreSQL);
    return the size before and after, in bytes."""
    before = int(db.queries.core.database_size(db.conn) or 0)
    db.queries.core.vacuum(db.conn)
    after = int(db.queries.core.database_size(db.conn) or 0)
    return before, after
