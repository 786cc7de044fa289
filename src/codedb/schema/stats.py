"""`codedb stats`: what a database holds, read without writing a byte."""

from typing import Any

from ..core.db import Database
from .migrations import require_schema, status


def stats(db: Database) -> dict[str, Any]:
    """Rows per table, size, schema revision, backend, engine version and journal mode."""
    require_schema(db)
    core = db.queries.core
    state = status(db)
    return {
        "database": db.target.display,
        "backend": db.dialect,
        "version": core.server_version(db.conn),
        "revision": state.current,
        "pending_migrations": list(state.pending),
        "journal_mode": core.journal_mode(db.conn),
        "size_bytes": int(core.database_size(db.conn) or 0),
        "tables": db.row_counts(),
    }
