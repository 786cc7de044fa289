"""An MCP session for the tests: the MCP SDK's own client against the server `codedb mcp`
serves, in this process or as a real process."""

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio


def with_session(
    target: str, body: Callable[[Any], Awaitable[None]], *, read_only: bool = False, process: bool = False
) -> None:
    """Run `body(session)` with the SDK's own client against the server `codedb mcp` serves:
    in this process over the SDK's memory streams, or (process=True) as a real `codedb mcp`
    process over stdio, for what only a process shows (its arguments, its stdio framing)."""
    from mcp.client.session import ClientSession

    async def in_process() -> None:
        from mcp.shared.memory import create_client_server_memory_streams

        from codedb.assistants.server import Assistant

        assistant = Assistant(target, read_only=read_only)
        server = assistant.server()
        try:
            async with (
                create_client_server_memory_streams() as (client, served),
                anyio.create_task_group() as tg,
            ):
                tg.start_soon(server.run, served[0], served[1], server.create_initialization_options())
                async with ClientSession(client[0], client[1]) as session:
                    await session.initialize()
                    await body(session)
                tg.cancel_scope.cancel()
        finally:
            assistant.close()

    async def in_a_process() -> None:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "codedb", "--db", target, "mcp", *(["--read-only"] if read_only else [])],
        )
        with open(Path(target).parent / "mcp.err" if "://" not in target else "/dev/null", "w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                await body(session)

    anyio.run(in_a_process if process else in_process)
