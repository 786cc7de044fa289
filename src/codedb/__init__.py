"""codedb: a code-knowledge database with a raw-SQL data layer, on SQLite or PostgreSQL.

import codedb
with codedb.connect("code_db.sqlite") as db:
    codedb.migrate(db)
    fid = db.functions.add("fib", "Fibonacci", "def fib(n): ...", modules=["math"]).function_id
    db.functions.search("fib")
"""

__version__ = "0.1.0"

from .core.db import Database, connect  # noqa: E402
from .errors import (  # noqa: E402
    AmbiguousId,
    CodedbError,
    Conflict,
    ConnectError,
    DatabaseError,
    ForeignDatabase,
    InvalidInput,
    LockedError,
    MigrationError,
    NotFound,
    NotInitialised,
    QueryFileError,
    UnknownRevision,
)
from .schema.migrations import init, migrate, rollback, status  # noqa: E402

# Heavier capabilities load on first use, so that `codedb stats` starts quickly.
_LAZY = {
    "backup": "codedb.transfer.backup",
    "check": "codedb.schema.health",
    "restore": "codedb.transfer.restore",
    "import_legacy": "codedb.legacy",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'codedb' has no attribute {name!r}")


__all__ = [
    "AmbiguousId",
    "CodedbError",
    "Conflict",
    "ConnectError",
    "Database",
    "DatabaseError",
    "ForeignDatabase",
    "InvalidInput",
    "LockedError",
    "MigrationError",
    "NotFound",
    "NotInitialised",
    "QueryFileError",
    "UnknownRevision",
    "__version__",
    "backup",
    "check",
    "connect",
    "import_legacy",
    "init",
    "migrate",
    "restore",
    "rollback",
    "status",
]
