"""Backups and restores: hot backups while another process writes, refusals that leave the
target untouched, atomic replacement, and a failure in the middle that changes nothing."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import codedb
from codedb.schema.migrations import known_ids
from codedb.transfer.restore import restore
from conftest import CLI, ROOT, db_snapshot, snapshot

WRITER = """
import sys, time, codedb
db = codedb.connect(sys.argv[1])
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < deadline:
    db.functions.add_many([{"name": f"w{n}-{i}", "code": "x = 1", "modules": [f"m{i % 3}"],
                            "tags": ["a", f"t{n % 5}"], "signature_json": None} for i in range(20)])
    n += 1
print(n)
"""


def make_db(migrated: Path, path: Path, functions: int = 30) -> None:
    """A database at `path`: a copy of the worker's migrated file (`sqlite_migrated`) holding
    `functions` functions."""
    shutil.copy2(migrated, path)
    with codedb.connect(path) as db:
        db.functions.add_many(
            {"name": f"f{i}", "code": f"def f{i}(): return {i}", "modules": ["m"], "tags": ["a", "b"]}
            for i in range(functions)
        )


def test_backup_while_another_process_writes(sqlite_migrated: Path, tmp_path: Path) -> None:
    source = tmp_path / "busy.sqlite"
    make_db(sqlite_migrated, source, 2000)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(source), "2.5"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        text=True,
    )
    cli = CLI(str(source), tmp_path)
    backups = []
    try:
        time.sleep(0.5)
        for index in range(6):  # plain, compact (VACUUM INTO), encrypted (the file's bytes of a snapshot)
            dest = tmp_path / f"hot{index}.sqlite"
            extra = [[], ["--compact"], ["--encrypt"]][index % 3]
            args = ["backup", str(dest), "--quiet", *extra]
            assert "backed up to" in cli.ok(*args, env={"CODEDB_BACKUP_PASSPHRASE": "hot backup pass"})
            if extra == ["--encrypt"]:
                from codedb.transfer.crypto import decrypt_to

                plain = tmp_path / f"hot{index}.plain.sqlite"
                decrypt_to(dest, plain, "hot backup pass")
                dest = plain
            backups.append(dest)
    finally:
        batches = int(writer.communicate(timeout=60)[0])
    assert batches > 0 and writer.returncode == 0
    for dest in backups:
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
        with sqlite3.connect(dest) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            functions = conn.execute("SELECT COUNT(*) FROM function").fetchone()[0]
            # a consistent snapshot: each function arrived with its module and two tags
            assert conn.execute("SELECT COUNT(*) FROM function_modules").fetchone()[0] == functions
            assert conn.execute("SELECT COUNT(*) FROM function_tags").fetchone()[0] == 2 * functions
            assert (
                conn.execute(
                    "SELECT COUNT(*) FROM function f WHERE NOT EXISTS "
                    "(SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id)"
                ).fetchone()[0]
                == 0
            )
        conn.close()
        assert functions >= 2000
    restored = tmp_path / "restored.sqlite"
    CLI(str(restored), tmp_path).ok("restore", str(backups[-1]))
    assert db_snapshot(str(restored)) == db_snapshot(str(backups[-1]))


CHECKPOINT_HOLDER = """
import fcntl, sys, time
with open(sys.argv[1], "r+b") as shm:
    fcntl.lockf(shm, fcntl.LOCK_EX, 1, 121)  # WAL_CKPT_LOCK: byte 120 + 1 of the -shm file
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_an_encrypted_backup_waits_for_another_checkpoint(sqlite_migrated: Path, tmp_path: Path) -> None:
    # Regression: another process's checkpoint (a writer's automatic one) made the passive
    # checkpoint report busy with -1 frames logged and -1 copied; equal counts were taken for
    # "all copied" and the file's bytes were encrypted without what the log still held.
    source = tmp_path / "busy.sqlite"
    make_db(sqlite_migrated, source, 10)
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("SELECT COUNT(*) FROM function").fetchone()  # open: closing codedb's keeps the log
    with codedb.connect(source) as db:
        db.functions.add_many({"name": f"late{i}", "code": "x = 1"} for i in range(300))
    assert (tmp_path / "busy.sqlite-wal").stat().st_size > 0  # the late rows are in the log only
    holder = subprocess.Popen(
        [sys.executable, "-c", CHECKPOINT_HOLDER, f"{source}-shm", "1.0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        dest = tmp_path / "snap.sqlite"
        CLI(str(source), tmp_path).ok(
            "backup", str(dest), "--quiet", "--encrypt", env={"CODEDB_BACKUP_PASSPHRASE": "checkpoint pass"}
        )
    finally:
        holder.wait(timeout=30)
        writer.close()
    from codedb.transfer.crypto import decrypt_to

    plain = tmp_path / "snap.plain.sqlite"
    decrypt_to(dest, plain, "checkpoint pass")
    with sqlite3.connect(plain) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT COUNT(*) FROM function").fetchone()[0] == 310


def test_backup_formats_and_refusals(sqlite_migrated: Path, tmp_path: Path) -> None:
    source = tmp_path / "src.sqlite"
    make_db(sqlite_migrated, source)
    cli = CLI(str(source), tmp_path)
    dest = tmp_path / "b.sqlite"
    cli.ok("backup", str(dest))
    before = dest.read_bytes()
    assert (
        cli.error("backup", str(dest))
        == f"Error: {dest} exists already; give another name, or --force to replace it"
    )
    assert dest.read_bytes() == before
    cli.ok("backup", str(dest), "--force", "--compact")
    sql = tmp_path / "b.sql"
    cli.ok("backup", str(sql), "--format=sql")
    text = sql.read_text()
    assert "CREATE TABLE function" in text and 'INSERT INTO "function"' in text
    copy = tmp_path / "from_sql.sqlite"
    subprocess.run(["sqlite3", str(copy)], input=text, text=True, check=True)
    assert db_snapshot(str(copy)) == db_snapshot(str(source))
    assert (
        cli.error("backup", str(tmp_path / "x"), "--format=zip")
        == "Error: unknown backup format 'zip'; use one of sqlite, json, sql"
    )
    assert "does not exist" in cli.error("backup", str(tmp_path / "no" / "dir.sqlite"))
    assert (
        cli.error("backup", "--to-dir=" + str(tmp_path), "--keep=0")
        == "Error: --keep=N needs --to-dir and N of 1 or more"
    )
    assert not list(tmp_path.glob(".*.tmp"))


def test_nightly_rotation_keeps_the_newest(sqlite_migrated: Path, tmp_path: Path) -> None:
    source = tmp_path / "nightly.sqlite"
    make_db(sqlite_migrated, source, 3)
    night = tmp_path / "backups"
    night.mkdir()
    cli = CLI(str(source), tmp_path)
    for _ in range(4):
        cli.ok("backup", f"--to-dir={night}", "--keep=2")
    kept = sorted(night.iterdir())
    assert len(kept) == 2 and all(p.name.startswith("nightly-") and p.suffix == ".sqlite" for p in kept)


def _refused(target: Path, src: Path, start: str) -> None:
    before = target.read_bytes()
    line = CLI(str(target), target.parent).error("restore", str(src), "--force")
    assert line.startswith(start), line
    assert target.read_bytes() == before
    assert not list(target.parent.glob(".*.tmp*"))


def test_restore_refuses_what_is_not_a_good_backup(sqlite_migrated: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.sqlite"
    make_db(sqlite_migrated, target, 5)
    good = tmp_path / "good.sqlite"
    CLI(str(target), tmp_path).ok("backup", str(good))

    text = tmp_path / "notes.txt"
    text.write_text("hello")
    _refused(target, text, f"Error: {text} is neither a SQLite backup nor a JSON dump")

    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    _refused(target, truncated, f"Error: {truncated} ")

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "codedb-dump", "tables": {"function": [{"name": "no id"}]}}))
    _refused(target, wrong, f"Error: {wrong}: function row 1: not a valid Function record")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": "world"}))
    _refused(target, other, f"Error: file {other} is not a codedb dump")

    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    _refused(target, foreign, f"Error: {foreign} is a SQLite database of another application")

    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc) "
            "VALUES ('h', '0999.from-the-future', '2030-01-01')"
        )
    conn.close()
    _refused(
        target, newer, f"Error: {newer} is at revision 0999.from-the-future, which this codedb does not know"
    )

    newer_json = tmp_path / "newer.json"
    newer_json.write_text(json.dumps({"format": "codedb-dump", "revision": "0999.x", "tables": {}}))
    _refused(
        target, newer_json, f"Error: {newer_json} is at revision 0999.x, which this codedb does not know"
    )


def test_restore_needs_force_over_data_and_swaps_atomically(sqlite_migrated: Path, tmp_path: Path) -> None:
    target = tmp_path / "live.sqlite"
    make_db(sqlite_migrated, target, 5)
    backup = tmp_path / "old.sqlite"
    cli = CLI(str(target), tmp_path)
    cli.ok("backup", str(backup))
    cli.ok("add-function", "--name=after-backup", "--code=x")
    before = target.read_bytes()
    line = cli.error("restore", str(backup))
    assert (
        line == f"Error: {target} holds data; restoring would replace it: back it up first, "
        "then restore with --force"
    )
    assert target.read_bytes() == before
    assert "restored" in cli.ok("restore", str(backup), "--force")
    assert db_snapshot(str(target)) == db_snapshot(str(backup))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not Path(f"{target}.pre-restore").exists()


def test_a_failure_in_the_middle_of_a_restore_changes_nothing(
    sqlite_migrated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "precious.sqlite"
    make_db(sqlite_migrated, target, 50)
    dump = tmp_path / "dump.json"
    CLI(str(target), tmp_path).ok("backup", str(dump), "--format=json")
    with codedb.connect(target) as db:
        db.functions.add("newer work", code="x = 2")
    before = target.read_bytes()

    import codedb.transfer.restore as restore_module
    from codedb.transfer import dump as transfer

    real_load = transfer.load

    def load_then_fail(db, tables, tick=lambda n: None):  # type: ignore[no-untyped-def]
        real_load(db, {"function": tables.records("function")})  # half the work is done...
        raise OSError(28, "No space left on device")  # ...when the disk fills up

    monkeypatch.setattr(restore_module, "load", load_then_fail)
    with pytest.raises(OSError, match="No space left"), codedb.connect(target) as live:
        restore(live, dump, force=True)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dump.json",
        "precious.sqlite",
        "precious.sqlite-shm",
        "precious.sqlite-wal",
    ] or sorted(p.name for p in tmp_path.iterdir()) == ["dump.json", "precious.sqlite"]

    def checks_fail(db, tables):  # type: ignore[no-untyped-def]
        raise OSError(5, "Input/output error")  # the last step before the copy into the live file

    monkeypatch.setattr(restore_module, "load", real_load)
    monkeypatch.setattr(restore_module, "analyze", checks_fail)
    with pytest.raises(OSError), codedb.connect(target) as live:
        restore(live, dump, force=True)
    assert target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_restore_an_older_backup_migrates_it(sqlite_migrated: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    make_db(sqlite_migrated, old, 3)
    with codedb.connect(old) as db:
        codedb.rollback(db, steps=2)
    target = tmp_path / "new.sqlite"
    out = CLI(str(target), tmp_path).ok("restore", str(old))
    assert f"migrated {', '.join(known_ids('sqlite')[-2:])}" in out
    with codedb.connect(target) as db:
        assert codedb.status(db).pending == ()
        assert len(db.tests.coverage()) == 3


def test_json_backup_and_restore_on_both_backends(ready_target: str, tmp_path: Path) -> None:
    with codedb.connect(ready_target) as db:
        f = db.functions.add("fn", "ünïcode", "def fn(): return '√'", ["m"], ["t"])
        t = db.tests.add(f.function_id, "t")
        db.tests.record_result(t.test_id, "passed", "ok")
        db.functions.modify(f.function_id, "me", "why", "def fn(): return 2")
        original = snapshot(db)
    cli = CLI(ready_target, tmp_path)
    dump = tmp_path / "all.json"
    cli.ok("backup", str(dump), "--format=json")
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert "holds data" in cli.error("restore", str(dump))
    cli.ok("add-function", "--name=extra", "--code=1")
    cli.ok("restore", str(dump), "--force")
    assert db_snapshot(ready_target) == original
    if ready_target.endswith(".sqlite"):
        assert "back up PostgreSQL with --format=json" not in cli.error(
            "backup", str(dump), "--force", "--format=zip"
        )
    else:
        assert (
            cli.error("backup", str(tmp_path / "x.sqlite"))
            == "Error: --format=sqlite backs up SQLite files; back up PostgreSQL with --format=json"
        )


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql(
    sqlite_migrated: Path, pg_schema_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "lite.sqlite"
    make_db(sqlite_migrated, source, 25)
    CLI(pg_schema_url, tmp_path).ok("restore", str(source))
    assert db_snapshot(pg_schema_url) == db_snapshot(str(source))


def test_check_finds_broken_foreign_keys(sqlite_migrated: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    make_db(sqlite_migrated, path, 2)
    cli = CLI(str(path), tmp_path)
    assert cli.ok("check") == f"ok: integrity, foreign keys, revision {known_ids('sqlite')[-1]}\n"
    with sqlite3.connect(path) as conn:  # foreign keys are off by default in a plain connection
        conn.execute("INSERT INTO unittest VALUES ('t-orphan', 'no-such-function', 'n', '', '')")
    conn.close()
    result = cli("check")
    assert result.returncode == 1
    assert (
        "foreign key: a row of unittest (rowid" in result.stdout
        and "points at a missing function row" in result.stdout
    )
    assert json.loads(cli("check", "--json").stdout)["ok"] is False
    assert cli.ok("vacuum").startswith("vacuumed: ")


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> str:
    """Run codedb with its stderr on a pseudo-terminal; return what it wrote there."""
    import pty

    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "codedb", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            timeout=120,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: everything has been read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert result.returncode == 0, result.stdout
    return b"".join(chunks).decode(errors="replace")


def test_progress_shows_on_a_terminal_only(sqlite_migrated: Path, tmp_path: Path) -> None:
    source = tmp_path / "p.sqlite"
    make_db(sqlite_migrated, source, 500)
    db = f"--db={source}"
    assert "pages" in _stderr_on_a_terminal([db, "backup", str(tmp_path / "a.sqlite")], tmp_path)
    assert _stderr_on_a_terminal([db, "backup", str(tmp_path / "b.sqlite"), "--quiet"], tmp_path) == ""
    piped = CLI(str(source), tmp_path)(  # not a terminal: nothing on stderr either
        "backup", str(tmp_path / "c.sqlite")
    )
    assert piped.returncode == 0 and piped.stderr == ""


TAMPERINGS = {
    "a trigger of its own": (
        "CREATE TRIGGER zz_evil AFTER INSERT ON function BEGIN DELETE FROM users; DELETE FROM projects; END",
        "trigger zz_evil on function is not codedb's (revision {rev} makes no such trigger)",
    ),
    "a view of its own": (
        "CREATE VIEW zz_view AS SELECT 1",
        "view zz_view is not codedb's (revision {rev} makes no such view)",
    ),
    "a changed view": (
        "DROP VIEW coverage_report; CREATE VIEW coverage_report AS SELECT 1 AS id",
        "view coverage_report differs from what revision {rev} makes",
    ),
    "an index of its own": (
        "CREATE INDEX zz_index ON function(abs(-1))",
        "index zz_index on function is not codedb's (revision {rev} makes no such index)",
    ),
    "a table of another application": (
        "CREATE TABLE zz_notes(x)",
        "table zz_notes is not codedb's (revision {rev} makes no such table)",
    ),
}


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_a_tampered_backup_is_refused_naming_what_codedb_did_not_make(
    ready_target: str, tmp_path: Path, new_cli: Callable[[str], CLI], tampering: str
) -> None:
    """Issue #22 item 3: check-backup, restore (into either backend) and check compare a
    SQLite backup's schema with what its revision's migrations make, and refuse the rest."""
    source = new_cli("source.sqlite")
    source.ok("users", "add", "--username=ada")
    backup = tmp_path / "backup.sqlite"
    source.ok("backup", str(backup))
    sql, expected = TAMPERINGS[tampering]
    with sqlite3.connect(backup) as conn:
        conn.executescript(sql)
    conn.close()
    rev = known_ids("sqlite")[-1]
    reason = expected.format(rev=rev)
    assert source.error("check-backup", str(backup)) == (
        f"Error: {backup} does not hold codedb's schema: {reason}; give a backup written by 'codedb backup'"
    )
    cli = CLI(ready_target, tmp_path)
    before = db_snapshot(ready_target)
    assert reason in cli.error("restore", str(backup), "--force")
    assert db_snapshot(ready_target) == before
    result = CLI(str(backup), tmp_path)("check")
    assert result.returncode == 1 and f"schema: {reason}" in result.stdout


def test_a_backup_missing_an_index_is_refused_and_a_sound_one_is_not(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    cli = new_cli("code_db.sqlite")
    cli.ok("reindex")  # the indexes rebuilt by reindex are the migrations' own
    sound = tmp_path / "sound.sqlite"
    cli.ok("backup", str(sound))
    assert cli.ok("check-backup", str(sound)).startswith("ok: ")
    lacking = tmp_path / "lacking.sqlite"
    cli.ok("backup", str(lacking))
    with sqlite3.connect(lacking) as conn:
        name = conn.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'function' AND sql IS NOT NULL"
        ).fetchone()[0]
        conn.execute(f'DROP INDEX "{name}"')
    conn.close()
    assert f"index {name} is missing" in cli.error("check-backup", str(lacking))
