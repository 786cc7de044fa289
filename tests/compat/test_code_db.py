"""`codedb.compat` is the old code_db tool's Python API (docs/moving.md, code_db), call by call,
with its shapes: the module-level functions over the swappable `_db`, the `CodeDatabase`
class, the returned error dicts and the raised ValueErrors; on both backends. One script runs
as a real process, to show the default database is created and migrated on first use."""

import hashlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import codedb
from codedb import compat as code_db
from conftest import ROOT

ERROR_KEYS = {"success", "error_type", "message", "suggested_action"}


@pytest.fixture
def old(ready_target: str) -> Iterator[code_db.CodeDatabase]:
    """The module's `_db` swapped for a fresh database of the backend under test, as the old
    tool's tests did (`code_db._db = code_db.CodeDatabase()`); put back afterwards."""
    saved = code_db._db
    code_db._db = code_db.CodeDatabase(ready_target)
    try:
        yield code_db._db
    finally:
        code_db._db.close()
        code_db._db = saved


def is_error(result: object, error_type: str) -> bool:
    assert isinstance(result, dict) and set(result) >= ERROR_KEYS, result
    assert result["success"] is False and result["error_type"] == error_type, result
    assert result["message"].isprintable() and result["message"], result  # one line, no escape codes
    return True


def test_functions_listings_and_lookups(old: code_db.CodeDatabase) -> None:
    fib = code_db.add_function("fib", "Fibonacci numbers", "def fib(n): return n", ["math"], ["classic"])
    dup = code_db.add_function("fib", "another fib", "def fib(n): return 1")  # names need not be unique
    memo = code_db.add_function("memo", "A cache", "def memo(f): return f", modules=["util"])
    assert isinstance(fib, str) and len({fib, dup, memo}) == 3

    got = code_db.get_function(fib)
    assert got is not None
    assert {k: got[k] for k in ("id", "name", "description", "code", "modules", "tags")} == {
        "id": fib,
        "name": "fib",
        "description": "Fibonacci numbers",
        "code": "def fib(n): return n",
        "modules": ["math"],
        "tags": ["classic"],
    }
    assert code_db.get_function("no-such-id") is None

    listed = code_db.list_functions()
    assert sorted(f["id"] for f in listed) == sorted([fib, dup, memo])
    assert all(set(f) >= {"id", "name", "description", "modules", "tags"} for f in listed)
    assert [f["id"] for f in code_db.list_functions(module="util")] == [memo]
    assert [f["id"] for f in code_db.list_functions(module="math", tag="classic")] == [fib]
    assert [f["id"] for f in code_db.list_functions_by_tag("classic")] == [fib]
    assert code_db.list_functions_by_tag("nothing") == []

    code_db.add_function_to_module(memo, "math")
    code_db.add_tag(memo, "decorator")
    assert code_db.add_tag("no-such-id", "x") is None  # an unknown id changes nothing
    assert code_db.get_function(memo)["modules"] == ["math", "util"]
    modules = code_db.list_modules()
    assert sorted(m["name"] for m in modules) == ["math", "util"]
    assert all(set(m) == {"id", "name"} and m["id"] for m in modules)
    assert any(m["name"] == "math" for m in code_db.list_modules())  # how old scripts use it
    assert code_db.list_tags() == ["classic", "decorator"]


def test_search_by_text_dates_and_latest_status(old: code_db.CodeDatabase) -> None:
    fib = code_db.add_function("fib", "Fibonacci NUMBERS", "def fib(n): return n")
    other = code_db.add_function("sort", "orders a list", "def sort(xs): return sorted(xs)")
    assert [f["id"] for f in code_db.search_functions("numbers")] == [fib]  # any case
    assert [f["id"] for f in code_db.search_functions("SORTED(")] == [other]  # in the code
    assert code_db.search_functions("fib", created_after="2999-01-01") == []
    assert len(code_db.search_functions("", created_after="2000-01-01")) == 2
    assert code_db.search_functions("", modified_after="2999-01-01T00:00:00") == []
    test = code_db.add_test(fib, "t", "d", "assert fib(1) == 1")
    code_db.record_test_result(test, "failed")
    code_db.record_test_result(test, "passed")  # the latest result counts
    assert [f["id"] for f in code_db.search_functions("", test_status="PASSED")] == [fib]
    assert code_db.search_functions("", test_status="failed") == []


def test_modify_and_history(old: code_db.CodeDatabase) -> None:
    fib = code_db.add_function("fib", "d", "def fib(n): return n")
    assert code_db.modify_function(fib, "ada", "iterative now", "def fib(n, a=0): return a") is None
    assert code_db.get_function(fib)["code"] == "def fib(n, a=0): return a"
    assert old.functions[fib].signature == {"arg_names": ["n", "a"], "arg_types": [None, None]}
    history = code_db.list_modifications(fib)
    assert [(m["modifier"], m["description"]) for m in history] == [("ada", "iterative now")]
    assert set(history[0]) >= {"id", "modifier", "description"} and history[0]["id"]
    before = code_db.list_functions()
    assert code_db.modify_function("no-such-id", "ada", "x", "y") is None  # changes nothing
    assert code_db.list_functions() == before


def test_dependencies_return_the_old_dicts(old: code_db.CodeDatabase) -> None:
    a = code_db.add_function("a", "", "def a(): return b()")
    b = code_db.add_function("b", "", "def b(): return c()")
    c = code_db.add_function("c", "", "def c(): return 1")
    ok = code_db.add_dependency(a, b)
    assert ok["success"] is True and ok["message"]
    assert code_db.add_dependency(b, c)["success"] is True
    assert is_error(code_db.add_dependency("nope", a), "FunctionNotFound")
    assert is_error(code_db.add_dependency(a, "nope"), "DependencyNotFound")
    closing = code_db.add_dependency(c, a)
    assert is_error(closing, "CircularDependency") and "cycle" in closing["message"]
    assert is_error(code_db.add_dependency(a, a), "CircularDependency")
    assert code_db.list_dependencies(a) == [b]
    with pytest.raises(ValueError):
        code_db.list_dependencies("nope")
    assert code_db.find_cycles() == []

    assert is_error(code_db.remove_dependency("nope", a), "FunctionNotFound")
    assert is_error(code_db.remove_dependency(a, c), "DependencyNotFound")
    hostile = "n\no\x1b[2J"  # quoted by the messages: escaped, as every error is (errors.one_line)
    assert is_error(code_db.add_dependency(hostile, a), "FunctionNotFound")
    assert is_error(code_db.add_dependency(a, hostile), "DependencyNotFound")
    assert is_error(code_db.remove_dependency(a, hostile), "DependencyNotFound")
    assert code_db.remove_dependency(a, b)["success"] is True
    assert code_db.list_dependencies(a) == []


def test_cycles_present_in_the_data_and_recursion(old: code_db.CodeDatabase, tmp_path: Path) -> None:
    """Cycles cannot be made through the API; an import (or plain SQL) can bring them."""
    fact = code_db.add_function("fact", "", "function fact(n) n <= 1 ? 1 : n * fact(n - 1) end")
    ids = sorted(code_db.add_function(name, "", f"def {name}(): pass") for name in ("p", "q", "r"))
    x, y, z = ids
    code_db.add_dependency(y, z)
    db = old.db
    with db.transaction():  # x -> y -> z -> x and x <-> z, written past the API's cycle check
        edges = [(x, y), (z, x), (x, z)]
        db.queries.library.load_function_dependencies(
            db.conn, [{"function_id": s, "depends_on_id": t} for s, t in edges]
        )
    assert code_db.find_cycles() == sorted([[x, y, z], [x, z]])
    found = code_db.detect_recursion(y)
    assert found == {"direct": False, "mutual_cycles": [[x, y, z]]}
    assert code_db.detect_recursion(fact) == {"direct": True, "mutual_cycles": []}
    with pytest.raises(ValueError):
        code_db.detect_recursion("nope")

    dot = tmp_path / "deps.dot"
    assert code_db.visualize_dependencies(str(dot)) is None
    text = dot.read_text()
    assert text.startswith("digraph dependencies {\n") and text.endswith("}\n")
    assert f'"{x}" -> "{y}";' in text and f'"{z}" -> "{x}";' in text and text.count("->") == 4
    code_db.visualize_dependencies(str(dot))  # again: the old tool rewrote its file
    assert dot.read_text() == text


def test_tests_results_purge_and_coverage(old: code_db.CodeDatabase) -> None:
    fib = code_db.add_function("fib", "", "def fib(n): return n")
    bare = code_db.add_function("bare", "", "x = 1")
    t1 = code_db.add_test(fib, "one", "first", "assert fib(1) == 1")
    t2 = code_db.add_test(fib, "two", "second", "assert fib(2) == 1")
    with pytest.raises(ValueError):
        code_db.add_test("nope", "t", "d", "x")
    code_db.record_test_result(t1, "passed", "1")
    code_db.record_test_result(t2, "failed", "2")
    results = code_db.get_test_results(fib)
    assert {(r["test_id"], r["status"], r["output"]) for r in results} == {
        (t1, "passed", "1"),
        (t2, "failed", "2"),
    }
    assert code_db.get_test_results(bare) == []
    assert len(code_db.get_test_results()) == 2
    report = {r["id"]: r for r in code_db.get_coverage_report()}
    assert {k: report[fib][k] for k in ("name", "num_tests", "passed", "failed", "coverage_percent")} == {
        "name": "fib",
        "num_tests": 2,
        "passed": 1,
        "failed": 1,
        "coverage_percent": 50.0,
    }
    assert report[bare]["num_tests"] == 0 and report[bare]["coverage_percent"] == 0
    assert code_db.purge_tests(fib) is None
    assert code_db.get_test_results(fib) == [] and old.functions[fib].unit_tests == []


def test_export_and_import_a_function(old: code_db.CodeDatabase, tmp_path: Path) -> None:
    fib = code_db.add_function("fib", "Fibonacci", "def fib(n): return n", ["math"], ["classic"])
    code_db.add_test(fib, "small", "d", "assert fib(1) == 1")
    path = tmp_path / "fib.json"
    written = code_db.export_function(fib, str(path))
    data = path.read_bytes()
    assert written == {
        "success": True,
        "filepath": str(path),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    doc = json.loads(data)
    assert set(doc) >= {
        "function_id",
        "name",
        "description",
        "code_snippet",
        "modules",
        "tags",
        "creation_date",
        "last_modified_date",
        "unit_tests",
    }
    assert doc["function_id"] == fib and doc["unit_tests"][0]["name"] == "small"
    assert set(doc["unit_tests"][0]) >= {"test_id", "name", "description", "test_case"}
    assert path.stat().st_mode & 0o777 == 0o600
    assert is_error(code_db.export_function(fib, str(path)), "FileExists")  # never overwrites
    assert path.read_bytes() == data
    assert is_error(code_db.export_function("nope", str(tmp_path / "x.json")), "FunctionNotFound")
    assert not (tmp_path / "x.json").exists()

    assert is_error(code_db.import_function(str(tmp_path / "missing.json")), "FileNotFound")
    collision = code_db.import_function(str(path))  # "fib" exists: the names collide
    assert is_error(collision, "FunctionNameCollision")
    skipped = code_db.import_function(str(path), override=True)
    assert skipped["success"] is True and skipped["skipped"] is True
    assert len(code_db.list_functions()) == 1

    code_db.delete_function(fib)
    imported = code_db.import_function(str(path))
    assert imported["success"] is True and imported["message"]
    new_id = imported["function_id"]
    assert new_id != fib  # a new id, as the old tool gave
    copy = code_db.get_function(new_id)
    assert (copy["name"], copy["modules"], copy["tags"]) == ("fib", ["math"], ["classic"])
    assert [t.name for t in old.functions[new_id].unit_tests] == ["small"]

    doc["name"] = "  FIB "  # trimmed, ignoring case: the same name
    (tmp_path / "same.json").write_text(json.dumps(doc))
    assert is_error(code_db.import_function(str(tmp_path / "same.json")), "FunctionNameCollision")


def test_export_and_import_a_module(old: code_db.CodeDatabase, tmp_path: Path) -> None:
    a = code_db.add_function("alpha", "", "def alpha(): pass", ["Math"])
    code_db.add_function("beta", "", "def beta(): pass", ["Math"])
    path = tmp_path / "math.json"
    written = code_db.export_module("Math", str(path))
    assert written["success"] is True and written["size"] == path.stat().st_size
    assert written["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    doc = json.loads(path.read_text())
    assert doc["module_name"] == "Math" and sorted(f["name"] for f in doc["functions"]) == ["alpha", "beta"]
    assert is_error(code_db.export_module("Math", str(path)), "FileExists")
    assert is_error(code_db.export_module("nope", str(tmp_path / "n.json")), "ModuleNotFound")

    assert is_error(code_db.import_module(str(tmp_path / "missing.json")), "FileNotFound")
    assert is_error(code_db.import_module(str(path)), "ModuleNameCollision")
    skipped = code_db.import_module(str(path), override=True)
    assert skipped["success"] is True and skipped["function_ids"] == []

    doc["module_name"] = "geometry"
    (tmp_path / "geo.json").write_text(json.dumps(doc))
    assert is_error(code_db.import_module(str(tmp_path / "geo.json")), "FunctionNameCollision")
    assert len(code_db.list_functions()) == 2  # all or nothing
    code_db.delete_function(a)
    done = code_db.import_module(str(tmp_path / "geo.json"), override=True)  # beta is skipped
    assert done["success"] is True and len(done["function_ids"]) == 1
    assert [f["name"] for f in code_db.list_functions(module="geometry")] == ["alpha"]


def test_generate_module_file(old: code_db.CodeDatabase, tmp_path: Path) -> None:
    fact = code_db.add_function("fact", "factorial\nof n", "function fact(n)\n  n * fact(n-1)\nend", ["M"])
    code_db.add_test(fact, "small", "three", "@test fact(3) == 6")
    plain, tested = tmp_path / "M.jl", tmp_path / "MT.jl"
    done = code_db.generate_module_file("M", str(plain))
    assert done == {
        "filepath": str(plain),
        "size": plain.stat().st_size,
        "sha256": hashlib.sha256(plain.read_bytes()).hexdigest(),
    }
    text = plain.read_text()
    assert text.startswith("module M\n") and text.endswith("end # module M\n")
    assert "# Function: fact\n# Description: factorial\n# of n\nfunction fact(n)\n" in text
    assert "# Test:" not in text
    code_db.generate_module_file("M", str(tested), with_tests=True)
    assert "# Test: small\n# three\n@test fact(3) == 6\n" in tested.read_text()
    with pytest.raises(ValueError):
        code_db.generate_module_file("nope", str(tmp_path / "n.jl"))
    code_db.add_function("other", "", "x", ["Empty"])
    code_db.delete_function(code_db.list_functions(module="Empty")[0]["id"])
    with pytest.raises(ValueError):
        code_db.generate_module_file("Empty", str(tmp_path / "e.jl"))
    assert code_db.save_db() is None and code_db.load_db() is None


def test_the_code_database_class(target: str) -> None:
    db = code_db.CodeDatabase(target)
    try:
        fn = db.add_function("fib", "d", "def fib(n): return n", modules=["math"], tags=["t"])
        assert (fn.name, fn.modules, fn.tags) == ("fib", ["math"], ["t"])
        assert db.functions.get(fn.function_id).code_snippet == "def fib(n): return n"
        assert db.functions.get("nope") is None and "nope" not in db.functions
        assert fn.function_id in db.functions and len(db.functions) == 1
        test = db.add_unit_test(fn.function_id, "t1", "d", "assert fib(1) == 1")
        assert test is not None and test.function_id == fn.function_id
        assert db.add_unit_test("nope", "t", "d", "x") is None
        assert db.functions[fn.function_id].unit_tests[0].name == "t1"
        other = db.add_function("memo", "", "x", tags=["t", "solo"])
        db.add_dependency(fn.function_id, other.function_id)
        assert db.functions.get(fn.function_id).dependencies == [other.function_id]
        assert db.list_tags() == ["solo", "t"]
        assert db.delete_function(other.function_id) is True
        assert db.delete_function(other.function_id) is False
        assert db.list_tags() == ["t"]  # a tag no other function has is gone
        assert db.list_dependencies(fn.function_id) == []
        assert [m["name"] for m in db.list_modules()] == ["math"]  # its modules stay
        db.modify_function(fn.function_id, "ada", "why", "def fib(n): return 0")
        assert db.functions[fn.function_id].code_snippet == "def fib(n): return 0"
        assert db.detect_recursion_in_function(fn.function_id) == {"direct": False, "mutual_cycles": []}
    finally:
        db.close()


def test_the_old_api_over_an_open_database(db: codedb.Database) -> None:
    fid = db.functions.add("fib", "d", "def fib(n): return n").function_id
    old = code_db.CodeDatabase(db)
    assert [f["id"] for f in old.list_functions()] == [fid]
    old.add_function("memo", "", "x")
    old.close()  # the Database stays its owner's: still open
    assert sorted(f.name for f in db.functions.list()) == ["fib", "memo"]


def test_each_code_database_is_fresh_and_the_module_uses_the_swapped_one() -> None:
    first, second = code_db.CodeDatabase(), code_db.CodeDatabase()
    first.add_function("only-in-first", "", "x")
    assert len(first.functions) == 1 and len(second.functions) == 0
    saved = code_db._db
    try:
        code_db._db = second
        code_db.add_function("via-module", "", "y")
        assert [f.name for f in second.functions.values()] == ["via-module"]
        assert [f.name for f in first.functions.values()] == ["only-in-first"]
    finally:
        code_db._db = saved


OLD_SCRIPT = textwrap.dedent("""
    from codedb import compat as code_db   # was: import code_db

    fib = code_db.add_function("fib", "Fibonacci", "def fib(n): return n", modules=["math"])
    test_id = code_db.add_test(fib, "small", "first values", "assert fib(1) == 1")
    code_db.record_test_result(test_id, "passed", "1")
    assert code_db.get_function(fib)["id"] == fib
    assert any(m["name"] == "math" for m in code_db.list_modules())
    assert code_db.get_coverage_report()[0]["coverage_percent"] == 100.0
    code_db.save_db()
    print("old workflow ok")
""")


def test_old_tool_script_runs_unchanged_but_for_the_import(tmp_path: Path) -> None:
    script = tmp_path / "old_script.py"
    script.write_text(OLD_SCRIPT)
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "old workflow ok"
    assert (tmp_path / "code_db.sqlite").exists()  # created and migrated on first use, as before
    again = subprocess.run(
        [sys.executable, "-c", "from codedb import compat; print(len(compat.list_functions()))"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.stdout.strip() == "1"


def test_semantic_search_functions_is_the_old_tools_call(old: code_db.CodeDatabase) -> None:
    pytest.importorskip("wordllama", reason="the semantic extra is not installed")
    sort = code_db.add_function("quicksort_inplace", "Sorts an array of integers in place", "def q(a): ...")
    code_db.add_function("parse_json_file", "Read a JSON document from disk", "def p(path): ...", tags=["io"])
    code_db.add_function("send_email", "Deliver a message through an SMTP server", "def s(to): ...")
    with pytest.raises(ValueError, match="no function has a vector of model"):
        code_db.semantic_search_functions("sort a list of numbers")
    from codedb.core.embedding import LocalProvider

    old.db.functions.embed(LocalProvider())
    found = code_db.semantic_search_functions("sort a list of numbers", top_k=2)
    assert [f["name"] for f in found] == ["quicksort_inplace", found[1]["name"]] and len(found) == 2
    assert found[0]["id"] == found[0]["function_id"] == sort
    assert set(found[0]) == {"id", "function_id", "name", "description", "modules", "tags", "score"}
    assert 1 >= found[0]["score"] > found[1]["score"] >= 0
    assert code_db.semantic_search_functions("read a config file in JSON")[0]["tags"] == ["io"]
    assert len(code_db.semantic_search_functions("anything")) == 3  # top_k=5: all three
