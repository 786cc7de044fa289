"""codedb: a code-knowledge database with a raw-SQL data layer, on SQLite or PostgreSQL.

import codedb
with codedb.connect("code_db.sqlite") as db:
    codedb.migrate(db)
    fid = db.functions.add("fib", "Fibonacci", "def fib(n): ...", modules=["math"]).function_id
    db.functions.search_substring("fib")
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below load on first use, so that `codedb --version` starts at once
    from .core.db import Database, connect, reader
    from .core.pool import Pool, pool
    from .errors import (
        AmbiguousId,
        CodedbError,
        Conflict,
        ConnectError,
        DatabaseError,
        Forbidden,
        ForeignDatabase,
        InvalidInput,
        LockedError,
        MigrationError,
        NotFound,
        NotInitialised,
        ProviderError,
        QueryFileError,
        Unauthorized,
        UnknownRevision,
    )
    from .schema.health import check
    from .schema.migrations import init, migrate, rollback, status
    from .transfer.backup import backup
    from .transfer.restore import restore

_ERRORS = [
    "AmbiguousId",
    "CodedbError",
    "Conflict",
    "ConnectError",
    "DatabaseError",
    "Forbidden",
    "ForeignDatabase",
    "InvalidInput",
    "LockedError",
    "MigrationError",
    "NotFound",
    "NotInitialised",
    "ProviderError",
    "QueryFileError",
    "Unauthorized",
    "UnknownRevision",
]
_LAZY = {
    **{name: "codedb.errors" for name in _ERRORS},
    "Database": "codedb.core.db",
    "connect": "codedb.core.db",
    "reader": "codedb.core.db",
    "Pool": "codedb.core.pool",
    "pool": "codedb.core.pool",
    "init": "codedb.schema.migrations",
    "migrate": "codedb.schema.migrations",
    "rollback": "codedb.schema.migrations",
    "status": "codedb.schema.migrations",
    "backup": "codedb.transfer.backup",
    "check": "codedb.schema.health",
    "restore": "codedb.transfer.restore",
    "import_legacy": "codedb.legacy",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'codedb' has no attribute {name!r}")


__all__ = [
    "AmbiguousId",
    "CodedbError",
    "Conflict",
    "ConnectError",
    "Database",
    "DatabaseError",
    "Forbidden",
    "ForeignDatabase",
    "InvalidInput",
    "LockedError",
    "MigrationError",
    "NotFound",
    "NotInitialised",
    "Pool",
    "ProviderError",
    "QueryFileError",
    "Unauthorized",
    "UnknownRevision",
    "__version__",
    "backup",
    "check",
    "connect",
    "import_legacy",
    "init",
    "migrate",
    "pool",
    "reader",
    "restore",
    "rollback",
    "status",
]
