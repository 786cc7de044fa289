"""Another tool's database, read without changing it: a SQLite file opened read-only, or a
PostgreSQL database (a schema, by the URL's search path) in read-only transactions. Each
table's rows come as dicts keyed by the table's own column names (the tools' versions add and
drop columns), a batch at a time.

A table the tool's code declares is read only if it stores its values: a virtual table or a
generated column would run what the file declares (`AS (zeroblob(50000000))` made an 8 KB
file cost 5.9 GB), while stored values are bounded by the file's size."""

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ..core.db import Database, connect
from ..core.target import resolve_target
from ..errors import CodedbError

BATCH = 1000
# SQLite stores any bytes as TEXT: those that are not UTF-8 arrive as lone surrogates (the
# bytes kept), instead of the driver refusing the whole table ("Could not decode to UTF-8").
LENIENT_TEXT = partial(str, encoding="utf-8", errors="surrogateescape")


# The query reading each table the old tools kept (named in full, so that a search finds its
# caller).
READERS = {
    "users": "read_users",
    "projects": "read_projects",
    "code_generations": "read_code_generations",
    "auto_saves": "read_auto_saves",
    "project_analysis": "read_project_analysis",
    "migrations": "read_migrations",
    "user_preferences": "read_user_preferences",
    "conversation_history": "read_conversation_history",
    "system_metrics": "read_system_metrics",
    "templates": "read_templates",
    "workflow_events": "read_workflow_events",
    "analytics": "read_analytics",
    "clarification_sessions": "read_clarification_sessions",
    "generated_files": "read_generated_files",
    "ai_provider_usage": "read_ai_provider_usage",
    "error_logs": "read_error_logs",
    "alembic_version": "read_alembic_version",
}


class SourceError(CodedbError, ValueError):
    """A source that cannot be read as the tool it claims to be."""


class Source:
    """An open source database: its tables, their columns, their rows."""

    def __init__(self, target: str | Path):
        resolved = resolve_target(str(target))
        if resolved.memory:
            raise SourceError(
                "an in-memory database has nothing to import; give a file or a postgresql:// URL"
            )
        try:
            self.db: Database = connect(resolved, create=False, readonly=True)
        except CodedbError as exc:
            raise SourceError(f"cannot open {resolved.display} read-only: {exc}") from None
        if self.db.dialect == "sqlite":  # text of bytes that are not UTF-8 comes as it is, noted
            self.db.conn.text_factory = LENIENT_TEXT  # by the importers (collect.storable_text)
        self.label = resolved.display
        self.queries = self.db.queries.legacy
        try:
            found = list(self.queries.legacy_tables(self.db.conn))
        except Exception as exc:
            self.db.close()
            raise SourceError(
                f"cannot read the tables of {self.label} ({exc}); the file may be damaged"
            ) from None
        self.tables = {str(name) for name, _ in found}
        self._virtual = {str(name) for name, virtual in found if virtual}
        self._end_read()

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _end_read(self) -> None:
        """End the read transaction a query opened (PostgreSQL): no lock outlives a read."""
        if self.db.dialect == "postgresql" and self.db.in_transaction:
            self.db.conn.rollback()

    def columns(self, table: str) -> list[str]:
        """The columns of `table` (none when the source has no such table)."""
        if table not in self.tables:
            return []
        found = [str(row[0]) for row in self.queries.legacy_columns(self.db.conn, table_name=table)]
        self._end_read()
        return found

    def check_stored(self, tables: set[str]) -> None:
        """Refuse the source if one of the tool's `tables` is virtual or computes a column."""
        for table in sorted(tables & self.tables):
            computed = [c for (c,) in self.queries.legacy_generated_columns(self.db.conn, table_name=table)]
            self._end_read()
            if table in self._virtual or computed:
                what = (
                    "is a virtual table"
                    if table in self._virtual
                    else f"computes its column {computed[0]} when read"
                )
                raise SourceError(
                    f"{self.label}: table {table} {what}; the old tool's tables store their values"
                )

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """Every row of `table` as {column: value}, a batch at a time; none without the table."""
        if table not in self.tables:
            return
        with getattr(self.queries, READERS[table] + "_cursor")(self.db.conn) as cursor:
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                for row in batch:
                    yield dict(zip(names, row, strict=True))
        self._end_read()

    def count(self, table: str) -> int:
        return sum(1 for _ in self.rows(table))
