"""A small web service over codedb.aio, as plain ASGI (no framework): list and create
functions and projects, search the library. Run it under any ASGI server:

    CODEDB_URL=code_db.sqlite uvicorn examples.asgi_app:app     # or postgresql://...

    GET  /functions?module=&tag=&limit=&offset=    the functions, a page at a time
    POST /functions   {"name", "description", "code", "modules", "tags"}    -> 201
    GET  /functions/{id}                            one function (an id or a unique prefix)
    GET  /search?q=                                 ranked full-text search of the library
    GET  /projects?status=&limit=&after=            {"projects", "total", "next_cursor"}
    POST /projects    {"name", "description", "user_id", "project_type"}    -> 201

Answers are JSON. A codedb error becomes its HTTP status with {"error": the one-line
message}: 400 bad input, 404 not found, 409 conflict; a route that does not exist is a 404,
a method a route does not take a 405. The database must be initialised (`codedb init`).
On PostgreSQL, requests share a pool of CODEDB_POOL_SIZE connections (4) and run at the same
time; on SQLite, one connection serves them in turn (SQLite takes one writer at a time).
"""

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

import codedb
import codedb.aio
from codedb.core.convert import to_dict
from codedb.core.target import resolve_target

MAX_BODY = 1 << 20  # bytes a request body may hold

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class HTTPError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


STATUS = {codedb.InvalidInput: 400, codedb.NotFound: 404, codedb.AmbiguousId: 400, codedb.Conflict: 409}


class App:
    """The service: a pool of codedb.aio connections (PostgreSQL) or one connection (SQLite),
    opened at startup, closed at shutdown."""

    def __init__(self, target: str | None = None, pool_size: int = 4):
        self.target = target
        self.pool_size = pool_size
        self.db: codedb.aio.AsyncDatabase | None = None
        self.pool: codedb.aio.AsyncPool | None = None

    async def start(self) -> None:
        if resolve_target(self.target).dialect == "postgresql":
            self.pool = await codedb.aio.pool(self.target, size=self.pool_size)
        else:
            self.db = await codedb.aio.connect(self.target, create=False)

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        if self.db is not None:
            await self.db.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[codedb.aio.AsyncDatabase]:
        if self.pool is not None:
            async with self.pool.connection() as db:
                yield db
        elif self.db is not None:
            yield self.db
        else:
            raise HTTPError(503, "the service has not started; run it under an ASGI server")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.start()
                except codedb.CodedbError as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        try:
            query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
            async with self.connection() as db:
                status, answer = await route(db, scope["method"], scope["path"], query, receive)
        except HTTPError as exc:
            status, answer = exc.status, {"error": str(exc)}
        except codedb.CodedbError as exc:
            status, answer = STATUS.get(type(exc), 500), {"error": str(exc)}
        body = json.dumps(answer).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def route(
    db: codedb.aio.AsyncDatabase, method: str, path: str, query: dict[str, str], receive: Receive
) -> tuple[int, Any]:
    parts = [p for p in path.split("/") if p]
    if parts == ["functions"]:
        if method == "GET":
            listed = await db.functions.list(
                query.get("module"), query.get("tag"), limit=number(query, "limit", 50),
                offset=number(query, "offset", 0),
            )  # fmt: skip
            return 200, [to_dict(f) for f in listed]
        if method == "POST":
            given = await body(receive)
            added = await db.functions.add(
                given.get("name", ""), given.get("description", ""), given.get("code", ""),
                modules=given.get("modules", ()), tags=given.get("tags", ()),
            )  # fmt: skip
            return 201, to_dict(added)
        raise HTTPError(405, f"{method} is not allowed on /functions; use GET or POST")
    if len(parts) == 2 and parts[0] == "functions":
        allow(method, "GET", path)
        return 200, to_dict(await db.functions.get(await db.functions.resolve(parts[1])))
    if parts == ["search"]:
        allow(method, "GET", path)
        hits = await db.functions.search_text(query.get("q", ""), limit=number(query, "limit", 20))
        return 200, [to_dict(h) for h in hits]
    if parts == ["projects"]:
        if method == "GET":
            page = await db.projects.list(
                status=query.get("status"), limit=number(query, "limit", 50), after=query.get("after")
            )
            return 200, {
                "projects": [to_dict(p) for p in page.projects],
                "total": page.total,
                "next_cursor": page.next_cursor,
            }
        if method == "POST":
            given = await body(receive)
            created = await db.projects.create(
                given.get("name", ""), given.get("description", ""),
                user_id=given.get("user_id"), project_type=given.get("project_type", ""),
            )  # fmt: skip
            return 201, to_dict(created)
        raise HTTPError(405, f"{method} is not allowed on /projects; use GET or POST")
    raise HTTPError(404, f"no route {path}; see the routes in examples/asgi_app.py")


def allow(method: str, allowed: str, path: str) -> None:
    if method != allowed:
        raise HTTPError(405, f"{method} is not allowed on {path}; use {allowed}")


def number(query: dict[str, str], name: str, default: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise HTTPError(400, f"{name}={text!r} is not a whole number; give one such as {default}") from None


async def body(receive: Receive) -> dict[str, Any]:
    """The request's JSON object."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPError(413, f"a request body of over {MAX_BODY:,} bytes; send less")
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    try:
        given = json.loads(b"".join(chunks) or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPError(400, f"the body is not JSON ({exc}); send a JSON object") from None
    if not isinstance(given, dict):
        raise HTTPError(400, 'the body is not a JSON object; send one such as {"name": "fib"}')
    return given


app = App(os.environ.get("CODEDB_URL"), int(os.environ.get("CODEDB_POOL_SIZE", "4")))
