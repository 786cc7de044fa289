"""What every route of the server is made of: an Endpoint (method, path, the domain call,
its query parameters, its JSON body as an attrs class, its answer's record), the checks of
what a request brings (422 naming the field), the errors' statuses and the JSON encoding.

A route is data: the server dispatches it, the OpenAPI document describes it, and neither
knows one route from another."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs

from ..errors import (
    AmbiguousId,
    CodedbError,
    Conflict,
    ConnectError,
    DatabaseError,
    Forbidden,
    ForeignDatabase,
    InvalidInput,
    MigrationError,
    NotFound,
    NotInitialised,
    ProviderError,
    Unauthorized,
)


class HTTPError(Exception):
    """An answer other than 200 that no domain error names (413, 405, ...)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


# A codedb error's HTTP status; its message (one line naming the problem and the fix) is the
# answer's "detail".
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotFound, 404),
    (AmbiguousId, 400),
    (InvalidInput, 422),
    (Unauthorized, 401),
    (Forbidden, 403),
    (Conflict, 409),
    (ConnectError, 503),
    (ProviderError, 502),
    # The database failed, not the request (a lock held too long, a full disk, a value another
    # program wrote that codedb cannot read, a schema behind or rolled back): nothing to fix in it.
    (DatabaseError, 503),
    (NotInitialised, 503),
    (ForeignDatabase, 503),
    (MigrationError, 503),
    (CodedbError, 400),
)


def status_of(exc: Exception) -> int:
    return next(code for kind, code in STATUS if isinstance(exc, kind))


@attrs.frozen
class Param:
    """A query parameter: its type (str, int, float, bool), default and bounds."""

    name: str
    kind: type = str
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


@attrs.frozen
class Call:
    """What a route's domain call gets besides the database: the path's parameters, the
    checked query parameters, the checked body, the signed-in user (None on a server
    without keys) and the server's settings."""

    path: dict[str, str]
    query: dict[str, Any]
    body: Any
    user: Any = None
    settings: dict[str, Any] = attrs.field(factory=dict)

    @property
    def actor(self) -> str | None:
        """Who the workflow events name: the signed-in user, or no one."""
        return None if self.user is None else str(self.user.username)


@attrs.frozen
class Endpoint:
    method: str
    path: str  # Starlette's syntax: /api/v1/projects/{project_id}; {path:path} takes slashes
    call: Callable[[Any, Call], Any]  # (db, call) -> what the answer renders
    summary: str
    tag: str
    writes: bool = False
    query: tuple[Param, ...] = ()
    body: type | None = None  # an attrs class: its fields are the JSON object's fields
    answer: Any = None  # an attrs class, list[cls], or a JSON schema (dict) of the answer
    status: int = 200
    # Whether a read with these query parameters is a lookup or a page (it may then run on
    # the event loop, see web.server), not a scan, a search or a report.
    quick: Callable[[dict[str, Any]], bool] = lambda query: True


def parse_query(params: tuple[Param, ...], given: Any) -> dict[str, Any]:
    """The declared query parameters from the request's, checked; 422 naming the first
    wrong one."""
    found = {}
    for param in params:
        raw = given.get(param.name)
        found[param.name] = param.default if raw is None or raw == "" else _query_value(param, raw)
    return found


def _query_value(param: Param, raw: str) -> Any:
    name = param.name
    if param.kind is bool:
        if raw.lower() not in ("true", "false", "1", "0"):
            raise InvalidInput(f"query parameter {name} must be true or false, not {raw!r:.40}")
        return raw.lower() in ("true", "1")
    if param.kind in (int, float):
        try:
            value = param.kind(raw)
        except ValueError:
            kind = "a whole number" if param.kind is int else "a number"
            raise InvalidInput(f"query parameter {name} must be {kind}, not {raw!r:.40}") from None
        if not math.isfinite(value):
            raise InvalidInput(f"query parameter {name} must be a finite number")
        if (param.minimum is not None and value < param.minimum) or (
            param.maximum is not None and value > param.maximum
        ):
            raise InvalidInput(f"query parameter {name} must be from {param.minimum} to {param.maximum}")
        return value
    if param.choices and raw not in param.choices:
        raise InvalidInput(
            f"query parameter {name} must be one of {', '.join(param.choices)}, not {raw!r:.40}"
        )
    if len(raw) > 10_000:
        raise InvalidInput(f"query parameter {name} is over 10,000 characters")
    return raw
