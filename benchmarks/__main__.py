"""Run the benchmarks: one table of operation, size, time per implementation (median of the
repetitions), and the ratios codedb/raw and ORM/codedb, all measured in this run.

    python -m benchmarks --quick            # 1k and 20k functions (make bench)
    python -m benchmarks --full             # adds 200k and 1M (make bench-full)
    python -m benchmarks --sizes 500 --reps 1 --json results.json
"""

import argparse
import contextlib
import gc
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import codedb
from codedb.transfer.dump import analyze

from .data import function_id, functions
from .impl_codedb import Codedb
from .impl_raw import Raw

ORM_MAX_SIZE = 20_000  # the ORM takes minutes beyond this; it is measured up to here
SLOW_SECONDS = 3.0  # an implementation slower than this on its first run is not repeated
LOOKUPS = 2000
SINGLE_ADDS = 500


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


class Bench:
    def __init__(self, workdir: Path, reps: int, orm: bool):
        self.workdir = workdir
        self.reps = reps
        self.orm = orm
        self.results: list[dict[str, Any]] = []

    def implementations(self, size: int) -> list[type]:
        classes: list[type] = [Raw, Codedb]
        if self.orm and size <= ORM_MAX_SIZE:
            from .impl_orm import ORM

            classes.append(ORM)
        return classes

    def measure(self, operation: str, size: int, run: Callable[[type, int], tuple[float, Any]]) -> None:
        """Time `run(impl, rep)` for each implementation; check they agree on the result."""
        self.measure_with(operation, size, self.implementations(size), run)

    def measure_with(
        self, operation: str, size: int, impls: list[type], run: Callable[[type, int], tuple[float, Any]]
    ) -> None:
        # The repetitions alternate the implementations (the first one first, then the last),
        # so that a machine slowing down within the run falls on all of them alike; one that
        # took over SLOW_SECONDS is not run again.
        samples: dict[str, list[float]] = {impl.name: [] for impl in impls}
        answers: dict[str, Any] = {}
        for rep in range(self.reps):
            for impl in impls if rep % 2 == 0 else reversed(impls):
                if samples[impl.name] and samples[impl.name][-1] > SLOW_SECONDS:
                    continue
                seconds, answer = run(impl, rep)
                samples[impl.name].append(seconds)
                answers[impl.name] = answer
        times = {name: statistics.median(found) for name, found in samples.items()}
        if len(set(map(repr, answers.values()))) > 1:
            raise AssertionError(f"{operation} at {size}: implementations disagree: {answers}")
        self.record(operation, size, times)

    def record(self, operation: str, size: int, times: dict[str, float]) -> None:
        raw = times.get(Raw.name) or times.get("raw psycopg")
        ours, orm = times.get(Codedb.name), times.get("SQLModel ORM")
        row = {
            "operation": operation,
            "size": size,
            "seconds": times,
            "codedb_over_raw": ours / raw if ours and raw else None,
            "orm_over_codedb": orm / ours if orm and ours else None,
        }
        self.results.append(row)
        print(format_row(row), flush=True)

    def empty_db(self) -> Path:
        template = self.workdir / "empty.sqlite"
        if not template.exists():
            with codedb.connect(template) as db:
                codedb.migrate(db)
                db.queries.core.checkpoint(db.conn)
        return template

    def fresh(self, source: Path, name: str) -> Path:
        dest = self.workdir / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{dest}{suffix}").unlink(missing_ok=True)
        shutil.copy(source, dest)
        return dest

    def seed(self, size: int) -> tuple[Path, str, str]:
        """A database of `size` functions with tests on 10% of them, a dependency chain and a
        binary tree; returns it with the chain's and the tree's roots."""
        path = self.workdir / f"seed-{size}.sqlite"
        half = max(2, min(size // 2, 10_000))
        with codedb.connect(path) as db:
            codedb.migrate(db)
            db.functions.add_many(functions(size))
            deps = [
                {"function_id": function_id(i), "depends_on_id": function_id(i + 1)} for i in range(half - 1)
            ]
            deps += [
                {"function_id": function_id(half + i), "depends_on_id": function_id(half + c)}
                for i in range(half)
                for c in (2 * i + 1, 2 * i + 2)
                if c < half and half + c < size
            ]
            tests, results = [], []
            for i in range(0, size, 10):
                tid = f"test-{i}"
                tests.append(
                    {
                        "test_id": tid,
                        "function_id": function_id(i),
                        "name": f"test_fn_{i}",
                        "description": "",
                        "test_case": f"assert fn_{i}(1, 0) == {i + 1}",
                    }
                )
                for r, status in enumerate(("failed", "passed" if i % 20 else "failed")):
                    results.append(
                        {
                            "result_id": f"{tid}-{r}",
                            "test_id": tid,
                            "function_id": function_id(i),
                            "execution_date": f"2024-02-0{r + 1} 00:00:00.000000",
                            "actual_result": None,
                            "status": status,
                        }
                    )
            with db.transaction():
                db.queries.library.load_function_dependencies(db.conn, deps)
                db.queries.library.load_unittest(db.conn, tests)
                db.queries.library.load_testresult(db.conn, results)
            analyze(db, db.tables)
            db.queries.core.checkpoint(db.conn)
        return path, function_id(0), function_id(half)

    def run_size(self, size: int) -> None:
        items = functions(size)
        seed, chain_root, tree_root = self.seed(size)

        def write(operation: str, batch: list[dict[str, Any]], base: Path) -> None:
            def run(impl: type, rep: int) -> tuple[float, Any]:
                path = self.fresh(base, f"write-{impl.__name__}.sqlite")
                bench = impl(path)
                try:
                    return timed(lambda: getattr(bench, operation)(batch))
                finally:
                    bench.close()

            self.measure(operation, len(batch), run) if operation == "bulk_add" else self.measure(
                operation, size, run
            )

        write("bulk_add", items, self.empty_db())
        # At the smallest sizes (smoke runs) the per-call operations shrink with the library.
        write("add_one_each", functions(min(SINGLE_ADDS, size), offset=size), seed)

        ids = [function_id((i * 7919) % size) for i in range(min(LOOKUPS, 10 * size))]
        reads: list[tuple[str, Callable[[Any], Any]]] = [
            ("get_by_id", lambda b: b.get_by_id(ids)),
            ("list_all", lambda b: b.list_all()),
            ("search", lambda b: b.search("fn_1234")),
            ("list_by_tag", lambda b: b.list_by_tag("tag_7")),
            ("coverage", lambda b: b.coverage()),
            ("transitive_chain", lambda b: b.transitive(chain_root)),
            ("transitive_tree", lambda b: b.transitive(tree_root)),
        ]
        for operation, work in reads:

            def run(impl: type, rep: int, work: Callable[[Any], Any] = work) -> tuple[float, Any]:
                bench = impl(seed)
                try:
                    return timed(lambda: work(bench))
                finally:
                    bench.close()

            self.measure(operation, size, run)

        def backup(impl: type, rep: int) -> tuple[float, Any]:
            if impl.name == "SQLModel ORM":
                return 0.0, 1
            dest = self.workdir / f"backup-{impl.__name__}-{rep}.sqlite"
            dest.unlink(missing_ok=True)
            bench = impl(seed)
            try:
                return timed(lambda: bench.backup(dest))
            finally:
                bench.close()
                dest.unlink(missing_ok=True)

        self.measure_without_orm("backup", size, backup)
        self.measure_without_orm("stats_cold_process", size, lambda impl, rep: cold_stats(impl, seed))

    def measure_without_orm(
        self, operation: str, size: int, run: Callable[[type, int], tuple[float, Any]]
    ) -> None:
        orm, self.orm = self.orm, False
        try:
            self.measure(operation, size, run)
        finally:
            self.orm = orm


STATS_RAW = """
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
print({t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables})
"""


def cold_stats(impl: type, path: Path) -> tuple[float, Any]:
    """A whole process: `codedb stats`, or a hand-written script counting the rows."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    argv = (
        [sys.executable, "-m", "codedb", "--db", str(path), "stats"]
        if impl is Codedb
        else [sys.executable, "-c", STATS_RAW, str(path)]
    )
    seconds, result = timed(lambda: subprocess.run(argv, env=env, capture_output=True, check=True))
    return seconds, 1


def cold_starts(workdir: Path, size: int, reps: int) -> list[dict[str, Any]]:
    """Whole processes against their anchors, median of `reps` (at least 5, but for a smoke run
    with --reps 1) runs each:
    `codedb --version` against `python -c pass`, and `codedb stats` on a `size`-function file
    against `sqlite-utils tables --counts` on the same file."""
    path = build_file(workdir, size)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    sqlite_utils = Path(sys.executable).parent / "sqlite-utils"
    pairs = [
        (
            "version_cold_process",
            [sys.executable, "-c", "pass"],
            [sys.executable, "-m", "codedb", "--version"],
        ),
        (
            "stats_cold_vs_sqlite_utils",
            [str(sqlite_utils), "tables", "--counts", str(path)],
            [sys.executable, "-m", "codedb", "--db", str(path), "stats"],
        ),
    ]
    rows = []
    for operation, anchor, ours in pairs:
        if not Path(anchor[0]).exists():
            print(f"{operation}: skipped ({anchor[0]} is not installed; pip install -e '.[bench]')")
            continue
        times = {}
        for name, argv in (("anchor", anchor), ("codedb", ours)):
            samples = [
                timed(lambda argv=argv: subprocess.run(argv, env=env, capture_output=True, check=True))[0]
                for _ in range(1 if reps == 1 else max(reps, 5))
            ]
            times[name] = statistics.median(samples)
        row = {
            "operation": operation,
            "size": size,
            "anchor": " ".join(Path(a).name for a in anchor[:3]),
            "seconds": times,
            "codedb_over_anchor": times["codedb"] / times["anchor"],
        }
        rows.append(row)
        ratio = times["codedb"] / times["anchor"]
        print(
            f"{operation:<27} {size:>9,}  anchor ({row['anchor']}) {format_seconds(times['anchor']):>9}  "
            f"codedb {format_seconds(times['codedb']):>9}  codedb/anchor {ratio:.2f}x"
        )
    return rows


def build_file(workdir: Path, size: int) -> Path:
    """A checkpointed file of `size` functions (made once per size in a run)."""
    path = workdir / f"cold-{size}.sqlite"
    if path.exists():
        return path
    with codedb.connect(path) as db:
        codedb.migrate(db)
        for start in range(0, size, 50_000):
            db.functions.add_many(functions(min(50_000, size - start), start))
        db.queries.core.checkpoint(db.conn)
    return path


# Runs `python -m codedb ARGS` and reports the process's own high-water mark (VmHWM, of its
# memory after exec): the parent's rusage would count the pages it shared before the exec.
_PEAK = """
import runpy, sys
sys.argv = ["codedb", *sys.argv[1:]]
try:
    runpy.run_module("codedb", run_name="__main__")
finally:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    print("VmHWM", hwm, file=sys.stderr)
"""


def peak_memory(args: list[str]) -> tuple[float, float]:
    """Run `codedb ARGS` as a whole process; return its wall time and peak resident MB."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"codedb {args} failed: {done.stderr}")
    kib = next(line.split()[1] for line in done.stderr.splitlines() if line.startswith("VmHWM"))
    return seconds, int(kib) / 1024


def file_operations(workdir: Path, size: int, reps: int, postgres: str | None = None) -> list[dict[str, Any]]:
    """At `size` functions: `codedb backup` (online copy, quick_check, rename) against `cp` of
    the same file, and the peak memory of `codedb import` and `codedb restore` of a JSON export
    (streamed: the goal is under 150 MB at any size) beside the export's size."""
    from codedb.transfer.backup import backup

    path = build_file(workdir, size)
    copy, dest = workdir / "copy.sqlite", workdir / "backup.sqlite"
    runs = 1 if reps == 1 else max(reps, 3)

    def cp(flush: bool) -> None:
        subprocess.run(["cp", str(path), str(copy)], check=True)
        if flush:  # what codedb does before it renames a backup into place
            subprocess.run(["sync", str(copy)], check=True)

    def ours(verify: str) -> None:
        dest.unlink(missing_ok=True)
        with codedb.connect(path) as db:
            backup(db, dest, quiet=True, verify=verify)

    times = {
        "cp": statistics.median(timed(lambda: cp(False))[0] for _ in range(runs)),
        "cp + sync": statistics.median(timed(lambda: cp(True))[0] for _ in range(runs)),
        "codedb": statistics.median(timed(lambda: ours("quick"))[0] for _ in range(runs)),
        "codedb --verify=none": statistics.median(timed(lambda: ours("none"))[0] for _ in range(runs)),
    }
    rows: list[dict[str, Any]] = [
        {
            "operation": "backup_vs_cp",
            "size": size,
            "seconds": {"anchor": times["cp"], **times},
            "codedb_over_anchor": times["codedb"] / times["cp"],
            "codedb_over_cp_sync": times["codedb"] / times["cp + sync"],
        }
    ]
    print(
        f"{'backup_vs_cp':<27} {size:>9,}  cp {format_seconds(times['cp'])}, cp + sync "
        f"{format_seconds(times['cp + sync'])}; codedb {format_seconds(times['codedb'])} "
        f"({times['codedb'] / times['cp']:.2f}x cp, {times['codedb'] / times['cp + sync']:.2f}x cp + sync), "
        f"--verify=none {format_seconds(times['codedb --verify=none'])} "
        f"({times['codedb --verify=none'] / times['cp']:.2f}x cp)"
    )
    dump = workdir / "dump.json"
    dump.unlink(missing_ok=True)
    with codedb.connect(path) as db:
        backup(db, dump, fmt="json", quiet=True)
    megabytes = dump.stat().st_size / 2**20
    for operation, target, command in (
        ("import_peak_memory", workdir / "imported.sqlite", "import"),
        ("restore_peak_memory", workdir / "restored.sqlite", "restore"),
    ):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        if command == "import":
            subprocess.run(
                [sys.executable, "-m", "codedb", "--db", str(target), "init"],
                check=True,
                capture_output=True,
                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")},
            )
        seconds, peak = peak_memory(["--db", str(target), command, str(dump), "--quiet"])
        rows.append(
            {
                "operation": operation,
                "size": size,
                "seconds": {"codedb": seconds},
                "peak_mb": peak,
                "file_mb": megabytes,
            }
        )
        print(
            f"{operation:<27} {size:>9,}  {megabytes:,.0f} MB JSON in {format_seconds(seconds)}: "
            f"peak {peak:,.0f} MB resident (goal < 150 MB)"
        )
    rows += encrypted_backups(workdir, path, size, runs)
    rows += copies(workdir, path, size, postgres)
    return rows


def pg_copy_floor(url: str, workdir: Path) -> float:
    """Seconds PostgreSQL takes for the rows of the schema at `url` alone, the floor of
    `codedb copy` into it: each table's rows (written to a file with COPY beforehand, not
    timed) copied with COPY into a table of the same columns in a new schema, without its
    constraints, indexes or triggers (a stored generated column is computed, as it is in the
    copy), then every index the schema has built on them: primary keys, uniques, b-trees and
    the GIN indexes of the search documents, of names' words and of names' trigrams. The
    search documents are copied as they are; `codedb copy` makes them."""
    import uuid

    import psycopg

    floor = f"floor_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename NOT LIKE '%%yoyo%%'",
                (schema,),
            )
        ]
        indexes = [
            row[0]
            for row in conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = ANY(%s)", (schema, tables)
            )
        ]
        for table in tables:
            out_to = f'COPY "{table}" TO STDOUT (FORMAT binary)'
            with open(workdir / f"{floor}-{table}.copy", "wb") as out, conn.cursor().copy(out_to) as copy:
                for chunk in copy:
                    out.write(chunk)
        conn.execute(f'CREATE SCHEMA "{floor}"')
        conn.commit()
        try:
            start = time.perf_counter()
            for table in tables:
                conn.execute(f'CREATE TABLE "{floor}"."{table}" (LIKE "{schema}"."{table}" INCLUDING GENERATED)')
                in_from = f'COPY "{floor}"."{table}" FROM STDIN (FORMAT binary)'
                with open(workdir / f"{floor}-{table}.copy", "rb") as data, conn.cursor().copy(in_from) as copy:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
            for index in indexes:
                conn.execute(index.replace(f" ON {schema}.", f" ON {floor}.", 1))
            conn.commit()
            return time.perf_counter() - start
        finally:
            conn.rollback()
            conn.execute(f'DROP SCHEMA IF EXISTS "{floor}" CASCADE')
            conn.commit()
            for table in tables:
                (workdir / f"{floor}-{table}.copy").unlink(missing_ok=True)


def copies(workdir: Path, path: Path, size: int, postgres: str | None) -> list[dict[str, Any]]:
    """`codedb copy` of the file into a new SQLite file and, with `postgres` (--postgres),
    into a new PostgreSQL schema (beside its floor: pg_copy_floor, goal within 1.5x) and from
    there back into SQLite (streamed from the server): rows per second and peak memory (goal:
    < 200 MB), beside `cp` of the same file."""
    anchor = timed(lambda: subprocess.run(["cp", str(path), str(workdir / "cp.sqlite")], check=True))[0]
    with codedb.connect(path, readonly=True) as db:
        rows_total = sum(db.row_counts().values())
    runs = [("copy_sqlite_to_sqlite", str(path), str(workdir / "copied.sqlite"))]
    found: list[dict[str, Any]] = []
    schema = None
    with contextlib.ExitStack() as stack:
        if postgres:
            from .projects import scratch_schema

            schema = stack.enter_context(scratch_schema(postgres))
            runs += [
                ("copy_sqlite_to_postgresql", str(path), schema),
                ("copy_postgresql_to_sqlite", schema, str(workdir / "copied-back.sqlite")),
            ]
        for operation, source, target in runs:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            seconds, peak = peak_memory(["copy", source, target, "--quiet"])
            row = {
                "operation": operation,
                "size": size,
                "seconds": {"anchor": anchor, "codedb": seconds},
                "rows": rows_total,
                "peak_mb": peak,
            }
            print(
                f"{operation:<27} {size:>9,}  {rows_total:,} rows in {format_seconds(seconds)} "
                f"({rows_total / seconds:,.0f} rows/s; cp of the file {format_seconds(anchor)}): "
                f"peak {peak:,.0f} MB resident (goal < 200 MB)"
            )
            if target == schema:
                row["seconds"]["floor"] = floor = pg_copy_floor(schema, workdir)
                row["codedb_over_floor"] = seconds / floor
                print(
                    f"{'':<27} {'':>9}  floor (COPY of the same rows, then every index) "
                    f"{format_seconds(floor)}: codedb copy {seconds / floor:.2f}x (goal 1.5x)"
                )
            found.append(row)
    return found


def encrypted_backups(workdir: Path, path: Path, size: int, runs: int) -> list[dict[str, Any]]:
    """`backup --encrypt` and the restore of its file against the plain ones (goal: within
    1.5x), for the SQLite and the JSON format, with the peak memory of the encrypted ones."""
    from codedb.transfer.backup import backup
    from codedb.transfer.restore import restore

    passphrase = "benchmark passphrase"
    rows = []
    for fmt in ("sqlite", "json"):
        times: dict[str, float] = {}
        for label, secret in (("plain", None), ("encrypted", passphrase)):
            dest = workdir / f"b-{label}.{fmt}"

            def make(dest: Path = dest, secret: str | None = secret, fmt: str = fmt) -> None:
                dest.unlink(missing_ok=True)
                with codedb.connect(path) as db:
                    backup(db, dest, fmt=fmt, quiet=True, passphrase=secret)

            def back(dest: Path = dest, secret: str | None = secret) -> None:
                target = workdir / "back.sqlite"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                with codedb.connect(target) as db:
                    restore(db, dest, passphrase=secret)

            tries = runs if fmt == "sqlite" else 1  # a JSON restore of 200k functions takes half a minute
            times[f"backup {label}"] = statistics.median(timed(make)[0] for _ in range(tries))
            times[f"restore {label}"] = statistics.median(timed(back)[0] for _ in range(tries))
        os.environ["CODEDB_BACKUP_PASSPHRASE"] = passphrase
        try:
            _, backup_peak = peak_memory(
                [
                    "--db",
                    str(path),
                    "backup",
                    str(workdir / f"peak.{fmt}.enc"),
                    f"--format={fmt}",
                    "--encrypt",
                    "--force",
                    "--quiet",
                ]
            )
            target = workdir / "peak-restore.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            _, restore_peak = peak_memory(
                ["--db", str(target), "restore", str(workdir / f"peak.{fmt}.enc"), "--quiet"]
            )
        finally:
            del os.environ["CODEDB_BACKUP_PASSPHRASE"]
        rows.append(
            {
                "operation": f"encrypted_{fmt}_backup",
                "size": size,
                "seconds": times,
                "backup_over_plain": times["backup encrypted"] / times["backup plain"],
                "restore_over_plain": times["restore encrypted"] / times["restore plain"],
                "peak_mb": {"backup": backup_peak, "restore": restore_peak},
            }
        )
        print(
            f"{'encrypted ' + fmt:<27} {size:>9,}  backup {format_seconds(times['backup encrypted'])} "
            f"({times['backup encrypted'] / times['backup plain']:.2f}x plain), restore "
            f"{format_seconds(times['restore encrypted'])} ({times['restore encrypted'] / times['restore plain']:.2f}x plain); "
            f"peak {backup_peak:,.0f} MB backing up, {restore_peak:,.0f} MB restoring"
        )
    return rows


def compat_overhead(workdir: Path, size: int, reps: int) -> list[dict[str, Any]]:
    """`codedb.compat` (the old tool's API, plain dicts) against the library API it adapts,
    call for call on the same file of `size` functions (target: compat/api <= 1.15x)."""
    from codedb import compat

    path = build_file(workdir, size)
    db = codedb.connect(path)
    old = compat.CodeDatabase(db)  # the same connection: only the adapter differs
    ids = [function_id((i * 7919) % size) for i in range(min(LOOKUPS, 10 * size))]
    new = functions(min(SINGLE_ADDS, size), offset=10 * size)
    counter = iter(range(10**9))

    def add_api() -> None:
        n = next(counter)
        for item in new:
            db.functions.add(
                f"{item['name']}-{n}", item["description"], item["code"], item["modules"], item["tags"]
            )

    def add_compat() -> None:
        n = next(counter)
        for item in new:
            compat_add(
                f"{item['name']}-{n}", item["description"], item["code"], item["modules"], item["tags"]
            )

    compat_add = old.add_function
    pairs: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("add_function", add_api, add_compat),
        (
            "get_function",
            lambda: [db.functions.get_summary(i) for i in ids],
            lambda: [old.get_function(i) for i in ids],
        ),
        ("list_functions", lambda: db.functions.list(), lambda: old.list_functions()),
        ("search_functions", lambda: db.functions.search_substring("fn_1234"), lambda: old.search_functions("fn_1234")),
        ("get_coverage_report", lambda: db.tests.coverage(), lambda: old.get_coverage_report()),
    ]
    rows = []
    try:
        for operation, api, adapted in pairs:
            runs = 1 if reps == 1 else max(reps, 5)
            api(), adapted()  # warm: the first calls load the queries and the converters
            samples: dict[str, list[float]] = {"api": [], "compat": []}
            for rep in range(runs):  # interleaved, alternating which goes first
                order = (("api", api), ("compat", adapted))
                for name, work in order if rep % 2 == 0 else order[::-1]:
                    gc.collect()
                    samples[name].append(timed(work)[0])
            times = {name: statistics.median(values) for name, values in samples.items()}
            ratio = times["compat"] / times["api"]
            rows.append({"operation": operation, "size": size, "seconds": times, "compat_over_api": ratio})
            print(
                f"compat {operation:<20} {size:>9,}  api {format_seconds(times['api']):>9}  "
                f"compat {format_seconds(times['compat']):>9}  compat/api {ratio:.2f}x"
            )
    finally:
        old.close()
        db.close()
    return rows


def format_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"


def format_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


HEADER = (
    f"{'operation':<20} {'size':>9} {'raw':>12} {'codedb':>12} {'SQLModel ORM':>13} "
    f"{'codedb/raw':>11} {'ORM/codedb':>11}"
)


def format_row(row: dict[str, Any]) -> str:
    s = row["seconds"]
    raw = s.get(Raw.name) or s.get("raw psycopg")
    return (
        f"{row['operation']:<20} {row['size']:>9,} {format_seconds(raw):>12} "
        f"{format_seconds(s.get(Codedb.name)):>12} {format_seconds(s.get('SQLModel ORM')):>13} "
        f"{format_ratio(row['codedb_over_raw']):>11} {format_ratio(row['orm_over_codedb']):>11}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="sizes 1k and 20k (the default)")
    mode.add_argument("--full", action="store_true", help="sizes 1k, 20k, 200k and 1M")
    mode.add_argument("--sizes", help="comma-separated sizes, e.g. 500,5000")
    parser.add_argument("--reps", type=int, default=3, help="repetitions; the median is reported (default 3)")
    parser.add_argument("--no-orm", action="store_true", help="leave out the SQLModel ORM")
    parser.add_argument(
        "--cold-size", type=int, default=200_000, help="functions in the file of the cold-start figures"
    )
    parser.add_argument(
        "--file-sizes",
        help="sizes of the backup-vs-cp and import/restore memory figures (default: the cold size; "
        "--full adds 1M)",
    )
    parser.add_argument(
        "--project-sizes", help="projects in the projects workload (default 10k; --full: 10k and 100k)"
    )
    parser.add_argument(
        "--assistant-sizes",
        help="messages and metrics in the assistant workload (default 100k; --full: 100k and 1M)",
    )
    parser.add_argument(
        "--search-sizes",
        help="functions in the full-text search workload (default 10k,100k; --full: 10k,100k,1M)",
    )
    parser.add_argument("--writer-counts", default="1,2,4,8", help="concurrent writers on one file (1,2,4,8)")
    parser.add_argument("--writer-seconds", type=float, help="seconds per writer count (2; --full: 5)")
    parser.add_argument(
        "--growth-sizes", help="functions at which to report the file's size (default 100k; --full: 1M)"
    )
    parser.add_argument("--aio-functions", type=int, default=2000, help="functions under the async calls")
    parser.add_argument("--aio-calls", type=int, default=500, help="calls per run, async against sync")
    parser.add_argument("--web-functions", type=int, default=20_000, help="functions served by codedb serve")
    parser.add_argument("--web-seconds", type=float, default=2.0, help="seconds per HTTP load run")
    parser.add_argument("--web-clients", default="1,8,32", help="concurrent HTTP clients (1,8,32)")
    parser.add_argument("--semantic-sizes", help="functions embedded for the semantic search figures")
    parser.add_argument("--mcp-functions", type=int, default=2000, help="functions under codedb mcp's calls")
    parser.add_argument("--mcp-calls", type=int, default=300, help="calls per run over MCP and the Python API")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("CODEDB_BENCH_POSTGRES_URL"),
        help="also measure codedb against raw psycopg on this server",
    )
    args = parser.parse_args(argv)
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else [1000, 20_000, 200_000, 1_000_000]
        if args.full
        else [1000, 20_000]
    )
    print(
        f"codedb {codedb.__version__} benchmarks, {datetime.now(UTC):%Y-%m-%d}, "
        f"Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.machine()} with {os.cpu_count()} cores; "
        f"median of {args.reps} runs (1 when a run takes over {SLOW_SECONDS:.0f} s)"
    )
    print("raw: the sqlite3 module (psycopg on the 'pg' rows) with SQL written by hand")
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="codedb-bench-") as tmp:
        bench = Bench(Path(tmp), args.reps, orm=not args.no_orm)
        for size in sizes:
            bench.run_size(size)
        print("\ncold starts (whole processes) against their anchors:")
        cold = cold_starts(Path(tmp), args.cold_size, args.reps)
        print("\nfiles: backup against cp, and the peak memory of streamed imports and restores:")
        file_sizes = (
            [int(s) for s in args.file_sizes.split(",")]
            if args.file_sizes
            else sorted({args.cold_size, 1_000_000})
            if args.full
            else [args.cold_size]
        )
        files = [
            row for size in file_sizes for row in file_operations(Path(tmp), size, args.reps, args.postgres)
        ]
        from .projects import run_projects

        project_sizes = (
            [int(n) for n in args.project_sizes.split(",")]
            if args.project_sizes
            else ([10_000, 100_000] if args.full else [10_000])
        )
        project_rows = [row for n in project_sizes for row in run_projects(Path(tmp), n, orm=not args.no_orm)]
        from .assistant import run_assistant

        assistant_sizes = (
            [int(n) for n in args.assistant_sizes.split(",")]
            if args.assistant_sizes
            else ([100_000, 1_000_000] if args.full else [100_000])
        )
        assistant_rows = [
            row for n in assistant_sizes for row in run_assistant(Path(tmp), n, orm=not args.no_orm)
        ]
        from .search import run_search

        search_sizes = (
            [int(n) for n in args.search_sizes.split(",")]
            if args.search_sizes
            else ([10_000, 100_000, 1_000_000] if args.full else [10_000, 100_000])
        )
        search_rows = run_search(Path(tmp), search_sizes, args.postgres)
        from .writers import run_writers

        writer_rows = run_writers(
            Path(tmp),
            [int(n) for n in args.writer_counts.split(",")],
            args.writer_seconds or (5.0 if args.full else 2.0),
            args.postgres,
        )
        from .filesize import grow

        growth_sizes = (
            [int(n) for n in args.growth_sizes.split(",")]
            if args.growth_sizes
            else ([1_000_000] if args.full else [100_000])
        )
        print("\nthe size of one SQLite file as the library grows (search benchmark's functions):")
        growth_rows = grow(Path(tmp) / "growth.sqlite", sorted(growth_sizes))
        from .aio import run_aio

        aio_rows = run_aio(Path(tmp), args.postgres, args.aio_functions, args.aio_calls)
        from .web import run_web

        web_rows = run_web(
            Path(tmp),
            args.web_functions,
            args.web_seconds,
            tuple(int(n) for n in args.web_clients.split(",")),
            args.postgres,
        )
        from .semantic import run_semantic

        semantic = run_semantic(
            Path(tmp),
            [int(n) for n in args.semantic_sizes.split(",")] if args.semantic_sizes else [100_000],
            args.postgres,
        )
        from .mcp import run_mcp

        mcp_rows = run_mcp(Path(tmp), args.mcp_functions, args.mcp_calls)
        print("\nthe old tool's API (codedb.compat) against the library API it adapts:")
        compat_rows = compat_overhead(Path(tmp), min(max(sizes), ORM_MAX_SIZE), args.reps)
        if args.postgres:
            from .impl_psycopg import run_postgres
            from .projects import run_projects_postgres

            run_postgres(bench, args.postgres, sizes)
            project_rows += [row for n in project_sizes for row in run_projects_postgres(args.postgres, n)]
            from .assistant import run_assistant_postgres

            assistant_rows += [
                row for n in assistant_sizes for row in run_assistant_postgres(args.postgres, n)
            ]
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version,
                    "cores": os.cpu_count(),
                    "reps": args.reps,
                    "results": bench.results,
                    "cold_starts": cold,
                    "files": files,
                    "compat": compat_rows,
                    "projects": project_rows,
                    "assistant": assistant_rows,
                    "search": search_rows,
                    "writers": writer_rows,
                    "growth": growth_rows,
                    "aio": aio_rows,
                    "web": web_rows,
                    "mcp": mcp_rows,
                    "semantic": semantic,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
