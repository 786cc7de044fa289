"""`codedb stats`: what a database holds, read without writing a byte."""

from typing import Any

from .db import Database, display_target
from .migrations import status
from .tables import TABLES, table_query


def stats(db: Database) -> dict[str, Any]:
    """Rows per table, size, schema revision, backend, engine version and journal mode."""
    db.require_schema()
    meta = db.queries.meta
    present = db.table_names()
    state = status(db)
    return {
        "database": display_target(db.target),
        "backend": db.dialect,
        "version": meta.server_version(db.conn),
        "revision": state.current,
        "pending_migrations": list(state.pending),
        "journal_mode": meta.journal_mode(db.conn),
        "size_bytes": int(meta.database_size(db.conn) or 0),
        "tables": {name: int(table_query(db, "count", name)(db.conn)) for name in TABLES if name in present},
    }
