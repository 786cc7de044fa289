"""Concurrent writers on one SQLite file: where waiting for the write lock starts to dominate.

N processes each add functions one at a time (a transaction each, `BEGIN IMMEDIATE`) for a
few seconds; per N it prints the commits per second of them all and the median and 99th
percentile time of one add, whose growth over N=1 is the time spent waiting for the lock.
The same workload on PostgreSQL (--postgres) stands beside it: row locks, no file lock.

    python -m benchmarks.writers [--writers 1,2,4,8] [--seconds 5] [--postgres URL]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import codedb

WORKER = """
import sys, time, codedb
target, seconds, tag = sys.argv[1], float(sys.argv[2]), sys.argv[3]
times = []
with codedb.connect(target) as db:
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        t = time.perf_counter()
        db.functions.add(f"{tag}_{n}", "", "def f(): pass", tags=[tag])
        times.append(time.perf_counter() - t)
        n += 1
print(" ".join(f"{x:.6f}" for x in times))
"""


def run(target: str, writers: int, seconds: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, target, str(seconds), f"w{writers}x{i}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    times = [float(x) for proc in procs for x in proc.communicate()[0].split()]
    if any(proc.returncode for proc in procs):
        raise RuntimeError("a writer failed")
    times.sort()
    return {
        "writers": writers,
        "commits_per_second": len(times) / seconds,
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": times[int(len(times) * 0.99)] * 1000,
    }


def run_writers(
    workdir: Path, counts: list[int], seconds: float, postgres: str | None
) -> list[dict[str, Any]]:
    print("\nconcurrent writers, one add per transaction (commits/s of all; time of one add):")
    rows = []
    targets = [("sqlite", str(workdir / "writers.sqlite"))]
    if postgres:
        from .projects import scratch_schema

        context = scratch_schema(postgres)
        targets.append(("pg", context.__enter__()))
    try:
        for label, target in targets:
            with codedb.connect(target) as db:
                codedb.migrate(db)
            for writers in counts:
                row = {"backend": label, **run(target, writers, seconds)}
                rows.append(row)
                print(
                    f"{label:<7} {writers:>2} writers  {row['commits_per_second']:>8,.0f} commits/s  "
                    f"p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms"
                )
    finally:
        if postgres:
            context.__exit__(None, None, None)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.writers", description=__doc__)
    parser.add_argument("--writers", default="1,2,4,8", help="writer counts (default 1,2,4,8)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per count (default 5)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("CODEDB_BENCH_POSTGRES_URL"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="codedb-bench-writers-") as tmp:
        run_writers(Path(tmp), [int(n) for n in args.writers.split(",")], args.seconds, args.postgres)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
