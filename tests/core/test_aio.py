"""codedb.aio on both backends: what only an async caller shows (tasks sharing a connection,
a transaction held across awaits, cancellation, the loop serving others while a statement
waits). The domain behaviour itself runs through tests/library/test_library.py, whose bodies
run on both APIs."""

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

import codedb
import codedb.aio
from codedb.domains.library.records import Function


def run(coro: Any) -> Any:
    return asyncio.run(coro)


@pytest.fixture
def ready(ready_target: str) -> str:
    """A migrated database: a copy of the worker's migrated file, or its shared schema."""
    return ready_target


def test_the_same_records_and_errors_as_the_sync_api(ready: str) -> None:
    async def main() -> tuple[Any, ...]:
        async with codedb.aio.connect(ready) as db:
            added = await db.functions.add("fib", "Fibonacci", "def fib(n): return n", ["math"], ["rec"])
            got = await db.functions.get(added.function_id)
            with pytest.raises(codedb.NotFound, match="function nope not found"):
                await db.functions.get("nope")
            with pytest.raises(codedb.InvalidInput, match="empty function name"):
                await db.functions.add(" ")
            hits = await db.functions.search_ranked("fib")
            return added, got, hits, db.in_transaction

    added, got, hits, in_transaction = run(main())
    assert isinstance(added, Function) and got == added and not in_transaction
    assert [h.function_id for h in hits] == [added.function_id]
    with codedb.connect(ready) as db:  # what the async API wrote, the sync one reads
        assert db.functions.get(added.function_id) == added
        assert db.functions.get_summary(added.function_id).modules == ("math",)


def test_a_bulk_add_and_reindex_write_the_index_through_the_async_api(ready: str) -> None:
    """PostgreSQL's index is written with COPY, which the async driver runs otherwise."""
    from codedb.domains.library.base import BULK_INDEX_AT

    items = [
        {"name": f"bulkItem{i}", "description": "déjà vu" if i == 0 else "", "tags": ["t"]}
        for i in range(BULK_INDEX_AT)
    ]

    async def main() -> tuple[int, int, int]:
        async with codedb.aio.connect(ready) as db:
            await db.functions.add_many(items)
            found = len(await db.functions.search_ranked("bulk item tag:t", limit=BULK_INDEX_AT))
            return found, await db.functions.reindex(), await db.functions.stale_in_index()

    assert run(main()) == (BULK_INDEX_AT, BULK_INDEX_AT, 0)
    with codedb.connect(ready) as db:
        assert [h.name for h in db.functions.search_ranked("deja OR déjà")] == ["bulkItem0"]


def test_a_transaction_block_is_all_or_nothing_and_keeps_other_tasks_out(ready: str) -> None:
    seen: list[str] = []

    async def main() -> int:
        async with codedb.aio.connect(ready) as db:
            inside = asyncio.Event()
            go_on = asyncio.Event()

            async def writer() -> None:
                async with db.transaction():
                    await db.functions.add("first")
                    inside.set()
                    await go_on.wait()  # another task wants the connection meanwhile
                    await db.functions.add("second")
                    seen.append("committing")

            async def reader() -> None:
                await inside.wait()
                go_on.set()
                count = await db.functions.count()  # waits for the writer's block to end
                seen.append(f"reader saw {count}")

            await asyncio.gather(writer(), reader())
            with pytest.raises(RuntimeError, match="boom"):
                async with db.transaction():
                    await db.functions.add("rolled back")
                    raise RuntimeError("boom")
            return int(await db.functions.count())

    assert run(main()) == 2
    assert seen == ["committing", "reader saw 2"]


def test_a_cancelled_task_leaves_nothing_and_the_connection_usable(ready: str) -> None:
    async def main() -> tuple[int, bool, int]:
        async with codedb.aio.connect(ready) as db:
            started = asyncio.Event()

            async def slow() -> None:
                async with db.transaction():
                    await db.functions.add("never committed")
                    started.set()
                    await asyncio.sleep(60)

            task = asyncio.create_task(slow())
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            count = await db.functions.count()
            await db.functions.add("after")
            return count, db.in_transaction, await db.functions.count()

    assert run(main()) == (0, False, 1)
    with codedb.connect(ready) as db:
        assert [s.name for s in db.functions.list()] == ["after"]


def test_the_loop_serves_other_tasks_while_a_statement_waits(ready: str, backend: str) -> None:
    """While the driver waits (for SQLite's write lock held by another connection, for the
    server's pg_sleep), a ticker task goes on running: the wait does not block the loop."""
    hold = threading.Event()

    def hold_the_write_lock() -> None:
        if backend == "sqlite":
            other = sqlite3.connect(ready, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            hold.set()
            threading.Event().wait(0.5)
            other.execute("ROLLBACK")
            other.close()

    async def main() -> tuple[int, int]:
        async with codedb.aio.connect(ready) as db:
            ticks = 0
            done = asyncio.Event()

            async def ticker() -> None:
                nonlocal ticks
                while not done.is_set():
                    ticks += 1
                    await asyncio.sleep(0.01)

            async def waiting_call() -> int:
                if backend == "sqlite":
                    thread = threading.Thread(target=hold_the_write_lock)
                    thread.start()
                    hold.wait()
                    try:
                        await db.functions.add("waited for the lock")
                    finally:
                        thread.join()
                else:
                    await db.run(lambda d: d.conn.execute("SELECT pg_sleep(0.5)").fetchall())
                return ticks

            tick_task = asyncio.create_task(ticker())
            start_ticks = ticks
            ticks_when_done = await waiting_call()
            done.set()
            await tick_task
            return start_ticks, ticks_when_done

    start_ticks, ticks_when_done = run(main())
    assert ticks_when_done - start_ticks >= 5  # a blocked loop would have ticked at most once


def test_sqlite_reads_go_on_while_another_connection_holds_the_write_lock(
    tmp_path: Path, sqlite_migrated: Path
) -> None:
    """Reads run on the loop itself and never wait for the writer; a write waits for the lock
    in a pause of the loop, not inside SQLite; the loop's longest stall stays short."""
    path = tmp_path / "locked.sqlite"
    shutil.copy2(sqlite_migrated, path)
    with codedb.connect(path) as db:
        kept = db.functions.add("kept")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO tag (name) VALUES ('written by the holder')")

    async def main() -> tuple[list[float], bool, float, list[str]]:
        loop = asyncio.get_running_loop()
        gaps: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            last = loop.time()
            while not done.is_set():
                await asyncio.sleep(0.002)
                now = loop.time()
                gaps.append(now - last)
                last = now

        async with codedb.aio.connect(path) as db:
            ticking = asyncio.create_task(ticker())
            for _ in range(30):  # a read that waited for the writer would fail: it never commits
                assert (await db.functions.get(kept.function_id)).name == "kept"
                assert [f.name for f in await db.functions.list(limit=5)] == ["kept"]
                await asyncio.sleep(0)
            held_throughout = holder.in_transaction
            loop.call_later(0.3, holder.execute, "COMMIT")
            started = loop.time()
            await db.functions.add("after the holder")
            waited = loop.time() - started
            done.set()
            await ticking
            return gaps, held_throughout, waited, [f.name for f in await db.functions.list()]

    gaps, held_throughout, waited, names = run(main())
    tags = [name for (name,) in holder.execute("SELECT name FROM tag")]
    holder.close()
    assert held_throughout  # the 30 reads ran while the holder had the lock
    assert waited >= 0.3  # the write waited for the holder's commit...
    assert max(gaps) < 0.1, max(gaps)  # ...and no step held the loop for long
    assert "written by the holder" in tags and sorted(names) == ["after the holder", "kept"]


def test_sqlite_calls_that_take_long_move_to_a_thread_and_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_migrated: Path
) -> None:
    """A kind of call that took longer than the loop's budget three times in a row runs in a
    worker thread; three quick runs bring it back to the loop. (The budget is raised here so
    that a thread's hand-over on a loaded machine is not taken for a long call.)"""
    import time

    from codedb import aio

    monkeypatch.setattr(aio, "LOOP_BUDGET_SECONDS", 0.05)

    path = tmp_path / "moves.sqlite"
    shutil.copy2(sqlite_migrated, path)

    def sleeper(db: codedb.Database, seconds: float) -> int:
        time.sleep(seconds)
        return threading.get_ident()

    async def main() -> list[bool]:
        loop_thread = threading.get_ident()
        async with codedb.aio.connect(path) as db:
            slow, quick = aio.LOOP_BUDGET_SECONDS * 2, 0.0
            return [await db.run(sleeper, s) == loop_thread for s in (slow,) * 4 + (quick,) * 4]

    try:
        assert run(main()) == [True, True, True, False, False, False, False, True]
    finally:
        aio._IN_THREADS.discard(sleeper)


def test_a_cancelled_call_in_a_thread_is_interrupted_and_rolled_back(
    tmp_path: Path, sqlite_migrated: Path
) -> None:
    from codedb import aio

    path = tmp_path / "interrupted.sqlite"
    shutil.copy2(sqlite_migrated, path)

    def add_then_count(db: codedb.Database, name: str, rows: int) -> int:
        with db.transaction():
            db.functions.add(name)
            count = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            count += "SELECT COUNT(*) FROM n"
            return int(db.conn.execute(count, (rows,)).fetchone()[0])

    async def main() -> tuple[float, list[str]]:
        async with codedb.aio.connect(path) as db:
            aio._IN_THREADS.add(add_then_count)
            assert await db.run(add_then_count, "quick", 10) == 10
            task = asyncio.create_task(db.run(add_then_count, "cancelled", 10**10))
            await asyncio.sleep(0.1)
            start = asyncio.get_running_loop().time()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            stopped = asyncio.get_running_loop().time() - start
            return stopped, sorted(f.name for f in await db.functions.list())

    try:
        stopped, names = run(main())
    finally:
        aio._IN_THREADS.discard(add_then_count)
    assert stopped < 1.0  # the statement was interrupted, not run to its end (minutes)
    assert names == ["quick"]


def test_blocks_of_the_api_are_async_blocks(ready: str) -> None:
    async def main() -> list[Any]:
        async with codedb.aio.connect(ready) as db:
            async with db.metrics.timed("job"):
                await asyncio.sleep(0)
            with pytest.raises(ValueError):
                async with db.metrics.timed("failing job"):
                    raise ValueError("bad")
            return [(s.operation, s.count, s.errors) for s in await db.metrics.summary()]

    assert sorted(run(main())) == [("failing job", 1, 1), ("job", 1, 0)]


def test_run_hands_code_the_synchronous_database(target: str) -> None:
    async def main() -> tuple[Any, ...]:
        async with codedb.aio.connect(target) as db:
            applied = await db.run(codedb.migrate)
            status = await db.run(codedb.status)
            return applied, status.pending

    applied, pending = run(main())
    assert applied and pending == ()
    with codedb.connect(target) as db:
        assert codedb.status(db).pending == ()


def test_connect_errors_and_read_only(ready: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"

    async def main() -> None:
        with pytest.raises(codedb.ConnectError, match="does not exist; create it"):
            await codedb.aio.connect(missing, create=False)
        async with codedb.aio.connect(ready, readonly=True) as db:
            assert await db.functions.count() == 0
            with pytest.raises(codedb.DatabaseError, match="read-only|readonly"):
                await db.functions.add("refused")
        db = await codedb.aio.connect(ready)
        await db.close()

    run(main())
    assert not missing.exists()


def test_the_bridged_database_refuses_use_outside_the_async_api(ready: str, backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite's async connection is the synchronous driver's, used on the loop itself")

    async def main() -> None:
        async with codedb.aio.connect(ready) as db:
            with pytest.raises(RuntimeError, match="outside codedb.aio; await its methods"):
                db._db.functions.count()
            with pytest.raises(AttributeError, match="no attribute 'nothing'"):
                db.nothing  # noqa: B018

    run(main())


def test_tasks_share_an_async_pool(pg_schema_url: str) -> None:
    with codedb.connect(pg_schema_url) as db:
        codedb.migrate(db)

    async def main() -> tuple[int, int, dict[str, Any]]:
        async with await codedb.aio.pool(pg_schema_url, size=2) as pool:
            busy, most = 0, 0

            async def work(n: int) -> None:
                nonlocal busy, most
                for i in range(5):
                    async with pool.connection() as db:
                        busy += 1
                        most = max(most, busy)
                        async with db.transaction():
                            await db.functions.add(f"t{n}_{i}", "", "pass", tags=[f"task{n}"])
                            await asyncio.sleep(0.001)  # hold the connection across an await
                        busy -= 1

            await asyncio.gather(*(work(n) for n in range(4)))
            async with pool.connection() as db:
                return await db.functions.count(), most, pool.stats()

    count, most, stats = run(main())
    assert count == 20 and most == 2 and stats["pool_max"] == 2


def test_an_async_pool_outlives_a_server_restart() -> None:
    from pgcluster import cluster

    with cluster() as server:
        with codedb.connect(server.url) as db:
            codedb.migrate(db)

        async def before(pool: Any) -> None:
            async with pool.connection() as first, pool.connection() as second:
                await first.functions.add("before", "", "pass")
                assert await second.functions.count() == 1

        async def after(pool: Any) -> list[str]:
            names = []
            for _ in range(3):  # each checkout gets a working connection, never a dead one
                async with pool.connection() as db:
                    names.append([f.name for f in await db.functions.list()])
            async with pool.connection() as db:
                await db.functions.add("after", "", "pass")
            return names

        async def main() -> tuple[list[str], dict[str, Any]]:
            pool = await codedb.aio.pool(server.url, size=2)
            try:
                await before(pool)
                await asyncio.to_thread(server.restart)  # both pooled connections are now dead
                return await after(pool), pool.stats()
            finally:
                await pool.close()

        names, stats = run(main())
        assert names == [["before"]] * 3 and stats.get("connections_lost", 0) >= 1


def test_async_pool_refusals(tmp_path: Path) -> None:
    from pgcluster import free_port

    async def main() -> None:
        with pytest.raises(codedb.InvalidInput, match="a pool is for PostgreSQL"):
            await codedb.aio.pool(str(tmp_path / "x.sqlite"))
        with pytest.raises(codedb.InvalidInput, match="1 connection or more"):
            await codedb.aio.pool("postgresql://postgres@127.0.0.1/test", size=0)
        with pytest.raises(codedb.ConnectError, match="cannot connect to .*check the URL"):
            await codedb.aio.pool(f"postgresql://postgres@127.0.0.1:{free_port()}/none", size=1, timeout=0.2)

    run(main())


def test_a_process_that_never_closes_its_connection_still_exits(
    tmp_path: Path, sqlite_migrated: Path
) -> None:
    """No thread of codedb.aio holds the process at exit; what an unfinished transaction wrote
    is gone, as after a kill."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "left-open.sqlite"
    shutil.copy2(sqlite_migrated, path)
    with codedb.connect(path) as db:
        db.functions.add("kept")
    script = (
        "import asyncio, codedb.aio\n"
        "async def main():\n"
        f"    db = await codedb.aio.connect({str(path)!r})\n"
        "    await db.functions.add('committed')\n"
        "    block = db.transaction()\n"
        "    await block.__aenter__()\n"
        "    await db.functions.add('never committed')\n"
        "    print('left open', flush=True)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout == "left open\n", done.stderr
    with codedb.connect(path) as db:
        assert sorted(f.name for f in db.functions.list()) == ["committed", "kept"]
        assert codedb.check(db).findings == ()


def test_reader_opens_the_read_url_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_migrated: Path
) -> None:
    primary, replica = tmp_path / "primary.sqlite", tmp_path / "replica.sqlite"
    for path, name in ((primary, "on the primary"), (replica, "on the replica")):
        shutil.copy2(sqlite_migrated, path)
        with codedb.connect(path) as db:
            db.functions.add(name)

    async def names(opening: Any) -> list[str]:
        async with opening as db:
            assert db.readonly
            with pytest.raises(codedb.DatabaseError, match="read-only|readonly"):
                await db.functions.add("refused")
            return [f.name for f in await db.functions.list()]

    assert run(names(codedb.aio.reader(primary, read_url=str(replica)))) == ["on the replica"]
    assert run(names(codedb.aio.reader(primary))) == ["on the primary"]
    monkeypatch.setenv("CODEDB_READ_URL", str(replica))
    assert run(names(codedb.aio.reader(primary))) == ["on the replica"]
