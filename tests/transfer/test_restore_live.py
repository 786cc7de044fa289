"""Regression tests of issue #9, items 4 and 5: a restore under a live writer loses none of the
writes it was told were committed after the restore, and a restore killed at any moment
leaves the database whole (old or new content), with no stray file."""

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import codedb
from conftest import CLI, ROOT

WRITER = """
import sys, codedb
with codedb.connect(sys.argv[1]) as db:
    i = 0
    while True:
        try:
            db.functions.add(f"w{i}", code="x = 1")
        except codedb.CodedbError as exc:
            print("refused", i, exc, flush=True)
        except Exception as exc:
            print("error", i, type(exc).__name__, exc, flush=True)
        else:
            print(f"w{i}", flush=True)
        i += 1
"""
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def names(path: Path) -> set[str]:
    with codedb.connect(path, create=False) as db:
        return {f.name for f in db.functions.list()}


def test_a_writer_running_through_a_restore_loses_nothing_it_committed_after_it(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    live = tmp_path / "live.sqlite"
    cli = new_cli(live.name)
    for i in range(5):
        cli.ok("add-function", f"--name=b{i}", "--code=x = 2")
    backup = tmp_path / "backup.sqlite"
    cli.ok("backup", str(backup))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(live)], stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        time.sleep(0.7)
        assert "restored" in cli.ok("restore", str(backup), "--force")
        time.sleep(0.7)
    finally:
        writer.send_signal(signal.SIGKILL)
        output, _ = writer.communicate()
    lines = output.splitlines()
    committed = [line for line in lines if line.startswith("w")]
    assert not [line for line in lines if line.startswith("error")], lines[:5]
    present = names(live)
    assert {f"b{i}" for i in range(5)} <= present  # the backup's content is in place
    kept = [name for name in committed if name in present]
    assert kept, "no write after the restore reached the live database"
    # What survives is exactly the writes after the restore point: no gap, none lost after it.
    assert kept == committed[len(committed) - len(kept) :]
    assert committed[-1] in present
    assert CLI(str(live), tmp_path).ok("check").startswith("ok")


def test_a_restore_killed_at_any_moment_leaves_the_database_whole(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    live = tmp_path / "live.sqlite"
    new_cli(live.name)  # the live database, initialised
    with codedb.connect(live) as db:
        db.functions.add_many({"name": f"old{i}", "code": "x = 1" * 20} for i in range(3000))
    old = names(live)
    dump = tmp_path / "new.json"
    other = new_cli("other.sqlite")
    with codedb.connect(tmp_path / "other.sqlite") as db:
        db.functions.add_many({"name": f"new{i}", "code": "y = 2" * 20} for i in range(3000))
    other.ok("backup", str(dump), "--format=json")
    new = names(tmp_path / "other.sqlite")
    rng = random.Random(9)
    outcomes = set()
    for _ in range(4):  # the soak suite kills restores many more times
        proc = subprocess.Popen(
            [sys.executable, "-m", "codedb", f"--db={live}", "restore", str(dump), "--force", "--quiet"],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.1, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = names(live)
        assert now in (old, new)
        outcomes.add("new" if now == new else "old")
        assert CLI(str(live), tmp_path).ok("check").startswith("ok")
        if now == new:  # start again from the old content
            with codedb.connect(live) as db, db.transaction():
                for bound in reversed(list(db.tables.values())):
                    bound.clear(db.conn)
                db.functions.add_many({"name": name, "code": "x = 1" * 20} for name in sorted(old))
            old = names(live)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    CLI(str(live), tmp_path).ok("backup", str(tmp_path / "after.sqlite"))  # the next run cleans up
    CLI(str(live), tmp_path).ok("restore", str(tmp_path / "after.sqlite"), "--force")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], leftovers


@pytest.mark.parametrize("kind", ["sqlite", "json"])
def test_a_write_committed_between_the_first_check_and_the_copy_stops_the_restore(
    ready_target: str,
    tmp_path: Path,
    new_cli: Callable[[str], CLI],
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue #22 item 2: without --force, the "holds data" check and the copy are one step
    under the write lock. A writer commits in the window the old code left open (after the
    first check, before the copy): the restore is refused and the write is still there."""
    import codedb.transfer.restore as restore_module

    source = new_cli("source.sqlite")
    source.ok("add-function", "--name=from_backup", "--code=x = 1")
    backup = tmp_path / f"backup.{kind}"
    source.ok("backup", str(backup), f"--format={kind}")
    cli = CLI(ready_target, tmp_path)
    hook = "migrate" if ready_target.startswith("postgresql") else "_build"
    original = getattr(restore_module, hook)

    def then_a_writer_commits(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        with codedb.connect(ready_target) as other:
            other.functions.add("committed_meanwhile", code="y = 2")
        return result

    monkeypatch.setattr(restore_module, hook, then_a_writer_commits)
    assert cli.error("restore", str(backup)).endswith(
        "holds data; restoring would replace it: back it up first, then restore with --force"
    )
    with codedb.connect(ready_target) as db:
        assert [f.name for f in db.functions.list()] == ["committed_meanwhile"]
    monkeypatch.setattr(restore_module, hook, original)
    assert "restored" in cli.ok("restore", str(backup), "--force")
    with codedb.connect(ready_target) as db:
        assert [f.name for f in db.functions.list()] == ["from_backup"]


def test_a_restore_without_force_never_loses_a_live_writers_rows(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    """Item 2 with a real writer process: whatever the timing, every row the writer was told
    was committed is in the database afterwards (the restore is refused, or came first)."""
    backup = tmp_path / "backup.sqlite"
    source = new_cli("source.sqlite")
    source.ok("add-function", "--name=from_backup", "--code=x = 1")
    source.ok("backup", str(backup))
    for trial in range(2):  # the soak suite runs more
        live = tmp_path / f"live{trial}.sqlite"
        cli = new_cli(live.name)
        writer = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(0.3)\n" + WRITER, str(live)],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        try:
            time.sleep(0.2 + 0.2 * trial)
            result = cli("restore", str(backup))
            time.sleep(0.3)
        finally:
            writer.send_signal(signal.SIGKILL)
            output, _ = writer.communicate()
        committed = [line for line in output.splitlines() if line.startswith("w")]
        assert set(committed) <= names(live), (result, len(committed))
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr
