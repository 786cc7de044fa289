"""The benchmark harness runs (at a tiny size: this proves it works, it measures nothing) and
its implementations agree on every answer; timings are never asserted."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

OPERATIONS = {
    "bulk_add",
    "add_one_each",
    "get_by_id",
    "list_all",
    "search",
    "list_by_tag",
    "coverage",
    "transitive_chain",
    "transitive_tree",
    "backup",
    "stats_cold_process",
}


@pytest.mark.bench
def test_harness_runs_at_a_tiny_size(tmp_path: Path) -> None:
    pytest.importorskip("sqlmodel", reason="the bench extra is not installed (pip install -e '.[bench]')")
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--sizes",
            "60",
            "--reps",
            "1",
            "--cold-size",
            "50",
            "--project-sizes",
            "300",
            "--assistant-sizes",
            "400",
            "--search-sizes",
            "500",
            "--writer-counts",
            "1,2",
            "--writer-seconds",
            "0.2",
            "--growth-sizes",
            "300,600",
            "--aio-functions",
            "100",
            "--aio-calls",
            "10",
            "--web-functions",
            "100",
            "--web-seconds",
            "0.1",
            "--web-clients",
            "2",
            "--mcp-functions",
            "100",
            "--mcp-calls",
            "5",
            "--semantic-sizes",
            "300",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "codedb/raw" in result.stdout and "ORM/codedb" in result.stdout
    data = json.loads(out.read_text())
    assert {row["operation"] for row in data["results"]} == OPERATIONS
    for row in data["results"]:
        assert row["seconds"]["codedb"] > 0 and row["seconds"]["raw sqlite3"] > 0
        assert row["codedb_over_raw"] > 0
    assert {row["operation"] for row in data["cold_starts"]} == {
        "version_cold_process",
        "stats_cold_vs_sqlite_utils",
    }
    assert all(row["seconds"]["anchor"] > 0 and row["seconds"]["codedb"] > 0 for row in data["cold_starts"])
    projects = {row["operation"]: row for row in data["projects"]}
    assert set(projects) == {
        f"projects {op}"
        for op in ("create", "get_with_counts", "page_keyset_deep", "move_with_event", "cost_report_day")
    }
    assert all(row["seconds"]["codedb"] > 0 and row["orm_over_codedb"] > 0 for row in projects.values())
    assistant = {row["operation"]: row for row in data["assistant"] if "seconds" in row}
    assert set(assistant) == {
        f"assistant {op}"
        for op in (
            "preference_set",
            "preference_get",
            "last_50_messages",
            "user_sessions",
            "metric_summary_one_op",
            "template_search_top20",
            "template_search_rare",
            "analytics_trend_day_year",
        )
    }
    assert all(row["seconds"]["codedb"] > 0 and row["orm_over_codedb"] > 0 for row in assistant.values())
    assert [row["writers"] for row in data["writers"]] == [1, 2]
    for row in data["writers"]:
        assert row["commits_per_second"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0
    assert [row["functions"] for row in data["growth"]] == [300, 600]
    assert 0 < data["growth"][0]["bytes"] <= data["growth"][1]["bytes"]
    assert all(0 < row["index"] < row["bytes"] for row in data["growth"])
    aio = {row["operation"] for row in data["aio"]}
    assert aio == {"get", "get_summary", "list 20", "search_ranked", "add"}
    assert all(row["sync"] > 0 and row["async"] > 0 for row in data["aio"])
    semantic = data["semantic"]
    assert set(semantic["quality"]) == {"words", "semantic", "hybrid"}
    assert semantic["quality"]["hybrid"]["recall@5"] > semantic["quality"]["words"]["recall@5"]
    assert [row["functions"] for row in semantic["speed"]] == [300]
    assert all(
        row["top10_ms"] > 0 and row["numpy_top10_ms"] > 0 and row["embedded_per_second"] > 0
        for row in semantic["speed"]
    )
    assert {row["call"] for row in data["mcp"]} == {"get_function", "search_functions", "list_functions (50)"}
    assert all(row["mcp_ms"] > 0 and row["python_ms"] > 0 for row in data["mcp"])
    served = {(row["read"], row["server"]) for row in data["web"] if "rps" in row}
    assert served == {(r, s) for r in ("get-one", "list-a-page", "search") for s in ("codedb", "datasette")}
    assert all(row["rps"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0 for row in data["web"] if "rps" in row)
    search = {row["operation"]: row for row in data["search"]}
    assert set(search) == {
        "bulk add",
        "index build (reindex)",
        "floor: fresh FTS5 tables",
        "selective (a word of 1 function)",
        "identifier (3 words, 1 common)",
        "top 20, a word in 20 % (sort)",
        "prefix (4 letters*)",
        "4 letters typed (completed)",
        "a number (123 of T123, 1 function)",
        "a ticket as typed (T123)",
        "5 letters inside a name",
    }
    assert all(row["search"] > 0 for row in search.values())
    builds = {"index build (reindex)", "floor: fresh FTS5 tables"}
    assert all(row["like"] > 0 for name, row in search.items() if name not in builds)
    (sizes,) = [row["bytes"] for row in data["assistant"] if "bytes" in row]
    assert set(sizes) == {"conversation_history", "system_metrics", "templates", "analytics"}
    assert all(size > 0 for size in sizes.values())
    files = {row["operation"]: row for row in data["files"]}
    assert set(files) == {
        "backup_vs_cp",
        "import_peak_memory",
        "restore_peak_memory",
        "encrypted_sqlite_backup",
        "encrypted_json_backup",
        "copy_sqlite_to_sqlite",
    }
    copied = files["copy_sqlite_to_sqlite"]
    assert copied["rows"] > 60 and copied["peak_mb"] > 0 and copied["seconds"]["codedb"] > 0
    for fmt in ("sqlite", "json"):
        sealed = files[f"encrypted_{fmt}_backup"]
        assert sealed["backup_over_plain"] > 0 and sealed["restore_over_plain"] > 0
        assert sealed["peak_mb"]["backup"] > 0 and sealed["peak_mb"]["restore"] > 0
    assert files["backup_vs_cp"]["seconds"]["anchor"] > 0 and files["backup_vs_cp"]["seconds"]["codedb"] > 0
    assert all(files[op]["peak_mb"] > 0 for op in ("import_peak_memory", "restore_peak_memory"))
    with_orm = {r["operation"] for r in data["results"] if r["orm_over_codedb"]}
    assert with_orm == OPERATIONS - {"backup", "stats_cold_process"}  # the ORM has neither


@pytest.mark.bench
def test_the_search_benchmark_runs_on_postgresql_with_its_floor(tmp_path: Path) -> None:
    """PostgreSQL's search figures: the bulk adds, reindex beside its floor (COPY, key, GIN of
    the same documents) and every search, in a scratch schema dropped afterwards."""
    from benchmarks.search import run_search

    from conftest import pg_base_url

    rows = run_search(tmp_path, [500], pg_base_url(), calls=2, sqlite=False)
    found = {row["operation"]: row for row in rows}
    assert {row["backend"] for row in rows} == {"pg"}
    assert {"bulk add", "index build (reindex)", "floor: COPY, key, GIN", "prefix (4 letters*)"} <= set(found)
    assert all(row["search"] > 0 for row in rows)


@pytest.mark.bench
def test_the_copy_benchmark_runs_on_postgresql_with_its_floor(tmp_path: Path) -> None:
    """`codedb copy` into PostgreSQL beside its floor (COPY of the same rows into bare tables,
    then every index the schema has), in scratch schemas dropped afterwards."""
    import psycopg
    from benchmarks.__main__ import build_file, copies

    from conftest import pg_base_url

    rows = copies(tmp_path, build_file(tmp_path, 300), 300, pg_base_url())
    found = {row["operation"]: row for row in rows}
    into = found["copy_sqlite_to_postgresql"]
    assert into["seconds"]["floor"] > 0 and into["codedb_over_floor"] > 0
    assert found["copy_postgresql_to_sqlite"]["rows"] == into["rows"] > 300
    with psycopg.connect(pg_base_url()) as conn:  # the floor's schema is dropped
        assert conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'floor%'").fetchall() == []
