"""Every tool moves in (issue #23): codeobit's database and backups, DuilioCode's database,
PygubuAI's database and YAGO's database (SQLite and PostgreSQL) import into either backend,
by content; every row comes over or is named; a second import adds nothing; a larger snapshot
adds the difference; the source is never changed; a killed import leaves nothing."""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import codedb
from conftest import CLI, ROOT, db_snapshot, snapshot

sys.path.insert(0, str(Path(__file__).parent))
from sources import (  # noqa: E402
    BIG,
    codeobit_counts,
    codeobit_db,
    codeobit_json,
    duilio_counts,
    duilio_db,
    pygubu_counts,
    pygubu_db,
    yago_counts,
    yago_postgres,
    yago_sqlite,
)

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

TOOLS: dict[str, tuple[Callable[[Path, int], Path], Callable[[int], dict[str, int]], str]] = {
    "codeobit": (codeobit_db, codeobit_counts, "codeobit database"),
    "duilio": (duilio_db, duilio_counts, "DuilioCode database"),
    "pygubu": (pygubu_db, pygubu_counts, "PygubuAI database"),
    "yago": (yago_sqlite, yago_counts, "YAGO database"),
}
# What each source table becomes in codedb (the rows a test counts there).
INTO = {
    "codeobit": {"users": "users", "projects": "projects", "code_generations": "code_generations",
                 "auto_saves": "autosaves", "project_analysis": "project_analyses"},
    "duilio": {"user_preferences": "user_preferences", "conversation_history": "conversation_history",
               "system_metrics": "system_metrics"},
    "pygubu": {"projects": "projects", "templates": "templates", "workflow_events": "workflow_events",
               "analytics": "analytics"},
    "yago": {"users": "users", "projects": "projects", "clarification_sessions": "clarification_sessions",
             "generated_files": "generated_files", "ai_provider_usage": "ai_provider_usage",
             "templates": "templates"},
}  # fmt: skip
LEFT_OUT = {"codeobit": {"migrations"}, "yago": {"error_logs", "alembic_version"}}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(target: str) -> dict[str, int]:
    with codedb.connect(target) as db:
        return db.row_counts()


@pytest.fixture
def lib(ready_target: str, tmp_path: Path) -> CLI:
    return CLI(ready_target, tmp_path)


@pytest.mark.parametrize("tool", list(TOOLS))
def test_each_tool_imports_whole_once_and_its_larger_snapshot_adds_the_difference(
    lib: CLI, tmp_path: Path, tool: str
) -> None:
    build, counts, label = TOOLS[tool]
    source = build(tmp_path / f"{tool}-3.db", 3)
    before = digest(source)
    out = lib.ok("import-legacy", str(source))
    assert out.splitlines()[0] == f"{source}: {label}"
    expected = counts(3)
    summary = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    for table, count in expected.items():
        assert f"read {count:,}," in summary[table], (table, summary)
    held = rows(lib.target)
    for table, into in INTO[tool].items():
        assert held[into] == expected[table], (table, into, held)
        assert f"imported {expected[table]:,}," in summary[table], summary[table]
    for table in LEFT_OUT.get(tool, ()):
        assert f"left out {expected[table]:,}" in summary[table]
        assert f"skipped: {table} ({expected[table]} rows): " in out
    assert digest(source) == before  # read-only: not a byte changed
    # The same file again: nothing new, every row found there already.
    snapshot = db_snapshot(lib.target)
    again = lib.ok("import-legacy", str(source))
    assert "imported: nothing new" in again, again
    assert "holds another row" not in again, again
    assert db_snapshot(lib.target) == snapshot
    # A later, larger snapshot of the same tool: only the difference comes over.
    larger = build(tmp_path / f"{tool}-5.db", 5)
    lib.ok("import-legacy", str(larger))
    held = rows(lib.target)
    for table, into in INTO[tool].items():
        assert held[into] == counts(5)[table], (table, held)
    assert "holds another row" not in lib.ok("import-legacy", str(source))


KILLED = "codedb-killed-import"  # the application name of the import killed below


def _kill_once_it_writes(proc: subprocess.Popen[bytes], target: str) -> bool:
    """SIGKILL `proc` as soon as it writes to `target` (SQLite: it holds the write lock;
    PostgreSQL: a backend of its application name holds a row-writing lock). True if it was
    caught writing, False if it ended first."""
    import sqlite3

    import psycopg

    def writing() -> bool:
        if target.startswith("postgresql"):
            with psycopg.connect(target, autocommit=True) as conn:
                found = conn.execute(
                    "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                    "WHERE a.application_name = %s AND l.mode = 'RowExclusiveLock'",
                    (KILLED,),
                ).fetchone()
                return found is not None
        probe = sqlite3.connect(target, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # "database is locked": a writer is inside
            return True
        finally:
            probe.close()

    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if writing():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    proc.wait()
    return False


@pytest.mark.parametrize("tool", list(TOOLS))
def test_a_dry_run_and_a_killed_import_change_nothing(lib: CLI, tmp_path: Path, tool: str) -> None:
    build, _, _ = TOOLS[tool]
    source = build(tmp_path / f"{tool}.db", 8)
    before = db_snapshot(lib.target)
    assert "would import:" in lib.ok("import-legacy", str(source), "--dry-run")
    assert db_snapshot(lib.target) == before
    proc = subprocess.Popen(
        [sys.executable, "-m", "codedb", f"--db={lib.target}", "import-legacy", str(source)],
        env={**ENV, "PGAPPNAME": KILLED}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    caught = _kill_once_it_writes(proc, lib.target)
    after = db_snapshot(lib.target)
    assert caught or after != before  # not caught writing: then it ran to its commit
    if after != before:  # the kill came after its commit (it can, between the look and the kill)
        lib.ok("import-legacy", str(source))  # then all of it is there: nothing more to add
        assert db_snapshot(lib.target) == after
    assert lib.ok("check").startswith("ok")


def test_codeobit_keeps_its_awkward_rows_and_says_how(lib: CLI, tmp_path: Path) -> None:
    source = codeobit_db(tmp_path / "codeobit.db", 5)
    out = lib.ok("import-legacy", str(source))
    assert "user 1 preferences: not JSON, kept as text under \"unparsed\": 'theme=dark'" in out
    assert "user 1: its API key is stored hashed" in out
    assert "another project is named 'app 1'; imported as 'app 1 (2)'" in out
    assert "status 'weird' is not one of codedb's; imported as in_progress" in out
    with codedb.connect(lib.target) as db:
        ada = db.users.find("üser1")
        assert ada is not None and ada.email == "user1@example.com"
        assert db.users.verify_key(ada.user_id, "key-1-secret")  # the old key keeps working
        assert not db.users.verify_key(ada.user_id, "key-2-secret")
        assert db.users.find("üser4").preferences == {"unparsed": "theme=dark"}
        assert db.users.find("üser2").preferences == {}
        # Its code wrote local times with a 'T' (this machine's zone), its defaults UTC with a space.
        assert ada.created_at.strftime("%Y-%m-%d %H:%M:%S.%f") == _utc("2024-03-01T10:00:00.123456")
        assert db.users.find("üser2").created_at.isoformat(" ") == "2024-03-02 09:00:00"
        names = sorted(p.name for p in db.projects.list(limit=100).projects)
        assert names[:2] == ["app 1", "app 1 (2)"]
        big = db.generations.list(db.origins.record_id("codeobit", "projects", 100))
        assert big[0].generated_code == BIG
        assert db.origins.record_id("codeobit", "users", 1) == ada.user_id
        assert db.origins.external_id("codeobit", "users", ada.user_id) == "1"
    if not lib.target.startswith("postgresql"):
        assert b"key-1-secret" not in Path(lib.target).read_bytes()


def _utc(local: str) -> str:
    from datetime import UTC, datetime

    return datetime.fromisoformat(local).astimezone().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def test_a_codeobit_json_backup_is_codeobit_not_a_registry(lib: CLI, tmp_path: Path) -> None:
    """The issue's trial: a codeobit JSON backup was taken for a GUI-builder registry (15 of
    16 projects, no users, exit 0)."""
    db_file = codeobit_db(tmp_path / "codeobit.db", 5)
    backup = codeobit_json(db_file, tmp_path / "codeobit_backup_20240301_120000.json")
    out = lib.ok("import-legacy", str(backup))
    assert out.splitlines()[0] == f"{backup}: codeobit JSON backup"
    held = rows(lib.target)
    expected = codeobit_counts(5)
    assert held["users"] == expected["users"] and held["projects"] == expected["projects"]
    assert held["autosaves"] == expected["auto_saves"]
    # The database it was taken from adds nothing more: a backup is a subset of it.
    again = lib.ok("import-legacy", str(db_file))
    assert "imported: nothing new" in again and "holds another row" not in again, again


def test_a_codeobit_sql_backup_is_a_database_whatever_its_name(lib: CLI, tmp_path: Path) -> None:
    db_file = codeobit_db(tmp_path / "codeobit.db", 4)
    backup = tmp_path / "codeobit_backup_20240301.sql"
    shutil.copyfile(db_file, backup)
    assert lib.ok("import-legacy", str(backup)).splitlines()[0] == f"{backup}: codeobit database"


def test_duilio_users_are_its_strings_and_values_its_text(lib: CLI, tmp_path: Path) -> None:
    source = duilio_db(tmp_path / "duiliocode.db", 3)
    out = lib.ok("import-legacy", str(source))
    assert "message 10 extra_data: not JSON, kept as text" in out
    with codedb.connect(lib.target) as db:
        user = db.users.find("user1")
        assert user is not None
        assert db.preferences.get(user.user_id, "theme") == "dark"
        assert db.preferences.get(db.users.find("user2").user_id, "theme") == "light ☀"
        messages = db.history.messages("s1")
        assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
        assert messages[-1].content == BIG
        assert db.origins.record_id("duilio", "users", "user1") == user.user_id


def test_pygubu_registry_and_database_are_the_same_projects(lib: CLI, tmp_path: Path) -> None:
    source = pygubu_db(tmp_path / "pygubuai.db", 2)
    registry = tmp_path / ".pygubu-registry.json"
    registry.write_text(json.dumps({
        "version": "1.0",
        "projects": {"gui1": {"path": "/home/u/gui1", "created": "2024-06-01T10:00:00", "description": "x"}},
        "active": "gui1",
    }))  # fmt: skip
    assert "projects registry" in lib.ok("import-legacy", str(registry))
    lib.ok("import-legacy", str(source))
    with codedb.connect(lib.target) as db:
        named = db.projects.named("gui1")
        assert len(named) == 1  # one project, whichever store came first
        template = db.templates.find("tpl1")
        assert template is not None and template.prior_downloads == 10 and template.prior_rating == 4.5
        assert db.templates.versions(template.template_id)[0].label == "1.1.0"
        assert db.projects.named("gui2")[0].metadata == {"unparsed": "oops"}


def test_pygubu_workflow_entries_keep_who_did_them(lib: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "gui"
    folder.mkdir()
    (folder / ".pygubu-workflow.json").write_text(json.dumps({
        "version": "1.0", "project": "gui", "file_hashes": {}, "file_mtimes": {}, "last_sync": None,
        "history": [
            {"timestamp": "2024-06-01T10:00:00", "action": "ui_edited", "description": "a", "user": "ana"},
            {"timestamp": "2024-06-01T11:00:00", "action": "saved", "description": "b"},
            {"timestamp": "2024-06-01T12:00:00", "action": "saved", "description": "c", "user": 7},
        ],
    }))  # fmt: skip
    registry = tmp_path / ".pygubu-registry.json"
    registry.write_text(json.dumps({"version": "1.0", "projects": {"gui": {"path": str(folder)}}}))
    lib.ok("import-legacy", str(registry))
    with codedb.connect(lib.target) as db:
        events = db.projects.history(db.projects.named("gui")[0].project_id)
        assert {e.description: e.actor for e in events if e.description in "abc"} == {
            "a": "ana", "b": "pygubu", "c": "pygubu"
        }  # fmt: skip
    assert "imported: nothing new" in lib.ok("import-legacy", str(registry))


def test_yago_keeps_its_ids_credentials_and_project_fields(lib: CLI, tmp_path: Path) -> None:
    source = yago_sqlite(tmp_path / "yago.db", 2)
    out = lib.ok("import-legacy", str(source))
    assert "logs: not JSON, kept as text" in out
    with codedb.connect(lib.target) as db:
        user = db.users.get("users000-0000-4000-8000-000000000001")
        assert user.username == "dev1" and user.password_hash.startswith("$2b$12$") and user.is_verified
        project = db.projects.get("projects-0000-4000-8000-000000000002")
        assert (project.progress, project.agent_role, project.strategy, project.model) == (
            40.0,
            "senior",
            "balanced",
            "gpt-4o",
        )
        assert project.errors == [{"timestamp": "2024-07-02 12:00:00.000002", "error": "boom"}]
        assert project.brief["project_idea"] == "Todo app"
        asked = db.clarifications.get("clarify0-0000-4000-8000-000000000001")
        assert (asked.project_id, asked.current_question, asked.provider) == (
            "projects-0000-4000-8000-000000000001",
            1,
            "openai",
        )
        assert db.clarifications.get("clarify0-0000-4000-8000-000000000002").project_id is None
    assert "password" not in lib.ok("users", "show", "dev1", "--json")


@pytest.mark.postgres
def test_yago_on_postgresql_reads_its_json_strings(lib: CLI, tmp_path: Path, pg_schema_url: str) -> None:
    """YAGO's database on PostgreSQL (read through a URL, read-only), its JSONB columns holding
    a JSON string of each object."""
    import psycopg

    with psycopg.connect(pg_schema_url, autocommit=True) as conn:
        yago_postgres(conn, 3)
    out = lib.ok("import-legacy", pg_schema_url)
    assert out.splitlines()[0].endswith(": YAGO database")
    assert "not JSON" not in out
    held, expected = rows(lib.target), yago_counts(3)
    for table, into in INTO["yago"].items():
        assert held[into] == expected[table], (table, held)
    with codedb.connect(lib.target) as db:
        project = db.projects.get("projects-0000-4000-8000-000000000001")
        assert project.brief == {"project_idea": "Todo app", "users": ["me"]}
        assert project.logs == [{"timestamp": "2024-07-01 12:00:00.000001", "log": "ok"}]
    assert "imported: nothing new" in lib.ok("import-legacy", pg_schema_url)
    with psycopg.connect(pg_schema_url, autocommit=True) as conn:  # the source was only read
        assert conn.execute("SELECT count(*) FROM projects").fetchone() == (3,)


def test_unknown_databases_and_codedbs_own_are_refused(lib: CLI, tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER)")
    conn.close()
    assert "is a SQLite database of none of the tools codedb knows (recipes)" in lib.error(
        "import-legacy", str(other)
    )
    mine = tmp_path / "mine.sqlite"
    CLI(str(mine), tmp_path).ok("init")
    assert "is a codedb database; move it with 'codedb copy'" in lib.error("import-legacy", str(mine))


def test_many_notes_are_counted_not_poured_out(lib: CLI, tmp_path: Path) -> None:
    source = codeobit_db(tmp_path / "codeobit.db", 12)  # some 30 values read differently
    out = lib.ok("import-legacy", str(source), "--dry-run")
    coerced = [line for line in out.splitlines() if line.startswith("coerced: ")]
    assert len(coerced) == 21, out
    more = int(coerced[-1].split("and ", 1)[1].split(" more")[0].replace(",", ""))
    assert coerced[-1] == f"coerced: ... and {more:,} more (--all-notes lists every one)"
    every = lib.ok("import-legacy", str(source), "--dry-run", "--all-notes")
    listed = [line for line in every.splitlines() if line.startswith("coerced: ")]
    assert len(listed) == 20 + more and listed[:20] == coerced[:20]


POISONED = {"codeobit": ("projects", "description"), "duilio": ("conversation_history", "content"),
            "pygubu": ("projects", "description"), "yago": ("projects", "description")}  # fmt: skip


@pytest.mark.parametrize("tool", list(TOOLS))
def test_text_that_is_not_utf8_comes_over_replaced_and_noted(lib: CLI, tmp_path: Path, tool: str) -> None:
    # Regression: one text of the old tool's SQLite file holding bytes that are not UTF-8 (which
    # SQLite stores as given) refused the whole import ("Could not decode to UTF-8 column ...;
    # the file may be damaged"), where a pickle's text that is not valid Unicode comes over with
    # U+FFFD, noted.
    make, counts, _ = TOOLS[tool]
    source = make(tmp_path / f"{tool}.db", 3)
    table, column = POISONED[tool]
    with sqlite3.connect(source) as conn:
        first = f"(SELECT min(rowid) FROM {table})"
        update = f"UPDATE {table} SET {column} = CAST(x'61ff62' AS TEXT) WHERE rowid = {first}"
        poisoned = conn.execute(update).rowcount
    assert poisoned == 1
    conn.close()
    before = digest(source)
    out = lib.ok("import-legacy", str(source))
    assert "not valid Unicode replaced by U+FFFD" in out, out
    found = rows(lib.target)
    assert all(found[INTO[tool][name]] >= n for name, n in counts(3).items() if name in INTO[tool]), found
    with codedb.connect(lib.target) as db:
        texts = [v for records in snapshot(db).values() for r in records for v in attrs.astuple(r)]
    assert "a\ufffdb" in texts
    assert digest(source) == before  # read, never written
