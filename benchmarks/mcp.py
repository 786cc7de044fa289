"""`codedb mcp` over stdio against the same calls through the Python API (the floor): the
round trip of get_function, search_functions and list_functions (a page of 50) from the MCP
SDK's own client to a `codedb mcp` process, on one SQLite file; what the protocol adds per
call is the difference (goal: under 2 ms).

    python -m benchmarks.mcp [--functions 2000] [--calls 300]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import codedb
from codedb.compat import CodeDatabase

from .data import function_id, functions

ROUNDS = 3


def calls(size: int) -> dict[str, tuple[str, Any, Any]]:
    """name -> (the MCP tool, its arguments for call n, the same call on the old API)."""
    ids = [function_id((i * 7919) % size) for i in range(200)]
    return {
        "get_function": (
            "get_function",
            lambda n: {"id": ids[n % len(ids)]},
            lambda old, n: old.get_function(ids[n % len(ids)]),
        ),
        "search_functions": (
            "search_functions",
            lambda n: {"query": f"fn_{(n * 31) % size}"},
            lambda old, n: old.search_functions(f"fn_{(n * 31) % size}"),
        ),
        "list_functions (50)": (
            "list_functions",
            lambda n: {"limit": 50, "offset": 50 * (n % 20)},
            lambda old, n: old.list_functions(limit=50, offset=50 * (n % 20)),
        ),
    }


def run_mcp(workdir: Path, size: int = 2000, count: int = 300) -> list[dict[str, Any]]:
    import anyio
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    path = workdir / "mcp.sqlite"
    with codedb.connect(str(path)) as db:
        codedb.migrate(db)
        db.functions.add_many(functions(size))
    work = calls(size)
    floor: dict[str, float] = {}
    with codedb.connect(str(path)) as db:
        old = CodeDatabase(db)
        for name, (_, _, direct) in work.items():
            for n in range(20):
                direct(old, n)
            started = time.perf_counter()
            for n in range(count):
                direct(old, n)
            floor[name] = (time.perf_counter() - started) / count
    over: dict[str, list[float]] = {name: [] for name in work}

    async def main() -> None:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "codedb", "--db", str(path), "mcp"]
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            await session.list_tools()
            for _ in range(ROUNDS):
                for name, (tool, arguments, _) in work.items():
                    for n in range(20):
                        await session.call_tool(tool, arguments(n))
                    started = time.perf_counter()
                    for n in range(count):
                        answer = await session.call_tool(tool, arguments(n))
                        assert not answer.is_error, answer.content
                    over[name].append((time.perf_counter() - started) / count)

    anyio.run(main)
    rows = []
    print(f"\ncodedb mcp over stdio against the Python API ({size:,} functions, {count} calls x {ROUNDS}):")
    print(f"{'call':<22} {'Python API':>11} {'over MCP':>10} {'MCP adds':>10}")
    for name in work:
        mcp_seconds = sorted(over[name])[len(over[name]) // 2]
        added = mcp_seconds - floor[name]
        rows.append(
            {
                "call": name,
                "python_ms": floor[name] * 1000,
                "mcp_ms": mcp_seconds * 1000,
                "added_ms": added * 1000,
            }
        )
        print(f"{name:<22} {floor[name] * 1000:>9.3f}ms {mcp_seconds * 1000:>8.3f}ms {added * 1000:>8.3f}ms")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codedb-mcp-") as tmp:
        run_mcp(Path(tmp), args.functions, args.calls)


if __name__ == "__main__":
    main()
