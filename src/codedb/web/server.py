"""What the routes and the pages share: the database served (a connection per worker thread,
the thread limit, the settings, the API-key check), the body reader with its limit, and the
mapping of errors to statuses.

Domain calls are sync and run in a thread pool, each thread on its own connection (a SQLite
file handle, or a PostgreSQL connection); SQLite's quick reads run on the event loop
(benchmarks/web.py measures both). `connections` bounds the threads, hence the connections,
of one process."""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ..core.db import Database, connect
from ..core.shapes import json_bytes
from ..core.target import Target, mask, resolve_target
from ..domains.users.api import Users
from ..errors import CodedbError, Unauthorized, describe_driver_error, one_line
from .endpoint import Call, Endpoint, HTTPError, status_of

MAX_BODY = 1 << 20  # bytes a request body may hold
KEYS_CHECKED_FOR = 5.0  # seconds the server trusts its count of API keys
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
NO_KEY = "give 'Authorization: Bearer <API key>' (make a key with 'codedb users key USER')"
errors = logging.getLogger("codedb.web")


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json_bytes(value), status, headers, media_type="application/json")


def is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name.startswith("[") and "]" in name:
        name = name[: name.index("]") + 1]
    return name in LOOPBACK or name.startswith("127.")


class Server:
    """One database served: the per-thread connections, the thread limit, the settings."""

    def __init__(
        self,
        target: str | Target | None,
        *,
        read_only: bool = False,
        connections: int = 8,
        max_body: int = MAX_BODY,
        alerts: dict[str, Any] | None = None,
        secret: bytes | None = None,
    ):
        import anyio

        self.target = resolve_target(target)
        self.read_only = read_only
        self.max_body = max_body
        self.settings = {"alerts": alerts or {}}
        # Quick SQLite reads (lookups and pages) run on the event loop's own connection: a
        # WAL reader never waits for a lock, and a read of tens of microseconds costs less
        # there than a thread's trip. Searches and reports (which would hold the loop),
        # writes (which may wait for the write lock), PostgreSQL and first sights of a key
        # (scrypt) go to the thread pool, where SQLite runs without the GIL.
        self.inline_reads = self.target.dialect == "sqlite"
        self.limiter = anyio.CapacityLimiter(connections)
        self.secret = secret or secrets.token_bytes(32)  # signs the session cookies and forms
        self._local = threading.local()
        self._opened: list[Database] = []
        self._lock = threading.Lock()
        self._keys: tuple[float, bool] = (0.0, False)

    # --- connections ------------------------------------------------------------------------

    def db(self) -> Database:
        """This thread's connection (opened on first use)."""
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.target, create=False, readonly=self.read_only)
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Run database work (in the thread whose connection it uses): an error that is not
        codedb's (a driver's, a lost server) drops that connection, opened again next time."""
        try:
            yield
        except (CodedbError, HTTPError):
            raise
        except Exception:
            self.forget()
            raise

    def forget(self) -> None:
        """Drop this thread's connection after an error that may have broken it."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            with self._lock:
                self._opened.remove(db)
            with suppress(Exception):  # it is being thrown away
                db.close()

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)

    def check(self) -> None:
        """At start: the database exists and is at this codedb's revision."""
        from ..schema.migrations import require_schema

        require_schema(self.db(), current=True)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for db in opened:
            with suppress(Exception):  # closing at shutdown, best effort
                db.close()

    @asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        await self.run(self.check)
        try:
            yield
        finally:
            self.close()

    # --- who is asking ----------------------------------------------------------------------

    def keys_required(self) -> bool:
        """Whether any active user has an API key (then every request needs one)."""
        at, required = self._keys
        if time.monotonic() - at > KEYS_CHECKED_FOR:
            required = self.db().users.keys_in_use() > 0
            self._keys = (time.monotonic(), required)
        return required

    def user_of(self, header: str | None, host: str) -> Any:
        """The user a request's bearer key names (in a worker thread); None on a server
        without keys, which answers loopback hosts only (no DNS rebinding from a page)."""
        if header is None:
            if self.keys_required():
                raise Unauthorized(f"no API key; {NO_KEY}")
            if not is_loopback(host):
                raise HTTPError(
                    403, f"host {host!r:.60} refused: a server without API keys answers loopback only"
                )
            return None
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Unauthorized(f"the Authorization header is not a bearer key; {NO_KEY}")
        return self.db().users.authenticate(key.strip())

    def runs_inline(self, endpoint: Endpoint, header: str | None, query: dict[str, Any]) -> bool:
        """Whether a request runs on the event loop (see inline_reads): a quick read."""
        if not self.inline_reads or endpoint.writes or not endpoint.quick(query):
            return False
        if header is None:
            return time.monotonic() - self._keys[0] <= KEYS_CHECKED_FOR
        key = header.partition(" ")[2].strip()
        return bool(key) and Users.checked_lately(key)

    def call(self, endpoint: Endpoint, header: str | None, host: str, call: Call) -> Any:
        """Authenticate and run a route's domain call, in a worker thread."""
        with self.guarded():
            user = self.user_of(header, host)
            return endpoint.call(self.db(), Call(call.path, call.query, call.body, user, self.settings))

    def sign(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), "sha256").hexdigest()

    def signed(self, text: str, signature: str) -> bool:
        """Whether a request's `signature` is sign(text), in constant time (compared as bytes:
        hmac.compare_digest raises TypeError for a str that is not ASCII)."""
        return hmac.compare_digest(signature.encode("utf-8", "surrogatepass"), self.sign(text).encode())


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, refused (413) past `limit` bytes before more is read."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise HTTPError(413, f"the body is over {limit:,} bytes; send less")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, f"the body is over {limit:,} bytes; send less")
        chunks.append(chunk)
    return b"".join(chunks)


# A number of 19 digits or more: an integer orjson may read as a float (one past 64 bits).
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def parse_json(raw: bytes) -> Any:
    """A request's JSON body (an empty one: {}), or 422 naming the problem. orjson reads it,
    but a body holding a number of 19 digits or more is read by the standard library, whose
    integers are whole: orjson reads 2**64 + 1 as the float 1.8446744073709552e19."""
    if not raw.strip():
        return {}
    try:
        if _LONG_NUMBER.search(raw) is None:
            return orjson.loads(raw)
        return json.loads(raw.decode(), parse_constant=_not_json)  # NaN, Infinity: as orjson
    except (ValueError, RecursionError) as exc:  # orjson's JSONDecodeError is a ValueError
        raise HTTPError(422, f"the body is not valid JSON ({str(exc)[:80]}); send a JSON object") from None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def error_answer(exc: Exception) -> tuple[int, str]:
    """The status and one-line detail of an error a request met."""
    if isinstance(exc, HTTPError):
        return exc.status, one_line(exc.detail)
    if isinstance(exc, CodedbError):
        return status_of(exc), one_line(mask(str(exc)))
    message = describe_driver_error(exc)
    if message is not None:
        return 503, one_line(mask(message))
    errors.exception("request failed")
    return 500, "internal error; the server's log has the details"
