"""Encrypted backups: AES-GCM in chunks, the passphrase from the environment or a file (never
the command line, never printed); restore and check-backup refuse a wrong passphrase, a
flipped byte, a cut-short or lengthened file in one line, restoring nothing."""

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import codedb
from conftest import CLI, snapshot

PASS = "correct horse battery staple"
ENV = {"CODEDB_BACKUP_PASSPHRASE": PASS}


@pytest.fixture(scope="module")
def source_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database the backups are made of, filled once through the CLI."""
    where = tmp_path_factory.mktemp("source")
    cli = CLI(str(where / "code_db.sqlite"), where)
    cli.ok("init")
    for n in range(5):
        cli.ok("add-function", f"--name=secret_{n}", f"--code=def secret_{n}(): return 'SECRET-{n}'")
    cli.ok("users", "add", "--username=ada")
    cli.ok("prefs", "set", "ada", "theme", '"dark"')
    assert not (where / "code_db.sqlite-wal").exists()  # closed: the file holds it all
    return where / "code_db.sqlite"


@pytest.fixture
def source(source_file: Path, tmp_path: Path) -> CLI:
    """A copy of the source database (its mode kept) in the test's own directory."""
    shutil.copy2(source_file, tmp_path / "code_db.sqlite")
    return CLI(str(tmp_path / "code_db.sqlite"), tmp_path)


def _rows(target: Path) -> dict[str, list[object]]:
    with codedb.connect(target) as db:
        return snapshot(db)


@pytest.mark.parametrize("fmt", ["sqlite", "json"])
def test_encrypted_backups_round_trip(source: CLI, tmp_path: Path, fmt: str) -> None:
    printed = source.ok("backup", f"b.{fmt}.enc", f"--format={fmt}", "--encrypt", env=ENV)
    sealed = tmp_path / f"b.{fmt}.enc"
    assert PASS not in printed and sealed.stat().st_mode & 0o777 == 0o600
    data = sealed.read_bytes()
    assert b"SECRET-1" not in data and b"secret_1" not in data and b"SQLite format" not in data
    assert f"sound encrypted {fmt} backup" in source.ok("check-backup", sealed.name, env=ENV, db=False)
    restored = CLI(str(tmp_path / "restored.sqlite"), tmp_path)
    assert "restored" in restored.ok("restore", sealed.name, env=ENV)
    assert _rows(tmp_path / "restored.sqlite") == _rows(Path(source.target))
    assert not [p for p in os.listdir(tmp_path) if "decrypted" in p]  # the plaintext is gone


def test_a_passphrase_file_and_no_passphrase(source: CLI, tmp_path: Path) -> None:
    (tmp_path / "pass.txt").write_text(PASS + "\n")
    source.ok("backup", "b.enc", "--encrypt", "--passphrase-file=pass.txt")
    assert "sound encrypted" in source.ok("check-backup", "b.enc", "--passphrase-file=pass.txt", db=False)
    assert "sound encrypted" in source.ok("check-backup", "b.enc", env=ENV, db=False)  # the same key
    assert "no backup passphrase" in source.error("backup", "c.enc", "--encrypt")
    assert "is encrypted; give its passphrase" in source.error("check-backup", "b.enc", db=False)
    assert "shorter than 8" in source.error(
        "backup", "c.enc", "--encrypt", env={"CODEDB_BACKUP_PASSPHRASE": "short"}
    )
    assert not (tmp_path / "c.enc").exists()
    assert (
        source("backup", "c.enc", "--encrypt", "--compact", env=ENV).returncode == 2
    )  # no plain VACUUM INTO


@pytest.mark.parametrize(
    "damage",
    ["wrong passphrase", "flipped byte", "flipped header", "cut short", "a chunk dropped", "lengthened"],
)
def test_damage_restores_nothing(
    source: CLI, tmp_path: Path, new_cli: Callable[[str], CLI], damage: str
) -> None:
    source.ok("backup", "b.enc", "--format=json", "--encrypt", env=ENV)
    sealed = tmp_path / "b.enc"
    data = bytearray(sealed.read_bytes())
    env = dict(ENV)
    if damage == "wrong passphrase":
        env = {"CODEDB_BACKUP_PASSPHRASE": "correct horse battery stapler"}
    elif damage == "flipped byte":
        data[len(data) // 2] ^= 0x01
    elif damage == "flipped header":
        data[30] ^= 0x01  # inside the salt
    elif damage == "cut short":
        del data[-100:]
    elif damage == "a chunk dropped":  # the one chunk of this small dump: only the header is left
        del data[24 + 9 + 24 :]
    else:
        data += b"more"
    sealed.write_bytes(bytes(data))
    assert "Error:" in source.error("check-backup", "b.enc", env=env, db=False)
    target = new_cli("target.sqlite")
    target.ok("add-function", "--name=kept", "--code=pass")
    before = _rows(tmp_path / "target.sqlite")
    target.error("restore", "b.enc", "--force", env=env)
    assert _rows(tmp_path / "target.sqlite") == before
    fresh = CLI(str(tmp_path / "fresh.sqlite"), tmp_path)
    fresh.error("restore", "b.enc", env=env)
    assert not (tmp_path / "fresh.sqlite").exists()  # a failed restore leaves no new file behind


def test_a_failed_restore_into_a_new_file_leaves_no_file(tmp_path: Path) -> None:
    """Regression: the target was created (empty) before the backup was looked at."""
    (tmp_path / "junk.sqlite").write_text("not a backup")
    cli = CLI(str(tmp_path / "new.sqlite"), tmp_path)
    assert "neither a SQLite backup" in cli.error("restore", "junk.sqlite")
    assert sorted(os.listdir(tmp_path)) == ["junk.sqlite"]


def test_rotated_encrypted_backups(source: CLI, tmp_path: Path) -> None:
    for _ in range(3):
        source.ok("backup", "--to-dir=nightly", "--keep=2", "--encrypt", env=ENV)
    kept = sorted(os.listdir(tmp_path / "nightly"))
    assert len(kept) == 2 and all(name.endswith(".sqlite.enc") for name in kept)
    (tmp_path / "nightly" / "notes.sqlite.enc").write_text("mine")  # not codedb's: never rotated
    source.ok("backup", "--to-dir=nightly", "--keep=1", "--encrypt", env=ENV)
    assert sorted(os.listdir(tmp_path / "nightly"))[-1] == "notes.sqlite.enc"
    assert len(os.listdir(tmp_path / "nightly")) == 2
    newest = [n for n in sorted(os.listdir(tmp_path / "nightly")) if n.startswith("code_db-")][-1]
    checked = json.loads(source.ok("check-backup", f"nightly/{newest}", "--json", env=ENV, db=False))
    assert checked["ok"] is True and checked["encrypted"] is True


def test_chunks_cannot_be_swapped_dropped_or_cut(tmp_path: Path) -> None:
    import io
    import random

    from codedb.transfer.crypto import CHUNK, EncryptingWriter, decrypt

    plain = random.Random(3).randbytes(CHUNK * 2 + 1000)  # three chunks
    buffer = io.BytesIO()
    writer = EncryptingWriter(buffer, PASS)
    writer.write(plain[:700_000])
    writer.write(plain[700_000:])
    writer.close()
    sealed = buffer.getvalue()
    head, size = 57, 5 + CHUNK + 16
    chunks = [sealed[head + k * size : head + (k + 1) * size] for k in range(3)]
    assert b"".join(chunks) == sealed[head:] and len(chunks[2]) == 5 + 1000 + 16
    (tmp_path / "whole").write_bytes(sealed)
    assert b"".join(decrypt(tmp_path / "whole", PASS)) == plain
    for name, body, message in (
        ("swapped", chunks[1] + chunks[0] + chunks[2], "passphrase is wrong, or the file was changed"),
        ("dropped", chunks[0] + chunks[2], "passphrase is wrong, or the file was changed"),
        ("cut", chunks[0] + chunks[1], "cut short"),
    ):
        (tmp_path / name).write_bytes(sealed[:head] + body)
        with pytest.raises(codedb.InvalidInput, match=message):
            b"".join(decrypt(tmp_path / name, PASS))


def test_a_killed_restores_plaintext_is_removed_by_the_next(source: CLI, tmp_path: Path) -> None:
    """A restore decrypts into a private folder named with its process id; one left by a
    process that was killed is removed by the next restore, one of a running process is not."""
    import subprocess
    import sys

    source.ok("backup", "b.enc", "--encrypt", env=ENV)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    stale = tmp_path / f".codedb-decrypted-{int(gone.stdout)}-abc"
    stale.mkdir()
    (stale / "b").write_text("plaintext of a killed restore")
    running = tmp_path / f".codedb-decrypted-{os.getppid()}-abc"
    running.mkdir()
    CLI(str(tmp_path / "restored.sqlite"), tmp_path).ok("restore", "b.enc", env=ENV)
    assert not stale.exists() and running.exists()


@pytest.mark.parametrize("params", [(14, 32, 16), (20, 8, 1), (10, 1, 1), (15, 8, 2), (255, 255, 255)])
def test_a_header_that_names_its_own_key_cost_is_refused_before_any_work(
    source: CLI, tmp_path: Path, params: tuple[int, int, int]
) -> None:
    """Issue #22 item 17: the header's scrypt parameters chose the work of a failing check
    (2.8 s for (14, 32, 16)) or ended in a traceback ((20, 8, 1))."""
    import struct

    from codedb.transfer import crypto

    source.ok("backup", "b.enc", "--format=json", "--encrypt", env=ENV)
    sealed = tmp_path / "b.enc"
    data = bytearray(sealed.read_bytes())
    data[len(crypto.MAGIC) : len(crypto.MAGIC) + 9] = struct.pack(">BII", *params)
    sealed.write_bytes(bytes(data))
    calls: list[object] = []
    original = crypto.hashlib.scrypt
    crypto.hashlib.scrypt = lambda *a, **k: calls.append(a) or original(*a, **k)  # type: ignore[assignment]
    try:
        line = source.error("check-backup", "b.enc", env=ENV, db=False)
    finally:
        crypto.hashlib.scrypt = original  # type: ignore[assignment]
    assert line == (
        f"Error: the encrypted backup's key parameters {params} are not the ones codedb writes "
        "(15, 8, 1); the file is damaged or not a codedb backup"
    )
    assert calls == []  # refused before scrypt ran


def test_a_passphrase_that_is_not_utf8_is_its_bytes(source: CLI, tmp_path: Path) -> None:
    """Item 18: a passphrase from the environment that is not UTF-8 ended in a traceback."""
    odd = {"CODEDB_BACKUP_PASSPHRASE": "pass\udcffword-long"}  # the bytes b"pass\xffword-long"
    source.ok("backup", "b.enc", "--encrypt", env=odd)
    assert "sound encrypted" in source.ok("check-backup", "b.enc", env=odd, db=False)
    assert "passphrase is wrong" in source.error("check-backup", "b.enc", env=ENV, db=False)
    with codedb.connect(source.target) as db, pytest.raises(codedb.InvalidInput) as caught:
        codedb.backup(db, tmp_path / "c.enc", passphrase="pass\ud800word-long")  # only Python can
    assert str(caught.value) == "the backup passphrase is not valid text (a lone surrogate); give UTF-8 text"
    assert not (tmp_path / "c.enc").exists()
