"""Migrations apply, roll back to empty and apply again with the same catalog, on both
backends; a failing run changes nothing; a held lock gives a clear error, not a hang."""

import shutil
from pathlib import Path

import pytest

import codedb
from codedb.core.resources import resource_dir
from codedb.errors import LockedError, MigrationError, UnknownRevision
from codedb.schema.migrations import YOYO_TABLES, known_ids, rollback, status


def catalog(db: codedb.Database) -> list[tuple]:
    return [
        tuple(row)
        for row in db.queries.core.describe_schema(db.conn)
        if not str(row[1]).startswith(("_yoyo", "yoyo")) and not str(row[2]).startswith(("_yoyo", "yoyo"))
    ]


def test_apply_rollback_apply_gives_the_same_schema(target: str) -> None:
    with codedb.connect(target) as db:
        applied = codedb.migrate(db)
        assert applied == known_ids(db.dialect)
        before = catalog(db)
        assert any(row[0] == "view" and row[1] == "coverage_report" for row in before)
        assert {"function", "testresult"} <= db.table_names()

        undone = rollback(db, to="base")
        assert undone == list(reversed(applied))
        assert db.table_names() - YOYO_TABLES == set()
        assert catalog(db) == []
        assert status(db).current is None

        assert codedb.migrate(db) == applied
        assert catalog(db) == before


def test_migrate_to_and_rollback_steps(target: str) -> None:
    with codedb.connect(target) as db:
        ids = known_ids(db.dialect)
        assert codedb.migrate(db, to="0001") == ids[:1]
        assert status(db).current == ids[0]
        assert status(db).pending == tuple(ids[1:])
        assert codedb.migrate(db, dry_run=True) == ids[1:]
        assert status(db).current == ids[0]  # dry run changed nothing
        codedb.migrate(db)
        assert rollback(db, steps=2) == list(reversed(ids[-2:]))
        assert status(db).current == ids[-3]
        assert rollback(db, steps=0) == []


def test_unknown_revision_is_refused(target: str) -> None:
    with codedb.connect(target) as db:
        with pytest.raises(UnknownRevision, match=r"unknown revision '9999'; known revisions: base, 0001"):
            codedb.migrate(db, to="9999")
        assert status(db).current is None


def _migrations_with_a_bad_one(tmp_path: Path, dialect: str) -> Path:
    root = tmp_path / "migrations"
    shutil.copytree(resource_dir("migrations"), root)
    (root / "0099.broken.sql").write_text(
        "CREATE TABLE extra (id INTEGER);\nCREATE TABLE extra (id INTEGER);\n"
    )
    (root / "0099.broken.rollback.sql").write_text("DROP TABLE extra;\n")
    return root


def test_a_failed_migration_run_changes_nothing(db: codedb.Database, tmp_path: Path) -> None:
    db.functions.add("kept", "row before the failed run", "x = 1")
    rollback(db, steps=2)
    # Rows as the older schema has them (the dump queries are the latest schema's).
    functions = "SELECT function_id, name, description FROM function ORDER BY function_id"
    before_status, before_tables = status(db), db.table_names()
    before_rows = db.conn.execute(functions).fetchall()
    root = _migrations_with_a_bad_one(tmp_path, db.dialect)
    with pytest.raises(MigrationError, match=r"could not apply migration 0099.broken: .*nothing was changed"):
        codedb.migrate(db, migrations_dir=root)
    # the rolled-back migrations applied fine before 0099 failed; the one transaction undid them too.
    assert status(db).applied == before_status.applied
    assert "extra" not in db.table_names()
    assert db.table_names() == before_tables  # the two rolled-back migrations' tables stay away
    assert len(known_ids(db.dialect)) - len(status(db).applied) == 2
    assert db.conn.execute(functions).fetchall() == before_rows
    assert [row[1:] for row in before_rows] == [("kept", "row before the failed run")]


def test_a_held_lock_is_reported_not_waited_on_forever(target: str) -> None:
    from codedb.schema.migrations import migration_lock

    with codedb.connect(target) as db, codedb.connect(target) as other:
        with migration_lock(other), pytest.raises(LockedError, match=r"locked by another migration"):
            codedb.migrate(db, lock_timeout=0.3)  # another process is migrating
        assert status(db).current is None
        assert codedb.migrate(db) == known_ids(db.dialect)


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), 10**9])
def test_a_lock_timeout_out_of_range_is_refused(memory_db: codedb.Database, timeout: float) -> None:
    from codedb.schema.migrations import migration_lock

    with pytest.raises(MigrationError, match="above 0 and below a day"), migration_lock(memory_db, timeout):
        pass


def test_init_refuses_a_foreign_database_unless_forced(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
    conn.close()
    with codedb.connect(path) as db:
        with pytest.raises(codedb.ForeignDatabase, match=r"holds tables of another application \(invoices\)"):
            codedb.init(db)
        assert db.table_names() == {"invoices"}
        result = codedb.init(db, force=True)
        assert result.foreign_tables == ("invoices",)
        assert db.conn.execute("SELECT total FROM invoices").fetchall() == [(9.5,)]
        assert codedb.init(db).already


def test_sqlite_table_names_are_sqlites_own_list_of_tables(tmp_path: Path) -> None:
    """The tables a SQLite database holds, read from sqlite_schema (pragma_table_list opens
    every virtual table and took 1.9 ms a call, three calls a command): the same names as
    SQLite's own list, on codedb's schema and beside a user's virtual tables of other modules,
    one whose name is a prefix of a real table's."""
    import sqlite3

    path = tmp_path / "t.sqlite"
    with codedb.connect(path) as db:
        codedb.migrate(db)
        db.conn.executescript(
            "CREATE VIRTUAL TABLE notes USING fts5(body);"
            "CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1);"
            "CREATE TABLE notes2 (x);"  # starts like the virtual table, not its shadow
            "CREATE TABLE boxes_of_mine (x);"  # named like a shadow table, but a table of its own
        )
        names = db.table_names()
    with sqlite3.connect(path) as conn:
        own = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
            )
            if not name.startswith("sqlite_")
        }
    assert {"function", "_yoyo_migration", "notes2", "boxes_of_mine"} <= names
    assert not names & {"notes", "notes_data", "function_search", "function_search_idx", "boxes_node"}
    assert names == own
