"""MCP over HTTP: codedb.assistants' server on the SDK's Streamable HTTP transport at /mcp
(stateless, JSON answers), behind the same API keys as the JSON API (401 without one when the
database has keys; loopback only when it has none), read-only with the server, and without
the tools that read or write a file they are given (the server's disk is not the client's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson

from .server import Server, error_answer


class GuardedMCP:
    """The MCP transport's ASGI app, answering only the requests the server's rules let in."""

    def __init__(self, server: Server):
        from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
        from mcp.server.transport_security import TransportSecuritySettings

        from ..assistants.server import Assistant

        self.server = server
        self.assistant = Assistant(server.target, read_only=server.read_only, files=False)
        self.manager = StreamableHTTPSessionManager(
            app=self.assistant.server(),
            stateless=True,
            json_response=True,
            max_request_body_size=server.max_body,
            # codedb checks hosts and keys itself (Server.user_of), before the transport
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        self.transport = StreamableHTTPASGIApp(self.manager)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
        try:
            await self.server.run(self.server.user_of, headers.get("authorization"), headers.get("host", ""))
        except Exception as exc:
            status, detail = error_answer(exc)
            extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"application/json"), *extra],
                }
            )
            await send({"type": "http.response.body", "body": orjson.dumps({"detail": detail})})
            return
        await self.transport(scope, receive, send)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self.manager.run():
            try:
                yield
            finally:
                await self.server.run(self.assistant.close)
