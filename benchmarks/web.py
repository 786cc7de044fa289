"""`codedb serve` against Datasette serving the same SQLite file, and against the same calls
through the Python API (the floor): requests per second and p50/p99 latency at 1, 8 and 32
concurrent clients for get-one, list-a-page and search. Both servers run as processes of
their own; the load comes from this process, a bounded loop of keep-alive HTTP/1.1 clients
on asyncio streams (one connection per client, a fixed time per run).

    python -m benchmarks.web [--functions 20000] [--seconds 2] [--clients 1,8,32] [--postgres URL]

Equivalent reads: get-one is codedb's /api/v1/functions/{id} (the function with its modules
and tags) and Datasette's /db/function/{id}.json (the row); a page is 20 functions, by name
in codedb and by Datasette's default order; search is each one's search of the function
table: codedb's ranked full-text ?q=, Datasette's ?name__contains= (it finds no full-text
index of its own on that table, and ignores ?_search=). A PostgreSQL row serves the same calls from
PostgreSQL when --postgres is given (Datasette does not serve PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import codedb

from .data import function_id, functions

CLIENTS = (1, 8, 32)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


async def _body(reader: asyncio.StreamReader, head: bytes) -> None:
    """Read a response's body: by its Content-Length, or its chunks (Datasette streams)."""
    lines = [line.lower() for line in head.split(b"\r\n")]
    length = next((int(line.split(b":", 1)[1]) for line in lines if line.startswith(b"content-length")), None)
    if length is not None:
        await reader.readexactly(length)
        return
    while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
        await reader.readexactly(size + 2)
    await reader.readuntil(b"\r\n")


async def _client(port: int, paths: list[str], until: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = 0
    try:
        while time.perf_counter() < until:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"{path}: {head[:80]!r}")
            await _body(reader, head)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Requests per second and p50/p99 (ms) of `clients` clients for `seconds`."""

    async def run() -> list[float]:
        latencies: list[float] = []
        until = time.perf_counter() + seconds
        await asyncio.gather(
            *(_client(port, paths[i::clients] or paths, until, latencies) for i in range(clients))
        )
        return latencies

    asyncio.run(_warm(port, paths))
    latencies = asyncio.run(run())
    ordered = sorted(latencies)
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


async def _warm(port: int, paths: list[str]) -> None:
    await _client(port, paths[:50], time.perf_counter() + 0.3, [])


def python_floor(target: str, calls: dict[str, Any], n: int = 2000) -> dict[str, float]:
    """Microseconds per call of the same reads through the Python API, in one process."""
    found = {}
    with codedb.connect(target) as db:
        for name, call in calls.items():
            for i in range(200):
                call(db, i)
            started = time.perf_counter()
            for i in range(n):
                call(db, i)
            found[name] = 1e6 * (time.perf_counter() - started) / n
    return found


def build(path: Path, size: int) -> str:
    target = str(path)
    with codedb.connect(target) as db:
        codedb.migrate(db)
        db.functions.add_many(functions(size))
    return target


def serve_codedb(target: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CODEDB_URL": target}
    return subprocess.Popen(
        [sys.executable, "-m", "codedb", "serve", f"--port={port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # one access-log line per request: a pipe nobody reads would fill
    )


def serve_datasette(path: Path, port: int) -> subprocess.Popen[bytes] | None:
    datasette = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    if not Path(datasette).exists():
        return None
    return subprocess.Popen(
        [datasette, "serve", str(path), "--port", str(port), "--setting", "max_returned_rows", "1000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def workloads(size: int, datasette_db: str) -> dict[str, tuple[list[str], list[str], Any]]:
    """name -> (codedb paths, Datasette paths, the Python API call)."""
    ids = [function_id((i * 7919) % size) for i in range(500)]
    words = [f"fn_{(i * 31) % size}" for i in range(200)]
    return {
        "get-one": (
            [f"/api/v1/functions/{i}" for i in ids],
            [f"/{datasette_db}/function/{i}.json?_shape=objects" for i in ids],
            lambda db, n: db.functions.get_summary(ids[n % len(ids)]),
        ),
        "list-a-page": (
            [f"/api/v1/functions?limit=20&offset={20 * (i % 50)}" for i in range(50)],
            [f"/{datasette_db}/function.json?_size=20&_shape=objects" for _ in range(50)],
            lambda db, n: db.functions.list(limit=20, offset=20 * (n % 50)),
        ),
        "search": (
            [f"/api/v1/functions?q={w}&limit=20" for w in words],
            [f"/{datasette_db}/function.json?name__contains={w}&_size=20&_shape=objects" for w in words],
            lambda db, n: db.functions.search_ranked(words[n % len(words)], limit=20),
        ),
    }


def run_web(
    workdir: Path, size: int = 20_000, seconds: float = 2.0, clients: tuple[int, ...] = CLIENTS,
    postgres: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    path = workdir / "web.sqlite"
    target = build(path, size)
    loads = workloads(size, path.stem)
    floor = python_floor(target, {name: call for name, (_, _, call) in loads.items()})
    rows: list[dict[str, Any]] = []
    print(
        f"\ncodedb serve against Datasette on one SQLite file of {size:,} functions ({seconds:g} s per run):"
    )
    print(
        f"{'read':<12} {'clients':>7} {'server':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x Datasette':>11}"
    )
    ports = {"codedb": _port(), "datasette": _port()}
    procs = {
        "codedb": serve_codedb(target, ports["codedb"]),
        "datasette": serve_datasette(path, ports["datasette"]),
    }
    try:
        for name, proc in procs.items():
            if proc is not None:
                _wait(ports[name], proc)
        for read, (ours, theirs, _) in loads.items():
            for count in clients:
                mine = load(ports["codedb"], ours, count, seconds)
                other = load(ports["datasette"], theirs, count, seconds) if procs["datasette"] else None
                ratio = mine["rps"] / other["rps"] if other else float("nan")
                for server, figures in (("codedb", mine), ("datasette", other)):
                    if figures is None:
                        continue
                    rows.append({"read": read, "clients": count, "server": server, **figures})
                    shown = f"{ratio:>10.2f}x" if server == "codedb" and other else ""
                    print(
                        f"{read:<12} {count:>7} {server:<10} {figures['rps']:>8.0f} {figures['p50_ms']:>8.2f} "
                        f"{figures['p99_ms']:>8.2f} {shown:>11}"
                    )
    finally:
        for proc in procs.values():
            if proc is not None:
                proc.terminate()
                proc.wait(30)
    if postgres:
        from .projects import scratch_schema

        with scratch_schema(postgres) as url:
            pg_target = build_postgres(url, size)
            port = _port()
            proc = serve_codedb(pg_target, port)
            try:
                _wait(port, proc)
                for read, (ours, _, _) in loads.items():
                    for count in clients:
                        figures = load(port, ours, count, seconds)
                        rows.append({"read": read, "clients": count, "server": "codedb-pg", **figures})
                        print(
                            f"{read:<12} {count:>7} {'codedb-pg':<10} {figures['rps']:>8.0f} "
                            f"{figures['p50_ms']:>8.2f} {figures['p99_ms']:>8.2f}"
                        )
            finally:
                proc.terminate()
                proc.wait(30)
    fewest = min(clients)
    print(f"the same reads through the Python API (the floor) and what HTTP adds at {fewest} client(s):")
    for read, micros in floor.items():
        one = next(
            r for r in rows if r["read"] == read and r["clients"] == fewest and r["server"] == "codedb"
        )
        added = one["p50_ms"] - micros / 1000
        rows.append({"read": read, "server": "python-api", "us_per_call": micros, "http_adds_ms": added})
        print(f"  {read:<12} Python API {micros:8.1f} us; HTTP p50 {one['p50_ms']:.2f} ms: +{added:.2f} ms")
    return rows


def build_postgres(url: str, size: int) -> str:
    with codedb.connect(url) as db:
        codedb.migrate(db)
        db.functions.add_many(functions(size))
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", default=",".join(map(str, CLIENTS)))
    parser.add_argument("--postgres", default=os.environ.get("CODEDB_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codedb-web-") as tmp:
        run_web(
            Path(tmp),
            args.functions,
            args.seconds,
            tuple(int(c) for c in args.clients.split(",")),
            args.postgres,
        )


if __name__ == "__main__":
    main()
