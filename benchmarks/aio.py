"""The async API (codedb.aio) against the synchronous one, call for call, on the same database:
SQLite (calls on the event loop) and PostgreSQL (psycopg's AsyncConnection). Each figure is the time of a
run of calls divided by the calls, the median of interleaved runs; the ratio is async/sync
(target: <= 1.3x).

    python -m benchmarks.aio [--functions 2000] [--calls 500] [--postgres URL]
"""

import argparse
import asyncio
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import codedb
import codedb.aio

from .data import functions
from .projects import scratch_schema

ROUNDS = 5


def operations(ids: list[str]) -> list[tuple[str, Callable[[Any, int], Any]]]:
    """(name, call(db_or_async_db, n)): the same call on either API."""
    return [
        ("get", lambda db, n: db.functions.get(ids[n % len(ids)])),
        ("get_summary", lambda db, n: db.functions.get_summary(ids[(n * 7) % len(ids)])),
        ("list 20", lambda db, n: db.functions.list(limit=20, offset=n % 100)),
        ("search_ranked", lambda db, n: db.functions.search_ranked(f"fn_{n % 1000}", limit=10)),
        ("add", lambda db, n: db.functions.add(f"bench_{n}", "added", "def f(): pass", ["m"], ["t"])),
    ]


def measure(target: str, label: str, size: int, calls: int) -> list[dict[str, Any]]:
    with codedb.connect(target) as db:
        codedb.migrate(db)
        ids = db.functions.add_many(functions(size))
    rows = []
    with codedb.connect(target) as db:
        loop = asyncio.new_event_loop()
        adb = loop.run_until_complete(codedb.aio.connect(target))
        try:
            for name, call in operations(ids):

                def sync_run(call: Callable[[Any, int], Any] = call) -> float:
                    start = time.perf_counter()
                    for n in range(calls):
                        call(db, n)
                    return (time.perf_counter() - start) / calls

                async def async_calls(call: Callable[[Any, int], Any] = call) -> float:
                    start = time.perf_counter()
                    for n in range(calls):
                        await call(adb, n)
                    return (time.perf_counter() - start) / calls

                sync_run(), loop.run_until_complete(async_calls())  # warm: queries loaded, caches filled
                samples: dict[str, list[float]] = {"sync": [], "async": []}
                for rnd in range(ROUNDS):
                    order = [
                        ("sync", sync_run),
                        ("async", lambda c=call: loop.run_until_complete(async_calls(c))),
                    ]
                    for api, work in order if rnd % 2 == 0 else order[::-1]:
                        gc.collect()
                        samples[api].append(work())
                sync, aio = (statistics.median(samples[k]) for k in ("sync", "async"))
                row = {"backend": label, "operation": name, "sync": sync, "async": aio, "ratio": aio / sync}
                print(
                    f"{label:<7} {name:<12} sync {sync * 1e6:9.1f} us  async {aio * 1e6:9.1f} us  "
                    f"async/sync {aio / sync:5.2f}x",
                    flush=True,
                )
                rows.append(row)
        finally:
            loop.run_until_complete(adb.close())
            loop.close()
    return rows


def run_aio(workdir: Path, postgres: str | None, size: int = 2000, calls: int = 500) -> list[dict[str, Any]]:
    """Per-call times of the two APIs on SQLite (and PostgreSQL when given); prints a table."""
    print(f"\nthe async API (codedb.aio) against the synchronous one, per call, {size:,} functions:")
    rows = measure(str(workdir / "aio.sqlite"), "sqlite", size, calls)
    if postgres:
        with scratch_schema(postgres) as url:
            rows += measure(url, "pg", size, calls)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.aio", description=__doc__)
    parser.add_argument("--functions", type=int, default=2000, help="functions in the database (2000)")
    parser.add_argument("--calls", type=int, default=500, help="calls per run (500)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("CODEDB_BENCH_POSTGRES_URL"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="codedb-aio-") as workdir:
        run_aio(Path(workdir), args.postgres, args.functions, args.calls)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
