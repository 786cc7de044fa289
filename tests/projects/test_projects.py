"""Projects and their work on both backends: the lifecycle and its events, listings with
filters, sorts and keyset pages, counts, costs and budgets, export/import, generated files,
clarifications, autosaves and analyses; bad input refused whole, through the API and the CLI."""

import json
import math
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

import codedb
from codedb.core.convert import db_time
from codedb.domains.projects.api import MOVES, allowed_actions
from conftest import CLI, db_snapshot, snapshot


def test_the_lifecycle_moves_only_by_actions_and_writes_events(db: codedb.Database) -> None:
    project = db.projects.create("shop", "an online shop", config={"lang": "py"}, actor="ada")
    assert project.status == "creating" and project.started_at is None
    moved = db.projects.move(project.project_id, "start", actor="ada")
    assert moved.status == "in_progress" and moved.started_at is not None
    before = snapshot(db)
    with pytest.raises(codedb.Conflict) as refused:
        db.projects.move(project.project_id, "resume")
    assert str(refused.value) == (
        "project shop is in_progress: it cannot resume; allowed: execute, pause, complete, fail"
    )
    assert snapshot(db) == before  # no event for a refused move
    for action in ("execute", "pause", "resume", "complete"):
        db.projects.move(project.project_id, action)
    done = db.projects.get(project.project_id)
    assert done.status == "completed" and done.completed_at is not None
    reopened = db.projects.move(project.project_id, "reopen")
    assert reopened.completed_at is None and reopened.status == "in_progress"
    failed = db.projects.move(project.project_id, "fail", reason="the build broke")
    assert failed.error_message == "the build broke"
    history = db.projects.history(project.project_id)
    assert [e.action for e in history] == [
        "fail", "reopen", "complete", "resume", "pause", "execute", "start", "created",
    ]  # fmt: skip
    assert history[-2].actor == "ada" and history[0].description == "in_progress -> failed: the build broke"
    with pytest.raises(codedb.InvalidInput, match="unknown action"):
        db.projects.move(project.project_id, "explode")
    db.projects.delete(project.project_id)  # events cascade with the project
    assert db.row_counts(["workflow_events"]) == {"workflow_events": 0}


def test_every_status_allows_exactly_its_moves(memory_db: codedb.Database) -> None:
    for status in ("creating", "in_progress", "executing", "paused", "completed", "failed"):
        allowed = allowed_actions(status)
        assert allowed == [a for a, (sources, _) in MOVES.items() if status in sources]
        assert allowed, status  # no status is a dead end


def test_edits_are_checked_and_recorded(db: codedb.Database) -> None:
    ada = db.users.add("ada")
    project = db.projects.create("shop", user_id=ada.user_id)
    db.projects.create("shop")  # another user's namespace (none): allowed
    with pytest.raises(codedb.Conflict, match="a project named 'shop' of user"):
        db.projects.create("shop", user_id=ada.user_id)
    before = snapshot(db)
    for change, message in (
        ({"config": ["not", "an", "object"]}, "config must be an object"),
        ({"temperature": -1}, "temperature must be 0 or more"),
        ({"max_tokens": 0}, "max_tokens must be 1 or more"),
        ({"cost_estimate": float("inf")}, "cost_estimate must be a number"),
        ({"name": ""}, "empty project name"),
        ({"status": "completed"}, "cannot update status"),
    ):
        with pytest.raises(codedb.InvalidInput, match=message):
            db.projects.update(project.project_id, **change)
    assert snapshot(db) == before
    updated = db.projects.update(
        project.project_id, description="new", config={"a": {"b": [1, None]}}, actor="bob"
    )
    assert updated.config == {"a": {"b": [1, None]}}
    assert db.projects.history(project.project_id)[0].description == "changed config, description"
    assert db.projects.update(project.project_id, description="new") == updated  # no change, no event
    assert len(db.projects.history(project.project_id)) == 2


def test_an_update_to_the_same_json_numbers_changes_nothing(db: codedb.Database) -> None:
    """jsonb gives the float 1.2779695534327858e17 back as the integer 127796955343278580 and
    -0.0 as 0.0 (the same JSON numbers, not equal Python ones): an update with the config a
    project holds wrote it again, with an event saying the config had changed."""
    config = {"big": 1.2779695534327858e17, "whole": 1e16, "minus_zero": -0.0, "n": [1, 2.5]}
    project = db.projects.create("numbers", config=config, metadata={"m": 1e16})
    before = snapshot(db)
    same = db.projects.update(project.project_id, config=config, metadata={"m": 1e16})
    assert same == db.projects.get(project.project_id)
    assert snapshot(db) == before  # no event, no write
    db.projects.update(project.project_id, config={**config, "big": 1.2779695534327859e17})
    assert db.projects.history(project.project_id)[0].description == "changed config"


def test_create_returns_the_project_as_it_is_stored(db: codedb.Database) -> None:
    """create writes only the columns it sets (create_project) and leaves the rest to the
    table's defaults: the record it returns, made in Python, is what get reads, with every
    field given and with none; too long an id is refused as params() refused it, a taken id
    is a Conflict, and neither writes anything."""
    user = db.users.add("ada").user_id
    given = db.projects.create(
        "full", "every field", user_id=user, project_type="web", path="/srv/full",
        config={"lang": "py", "n": [1, 2]}, brief={"goal": "ship"}, provider="openai",
        model="gpt", temperature=0.5, max_tokens=100, cost_estimate=1.25, actor="ada",
        project_id="chosen-id", agent_role="builder", strategy="fast", metadata={"k": "v"},
    )  # fmt: skip
    bare = db.projects.create("bare")
    for project in (given, bare):
        assert project == db.projects.get(project.project_id)
    assert (bare.config, bare.brief, bare.errors, bare.logs, bare.metadata) == ({}, None, [], [], {})
    assert (bare.actual_cost, bare.files_generated, bare.progress, bare.started_at) == (0.0, 0, 0.0, None)
    # a create of defaults writes them as constants (create_plain_project): the row create_project
    # writes for the same values, column for column
    q, defaults = db.queries.projects, {"path": None, "brief": None, "provider": None, "model": None}
    with db.transaction():
        q.create_project(
            db.conn, project_id="by-values", user_id=None, name="bare too", description="",
            project_type="", config="{}", temperature=None, max_tokens=None, cost_estimate=0.0,
            agent_role=None, strategy=None, metadata="{}", stamp=db_time(bare.created_at), **defaults,
        )  # fmt: skip
    rows = [list(q.project_row(db.conn, project_id=pid)) for pid in (bare.project_id, "by-values")]
    assert rows[0][3:] == rows[1][3:] and rows[0][2:3] == ["bare"]  # after the id, user and name
    assert db.projects.get("by-values") == attrs.evolve(bare, project_id="by-values", name="bare too")
    before = snapshot(db)
    with pytest.raises(codedb.InvalidInput, match="500 characters"):
        db.projects.create("long id", project_id="x" * 501)
    with pytest.raises(codedb.Conflict, match="project chosen-id exists already"):
        db.projects.create("another name", project_id="chosen-id")
    assert snapshot(db) == before


def test_every_move_returns_the_project_as_it_is_stored(db: codedb.Database) -> None:
    """move makes the moved record itself (it no longer reads the row back): for each action
    from each status that allows it, what move returns is what get reads after, started_at kept
    once set, completed_at only when completed, error_message only when failed."""
    n = 0
    for action, (sources, target) in MOVES.items():
        for source in sources:
            n += 1
            pid = db.projects.create(f"moved {n}").project_id
            if source == "failed":
                db.projects.move_to(pid, "in_progress")
            db.projects.move_to(pid, source)
            before = db.projects.get(pid)
            moved = db.projects.move(pid, action, reason="why" if n % 2 else None)
            assert moved == db.projects.get(pid), (action, source)
            assert moved.status == target and moved.updated_at > before.updated_at
            first_start = None if target == "failed" else moved.updated_at
            assert moved.started_at == (before.started_at or first_start)
            assert (moved.completed_at is not None) == (target == "completed")
            assert moved.error_message == (("why" if n % 2 else "failed") if target == "failed" else None)


def _fill(db: codedb.Database, count: int) -> list[str]:
    rng = random.Random(7)
    users = [db.users.add(f"user{n}").user_id for n in range(3)]
    ids = []
    for n in range(count):
        p = db.projects.create(
            f"project {n:03d} {'alpha' if n % 4 == 0 else 'beta'}",
            user_id=users[n % 3],
            project_type=("web", "cli")[n % 2],
        )
        ids.append(p.project_id)
        for _ in range(n % 3):
            db.projects.move(p.project_id, rng.choice(allowed_actions(db.projects.get(p.project_id).status)))
        if n % 5 == 0:
            db.usage.record("openai", "gpt", project_id=p.project_id, cost=round(rng.random(), 3))
    return ids


@pytest.mark.parametrize("sort", ["created", "updated", "name", "cost"])
def test_keyset_pages_walk_the_same_rows_as_one_listing(db: codedb.Database, sort: str) -> None:
    _fill(db, 23)
    for descending in (False, True):
        whole = db.projects.list(sort=sort, descending=descending, limit=1000)
        assert whole.total == 23 and whole.next_cursor is None
        key = {"created": "created_at", "updated": "updated_at", "name": "name", "cost": "actual_cost"}[sort]
        values = [(getattr(p, key), p.project_id) for p in whole.projects]
        assert values == sorted(values, reverse=descending)
        walked, cursor = [], None
        while True:
            page = db.projects.list(sort=sort, descending=descending, limit=5, after=cursor)
            assert page.total == (23 if cursor is None else None)  # keyset pages skip the count
            walked += [p.project_id for p in page.projects]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert walked == [p.project_id for p in whole.projects]
        by_offset = [
            p.project_id
            for o in range(0, 23, 5)
            for p in db.projects.list(sort=sort, descending=descending, limit=5, offset=o).projects
        ]
        assert by_offset == walked


def test_keyset_pages_of_one_status_walk_its_projects(db: codedb.Database) -> None:
    _fill(db, 30)
    everything = db.projects.list(limit=100).projects
    for status in sorted({p.status for p in everything}):
        for descending in (False, True):
            expected = [p.project_id for p in everything if p.status == status]
            walked, cursor, first = [], None, None
            while True:
                page = db.projects.list(status=status, descending=descending, limit=2, after=cursor)
                first = first or page
                walked += [p.project_id for p in page.projects]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert walked == (expected[::-1] if descending else expected)
            assert first.total == len(expected)


def test_listing_filters(db: codedb.Database) -> None:
    _fill(db, 20)
    everything = db.projects.list(limit=100).projects
    user0 = db.users.resolve("user0")
    checks = [
        ({"status": "creating"}, lambda p: p.status == "creating"),
        ({"user_id": user0}, lambda p: p.user_id == user0),
        ({"project_type": "cli"}, lambda p: p.project_type == "cli"),
        ({"text": "ALPHA"}, lambda p: "alpha" in p.name),
        ({"text": "%"}, lambda p: "%" in p.name),  # wildcards are literal
        ({"created_after": everything[10].created_at}, lambda p: p.created_at >= everything[10].created_at),
        ({"created_before": everything[10].created_at}, lambda p: p.created_at < everything[10].created_at),
    ]
    for filters, keep in checks:
        page = db.projects.list(limit=100, **filters)  # type: ignore[arg-type]
        assert [p.project_id for p in page.projects] == [p.project_id for p in everything if keep(p)], filters
        assert page.total == len(page.projects)
    for bad, message in (
        ({"status": "done"}, "unknown status"),
        ({"sort": "size"}, "unknown sort"),
        ({"limit": 0}, "--limit must be"),
        ({"after": "garbage!"}, "invalid cursor"),
        (
            {"after": db.projects.list(limit=1).next_cursor, "sort": "name"},
            "belongs to a listing sorted by created",
        ),
        ({"created_after": "yesterday"}, "invalid date"),
    ):
        with pytest.raises(codedb.InvalidInput, match=message):
            db.projects.list(**bad)  # type: ignore[arg-type]


def test_work_counts_and_overview(db: codedb.Database, tmp_path: Path) -> None:
    pid = db.projects.create("shop").project_id
    db.generations.add(pid, "a cart page", language="python", tokens_used=120)
    gen = db.generations.add(pid, "a login page")
    assert (
        db.generations.finish(gen.generation_id, "completed", "def login(): pass", 50).status == "completed"
    )
    db.generated_files.save(pid, "src/cart.py", "a\nb\nc\n")
    db.generated_files.save(pid, "src/login.py", "x")
    replaced = db.generated_files.save(pid, "src/cart.py", "a\n")  # the same path: replaced
    assert replaced.lines == 1 and len(db.generated_files.list(pid)) == 2
    for bad in ("/etc/passwd", "../up.py", "a/../../b", "", "./a"):
        with pytest.raises(codedb.InvalidInput, match="path"):
            db.generated_files.save(pid, bad, "x")
    db.usage.record("openai", "gpt-4o", project_id=pid, tokens_in=10, tokens_out=5, cost=0.25, latency_ms=10)
    db.analyses.add(pid, 70, issues=3)
    latest = db.analyses.add(pid, 85.5, warnings=1, analysis={"lint": "ok"})
    with pytest.raises(codedb.InvalidInput, match="from 0 to 100"):
        db.analyses.add(pid, 101)
    overview = db.projects.overview(pid)
    project = overview.project
    assert (project.generations, project.files_generated, project.lines_of_code) == (2, 2, 2)
    assert project.actual_cost == pytest.approx(0.25)
    assert (overview.events, overview.code_generations, overview.files, overview.usage_rows) == (1, 2, 2, 1)
    assert overview.usage_cost == pytest.approx(0.25) and overview.health_score == 85.5
    assert db.analyses.latest(pid) == latest and [a.health_score for a in db.analyses.list(pid)] == [85.5, 70]


def test_clarifications_fill_the_brief(db: codedb.Database) -> None:
    pid = db.projects.create("shop").project_id
    session = db.clarifications.start(pid, "an online shop", ["Who buys?", "What do they buy?"])
    assert session.progress == 0 and session.completed is False
    half = db.clarifications.answer(session.session_id, 2, "books")
    assert half.progress == 50.0 and half.answers == {"2": "books"}
    with pytest.raises(codedb.InvalidInput, match="from 1 to 2"):
        db.clarifications.answer(session.session_id, 3, "x")
    done = db.clarifications.complete(session.session_id)
    assert done.completed is True
    brief = db.projects.get(pid).brief
    assert brief == {
        "idea": "an online shop",
        "depth": "standard",
        "answers": [
            {"question": "Who buys?", "answer": None},
            {"question": "What do they buy?", "answer": "books"},
        ],
    }
    with pytest.raises(codedb.Conflict, match="is complete"):
        db.clarifications.answer(session.session_id, 1, "late")
    with pytest.raises(codedb.InvalidInput, match="questions"):
        db.clarifications.start(pid, "idea", [])


def test_cost_reports_and_percentiles_match_an_oracle(db: codedb.Database) -> None:
    rng = random.Random(3)
    start = datetime(2026, 11, 1)
    rows = []
    for n in range(300):
        latency = None if n % 17 == 0 else round(rng.uniform(5, 900), 3)
        rows.append(
            db.usage.record(
                rng.choice(["openai", "anthropic"]),
                rng.choice(["big", "small"]),
                tokens_in=rng.randrange(1000),
                tokens_out=rng.randrange(1000),
                cost=round(rng.uniform(0, 0.1), 5),
                latency_ms=latency,
                success=n % 9 != 0,
                timestamp=start + timedelta(hours=3 * n),
            )
        )
    by_model = {(r["provider"], r["model"]): r for r in db.usage.report("provider")}
    latency = {(r["provider"], r["model"]): r for r in db.usage.report("latency")}
    for key in by_model:
        mine = [r for r in rows if (r.provider, r.model) == key]
        assert by_model[key]["requests"] == len(mine)
        assert by_model[key]["cost"] == pytest.approx(sum(r.cost for r in mine))
        assert by_model[key]["tokens_total"] == sum(r.tokens_in + r.tokens_out for r in mine)
        measured = sorted(r.latency_ms for r in mine if r.latency_ms is not None)
        for p in (50, 95, 99):  # nearest rank
            assert latency[key][f"p{p}_ms"] == measured[math.ceil(p / 100 * len(measured)) - 1], (key, p)
        assert latency[key]["error_rate"] == pytest.approx(sum(not r.success for r in mine) / len(mine))
    days = db.usage.report("day", since="2026-11-10", until="2026-11-12")
    assert [d["period"] for d in days] == ["2026-11-10", "2026-11-11"]
    assert sum(d["requests"] for d in days) == sum(
        1 for r in rows if datetime(2026, 11, 10) <= r.timestamp < datetime(2026, 11, 12)
    )
    months = db.usage.report("month")
    assert sum(m["cost"] for m in months) == pytest.approx(sum(r.cost for r in rows))
    for bad in ({"cost": -1}, {"tokens_in": -5}, {"tokens_out": 1.5}, {"latency_ms": float("nan")}):
        with pytest.raises(codedb.InvalidInput):
            db.usage.record("openai", "big", **bad)  # type: ignore[arg-type]
    with pytest.raises(codedb.InvalidInput, match="unknown grouping"):
        db.usage.report("weekday")


def test_budgets_report_thresholds(db: codedb.Database) -> None:
    now = datetime(2026, 11, 20, 12)
    db.usage.record("openai", "big", cost=40, timestamp=now)
    db.usage.record("openai", "big", cost=45, timestamp=now - timedelta(days=1))
    db.usage.record("openai", "big", cost=1000, timestamp=datetime(2026, 10, 31, 23))  # last month
    month = db.usage.budget(100, "month", at=now)
    assert (month.spent, month.crossed) == (85, (50, 80))
    day = db.usage.budget(40, "day", at=now)
    assert (day.spent, day.percent, day.crossed) == (40, 100.0, (50, 80, 100))
    with pytest.raises(codedb.InvalidInput, match="above 0"):
        db.usage.budget(0)


def test_a_project_exports_and_imports_whole_and_idempotently(db: codedb.Database, tmp_path: Path) -> None:
    pid = db.projects.create("shop", config={"k": "é"}).project_id
    db.projects.move(pid, "start")
    db.generations.add(pid, "spec")
    db.generated_files.save(pid, "a/b.txt", "hello")
    db.clarifications.start(pid, "idea", ["q?"])
    db.usage.record("openai", "gpt", project_id=pid, cost=0.5)
    db.analyses.add(pid, 50)
    doc = json.loads(json.dumps(db.projects.export(pid)))
    assert {k: len(v) for k, v in doc.items() if isinstance(v, list)} == {
        "workflow_events": 2,
        "code_generations": 1,
        "generated_files": 1,
        "clarification_sessions": 1,
        "ai_provider_usage": 1,
        "project_analyses": 1,
    }
    other = tmp_path / "other.sqlite"
    with codedb.connect(other) as target:
        codedb.migrate(target)
        added = target.projects.import_document(doc)
        assert added["projects"] == 1 and added["workflow_events"] == 2
        assert set(target.projects.import_document(doc).values()) == {0}  # twice adds nothing
        assert target.projects.export(pid) == doc
        bad = {**doc, "code_generations": [{**doc["code_generations"][0], "project_id": "another"}]}
        before = snapshot(target)
        with pytest.raises(codedb.InvalidInput, match="belongs to another project"):
            target.projects.import_document(bad)
        with pytest.raises(codedb.InvalidInput, match="not a codedb project export"):
            target.projects.import_document({"format": "nope"})
        assert snapshot(target) == before


def test_json_columns_are_jsonb_or_checked_text(db: codedb.Database) -> None:
    pid = db.projects.create("shop", config={"a": 1}).project_id
    if db.dialect == "postgresql":
        kind = db.conn.execute("SELECT jsonb_typeof(config) FROM projects").fetchone()[0]
        assert kind == "object"
        return
    with pytest.raises(Exception, match="CHECK constraint failed"), db.transaction():
        db.conn.execute("UPDATE projects SET config = 'not json' WHERE project_id = ?", (pid,))
    assert db.projects.get(pid).config == {"a": 1}


def test_the_projects_cli(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    cli.ok("users", "add", "--username=ada")
    pid = cli.ok(
        "projects", "create", "--name=shop", "--user=ada", "--type=web", '--config={"lang": "py"}'
    ).strip()
    assert cli.ok("projects", "start", "shop") == "shop is in_progress\n"
    before = db_snapshot(cli.target)
    for args, message in (
        (("projects", "resume", "shop"), "it cannot resume; allowed: execute, pause, complete, fail"),
        (("projects", "show", "nope"), "project nope not found"),
        (("projects", "create", "--name=x", "--config={bad"), "--config is not valid JSON"),
        (("projects", "create", "--name=x", "--cost-estimate=-1"), "cost_estimate must be 0 or more"),
        (("projects", "create", "--name=shop", "--user=ada"), "a project named 'shop'"),
        (("projects", "list", "--after=zzz"), "invalid cursor"),
        (
            ("usage", "record", "--provider=openai", "--model=m", "--tokens-in=-3"),
            "--tokens-in must be 0 or more",
        ),
        (("usage", "record", "--provider=openai", "--model=m", "--cost=nan"), "give a finite number"),
        (("files", "save", "shop", "--path=../x", "--content=x"), "must be relative"),
        (("costs", "--by=weekday"), "unknown grouping"),
    ):
        line = cli.error(*args)
        assert message in line, (args, line)
        assert db_snapshot(cli.target) == before, args
    history = json.loads(cli.ok("projects", "history", pid[:8], "--json"))
    assert [e["action"] for e in history] == ["start", "created"]
    listed = json.loads(cli.ok("projects", "list", "--json", "--limit=1"))
    assert listed["total"] == 1 and listed["projects"][0]["project_id"] == pid
    assert "1 of 1 project\n" in cli.ok("projects", "list")
    assert cli.ok("projects", "list", "--csv").splitlines()[0].startswith("project_id,name,status")
    cli.ok("files", "save", "shop", "--path=src/app.py", "--content=print(1)\n")
    cli.ok(
        "usage",
        "record",
        "--provider=openai",
        "--model=gpt",
        "--project=shop",
        "--cost=2.5",
        "--tokens-in=10",
    )
    shown = json.loads(cli.ok("projects", "show", "shop", "--json"))
    assert (
        shown["actual_cost"] == 2.5 and shown["counts"]["files"] == 1 and shown["counts"]["usage_rows"] == 1
    )
    assert cli("costs", "--budget=2", "--period=day").returncode == 3  # over 100 %: exit 3 for cron
    assert cli("costs", "--budget=100").returncode == 0
    out_dir = tmp_path / "tree"
    cli.ok("projects", "export", "shop", f"--files={out_dir}")
    assert (out_dir / "src" / "app.py").read_text() == "print(1)\n"
    assert "exists already" in cli.error("projects", "export", "shop", f"--files={out_dir}")
    outside = tmp_path / "outside"
    outside.mkdir()
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "src").symlink_to(outside)  # a folder on the way is a link out of DIR
    assert "is a symbolic link" in cli.error("projects", "export", "shop", f"--files={linked}")
    assert list(outside.iterdir()) == []
    exported = tmp_path / "shop.json"
    cli.ok("projects", "export", "shop", f"--file={exported}")
    assert cli.ok("projects", "import", str(exported)) == "imported: nothing new\n"
    save = cli.ok("autosaves", "save", "--file-path=src/app.py", "--content=draft 1").strip()
    restored = tmp_path / "app.py"
    cli.ok("autosaves", "restore", save[:8], f"--to={restored}")
    assert restored.read_text() == "draft 1"
    assert "exists already" in cli.error("autosaves", "restore", save, f"--to={restored}")
    session = cli.ok(
        "clarify", "start", "shop", "--idea=a shop", "--question=Who?", "--question=What?"
    ).strip()
    assert cli.ok("clarify", "answer", session, "--question=1", "--answer=devs") == "answered 1 of 2 (50%)\n"
    cli.ok("clarify", "complete", session)
    assert json.loads(cli.ok("projects", "show", "shop", "--json"))["brief"]["idea"] == "a shop"
    cli.ok("analyses", "add", "shop", "--health=90", "--issues=1")
    assert json.loads(cli.ok("analyses", "latest", "shop", "--json"))["health_score"] == 90


def test_the_daily_rollup_follows_every_change_of_usage(db: codedb.Database) -> None:
    """Reports over whole days read ai_provider_usage_daily, which triggers keep; it must
    equal a GROUP BY over the usage rows after inserts, edits and deletes."""
    rng = random.Random(8)
    pid = db.projects.create("shop").project_id
    for n in range(120):
        db.usage.record(
            rng.choice(["openai", "anthropic"]),
            rng.choice(["big", "small"]),
            project_id=pid if n % 2 else None,
            tokens_in=rng.randrange(100),
            cost=round(rng.uniform(0, 1), 4),
            success=n % 7 != 0,
            timestamp=datetime(2026, 11, 1) + timedelta(hours=5 * n),
        )

    def scanned(by: str) -> list[dict[str, object]]:
        from codedb.domains.projects.usage import GROUPS

        query, columns = GROUPS[by]
        rows = getattr(db.queries.projects, query)(db.conn, since=None, until=None)
        return [
            dict(zip(columns, [float(v) if type(v).__name__ == "Decimal" else v for v in r], strict=True))
            for r in rows
        ]

    def same() -> None:
        for by in ("provider", "day", "month", "provider-day"):
            daily, scan = db.usage.report(by), scanned(by)
            assert [{k: v for k, v in d.items() if k != "cost"} for d in daily] == [
                {k: v for k, v in s.items() if k != "cost"} for s in scan
            ], by
            assert [d["cost"] for d in daily] == pytest.approx([s["cost"] for s in scan]), by
        assert db.usage.total(since="2026-11-03", until="2026-11-05")["requests"] == sum(
            r["requests"] for r in scanned("day") if "2026-11-03" <= str(r["period"]) < "2026-11-05"
        )

    same()
    if db.dialect == "sqlite":  # the whole-day reports read the rollup, not the usage rows
        db.conn.execute("UPDATE ai_provider_usage_daily SET requests = requests + 1000")
        assert db.usage.total()["requests"] == 120 + 1000 * len(scanned("provider-day"))
        assert db.usage.total(since="2026-11-01T01:00:00")["requests"] <= 120  # not whole days: a scan
        db.conn.execute("UPDATE ai_provider_usage_daily SET requests = requests - 1000")
    db.projects.delete(pid)  # the usage stays, without its project: an UPDATE of each row
    same()
    with db.transaction():
        db.tables["ai_provider_usage"].clear(db.conn)
    assert db.usage.report("day") == [] and db.usage.total()["requests"] == 0


def test_a_listing_by_status_walks_the_status_index(tmp_path: Path) -> None:
    """Regression: the optional status filter (":status IS NULL OR status = :status") kept
    SQLite's planner off projects_status_idx, so a page of one status scanned the projects of
    every status in creation order; each query such a listing runs must search that index."""
    with codedb.connect(tmp_path / "plan.sqlite") as db:
        codedb.migrate(db)
        for n in range(12):
            db.projects.create(f"p{n}")
        ran: list[str] = []
        db.conn.set_trace_callback(ran.append)
        for descending in (False, True):
            first = db.projects.list(status="creating", descending=descending, limit=5)
            db.projects.list(status="creating", descending=descending, limit=5, after=first.next_cursor)
        db.conn.set_trace_callback(None)
        selects = [sql for sql in ran if sql.lstrip().upper().startswith("SELECT")]
        pages = [sql for sql in selects if "json_each" not in sql]  # the rows of each page by id
        assert len(pages) == 6 and len(selects) == 10  # 4 pages and 2 totals, 4 reads of the rows
        for sql in pages:
            plan = " ".join(row[3] for row in db.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "projects_status_idx" in plan and "SCAN" not in plan, (sql, plan)


def test_numbers_too_large_for_the_database_are_one_line_errors(
    db: codedb.Database, ready_target: str, tmp_path: Path
) -> None:
    # Regression (found by the soak's hypothesis run): --tokens-in of 400 digits reached the
    # SQLite driver, whose OverflowError came out as a traceback.
    huge = "1" * 400
    cli = CLI(ready_target, tmp_path)
    line = cli.error("usage", "record", "--provider=p", "--model=m", f"--tokens-in={huge}")
    assert line.startswith("Error: ") and "--tokens-in" in line and "too large" in line
    with pytest.raises(codedb.InvalidInput, match="tokens_in .*too large"):
        db.usage.record("p", "m", tokens_in=2**31)  # PostgreSQL's INTEGER ends at 2**31 - 1
    with pytest.raises(codedb.InvalidInput, match="tokens_total .*too large"):
        db.usage.record("p", "m", tokens_in=2**30, tokens_out=2**30)  # each fits, the sum does not
    with pytest.raises(codedb.InvalidInput, match="too large"):  # any number a driver cannot bind
        db.functions.list(offset=2**64)
    assert db.usage.record("p", "m", tokens_in=2**31 - 1).tokens_in == 2**31 - 1
    assert [u.tokens_in for u in db.usage.list()] == [2**31 - 1]  # only the one that fitted


def _while_another_writes(db: codedb.Database, first_write: Any, second_write: Any) -> list[Any]:
    """Run `first_write(first)` in an open transaction of another connection, then
    `second_write(other)` on a third until it waits for a lock, then commit the first: what
    the second returned or raised."""
    import threading
    import time

    found: list[Any] = []
    backend: list[int] = []  # the second's server process, whose lock wait is looked for
    with codedb.connect(db.target) as first:
        with first.transaction():
            first_write(first)

            def second() -> None:
                with codedb.connect(db.target) as other:
                    backend.append(other.conn.info.backend_pid)
                    try:
                        found.append(second_write(other))
                    except BaseException as exc:  # noqa: BLE001 - the test reads it
                        found.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # until the second waits for a lock
                waiting = backend and db.conn.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                    (backend[0],),
                ).fetchone()
                db.conn.rollback()
                if waiting:
                    break
                time.sleep(0.01)
            assert waiting, "the second write never waited for the first"
        thread.join(10)
    return found


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_move_that_races_another_is_a_conflict_not_a_second_move(db: codedb.Database) -> None:
    """Two moves of one project at once on PostgreSQL: the second read the status before the
    first committed and then wrote over it (paused -> completed, which no action allows,
    with both events). It must wait for the first, see that the project moved and refuse,
    naming the status it found."""

    pid = db.projects.create("raced").project_id
    db.projects.move(pid, "start")
    found = _while_another_writes(
        db,
        lambda first: first.projects.move(pid, "pause"),
        lambda other: other.projects.move(pid, "complete").status,
    )
    assert len(found) == 1 and isinstance(found[0], codedb.Conflict), found
    assert "project raced is paused: it cannot complete" in str(found[0])
    assert db.projects.get(pid).status == "paused"
    assert [e.action for e in db.projects.history(pid)] == ["pause", "start", "created"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_writes_that_read_a_record_first_wait_for_each_other(db: codedb.Database) -> None:
    """A report appends to a project's logs, an update writes every editable field back: each
    read the record, and a second one running beside them wrote over the first's change on
    PostgreSQL (a log line lost, a field put back). They wait for each other instead."""
    pid = db.projects.create("logged").project_id
    found = _while_another_writes(
        db,
        lambda first: first.projects.report(pid, log="first"),
        lambda other: [entry["log"] for entry in other.projects.report(pid, log="second").logs],
    )
    assert found == [["first", "second"]]
    found = _while_another_writes(
        db,
        lambda first: first.projects.update(pid, description="by the first"),
        lambda other: other.projects.update(pid, progress=50).description,
    )
    assert found == ["by the first"]
    made = db.generations.add(pid, "a page").generation_id
    found = _while_another_writes(
        db,
        lambda first: first.generations.update(made, language="python"),
        lambda other: other.generations.update(made, tokens_used=5).language,
    )
    assert found == ["python"]
    user = db.users.add("ada").user_id
    found = _while_another_writes(
        db,
        lambda first: first.users.update(user, full_name="Ada Lovelace"),
        lambda other: other.users.update(user, email="ada@example.com").full_name,
    )
    assert found == ["Ada Lovelace"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_dependencies_and_template_versions_added_at_once_stay_whole(db: codedb.Database) -> None:
    """Two dependency adds at once (A -> B, B -> A) each found no path and closed a cycle; two
    publishes of one new template at once both made it (a unique violation for the second)."""
    a = db.functions.add("a", code="pass").function_id
    b = db.functions.add("b", code="pass").function_id
    found = _while_another_writes(
        db, lambda first: first.dependencies.add(a, b), lambda other: other.dependencies.add(b, a)
    )
    assert len(found) == 1 and isinstance(found[0], codedb.Conflict), found
    assert "would close the cycle" in str(found[0])
    assert db.dependencies.list(b) == []
    found = _while_another_writes(
        db,
        lambda first: first.templates.publish("app", "v1"),
        lambda other: other.templates.publish("app", "v2").version,
    )
    assert found == [2]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_file_saved_twice_at_once_counts_its_lines_once(db: codedb.Database) -> None:
    """Two saves of one generated file at once each took the line difference from the file
    they had read, and the project's count kept both (1 + 2 + 4 lines for a file of 5)."""
    pid = db.projects.create("files").project_id
    db.generated_files.save(pid, "app.py", "one\n")
    found = _while_another_writes(
        db,
        lambda first: first.generated_files.save(pid, "app.py", "a\nb\nc\n"),
        lambda other: other.generated_files.save(pid, "app.py", "1\n2\n3\n4\n5\n").lines,
    )
    assert found == [5]
    project = db.projects.get(pid)
    assert (project.files_generated, project.lines_of_code) == (1, 5)
