"""Analytics on both backends: a project's summary per metric, trends per day, week (from
Monday) and month checked against Python, usage counts by a metadata key, export as CSV
and JSON; bad input refused whole."""

import csv
import io
import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import codedb
from conftest import CLI, db_snapshot, snapshot

START = datetime(2025, 12, 29, 9, 30)  # a Monday


def _measure(db: codedb.Database) -> tuple[str, list[tuple[datetime, float]]]:
    shop = db.projects.create("shop").project_id
    points = [(START + timedelta(days=n, hours=n % 5), float(n % 7)) for n in range(40)]
    for n, (at, value) in enumerate(points):
        widget = ("editor", "chat", "editor")[n % 3]
        db.analytics.record("score", value, project_id=shop, metadata={"widget": widget}, at=at)
    db.analytics.record("score", 100.0, at=START)  # of no project
    db.analytics.record("load_ms", 12.5, project_id=shop, at=START + timedelta(days=2))
    return shop, points


def test_project_summary(db: codedb.Database) -> None:
    shop, points = _measure(db)
    summary = {s.metric_name: s for s in db.analytics.project_summary(shop)}
    assert set(summary) == {"load_ms", "score"}
    score = summary["score"]
    values = [v for _, v in points]
    assert (score.count, score.min, score.max) == (40, 0.0, 6.0)
    assert score.mean == pytest.approx(sum(values) / len(values))
    assert (score.latest, score.latest_at) == (points[-1][1], points[-1][0])
    assert summary["load_ms"].latest == 12.5


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_trends_match_python(db: codedb.Database, period: str) -> None:
    shop, points = _measure(db)
    key = {
        "day": lambda t: f"{t:%Y-%m-%d}",
        "week": lambda t: f"{t - timedelta(days=t.weekday()):%Y-%m-%d}",
        "month": lambda t: f"{t:%Y-%m}",
    }[period]
    groups: dict[str, list[float]] = defaultdict(list)
    for at, value in points:
        groups[key(at)].append(value)
    trends = db.analytics.trends("score", period, project_id=shop)
    assert [t.period for t in trends] == sorted(groups)
    for trend in trends:
        values = groups[trend.period]
        assert (trend.count, trend.total, trend.min, trend.max) == (
            len(values),
            sum(values),
            min(values),
            max(values),
        )
    everything = db.analytics.trends("score", period)  # of every project and none
    assert sum(t.count for t in everything) == 41


def test_usage_counts_and_export(db: codedb.Database) -> None:
    _measure(db)
    counts = {u.name: u.count for u in db.analytics.usage_counts("widget")}
    assert counts == {"editor": 27, "chat": 13}
    assert db.analytics.usage_counts("feature") == []
    rows = db.analytics.measurements(metric_name="score", since=START, until=START + timedelta(days=2))
    assert [r.recorded_at for r in rows] == sorted(r.recorded_at for r in rows) and len(rows) == 3


def test_bad_input_is_refused_and_changes_nothing(db: codedb.Database) -> None:
    shop, _ = _measure(db)
    before = snapshot(db)
    for call, kind, message in (
        (lambda: db.analytics.record("", 1), codedb.InvalidInput, "empty metric name"),
        (lambda: db.analytics.record("x", float("nan")), codedb.InvalidInput, "finite number"),
        (lambda: db.analytics.record("x", "3"), codedb.InvalidInput, "finite number"),  # type: ignore[arg-type]
        (lambda: db.analytics.record("x", 1, project_id="nope"), codedb.NotFound, "project nope"),
        (lambda: db.analytics.record("x", 1, metadata=[1]), codedb.InvalidInput, "metadata must be"),
        (lambda: db.analytics.trends("score", "year"), codedb.InvalidInput, "unknown period"),
        (lambda: db.analytics.trends("score", window="a while"), codedb.InvalidInput, "invalid --window"),
        (lambda: db.analytics.usage_counts("a.b"), codedb.InvalidInput, "invalid metadata key"),
        (lambda: db.analytics.usage_counts("$"), codedb.InvalidInput, "invalid metadata key"),
        (lambda: db.analytics.project_summary("nope"), codedb.NotFound, "project nope"),
    ):
        with pytest.raises(kind, match=message):
            call()
    assert snapshot(db) == before


def test_the_analytics_cli(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    cli.ok("projects", "create", "--name=shop")
    for value in ("3", "5", "1"):
        cli.ok("analytics", "record", "score", value, "--project=shop", '--metadata={"widget": "editor"}')
    cli.ok("analytics", "record", "score", "9", '--metadata={"widget": "chat"}')
    (summary,) = json.loads(cli.ok("analytics", "project", "shop", "--json"))
    assert (summary["count"], summary["latest"], summary["mean"]) == (3, 1.0, 3.0)
    table = cli.ok("analytics", "trends", "score", "--period=week", "--window=7d")
    assert "mean per week: " in table
    usage = json.loads(cli.ok("analytics", "widgets", "--json"))
    assert [(u["name"], u["count"]) for u in usage] == [("editor", 3), ("chat", 1)]
    rows = list(csv.DictReader(io.StringIO(cli.ok("analytics", "export", "--project=shop"))))
    assert len(rows) == 3 and json.loads(rows[0]["metadata"]) == {"widget": "editor"}
    assert len(json.loads(cli.ok("analytics", "export", "--format=json"))) == 4
    assert cli.ok("analytics", "export", "--file=out.csv") == "wrote 4 measurements to out.csv\n"
    before = db_snapshot(ready_target)
    for args, message in (
        (("analytics", "record", "score", "lots"), "invalid VALUE"),
        (("analytics", "record", "score", "inf"), "finite number"),
        (("analytics", "record", "score", "1", "--project=nope"), "project nope not found"),
        (("analytics", "record", "score", "1", "--metadata=x"), "--metadata is not valid JSON"),
        (("analytics", "trends", "score", "--period=year"), "unknown period"),
        (("analytics", "widgets", "--key=a b"), "invalid metadata key"),
        (("analytics", "export", "--format=xml"), "unknown --format"),
        (("analytics", "export", "--file=out.csv"), "exists"),
    ):
        assert message in cli.error(*args), args
    assert db_snapshot(ready_target) == before


def test_sparkline() -> None:
    from codedb.domains.analytics.commands import sparkline

    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([3, 3]) == "▅▅" and sparkline([]) == ""
    assert sparkline([0, 10, 5])[0] == "▁" and sparkline([0, 10, 5])[1] == "█"


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_the_daily_rollup_follows_every_write(db: codedb.Database, period: str) -> None:
    """Trends over whole days read analytics_daily (migration 0014), kept by triggers: after
    inserts, a project's deletion (its rows' project_id set NULL), edits and deletes by plain
    SQL it answers what the measurements themselves give (a window that is not whole days)."""
    shop, _ = _measure(db)
    other = db.projects.create("other").project_id
    db.analytics.record("score", -3.0, project_id=other, at=START + timedelta(days=1))
    exact = {"since": "2000-01-01T00:00:01", "until": "2100-01-01T00:00:01"}  # not midnights: base rows

    def same() -> None:
        for project in (shop, other, None):
            rolled = db.analytics.trends("score", period, project_id=project)
            direct = db.analytics.trends("score", period, project_id=project, **exact)
            assert [(t.period, t.count, t.min, t.max) for t in rolled] == [
                (t.period, t.count, t.min, t.max) for t in direct
            ]
            assert [t.total for t in rolled] == pytest.approx([t.total for t in direct])
            assert [t.mean for t in rolled] == pytest.approx([t.mean for t in direct])

    same()
    db.projects.delete(other)  # ON DELETE SET NULL: an update of the measurement
    same()
    with db.transaction():  # writes that bypass the API
        db.conn.execute("UPDATE analytics SET value = value + 10 WHERE value = 6")
        db.conn.execute("DELETE FROM analytics WHERE value = 0")
        db.conn.execute("UPDATE analytics SET recorded_at = '2026-03-01 10:00:00' WHERE value = 2")
    same()
    if db.dialect == "sqlite":
        ran: list[str] = []
        db.conn.set_trace_callback(ran.append)
        db.analytics.trends("score", period, since="2025-12-01", until="2026-02-01")
        db.conn.set_trace_callback(None)
        assert any("FROM analytics_daily" in sql for sql in ran) and not any(
            "FROM analytics\n" in sql for sql in ran
        )
