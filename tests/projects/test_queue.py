"""The generation queue (execute, claim, complete, fail, leases), YAGO's project reports,
cost alerts with their dismissals, and clarification sessions answered in turn, on both
backends."""

import threading
from datetime import timedelta

import pytest

import codedb
from codedb.core.convert import now


def _executing(db: codedb.Database, name: str = "shop", **fields: object) -> str:
    project = db.projects.create(name, "an online shop", **fields)  # type: ignore[arg-type]
    db.generations.queue(project.project_id)
    return project.project_id


def test_execute_moves_the_project_and_queues_one_generation(db: codedb.Database) -> None:
    pid = db.projects.create("shop", "", brief={"project_idea": "sell books"}).project_id
    generation = db.generations.queue(pid)
    assert (generation.status, generation.specification) == ("pending", "sell books")
    assert db.projects.get(pid).status == "executing"
    assert [e.action for e in db.projects.history(pid)][:2] == ["execute", "start"]
    assert [g.generation_id for g in db.generations.queued()] == [generation.generation_id]


def test_several_workers_claim_each_generation_exactly_once(db: codedb.Database) -> None:
    pids = [_executing(db, f"p{n}") for n in range(4)]
    for pid in pids:
        for n in range(5):
            db.generations.add(pid, f"part {n}")
    expected = {g.generation_id for pid in pids for g in db.generations.list(pid)}
    done: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(worker: str) -> None:
        try:
            with codedb.connect(db.target) as own:
                while (claimed := own.generations.claim(worker)) is not None:
                    own.generations.complete(claimed.generation_id, worker, generated_code="ok", cost=0.01)
                    with lock:
                        done.append((claimed.generation_id, worker))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    ids = [generation_id for generation_id, _ in done]
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids)) == 24
    assert all(g.attempts == 1 and g.status == "completed" for pid in pids for g in db.generations.list(pid))
    for pid in pids:  # each project completed once its last generation did
        project = db.projects.get(pid)
        assert project.status == "completed" and project.actual_cost == pytest.approx(0.06)


def test_a_claim_not_finished_in_its_lease_goes_back_to_the_queue(db: codedb.Database) -> None:
    pid = _executing(db)
    first = db.generations.claim("slow", lease=1)
    assert first is not None and first.claimed_by == "slow" and db.generations.claim("other") is None
    # The lease runs out: move it into the past rather than sleep.
    db.conn.execute(
        "UPDATE code_generations SET lease_until = ?"
        if db.dialect == "sqlite"
        else "UPDATE code_generations SET lease_until = %s",
        (codedb.core.convert.db_time(now() - timedelta(seconds=5)),),
    )
    again = db.generations.claim("other")
    assert again is not None and again.generation_id == first.generation_id
    assert (again.claimed_by, again.attempts) == ("other", 2)
    with pytest.raises(codedb.Conflict, match="not held by slow .held by other."):
        db.generations.complete(first.generation_id, "slow")
    done = db.generations.complete(first.generation_id, "other", tokens_used=10)
    assert (done.status, done.tokens_used, done.lease_until) == ("completed", 10, None)
    assert db.projects.get(pid).status == "completed"


def test_a_failed_generation_fails_its_project_with_the_reason(db: codedb.Database) -> None:
    pid = _executing(db)
    claimed = db.generations.claim("w")
    assert claimed is not None
    failed = db.generations.fail(claimed.generation_id, "w", "the model timed out", cost=0.5)
    assert (failed.status, failed.error, failed.cost) == ("failed", "the model timed out", 0.5)
    project = db.projects.get(pid)
    assert (project.status, project.error_message, project.actual_cost) == (
        "failed",
        "the model timed out",
        0.5,
    )
    with pytest.raises(codedb.Conflict):
        db.generations.fail(claimed.generation_id, "w", "again")


@pytest.mark.parametrize("lease", [0, -1, 10**9, "x", True])
def test_bad_leases_and_workers_are_refused(db: codedb.Database, lease: object) -> None:
    _executing(db)
    with pytest.raises(codedb.InvalidInput):
        db.generations.claim("w", lease=lease)  # type: ignore[arg-type]
    with pytest.raises(codedb.InvalidInput):
        db.generations.claim("  ")
    assert db.generations.queued()[0].status == "pending"


def test_a_report_sets_results_and_appends_errors_and_logs(db: codedb.Database) -> None:
    pid = db.projects.create("shop", "").project_id
    project = db.projects.report(pid, status="in_progress", progress=40, log="started", actual_cost=1.5)
    assert (project.status, project.progress, project.actual_cost) == ("in_progress", 40.0, 1.5)
    assert project.started_at is not None
    project = db.projects.report(pid, error="disk full", files_generated=3, lines_of_code=90)
    assert [e["error"] for e in project.errors] == ["disk full"] and project.errors[0]["timestamp"]
    assert [entry["log"] for entry in project.logs] == ["started"]
    assert (project.files_generated, project.lines_of_code, project.actual_cost) == (3, 90, 1.5)
    before = db.projects.get(pid)
    with pytest.raises(codedb.InvalidInput, match="progress"):
        db.projects.report(pid, progress=101, log="not kept")
    with pytest.raises(codedb.Conflict):
        db.projects.report(pid, status="creating", log="not kept")
    assert db.projects.get(pid) == before


def test_cost_alerts_follow_yago_rules_and_stay_dismissed(db: codedb.Database) -> None:
    over = db.projects.create("over", "", cost_estimate=10).project_id
    db.projects.create("fine", "", cost_estimate=10)
    db.projects.report(over, actual_cost=12.01)
    alerts = db.usage.alerts()
    assert [(a.alert_id, a.severity) for a in alerts] == [(f"budget_exceeded-{over}", "high")]
    assert (alerts[0].actual_cost, alerts[0].estimated_cost, alerts[0].project_name) == (12.01, 10.0, "over")
    db.projects.report(over, actual_cost=60)
    kinds = {a.type: a for a in db.usage.alerts()}
    assert kinds["weekly_limit_warning"].total_cost == 60.0 and kinds["weekly_limit_warning"].limit == 100.0
    first = db.usage.dismiss_alert(f"budget_exceeded-{over}", by="ann")
    assert db.usage.dismiss_alert(f"budget_exceeded-{over}") == first  # kept, not replaced
    assert [a.type for a in db.usage.alerts()] == ["weekly_limit_warning"]
    assert len(db.usage.alerts(dismissed=True)) == 2
    db.usage.record("openai", "gpt", tokens_in=1, tokens_out=1, cost=9.0)
    budget = [a for a in db.usage.alerts(budgets=[(10, "month")]) if a.type == "budget"]
    assert [(a.severity, a.total_cost) for a in budget] == [("medium", 9.0)]
    for bad in ("", "x" * 201, "\ud800"):
        with pytest.raises(codedb.InvalidInput):
            db.usage.dismiss_alert(bad)


def test_a_session_without_a_project_is_answered_in_turn(db: codedb.Database) -> None:
    session = db.clarifications.start(None, "a shop", ["Who?", "What?", "Where?"], depth="minimal")
    assert (session.project_id, session.current_question) == (None, 0)
    session = db.clarifications.answer_current(session.session_id, "students")
    session = db.clarifications.answer_current(session.session_id, None)  # skipped
    assert (session.current_question, session.progress) == (2, pytest.approx(66.67))
    assert session.answers == {"1": "students", "2": None}
    done = db.clarifications.complete(session.session_id)
    assert done.completed and done.completed_at is not None
    assert db.clarifications.brief(done)["answers"][2] == {"question": "Where?", "answer": None}
    with pytest.raises(codedb.Conflict):
        db.clarifications.answer_current(session.session_id, "late")
