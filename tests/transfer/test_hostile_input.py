"""Regression tests of issue #9, items 12 and 16 to 18: every field of an import is checked
for its type, hostile files and arguments end in one line and exit 1 (never a traceback or a
hang), and the restricted unpickler bounds what a pickle may build."""

import json
import os
import pickle
import pickletools
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CLI, ROOT, db_snapshot

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


@pytest.fixture
def lib(tmp_path: Path) -> CLI:
    cli = CLI(str(tmp_path / "code_db.sqlite"), tmp_path)
    cli.ok("init")
    cli.ok("add-function", "--name=kept", "--code=def kept(a): pass")
    return cli


def dump_with(rows: list[dict[str, object]], **head: object) -> str:
    return json.dumps({"format": "codedb-dump", "format_version": 1, **head, "tables": {"function": rows}})


ROW = {
    "function_id": "f1",
    "name": "n",
    "description": "",
    "code_snippet": "",
    "creation_date": "2024-01-01T00:00:00",
    "last_modified_date": "2024-01-01T00:00:00",
    "signature_json": None,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": 5}, "name: expected text, got int"),
        ({"code_snippet": None}, "code_snippet: expected text, got NoneType"),
        ({"name": True}, "name: expected text, got bool"),
        ({"signature_json": "not json"}, "signature_json: not a JSON object"),
        ({"signature_json": "[1, 2]"}, "signature_json: not a JSON object"),
        ({"creation_date": 20240101}, "creation_date: expected an ISO 8601 date, got int"),
        ({"description": "a\u0000b"}, "description: holds a NUL character"),
    ],
)
def test_import_checks_every_fields_type(
    lib: CLI, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(dump_with([{**ROW, **change}]))
    before = db_snapshot(lib.target)
    line = lib.error("import", str(path))
    assert line.startswith(f"Error: {path}: function row 1: not a valid Function record: "), line
    assert message in line, line
    assert db_snapshot(lib.target) == before


def test_a_stored_signature_that_is_not_json_does_not_break_show(lib: CLI) -> None:
    import codedb

    with codedb.connect(lib.target) as db:
        fid = db.functions.list()[0].function_id
        db.conn.execute("UPDATE function SET signature_json = 'broken' WHERE function_id = ?", (fid,))
    shown = json.loads(lib.ok("show-function", f"--function-id={fid}", "--json"))
    assert shown["signature"] is None


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "codedb-dump", "format_version": "2", "tables": {}}',
        '{"format": "codedb-dump", "format_version": null, "tables": {}}',
        "[" * 100_000 + "]" * 100_000,
        '{"format": "codedb-dump", "tables": {"function": [' + "[" * 50_000 + "]" * 50_000 + "]}}",
        '{"format": "codedb-dump", "tables": {"function": [{"function_id": "\\ud800"}]}}',
        '{"format": "codedb-dump", "tables": {"function": 5}}',
        '{"format": "codedb-dump", "tables": []}',
        '{"format": "codedb-dump", "tables": {"function": [{"name": "a"}]}}',
        '{"format": "codedb-dump", "revision": 7, "tables": {}}',
        "",
        "\xff\xfe",
    ],
)
def test_hostile_dumps_end_in_one_line(lib: CLI, tmp_path: Path, text: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff\xfe" else b"\xff\xfe")
    before = db_snapshot(lib.target)
    for command in (("import", str(path)), ("restore", str(path), "--force")):
        line = lib.error(*command)
        assert str(path) in line
    assert db_snapshot(lib.target) == before


def test_a_dump_in_any_layout_reads_only_its_tables(lib: CLI, tmp_path: Path) -> None:
    # Re-formatted by a tool (not codedb's line layout), with a nested field beside "tables".
    doc = {"format": "codedb-dump", "note": {"a": [{"b": [1]}]}, "tables": {"function": [{**ROW, "name": 3}]}}
    path = tmp_path / "other.json"
    path.write_text(json.dumps(doc, indent=4))
    assert lib.error("import", str(path)).endswith(
        "function row 1: not a valid Function record: name: expected text, got int"
    )
    del doc["tables"]["function"][0]["name"]  # type: ignore[index]
    path.write_text(json.dumps(doc, indent=4))
    assert lib.error("import", str(path)).endswith("not a valid Function record: name: missing")
    doc["tables"]["function"][0]["name"] = "fine"  # type: ignore[index]
    path.write_text(json.dumps(doc, indent=4))
    assert "imported 1 function row (0 already present)" in lib.ok("import", str(path))


def test_dates_out_of_range_are_refused_in_one_line(lib: CLI, tmp_path: Path) -> None:
    line = lib.error("search-functions", "--query=x", "--created-after=9999-12-31T23:59:59-05:00")
    assert "out of range" in line
    doc = {"function_id": "z", "name": "z", "creation_date": "9999-12-31T23:59:59-05:00"}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc))
    assert "out of range" in lib.error("import-function", f"--file={path}")


def test_arguments_that_are_not_utf8_end_in_one_line(lib: CLI) -> None:
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")
    for args in (
        ("add-function", f"--name={bad}", "--code=x"),
        ("search-functions", f"--query={bad}"),
        ("show-function", f"--function-id={bad}"),
        ("backup", bad),
    ):
        line = lib.error(*args)
        assert line.startswith("Error: the argument ") and "is not valid UTF-8" in line


def test_paths_holding_a_nul_are_refused_in_one_line(lib: CLI) -> None:
    """Found by the soak's fuzzing: a NUL in a destination reached os.path as a traceback."""
    for args in (
        ("backup", "a\x00b"),
        ("backup", "--to-dir=a\x00b"),
        ("export", "--output=a\x00b"),
        ("export", "--format=csv", "--output=a\x00b"),
        ("export-function", "--function-id=x", "--file=a\x00b"),
        ("visualize-dependencies", "--file=a\x00b"),
        ("import", "a\x00b"),
        ("restore", "a\x00b"),
    ):
        line = lib.error(*args)
        assert "NUL" in line or "not found" in line, (args, line)


def test_fifos_and_devices_are_refused_not_read(lib: CLI, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    commands = [
        ("import", str(fifo)),
        ("restore", str(fifo), "--force"),
        ("import-legacy", str(fifo)),
        ("import-function", f"--file={fifo}"),
        ("import-module", f"--file={fifo}"),
        ("add-function", "--name=x", f"--code-file={fifo}"),
        ("add-test", "--function-id=x", "--name=t", f"--test-file={fifo}"),
        ("modify-function", "--function-id=x", "--modifier=m", "--description=d", f"--code-file={fifo}"),
    ]
    for args in commands:
        start = time.monotonic()
        line = lib.error(*args)
        assert "is not a regular file" in line, line
        assert time.monotonic() - start < 30
    for args in (("import", "/dev/null"), ("import-legacy", "/dev/null")):
        assert "/dev/null is not a regular file" in lib.error(*args)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e9"])
def test_lock_timeouts_out_of_range_are_refused(lib: CLI, value: str) -> None:
    assert "above 0 and below a day" in lib.error("migrate", f"--lock-timeout={value}")


# --- pickles ------------------------------------------------------------------------------------


def _refused(lib: CLI, tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "code_db.pkl"
    path.write_bytes(data)
    before = db_snapshot(lib.target)
    line = lib.error("import-legacy", str(path))
    assert expected in line, line
    assert db_snapshot(lib.target) == before


def test_a_memo_billion_laughs_pickle_is_refused_quickly(lib: CLI, tmp_path: Path) -> None:
    # Each level is a list holding the previous one ten times by reference (the memo): a few
    # hundred bytes that expand to 10**30 values if anything walks them.
    ops = [pickle.PROTO + b"\x04", pickle.EMPTY_LIST, pickle.MEMOIZE, pickle.POP]
    for level in range(30):
        ops += [pickle.EMPTY_LIST, pickle.MARK] + [pickle.BINGET + bytes([level])] * 10
        ops += [pickle.APPENDS, pickle.MEMOIZE, pickle.POP]
    ops += [pickle.EMPTY_DICT, pickle.SHORT_BINUNICODE + b"\x09functions", pickle.EMPTY_DICT, pickle.SETITEM]
    ops += [pickle.SHORT_BINUNICODE + b"\x04tags", pickle.BINGET + b"\x1e", pickle.SETITEM]  # the bomb
    data = b"".join(ops) + pickle.STOP
    assert len(data) < 1000
    with open(os.devnull, "w") as sink:
        pickletools.dis(data, out=sink)  # a valid pickle
    start = time.monotonic()
    _refused(lib, tmp_path, data, "too many values")
    assert time.monotonic() - start < 20


def test_a_huge_allocation_pickle_is_refused(lib: CLI, tmp_path: Path) -> None:
    bomb = (
        pickle.PROTO
        + b"\x02"
        + b"c__builtin__\nbytearray\n"
        + pickle.BININT
        + (3 * 10**9 % 2**31).to_bytes(4, "little")
    )
    bomb += pickle.TUPLE1 + pickle.REDUCE + pickle.STOP
    _refused(lib, tmp_path, bomb, "refused")


def test_self_referencing_and_deep_lists_are_refused(lib: CLI, tmp_path: Path) -> None:
    loop: list[object] = []
    loop.append(loop)
    _refused(lib, tmp_path, pickle.dumps({"functions": {}, "tags": loop}), "refers to itself")
    deep: list[object] = []
    for _ in range(200):
        deep = [deep]
    _refused(lib, tmp_path, pickle.dumps({"functions": {}, "tags": deep}, protocol=4), "nested too deeply")
    # A shared list met first near the top, then again under more levels: its depth counts
    # where it is met the second time too (the walk does not enter it again).
    shared: list[object] = []
    for _ in range(60):
        shared = [shared]
    wrapped: list[object] = [shared]
    for _ in range(10):
        wrapped = [wrapped]
    top = {"functions": {}, "tags": [shared, wrapped]}
    _refused(lib, tmp_path, pickle.dumps(top, protocol=4), "nested too deeply")


def _text(value: str) -> bytes:
    return pickle.BINUNICODE + len(value).to_bytes(4, "little") + value.encode()


def test_a_uuid_without_its_value_is_refused(lib: CLI, tmp_path: Path) -> None:
    # {"functions": {"x": {"function_id": UUID.__new__(UUID), "name": "n"}}}: a UUID with no value
    data = pickle.PROTO + b"\x02" + pickle.EMPTY_DICT + pickle.MARK + _text("functions")
    data += pickle.EMPTY_DICT + pickle.MARK + _text("x") + pickle.EMPTY_DICT + pickle.MARK
    data += _text("function_id") + b"cuuid\nUUID\n" + pickle.EMPTY_TUPLE + pickle.NEWOBJ
    data += _text("name") + _text("n") + pickle.SETITEMS * 3 + pickle.STOP
    _refused(lib, tmp_path, data, "a UUID without its value")


def test_a_pickle_cannot_alter_the_stand_ins_for_the_next_import(lib: CLI, tmp_path: Path) -> None:
    # Sets an attribute on the TestStatusEnum stand-in class itself (BUILD on the class).
    evil = (
        pickle.PROTO
        + b"\x02"
        + b"ccode_db\nTestStatusEnum\n"
        + b"}"
        + b"X\x07\x00\x00\x00__new__"
        + b"N"
        + b"s"
        + b"b"
    )
    evil += b"0" + b"}" + pickle.STOP
    path = tmp_path / "evil.pkl"
    path.write_bytes(evil)
    lib(*("import-legacy", str(path)))
    shared = ROOT.parent / "shared" / "fixtures" / "legacy" / "code_database.pkl"
    if not shared.exists():
        pytest.skip("../shared/fixtures is absent (a user's machine): no real pickle to import")
    out = lib.ok("import-legacy", str(shared))
    assert "imported: 1 function" in out


def test_a_pickle_bomb_does_not_exhaust_memory(tmp_path: Path) -> None:
    """The allocation bomb in a process capped at 1 GiB: it must be refused, not crash."""
    bomb = (
        pickle.PROTO
        + b"\x02"
        + b"c__builtin__\nbytearray\n"
        + pickle.BININT
        + (2**31 - 1).to_bytes(4, "little")
    )
    bomb += pickle.TUPLE1 + pickle.REDUCE + pickle.STOP
    path = tmp_path / "bomb.pkl"
    path.write_bytes(bomb)
    db = tmp_path / "code_db.sqlite"
    CLI(str(db), tmp_path).ok("init")

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    result = subprocess.run(
        [sys.executable, "-m", "codedb", f"--db={db}", "import-legacy", str(path)],
        capture_output=True,
        text=True,
        env=ENV,
        preexec_fn=cap,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("Error: ")
