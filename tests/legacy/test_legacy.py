"""import-legacy: the old tool's pickles of every shape and its SQLModel database, imported
completely and idempotently; malicious pickles refused without running anything."""

import enum
import hashlib
import json
import os
import pickle
import sqlite3
import sys
import types
import uuid
from datetime import datetime
from pathlib import Path

import pytest

import codedb
from codedb.legacy import LegacyError, import_legacy
from conftest import CLI, SHARED, db_snapshot

FIXTURE = SHARED / "fixtures" / "legacy" / "code_database.pkl"


def digest(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


@pytest.fixture
def lib(ready_target: str, tmp_path: Path) -> CLI:
    """The CLI on a database `codedb init` made."""
    return CLI(ready_target, tmp_path)


def test_the_real_early_pickle_imports_completely(lib: CLI, tmp_path: Path) -> None:
    if not FIXTURE.exists():
        pytest.skip(f"{FIXTURE} is absent: the shared fixtures are not beside this checkout")
    before = digest(FIXTURE)
    out = lib.ok("import-legacy", str(FIXTURE))
    assert "code_db pickle (early shape)" in out
    assert "found: 1 function, 1 unit test, 1 test result, 1 modification" in out
    assert "imported: 1 function row, 1 unittest row, 1 testresult row, 1 modification row" in out
    rows = db_snapshot(lib.target)
    (function,) = rows["function"]
    assert function.function_id == "6a8e01a5-a9a4-4ae9-b5af-fc15b6c3843e"
    assert function.name == "symbolic_derivative" and function.code_snippet.startswith(
        "function symbolic_derivative("
    )
    assert function.creation_date.year == 2025
    (result,) = rows["testresult"]
    assert result.status == "failed" and result.actual_result.startswith("ERROR: LoadError")
    assert rows["unittest"][0].function_id == function.function_id
    assert rows["modification"][0].modifier == "AI"
    assert "imported: nothing new" in lib.ok("import-legacy", str(FIXTURE))
    assert db_snapshot(lib.target) == rows
    assert digest(FIXTURE) == before


# --- synthetic pickles of the middle and late shapes -------------------------------------------


def _record_class(module: str, name: str) -> type:
    cls = type(name, (), {"__module__": module, "__qualname__": name})
    return cls


def _make(cls: type, **fields: object) -> object:
    obj = cls.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def build_pickle(module: str, protocol: int) -> bytes:
    """A CodeDatabase pickled with classes living at `module`, as the old tool saved it."""
    mod = types.ModuleType(module)
    tracing = types.ModuleType("fancy_tracing_lib")

    class TracedStr(str):  # a third-party str subclass with tracing state
        pass

    TracedStr.__module__ = "fancy_tracing_lib"
    TracedStr.__qualname__ = "TracedStr"
    tracing.TracedStr = TracedStr  # type: ignore[attr-defined]

    class TestStatusEnum(enum.Enum):
        PASSED = "passed"
        FAILED = "failed"
        PENDING = "pending"
        RUNNING = "running"

    TestStatusEnum.__module__ = module
    TestStatusEnum.__qualname__ = "TestStatusEnum"
    names = ["CodeDatabase", "Function", "UnitTest", "TestResult", "Modification", "Module"]
    classes = {n: _record_class(module, n) for n in names}
    for name, cls in {**classes, "TestStatusEnum": TestStatusEnum}.items():
        setattr(mod, name, cls)
    parents = module.split(".")
    saved = {
        k: sys.modules.get(k)
        for k in [*(".".join(parents[: i + 1]) for i in range(len(parents))), "fancy_tracing_lib"]
    }
    for i in range(len(parents) - 1):
        sys.modules.setdefault(".".join(parents[: i + 1]), types.ModuleType(".".join(parents[: i + 1])))
    sys.modules[module] = mod
    sys.modules["fancy_tracing_lib"] = tracing
    try:
        traced = TracedStr("assert sort([3, 1]) == [1, 3]")
        traced.__dict__["trace"] = {"spans": list(range(5))}
        f1, f2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
        test = _make(
            classes["UnitTest"],
            test_id="t-1",
            function_id=f1,
            name="sorts",
            description="d",
            test_case=traced,
        )
        fn1 = _make(
            classes["Function"],
            function_id=f1,
            name="sort",
            description="sorts things",
            code_snippet="def sort(xs: list) -> list:\n    return sorted(xs)\n",
            creation_date=datetime(2024, 2, 1, 9, 30),
            last_modified_date=datetime(2024, 2, 2, 10, 0),
            unit_tests=[test],
            modules=["algorithms", "ghost_module"],
            tags=["core", "stable"],
            dependencies=[f2],
            signature={"arg_names": ["xs"], "arg_types": ["list"]},
        )
        fn2 = _make(
            classes["Function"],
            function_id=f2,
            name="sort",
            description="same name, other id",
            code_snippet="def helper(): pass",
            creation_date=datetime(2024, 1, 1),
            unit_tests=[],
            modules=["algorithms"],
            tags=[],
            dependencies=[],
        )  # no last_modified_date
        results = [
            _make(
                classes["TestResult"],
                result_id="r-1",
                test_id="t-1",
                function_id=f1,
                execution_date=datetime(2024, 2, 3),
                actual_result="[1, 3]",
                status=TestStatusEnum.PASSED,
            ),
            _make(
                classes["TestResult"],
                result_id="r-2",
                test_id="t-missing",
                function_id=f1,
                execution_date=datetime(2024, 2, 4),
                actual_result=None,
                status=TestStatusEnum.FAILED,
            ),
        ]
        mods = [
            _make(
                classes["Modification"],
                modification_id="m-1",
                function_id=f1,
                modifier="bob",
                modification_date=datetime(2024, 2, 2, 10, 0),
                description="faster",
            )
        ]
        database = _make(
            classes["CodeDatabase"],
            db_name="lib",
            db_version="2",
            created_date=datetime(2024, 1, 1),
            last_modified_date=datetime(2024, 2, 4),
            functions={f1: fn1, f2: fn2},
            modifications=mods,
            test_results=results,
            modules={"algorithms": _make(classes["Module"], module_id="mod-1", name="algorithms")},
            tags={"core", "stable", "unused-tag"},
        )
        return pickle.dumps(database, protocol=protocol)
    finally:
        for key, value in saved.items():
            if value is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = value


@pytest.mark.parametrize(
    ("module", "protocol", "shape"),
    [
        ("code_db", 2, "middle"),
        ("code_db", 4, "middle"),
        ("src.autocode.models", 5, "late"),
    ],
)
def test_middle_and_late_pickles_import_completely(
    lib: CLI, tmp_path: Path, module: str, protocol: int, shape: str
) -> None:
    path = tmp_path / "code_db.pkl"
    path.write_bytes(build_pickle(module, protocol))
    assert "fancy_tracing_lib" not in sys.modules  # the foreign library is not installed
    before = digest(path)
    out = lib.ok("import-legacy", str(path))
    assert f"code_db pickle ({shape} shape)" in out
    assert "coerced: class fancy_tracing_lib.TracedStr is not known" in out
    assert "coerced: function 11111111-1111-4111-8111-111111111111: module 'ghost_module' was missing" in out
    assert "skipped: test result r-2: its test t-missing is not in the file" in out
    assert "last_modified_date: missing, set to 2024-01-01 00:00:00" in out
    rows = db_snapshot(lib.target)
    assert sorted(f.function_id for f in rows["function"]) == [
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
    ]
    assert {f.name for f in rows["function"]} == {"sort"}
    assert sorted(m.name for m in rows["module"]) == ["algorithms", "ghost_module"]
    assert {m.module_id for m in rows["module"] if m.name == "algorithms"} == {"mod-1"}
    assert sorted(t.name for t in rows["tag"]) == ["core", "stable", "unused-tag"]
    assert len(rows["function_modules"]) == 3 and len(rows["function_tags"]) == 2
    assert [(d.function_id[:1], d.depends_on_id[:1]) for d in rows["function_dependencies"]] == [("1", "2")]
    (test,) = rows["unittest"]
    assert test.test_case == "assert sort([3, 1]) == [1, 3]" and type(test.test_case) is str
    assert [(r.result_id, r.status) for r in rows["testresult"]] == [("r-1", "passed")]
    assert rows["modification"][0].modifier == "bob"
    signature = [f for f in rows["function"] if f.function_id.startswith("1")][0].signature
    assert signature == {"arg_names": ["xs"], "arg_types": ["list"]}
    assert "imported: nothing new" in lib.ok("import-legacy", str(path))
    assert db_snapshot(lib.target) == rows
    assert digest(path) == before


def test_dry_run_changes_nothing(lib: CLI, tmp_path: Path) -> None:
    path = tmp_path / "code_db.pkl"
    path.write_bytes(build_pickle("code_db", 4))
    before = db_snapshot(lib.target)
    out = lib.ok("import-legacy", str(path), "--dry-run")
    assert "would import: 2 function" in out
    assert db_snapshot(lib.target) == before


# --- malicious pickles ------------------------------------------------------------------------


def test_malicious_pickles_are_refused_and_run_nothing(lib: CLI, tmp_path: Path) -> None:
    marker = tmp_path / f"pwned-{uuid.uuid4().hex}"
    evil_module = tmp_path / "evil_payload_module.py"
    evil_module.write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    cases = {
        "os.system": b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.",
        "posix.system": b"cposix\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.",
        "subprocess.check_call": b"csubprocess\ncheck_call\n((S'touch'\nS'"
        + str(marker).encode()
        + b"'\nltR.",
        "builtins.eval": b"cbuiltins\neval\n(S'open(" + repr(str(marker)).encode() + b', "w")\'\ntR.',
        "builtins.__import__": b"cbuiltins\n__import__\n(S'os'\ntR.",
        "evil_payload_module.anything": b"cevil_payload_module\nanything\n(tR.",
    }
    for name, payload in cases.items():
        path = tmp_path / f"{name}.pkl"
        path.write_bytes(payload)
        before = db_snapshot(lib.target)
        line = lib.error(
            "import-legacy",
            str(path),
            env={"PYTHONPATH": f"{tmp_path}:{Path(__file__).parent.parent / 'src'}"},
        )
        assert f"refused global {name}" in line, line
        assert "may be malicious" in line
        assert not marker.exists(), f"{name} ran"
        assert db_snapshot(lib.target) == before


def test_the_unpickler_never_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported.txt"
    (tmp_path / "evil_payload_two.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from codedb.legacy.unpickle import load

    data = {"functions": {}, "x": None}
    payload = pickle.dumps(data).replace(b"}", b"}", 1)
    obj, foreign = load(payload)
    assert obj == data and foreign == set()
    with pytest.raises(pickle.UnpicklingError, match="refused global evil_payload_two.thing"):
        load(b"cevil_payload_two\nthing\n(tR.")
    assert "evil_payload_two" not in sys.modules and not marker.exists()
    with pytest.raises(pickle.UnpicklingError, match="refused global builtins.getattr"):
        load(b"cbuiltins\ngetattr\n(cbuiltins\nstr\nS'join'\ntR.")


def test_not_a_legacy_file(lib: CLI, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01binary junk")
    assert "is not a legacy file codedb knows" in lib.error("import-legacy", str(junk))
    truncated = tmp_path / "truncated.pkl"
    truncated.write_bytes(build_pickle("code_db", 4)[:200])
    assert "is not a readable code_db pickle" in lib.error("import-legacy", str(truncated))
    assert "does not exist" in lib.error("import-legacy", str(tmp_path / "missing.pkl"))
    other = tmp_path / "other.pkl"
    other.write_bytes(pickle.dumps([1, 2, 3]))
    assert "is a pickle, but not of a code_db database" in lib.error("import-legacy", str(other))


# --- the SQLModel database and the projects registry -------------------------------------------

SQLMODEL_SCHEMA = """
CREATE TABLE function (function_id VARCHAR NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, description VARCHAR,
    code_snippet VARCHAR, creation_date DATETIME, last_modified_date DATETIME, signature_json VARCHAR);
CREATE TABLE module (name VARCHAR NOT NULL PRIMARY KEY, module_id VARCHAR);
CREATE TABLE unittest (test_id VARCHAR NOT NULL PRIMARY KEY, function_id VARCHAR, name VARCHAR,
    description VARCHAR, test_case VARCHAR);
CREATE TABLE testresult (result_id VARCHAR NOT NULL PRIMARY KEY, test_id VARCHAR, function_id VARCHAR,
    execution_date DATETIME, actual_result VARCHAR, status VARCHAR(7));
CREATE TABLE modification (modification_id VARCHAR NOT NULL PRIMARY KEY, function_id VARCHAR,
    modifier VARCHAR, modification_date DATETIME, description VARCHAR);
CREATE TABLE function_modules (function_id VARCHAR, module_name VARCHAR);
CREATE TABLE function_tags (function_id VARCHAR, tag VARCHAR);
CREATE TABLE function_dependencies (function_id VARCHAR, depends_on_id VARCHAR);
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);
INSERT INTO alembic_version VALUES ('abc123');
INSERT INTO function VALUES ('f-1', 'parse', 'parses', 'def parse(s): ...', '2024-03-01 12:00:00.000000',
    '2024-03-02 08:00:00.500000', '{"arg_names": ["s"], "arg_types": [null]}');
INSERT INTO function VALUES ('f-2', 'parse', NULL, NULL, '2024-03-01 12:00:00', NULL, NULL);
INSERT INTO module VALUES ('io', 'mod-io');
INSERT INTO function_modules VALUES ('f-1', 'io'), ('f-2', 'text');
INSERT INTO function_tags VALUES ('f-1', 'fast');
INSERT INTO function_dependencies VALUES ('f-1', 'f-2'), ('f-2', 'f-9'), ('f-2', 'f-2');
INSERT INTO unittest VALUES ('t-1', 'f-1', 'parses', '', 'assert parse("")');
INSERT INTO testresult VALUES ('r-1', 't-1', 'f-1', '2024-03-03 00:00:00', 'ok', 'PASSED'),
                              ('r-2', 't-1', 'f-1', '2024-03-04 00:00:00', 'boom', 'ERRORED');
INSERT INTO modification VALUES ('m-1', 'f-1', 'eve', '2024-03-02 08:00:00.500000', 'typo');
"""


def test_sqlmodel_database_imports_read_only(lib: CLI, tmp_path: Path) -> None:
    old = tmp_path / "code_db_old.sqlite"
    conn = sqlite3.connect(old)
    conn.executescript(SQLMODEL_SCHEMA)
    conn.close()
    before = digest(old)
    out = lib.ok("import-legacy", str(old))
    assert "code_db SQLModel database" in out
    assert "skipped: test result r-2: status 'ERRORED' is not one of passed, failed, pending, running" in out
    assert "skipped: dependency f-2 -> f-9: no such function" in out
    assert "skipped: dependency f-2 -> f-2: a function cannot depend on itself" in out
    assert "module 'text' was missing from the modules; created it" in out
    rows = db_snapshot(lib.target)
    assert [f.function_id for f in rows["function"]] == ["f-1", "f-2"]
    f1 = rows["function"][0]
    assert f1.last_modified_date == datetime(2024, 3, 2, 8, 0, 0, 500000) and f1.signature_json.startswith(
        '{"arg_names"'
    )
    assert rows["function"][1].description == "" and rows["function"][1].code_snippet == ""
    assert [(r.result_id, r.status) for r in rows["testresult"]] == [("r-1", "passed")]
    assert [(d.function_id, d.depends_on_id) for d in rows["function_dependencies"]] == [("f-1", "f-2")]
    assert "imported: nothing new" in lib.ok("import-legacy", str(old))
    assert digest(old) == before


def test_a_projects_registry_and_its_workflow_files_become_projects_and_events(
    tmp_path: Path, ready_target: str
) -> None:
    lib = CLI(ready_target, tmp_path)
    target = ready_target
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / ".pygubu-workflow.json").write_text(
        json.dumps(
            {
                "project": "shop",
                "file_hashes": {"main.ui": "abc"},
                "last_sync": "2024-02-02T10:00:00",
                "history": [
                    {"timestamp": "2024-02-01T09:00:00", "action": "ui_edited", "description": "main window"},
                    {"timestamp": "not a time", "action": "synced", "description": "x"},
                    {"description": "no action"},
                ],
            }
        )
    )
    registry = tmp_path / "projects.json"
    doc = {
        "projects": {
            "oldest": "/home/me/oldest",  # the oldest shape: a plain path
            "shop": {
                "path": str(shop),
                "created": "2024-01-01T08:00:00",
                "modified": "2024-02-01T09:00:00",
                "description": "a shop",
                "tags": ["gui", "tk"],
            },
        },
        "active_project": "shop",  # the older key
    }
    registry.write_text(json.dumps(doc))
    before = digest(registry)
    out = lib.ok("import-legacy", str(registry))
    assert "projects registry" in out and "imported: 2 projects rows, 4 workflow_events rows" in out
    assert "not an ISO 8601 time" in out and "history entry 3 has no action" in out
    rows = db_snapshot(target)
    projects = {p.name: p for p in rows["projects"]}
    assert projects["shop"].config == {"tags": ["gui", "tk"], "active": True, "imported_from": str(registry)}
    assert (
        projects["shop"].created_at == datetime(2024, 1, 1, 8)
        and projects["oldest"].path == "/home/me/oldest"
    )
    events = sorted(
        (e.action, e.description)
        for e in rows["workflow_events"]
        if e.project_id == projects["shop"].project_id
    )
    assert ("ui_edited", "main window") in events and len(events) == 3
    assert "imported: nothing new" in lib.ok("import-legacy", str(registry))  # idempotent
    assert digest(registry) == before  # the source is untouched
    doc["projects"]["new one"] = "/home/me/new"  # the old tool added a project since
    registry.write_text(json.dumps(doc))
    assert "imported: 1 projects row, 1 workflow_events row" in lib.ok("import-legacy", str(registry))
    older = tmp_path / "changes.json"  # an older workflow file: changes instead of history
    older.write_text(
        json.dumps(
            {"project": "legacy-ui", "changes": [{"timestamp": "2023-05-01T00:00:00", "file": "a.ui"}]}
        )
    )
    assert "imported: 1 projects row, 2 workflow_events rows" in lib.ok("import-legacy", str(older))
    assert ("file_changed", "a.ui") in {
        (e.action, e.description) for e in db_snapshot(target)["workflow_events"]
    }
    lib.ok("projects", "create", "--name=clash")
    registry.write_text(json.dumps({"projects": {"clash": "/x"}}))
    assert "skipped: project clash: a project of that name exists in codedb already" in lib.ok(
        "import-legacy", str(registry)
    )
    registry.write_text("{broken")
    assert "is not valid JSON" in lib.error("import-legacy", str(registry))
    registry.write_text('{"something": "else"}')
    assert "not a legacy format codedb knows" in lib.error("import-legacy", str(registry))


@pytest.mark.postgres
def test_legacy_import_into_postgresql(pg_schema_url: str, tmp_path: Path) -> None:
    path = tmp_path / "code_db.pkl"
    path.write_bytes(build_pickle("code_db", 4))
    with codedb.connect(pg_schema_url) as db:
        codedb.migrate(db)
        report = import_legacy(db, path)
        assert report.added["function"] == 2 and report.added["testresult"] == 1
        assert not any(import_legacy(db, path).added.values())
        junk = tmp_path / "junk"
        junk.write_bytes(b"\x01\x02")
        with pytest.raises(LegacyError, match="is not a legacy file codedb knows"):
            import_legacy(db, junk)


def test_legacy_text_codedb_cannot_store_is_coerced_and_reported(lib: CLI, tmp_path: Path) -> None:
    """Issue #9, item 12: a signature that is not JSON and text with NUL are not stored as they are."""
    old = tmp_path / "odd.sqlite"
    conn = sqlite3.connect(old)
    conn.executescript(SQLMODEL_SCHEMA)
    conn.execute(
        "UPDATE function SET signature_json = 'not json', description = 'a' || char(0) || 'b' "
        "WHERE function_id = 'f-1'"
    )
    conn.commit()
    conn.close()
    out = lib.ok("import-legacy", str(old))
    assert "coerced: function f-1: signature_json is not a JSON object; parsed again from the code" in out
    assert "coerced: function f-1 description: NUL characters removed (codedb cannot store them)" in out
    f1 = db_snapshot(lib.target)["function"][0]
    assert f1.description == "ab" and f1.signature == {"arg_names": ["s"], "arg_types": [None]}
    shown = json.loads(lib.ok("show-function", "--function-id=f-1", "--json"))
    assert shown["signature"] == {"arg_names": ["s"], "arg_types": [None]}


def test_a_sqlmodel_text_that_is_not_utf8_comes_over_replaced_and_noted(lib: CLI, tmp_path: Path) -> None:
    # Regression: bytes that are not UTF-8 in one text refused the whole file ("Could not
    # decode to UTF-8 column 'description'"), as in the other tools' SQLite files.
    old = tmp_path / "code_db_old.sqlite"
    conn = sqlite3.connect(old)
    conn.executescript(SQLMODEL_SCHEMA)
    conn.execute("UPDATE function SET description = CAST(x'61ff62' AS TEXT) WHERE function_id = 'f-1'")
    conn.commit()
    conn.close()
    out = lib.ok("import-legacy", str(old))
    assert "function f-1 description: characters that are not valid Unicode replaced by U+FFFD" in out
    assert db_snapshot(lib.target)["function"][0].description == "a\ufffdb"


@pytest.mark.parametrize(
    "table, why",
    [
        (
            "CREATE TABLE function (function_id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, "
            "code_snippet BLOB AS (zeroblob(50000000)) VIRTUAL, creation_date DATETIME, "
            "last_modified_date DATETIME, signature_json VARCHAR)",
            "table function computes its column code_snippet when read",
        ),
        (
            "CREATE TABLE function (function_id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, "
            "code_snippet VARCHAR, creation_date DATETIME, last_modified_date DATETIME, "
            "signature_json VARCHAR AS (upper(name)) STORED)",
            "table function computes its column signature_json when read",
        ),
        (
            "CREATE VIRTUAL TABLE function USING fts5(function_id, name, description, code_snippet, "
            "creation_date, last_modified_date, signature_json)",
            "table function is a virtual table",
        ),
    ],
)
def test_a_sqlmodel_file_that_computes_its_values_is_refused(
    lib: CLI, tmp_path: Path, table: str, why: str
) -> None:
    """Issue #22 item 16: an 8 KB file whose code_snippet is `AS (zeroblob(50000000))` made a
    dry run use 5.9 GB and end in a traceback."""
    import resource
    import subprocess
    import sys

    from conftest import ROOT

    old = tmp_path / "crafted.sqlite"
    with sqlite3.connect(old) as conn:
        conn.execute(table)
        for n in range(100):
            conn.execute("INSERT INTO function (function_id, name) VALUES (?, ?)", (f"f{n}", "n"))
    conn.close()
    assert old.stat().st_size < 64_000

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    result = subprocess.run(
        [sys.executable, "-m", "codedb", f"--db={lib.target}", "import-legacy", str(old), "--dry-run"],
        capture_output=True, text=True, preexec_fn=cap, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert result.returncode == 1, result
    assert result.stderr == f"Error: {old}: {why}; the old tool's tables store their values\n"


def test_a_second_source_with_colliding_ids_is_named_not_dropped(lib: CLI, tmp_path: Path) -> None:
    """Issue #22 item 25: two legacy sources whose test, result or modification ids collide:
    the second source's rows were dropped without a word."""
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    for path, change in ((first, ""), (second, "other ")):
        with sqlite3.connect(path) as conn:
            conn.executescript(
                SQLMODEL_SCHEMA.replace("'typo'", f"'{change}typo'").replace(
                    "'assert parse(\"\")'", f"'assert parse(\"{change}\")'"
                )
            )
        conn.close()
    assert "imported: " in lib.ok("import-legacy", str(first))
    again = lib.ok("import-legacy", str(first))
    assert "imported: nothing new" in again and "2 function rows, " in again.split("already there: ")[1]
    assert "holds another row" not in again  # the same file: the same rows, nothing to say
    out = lib.ok("import-legacy", str(second))
    assert (
        "skipped: unittest t-1: codedb holds another row under this id (from another source?); "
        "kept the one it holds"
    ) in out
    assert "skipped: modification m-1: codedb holds another row under this id" in out
    rows = db_snapshot(lib.target)
    assert [m.description for m in rows["modification"]] == ["typo"]  # the first source's, kept


def test_text_codedb_cannot_store_is_replaced_as_its_note_says() -> None:
    # Regression: a lone surrogate (a pickle's str may hold one) was noted as "replaced by
    # U+FFFD" and stored as "?", which no reader can tell from a question mark.
    from codedb.legacy.collect import storable_text

    notes: list[str] = []
    assert storable_text("a\ud800b\udcffc?", "x", notes) == "a\ufffdb\ufffdc?"
    assert notes == ["x: characters that are not valid Unicode replaced by U+FFFD"]
    assert storable_text("n\x00ul \u00e9", "y", notes) == "nul \u00e9" and len(notes) == 2
    assert storable_text("plain", "z", notes) == "plain" and len(notes) == 2
