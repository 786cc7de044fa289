"""The real shells read a codedb database: the sqlite3 command-line shell and psql."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_library import OLD_TOOL_SQL

import codedb


def build(db: codedb.Database) -> None:
    f = db.functions.add("fib", "Fibonacci", "def fib(n): ...", modules=["math", "seq"], tags=["rec"])
    db.functions.add("gcd", "Euclid", "def gcd(a, b): ...", modules=["math"])
    t1 = db.tests.add(f.function_id, "t1")
    t2 = db.tests.add(f.function_id, "t2")
    db.tests.record_result(t1.test_id, "failed", execution_date="2024-01-01")
    db.tests.record_result(t1.test_id, "passed", execution_date="2024-01-02")
    db.tests.record_result(t2.test_id, "failed", execution_date="2024-01-03")


def test_sqlite3_shell_reads_the_views(tmp_path: Path) -> None:
    sqlite3_shell = shutil.which("sqlite3")
    if sqlite3_shell is None:
        pytest.fail("the sqlite3 shell is not installed: 'make test' installs it (Debian package sqlite3)")
    path = tmp_path / "shell.sqlite"
    with codedb.connect(path) as db:
        codedb.migrate(db)
        build(db)

    def shell(sql: str) -> list[list[str]]:
        out = subprocess.run(
            [sqlite3_shell, "-readonly", str(path), sql], capture_output=True, text=True, check=True
        )
        return [line.split("|") for line in out.stdout.splitlines()]

    assert shell(
        "SELECT name, modules, tags, test_count, latest_status FROM function_summary ORDER BY name"
    ) == [["fib", "math, seq", "rec", "2", "failed"], ["gcd", "math", "", "0", ""]]
    assert shell(
        "SELECT name, tests, passed, failed, coverage_percent FROM coverage_report ORDER BY name"
    ) == [["fib", "2", "1", "1", "50.0"], ["gcd", "0", "0", "0", "0.0"]]
    assert shell(OLD_TOOL_SQL) == [["fib", "3", "2024-01-03 00:00:00.000000"], ["gcd", "0", ""]]


@pytest.mark.postgres
def test_psql_reads_the_views(pg_schema_url: str) -> None:
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql is not installed: 'make test' installs it (Debian package postgresql-client)")
    with codedb.connect(pg_schema_url) as db:
        codedb.migrate(db)
        build(db)
    schema = unquote(pg_schema_url).split("search_path=")[1]
    base = pg_schema_url.split("?")[0]

    def shell(sql: str) -> list[list[str]]:
        out = subprocess.run(
            [
                psql,
                base,
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"SET search_path TO {schema}",
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return [line.split("|") for line in out.stdout.splitlines() if line and line != "SET"]

    assert shell(
        "SELECT name, modules, tags, test_count, latest_status FROM function_summary ORDER BY name"
    ) == [["fib", "math, seq", "rec", "2", "failed"], ["gcd", "math", "", "0", ""]]
    assert shell(
        "SELECT name, tests, passed, failed, coverage_percent FROM coverage_report ORDER BY name"
    ) == [["fib", "2", "1", "1", "50"], ["gcd", "0", "0", "0", "0"]]
    assert shell(OLD_TOOL_SQL) == [["fib", "3", "2024-01-03 00:00:00"], ["gcd", "0", ""]]
