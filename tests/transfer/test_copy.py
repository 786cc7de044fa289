"""`codedb copy SRC DST` on real files and a real PostgreSQL server: SQLite to PostgreSQL and
back with equal checksums, a DST left as it was by every failure (a refused row, a read-back
mismatch, a refusal), the revision rules, and the CLI."""

import hashlib
import json
import os
import runpy
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import codedb
from codedb.errors import CodedbError, Conflict, InvalidInput
from codedb.transfer.copy import copy
from conftest import CLI, ROOT, db_snapshot


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory, sqlite_migrated: Path) -> Path:
    """A SQLite database holding the demo's sample data (every domain has rows), made once."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    shutil.copy2(sqlite_migrated, path)
    runpy.run_path(str(ROOT / "examples" / "sample_library.py"), run_name="sample").get("main")(str(path))
    assert sorted(os.listdir(path.parent)) == [path.name]  # closed: the file holds it all
    return path


@pytest.fixture
def sample(built_sample: Path, tmp_path: Path) -> Path:
    """A copy of the sample database of its own, for a test that may change it."""
    return Path(shutil.copy2(built_sample, tmp_path / "sample.sqlite"))


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_objects(url: str) -> list[tuple]:
    """The catalog of the schema at `url` (its columns, constraints, indexes and views)."""
    with codedb.connect(url) as db:
        return sorted(tuple(row) for row in db.queries.core.describe_schema(db.conn))


def test_sqlite_to_postgresql_and_back(sample: Path, pg_schema_url: str, tmp_path: Path) -> None:
    with codedb.connect(pg_schema_url) as db:
        codedb.migrate(db)
    made = schema_objects(pg_schema_url)
    assert sum(kind == "constraint" and "FOREIGN KEY" in str(text) for kind, _, _, text in made) > 10
    assert sum(kind == "index" for kind, *_ in made) > 20
    there = copy(sample, pg_schema_url, batch=3)  # small batches: several per table
    # the references and indexes the load set aside (db.loading) are all back, as they were
    assert schema_objects(pg_schema_url) == made
    back = tmp_path / "back.sqlite"
    again = copy(pg_schema_url, back)
    assert [t.table for t in there.tables] == [t.table for t in again.tables]
    assert there.tables == again.tables  # the same rows and checksums on both sides
    assert {t.table for t in there.tables if t.rows} >= {"function", "users", "projects", "templates"}
    assert db_snapshot(str(sample)) == db_snapshot(pg_schema_url) == db_snapshot(str(back))
    assert stat.S_IMODE(back.stat().st_mode) == 0o600
    for target in (pg_schema_url, str(back)):  # the triggers made the derived tables
        with codedb.connect(target) as db:
            assert [h.name for h in db.functions.search_ranked("fib")][:1] == ["fib"]
            assert db.functions.stale_in_index() == db.templates.stale_in_index() == 0
            assert db.history.stale_in_index() == 0


def test_json_numbers_postgresql_writes_otherwise_copy_there_and_back(
    sqlite_migrated: Path, pg_schema_url: str, tmp_path: Path
) -> None:
    """jsonb keeps a number as the decimal it was given, which has no -0, and writes it without
    an exponent: the float 1e16 comes back as the integer 10000000000000000 and -0.0 as 0.0
    (the same JSON numbers, other JSON texts). The copy's read-back check refused such a
    database ("the copy of projects does not match SRC")."""

    def as_json(value: object) -> object:  # a JSON number's value, whatever type Python gives it
        return json.loads(json.dumps(value), parse_int=float)

    src = Path(shutil.copy2(sqlite_migrated, tmp_path / "src.sqlite"))
    config = {
        "big": 1e16,
        "digits": 1.2345678901234567e25,
        "small": 1e-7,
        "whole": 3,
        "ratio": 2.5,
        "minus_zero": -0.0,
        "huge": 12345678901234567890123,
        "flags": [True, False, None],
        "nested": [{"n": 1e300}],
    }
    with codedb.connect(src) as db:
        made = db.projects.create("numbers", config=config)
    there = copy(src, pg_schema_url)
    with codedb.connect(pg_schema_url) as db:
        assert as_json(db.projects.get(made.project_id).config) == as_json(config)
    back = copy(pg_schema_url, tmp_path / "back.sqlite")
    assert back.tables == there.tables
    with codedb.connect(tmp_path / "back.sqlite") as db:
        assert as_json(db.projects.get(made.project_id).config) == as_json(config)


def test_a_refused_row_leaves_dst_as_it_was(sample: Path, pg_schema_url: str, tmp_path: Path) -> None:
    copy(sample, pg_schema_url)
    conn = sqlite3.connect(sample)  # plain SQL: a link to a function that is not there
    conn.execute("INSERT INTO function_tags (function_id, tag) VALUES ('no-such-function', 'classic')")
    conn.commit()
    conn.close()
    before = db_snapshot(pg_schema_url)
    with pytest.raises(CodedbError, match="DST refused a row of function_tags .*; nothing was written"):
        copy(sample, pg_schema_url, force=True)
    assert db_snapshot(pg_schema_url) == before
    new = tmp_path / "new.sqlite"
    with pytest.raises(CodedbError, match="DST refused a row of function_tags") as refused:
        copy(sample, new)
    # Regression: a new file's refusal named the temporary file it was built in (.new.sqlite.N.tmp)
    assert str(refused.value).endswith(f"nothing was written to {new}: fix that row in SRC, then copy again")
    assert not [p.name for p in tmp_path.iterdir() if not p.name.startswith("sample.sqlite")]  # no DST


def test_a_source_text_that_is_not_utf8_is_named_as_srcs(sample: Path, tmp_path: Path) -> None:
    # Regression: text another program wrote into SRC in bytes that are not UTF-8 was reported
    # as a row DST refused ("fix that row in SRC"), naming the temporary file of a new DST.
    with sqlite3.connect(sample) as conn:
        conn.execute("UPDATE function SET description = CAST(x'61ff62' AS TEXT) WHERE rowid = 1")
    conn.close()
    new = tmp_path / "new.sqlite"
    with pytest.raises(CodedbError) as refused:
        copy(sample, new)
    message = str(refused.value)
    assert "column description holds bytes that are not UTF-8" in message and "codedb check" in message
    assert "DST" not in message and ".tmp" not in message
    assert not new.exists()


def test_a_read_back_mismatch_rolls_the_copy_back(sample: Path, tmp_path: Path) -> None:
    dst = tmp_path / "dst.sqlite"
    with codedb.connect(dst) as db:
        codedb.migrate(db)
        db.functions.add("kept", "", "pass")
    conn = sqlite3.connect(dst)  # DST changes what it is given: the check must see it
    conn.execute(
        "CREATE TRIGGER meddle AFTER INSERT ON module BEGIN "
        "UPDATE module SET module_id = 'x' || NEW.module_id WHERE name = NEW.name; END"
    )
    conn.close()
    before = file_hash(dst)
    with pytest.raises(CodedbError, match="the copy of module does not match SRC"):
        copy(sample, dst, force=True)
    assert file_hash(dst) == before


def test_refusals(sample: Path, tmp_path: Path) -> None:
    dst = tmp_path / "dst.sqlite"
    copy(sample, dst)
    before = file_hash(dst)
    with pytest.raises(Conflict, match="holds data; copying would replace it"):
        copy(sample, dst)
    with pytest.raises(InvalidInput, match="the same database"):
        copy(sample, tmp_path / ".." / tmp_path.name / "sample.sqlite")
    with pytest.raises(InvalidInput, match="--batch must be a positive"):
        copy(sample, tmp_path / "other.sqlite", batch=0)
    old = tmp_path / "old.sqlite"
    with codedb.connect(old) as db:
        codedb.migrate(db, to="0015.template-stats")
    with pytest.raises(InvalidInput, match=r"older than this codedb's .*; migrate it first: codedb --db"):
        copy(old, dst, force=True)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(InvalidInput, match="holds no codedb schema"):
        copy(empty, dst, force=True)
    assert file_hash(dst) == before
    # --force replaces: a function only DST had is gone
    with codedb.connect(dst) as db:
        db.functions.add("onlyInDst", "", "pass")
    copy(sample, dst, force=True)
    assert db_snapshot(str(dst)) == db_snapshot(str(sample))


def test_copy_command(sample: Path, tmp_path: Path) -> None:
    cli = CLI(str(sample), tmp_path)
    dst = tmp_path / "copied.sqlite"
    text = cli.ok("copy", str(sample), str(dst), "--quiet", db=False)
    assert text.splitlines()[-1].startswith("copied ") and f"to {dst} (revision " in text
    shown = json.loads(cli.ok("copy", str(sample), str(dst), "--force", "--json", db=False))
    assert {t["table"]: t["rows"] for t in shown["tables"]}["function"] == 10
    refused = cli.error("copy", str(sample), str(dst), db=False)
    assert refused.startswith("Error: ") and refused.endswith("then copy with --force")
    assert "give a whole number" in cli.error("copy", str(sample), str(dst), "--batch=x", db=False)


@pytest.fixture
def icu_database() -> Iterator[str]:
    """A new PostgreSQL database whose collation is ICU's English (B, Zeta, _x sort among the
    small letters, not before them as in C), migrated; dropped afterwards with its reader role."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from codedb.schema.query import reader_role_name
    from conftest import pg_base_url

    base = pg_base_url()
    name = f"codedb_icu_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        try:
            icu = "LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8'"
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 {icu}")
        except psycopg.Error as exc:
            pytest.skip(f"the server cannot make a database of ICU's collation ({exc})")
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    try:
        with codedb.connect(url) as db:
            codedb.migrate(db)
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f'DROP ROLE IF EXISTS "{reader_role_name(name, "public")}"')


def test_a_copy_into_postgresql_indexes_functions_as_the_server_would(
    new_cli: Callable[[], CLI], icu_database: str, pg_schema_url: str
) -> None:
    # codedb copy into PostgreSQL makes the search documents in Python: each function's labels
    # joined in the order the server's own documents join them (its collation: here ICU's, where
    # C's order differs), the documents Python cannot make (non-ASCII text) left to the server
    src = new_cli().target
    tags = ["Zeta", "alpha", "_x", "a-b"]
    modules = ["ab", "B", "alpha", "Ω-module"]
    with codedb.connect(src) as db:
        for n in range(20):
            picked = [tags[(n + k) % len(tags)] for k in range(n % 4)]
            inside = [modules[(n * 3 + k) % len(modules)] for k in range(n % 3)]
            name = f"größe_{n}" if n % 7 == 0 else f"func_{n}"
            db.functions.add(name, f"does thing {n}", f"def {name}(): return {n}", inside, picked)
    copied = copy(src, icu_database, batch=3)  # 7 batches of functions: the workers take part
    assert copied.rows > 40
    for target in (icu_database, pg_schema_url):
        if target == pg_schema_url:
            copy(icu_database, pg_schema_url, batch=4)  # PostgreSQL to PostgreSQL (C's order)
        with codedb.connect(target) as db:
            assert db.functions.stale_in_index() == 0
            assert db.queries.library.count_function_search(db.conn) == 20
            assert {h.name for h in db.functions.search_ranked("tag:Zeta")} == {
                f"größe_{n}" if n % 7 == 0 else f"func_{n}"
                for n in range(20)
                if "Zeta" in [tags[(n + k) % len(tags)] for k in range(n % 4)]
            }
