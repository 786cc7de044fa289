"""codeobit's calls (docs/moving.md, codeobit) over codedb, run as its code runs them: the manager
from get_database_manager(), its record calls and its models; on both backends. Records
imported from codeobit keep their integer ids."""

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import codedb
from codedb.compat import codeobit
from codedb.compat.codeobit import AutoSave, CodeGeneration, MigrationManager, Project, ProjectAnalysis, User
from conftest import CLI, db_snapshot

sys.path.insert(0, str(Path(__file__).parents[1] / "legacy"))
from sources import codeobit_db  # noqa: E402

STATS = {
    "users_count",
    "projects_count",
    "code_generations_count",
    "auto_saves_count",
    "project_analysis_count",
}


@pytest.fixture
def manager(ready_target: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[codeobit.DatabaseManager]:
    """codeobit's process-wide manager, on the database under test (named by $CODEDB_URL as a
    user would); closed and forgotten afterwards."""
    monkeypatch.setenv("CODEDB_URL", ready_target)
    monkeypatch.setattr(codeobit, "_manager", None)
    found = codeobit.get_database_manager()
    try:
        yield found
    finally:
        found.close()


def test_models_as_codeobit_scripts_use_them(manager: codeobit.DatabaseManager) -> None:
    assert codeobit.get_database_manager() is manager  # one per process
    ada = User(username="ada", email="ada@example.com", preferences='{"theme": "dark"}')
    uid = ada.save()
    bob = User(username="bob", email="bob@example.com").save()
    assert (uid, bob) == (1, 2) and ada.id == 1
    assert isinstance(ada.created_at, str) and ada.created_at.startswith("20")
    found = User.find_by_username("ada")
    assert (
        found is not None
        and found.email == "ada@example.com"
        and found.get_preferences() == {"theme": "dark"}
    )
    assert User.find_by_email("bob@example.com").username == "bob"  # type: ignore[union-attr]
    assert User.find_by_username("nobody") is None

    shop = Project(
        name="shop", description="a shop", project_type="web", user_id=uid, config='{"lang": "py"}'
    )
    pid = shop.save()
    Project(name="blog", user_id=uid, status="completed").save()
    Project(name="shop", user_id=bob).save()  # names are not unique across users
    assert [p.name for p in Project.find_by_user(uid)] == ["shop", "blog"]
    assert {p.user_id for p in Project.find_by_name("shop")} == {uid, bob}
    got = Project.find_by_id(pid)
    assert got.status == "active" and got.get_config() == {"lang": "py"}
    assert got.get_user().username == "ada"
    assert Project.find_all({"status": "completed"})[0].name == "blog"

    gen = CodeGeneration(project_id=pid, specification="a cart", language="python", generated_code="x = 1")
    gen_id = gen.save()
    CodeGeneration(project_id=pid, specification="a page", language="html", tokens_used=40).save()
    assert [g.specification for g in CodeGeneration.find_by_project(pid)] == ["a cart", "a page"]
    assert [g.id for g in CodeGeneration.find_by_language("python")] == [gen_id]
    assert CodeGeneration.find_by_id(gen_id).status == "completed"

    save = AutoSave(save_id="s-1", file_path="src/app.py", content="print(1)", save_type="manual")
    save.set_metadata({"editor": "vim"})
    save.save()
    assert AutoSave.find_by_save_id("s-1").get_metadata() == {"editor": "vim"}
    assert [a.save_id for a in AutoSave.find_by_type("manual")] == ["s-1"]

    analysis = ProjectAnalysis(project_id=pid, health_score=87.5, issues_count=3, warnings_count=1)
    analysis.set_analysis_data({"lint": ["E501"]})
    analysis.save()
    assert ProjectAnalysis.find_by_project(pid)[0].get_analysis_data() == {"lint": ["E501"]}

    stats = manager.get_stats()
    assert {k: stats[k] for k in STATS} == {
        "users_count": 2, "projects_count": 3, "code_generations_count": 2, "auto_saves_count": 1,
        "project_analysis_count": 1,
    }  # fmt: skip
    assert stats["is_connected"] is True and stats["db_type"] == manager.db.dialect
    assert "password" not in stats["connection_string"]


def test_save_with_an_id_updates_and_delete_says_whether_it_deleted(
    manager: codeobit.DatabaseManager,
) -> None:
    uid = User(username="ada", email="ada@example.com").save()
    shop = Project(name="shop", user_id=uid)
    pid = shop.save()
    shop.description, shop.status = "now with a cart", "paused"
    assert shop.save() == pid
    again = Project.find_by_id(pid)
    assert (again.description, again.status) == ("now with a cart", "paused")
    held = manager.db.projects.get(manager.internal("projects", pid) or "")
    assert held.status == "paused"  # by codedb's lifecycle: started, changed, then paused
    assert [e.action for e in manager.db.projects.history(held.project_id)] == [
        "pause", "updated", "start", "created"
    ]  # fmt: skip

    assert manager.update_record("projects", pid, {"description": "now with a cart"}) is False  # no change
    assert manager.update_record("projects", pid, {"description": "new"}) is True
    assert manager.update_record("projects", 999, {"description": "x"}) is False
    assert shop.delete() is True and shop.delete() is False
    assert Project.find_by_id(pid) is None
    assert manager.delete_record("users", uid) is True and manager.delete_record("users", uid) is False
    assert manager.delete_record("users", "not a number") is False


def test_the_api_key_a_script_sets_is_stored_hashed(manager: codeobit.DatabaseManager) -> None:
    ada = User(username="ada", email="ada@example.com", api_key="sk-very-secret-1")
    uid = ada.save()
    assert User.find_by_id(uid).api_key is None  # never read back (the object keeps what was set)
    user_id = manager.internal("users", uid) or ""
    assert manager.db.users.verify_key(user_id, "sk-very-secret-1")
    assert not manager.db.users.verify_key(user_id, "sk-other")
    assert "sk-very-secret-1" not in repr(db_snapshot(manager.db.target.raw))


def test_bad_calls_are_refused_in_one_line_and_change_nothing(manager: codeobit.DatabaseManager) -> None:
    uid = User(username="ada", email="ada@example.com").save()
    before = db_snapshot(manager.db.target.raw)
    cases = [
        (lambda: manager.insert_record("passwords", {}), "unknown table 'passwords'; codeobit's tables are"),
        (lambda: manager.find_records("users", {"colour": "red"}), "users has no column colour"),
        (lambda: manager.insert_record("users", {"username": "bob"}), "users.email may not be empty"),
        (lambda: Project(name="shop", user_id=77).save(), "user 77 not found"),
        (lambda: Project(name="shop", user_id=uid, config="{oops").save(), "config is not JSON"),
        (lambda: Project(name="shop", user_id=uid, status="sleeping").save(), "unknown status 'sleeping'"),
        (lambda: CodeGeneration(project_id=5, specification="x").save(), "project 5 not found"),
        (lambda: User(username="ada", email="ada2@example.com").save(), "ada"),
        (lambda: Project(nom="shop"), "Project has no field 'nom'"),
    ]
    for call, message in cases:
        with pytest.raises((codedb.CodedbError, TypeError)) as caught:
            call()
        assert message in str(caught.value) and "\n" not in str(caught.value), str(caught.value)
    assert db_snapshot(manager.db.target.raw) == before


def test_imported_records_keep_their_codeobit_ids(
    manager: codeobit.DatabaseManager, ready_target: str, tmp_path: Path
) -> None:
    CLI(ready_target, tmp_path).ok("import-legacy", str(codeobit_db(tmp_path / "codeobit.db", 5)))
    # The source's users 1, 2, 4, 5 (3 was deleted), two projects each (100 n, 100 n + 1).
    assert User.find_by_id(2).username == "üser2" and User.find_by_id(3) is None
    assert [p.id for p in Project.find_by_user(4)] == [400, 401]
    assert Project.find_by_id(501).get_user().id == 5
    assert [g.project_id for g in CodeGeneration.find_by_project(100)] == [100]
    assert User.find_by_id(1).get_preferences() == {"unparsed": "theme=dark"}
    # New records continue after the largest imported id, as codeobit's AUTOINCREMENT did.
    assert User(username="new", email="new@example.com").save() == 6
    assert Project(name="next", user_id=6).save() == 502
    assert manager.get_stats()["users_count"] == 5


def test_migration_status_reads_codedb_migrations(manager: codeobit.DatabaseManager) -> None:
    state = MigrationManager(manager).status()
    assert state["pending_count"] == 0 and state["pending_migrations"] == []
    assert state["applied_count"] == state["total_migrations"] == len(state["applied_migrations"]) > 20
    assert state["applied_migrations"][0] == "0001.function-library"


def test_the_default_database_is_made_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CODEDB_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(codeobit, "_manager", None)
    made = codeobit.get_database_manager()
    try:
        assert User(username="ada", email="ada@example.com").save() == 1
    finally:
        made.close()
    assert (tmp_path / "code_db.sqlite").is_file()
    with codedb.connect(str(tmp_path / "code_db.sqlite")) as db:
        assert db.users.find("ada") is not None


def test_codeobits_command_spellings(ready_target: str, tmp_path: Path) -> None:
    from sources import codeobit_json

    lib = CLI(ready_target, tmp_path)
    lib.ok("users", "add", "--username=ada")
    out = lib.ok("backup", "--output=copy.json", "--format=json")
    assert "backed up to" in out and (tmp_path / "copy.json").is_file()
    lib.ok("backup", "-o", "copy2.json", "--format=json")
    assert (tmp_path / "copy2.json").read_bytes()[:1] == b"{"
    assert "DEST and --output cannot be given together" in lib.error(
        "backup", "copy.json", "--output=o.json", code=2
    )
    # codeobit's versions were three digits: 001 is codedb's 0001.
    assert lib.ok("rollback", "--target=001", "--dry-run").rstrip().endswith(", 0002.function-summary-view")
    assert lib.ok("rollback", "--to=20", "--dry-run").endswith(", 0021.tool-records\n")
    assert "unknown revision '099'" in lib.error("rollback", "--target=099", "--dry-run")
    assert "restored" in lib.ok("restore", "copy.json", "--format=json", "--force")
    line = lib.error("restore", "copy.json", "--format=sql", "--force")
    assert "copy.json is a JSON dump, not a SQLite file (--format=sql)" in line
    # codeobit's own backups are not codedb's: restore says where they go.
    codeobit = codeobit_db(tmp_path / "codeobit.db", 2)
    for source in (codeobit, codeobit_json(codeobit, tmp_path / "codeobit_backup_20240301_100000.json")):
        line = lib.error("restore", str(source), "--force")
        assert f"{source} is a codeobit " in line and f"codedb import-legacy {source}" in line, line
    assert [u["username"] for u in json.loads(lib.ok("users", "list", "--json"))] == ["ada"]  # restored
