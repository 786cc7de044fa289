"""Regression tests of issue #9, items 1, 2, 3, 14 and 15: no writer destroys a file it does
not own, rotation deletes only its own backups, killed runs leave no temporary files behind,
and everything codedb writes is private."""

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CLI, ROOT, db_snapshot

WRITER = """
import sys, codedb
with codedb.connect(sys.argv[1]) as db:
    for i in range(100000):
        db.functions.add(f"w{i}", code="x = 1")
"""


@pytest.fixture
def lib(tmp_path: Path, new_cli: Callable[[str], CLI]) -> CLI:
    cli = new_cli("code_db.sqlite")
    fid = cli.ok("add-function", "--name=kept", "--code=x = 1").strip()
    cli.ok("add-test", f"--function-id={fid}", "--name=t", "--test-file=-", input="assert True")
    return cli


def test_backup_onto_the_database_itself_is_refused_even_while_written(lib: CLI) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, lib.target], env={**os.environ, "PYTHONPATH": str(ROOT / "src")}
    )
    try:
        time.sleep(0.5)
        for dest in (lib.target, f"{lib.target}-wal", f"{lib.target}-shm", "./code_db.sqlite"):
            line = lib.error("backup", dest, "--force")
            assert line.startswith(f"Error: {Path(dest)} is the database's own file"), line
        link = lib.cwd / "link.sqlite"
        link.symlink_to(lib.target)
        assert lib.error("backup", str(link), "--force") == (
            f"Error: {link} is the database's own file; give another destination"
        )
        hard = lib.cwd / "hard.sqlite"
        os.link(lib.target, hard)
        assert lib.error("backup", str(hard), "--force").startswith(
            f"Error: {hard} is the database's own file"
        )
    finally:
        writer.kill()
        writer.wait()
    assert lib.ok("check").startswith("ok: integrity, foreign keys")


def test_no_writer_overwrites_the_database_a_device_a_fifo_or_a_link_target(lib: CLI, tmp_path: Path) -> None:
    before = db_snapshot(lib.target)
    fid = lib.ok("list-functions", "--csv").splitlines()[1].split(",")[0]
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    writers = [
        ("export", "--output={}", "--force"),
        ("export", "--format=jsonl", "--output={}", "--force"),
        ("export-function", f"--function-id={fid}", "--file={}", "--force"),
        ("export-module", "--module=none", "--file={}", "--force"),
        ("visualize-dependencies", "--file={}", "--force"),
        ("backup", "{}", "--force"),
        ("backup", "{}", "--format=json", "--force"),
    ]
    for args in writers:
        for dest in (lib.target, "/dev/null", str(fifo), str(link)):
            result = lib(*[a.format(dest) for a in args])
            assert result.returncode == 1, (args, dest, result)
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert victim.read_text() == "precious" and link.is_symlink()
    assert stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert db_snapshot(lib.target) == before
    assert lib.ok("check").startswith("ok")
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    (csv_dir / "function.csv").symlink_to(victim)
    assert lib.error("export", "--format=csv", f"--output={csv_dir}", "--force") == (
        f"Error: {csv_dir}/function.csv is a symbolic link; "
        "codedb does not write through links: give the real path"
    )
    assert victim.read_text() == "precious"


def test_rotation_deletes_only_this_databases_own_backups(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    folder = tmp_path / "n"
    folder.mkdir()
    notes = folder / "code_db-notes.sqlite"
    notes.write_text("my notes")
    staging_cli = new_cli("code_db-staging.sqlite")
    app = new_cli("code_db.sqlite")
    for _night in range(4):
        app.ok("backup", f"--to-dir={folder}", "--keep=1")
        staging_cli.ok("backup", f"--to-dir={folder}", "--keep=3")
    names = sorted(p.name for p in folder.iterdir())
    ours = [n for n in names if n.startswith("code_db-2")]
    staging = [n for n in names if n.startswith("code_db-staging-")]
    assert "code_db-notes.sqlite" in names and notes.read_text() == "my notes"
    assert len(ours) == 1 and len(staging) == 3, names


def test_a_killed_backup_leaves_a_temporary_file_the_next_run_removes(lib: CLI, tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    dest = tmp_path / "nightly.sqlite"
    stale = [
        tmp_path / f".nightly.sqlite.{dead_pid}.tmp",
        tmp_path / f".nightly.sqlite.{dead_pid}.tmp-journal",
    ]
    for path in stale:
        path.write_bytes(b"x" * 1000)
    alive = tmp_path / f".nightly.sqlite.{os.getppid()}.tmp"  # a running process's: left alone
    alive.write_bytes(b"y")
    lib.ok("backup", str(dest))
    assert not any(p.exists() for p in stale)
    assert alive.exists()
    restore_stale = Path(lib.target).with_name(f".code_db.sqlite.restore.{dead_pid}.tmp")
    restore_stale.write_bytes(b"z")
    lib.ok("restore", str(dest), "--force")
    assert not restore_stale.exists()


def test_everything_written_is_private_whatever_the_umask(lib: CLI, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        fid = lib.ok("list-functions", "--csv").splitlines()[1].split(",")[0]
        files = {
            "f.json": ("export-function", f"--function-id={fid}", f"--file={tmp_path / 'f.json'}"),
            "d.dot": ("visualize-dependencies", f"--file={tmp_path / 'd.dot'}"),
            "b.sqlite": ("backup", str(tmp_path / "b.sqlite")),
            "e.jsonl": ("export", "--format=jsonl", f"--output={tmp_path / 'e.jsonl'}"),
        }
        for args in files.values():
            lib.ok(*args)
        lib.ok("export", "--format=csv", f"--output={tmp_path / 'csv' / 'deep'}")
        lib.ok("backup", f"--to-dir={tmp_path / 'rot'}")
    finally:
        os.umask(old)
    for name in files:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    for folder in (tmp_path / "csv", tmp_path / "csv" / "deep", tmp_path / "rot"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in [*(tmp_path / "csv" / "deep").iterdir(), *(tmp_path / "rot").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_no_file_of_any_command_lands_on_an_open_database(tmp_path: Path) -> None:
    """Issue #22 item 1: the per-table files of a CSV folder export (and every other writer)
    are refused when they would land on the database, by its path, a link or a hard link."""
    folder = tmp_path / "cd2"
    folder.mkdir()
    cli = CLI(str(folder / "tag.csv"), tmp_path)
    cli.ok("init")
    cli.ok("add-function", "--name=f", "--code=x = 1", "--tags=t")
    before = db_snapshot(cli.target)
    assert cli.error("export", "--format=csv", "--table=tag", f"--output={folder}", "--force") == (
        f"Error: {folder}/tag.csv is the database's own file; give another destination"
    )
    linked = tmp_path / "linked"
    linked.symlink_to(folder)  # the database opened through a link to its folder
    assert "is the database's own file" in CLI(str(linked / "tag.csv"), tmp_path).error(
        "export", "--format=csv", "--table=tag", f"--output={folder}", "--force"
    )
    other = tmp_path / "other"
    other.mkdir()
    os.link(folder / "tag.csv", other / "function.csv")  # a hard link under another name
    assert cli.error("export", "--format=csv", f"--output={other}", "--force") == (
        f"Error: {other}/function.csv is the database's own file; give another destination"
    )
    # A project's generated file and a template named like the database, written to its folder.
    project = cli.ok("projects", "create", "--name=p").split()[-1]
    cli.ok("files", "save", project, "--path=tag.csv", "--content=evil")
    assert "is the database's own file" in cli.error(
        "projects", "export", project, f"--files={folder}", "--force"
    )
    content = tmp_path / "t.txt"
    content.write_text("evil")
    cli.ok("templates", "publish", "t", f"--content-file={content}")
    assert "is the database's own file" in cli.error(
        "templates", "install", "t", str(folder / "tag.csv"), "--force"
    )
    assert "is the database's own file" in cli.error("backup", str(other / "function.csv"), "--force")
    after = db_snapshot(cli.target)
    assert after["function"] == before["function"] and after["tag"] == before["tag"]
    assert cli.ok("check").startswith("ok")


def test_the_python_api_guards_every_open_database_not_only_its_own(tmp_path: Path) -> None:
    import codedb

    with codedb.connect(tmp_path / "a.sqlite") as a, codedb.connect(tmp_path / "b.sqlite") as b:
        codedb.migrate(a)
        codedb.migrate(b)
        with pytest.raises(codedb.Conflict, match="is the database's own file"):
            codedb.backup(b, tmp_path / "a.sqlite", force=True)
        with pytest.raises(codedb.Conflict, match=r"\(-wal\)"):
            codedb.backup(b, tmp_path / "a.sqlite-wal", force=True)
    # Closed, the file is an ordinary file again: a backup may replace it when asked.
    with codedb.connect(tmp_path / "b.sqlite") as b:
        codedb.backup(b, tmp_path / "a.sqlite", force=True)


def test_a_killed_rotated_backup_leaves_temporaries_the_next_run_removes(lib: CLI, tmp_path: Path) -> None:
    """Issue #22 item 11: each rotated backup has a new name, so its temporary file is found
    by codedb's pattern for this database and a dead process id, not by the name."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    folder = tmp_path / "nightly"
    folder.mkdir()
    stale = [
        folder / f".code_db-20260101T000000000000Z.sqlite.{dead.stdout.strip()}.tmp",
        folder / f".code_db-20260101T000000000000Z.sqlite.{dead.stdout.strip()}.tmp-journal",
        folder / f".code_db-20260102T000000000000Z.json.enc.{dead.stdout.strip()}.tmp",
    ]
    kept = [
        folder / f".code_db-20260101T000000000000Z.sqlite.{os.getppid()}.tmp",  # a live process's
        folder / f".notes.sqlite.{dead.stdout.strip()}.tmp",  # not a rotated backup's
        folder / f".staging-20260101T000000000000Z.sqlite.{dead.stdout.strip()}",  # not a temp name
    ]
    for path in stale + kept:
        path.write_bytes(b"x" * 100)
    lib.ok("backup", f"--to-dir={folder}")
    secret = {"CODEDB_BACKUP_PASSPHRASE": "a long passphrase"}
    lib.ok("backup", f"--to-dir={folder}", "--format=json", "--encrypt", env=secret)
    assert [p for p in stale if p.exists()] == []
    assert all(p.exists() for p in kept)
