"""The base of every domain's API classes: bound to one Database, and guarded so that an
error of the SQLite or PostgreSQL driver never reaches a caller raw. A missing table means the
schema is missing or behind (NotInitialised); any other driver error becomes a DatabaseError
with the driver's first line (a lock held too long, a full disk, a value out of range)."""

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import (
    CodedbError,
    DatabaseError,
    InvalidInput,
    NotInitialised,
    describe_driver_error,
    first_line,
)

if TYPE_CHECKING:
    from .db import Database

_MISSING_TABLE = ("no such table", "does not exist")
NO_LIMIT = 2**62  # the LIMIT both backends read as "all rows"


class DomainAPI:
    """A part of a domain's API: `self.db`, `self.conn`, and `self.sql`, the named queries of
    its domain (the package codedb.domains.<name> it lives in); public methods are guarded."""

    def __init__(self, db: "Database"):
        self.db = db
        self.conn = db.conn
        self.sql: Any = getattr(db.queries, _domain_of(type(self)))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if isinstance(value, staticmethod | classmethod | type) or name.startswith("_"):
                continue  # a static method has no database to reach (nor a class method)
            if callable(value):
                setattr(cls, name, _guarded(value))


def _domain_of(cls: type) -> str:
    """The domain of an API class: NAME of codedb.domains.NAME.<module>."""
    parts = cls.__module__.split(".")
    if parts[:2] != ["codedb", "domains"] or len(parts) < 4:
        raise TypeError(f"{cls.__qualname__} is not in a domain's package (codedb.domains.<name>)")
    return parts[2]


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: DomainAPI, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except CodedbError:
            raise
        except OverflowError as exc:  # a number the driver cannot bind (SQLite: over 2**63 - 1)
            raise InvalidInput(
                f"a number is too large for the database ({exc}); give a smaller one"
            ) from None
        except UnicodeEncodeError as exc:  # a text no driver can send (Python's str allows it)
            if "surrogate" not in exc.reason:
                raise
            raise InvalidInput(
                f"a text is not valid Unicode (it holds {exc.object[exc.start : exc.end]!r}, "
                "a lone surrogate); give UTF-8 text"
            ) from None
        except Exception as exc:
            described = describe_driver_error(exc)
            if described is None or isinstance(exc, OSError):
                raise
            raise translate(self.db, exc, described) from exc

    return call


def translate(db: "Database", exc: BaseException, described: str) -> CodedbError:
    """The CodedbError for a driver error met while using `db`."""
    first = first_line(exc)
    if type(exc).__name__ == "NumericValueOutOfRange":  # psycopg: a number the column cannot hold
        return InvalidInput(f"a number is too large for the database ({first}); give a smaller one")
    if any(marker in first for marker in _MISSING_TABLE) and ("table" in first or "relation" in first):
        where = db.target.display
        return NotInitialised(
            f"database {where} has no codedb schema or is behind ({first}); create or update it with "
            f"'codedb --db {where} migrate' (codedb.migrate(db) in Python)"
        )
    return DatabaseError(described)
