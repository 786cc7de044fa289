"""The bridge under codedb.aio: the domain code, written once and synchronous, runs in a
greenlet over psycopg's AsyncConnection (PostgreSQL), or on the event loop itself with
sqlite3 (SQLite: LoopConnection, at the end).

`Bridge.run(fn, ...)` is awaited on the event loop and runs `fn` in the Bridge's greenlet.
Wherever the code under `fn` reaches the driver (a query of sql/, a transaction's BEGIN), it hands the
driver's awaitable to `await_`, which switches back to the loop's side; the loop awaits it
and switches back in with the result or the exception. The code between two queries runs as
it does for the synchronous API, with the same checks, records and error messages, and the
loop serves other tasks while a query waits. SQLAlchemy's asyncio layer works the same way.

PostgreSQL's queries are sql/'s, loaded with aiosql's async adapter for psycopg; the adapter
below returns what the synchronous one returns, so that the domain code sees the same values
whichever runs it.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from types import SimpleNamespace
from typing import Any, TypeVar

from aiosql.adapters.apyformat import AsyncPyFormatAdapter
from greenlet import getcurrent, greenlet

from .db import BUSY_TIMEOUT_SECONDS, Database
from .queries import load_queries, record_builder

T = TypeVar("T")


class _Bridged(greenlet):  # type: ignore[misc]  # greenlet's stubs are not installed
    """A Bridge's greenlet: the only place await_ may be called from."""

    def pause(self, seconds: float) -> None:
        """Wait without holding up the event loop (core.db's retries look for this)."""
        import asyncio

        await_(asyncio.sleep(seconds))


class _Done:
    """What a Bridge's greenlet hands back when its call has ended: a result or an error."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any = None, error: BaseException | None = None):
        self.value = value
        self.error = error


def await_(awaitable: Awaitable[T]) -> T:
    """The result of `awaitable`, awaited by the event loop that runs this greenlet."""
    current = getcurrent()
    if not isinstance(current, _Bridged):
        getattr(awaitable, "close", lambda: None)()  # never to be awaited
        raise RuntimeError("codedb's async connection was used outside codedb.aio; await its methods")
    result: T = current.parent.switch(awaitable)
    return result


class Bridge:
    """One greenlet that runs synchronous calls, one at a time, for the event loop: made once
    and switched into for each call (a new greenlet per call would cost 15 us of the 20 us
    that a bridged call adds)."""

    def __init__(self) -> None:
        self._greenlet = _Bridged(self._serve)

    @staticmethod
    def _serve(fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
        while True:
            try:
                done = _Done(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the caller on the loop
                done = _Done(error=exc)
            fn, args, kwargs = getcurrent().parent.switch(done)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run the synchronous `fn` in the greenlet, awaiting each awaitable it hands to
        await_; its result, or its exception raised here. Callers take turns (one call at a
        time per Bridge)."""
        worker = self._greenlet
        worker.parent = getcurrent()
        handed = worker.switch(fn, args, kwargs)
        while not isinstance(handed, _Done):
            try:
                value = await handed
            except BaseException:
                handed = worker.throw(*sys.exc_info())
            else:
                handed = worker.switch(value)
        if handed.error is not None:
            error, handed.error = handed.error, None
            raise error
        result: T = handed.value
        return result


async def run_sync(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run the synchronous `fn` in a greenlet of its own (see Bridge)."""
    return await Bridge().run(fn, *args, **kwargs)


async def _collect(rows: AsyncIterator[Any]) -> list[Any]:
    return [row async for row in rows]


class SyncCursor:
    """An async driver's cursor, used from code in the bridge."""

    def __init__(self, raw: Any):
        self.raw = raw

    def __getattr__(self, name: str) -> Any:  # rowcount, description, lastrowid
        return getattr(self.raw, name)

    def fetchone(self) -> Any:
        return await_(self.raw.fetchone())

    def fetchmany(self, size: int) -> list[Any]:
        return await_(self.raw.fetchmany(size))

    def fetchall(self) -> list[Any]:
        return await_(self.raw.fetchall())

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def execute(self, sql: str, params: Any = None) -> SyncCursor:
        await_(self.raw.execute(sql, params))
        return self

    def close(self) -> None:
        await_(self.raw.close())

    @contextmanager
    def copy(self, statement: str) -> Iterator[SyncCopy]:
        """psycopg's COPY block (Database.copy_rows)."""
        with _entered(self.raw.copy(statement)) as copy:
            yield SyncCopy(copy)

    def __enter__(self) -> SyncCursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SyncCopy:
    """An async driver's COPY, used from code in the bridge."""

    def __init__(self, raw: Any):
        self.raw = raw

    def write_row(self, row: Sequence[Any]) -> None:
        await_(self.raw.write_row(row))

    def write(self, data: bytes) -> None:
        await_(self.raw.write(data))


class SyncConnection:
    """An async driver's connection, used from code in the bridge: what codedb's Database
    calls on a connection (execute, commit, rollback, close, a PostgreSQL transaction block),
    and the driver's plain attributes (in_transaction, info)."""

    def __init__(self, raw: Any):
        self.raw = raw

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)

    def execute(self, sql: str, params: Any = None) -> SyncCursor:
        return SyncCursor(await_(self.raw.execute(sql) if params is None else self.raw.execute(sql, params)))

    def cursor(self, *args: Any, **kwargs: Any) -> SyncCursor:
        """A cursor of the driver (psycopg: name=... makes a server-side one)."""
        return SyncCursor(self.raw.cursor(*args, **kwargs))

    def commit(self) -> None:
        await_(self.raw.commit())

    def rollback(self) -> None:
        await_(self.raw.rollback())

    def close(self) -> None:
        await_(self.raw.close())

    def transaction(self) -> Any:
        """psycopg's transaction block (COMMIT at the end, ROLLBACK on an exception)."""
        return _entered(self.raw.transaction())


@contextmanager
def _entered(block: Any) -> Iterator[Any]:
    """An async context manager, entered and left from code in the bridge."""
    value = await_(block.__aenter__())
    try:
        yield value
    except BaseException as exc:
        if not await_(block.__aexit__(type(exc), exc, exc.__traceback__)):
            raise
    else:
        await_(block.__aexit__(None, None, None))


def _raw(conn: Any) -> Any:
    return conn.raw if isinstance(conn, SyncConnection) else conn


class BridgedQuery:
    """One query of sql/ loaded for an async driver, called as the synchronous one is."""

    def __init__(self, owner: BridgedDomainQueries, fn: Any):
        self.__self__ = owner
        self.__name__ = fn.__name__
        self._fn = fn

    def __getattr__(self, name: str) -> Any:  # sql, operation, __doc__...
        return getattr(self._fn, name)

    def __call__(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        result = self._fn(_raw(conn), *args, **kwargs)
        if self.__name__.endswith("_cursor"):
            return _cursor_block(result)
        if hasattr(result, "__aiter__"):  # a SELECT's rows (or records): an async generator
            return await_(_collect(result))
        return await_(result)


@contextmanager
def _cursor_block(block: Any) -> Iterator[SyncCursor]:
    with _entered(block) as cursor:
        yield SyncCursor(cursor)


class BridgedDomainQueries:
    """A domain's queries for an async driver (db.queries.<domain> inside the bridge)."""

    def __init__(self, queries: Any):
        self._queries = queries
        self._made: dict[str, BridgedQuery] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = BridgedQuery(self, getattr(self._queries, name))
        return made

    @property
    def available_queries(self) -> list[str]:
        return list(self._queries.available_queries)


class AioPsycopg(AsyncPyFormatAdapter):
    """psycopg's AsyncConnection, returning what the synchronous psycopg adapter returns:
    the affected rows of an executemany, one RETURNING column as a value."""

    async def select(  # type: ignore[override]
        self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> AsyncIterator[Any]:
        """A SELECT's rows, or the records its query names (see core.queries)."""
        async with conn.cursor() as cursor:
            await cursor.execute(sql, parameters)
            rows = await cursor.fetchall()
            if record_class is not None:
                rows = record_builder(query_name, sql, record_class, cursor.description)(rows)
        for row in rows:
            yield row

    async def select_one(
        self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> Any:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, parameters)
            row = await cursor.fetchone()
            if row is None or record_class is None:
                return row
            return record_builder(query_name, sql, record_class, cursor.description)([row])[0]

    async def insert_update_delete_many(self, conn: Any, _query_name: str, sql: str, parameters: Any) -> Any:
        async with conn.cursor() as cursor:
            await cursor.executemany(sql, parameters)
            return cursor.rowcount

    async def insert_returning(self, conn: Any, query_name: str, sql: str, parameters: Any) -> Any:
        row = await super().insert_returning(conn, query_name, sql, parameters)  # type: ignore[no-untyped-call]
        return row[0] if row and len(row) == 1 else row


@cache
def bridged_queries(dialect: str) -> SimpleNamespace:
    """sql/'s queries for `dialect`'s async driver, each callable from the bridge."""
    loaded = load_queries(dialect, AioPsycopg)
    return SimpleNamespace(**{name: BridgedDomainQueries(q) for name, q in vars(loaded).items()})


@cache
def bridged_tables(dialect: str) -> dict[str, Any]:
    from .registry import bind_tables

    return bind_tables(bridged_queries(dialect))


class BridgedDatabase(Database):
    """A Database whose connection is an async driver's, used from code in the bridge."""

    def __init__(self, target: Any, conn: Any, readonly: bool = False):
        super().__init__(target, conn, readonly)
        self.queries = bridged_queries(self.dialect)

    @property
    def tables(self) -> dict[str, Any]:
        return bridged_tables(self.dialect)


# SQLite under codedb.aio runs on the event loop, with the synchronous driver. A statement of a
# WAL database waits for nothing but the write lock (readers never wait), and a hand-over to
# aiosqlite's thread cost ten times a short read (a get: 14 us by itself, 150 us through the
# thread). So the connection waits for no lock inside SQLite (its busy timeout is 0): a statement
# refused for the write lock before its transaction began (BEGIN IMMEDIATE, or a write on its
# own) did nothing, and is tried again after a pause, until the busy timeout has passed. In the
# bridge's greenlet the pause is an asyncio.sleep and the loop runs meanwhile; in any other
# thread it is a sleep. A call made on the loop itself cannot pause: it raises MustWait, and
# codedb.aio runs it again in the bridge, when it has written nothing yet (else it sleeps).
LOCK_WAIT_FIRST, LOCK_WAIT_MOST = 0.001, 0.05  # seconds between tries, doubling


class MustWait(BaseException):
    """A call on the event loop needs the write lock that another connection holds, and has
    written nothing: run it again where it can wait (a BaseException, which no domain code's
    `except Exception` takes for its own error)."""


def _refused_for_the_lock(conn: sqlite3.Connection, exc: sqlite3.OperationalError) -> bool:
    return not conn.in_transaction and str(exc).startswith("database is locked")


def _retried(conn: Any, statement: Callable[[], T]) -> T:
    pause = getattr(getcurrent(), "pause", None)
    if pause is None:
        if _on_a_running_loop() and conn.total_changes == getattr(conn, "changes_at_call", None):
            raise MustWait
        pause = time.sleep
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    delay = LOCK_WAIT_FIRST
    while True:
        pause(delay)
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if not _refused_for_the_lock(conn, exc) or time.monotonic() > deadline:
                raise
        delay = min(delay * 2, LOCK_WAIT_MOST)


def _on_a_running_loop() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class LoopCursor(sqlite3.Cursor):
    """A cursor of a LoopConnection: a statement refused for the write lock waits (above)."""

    def execute(self, sql: str, parameters: Any = ()) -> LoopCursor:
        return self._waiting(super().execute, sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any) -> LoopCursor:
        # a list: an iterator would be spent by a refused try
        return self._waiting(super().executemany, sql, list(seq_of_parameters))

    def _waiting(self, statement: Callable[[str, Any], Any], sql: str, parameters: Any) -> LoopCursor:
        try:
            statement(sql, parameters)
        except sqlite3.OperationalError as exc:
            if not _refused_for_the_lock(self.connection, exc):
                raise
            _retried(self.connection, lambda: statement(sql, parameters))
        return self


class LoopConnection(sqlite3.Connection):
    """A SQLite connection whose statements wait for the write lock without holding up the
    event loop (open it with factory=LoopConnection, then set its busy timeout to 0: sql/core's
    wait_for_no_lock)."""

    def cursor(self, factory: Any = LoopCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any) -> Any:
        return self.cursor().executemany(sql, seq_of_parameters)
