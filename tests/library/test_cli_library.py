"""Every function-library command run as a subprocess, on both backends: its happy path and
its bad input. Each error is one line, exit code 1, and leaves the database unchanged."""

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CLI, db_snapshot


@pytest.fixture
def lib(ready_target: str, tmp_path: Path) -> CLI:
    """The CLI on a database `codedb init` made."""
    return CLI(ready_target, tmp_path)


def add(cli: CLI, tmp_path: Path, name: str, code: str = "def f(x): return x", *extra: str) -> str:
    code_file = tmp_path / f"{name}.py"
    code_file.write_text(code)
    return cli.ok("add-function", f"--name={name}", f"--code-file={code_file}", *extra).strip()


def unchanged(cli: CLI, *args: str) -> str:
    """Run a failing command and check that the database did not change; return the error."""
    before = db_snapshot(cli.target)
    line = cli.error(*args)
    assert db_snapshot(cli.target) == before
    return line


def test_add_show_modify_delete(lib: CLI, tmp_path: Path) -> None:
    fid = add(
        lib,
        tmp_path,
        "fib",
        "def fib(n: int) -> int:\n    return n\n",
        "--description=Fibonacci",
        "--modules=math,seq",
        "--tags=recursion",
        "--tags=classic",
    )
    shown = json.loads(lib.ok("show-function", f"--id={fid[:8]}", "--json"))
    assert shown["function_id"] == fid and shown["name"] == "fib"
    assert shown["code_snippet"] == "def fib(n: int) -> int:\n    return n\n"
    assert shown["modules"] == ["math", "seq"] and shown["tags"] == ["classic", "recursion"]
    assert shown["signature"] == {"arg_names": ["n"], "arg_types": ["int"]}
    text = lib.ok("show-function", f"--id={fid}")
    assert "name: fib" in text and "modules: math, seq" in text and "return n" in text

    new_code = tmp_path / "new.py"
    new_code.write_text("def fib(n, memo=None):\n    return n\n")
    assert (
        lib.ok(
            "modify-function",
            f"--id={fid}",
            "--modifier=ada",
            "--description=memoize",
            f"--code-file={new_code}",
        )
        == f"modified {fid}\n"
    )
    history = json.loads(lib.ok("list-modifications", f"--function-id={fid}", "--json"))
    assert [(m["modifier"], m["description"]) for m in history] == [("ada", "memoize")]
    assert json.loads(lib.ok("show-function", f"--id={fid}", "--json"))["code_snippet"].startswith(
        "def fib(n, memo"
    )

    assert lib.ok("delete-function", f"--id={fid}") == f"deleted {fid}\n"
    assert (
        unchanged(lib, "show-function", f"--id={fid}")
        == f"Error: function {fid} not found; list ids with 'codedb list-functions'"
    )


def test_inline_code_and_json_output(lib: CLI) -> None:
    data = json.loads(lib.ok("add-function", "--name=inline", "--code=x = 1", "--modules=m", "--json"))
    assert data["code_snippet"] == "x = 1" and data["modules"] == ["m"]


def test_add_function_bad_input(lib: CLI, tmp_path: Path) -> None:
    missing = tmp_path / "missing.py"
    assert (
        unchanged(lib, "add-function", "--name=x", f"--code-file={missing}")
        == f"Error: code file {missing} does not exist; give the path of an existing file"
    )
    assert (
        unchanged(lib, "add-function", "--name=", "--code=x")
        == "Error: empty function name; give the function a name"
    )
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert "is not UTF-8 text" in unchanged(lib, "add-function", "--name=x", f"--code-file={binary}")
    lib.error("add-function", "--name=x", code=2)  # neither --code nor --code-file: usage


def test_listings_in_three_formats(lib: CLI, tmp_path: Path) -> None:
    a = add(lib, tmp_path, "alpha", "def a(): pass", "--modules=m1", "--tags=t1")
    b = add(lib, tmp_path, "beta", "def b(): pass", "--modules=m1,m2", "--tags=t2")
    table = lib.ok("list-functions")
    assert table.splitlines()[0].split() == [
        "function_id",
        "name",
        "description",
        "modules",
        "tags",
        "last_modified_date",
    ]
    assert "alpha" in table and "beta" in table
    by_module = json.loads(lib.ok("list-functions", "--module=m2", "--json"))
    assert [f["function_id"] for f in by_module] == [b]
    by_tag = list(csv.DictReader(io.StringIO(lib.ok("list-functions", "--tag=t1", "--csv"))))
    assert [(r["function_id"], r["modules"], r["tags"]) for r in by_tag] == [(a, "m1", "t1")]
    assert lib.ok("list-functions", "--module=none") == "(none)\n"

    modules = json.loads(lib.ok("list-modules", "--json"))
    assert [(m["name"], m["functions"]) for m in modules] == [("m1", 2), ("m2", 1)]
    assert list(csv.reader(io.StringIO(lib.ok("list-tags", "--csv")))) == [
        ["name", "functions"],
        ["t1", "1"],
        ["t2", "1"],
    ]

    assert (
        lib.ok("add-function-to-module", f"--function-id={a}", "--module=m3")
        == f"{a} is in modules: m1, m3\n"
    )
    assert lib.ok("add-tag", f"--function-id={a}", "--tag=t9") == f"{a} has tags: t1, t9\n"
    assert "Error: function nope not found" in unchanged(lib, "add-tag", "--function-id=nope", "--tag=t")
    assert (
        unchanged(lib, "add-function-to-module", f"--function-id={a}", "--module= ")
        == "Error: empty module name; give a non-empty module"
    )


def test_search(lib: CLI, tmp_path: Path) -> None:
    add(lib, tmp_path, "MatrixMul", "def mm(): pass")
    add(lib, tmp_path, "other", "# uses a MATRIX\n")
    found = json.loads(lib.ok("search-functions", "--query=matrix", "--json"))
    assert sorted(f["name"] for f in found) == ["MatrixMul", "other"]
    found = json.loads(lib.ok("search-functions", "--query=trixMu", "--substring", "--json"))
    assert [f["name"] for f in found] == ["MatrixMul"]
    assert (
        json.loads(lib.ok("search-functions", "--query=matrix", "--created-after=2999-01-01", "--json")) == []
    )
    assert (
        len(
            json.loads(
                lib.ok("search-functions", "--query=", "--modified-after=2000-01-01T00:00:00", "--json")
            )
        )
        == 2
    )
    assert (
        unchanged(lib, "search-functions", "--query=x", "--created-after=last tuesday")
        == "Error: invalid date 'last tuesday'; use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:30:00"
    )
    assert (
        unchanged(lib, "search-functions", "--query=x", "--test-status=green")
        == "Error: invalid status 'green'; use one of passed, failed, pending, running"
    )


def test_ids_by_prefix_and_ambiguity(lib: CLI, tmp_path: Path) -> None:
    ids = [add(lib, tmp_path, f"f{i}") for i in range(40)]
    # with 40 random uuids, some pair shares its first hex digit
    first = {}
    for fid in ids:
        first.setdefault(fid[0], []).append(fid)
    prefix, group = next((p, g) for p, g in first.items() if len(g) > 1)
    line = unchanged(lib, "show-function", f"--id={prefix}")
    assert line.startswith(f"Error: function id prefix {prefix} is ambiguous: ")
    assert all(fid in line for fid in sorted(group)[:10]) and line.endswith("give more characters")
    unique = ids[0][:13]
    assert json.loads(lib.ok("show-function", f"--id={unique}", "--json"))["function_id"] == ids[0]


def test_dependencies(lib: CLI, tmp_path: Path) -> None:
    a, b, c = (add(lib, tmp_path, n) for n in ("a", "b", "c"))
    assert lib.ok("add-dependency", f"--function-id={a}", f"--depends-on-id={b}") == f"{a} depends on {b}\n"
    lib.ok("add-dependency", f"--function-id={b}", f"--depends-on-id={c}")
    direct = json.loads(lib.ok("list-dependencies", f"--function-id={a}", "--json"))
    assert [(d["name"], d["depth"]) for d in direct] == [("b", 1)]
    transitive = json.loads(lib.ok("list-dependencies", f"--function-id={a}", "--transitive", "--json"))
    assert [(d["name"], d["depth"]) for d in transitive] == [("b", 1), ("c", 2)]

    assert (
        unchanged(lib, "add-dependency", f"--function-id={a}", f"--depends-on-id={a}")
        == f"Error: function a ({a}) cannot depend on itself"
    )
    assert (
        unchanged(lib, "add-dependency", f"--function-id={c}", f"--depends-on-id={a}")
        == "Error: c cannot depend on a: that would close the cycle c -> a -> b -> c; "
        "remove one of its dependencies first"
    )
    assert "not found" in unchanged(lib, "add-dependency", f"--function-id={a}", "--depends-on-id=zzz")
    assert lib.ok("detect-cycles") == "no dependency cycles\n"

    dot_file = tmp_path / "deps.dot"
    assert lib.ok("visualize-dependencies", f"--file={dot_file}") == f"wrote {dot_file}\n"
    dot = dot_file.read_text()
    assert (
        dot.startswith("digraph dependencies {") and f'"{a}" -> "{b}";' in dot and f'"{b}" -> "{c}";' in dot
    )
    assert lib.error("visualize-dependencies", f"--file={tmp_path}/no/such/dir/x.dot") == (
        f"Error: directory {tmp_path}/no/such/dir does not exist; create it first"
    )

    lib.ok("remove-dependency", f"--function-id={a}", f"--depends-on-id={b}")
    assert json.loads(lib.ok("list-dependencies", f"--function-id={a}", "--json")) == []


def test_detect_cycles_made_by_direct_sql(lib: CLI, tmp_path: Path) -> None:
    import codedb

    a, b = add(lib, tmp_path, "a"), add(lib, tmp_path, "b")
    lib.ok("add-dependency", f"--function-id={a}", f"--depends-on-id={b}")
    with codedb.connect(lib.target) as db:
        db.queries.library.load_function_dependencies(db.conn, [{"function_id": b, "depends_on_id": a}])
    result = lib("detect-cycles")
    assert result.returncode == 1 and result.stdout.startswith("cycle 1: ")
    assert f"a ({a[:8]})" in result.stdout and f"b ({b[:8]})" in result.stdout
    rows = json.loads(lib("detect-cycles", "--json").stdout)
    assert sorted(r["name"] for r in rows) == ["a", "b"]


def test_detect_recursion(lib: CLI, tmp_path: Path) -> None:
    import codedb

    fact = add(lib, tmp_path, "fact", "def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n")
    plain = add(lib, tmp_path, "plain", "def plain(n):\n    return n\n")
    result = lib("detect-recursion", f"--function-id={fact[:8]}")
    # Issue #22 item 27: the answer exits 0, as the old tool's command did; --check exits 1.
    assert result.returncode == 0 and result.stdout == "direct recursion: yes\non no dependency cycle\n"
    assert lib("detect-recursion", f"--function-id={fact[:8]}", "--check").returncode == 1
    assert lib("detect-recursion", f"--function-id={plain}", "--check").returncode == 0
    assert lib.ok("detect-recursion", f"--id={plain}").startswith("direct recursion: no")
    other = add(lib, tmp_path, "other")
    lib.ok("add-dependency", f"--function-id={plain}", f"--depends-on-id={other}")
    with codedb.connect(lib.target) as db:
        db.queries.library.load_function_dependencies(
            db.conn, [{"function_id": other, "depends_on_id": plain}]
        )
    result = lib("detect-recursion", f"--function-id={plain}", "--json")
    assert result.returncode == 0
    assert lib("detect-recursion", f"--function-id={plain}", "--json", "--check").returncode == 1
    assert json.loads(result.stdout) == {
        "function_id": plain,
        "direct": False,
        "cycles": [sorted([plain, other])],
    }
    assert "on the cycle " in lib("detect-recursion", f"--function-id={plain}").stdout
    assert unchanged(lib, "detect-recursion", "--function-id=zzzz") == (
        "Error: function zzzz not found; list ids with 'codedb list-functions'"
    )


def test_generate_module_file(lib: CLI, tmp_path: Path) -> None:
    fid = add(lib, tmp_path, "fact", "function fact(n) n end", "--modules=Math")
    test_file = tmp_path / "t.jl"
    test_file.write_text("@test fact(1) == 1\n")
    lib.ok(
        "add-test",
        f"--function-id={fid}",
        "--name=one",
        "--description=the first",
        f"--test-file={test_file}",
    )
    text = lib.ok("generate-module-file", "--module=Math", "--file=-", "--with-tests")
    assert text == (
        "module Math\n\n# Function: fact\n# Description:\nfunction fact(n) n end\n\n"
        "# Test: one\n# the first\n@test fact(1) == 1\n\nend # module Math\n"
    )
    out = tmp_path / "Math.jl"
    assert lib.ok("generate-module-file", "--module=Math", f"--file={out}") == f"wrote module Math to {out}\n"
    assert "# Test:" not in out.read_text() and out.stat().st_mode & 0o777 == 0o600
    assert "exists already" in lib.error("generate-module-file", "--module=Math", f"--file={out}")
    assert "module nope not found" in unchanged(lib, "generate-module-file", "--module=nope", "--file=-")


def test_imports_as_copies_refuse_or_skip_names_that_exist(lib: CLI, tmp_path: Path) -> None:
    fid = add(lib, tmp_path, "fib", "def fib(n): return n", "--modules=math")
    exported = tmp_path / "fib.json"
    lib.ok("export-function", f"--function-id={fid}", f"--file={exported}")
    line = unchanged(lib, "import-function", f"--file={exported}", "--as-copies")
    assert f"a function named 'fib' exists already ({fid})" in line
    assert "skipped function 'fib'" in lib.ok(
        "import-function", f"--file={exported}", "--as-copies", "--skip-same-names"
    )
    assert "--skip-same-names goes with --as-copies" in lib.error(
        "import-function", f"--file={exported}", "--skip-same-names"
    )
    lib.ok("delete-function", f"--function-id={fid}")
    out = lib.ok("import-function", f"--file={exported}", "--as-copies").splitlines()
    assert out[0] == "imported 1 function as copies" and out[1] != fid
    module = tmp_path / "math.json"
    lib.ok("export-module", "--module=math", f"--file={module}")
    assert "module 'math' exists already" in unchanged(
        lib, "import-module", f"--file={module}", "--as-copies"
    )
    assert "skipped module 'math'" in lib.ok(
        "import-module", f"--file={module}", "--as-copies", "--skip-same-names"
    )


def test_init_overwrite_asks_before_deleting_rows(lib: CLI, tmp_path: Path) -> None:
    add(lib, tmp_path, "keep", "x = 1", "--modules=m")
    line = unchanged(lib, "init-db", "--overwrite")
    assert "holds data (3 rows in 3 tables); --overwrite would delete it" in line
    assert "emptied" in lib.ok("init-db", "--overwrite", "--force")
    assert (
        json.loads(lib.ok("list-functions", "--json")) == []
        and json.loads(lib.ok("list-modules", "--json")) == []
    )
    assert lib.ok("init", "--overwrite").endswith("deleted 0 rows\n")  # nothing to ask about
    assert "nothing to apply" in lib.ok("unlock-db", "--force")  # the old tool's spelling


def test_tests_results_coverage(lib: CLI, tmp_path: Path) -> None:
    fid = add(lib, tmp_path, "f")
    test_file = tmp_path / "test_f.py"
    test_file.write_text("assert f(1) == 1\n")
    tid = lib.ok(
        "add-test", f"--function-id={fid}", "--name=t1", "--description=one", f"--test-file={test_file}"
    ).strip()
    lib.ok("record-result", f"--test-id={tid[:10]}", "--status=failed", "--actual-result=0")
    rid = lib.ok("record-result", f"--test-id={tid}", "--status=passed", "--actual-result=1").strip()
    results = json.loads(lib.ok("show-results", f"--function-id={fid}", "--json"))
    assert [r["status"] for r in results] == ["passed", "failed"] and results[0]["result_id"] == rid
    assert len(list(csv.DictReader(io.StringIO(lib.ok("show-results", "--csv"))))) == 2
    coverage = json.loads(lib.ok("coverage-report", "--json"))
    assert coverage == [
        {"function_id": fid, "name": "f", "tests": 1, "passed": 1, "failed": 0, "coverage_percent": 100.0}
    ]

    assert (
        unchanged(lib, "record-result", f"--test-id={tid}", "--status=great")
        == "Error: invalid status 'great'; use one of passed, failed, pending, running"
    )
    assert (
        unchanged(lib, "record-result", "--test-id=nope", "--status=passed")
        == "Error: test nope not found; list a function's tests with 'codedb show-function --function-id ID'"
    )
    missing = tmp_path / "nope.py"
    assert "does not exist" in unchanged(
        lib, "add-test", f"--function-id={fid}", "--name=t", f"--test-file={missing}"
    )
    assert "not found" in unchanged(
        lib, "add-test", "--function-id=zz", "--name=t", f"--test-file={test_file}"
    )

    assert lib.ok("purge-tests", f"--function-id={fid}") == f"deleted 1 tests of {fid}\n"
    assert json.loads(lib.ok("show-results", "--json")) == []
    assert json.loads(lib.ok("coverage-report", "--json"))[0]["tests"] == 0


def test_export_import_function_and_module(lib: CLI, tmp_path: Path, new_cli: Callable[[str], CLI]) -> None:
    fid = add(lib, tmp_path, "f", "def f(s: str):\n    return '√ unicode ✓'\n", "--modules=text", "--tags=u")
    g = add(lib, tmp_path, "g", "x = 1", "--modules=text")
    (tmp_path / "t.py").write_text("assert f('')\n")
    lib.ok("add-test", f"--function-id={fid}", "--name=t", f"--test-file={tmp_path / 't.py'}")
    one, mod = tmp_path / "f.json", tmp_path / "text.json"
    lib.ok("export-function", f"--function-id={fid}", f"--file={one}")
    assert lib.ok("export-module", "--module=text", f"--file={mod}") == f"wrote 2 functions to {mod}\n"
    doc = json.loads(one.read_text())
    assert set(doc) == {
        "function_id",
        "name",
        "description",
        "code_snippet",
        "creation_date",
        "last_modified_date",
        "modules",
        "tags",
        "unit_tests",
    }
    assert [f["function_id"] for f in json.loads(mod.read_text())["functions"]] == sorted([fid, g])

    assert lib.ok("import-function", f"--file={one}").startswith("imported: nothing new")  # keyed on ids
    lib.ok("delete-function", f"--id={fid}")
    lib.ok("delete-function", f"--id={g}")
    assert "1 function" in lib.ok("import-function", f"--file={one}")
    assert json.loads(lib.ok("show-function", f"--id={fid}", "--json"))["unit_tests"][0]["name"] == "t"
    module_id = json.loads(mod.read_text())["module_id"]
    if lib.target.endswith(".sqlite"):  # a new database: the module comes back with its own id
        fresh = new_cli("fresh.sqlite")
        fresh.ok("import-module", f"--file={mod}")
        assert json.loads(fresh.ok("list-modules", "--json"))[0]["module_id"] == module_id
    assert "1 function" in lib.ok("import-module", f"--file={mod}")
    exported_again = tmp_path / "again.json"
    lib.ok("export-function", f"--function-id={fid}", f"--file={exported_again}")
    assert json.loads(exported_again.read_text()) == doc
    assert "Error: module nope not found" in lib.error(
        "export-module", "--module=nope", f"--file={tmp_path / 'x.json'}"
    )


def test_import_bad_files(lib: CLI, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert (
        unchanged(lib, "import-function", f"--file={missing}")
        == f"Error: file {missing} does not exist; give the path of a JSON file"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"function_id": "x", "name": ')
    assert unchanged(lib, "import-function", f"--file={broken}").startswith(
        f"Error: file {broken} is not valid JSON (Expecting value at line 1 column"
    )
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps([1, 2, 3]))
    assert "expected a JSON object with the fields of a function" in unchanged(
        lib, "import-function", f"--file={wrong}"
    )
    no_name = tmp_path / "no_name.json"
    no_name.write_text(json.dumps({"function_id": "x"}))
    assert (
        unchanged(lib, "import-function", f"--file={no_name}")
        == f"Error: {no_name}: function 1: field 'name' is missing or empty"
    )
    bad_date = tmp_path / "bad_date.json"
    bad_date.write_text(json.dumps({"function_id": "x", "name": "n", "creation_date": "soon"}))
    assert "invalid date 'soon'" in unchanged(lib, "import-function", f"--file={bad_date}")
    half = tmp_path / "half.json"  # the first function is fine, the second is not: nothing imported
    half.write_text(json.dumps({"functions": [{"function_id": "ok", "name": "ok"}, {"function_id": "bad"}]}))
    assert "function 2: field 'name' is missing" in unchanged(lib, "import-module", f"--file={half}")
    odd = tmp_path / "odd_module.json"
    odd.write_text(json.dumps({"module": 5, "module_id": "m", "functions": []}))
    assert (
        unchanged(lib, "import-module", f"--file={odd}")
        == f"Error: {odd}: fields 'module' and 'module_id' must be non-empty texts"
    )


def test_commands_on_an_uninitialised_database(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    line = CLI(str(path), tmp_path).error("list-functions")
    assert line == f"Error: database {path} does not exist; create it with 'codedb --db {path} init'"
    assert not path.exists()


def test_id_works_wherever_function_id_does(tmp_path: Path, new_cli: Callable[[str], CLI]) -> None:
    """Issue #22 item 22: seven commands refused --id, which the README promises everywhere."""
    from codedb.cli.frame import _usage_lines, command_names, load_command

    for name in command_names():
        usage = _usage_lines(load_command(name)[0])
        if "--function-id=ID" in usage:
            assert "--function-id=ID | --id=ID" in usage, name
    cli = new_cli("code_db.sqlite")
    fid = cli.ok("add-function", "--name=fib", "--code=def fib(n): return fib(n-1)").strip()
    other = cli.ok("add-function", "--name=g", "--code=def g(): pass").strip()
    (tmp_path / "t.py").write_text("assert fib(1)")
    cli.ok("add-dependency", f"--id={fid}", f"--depends-on-id={other}")
    assert other in cli.ok("list-dependencies", f"--id={fid}")
    cli.ok("add-tag", f"--id={fid}", "--tag=recursive")
    cli.ok("add-function-to-module", f"--id={fid}", "--module=math")
    cli.ok("add-test", f"--id={fid}", "--name=t", f"--test-file={tmp_path / 't.py'}")
    cli.ok("show-results", f"--id={fid}")
    cli.ok("list-modifications", f"--id={fid}")
    cli.ok("purge-tests", f"--id={fid}")
    cli.ok("remove-dependency", f"--id={fid}", f"--depends-on-id={other}")
    assert "recursive" in cli.ok("show-function", f"--id={fid}")


def test_show_function_prints_the_signature_of_python_and_julia_code(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    """Issue #22 item 23: the text form printed no signature, and Julia code (the old tool's
    language) always had "signature": null."""
    cli = new_cli("code_db.sqlite")
    code = "function fib(n::Int, memo::Dict{Int,Int}=Dict(); verbose=false)\n  n < 2 ? n : fib(n - 1)\nend"
    julia = cli.ok("add-function", "--name=fib", f"--code={code}").strip()
    short = cli.ok("add-function", "--name=square", "--code=square(x::Real) = x^2").strip()
    python = cli.ok("add-function", "--name=add", "--code=def add(a: int, b=1):\n    return a + b").strip()
    none = cli.ok("add-function", "--name=data", "--code=x = [1, 2]").strip()
    doc = json.loads(cli.ok("show-function", f"--function-id={julia}", "--json"))
    assert doc["signature"] == {
        "arg_names": ["n", "memo", "verbose"], "arg_types": ["Int", "Dict{Int,Int}", None]
    }  # fmt: skip
    ids = (julia, short, python, none)
    lines = {f: cli.ok("show-function", f"--function-id={f}").splitlines() for f in ids}
    assert "signature: fib(n: Int, memo: Dict{Int,Int}, verbose)" in lines[julia]
    assert "signature: square(x: Real)" in lines[short]
    assert "signature: add(a: int, b)" in lines[python]
    assert "signature: (none found)" in lines[none]
