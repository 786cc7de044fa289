"""What the function library's API classes share: checks of a caller's values, the page
of a listing, and _Part, their base (its queries: self.sql, sql/library/)."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any, TypeVar

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import check_text
from ...errors import InvalidInput
from .records import (
    TEST_STATUSES,
)

T = TypeVar("T")
_PARSE = object()  # add(): parse the signature from the code
MAX_SEARCH = 10_000
# add_many indexes this many functions or more itself, its insert triggers set aside (migration
# 0017); fewer are indexed by the triggers (setting them aside changes SQLite's schema, which
# makes every other connection read the schema again).
BULK_INDEX_AT = 100
# The newest functions whose name matches that a ranked search ranks besides its newest
# SEARCH_CANDIDATES matches: enough to fill a page with the best names, a quarter of the time.
NAME_CANDIDATES = 500
REINDEX_BATCH = 5_000  # functions read and indexed at a time by reindex
MAX_CYCLES = 10_000  # elementary cycles can be exponentially many: list at most this many
FUNCTION_HINT = "list ids with 'codedb list-functions'"
TEST_HINT = "list a function's tests with 'codedb show-function --function-id ID'"



def check_status(status: str) -> str:
    value = status.strip().lower() if isinstance(status, str) else status
    if value not in TEST_STATUSES:
        raise InvalidInput(f"invalid status {status!r}; use one of {', '.join(TEST_STATUSES)}")
    return value


def caller_text(value: Any, what: str) -> str:
    """A text field from a caller (see core.convert.check_text), else InvalidInput naming it."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, not {type(value).__name__}")
    return check_text(value, what)


def _names(values: Iterable[str] | None, what: str) -> builtins.list[str]:
    """Module or tag names, stripped and without repeats; an empty name is refused."""
    if isinstance(values, str):
        values = [values]
    names: list[str] = []
    for value in values or ():
        name = caller_text(value, f"{what} name").strip()
        if not name:
            raise InvalidInput(f"empty {what} name; give a non-empty {what}")
        if name not in names:
            names.append(name)
    return names


def name_key(name: str) -> str:
    """A name as the old tool compared names: blanks around it and case ignored."""
    return name.strip().casefold()


def _page(limit: int | None, offset: int | None) -> dict[str, int]:
    for value, option in ((limit, "limit"), (offset, "offset")):
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidInput(f"--{option} must be a whole number of 0 or more")
    return {"limit": NO_LIMIT if limit is None else limit, "offset": offset or 0}


class _Part(DomainAPI):
    """A part of the function library's API, bound to one open database."""
