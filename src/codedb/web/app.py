"""The ASGI application (Starlette): every Endpoint of web.yago and web.api as a route, the
OpenAPI document, the pages, and the access log."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..core.shapes import parse_body, plain
from ..core.target import Target
from . import api, openapi, pages, yago
from .endpoint import Call, Endpoint, HTTPError, parse_query
from .server import MAX_BODY, Server, error_answer, json_response, parse_json, read_body

ENDPOINTS: tuple[Endpoint, ...] = yago.ENDPOINTS + api.ENDPOINTS
access = logging.getLogger("codedb.access")


def route_for(endpoint: Endpoint, server: Server) -> Route:
    async def handle(request: Request) -> Response:
        try:
            if endpoint.writes and server.read_only:
                raise HTTPError(
                    403, "this server is read-only (codedb serve --read-only); it serves reads only"
                )
            query = parse_query(endpoint.query, request.query_params)
            body = None
            if endpoint.body is not None:
                body = parse_body(endpoint.body, parse_json(await read_body(request, server.max_body)))
            call = Call(dict(request.path_params), query, body, None)
            header = request.headers.get("authorization")
            host = request.headers.get("host", "")
            if server.runs_inline(endpoint, header, query):
                result = server.call(endpoint, header, host, call)
            else:
                result = await server.run(server.call, endpoint, header, host, call)
            return json_response(plain(result), endpoint.status)
        except Exception as exc:
            status, detail = error_answer(exc)
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return json_response({"detail": detail}, status, headers)

    return Route(endpoint.path, handle, methods=[endpoint.method], name=f"{endpoint.method} {endpoint.path}")


class AccessLog:
    """One JSON line per request on the codedb.access logger: time, method, path, status,
    milliseconds, client (never a query string, a header or a body)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] += SECURITY_HEADERS
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if access.isEnabledFor(logging.INFO):
                client = scope.get("client") or ("", 0)
                line = {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status[0],
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0],
                }
                access.info(orjson.dumps(line).decode())


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


def create_app(
    target: str | Target | None = None,
    *,
    read_only: bool = False,
    connections: int = 8,
    max_body: int = MAX_BODY,
    weekly_limit: float | None = None,
    budgets: tuple[tuple[float, str], ...] = (),
    with_pages: bool = True,
    secret: bytes | None = None,
) -> Any:
    """The ASGI application serving the codedb database `target` (None: $CODEDB_URL, else
    ./code_db.sqlite): YAGO's routes and the JSON API under /api/v1, /openapi.json, /docs,
    and (with `with_pages`) the pages to browse it. Mount it in another Starlette or FastAPI app,
    or run it with any ASGI server; `codedb serve` runs it with uvicorn. `secret` signs the
    pages' session cookies (default: a new one, so a restart signs everyone out; give the same
    to every process serving the database)."""
    alerts: dict[str, Any] = {"budgets": budgets}
    if weekly_limit is not None:
        alerts["weekly_limit"] = weekly_limit
    server = Server(
        target, read_only=read_only, connections=connections, max_body=max_body, alerts=alerts, secret=secret
    )
    routes: list[BaseRoute] = [route_for(endpoint, server) for endpoint in ENDPOINTS]
    routes += openapi.routes(ENDPOINTS)
    if with_pages:
        routes += pages.routes(server)
        routes.append(Mount("/static", StaticFiles(packages=[("codedb.web", "static")]), name="static"))

    lifespan = server.lifespan
    try:
        from .mcp import GuardedMCP
    except ImportError:  # the MCP SDK is not installed: no /mcp
        pass
    else:
        guarded = GuardedMCP(server)
        routes.append(Route("/mcp", guarded, methods=["GET", "POST", "DELETE"]))

        @asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[None]:
            async with server.lifespan(app), guarded.running():
                yield

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = {
            404: "no such route; the routes are listed at /docs",
            405: "method not allowed on this route",
        }
        return json_response({"detail": detail.get(status, "bad request")}, status)

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: not_found},
        middleware=[Middleware(AccessLog)],
    )
    app.state.server = server
    return app


def from_environment() -> Any:
    """The application `codedb serve` hands to uvicorn (in each worker process), from the
    settings it put in $CODEDB_SERVE."""
    import json
    import os

    settings = json.loads(os.environ["CODEDB_SERVE"])
    settings["budgets"] = tuple(tuple(b) for b in settings["budgets"])
    settings["secret"] = bytes.fromhex(settings["secret"])
    return create_app(settings.pop("target"), **settings)
