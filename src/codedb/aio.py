"""codedb's async API: the domains, records and errors of codedb.connect, with async methods,
for asyncio services (ASGI apps, bots, workers).

    import codedb.aio

    async with codedb.aio.connect("code_db.sqlite") as db:      # or postgresql://...
        await db.run(codedb.migrate)                           # any synchronous codedb call
        f = await db.functions.add("fib", "Fibonacci", "def fib(n): ...")
        found = await db.functions.search_ranked("fib")
        async with db.transaction():                           # all or nothing
            await db.projects.create("demo", user_id=...)
        async with db.metrics.timed("job"):                    # the API's own blocks
            ...

Every public method of every domain API (db.functions, db.projects, ...) is here, as a
coroutine with the same arguments, returning the same attrs records and raising the same
codedb errors. The domain code is the synchronous API's own, so the two cannot drift: on
PostgreSQL it runs in a greenlet over psycopg's AsyncConnection (codedb.core.bridge); on
SQLite it runs on the event loop itself, its statements waiting for the write lock in pauses of
the loop, and a kind of call that keeps taking longer than LOOP_BUDGET_SECONDS moves to a
worker thread.

One AsyncDatabase is one connection: tasks that share it take turns, a call at a time, and a
`transaction()` block keeps it for its task until the block ends. Inside the block, use the
database from that task only (a task it starts and waits for would wait for the block).
For calls that run at the same time on PostgreSQL, share a pool:

    pool = await codedb.aio.pool("postgresql://codedb@db/codedb", size=8)
    async with pool.connection() as db:                        # an AsyncDatabase
        await db.functions.list(limit=20)
    await pool.close()
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from .core.api import DomainAPI
from .core.bridge import (
    Bridge,
    BridgedDatabase,
    LoopConnection,
    MustWait,
    SyncConnection,
    await_,
    bridged_queries,
    run_sync,
)
from .core.db import (
    CONNECT_TIMEOUT_SECONDS,
    Database,
    configure_postgres,
    connect_postgres,
    connect_sqlite,
    planned_cursor,
    sqlite_arguments,
)
from .core.pool import WAIT_SECONDS, no_connection, pool_options, pool_target, unreachable
from .core.target import Target, resolve_target

if TYPE_CHECKING:  # the domain APIs' async types, written by tools/aio_surface.py
    from .aio_surface import AsyncSurface
else:
    AsyncSurface = object

T = TypeVar("T")

# A SQLite call runs on the event loop itself (see core.bridge.LoopConnection) until calls of its
# kind (the same method) have taken longer than LOOP_BUDGET_SECONDS SWITCH_AFTER times in a row;
# they then run in a worker thread, where a search of a million rows does not hold up the loop's
# other tasks, until they have been quicker than that SWITCH_AFTER times in a row. (A hand-over
# to a thread and back costs 110-400 us on 2 cores, the call's caches left on the other core: a
# call of 2 ms pays up to 20 % more there; a write that once waited for a checkpoint stays.)
LOOP_BUDGET_SECONDS = 0.002
SWITCH_AFTER = 3
_IN_THREADS: set[Any] = set()
_against: dict[Any, int] = {}  # kind -> its calls in a row whose time says it runs in the wrong place


def _timed(kind: Any, seconds: float) -> None:
    if (seconds > LOOP_BUDGET_SECONDS) == (kind in _IN_THREADS):
        _against.pop(kind, None)
        return
    runs = _against[kind] = _against.get(kind, 0) + 1
    if runs >= SWITCH_AFTER:
        del _against[kind]
        _IN_THREADS.symmetric_difference_update((kind,))


class _TaskLock:
    """A lock that the task holding it may take again (a call inside its own transaction)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0

    def free(self) -> bool:
        """Whether the calling task may use the connection now without waiting."""
        return not self._lock.locked() or self._owner is asyncio.current_task()

    async def __aenter__(self) -> None:
        task = asyncio.current_task()
        if self._owner is not task or task is None:
            await self._lock.acquire()
            self._owner = task
        self._depth += 1

    async def __aexit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            self._lock.release()


class AsyncDatabase(AsyncSurface):
    """An open codedb database with async methods (see the module docstring); its domain
    APIs' types are AsyncSurface's."""

    def __init__(self, db: Database):
        self._db = db
        self._turn = _TaskLock()
        self._bridge = Bridge()
        self._on_loop = db.dialect == "sqlite"  # see core.bridge.LoopConnection

    def __repr__(self) -> str:
        return f"<codedb.aio.AsyncDatabase {self._db.dialect} {self._db.target.display}>"

    @property
    def target(self) -> Target:
        return self._db.target

    @property
    def dialect(self) -> str:
        return self._db.dialect

    @property
    def readonly(self) -> bool:
        return self._db.readonly

    @property
    def in_transaction(self) -> bool:
        return self._db.in_transaction

    async def __aenter__(self) -> AsyncDatabase:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.run(Database.close)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(db, *args, **kwargs)` with this connection's synchronous Database: codedb's
        functions that take one (codedb.migrate, codedb.status, codedb.check) or code of
        your own over db.queries, run as the API's methods run. What goes through `db`
        waits without holding up the loop; what opens a connection of its own blocks the
        loop while it runs (codedb.migrate's yoyo does): run that at startup."""
        return await self._call(fn, self._db, *args, **kwargs)

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        kind = getattr(fn, "__func__", fn)
        if self._on_loop and kind not in _IN_THREADS and self._turn.free():
            try:  # no other task can use the connection meanwhile: nothing here awaits
                return self._here(kind, fn, args, kwargs)
            except MustWait:
                pass  # refused the write lock before it wrote anything: wait for it below
        async with self._turn:
            if self._on_loop and kind in _IN_THREADS:
                return await self._in_thread(kind, fn, *args, **kwargs)
            return await self._bridge.run(fn, *args, **kwargs)

    def _here(self, kind: Any, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
        """A SQLite call run on the loop, timed (see LOOP_BUDGET_SECONDS)."""
        conn = self._db.conn
        conn.changes_at_call = conn.total_changes
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - start
            if elapsed > LOOP_BUDGET_SECONDS or kind in _against:
                _timed(kind, elapsed)

    async def _in_thread(self, kind: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a SQLite call in a worker thread, with this connection (the caller holds the
        turn). A cancelled caller interrupts the statement running and waits for the call to
        end (its transaction rolled back) before the connection is anyone else's."""
        start = time.perf_counter()
        done = asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            self._db.conn.interrupt()
            await asyncio.wait([done])
            raise
        finally:
            _timed(kind, time.perf_counter() - start)

    @asynccontextmanager
    async def _block(self, block: Any) -> AsyncIterator[Any]:
        """A synchronous context manager of the API, entered and left on the loop."""
        async with self._turn:
            run = self._bridge.run
            value = await run(block.__enter__)
            try:
                yield value
            except BaseException as exc:
                if not await run(block.__exit__, type(exc), exc, exc.__traceback__):
                    raise
            else:
                await run(block.__exit__, None, None, None)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncDatabase]:
        """All or nothing: commit when the block ends, roll back if it raises; nested blocks
        are savepoints."""
        async with self._block(self._db.transaction()):
            yield self

    if not TYPE_CHECKING:  # type checkers see AsyncSurface's attributes alone

        def __getattr__(self, name: str) -> Any:
            """A domain's API (db.functions, db.projects, ...) with async methods."""
            if name.startswith("_"):
                raise AttributeError(name)
            api = getattr(self._db, name)
            if not isinstance(api, DomainAPI):
                raise AttributeError(f"'AsyncDatabase' object has no attribute {name!r}")
            wrapped = self.__dict__[name] = AsyncAPI(self, api)
            return wrapped


class AsyncAPI:
    """A domain API's public methods as coroutines; its context managers as async ones."""

    def __init__(self, owner: AsyncDatabase, api: DomainAPI):
        self._owner = owner
        self._api = api

    def __repr__(self) -> str:
        return f"<async {type(self._api).__name__} of {self._owner!r}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self._api, name)
        if not callable(method):
            return method
        owner = self._owner
        if inspect.isgeneratorfunction(inspect.unwrap(method)):  # a @contextmanager method

            def block(*args: Any, **kwargs: Any) -> Any:
                return owner._block(method(*args, **kwargs))

            wrapped: Any = block
        else:
            wrapped = functools.partial(owner._call, method)  # a coroutine function, one call less
        wrapped.__name__ = name
        wrapped.__doc__ = method.__doc__
        self.__dict__[name] = wrapped
        return wrapped


class AsyncPool:
    """Connections to one PostgreSQL database, `size` at most, handed out as AsyncDatabases
    (psycopg_pool's AsyncConnectionPool, set up and checked as codedb.pool's connections)."""

    def __init__(self, target: Target, size: int, readonly: bool, timeout: float):
        from psycopg_pool import AsyncConnectionPool

        self.target = target
        self.readonly = readonly
        self.timeout = timeout
        setup = configure_postgres(bridged_queries("postgresql").core, target, readonly)

        async def configure(conn: Any) -> None:
            await run_sync(setup, SyncConnection(conn))

        self._pool = AsyncConnectionPool(
            **pool_options(target, size, asynchronous=True),
            configure=configure,
            check=AsyncConnectionPool.check_connection,
        )

    def __repr__(self) -> str:
        return f"<codedb.aio.AsyncPool {self.target.display} size={self._pool.max_size}>"

    async def _open(self) -> AsyncPool:
        from psycopg_pool import PoolTimeout

        await self._pool.open()
        try:
            await self._pool.wait(timeout=min(self.timeout, CONNECT_TIMEOUT_SECONDS))
        except PoolTimeout:
            await self._pool.close()
            raise unreachable(self.target) from None
        return self

    async def __aenter__(self) -> AsyncPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncDatabase]:
        """An AsyncDatabase on a pooled connection, back in the pool when the block ends."""
        from psycopg_pool import PoolTimeout

        try:
            async with self._pool.connection(timeout=self.timeout) as conn:
                yield AsyncDatabase(BridgedDatabase(self.target, SyncConnection(conn), self.readonly))
        except PoolTimeout as exc:
            raise no_connection(self.target, self.timeout, exc) from None

    def stats(self) -> dict[str, Any]:
        """psycopg_pool's counters (connections made, lost, waiting requests...)."""
        return dict(self._pool.get_stats())

    async def close(self) -> None:
        await self._pool.close()


async def pool(
    target: str | Target | None = None,
    size: int = 4,
    *,
    readonly: bool = False,
    timeout: float = WAIT_SECONDS,
) -> AsyncPool:
    """A pool of at most `size` connections to the PostgreSQL database `target`, for asyncio:
    `pool = await codedb.aio.pool(url, size=8)`, then `async with pool.connection() as db`;
    the arguments are codedb.pool's. Each connection is checked when it is handed out: one
    the server dropped is replaced, never given to the caller."""
    return await AsyncPool(pool_target(target, size), size, readonly, timeout)._open()


class _Connecting:
    """What connect returns: awaited, an AsyncDatabase; in `async with`, one closed at the end."""

    def __init__(self, target: Any, create: bool, readonly: bool):
        self._args = (target, create, readonly)
        self._db: AsyncDatabase | None = None

    def __await__(self) -> Generator[Any, None, AsyncDatabase]:
        return _open(*self._args).__await__()

    async def __aenter__(self) -> AsyncDatabase:
        self._db = await _open(*self._args)
        return self._db

    async def __aexit__(self, *exc_info: object) -> None:
        if self._db is not None:
            await self._db.close()


def connect(
    target: str | os.PathLike[str] | Target | None = None, *, create: bool = True, readonly: bool = False
) -> _Connecting:
    """Open a codedb database for asyncio: `db = await codedb.aio.connect(url)` (close it
    with `await db.close()`), or `async with codedb.aio.connect(url) as db`. The target and
    the options are codedb.connect's."""
    return _Connecting(target, create, readonly)


def reader(
    target: str | os.PathLike[str] | Target | None = None, *, read_url: str | None = None
) -> _Connecting:
    """codedb.reader for asyncio: a read-only connection to `read_url`, else
    $CODEDB_READ_URL, else `target` (a replica may lag the primary; see codedb.reader)."""
    return _Connecting(read_url or os.environ.get("CODEDB_READ_URL") or target, False, True)


async def _open(target: Any, create: bool, readonly: bool) -> AsyncDatabase:
    resolved = resolve_target(target)
    if resolved.dialect == "postgresql":
        db = await run_sync(connect_postgres, resolved, readonly, _psycopg, BridgedDatabase)
    else:
        db = await run_sync(connect_sqlite, resolved, create, readonly, _loop_sqlite)
        db.queries.core.wait_for_no_lock(db.conn)
    return AsyncDatabase(db)


def _loop_sqlite(target: Target, readonly: bool) -> LoopConnection:
    database, options = sqlite_arguments(target, readonly)
    return sqlite3.connect(database, **options, factory=LoopConnection)


def _psycopg(conninfo: str, **options: Any) -> SyncConnection:
    from psycopg import AsyncConnection

    options["cursor_factory"] = planned_cursor(asynchronous=True)
    return SyncConnection(await_(AsyncConnection.connect(conninfo, **options)))
