"""A script written for the old code_db tool runs against codedb by changing one import."""

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT

OLD_SCRIPT = textwrap.dedent("""
    from codedb import compat as code_db   # was: import code_db

    code = "def fib(n):\\n    return n if n < 2 else fib(n-1) + fib(n-2)\\n"
    fib = code_db.add_function("fib", "Fibonacci numbers", code,
                               modules=["math"], tags=["recursive"])
    memo = code_db.add_function("memo", "A cache", "def memo(f): return f", modules=["util"])
    code_db.add_dependency(fib, memo)
    test_id = code_db.add_test(fib, "fib small", "first values", "assert fib(5) == 5")
    code_db.record_test_result(test_id, "passed", "5")
    code_db.modify_function(fib, "ada", "iterative", "def fib(n):\\n    a, b = 0, 1\\n    return a\\n")
    code_db.add_tag(memo, "decorator")

    found = code_db.search_functions("fibonacci")
    assert [f["name"] for f in found] == ["fib"], found
    assert set(found[0]) >= {"function_id", "name", "description", "code", "modules", "tags"}
    assert code_db.search_functions("", test_status="passed")[0]["function_id"] == fib
    assert [f["name"] for f in code_db.list_functions(tag="decorator")] == ["memo"]
    assert [f["name"] for f in code_db.list_functions(module="math")] == ["fib"]
    assert [d["function_id"] for d in code_db.list_dependencies(fib)] == [memo]
    assert code_db.get_function(fib)["code"].startswith("def fib(n):\\n    a, b")
    assert code_db.get_function("no-such-id") is None
    assert code_db.get_test_results(fib)[0]["status"] == "passed"
    assert [m["modifier"] for m in code_db.list_modifications(fib)] == ["ada"]
    assert code_db.list_modules() == ["math", "util"] and code_db.list_tags() == ["decorator", "recursive"]
    report = {r["name"]: r for r in code_db.get_coverage_report()}
    assert report["fib"]["coverage"] == 100.0 and report["memo"]["total_tests"] == 0
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
    assert again.stdout.strip() == "2"
