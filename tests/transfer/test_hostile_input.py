"""Regression tests of issue #9, items 12 and 16 to 18: every field of an import is checked
for its type, hostile files and arguments end in one line and exit 1 (never a traceback or a
hang), and the restricted unpickler bounds what a pickle may build."""

import json
import os
import pickle
import pickletools
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CLI, ROOT, db_snapshot

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


@pytest.fixture
def lib(tmp_path: Path, new_cli: Callable[[str], CLI]) -> CLI:
    cli = new_cli("code_db.sqlite")
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


def _import_capped(
    tmp_path: Path, migrated: Path, data: bytes, timeout: int
) -> subprocess.CompletedProcess[str]:
    """`codedb import-legacy` of `data` in a process capped at 1 GiB, into a copy of the
    worker's migrated file."""
    path = tmp_path / "bomb.pkl"
    path.write_bytes(data)
    db = tmp_path / "code_db.sqlite"
    shutil.copy2(migrated, db)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    return subprocess.run(
        [sys.executable, "-m", "codedb", f"--db={db}", "import-legacy", str(path)],
        capture_output=True, text=True, env=ENV, preexec_fn=cap, timeout=timeout,
    )  # fmt: skip


def test_a_pickle_bomb_does_not_exhaust_memory(tmp_path: Path, sqlite_migrated: Path) -> None:
    """The allocation bomb in a process capped at 1 GiB: it must be refused, not crash."""
    bomb = (
        pickle.PROTO
        + b"\x02"
        + b"c__builtin__\nbytearray\n"
        + pickle.BININT
        + (2**31 - 1).to_bytes(4, "little")
    )
    bomb += pickle.TUPLE1 + pickle.REDUCE + pickle.STOP
    result = _import_capped(tmp_path, sqlite_migrated, bomb, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("Error: ")


class _Reduced:
    """An object pickled as the call `func(*args)`: how a crafted pickle asks for work."""

    def __init__(self, func: object, args: tuple[object, ...]):
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


def _shared_lists() -> list[object]:
    level1 = [0] * 1000
    return [level1] * 1000  # a million zeros in a few kB of pickle


def _deep_tuple() -> bytes:
    """Opcodes pushing a tuple shared at every one of 40 levels (hashing it: 2**40 steps)."""
    ops = pickle.BININT1 + b"\x00" + pickle.BININT1 + b"\x01" + pickle.TUPLE2 + pickle.BINPUT + b"\x00"
    for level in range(40):
        ops += pickle.POP + pickle.BINGET + bytes([level]) + pickle.BINGET + bytes([level])
        ops += pickle.TUPLE2 + pickle.BINPUT + bytes([level + 1])
    return ops


def _colliding_keys(count: int) -> bytes:
    """SETITEMS of `count` numbers that hash alike (multiples of 2**61 - 1): built by hand,
    since building the dict here would take as long as loading it."""
    numbers = ((k * (2**61 - 1)).to_bytes(11, "little", signed=True) for k in range(1, count + 1))
    ops = (pickle.LONG1 + b"\x0b" + number + pickle.BININT1 + b"\x00" for number in numbers)
    return pickle.EMPTY_DICT + pickle.MARK + b"".join(ops) + pickle.SETITEMS


PROTO2 = pickle.PROTO + b"\x02"
BOMBS = {
    # Issue #22 item 14: str() of shared lists writes each path out (2.66 GB from 4 KB).
    "str of shared lists": pickle.dumps(_Reduced(str, (([_shared_lists()] * 2000,),)), protocol=4),
    # A dict keyed by a tuple shared at every level: hashing it takes 2**40 steps.
    "a shared tuple as a key": PROTO2 + pickle.EMPTY_DICT + _deep_tuple() + pickle.BININT1 + b"\x01"
    + pickle.SETITEM + pickle.STOP,
    "a set of shared tuples": pickle.PROTO + b"\x04" + pickle.EMPTY_SET + pickle.MARK + _deep_tuple()
    + pickle.ADDITEMS + pickle.STOP,
    "frozenset() of shared tuples": PROTO2 + b"c__builtin__\nfrozenset\n" + pickle.EMPTY_LIST + _deep_tuple()
    + pickle.APPEND + pickle.TUPLE1 + pickle.REDUCE + pickle.STOP,
    "enum member named by shared lists": PROTO2 + b"ccode_db\nTestStatusEnum\n"
    + pickle.dumps(([_shared_lists()] * 2000,), protocol=2)[2:-1] + pickle.REDUCE + pickle.STOP,
    # Numbers whose hashes collide: each insertion compares with every earlier key.
    "colliding number keys": PROTO2 + _colliding_keys(60_000) + pickle.STOP,
}  # fmt: skip


REFUSALS = {
    "str of shared lists": "refused global builtins.str (str() of anything but text",
    "a shared tuple as a key": "the pickle uses tuple as a dict key",
    "a set of shared tuples": "the pickle uses tuple as a set member",
    "frozenset() of shared tuples": "the pickle uses tuple as a set member",
    "enum member named by shared lists": "refused global code_db.TestStatusEnum (a member named by a list)",
    "colliding number keys": "the pickle uses int as a dict key",
}


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_pickle_that_asks_for_unbounded_work_is_refused(
    tmp_path: Path, sqlite_migrated: Path, bomb: str
) -> None:
    """Each bomb is a few kB; under a 1 GiB cap and a 30 s limit, import-legacy refuses it in
    one line (the old unpickler ran out of memory, or ran for hours)."""
    assert len(BOMBS[bomb]) < 1_000_000
    result = _import_capped(tmp_path, sqlite_migrated, BOMBS[bomb], timeout=30)
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert REFUSALS[bomb] in lines[0], lines[0]  # refused before the work, not by running out


def test_no_callable_a_pickle_reaches_can_be_changed_for_the_next_load(tmp_path: Path) -> None:
    """BUILD on the `_codecs.encode` stand-in set its defaults for every later load; on
    `uuid.UUID` it would have changed the real class."""
    from codedb.legacy.unpickle import RefusedGlobal, load

    def build_on(module: bytes, name: bytes, attribute: bytes, value: bytes) -> bytes:
        return (
            pickle.PROTO + b"\x02" + b"c" + module + b"\n" + name + b"\n"
            + b"N}" + b"X" + len(attribute).to_bytes(4, "little") + attribute
            + value + b"s" + pickle.TUPLE2 + pickle.BUILD + pickle.STOP
        )  # fmt: skip

    rot13 = b"X\x05\x00\x00\x00rot13\x85"  # the tuple ('rot13',)
    for evil in (
        build_on(b"_codecs", b"encode", b"__defaults__", rot13),
        build_on(b"_codecs", b"encode", b"check", b"N"),
        build_on(b"builtins", b"str", b"check", b"N"),
        build_on(b"uuid", b"UUID", b"__str__", b"N"),
    ):
        with pytest.raises((RefusedGlobal, pickle.UnpicklingError)):
            value, _ = load(evil)
            if isinstance(value, type):  # a class was changed: it must be this load's own
                import uuid

                assert value is not uuid.UUID
                raise RefusedGlobal("uuid", "UUID", "changed a fresh subclass only")
    import uuid

    assert str(uuid.UUID(int=5)) == "00000000-0000-0000-0000-000000000005"
    data = pickle.dumps({"b": b"\xff\x00abc", "u": uuid.UUID(int=7), "s": {"x", "y"}}, protocol=2)
    assert load(data)[0] == {"b": b"\xff\x00abc", "u": uuid.UUID(int=7), "s": {"x", "y"}}


NUMBERS = {
    "tokens_in": ["1" + "0" * 30, str(2**63), str(-(2**63) - 1), str(2**31), "1" + "0" * 400],
    "cost": ["1e400", "-1e400", "1" + "0" * 400],
}


@pytest.mark.parametrize("field, number", [(f, n) for f, ns in NUMBERS.items() for n in ns])
def test_an_imported_number_no_column_holds_is_one_line(
    ready_target: str, tmp_path: Path, field: str, number: str
) -> None:
    """Issue #22 item 20: 10**30 in an import ended in the driver's OverflowError."""
    cli = CLI(ready_target, tmp_path)
    usage = {
        "usage_id": "u1", "project_id": None, "provider": "openai", "model": "m", "request_type": "",
        "tokens_in": 1, "tokens_out": 1, "tokens_total": 2, "cost": 0.5, "latency_ms": None,
        "success": True, "error": None, "timestamp": "2024-01-01T00:00:00",
    }  # fmt: skip
    row = json.dumps({"table": "ai_provider_usage", "row": {**usage, field: 0}})
    dump = tmp_path / "d.jsonl"  # JSON lines: Python's json reads any number, as a user's tool writes it
    dump.write_text(
        json.dumps({"format": "codedb-dump", "format_version": 1})
        + "\n"
        + row.replace(f'"{field}": 0', f'"{field}": {number}')
        + "\n"
    )
    before = db_snapshot(ready_target)
    line = cli.error("import", str(dump))
    said = f"Error: {dump}: ai_provider_usage row 1: not a valid ProviderUsage record: {field}: "
    assert line.startswith(said), line
    assert "out of range" in line or "not a finite number" in line, line
    assert db_snapshot(ready_target) == before
