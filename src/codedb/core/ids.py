"""Record ids: new ones (uuid4 text), and the full id behind a unique prefix, as git does."""

import uuid
from collections.abc import Callable
from typing import Any

from ..errors import AmbiguousId, InvalidInput, NotFound


def new_id() -> str:
    return str(uuid.uuid4())


def resolve_prefix(
    kind: str, value: str, exists: Callable[[str], Any], prefixed: Callable[[str], list[str]], hint: str
) -> str:
    """The full id of a `kind` record given its id or a unique prefix: `exists(id)` says
    whether an id is taken, `prefixed(prefix)` lists up to 11 ids starting with it."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"empty {kind} id; {hint}")
    if exists(value):
        return value
    matches = prefixed(value)
    if not matches:
        raise NotFound(f"{kind} {value} not found; {hint}")
    if len(matches) > 1:
        shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
        raise AmbiguousId(f"{kind} id prefix {value} is ambiguous: {shown}; give more characters")
    return str(matches[0])
