"""PygubuAI's calls (docs/moving.md, PygubuAI) over codedb, run as its code and its tests run them:
init_db with a path, a session per test, the calls with the session first; on both backends.
Its database, its registry and these calls meet on one project per name."""

import json
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import codedb
from codedb.compat import pygubu
from conftest import CLI, db_snapshot

sys.path.insert(0, str(Path(__file__).parents[1] / "legacy"))
from sources import pygubu_db  # noqa: E402


@pytest.fixture
def session(ready_target: str) -> Iterator[pygubu.Session]:
    pygubu.init_db(ready_target)
    opened = pygubu.get_session()
    try:
        yield opened
    finally:
        opened.close()
        pygubu.close_db()


def test_projects_and_their_events(session: pygubu.Session) -> None:
    calc = pygubu.create_project(session, "calculator", "/home/ada/calc", "a calculator")
    pygubu.create_project(session, "editor", Path("/home/ada/editor"))  # type: ignore[arg-type]
    assert (calc.id, calc.name, calc.path, calc.description) == (
        1,
        "calculator",
        "/home/ada/calc",
        "a calculator",
    )
    assert calc.created_at is not None and calc.created_at.tzinfo is None  # naive UTC, as its models
    assert abs(calc.created_at - datetime.utcnow()) < timedelta(minutes=1)
    assert pygubu.get_project(session, "calculator") == calc
    assert pygubu.get_project(session, "nothing") is None
    assert [p.name for p in pygubu.list_projects(session)] == ["editor", "calculator"]

    assert pygubu.update_project(session, "calculator", description="sums", meta_data={"ui": "tk"}) is True
    assert [p.name for p in pygubu.list_projects(session)] == ["calculator", "editor"]  # newest updated
    changed = pygubu.get_project(session, "calculator")
    assert changed is not None and (changed.description, changed.meta_data) == ("sums", {"ui": "tk"})
    assert pygubu.update_project(session, "nothing", description="x") is False

    assert pygubu.add_workflow_event(session, "calculator", "ui_edited", "added a button") is True
    assert pygubu.add_workflow_event(session, "calculator", "saved") is True
    assert pygubu.add_workflow_event(session, "nothing", "saved") is False
    events = pygubu.get_workflow_events(session, "calculator")
    assert [(e.action, e.description) for e in events][:2] == [("saved", ""), ("ui_edited", "added a button")]
    assert {e.project_id for e in events} == {calc.id}
    assert len(pygubu.get_workflow_events(session, "calculator", limit=1)) == 1
    assert pygubu.get_workflow_events(session, "nothing") == []

    assert pygubu.record_analytics(session, "build_time", 1.5, "calculator", {"ok": True}) is True
    assert pygubu.record_analytics(session, "opened", 1) is True
    assert pygubu.record_analytics(session, "build_time", 2.0, "nothing") is False

    db = session.database
    held = db.projects.named("calculator")[0]
    assert held.project_type == "pygubu" and held.user_id is None and held.status == "in_progress"
    assert pygubu.delete_project(session, "calculator") is True
    assert pygubu.delete_project(session, "calculator") is False
    assert db.projects.find(held.project_id) is None
    assert db.analytics.measurements(metric_name="build_time") == []
    assert len(db.analytics.measurements(metric_name="opened")) == 1
    assert [p.name for p in pygubu.list_projects(session)] == ["editor"]


def test_templates(session: pygubu.Session) -> None:
    made = pygubu.create_template(session, "login form", "<ui/>", description="a login form", author="ana",
                                  version="2.1.0", meta_data={"widgets": 4})  # fmt: skip
    pygubu.create_template(session, "settings", "<ui>s</ui>", description="preferences dialog")
    assert (made.id, made.name, made.version, made.author, made.content) == (
        1,
        "login form",
        "2.1.0",
        "ana",
        "<ui/>",
    )
    assert (made.downloads, made.rating, made.meta_data) == (0, 0.0, {"widgets": 4})
    assert [t.name for t in pygubu.search_templates(session, "form")] == ["login form"]
    assert [t.name for t in pygubu.search_templates(session, "dialog")] == ["settings"]
    assert pygubu.search_templates(session, "nothing like it") == []
    assert pygubu.search_templates(session, "settings")[0].version == "1.0.0"  # its default


def test_bad_calls_are_refused_in_one_line_and_change_nothing(session: pygubu.Session) -> None:
    pygubu.create_project(session, "calculator", "/home/ada/calc")
    pygubu.create_template(session, "login", "<ui/>")
    before = db_snapshot(session.database.target.raw)
    cases = [
        (lambda: pygubu.create_project(session, "calculator", "/elsewhere"), "exists already"),
        (lambda: pygubu.create_project(session, "new", ""), "a project needs its folder's path"),
        (lambda: pygubu.create_project(session, "", "/x"), "name"),
        (lambda: pygubu.update_project(session, "calculator", colour="red"), "cannot update colour"),
        (lambda: pygubu.update_project(session, "calculator", meta_data="[1"), "meta"),
        (lambda: pygubu.get_project(session, 42), "a project name is text"),  # type: ignore[arg-type]
        (lambda: pygubu.create_template(session, "login", "<ui/>"), "exists already"),
        (lambda: pygubu.create_template(session, "x", "<ui/>", stars=5), "a template has no field stars"),
        (lambda: pygubu.record_analytics(session, "t", float("inf")), "finite number"),
        (lambda: pygubu.add_workflow_event(session, "calculator", " "), "empty action"),
    ]
    for call, message in cases:
        with pytest.raises(codedb.CodedbError) as caught:
            call()
        assert message in str(caught.value) and "\n" not in str(caught.value), str(caught.value)
    assert db_snapshot(session.database.target.raw) == before
    session.close()
    with pytest.raises(codedb.CodedbError, match="this session is closed; open another"):
        pygubu.list_projects(session)


def test_its_database_its_registry_and_its_calls_meet_on_one_project(
    session: pygubu.Session, ready_target: str, tmp_path: Path
) -> None:
    lib = CLI(ready_target, tmp_path)
    lib.ok("import-legacy", str(pygubu_db(tmp_path / "pygubuai.db", 3)))
    registry = tmp_path / ".pygubu-registry.json"
    registry.write_text(json.dumps({"version": "1.0", "projects": {"gui2": {"path": "/home/u/gui2"}}}))
    lib.ok("import-legacy", str(registry))
    assert [p.name for p in pygubu.list_projects(session)].count("gui2") == 1
    gui2 = pygubu.get_project(session, "gui2")
    assert (
        gui2 is not None and gui2.id == 4 and gui2.meta_data == {"unparsed": "oops"}
    )  # its id; not JSON: kept
    events = pygubu.get_workflow_events(session, "gui2")
    assert [e.description for e in events if e.action == "edit"] == ["changed 2", "changed 1", "changed 0"]
    assert sorted(e.id for e in events if e.action == "edit") == [20, 21, 22]  # the tool's ids
    tpl = pygubu.search_templates(session, "tpl2")[0]
    assert (tpl.id, tpl.version, tpl.downloads, tpl.rating) == (2, "1.2.0", 20, 4.5)
    # A new project after the move takes the next of the tool's numbers.
    assert pygubu.create_project(session, "gui9", "/home/u/gui9").id == 7
    assert pygubu.delete_project(session, "gui2") is True


def test_init_db_takes_a_path_and_sessions_share_it(tmp_path: Path) -> None:
    pygubu.init_db(tmp_path / "test.db")  # a pathlib.Path, as its tests give
    try:
        first, second = pygubu.get_session(), pygubu.get_session()
        pygubu.create_project(first, "one", "/p/one")
        assert pygubu.get_project(second, "one") is not None
        first.close()
        assert pygubu.get_project(second, "one") is not None  # closing a session keeps the database
    finally:
        pygubu.close_db()
    with codedb.connect(str(tmp_path / "test.db")) as db:
        assert [p.name for p in db.projects.named("one")] == ["one"]
    pygubu.close_db()  # twice is harmless
