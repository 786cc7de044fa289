"""Regression tests of issue #9, items 6 to 11: secrets in URLs, stale and contended migration
locks, rollback counts, read-only inspection, in-memory databases."""

import json
import os
from pathlib import Path

import pytest

import codedb
from codedb.schema.migrations import known_ids
from conftest import CLI, ROOT, inits_at_once

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def with_password(url: str, password: str = "S3cret") -> str:
    """The test server's URL with a password given twice: in the userinfo and as a parameter."""
    scheme, rest = url.split("://", 1)
    user_host = rest.split("@", 1)
    host = user_host[-1]
    user = user_host[0] if len(user_host) == 2 else "postgres"
    return f"{scheme}://{user}:{password}@{host}{'&' if '?' in host else '?'}password={password}"


@pytest.mark.postgres
def test_a_password_is_never_printed(tmp_path: Path, pg_schema_url: str) -> None:
    url = with_password(pg_schema_url)
    cli = CLI(url, tmp_path)  # trust authentication: the password is accepted and ignored
    outputs = [
        cli.ok("init"),
        cli.ok("status"),
        cli.ok("status", "--json"),
        cli.ok("stats"),
        cli.ok("stats", "--json"),
        cli.error("restore", str(tmp_path / "missing.json")),
        cli.error("init", "--lock-timeout=nan"),
        cli.error("--db=postgresql://u:S3cret@127.0.0.1:1/x", "stats", db=False),
        cli.error("--db=host=127.0.0.1 password=S3cret dbname=x", "stats", db=False),
    ]
    for text in outputs:
        assert "S3cret" not in text, text
    assert "***" in outputs[1]


def test_a_libpq_keyword_string_is_not_taken_for_a_file(tmp_path: Path) -> None:
    with pytest.raises(codedb.ConnectError, match="libpq keyword string") as caught:
        codedb.connect("host=db password=S3cret dbname=x")
    assert "S3cret" not in str(caught.value)
    assert not list(tmp_path.iterdir()) and not Path("host=db password=S3cret dbname=x").exists()


def test_init_after_a_process_died_holding_the_migration_lock(target: str, tmp_path: Path) -> None:
    from yoyo import get_backend

    with codedb.connect(target) as db:
        dead = get_backend(db.target.yoyo_url)  # as `init` does, then killed mid-migration
        dead._insert_lock_row(999_999_999, timeout=1)
        dead.connection.close()
    cli = CLI(target, tmp_path)
    out = cli.ok("init")
    assert out.startswith("cleared the migration lock of a process that died (1 lock row)\ninitialised ")
    cli.ok("rollback", "--steps=2")
    with codedb.connect(target) as db:
        dead = get_backend(db.target.yoyo_url)
        dead._insert_lock_row(999_999_998, timeout=1)
        dead.connection.close()
    assert cli.ok("migrate") == (
        "cleared the migration lock of a process that died (1 lock row)\n"
        f"applied: {', '.join(known_ids(db.dialect)[-2:])}\n"
    )


def test_two_inits_at_once_on_a_new_file_both_succeed(tmp_path: Path) -> None:
    for trial in range(2):  # the soak suite runs many more
        path = tmp_path / f"new{trial}.sqlite"
        results = inits_at_once(path)
        assert [r[2] for r in results] == [0, 0], results
        assert sum(out.startswith("initialised") for out, _, _ in results) == 1, results


def test_init_opens_the_file_another_process_created_after_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window the test above hits now and then (CI, stop 20): both processes see no file,
    the second to create it got "File exists". Here the other process's init runs in it."""
    from codedb.core import files

    path = tmp_path / "new.sqlite"
    looked = files.check_database_file
    raced: list[Path] = []

    def look_then_lose_the_race(p: Path) -> bool:
        exists = looked(p)
        if not exists and not raced:
            raced.append(p)
            with codedb.connect(str(p)) as other:  # the other process, between look and create
                codedb.init(other)
        return exists

    monkeypatch.setattr(files, "check_database_file", look_then_lose_the_race)
    with codedb.connect(str(path)) as db:
        assert codedb.status(db).pending == ()
    assert raced == [path]
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_rollback_steps_beyond_what_is_applied_rolls_back_all(target: str, tmp_path: Path) -> None:
    cli = CLI(target, tmp_path)
    cli.ok("init")
    applied = len(codedb.status(codedb.connect(target)).applied)
    out = cli.ok("rollback", f"--steps={applied + 1}")
    assert out.count(".") >= applied and out.startswith(f"rolled back: {known_ids('sqlite')[-1]}")
    assert json.loads(cli.ok("status", "--json"))["applied"] == []
    assert cli.ok("migrate").startswith("applied: 0001")


def test_check_stats_status_never_write(tmp_path: Path) -> None:
    import sqlite3

    empty = tmp_path / "empty.sqlite"
    empty.touch()
    cli = CLI(str(empty), tmp_path)
    assert cli("check").returncode == 1
    assert cli("stats").returncode == 1 and cli("status").returncode == 0
    assert empty.stat().st_size == 0
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    before = other.read_bytes()
    other_cli = CLI(str(other), tmp_path)
    for command in ("check", "stats", "status"):
        other_cli(command)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite", "other.sqlite"]  # no -wal


def test_an_in_memory_database_migrates_without_making_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_migrated: Path
) -> None:
    """It runs the statements yoyo runs on a file: the same schema, and none of it after a
    rollback to base."""
    import sqlite3

    def schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE '%yoyo%' ORDER BY name"
        ).fetchall()

    monkeypatch.chdir(tmp_path)
    with sqlite3.connect(sqlite_migrated) as file:
        on_file = schema(file)
    with codedb.connect(":memory:") as db:
        assert codedb.migrate(db) == known_ids("sqlite")
        assert schema(db.conn) == on_file and len(on_file) > 100
        f = db.functions.add("m")
        assert db.functions.get(f.function_id).name == "m"
        assert codedb.rollback(db, to="base") == known_ids("sqlite")[::-1]
        assert schema(db.conn) == []
        with pytest.raises(codedb.NotInitialised, match="has no codedb schema or is behind"):
            db.functions.add("x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_a_password_is_never_printed_in_any_spelling_libpq_takes(tmp_path: Path, pg_schema_url: str) -> None:
    """Issue #22 item 6: a percent-encoded key libpq reads as the password, and libpq's own
    messages that quote a malformed URL."""
    scheme, rest = pg_schema_url.split("://", 1)
    rest = rest.split("@", 1)[-1]
    encoded = f"{pg_schema_url}&pass%77ord=S3CRETPW&%70assword=S3CRETPW"
    cli = CLI(encoded, tmp_path)
    outputs = [
        cli.ok("init"),
        cli.ok("status"),
        cli.ok("stats"),
        cli.ok("stats", "--json"),
        cli.error(f"--db={encoded.replace('csearch_path%3D', 'csearch_path%3Dnone_')}", "stats", db=False),
    ]
    assert "***" in outputs[1]
    for bad in (f"{scheme}://u:my S3CRETPW@{rest}", f"{scheme}://u:S3CR%zzETPW@{rest}"):
        line = CLI(bad, tmp_path).error("stats")
        assert line.startswith("Error: cannot read the PostgreSQL URL "), line
        outputs.append(line)
    outputs.append(CLI(f"{pg_schema_url}&password=my%zzS3CRETPW", tmp_path).error("stats"))
    for text in outputs:
        assert "S3CR" not in text, text


def test_target_display_masks_every_password_spelling() -> None:
    from codedb.core.target import resolve_target

    for raw in (
        "postgresql://u:S3CRETPW@h/db",
        "postgresql://u:my S3CRETPW@h/db",
        "postgresql://:S3CRETPW@h/db",
        "postgresql://u@h/db?password=S3CRETPW",
        "postgresql://u@h/db?sslmode=disable&pass%77ord=S3CRETPW",
        "postgresql://u@h/db?%50ASSWORD=S3CRETPW&x=1",
        "postgresql://u@h/db?pass%zzword=S3CRETPW",
        "postgresql://u:S3CR%zzETPW@h/db",
    ):
        shown = resolve_target(raw).display
        assert "S3CR" not in shown and "***" in shown, (raw, shown)
    assert resolve_target("postgresql://u@h:5432/db?sslmode=disable").display == (
        "postgresql://u@h:5432/db?sslmode=disable"
    )


def test_pools_refuse_a_url_libpq_cannot_read_without_quoting_or_logging_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio
    import logging

    import codedb.aio

    caplog.set_level(logging.DEBUG)
    bad = "postgresql://u:my S3CRETPW@127.0.0.1:1/test"
    messages = []
    with pytest.raises(codedb.ConnectError) as caught:
        codedb.pool(bad)
    messages.append(str(caught.value))

    async def both() -> None:
        for opener in (codedb.aio.pool, codedb.aio.connect):
            with pytest.raises(codedb.ConnectError) as caught:
                await opener(bad)
            messages.append(str(caught.value))

    asyncio.run(both())
    assert all(m.startswith("cannot read the PostgreSQL URL postgresql://u:***@") for m in messages), messages
    assert "S3CR" not in " ".join(messages) + caplog.text


def test_connections_opening_a_new_file_at_once_wait_for_each_other(tmp_path: Path) -> None:
    """Issue #22 item 10: switching a new file to WAL takes a lock SQLite does not wait for, so
    one of two `init`s starting together failed with "database is locked" within 0.2 s."""
    import threading

    errors: list[BaseException] = []

    def open_it(path: Path, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            codedb.connect(path).close()
        except BaseException as exc:
            errors.append(exc)

    for trial in range(40):  # the soak suite runs more, as processes
        barrier = threading.Barrier(2)
        path = tmp_path / f"new{trial}.sqlite"
        threads = [threading.Thread(target=open_it, args=(path, barrier)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], (trial, errors)


@pytest.mark.parametrize(
    "name", ["app?x.sqlite", "my%20db.sqlite", "a#b.sqlite", "100%.sqlite", "q%3Fx?.sqlite"]
)
def test_init_migrates_the_file_named_whatever_its_name_holds(tmp_path: Path, name: str) -> None:
    """Issue #22 item 7: yoyo was handed a URL built from the raw path, so `app?x.sqlite`
    migrated a file named `app` (another application's) and `my%20db.sqlite` made `my db.sqlite`."""
    import sqlite3

    for other in ("app", "my db.sqlite", "a", "q?x?.sqlite", "100"):
        with sqlite3.connect(tmp_path / other) as conn:
            conn.execute("CREATE TABLE notes(x)")
        conn.close()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    cli = CLI(name, tmp_path)
    assert cli.ok("init").startswith(f"initialised {name}: applied ")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name in before} == before
    made = {p.name for p in tmp_path.iterdir() if p.name not in before}
    assert made <= {name, f"{name}-wal", f"{name}-shm"}
    assert cli.ok("status").splitlines()[1].startswith("current revision: 0")
    cli.ok("add-function", "--name=f", "--code=x = 1")
    assert "f" in cli.ok("list-functions", "--csv")
    assert os.stat(tmp_path / name).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("url", [":memory:", "sqlite:///:memory:", "sqlite://"])
def test_every_spelling_of_memory_writes_no_file(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #22 item 8: sqlite:///:memory: wrote a 577 KB file named ':memory:'."""
    monkeypatch.chdir(tmp_path)
    with codedb.connect(url) as db:
        assert db.target.memory
        codedb.migrate(db)
        db.functions.add("f", code="x = 1")
        assert db.functions.count() == 1
    assert "initialised" in CLI(url, tmp_path).ok("init")
    assert list(tmp_path.iterdir()) == []


READ_ONLY_AND_DRY_RUN = [
    ("migrate", "--dry-run"), ("rollback", "--dry-run"), ("list-functions",),
    ("search-functions", "--query=x"), ("list-modules",), ("list-tags",), ("coverage-report",),
    ("export",), ("show-function", "--function-id=x"),
    ("users", "list"), ("projects", "list"), ("detect-cycles",), ("costs",), ("metrics", "summary"),
    ("templates", "list"), ("vacuum",), ("add-function", "--name=f", "--code=x"), ("stats",), ("status",),
    ("check",), ("query", "SELECT 1"), ("search", "x"), ("reindex",), ("backup", "b.sqlite"),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["foreign", "empty"])
def test_no_command_but_init_converts_another_applications_file(tmp_path: Path, kind: str) -> None:
    """Issue #22 item 9: read-only commands and --dry-run switched a foreign file to WAL or
    made an empty file a 4 KB database; a file is looked at read-only until it is codedb's."""
    import hashlib
    import sqlite3

    CLI(str(tmp_path.parent / "backup.sqlite"), tmp_path).ok("init")
    path = tmp_path / "their.db"
    if kind == "foreign":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE notes(x)")
            conn.execute("INSERT INTO notes VALUES ('mine')")
        conn.close()
    else:
        path.touch()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cli = CLI(str(path), tmp_path)
    # restore makes a database where there is none (an empty file too), not over another's
    for args in READ_ONLY_AND_DRY_RUN + [("restore", "../backup.sqlite")] * (kind == "foreign"):
        result = cli(*args)
        assert result.returncode == (0 if args[0] == "status" else 1), (args, result)
        assert "Traceback" not in result.stderr
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, args
        assert sorted(p.name for p in tmp_path.iterdir()) == ["their.db"], args
    assert cli.error("list-functions") == (
        f"Error: database {path} has no codedb schema; create it with 'codedb --db {path} init'"
    )
