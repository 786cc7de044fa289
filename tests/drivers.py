"""One test body, two drivers: `Blocking` drives codedb.aio's AsyncDatabase from a synchronous
test body, so that a test written against codedb.Database runs unchanged against the async
API. Its event loop runs in a thread of its own, and one task of that loop awaits every call
in turn (a transaction block belongs to the task that opened it, as in a real service)."""

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

import codedb.aio
from codedb.core.bridge import SyncCursor

DRIVERS = ("sync", "async")
PLAIN = (str, bytes, int, float, bool, type(None), tuple, list, dict)


class _Loop:
    """An event loop in a thread, with one task that awaits the coroutines handed to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue[tuple[Coroutine[Any, Any, Any], Future[Any]] | None] | None = None
        ready = threading.Event()
        self._thread = threading.Thread(target=self._main, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait()

    def _main(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._worker(ready))

    async def _worker(self, ready: threading.Event) -> None:
        self._queue = asyncio.Queue()
        ready.set()
        while (item := await self._queue.get()) is not None:
            coro, future = item
            try:
                future.set_result(await coro)
            except BaseException as exc:  # handed to the caller
                future.set_exception(exc)

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        future: Future[Any] = Future()
        assert self._queue is not None
        self.loop.call_soon_threadsafe(self._queue.put_nowait, (coro, future))
        return future.result(timeout=120)

    def stop(self) -> None:
        assert self._queue is not None
        self.loop.call_soon_threadsafe(self._queue.put_nowait, None)
        self._thread.join(timeout=30)
        self.loop.close()


class _InBridge:
    """An object of the bridged database (its connection, its queries), used synchronously:
    each call runs inside the bridge on the loop."""

    def __init__(self, owner: "Blocking", obj: Any):
        self._owner = owner
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._obj, name)
        return value if isinstance(value, PLAIN) else _InBridge(self._owner, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = tuple(a._obj if isinstance(a, _InBridge) else a for a in args)
        result = self._owner.call(self._obj, *args, **kwargs)
        return _InBridge(self._owner, result) if isinstance(result, SyncCursor) else result

    def __iter__(self) -> Iterator[Any]:
        return iter(self._owner.call(list, self._obj))


class _API:
    def __init__(self, owner: "Blocking", api: Any):
        self._owner = owner
        self._api = api

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._api, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if hasattr(result, "__aenter__"):  # a block of the API (metrics.timed...)
                return self._owner.block(result)
            return self._owner.loop.run(result)

        return call


class Blocking:
    """codedb.aio.AsyncDatabase with the synchronous Database's face, for test bodies."""

    def __init__(self, loop: _Loop, adb: codedb.aio.AsyncDatabase):
        self.loop = loop
        self.adb = adb

    def __getattr__(self, name: str) -> Any:
        if name in ("target", "dialect", "readonly", "in_transaction"):
            return getattr(self.adb, name)
        if name in ("conn", "queries", "tables"):  # a test reaching under the API
            return _InBridge(self, getattr(self.adb._db, name))
        return _API(self, getattr(self.adb, name))

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(*args, **kwargs)`, synchronous code over the bridged database, run in the bridge."""
        return self.loop.run(self.adb._call(fn, *args, **kwargs))

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(db, ...)` with the bridged synchronous Database (AsyncDatabase.run)."""
        return self.loop.run(self.adb.run(fn, *args, **kwargs))

    @contextmanager
    def block(self, manager: Any) -> Iterator[Any]:
        value = self.loop.run(manager.__aenter__())
        try:
            yield value
        except BaseException as exc:
            if not self.loop.run(manager.__aexit__(type(exc), exc, exc.__traceback__)):
                raise
        else:
            self.loop.run(manager.__aexit__(None, None, None))

    def transaction(self) -> Any:
        return self.block(self.adb.transaction())


@contextmanager
def blocking(target: Any) -> Iterator[Blocking]:
    """The async API on `target`, for a synchronous test body; closed at the end."""
    loop = _Loop()
    try:
        adb = loop.run(_open(target))
        try:
            yield Blocking(loop, adb)
        finally:
            loop.run(adb.close())
    finally:
        loop.stop()


async def _open(target: Any) -> codedb.aio.AsyncDatabase:
    return await codedb.aio.connect(target)
