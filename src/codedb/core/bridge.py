"""The bridge under codedb.aio: the domain code, written once and synchronous, runs in a
greenlet over an async driver (aiosqlite, psycopg's AsyncConnection).

`Bridge.run(fn, ...)` is awaited on the event loop and runs `fn` in the Bridge's greenlet.
Wherever the code under `fn` reaches the driver (a query of sql/, a transaction's BEGIN), it hands the
driver's awaitable to `await_`, which switches back to the loop's side; the loop awaits it
and switches back in with the result or the exception. The code between two queries runs as
it does for the synchronous API, with the same checks, records and error messages, and the
loop serves other tasks while a query waits. SQLAlchemy's asyncio layer works the same way.

The queries are sql/'s, loaded with aiosql's async adapters for the two drivers; the
adapters below return what the synchronous ones return, so that the domain code sees the
same values whichever runs it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import cache
from types import SimpleNamespace
from typing import Any, TypeVar

from aiosql.adapters.aiosqlite import AioSQLiteAdapter
from aiosql.adapters.apyformat import AsyncPyFormatAdapter
from greenlet import getcurrent, greenlet

from .db import Database
from .queries import load_queries

T = TypeVar("T")


class _Bridged(greenlet):
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
    return current.parent.switch(awaitable)


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
        return handed.value


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

    def __enter__(self) -> SyncCursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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
        if hasattr(result, "__aiter__"):  # a SELECT's rows: an async generator
            return iter(await_(_collect(result)))
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


class _Fetched:
    """The rows of a query, fetched in the one trip to aiosqlite's thread that ran it."""

    def __init__(self, rows: list[Any]):
        self._rows = rows

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None


class AioSQLite(AioSQLiteAdapter):
    """aiosqlite, with one trip to its thread per statement (aiosql's adapter takes up to
    three: the statement, the rows, closing the cursor; each is a hand-over between threads
    that costs more than the query), and returning the affected rows of an executemany as
    sqlite3's adapter does. codedb's queries declare no record classes."""

    async def select(
        self, conn: Any, _query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> Any:
        for row in await conn.execute_fetchall(sql, parameters):
            yield row

    async def select_one(
        self, conn: Any, _query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> Any:
        rows = await conn.execute_fetchall(sql, parameters)
        return rows[0] if rows else None

    async def select_value(self, conn: Any, _query_name: str, sql: str, parameters: Any) -> Any:
        rows = await conn.execute_fetchall(sql, parameters)
        return rows[0][0] if rows else None

    @asynccontextmanager
    async def select_cursor(self, conn: Any, _query_name: str, sql: str, parameters: Any) -> Any:
        yield _Fetched(list(await conn.execute_fetchall(sql, parameters)))

    # A write is one trip too: its statement is done and reset when execute returns (SQLite
    # resets a finished INSERT, UPDATE or DELETE at once), so nothing is left to close.
    async def insert_update_delete(self, conn: Any, _query_name: str, sql: str, parameters: Any) -> Any:
        return (await conn.execute(sql, parameters)).rowcount

    async def insert_update_delete_many(self, conn: Any, _query_name: str, sql: str, parameters: Any) -> Any:
        return (await conn.executemany(sql, parameters)).rowcount


class AioPsycopg(AsyncPyFormatAdapter):
    """psycopg's AsyncConnection, returning what the synchronous psycopg adapter returns:
    the affected rows of an executemany, one RETURNING column as a value."""

    async def insert_update_delete_many(self, conn: Any, _query_name: str, sql: str, parameters: Any) -> Any:
        async with conn.cursor() as cursor:
            await cursor.executemany(sql, parameters)
            return cursor.rowcount

    async def insert_returning(self, conn: Any, query_name: str, sql: str, parameters: Any) -> Any:
        row = await super().insert_returning(conn, query_name, sql, parameters)
        return row[0] if row and len(row) == 1 else row


ADAPTERS = {"sqlite": AioSQLite, "postgresql": AioPsycopg}


@cache
def bridged_queries(dialect: str) -> SimpleNamespace:
    """sql/'s queries for `dialect`'s async driver, each callable from the bridge."""
    loaded = load_queries(dialect, ADAPTERS[dialect])
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
