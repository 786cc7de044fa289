"""System metrics (db.metrics): record a timed operation, time a block or a function
(`with db.metrics.timed("op"):` or `@db.metrics.timed("op")`), summaries per operation with
exact p50/p95/p99, the slowest runs, pruning by age."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from ...core.api import DomainAPI
from ...core.convert import (
    check_json,
    check_page,
    check_text,
    db_time,
    now,
    params,
    parse_time,
    required_text,
    time_before,
    window_bounds,
)
from ...core.ids import new_id
from ...errors import CodedbError, InvalidInput, unreadable_value
from .records import Metric, OperationSummary

MAX_PAGE = 10_000

PERCENTILES = (50, 95, 99)


def _operation(value: Any) -> str:
    return required_text(value, "operation", "name the operation timed")


def _duration(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise InvalidInput(f"duration must be a finite number of milliseconds, 0 or more, not {value!r:.40}")
    return float(value)


class Metrics(DomainAPI):
    """Timed operations and what they add up to."""

    def record(
        self,
        operation: str,
        duration_ms: float,
        *,
        success: bool = True,
        error: str | None = None,
        extra: dict[str, Any] | None = None,
        at: str | datetime | None = None,
    ) -> Metric:
        """Record one run of an operation (its own transaction)."""
        if not isinstance(success, bool):
            raise InvalidInput("success must be true or false")
        if error is not None and not isinstance(error, str):
            raise InvalidInput(f"error must be text, not {type(error).__name__}")
        metric = Metric(
            new_id(),
            _operation(operation),
            _duration(duration_ms),
            success,
            None if error is None else check_text(error, "error"),
            check_json({} if extra is None else extra, "extra", dict),
            now() if at is None else parse_time(at),
        )
        with self.db.transaction():
            self.sql.load_system_metrics(self.conn, [params(metric)])
        return metric

    @contextmanager
    def timed(self, operation: str, extra: dict[str, Any] | None = None) -> Iterator[None]:
        """Time a block (or, as a decorator, each call of a function) and record it: a success,
        or on an exception a failure with its type and first line, the exception going on."""
        operation = _operation(operation)
        start = time.perf_counter()
        try:
            yield
        except BaseException as exc:
            elapsed = (time.perf_counter() - start) * 1000
            first = (str(exc).splitlines() or [""])[0][:500]
            try:
                self.record(
                    operation,
                    elapsed,
                    success=False,
                    error=f"{type(exc).__name__}: {first}".rstrip(": "),
                    extra=extra,
                )
            except CodedbError as failed:  # the block's own error is the one to report
                exc.add_note(f"codedb could not record the metric {operation}: {failed}")
            raise
        self.record(operation, (time.perf_counter() - start) * 1000, extra=extra)

    def latest(self, operation: str | None = None, *, limit: int = 1000) -> builtins.list[Metric]:
        """The latest runs, of one operation or of all, newest first."""
        check_page(limit, 0, MAX_PAGE)
        return self.sql.latest_metrics(self.conn, operation=operation, limit=limit)

    def summary(
        self,
        operation: str | None = None,
        *,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[OperationSummary]:
        """Per operation (or for one): count, errors, error rate, mean, p50/p95/p99 and max of
        the durations over a window (all time without one), read from one snapshot."""
        start, end = window_bounds(window, since, until)
        bounds = {"since": db_time(start), "until": db_time(end)}
        with self.db.snapshot():
            if operation is None:
                counts = builtins.list(self.sql.operation_counts(self.conn, **bounds))
            else:
                counts = builtins.list(
                    self.sql.operation_count(self.conn, operation=_operation(operation), **bounds)
                )
            return [self._summary(row, bounds) for row in counts]

    def _summary(self, row: Any, bounds: dict[str, str]) -> OperationSummary:
        name, count, errors, mean, longest = row
        ranks: builtins.list[float] = []
        for percent in PERCENTILES:
            rank = (percent * count + 99) // 100  # ceil(p * n), 1-based
            if rank <= count - rank:
                found = self.sql.duration_from_shortest(self.conn, operation=name, skip=rank - 1, **bounds)
            else:
                found = self.sql.duration_from_longest(self.conn, operation=name, skip=count - rank, **bounds)
            ranks.append(found)
        p50, p95, p99 = ranks
        try:
            return OperationSummary(name, count, errors, errors / count, mean, p50, p95, p99, longest)
        except (ValueError, TypeError):  # SQLite sorts a text another program wrote after numbers
            bad = next(v for v in (longest, p99, p95, p50, mean) if not isinstance(v, int | float))
            shown = f"a row of system_metrics: duration_ms holds {bad!r:.60}, which is not a number"
            raise unreadable_value(shown) from None

    def slowest(
        self,
        operation: str | None = None,
        *,
        limit: int = 10,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[Metric]:
        """The slowest runs (of one operation, or of all) over a window, slowest first."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidInput("--limit must be a whole number of 1 or more")
        start, end = window_bounds(window, since, until)
        bounds = {"since": db_time(start), "until": db_time(end), "limit": limit}
        if operation is None:
            return self.sql.slowest(self.conn, **bounds)
        return self.sql.slowest_of_operation(self.conn, operation=_operation(operation), **bounds)

    def prune(self, older_than: str | datetime | timedelta, *, dry_run: bool = False) -> tuple[int, datetime]:
        """Delete the metrics older than an age (90d) or a date; with `dry_run`, only count
        them. The number and the cut-off."""
        before = time_before(older_than)
        with self.db.transaction():
            if dry_run:
                return int(self.sql.count_metrics_before(self.conn, before=db_time(before))), before
            return int(self.sql.prune_metrics_before(self.conn, before=db_time(before))), before
