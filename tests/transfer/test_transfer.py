"""Export and import: lossless JSON and JSON lines, CSV for spreadsheets, idempotent imports,
refusals of bad files; and random databases surviving backup -> restore and export -> import."""

import csv
import importlib.util
import json
import shutil
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import codedb
from codedb.schema.migrations import known_ids
from codedb.transfer.dump import load, selected_tables, write_json
from codedb.transfer.reader import read_dump
from codedb.transfer.restore import restore
from conftest import CLI, db_snapshot, snapshot


def fill(db: codedb.Database) -> None:
    a = db.functions.add("alpha", "first", "def a(): pass", ["m1"], ["x", "y"])
    b = db.functions.add("beta", 'second, with "quotes"\nand lines', "def b(): pass", ["m1", "m2"])
    db.dependencies.add(a.function_id, b.function_id)
    t = db.tests.add(a.function_id, "t", "d", "assert a() is None")
    db.tests.record_result(t.test_id, "failed", None)
    db.tests.record_result(t.test_id, "passed", "None")
    db.functions.modify(b.function_id, "ada", "fix", "def b(): return 1")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_import_export_is_identical(
    ready_target: str, tmp_path: Path, new_cli: Callable[[str], CLI], fmt: str
) -> None:
    with codedb.connect(ready_target) as db:
        fill(db)
    cli = CLI(ready_target, tmp_path)
    first = tmp_path / f"first.{fmt}"
    cli.ok("export", f"--format={fmt}", f"--output={first}")
    other = new_cli("empty.sqlite")
    empty = Path(other.target)
    out = other.ok("import", str(first))
    assert "imported 2 function rows (0 already present)" in out
    assert "imported 2 testresult rows (0 already present)" in out
    second = tmp_path / f"second.{fmt}"
    other.ok("export", f"--format={fmt}", f"--output={second}")
    if ready_target.endswith(".sqlite"):
        assert second.read_bytes() == first.read_bytes()
    assert db_snapshot(str(empty)) == db_snapshot(ready_target)
    again = other.ok("import", str(first))
    assert "imported 0 function rows (2 already present)" in again
    assert db_snapshot(str(empty)) == db_snapshot(ready_target)


@pytest.mark.parametrize("layout", ["in load order", "tables reversed", "a table split in two"])
def test_a_dump_in_any_table_order_imports_whole(
    tmp_path: Path, new_cli: Callable[[str], CLI], layout: str
) -> None:
    """codedb writes tables in load order and the load reads such a file once; a file whose
    tables come in another order (edited, or merged by hand) is read table by table."""
    cli = new_cli("s.sqlite")
    source = tmp_path / "s.sqlite"
    with codedb.connect(source) as db:
        fill(db)
    lines = [json.loads(line) for line in cli.ok("export", "--format=jsonl").splitlines()]
    head, rows = lines[0], lines[1:]
    if layout == "tables reversed":
        rows = sorted(rows, key=lambda item: -list(db.tables).index(item["table"]))
    elif layout == "a table split in two":
        rows = rows[1:] + rows[:1]  # the first function row moves to the end
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join(json.dumps(line) for line in [head, *rows]) + "\n")
    assert read_dump(dump).in_load_order is (layout == "in load order")
    new_cli("e.sqlite").ok("import", str(dump))
    assert db_snapshot(str(tmp_path / "e.sqlite")) == db_snapshot(str(source))


def test_export_to_stdout_tables_and_csv(tmp_path: Path, new_cli: Callable[[str], CLI]) -> None:
    cli = new_cli("e.sqlite")
    with codedb.connect(tmp_path / "e.sqlite") as db:
        fill(db)
    doc = json.loads(cli.ok("export", "--table=function", "--table=tag"))
    assert set(doc["tables"]) == {"function", "tag"} and doc["revision"] == known_ids("sqlite")[-1]
    assert [t["name"] for t in doc["tables"]["tag"]] == ["x", "y"]
    out_dir = tmp_path / "csv"
    cli.ok("export", "--format=csv", f"--output={out_dir}")
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{t}.csv" for t in selected_tables(None))
    with open(out_dir / "function.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["name"] for r in rows} == {"alpha", "beta"}
    assert any(r["description"] == 'second, with "quotes"\nand lines' for r in rows)
    assert (
        cli.error("export", "--format=csv")
        == "Error: --format=csv writes one file per table: give a directory with --output=DIR"
    )
    assert cli.error("export", "--table=nope").startswith(
        "Error: unknown table 'nope'; the tables are: function"
    )
    assert cli.error("export", "--format=xml") == "Error: unknown export format 'xml'; use json, jsonl or csv"


def test_import_dry_run_and_bad_files(tmp_path: Path, new_cli: Callable[[str], CLI]) -> None:
    source = new_cli("s.sqlite")
    with codedb.connect(tmp_path / "s.sqlite") as db:
        fill(db)
    dump = tmp_path / "d.json"
    source.ok("export", f"--output={dump}")
    target = tmp_path / "t.sqlite"
    cli = new_cli("t.sqlite")
    assert "would import 2 function rows" in cli.ok("import", str(dump), "--dry-run")
    assert db_snapshot(str(target))["function"] == []

    def refused(content: str, start: str) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text(content)
        before = db_snapshot(str(target))
        line = cli.error("import", str(bad))
        assert line.startswith(start), line
        assert db_snapshot(str(target)) == before

    refused("{not json", f"Error: file {tmp_path / 'bad.json'} is not valid JSON")
    refused("[]", f"Error: file {tmp_path / 'bad.json'} is not a codedb dump")
    refused(
        json.dumps({"format": "codedb-dump", "tables": {"secrets": []}}),
        f"Error: {tmp_path / 'bad.json'}: unknown table 'secrets'",
    )
    rows = json.loads(dump.read_text())
    rows["tables"]["testresult"][0]["execution_date"] = "not a date"
    refused(
        json.dumps(rows), f"Error: {tmp_path / 'bad.json'}: testresult row 1: not a valid TestResult record"
    )
    rows = json.loads(dump.read_text())
    rows["tables"]["function"][0]["colour"] = "blue"
    refused(json.dumps(rows), f"Error: {tmp_path / 'bad.json'}: function row 1: not a valid Function record")
    rows = json.loads(dump.read_text())
    rows["tables"]["testresult"][0]["status"] = "exploded"  # the schema's CHECK refuses it: all rolled back
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rows))
    result = cli("import", str(bad))
    assert result.returncode == 1 and "CHECK constraint failed" in result.stderr
    assert db_snapshot(str(target))["function"] == []
    assert (
        cli.error("import", str(tmp_path / "missing.json"))
        == f"Error: file {tmp_path / 'missing.json'} does not exist; give the path of a codedb dump"
    )


# Random databases: functions, tests, results, dependencies, unicode everywhere.
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30)
NAME = TEXT.filter(lambda s: s.strip() != "" and s == s.strip())
WHEN = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))


@st.composite
def libraries(draw: st.DrawFn) -> dict[str, list[dict[str, object]]]:
    """A random database: each domain's rows, drawn by its tests/<domain>/strategies.py."""
    rows: dict[str, list[dict[str, object]]] = {t: [] for t in selected_tables(None)}
    for draw_rows in domain_strategies():
        draw_rows(draw, rows, STRATEGIES)
    return rows


@cache
def domain_strategies() -> tuple[Callable[..., None], ...]:
    """The `draw_rows(draw, rows, kit)` of every domain that has tests/<domain>/strategies.py,
    in the registry's order (a domain after those it requires; one whose strategies name
    others in AFTER, after those), so a new domain's tables join the round trips from its own
    test folder."""
    from codedb.core.registry import domains

    found = []
    for domain in domains():
        path = Path(__file__).parents[1] / domain.name / "strategies.py"
        if path.exists():
            spec = importlib.util.spec_from_file_location(f"strategies_{domain.name}", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            found.append((domain.name, module))
    names = [name for name, _ in found]

    def place(pair: tuple[str, object]) -> float:  # just after the last domain named in AFTER
        after = [names.index(n) + 0.5 for n in getattr(pair[1], "AFTER", ())]
        return max(after, default=names.index(pair[0]))

    return tuple(module.draw_rows for _, module in sorted(found, key=place))


# JSON values as the JSON columns hold them: objects of text, numbers, booleans, nulls, lists.
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
OBJECT = st.dictionaries(TEXT, JSON, max_size=3)


def vectors(draw: st.DrawFn, key: str, owner: str) -> list[dict[str, object]]:
    """Rows of a domain's vector table (migration 0027) for one owner: 0-2 models, each with
    a vector of its own dimensions (float32 values, base64, as codedb.core.vectors stores)."""
    import base64
    import struct

    made = []
    for model in draw(st.lists(NAME, max_size=2, unique=True)):
        values = draw(st.lists(st.floats(-1, 1, width=32), min_size=1, max_size=4))
        made.append(
            {
                key: owner,
                "model": model,
                "dimensions": len(values),
                "text_hash": draw(st.text("0123456789abcdef", min_size=64, max_size=64)),
                "vector": base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode(),
                "embedded_at": draw(WHEN),
            }
        )
    return made


# What the domains' strategies draw with (draw_rows(draw, rows, STRATEGIES)).
STRATEGIES = SimpleNamespace(
    st=st,
    TEXT=TEXT,
    NAME=NAME,
    WHEN=WHEN,
    JSON=JSON,
    OBJECT=OBJECT,
    json_text=lambda value: json.dumps(value, ensure_ascii=False),
    vectors=vectors,
)


def OBJECT_TEXT(value: object) -> str:  # noqa: N802 - reads as the constant beside OBJECT
    return json.dumps(value, ensure_ascii=False)


def _as_params(rows: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    from codedb.core.convert import db_time

    return {
        t: [{k: db_time(v) if isinstance(v, datetime) else v for k, v in row.items()} for row in rs]
        for t, rs in rows.items()
    }


class _EveryTableFilled(Exception):
    """Raised from inside a Hypothesis test to stop drawing once every table has had rows."""


def test_the_random_databases_reach_every_table() -> None:
    """A table no strategy fills would pass the round trips untested (a domain that forgot its
    tests/<domain>/strategies.py). Up to 50 draws are made, and they stop as soon as every
    table has had rows in one (about 5 draws; a table no strategy fills gets none in 50).
    Hypothesis sizes its examples partly by time (a loaded machine drew a table into fewer
    than 3 of 25), so the test asks for rows at all."""
    filled: dict[str, int] = dict.fromkeys(selected_tables(None), 0)

    @settings(max_examples=50, database=None, deadline=None, derandomize=True, phases=[Phase.generate])
    @given(rows=libraries())
    def tally(rows: dict[str, list[dict[str, object]]]) -> None:
        for table, found in rows.items():
            filled[table] += bool(found)
        if min(filled.values()) >= 1:
            raise _EveryTableFilled

    with pytest.raises(_EveryTableFilled):
        tally()
    assert min(filled.values()) >= 1, filled


# Each example is a whole database through four formats: 8 per backend (with the test above,
# which makes sure the strategy reaches every table) keep the suite within its 2 minutes.
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(library=libraries())
def test_random_databases_survive_backup_restore_and_export_import(
    db: codedb.Database, tmp_path_factory: pytest.TempPathFactory, library: dict[str, list[dict[str, object]]]
) -> None:
    with db.transaction():
        for table in reversed(selected_tables(None)):
            db.tables[table].clear(db.conn)
        load(db, _as_params(library))
    original = snapshot(db)
    assert len(original["function"]) == len(library["function"])
    work = tmp_path_factory.mktemp("round")
    dump = work / "dump.json"
    with open(dump, "w", encoding="utf-8") as stream:
        write_json(db, stream, selected_tables(None))
    copy = work / "copy.sqlite"
    with codedb.connect(copy) as empty:
        restore(empty, dump)  # backup -> restore
    with codedb.connect(copy) as restored:
        assert snapshot(restored) == original
        with restored.transaction():  # export -> import into the emptied database
            for table in reversed(selected_tables(None)):
                restored.tables[table].clear(restored.conn)
            load(restored, read_dump(dump))
        assert snapshot(restored) == original
    if db.dialect == "sqlite":
        hot = work / "hot.sqlite"
        from codedb.transfer.backup import backup

        backup(db, hot, quiet=True)
        target = work / "from_hot.sqlite"
        with codedb.connect(target) as empty:
            restore(empty, hot)
        with codedb.connect(target) as restored:
            assert snapshot(restored) == original


@pytest.mark.postgres
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(library=libraries())
def test_random_databases_move_between_sqlite_and_postgresql(
    pg_schema_url: str,
    sqlite_migrated: Path,
    tmp_path_factory: pytest.TempPathFactory,
    library: dict[str, list[dict[str, object]]],
) -> None:
    """`codedb copy` writes PostgreSQL's rows with COPY (each record's values in its fields'
    order) and checks every table by its checksum before the commit: any row of any table,
    there and back; and a JSON backup restored, and an export imported, from each backend into
    the other. Compared as the checksums compare them (convert.canonical_values): jsonb
    gives the float 1.2e17 back as the integer 120000000000000000, the same JSON number."""
    from codedb.core.convert import canonical_values
    from codedb.transfer.copy import copy

    def rows(target: str | Path) -> dict[str, list[tuple[object, ...]]]:
        with codedb.connect(target) as db:
            return {t: sorted(map(canonical_values, found), key=repr) for t, found in snapshot(db).items()}

    work = tmp_path_factory.mktemp("copies")
    source = Path(shutil.copy2(sqlite_migrated, work / "source.sqlite"))
    with codedb.connect(source) as db, db.transaction():
        load(db, _as_params(library))
    original = rows(source)
    there = copy(source, pg_schema_url, force=True, batch=7)
    assert rows(pg_schema_url) == original
    back = copy(pg_schema_url, work / "back.sqlite")
    assert back.tables == there.tables  # the same rows and checksums read from either side
    assert rows(work / "back.sqlite") == original
    # a JSON backup of each restored into the other, and an export of each imported there
    for src, dst in ((source, pg_schema_url), (pg_schema_url, work / "back.sqlite")):
        dump = work / "dump.json"
        with codedb.connect(src) as db, open(dump, "w", encoding="utf-8") as stream:
            write_json(db, stream, selected_tables(None))
        with codedb.connect(dst) as db:
            restore(db, dump, force=True)
        assert rows(dst) == original
        with codedb.connect(dst) as db, db.transaction():
            for table in reversed(selected_tables(None)):
                db.tables[table].clear(db.conn)
            load(db, read_dump(dump))
        assert rows(dst) == original


@pytest.mark.postgres
def test_tables_are_read_a_batch_at_a_time_on_postgresql(pg_schema_url: str) -> None:
    """Export, JSON backups, restores between backends and copy's read-back all read tables
    through iter_records. A plain psycopg cursor brings a whole table into memory before the
    first row (`codedb copy` of 1M functions into PostgreSQL peaked at 420 MB reading them
    back): the rows must come through a server-side cursor, a batch at a time."""
    from codedb.transfer import dump

    with codedb.connect(pg_schema_url) as db:
        codedb.migrate(db)
        db.functions.add_many({"name": f"f{i}", "code": "pass"} for i in range(25))
        for in_transaction in (False, True):
            with db.transaction() if in_transaction else db.snapshot():
                rows = dump.iter_records(db, "function", batch=10)
                first = next(rows)
                open_cursors = [r[0] for r in db.conn.execute("SELECT name FROM pg_cursors").fetchall()]
                assert len(open_cursors) == 1, open_cursors  # the table is read through it
                assert sorted([first.name, *(f.name for f in rows)]) == sorted(f"f{i}" for i in range(25))
        rows = dump.iter_records(db, "function", batch=10)  # outside any transaction too
        assert len(list(rows)) == 25 and not db.in_transaction


@pytest.mark.parametrize("layout", ["pretty", "minified", "indented-4-sorted"])
def test_a_dump_reformatted_by_a_tool_imports_exactly(
    ready_target: str, tmp_path: Path, new_cli: Callable[[str], CLI], layout: str
) -> None:
    """Issue #22 item 12: `python -m json.tool` output was refused (its numbers came back as
    Decimal) and a `jq -c` dump was read whole as one line."""
    source = new_cli("source.sqlite")
    with codedb.connect(source.target) as db:
        fid = db.functions.add("f", description="é ✓", code="x = 1.5", tags=["t"]).function_id
        db.metrics.record("op", 12.25, extra={"ratio": 0.1, "big": 10**15})
        user = db.users.add("ada").user_id
        project = db.projects.create("p", user_id=user)
        db.usage.record(provider="openai", model="m", project_id=project.project_id, tokens_in=3, cost=0.0125)
    dump = tmp_path / "dump.json"
    source.ok("export", f"--output={dump}")
    data = json.loads(dump.read_text())
    changed = tmp_path / f"{layout}.json"
    if layout == "pretty":
        changed.write_text(json.dumps(data, indent=2, ensure_ascii=True))
    elif layout == "minified":
        changed.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    else:
        changed.write_text(json.dumps(data, indent=4, sort_keys=True))
    cli = CLI(ready_target, tmp_path)
    cli.ok("import", str(changed))
    assert db_snapshot(ready_target) == db_snapshot(source.target)
    with codedb.connect(ready_target) as db:
        assert db.functions.get(fid).description == "é ✓"


def test_a_minified_dump_is_read_a_row_at_a_time(tmp_path: Path) -> None:
    import tracemalloc

    from codedb.transfer.reader import read_dump

    rows = [{**_function_row(i), "code_snippet": "x" * 2000} for i in range(5000)]  # 10 MB of code
    dump = tmp_path / "mini.json"
    document = {"format": "codedb-dump", "format_version": 1, "tables": {"function": rows}}
    dump.write_text(json.dumps(document, separators=(",", ":")))
    del rows
    tracemalloc.start()
    try:
        checked = read_dump(dump)
        assert checked.counts == {"function": 5000} and checked.kind == "json-any"
        assert sum(1 for _ in checked.records("function")) == 5000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000, peak  # the file is 10 MB; one row at a time is a few kB


def _function_row(i: int) -> dict[str, object]:
    return {
        "function_id": f"00000000-0000-4000-8000-{i:012d}",
        "name": f"f{i}",
        "description": "",
        "code_snippet": "",
        "creation_date": "2024-01-01T00:00:00",
        "last_modified_date": "2024-01-01T00:00:00",
        "signature_json": None,
    }


def test_an_import_of_rows_held_already_sees_json_numbers_as_numbers(db: codedb.Database) -> None:
    """An import sets aside the rows codedb holds already, and names those that differ. jsonb
    gives the float 1.2779695534327858e17 back as the integer 127796955343278580 (the same JSON
    number, though not an equal Python one): a row read back from PostgreSQL was named as
    another source's row under the same id."""
    from codedb.transfer.dump import set_aside_present

    config = {"big": 1.2779695534327858e17, "whole": 1e16, "small": 0.5, "minus_zero": -0.0, "n": 3}
    made = db.projects.create("numbers", config=config)
    other = attrs.evolve(made, config={**config, "n": 4})
    _, same, notes = set_aside_present(db, {"projects": [made]})
    assert (same, notes) == ({"projects": 1}, [])
    _, same, notes = set_aside_present(db, {"projects": [other]})
    assert same == {} and notes == [
        f"projects {made.project_id}: codedb holds another row under this id (from another source?); "
        "kept the one it holds"
    ]
