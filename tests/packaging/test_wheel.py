"""The wheel carries sql/ and migrations/ inside the package: installed (not editable) into a
fresh virtual environment, its `codedb` script creates and reads a database."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from codedb.schema.migrations import known_ids
from conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        # with the test environment's hatchling: no isolated environment to build (2 s)
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("codedb-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "codedb/sql/library/functions.sql" in names and "codedb/sql/core/postgresql/meta.sql" in names
    assert "codedb/migrations/0001.function-library.rollback.sql" in names
    assert "codedb/migrations/sqlite/0002.function-summary-view.sql" in names

    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True
    )
    # A new environment: pip resolves the wheel's declared dependencies from the package index
    # (--system-site-packages only lets it reuse what the base interpreter already has), so a
    # dependency missing from pyproject.toml fails here. This pip installs into it (--python):
    # the environment needs no pip of its own.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    script = venv / "bin" / "codedb"
    database = tmp_path / "w.sqlite"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    init = subprocess.run(
        [script, "--db", str(database), "init"], cwd=elsewhere, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    stats = subprocess.run(
        [script, "--db", str(database), "stats", "--json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(stats.stdout)["revision"] == known_ids("sqlite")[-1]
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import codedb.core.resources as r; print(r.resource_dir('sql'))"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "site-packages/codedb/sql" in where.stdout
