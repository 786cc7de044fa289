"""System metrics on both backends: exact nearest-rank percentiles (checked against Python
for random durations), error rates, windows, the slowest runs, pruning, and the timer as a
context manager and a decorator, also on failure."""

import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codedb
from conftest import CLI, db_snapshot, snapshot


def nearest_rank(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(percent * len(ordered) / 100) - 1]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(durations=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60))
def test_percentiles_are_exact_nearest_rank(db: codedb.Database, durations: list[float]) -> None:
    db.clear_tables()
    now = datetime.now(UTC).replace(tzinfo=None)
    for n, duration in enumerate(durations):
        db.metrics.record("op", duration, success=n % 3 != 0, at=now - timedelta(seconds=n))
    db.metrics.record("other", 1.0)
    (summary,) = db.metrics.summary("op")
    assert summary.count == len(durations)
    assert summary.errors == len(range(0, len(durations), 3))
    assert summary.error_rate == pytest.approx(summary.errors / len(durations))
    assert summary.mean_ms == pytest.approx(sum(durations) / len(durations))
    for percent, found in ((50, summary.p50_ms), (95, summary.p95_ms), (99, summary.p99_ms)):
        assert found == nearest_rank(durations, percent), percent
    assert summary.max_ms == max(durations)
    every = {s.operation: s for s in db.metrics.summary()}
    assert set(every) == {"op", "other"}
    assert attrs.evolve(every["op"], mean_ms=summary.mean_ms) == summary  # the mean sums in another order
    assert every["op"].mean_ms == pytest.approx(summary.mean_ms)


def test_windows_slowest_and_prune(db: codedb.Database) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)  # this test's own: a slow suite ran minutes before it
    rng = random.Random(3)
    for n in range(40):
        db.metrics.record("build", rng.uniform(1, 100), at=now - timedelta(hours=n))
    db.metrics.record("build", 500.0, at=now - timedelta(days=30))
    db.metrics.record("test", 5.0, at=now - timedelta(minutes=1))
    assert db.metrics.summary("build", window="24h")[0].count == 24
    assert db.metrics.summary("build", since=now - timedelta(days=31))[0].max_ms == 500.0
    assert db.metrics.summary("nothing") == []
    slowest = db.metrics.slowest("build", limit=3)
    assert [m.duration_ms for m in slowest][0] == 500.0 and len(slowest) == 3
    assert [m.duration_ms for m in slowest] == sorted((m.duration_ms for m in slowest), reverse=True)
    assert sorted(m.operation for m in db.metrics.slowest(window="2m")) == ["build", "test"]  # hour 0 too
    before = snapshot(db)
    assert db.metrics.prune("7d", dry_run=True)[0] == 1  # the month-old run only
    assert snapshot(db) == before
    count, _ = db.metrics.prune("36h")
    assert count == 5  # hours 36 to 39 (a moment older than 36h by now) and the month-old run
    assert db.metrics.summary("build")[0].count == 36


def test_the_timer_records_successes_and_failures(db: codedb.Database) -> None:
    with db.metrics.timed("block", extra={"n": 1}):
        sum(range(1000))
    with pytest.raises(ZeroDivisionError), db.metrics.timed("block"):
        1 / 0  # noqa: B018

    @db.metrics.timed("call")
    def work(fail: bool) -> str:
        if fail:
            raise ValueError("bad value\nsecond line")
        return "done"

    assert work(False) == "done" and work(False) == "done"
    with pytest.raises(ValueError, match="bad value"):
        work(True)
    runs = sorted(snapshot(db)["system_metrics"], key=lambda m: (m.operation, m.success))  # type: ignore[attr-defined]
    assert [(m.operation, m.success, m.error) for m in runs] == [
        ("block", False, "ZeroDivisionError: division by zero"),
        ("block", True, None),
        ("call", False, "ValueError: bad value"),
        ("call", True, None),
        ("call", True, None),
    ]
    assert all(m.duration_ms >= 0 for m in runs) and runs[1].extra == {"n": 1}


def test_bad_input_is_refused_and_changes_nothing(db: codedb.Database) -> None:
    db.metrics.record("op", 1.0)
    before = snapshot(db)
    for call, message in (
        (lambda: db.metrics.record("", 1.0), "empty operation"),
        (lambda: db.metrics.record("op", -1), "duration must be"),
        (lambda: db.metrics.record("op", float("inf")), "duration must be"),
        (lambda: db.metrics.record("op", True), "duration must be"),
        (lambda: db.metrics.record("op", 1, extra={"x": float("nan")}), "cannot be written as JSON"),
        (lambda: db.metrics.summary(window="yesterday"), "invalid --window"),
        (lambda: db.metrics.summary(window="1d", since="2026-01-01"), "not both"),
        (lambda: db.metrics.summary(since="2026-02-01", until="2026-01-01"), "ends before it starts"),
        (lambda: db.metrics.slowest(limit=0), "--limit"),
        (lambda: db.metrics.prune("forever"), "invalid --older-than"),
    ):
        with pytest.raises(codedb.InvalidInput, match=message):
            call()
    assert snapshot(db) == before


def test_the_metrics_cli(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    for duration in ("10", "20", "30", "40"):
        cli.ok("metrics", "record", "build", duration)
    cli.ok("metrics", "record", "build", "5", "--failed", "--error=boom", '--extra={"host": "a"}')
    (summary,) = json.loads(cli.ok("metrics", "summary", "--window=1h", "--json"))
    assert (summary["count"], summary["errors"], summary["p50_ms"], summary["p99_ms"]) == (5, 1, 20.0, 40.0)
    slowest = json.loads(cli.ok("metrics", "slowest", "--operation=build", "--limit=2", "--json"))
    assert [m["duration_ms"] for m in slowest] == [40.0, 30.0]
    assert "p95_ms" in cli.ok("metrics", "summary", "--csv").splitlines()[0]
    before = db_snapshot(ready_target)
    for args, message in (
        (("metrics", "record", "build", "fast"), "invalid DURATION_MS"),
        (("metrics", "record", "build", "-3"), "duration must be"),
        (("metrics", "record", "build", "1", "--extra={"), "--extra is not valid JSON"),
        (("metrics", "summary", "--window=3 days"), "invalid --window"),
        (("metrics", "slowest", "--limit=0"), "--limit must be 1 or more"),
        (("metrics", "prune", "--older-than=-1d"), "invalid --older-than"),
    ):
        assert message in cli.error(*args), args
    assert db_snapshot(ready_target) == before
    assert cli.ok("metrics", "prune", "--older-than=1s", "--dry-run").startswith("would delete")
