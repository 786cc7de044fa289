"""The database commands run as subprocesses against a SQLite file and a PostgreSQL schema:
init, status, migrate, rollback, stats, and the errors a user can cause."""

import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

import codedb
from codedb.cli.frame import command_names, program_doc
from codedb.schema.migrations import known_ids
from conftest import CLI, ROOT

IDS = known_ids("sqlite")  # the same ids on both backends


def test_init_status_migrate_rollback_stats(cli: CLI, backend: str) -> None:
    assert "applied " + ", ".join(IDS) in cli.ok("init")
    assert f"already initialised at revision {IDS[-1]}; nothing applied" in cli.ok("init")

    state = json.loads(cli.ok("status", "--json"))
    assert state["current"] == IDS[-1]
    assert [m["migration_id"] for m in state["applied"]] == IDS
    assert all(m["applied_at_utc"] for m in state["applied"])
    assert state["pending"] == []

    assert cli.ok("rollback").startswith(f"rolled back: {IDS[-1]}\n")
    assert cli.ok("migrate", "--dry-run") == f"would apply: {IDS[-1]}\n"
    assert json.loads(cli.ok("status", "--json"))["pending"] == [IDS[-1]]
    assert cli.ok("migrate") == f"applied: {IDS[-1]}\n"
    assert cli.ok("migrate") == "nothing to apply: the schema is up to date\n"
    assert (
        cli.ok("rollback", "--to=0001", "--dry-run") == f"would roll back: {', '.join(reversed(IDS[1:]))}\n"
    )

    cli.ok("add-function", "--name=f", "--code=def f(): pass", "--modules=m", "--tags=a,b")
    stats = json.loads(cli.ok("stats", "--json"))
    assert stats["backend"] == backend
    assert stats["revision"] == IDS[-1]
    assert stats["tables"]["function"] == 1
    assert stats["tables"]["function_tags"] == 2
    assert stats["size_bytes"] > 0
    assert stats["version"].startswith("SQLite" if backend == "sqlite" else "PostgreSQL")
    assert stats["journal_mode"].startswith("wal")
    text = cli.ok("stats")
    assert re.search(r"function\s+1\n", text)


def test_unknown_revision(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    before = cli.ok("status", "--json")
    line = cli.error("migrate", "--to=0042")
    assert line.startswith("Error: unknown revision '0042'; known revisions: base, 0001.function-library")
    assert cli.error("rollback", "--to=nope").startswith("Error: unknown revision 'nope'")
    assert cli.ok("status", "--json") == before


def test_bad_steps_is_a_usage_error(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    assert cli.error("rollback", "--steps=two") == "Error: invalid --steps 'two'; give a whole number"


def test_stats_on_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    line = CLI(str(missing), tmp_path).error("stats")
    assert line == f"Error: database {missing} does not exist; create it with 'codedb --db {missing} init'"
    assert not missing.exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100)
    before = path.read_bytes()
    for command in ("stats", "init", "list-functions"):
        line = CLI(str(path), tmp_path).error(command)
        assert line.startswith(f"Error: {path} is not a SQLite database"), line
    assert path.read_bytes() == before


def test_a_database_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
        conn.execute("INSERT INTO orders (item) VALUES ('tea')")
    conn.close()
    cli = CLI(str(path), tmp_path)
    assert (
        cli.error("stats")
        == f"Error: database {path} has no codedb schema; create it with 'codedb --db {path} init'"
    )
    line = cli.error("init")
    assert "holds tables of another application (orders)" in line and "'codedb init --force'" in line
    with sqlite3.connect(path) as conn:
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")} == {"orders"}
    conn.close()
    out = cli.ok("init", "--force")
    assert "left untouched: orders" in out
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT item FROM orders").fetchall() == [("tea",)]
    conn.close()


@pytest.mark.postgres
def test_an_unreachable_postgresql(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:1/test"
    for command in ("stats", "init", "status"):
        line = CLI(url, tmp_path).error(command)
        assert line.startswith("Error: cannot connect to postgresql://postgres@127.0.0.1:1/test: ")
        assert line.endswith("check the URL and that the server is running")


def test_password_never_shown(tmp_path: Path) -> None:
    line = CLI("postgresql://me:s3cret@127.0.0.1:1/test", tmp_path).error("stats")
    assert "s3cret" not in line and "me:***@127.0.0.1:1" in line


def test_stats_does_not_write_and_works_read_only(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    cli = CLI(str(path), tmp_path)
    cli.ok("init")
    cli.ok("add-function", "--name=g", "--code=x = 1")
    before = path.read_bytes()
    os.chmod(path, 0o400)
    os.chmod(tmp_path, 0o500)  # not even a -shm file may be created beside it
    try:
        stats = json.loads(cli.ok("stats", "--json"))
        assert stats["tables"]["function"] == 1
        assert json.loads(cli.ok("status", "--json"))["current"] == IDS[-1]
    finally:
        os.chmod(tmp_path, 0o700)
        os.chmod(path, 0o600)
    assert path.read_bytes() == before


def test_new_database_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite"
    old = os.umask(0o022)
    try:
        CLI(str(path), tmp_path).ok("init")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_database_from_environment_then_default(tmp_path: Path) -> None:
    env_db = tmp_path / "from_env.sqlite"
    cli = CLI("unused", tmp_path)
    cli.ok("init", db=False, env={"CODEDB_URL": str(env_db)})
    assert env_db.exists()
    cli.ok("init", db=False)
    assert (tmp_path / "code_db.sqlite").exists()


def test_help_and_version_everywhere(tmp_path: Path) -> None:
    from codedb import __version__

    cli = CLI("unused", tmp_path)
    assert cli.ok("--version", db=False).strip() == f"codedb {__version__}"
    assert "Usage:" in cli.ok("--help", db=False)
    for name in command_names():
        text = cli.ok(name, "--help", db=False)
        assert text.startswith(f"Usage: codedb {name}"), name
        assert cli.ok(name, "--version", db=False).strip() == f"codedb {__version__}"
        assert "\nExample" in text, f"{name} --help shows no example"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    cli = CLI(str(tmp_path / "x.sqlite"), tmp_path)
    assert "unknown command 'frobnicate'" in cli.error("frobnicate", code=2)
    assert "Usage: codedb show-function" in cli.error("show-function", code=2)
    assert "Usage:" in cli.error(db=False, code=2)


def test_every_command_is_in_the_usage_text_and_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    doc = program_doc()
    for name in command_names():
        assert re.search(rf"^  {re.escape(name)} ", doc, re.M), f"{name} missing from usage"
        assert f"codedb {name}" in readme or f"`{name}`" in readme, f"{name} missing from README"


def test_a_held_migration_lock_and_a_dead_processes_lock(cli: CLI) -> None:
    from yoyo import get_backend

    import codedb
    from codedb.schema.migrations import migration_lock

    cli.ok("init")
    cli.ok("rollback")
    with codedb.connect(cli.target) as other, migration_lock(other):  # another codedb is migrating
        line = cli.error("migrate", "--lock-timeout=0.3")
        assert line == (
            f"Error: {other.target.display} is locked by another migration; wait for it to finish, "
            "then try again (codedb clears the lock of a process that died by itself)"
        )
        assert json.loads(cli.ok("status", "--json"))["pending"] == [IDS[-1]]
    # a process that died mid-migration leaves yoyo's lock row: the next migrate clears it
    with codedb.connect(cli.target) as db:
        dead = get_backend(db.target.yoyo_url)
        dead._insert_lock_row(999_999_999, timeout=1)
        dead.connection.close()
    assert cli.ok("migrate", "--lock-timeout=2") == (
        f"cleared the migration lock of a process that died (1 lock row)\napplied: {IDS[-1]}\n"
    )
    assert cli.ok("unlock-db") == "nothing to apply: the schema is up to date\n"


def test_a_database_behind_this_codedb_says_how_to_catch_up(cli: CLI, tmp_path: Path) -> None:
    cli.ok("init")
    cli.ok("add-function", "--name=kept", "--code=x = 1")
    cli.ok("rollback")  # as if made by an older codedb
    line = cli.error("list-functions")
    assert line == (
        f"Error: database {cli.target} is 1 migration(s) behind this codedb ({IDS[-1]}); "
        f"back it up with 'codedb backup', then run 'codedb --db {cli.target} migrate'"
    )
    assert json.loads(cli.ok("stats", "--json"))["pending_migrations"] == [IDS[-1]]
    if not cli.target.startswith("postgresql"):
        assert "backed up" in cli.ok("backup", str(tmp_path / "before-upgrade.sqlite"))
    cli.ok("migrate")
    assert [f["name"] for f in json.loads(cli.ok("list-functions", "--json"))] == ["kept"]


def test_a_reader_that_goes_away_is_not_an_error(tmp_path: Path) -> None:
    """`codedb COMMAND --help | head -1` and a listing into `head`: exit 0, no traceback (a
    real process and a real pipe: the help printed a BrokenPipeError traceback)."""
    import subprocess
    import sys

    db = tmp_path / "p.sqlite"
    CLI(str(db), tmp_path).ok("init")
    with codedb.connect(db) as database:
        database.functions.add_many({"name": f"f{i}", "code": "x = 1" * 200} for i in range(3000))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for args in (["users", "--help"], ["--help"], [f"--db={db}", "export"]):
        done = subprocess.run(
            f"{sys.executable} -m codedb {' '.join(args)} | head -c 20 >/dev/null; exit ${{PIPESTATUS[0]}}",
            shell=True,
            executable="/bin/bash",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
