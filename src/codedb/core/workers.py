"""Pure-Python work of a bulk job spread over the machine's cores.

PostgreSQL's `reindex` (and `codedb copy` and the bulk adds, which end with one) makes every
function's search document in Python, about 45 us a function, while the server waits; the
server then works while Python waits. `spread` hands such work to worker processes, one per
core, a batch each at a time, so that it goes on while the caller reads the next batch and
writes the last one: the documents of a batch are made while the server stores the one
before.

A worker is a new interpreter (`python -P -c ...`) that imports codedb alone, from the
caller's `sys.path` (not `multiprocessing`'s workers, which run the caller's main script again
unless it has a `__main__` guard). It reads batches from its standard input and writes the
results to its standard output, as JSON lines: it talks to the process that started it only.
Ctrl-C does not reach it (it runs in a session of its own, and ignores SIGINT): the caller
handles it and stops the workers. A worker exits when its input closes, so a caller that
dies takes its workers with it. A worker that fails or dies makes `spread` raise, so the
caller's transaction rolls back. A job of few batches, a machine of one core, a frozen
program, or workers that cannot start (no process left, a Python that cannot import codedb)
leave the work to the caller's process."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from itertools import chain, islice
from typing import IO, Any, NoReturn, TypeVar

from ..errors import CodedbError

A = TypeVar("A")
R = TypeVar("R")
# Workers at most: past a few, the caller and the database, which take and store every batch
# one at a time, are what the job waits for (and each worker is an interpreter of ~20 MB).
MAX_WORKERS = 4
# Batches a job needs for workers: starting them costs about what they save on fewer (a bulk
# add of 10,000 functions, 2 batches, took as long or longer with them).
MIN_BATCHES = 4


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def spread(
    work: Callable[[A], R], batches: Iterable[A], *, workers: int | None = None
) -> Iterator[tuple[A, R]]:
    """(batch, work(batch)) for each of `batches`, in their order. `work` is a function of a
    codedb module (a worker imports it by name) of values JSON can carry (a tuple arrives as
    a list). Of a job of MIN_BATCHES batches or more, the first batch is worked here and the
    others by `workers` worker processes (default: one per core, MAX_WORKERS at most), one
    batch each at a time; a smaller job is worked here. `batches` is drawn from only between
    the pairs handed back, never while the caller works on one: the caller may write to the
    connection it reads from."""
    count = min(cores(), MAX_WORKERS) if workers is None else workers
    source = iter(batches)
    first = list(islice(source, MIN_BATCHES))
    if count < 2 or len(first) < MIN_BATCHES or not sys.executable or getattr(sys, "frozen", False):
        for batch in chain(first, source):
            yield batch, work(batch)
        return
    with _Workers(f"{work.__module__}:{work.__qualname__}", count) as pool:
        yield first[0], work(first[0])  # while the workers start
        ready = [worker for worker in pool if worker.ready()]
        rest = chain(first[1:], source)
        if not ready:  # none could start (its Python cannot import codedb, say): worked here
            for batch in rest:
                yield batch, work(batch)
            return
        busy: deque[tuple[A, _Worker]] = deque()
        for worker, batch in zip(ready, rest, strict=False):  # a batch for each worker, no more
            worker.send(batch)
            busy.append((batch, worker))
        while busy:
            batch, worker = busy.popleft()
            result = worker.receive()
            for following in islice(rest, 1):
                worker.send(following)
                busy.append((following, worker))
            yield batch, result


class _Worker:
    def __init__(self, process: subprocess.Popen[bytes]):
        self.process = process
        self.into: IO[bytes] = process.stdin  # type: ignore[assignment]
        self.out: IO[bytes] = process.stdout  # type: ignore[assignment]

    def send(self, value: Any) -> None:
        try:
            self.into.write(_line(value))
            self.into.flush()
        except BrokenPipeError:
            self.died()

    def ready(self) -> bool:
        """Whether the worker started and has its work (it says so first)."""
        line = self.out.readline()
        if not line:
            self.process.wait()
            return False
        return bool(json.loads(line) == [True, "ready"])

    def receive(self) -> Any:
        line = self.out.readline()
        if not line:
            self.died()
        done, value = json.loads(line)
        if not done:
            raise CodedbError(f"a worker process failed: {value}")
        return value

    def died(self) -> NoReturn:
        code = self.process.wait()
        raise CodedbError(f"a worker process ended before its work was done (exit status {code})")


class _Workers:
    """`count` worker processes of `work` ("module:function"), stopped on leaving."""

    def __init__(self, work: str, count: int):
        self.work, self.count = work, count
        self.started: list[_Worker] = []

    def __enter__(self) -> list[_Worker]:
        # The worker imports from the caller's sys.path (-P: not its working directory first).
        command = [sys.executable, "-P", "-c", _START, json.dumps([str(p) for p in sys.path])]
        try:
            for _ in range(self.count):
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,  # a terminal's Ctrl-C goes to the caller alone
                )
                self.started.append(_Worker(process))
                self.started[-1].into.write(_line(self.work))
                self.started[-1].into.flush()
        except OSError:  # no more processes: the ones started work, or none and the caller does
            pass
        except BaseException:
            self.__exit__()
            raise
        return self.started

    def __exit__(self, *exc_info: object) -> None:
        for worker in self.started:  # a closed input ends a worker's loop, a closed output its work
            for pipe in (worker.into, worker.out):
                with suppress(OSError):
                    pipe.close()
        for worker in self.started:
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()


_START = "import json, sys; sys.path[:] = json.loads(sys.argv[1]); import codedb.core.workers as w; w.serve()"


def serve() -> None:
    """A worker's loop: the work's name in and (true, "ready") out, then batches in and
    (done, result) out, until its input closes. Its standard output is the results' alone
    (what prints goes nowhere)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    into = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    module, _, name = json.loads(into.readline() or "null").partition(":")
    if module.split(".")[0] != "codedb":
        raise SystemExit(f"not codedb's work: {module}")
    work = getattr(importlib.import_module(module), name)
    out.write(_line((True, "ready")))
    out.flush()
    while True:
        line = into.readline()
        if not line:
            return
        try:
            result = (True, work(json.loads(line)))
        except Exception as exc:
            result = (False, f"{type(exc).__name__}: {exc}")
        out.write(_line(result))
        out.flush()


def _line(value: Any) -> bytes:
    """A message between a worker and its caller: JSON on one line (JSON's escapes keep any
    text whole, a lone surrogate too)."""
    return json.dumps(value, check_circular=False).encode() + b"\n"
