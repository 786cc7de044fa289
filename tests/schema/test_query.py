"""`codedb query` can change nothing, whatever the statement and whatever the connecting role
may do (issue #22 items 4 and 5): the database limits it, not a parser of the SQL."""

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

import codedb
from codedb.schema.query import reader_role_name
from conftest import CLI, db_snapshot


def test_sqlite_refuses_attach_and_vacuum_before_they_create_a_file(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    cli = new_cli("code_db.sqlite")
    cli.ok("add-function", "--name=f", "--code=x = 1")
    before = db_snapshot(cli.target)
    outside = tmp_path / "outside"
    outside.mkdir()
    refusals = {
        f"ATTACH DATABASE '{outside}/att.db' AS x": "ATTACH and VACUUM",
        f"VACUUM INTO '{outside}/v.sqlite'": "ATTACH and VACUUM",
        "VACUUM": "ATTACH and VACUUM",
        "DETACH DATABASE main": "DETACH",
        "PRAGMA query_only = 0": "a pragma that sets or does something",
        "PRAGMA journal_mode = DELETE": "a pragma that sets or does something",
        "PRAGMA optimize": "a pragma that sets or does something",
        "PRAGMA wal_checkpoint(TRUNCATE)": "a pragma that sets or does something",
        "BEGIN IMMEDIATE": "transaction control",
        "SAVEPOINT s": "transaction control",
        "DELETE FROM function": "writing",
        "CREATE TABLE zz(x)": "writing",
    }
    for statement, what in refusals.items():
        assert cli.error("query", statement) == (
            f"Error: the query was refused: {what} is not allowed; codedb query only reads"
        ), statement
    assert list(outside.iterdir()) == []
    assert db_snapshot(cli.target) == before
    # What only reads still works: tables, views, recursion, functions and reporting pragmas.
    assert cli.ok("query", "SELECT name FROM function_summary", "--csv") == "name\nf\n"
    assert "name" in cli.ok("query", "PRAGMA table_info(function)", "--csv").splitlines()[0]
    assert cli.ok("query", "SELECT count(*) AS n FROM pragma_table_info('function')", "--csv") != "n\n0\n"
    assert cli.ok("query", "PRAGMA journal_mode", "--csv") == "journal_mode\nwal\n"
    assert (
        cli.ok(
            "query",
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
            "SELECT sum(n) AS s FROM r",
            "--csv",
        )
        == "s\n6\n"
    )


def test_the_python_api_refuses_writes_on_a_read_write_connection_too(tmp_path: Path) -> None:
    from codedb.schema.query import run_query

    with codedb.connect(tmp_path / "rw.sqlite") as db:
        codedb.migrate(db)
        db.functions.add("f", code="x = 1")
        with pytest.raises(codedb.InvalidInput, match="the query was refused: writing"):
            run_query(db, "DELETE FROM function")
        with pytest.raises(codedb.InvalidInput, match="ATTACH and VACUUM"):
            run_query(db, f"VACUUM INTO '{tmp_path}/copy.sqlite'")
        assert db.functions.count() == 1 and not (tmp_path / "copy.sqlite").exists()
        db.functions.add("g", code="x = 2")  # the authorizer is gone once the query is over
        assert run_query(db, "SELECT count(*) FROM function")[1] == [(2,)]


@pytest.fixture
def pg(pg_schema_url: str, tmp_path: Path) -> CLI:
    cli = CLI(pg_schema_url, tmp_path)
    cli.ok("init")
    cli.ok("add-function", "--name=kept", "--code=x = 1")
    return cli


def admin() -> psycopg.Connection:
    return psycopg.connect(os.environ["CODEDB_TEST_POSTGRES_URL"], autocommit=True)


@pytest.mark.postgres
def test_postgresql_runs_the_statement_as_a_role_that_may_only_read(pg: CLI) -> None:
    with codedb.connect(pg.target) as db:
        database, schema = db.queries.core.where_am_i(db.conn)
    role = reader_role_name(database, schema)
    assert pg.ok("query", "SELECT session_user AS s, current_user AS c", "--csv") == f"s,c\n{role},{role}\n"
    assert pg.ok("query", "SELECT name FROM function_summary", "--csv") == "name\nkept\n"
    with admin() as conn:
        attributes = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles "
            "WHERE rolname = %s",
            (role,),
        ).fetchone()
    assert attributes == (False, False, False, False, False)


@pytest.mark.postgres
def test_postgresql_statements_that_act_outside_a_transaction_do_nothing(pg: CLI, tmp_path: Path) -> None:
    """Every statement of the issue, run as the test server's superuser would have run them."""
    before = db_snapshot(pg.target)
    marker = tmp_path / "ran"
    with admin() as conn:
        lo = conn.execute("SELECT lo_from_bytea(0, 'precious')").fetchone()[0]
        victim = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        los = conn.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone()[0]
        try:
            refused = [
                f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'",
                f"COPY (SELECT 1) TO '{marker}'",
                f"SELECT lo_export(lo_from_bytea(0, 'x'), '{marker}')",
                f"SELECT lo_put({lo}, 0, 'broken')",
                f"SELECT lo_unlink({lo})",
                f"SELECT pg_terminate_backend({victim})",
                "SELECT pg_reload_conf()",
                "SELECT pg_switch_wal()",
                "SELECT pg_create_restore_point('codedb')",
                "CHECKPOINT",
                "SELECT pg_stat_reset()",
                "SELECT pg_read_file('/etc/hostname')",
                "SELECT set_config('role', 'postgres', false), pg_read_file('/etc/hostname')",
                "SELECT set_config('session_authorization', 'postgres', false)",
                "SET ROLE postgres",
                "DELETE FROM function",
                "SELECT nextval('yoyo_lock_pkey')",
                "SELECT 1; COMMIT; SELECT lo_from_bytea(0, 'after the commit')",
            ]
            for statement in refused:
                line = pg.error("query", statement)
                assert line.startswith("Error: the query failed: "), (statement, line)
            # Accepted, and undone with the transaction (or acting on nothing of anyone's).
            for statement in (
                "SELECT lo_from_bytea(0, 'new')",
                "ANALYZE",
                "LISTEN codedb",
                "SELECT pg_notify('codedb', 'x')",
                "SET TRANSACTION READ WRITE",
                "COMMIT",
                "RESET ROLE",
            ):
                result = pg("query", statement)
                assert result.returncode in (0, 1) and "Traceback" not in result.stderr, statement
            assert not marker.exists()
            assert conn.execute("SELECT lo_get(%s)", (lo,)).fetchone()[0] == b"precious"
            assert conn.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone()[0] == los
            assert conn.execute("SELECT pg_backend_pid()").fetchone()[0] == victim  # still connected
        finally:
            conn.execute("SELECT lo_unlink(%s)", (lo,))
    assert db_snapshot(pg.target) == before


@pytest.mark.postgres
def test_postgresql_query_is_refused_with_the_fix_when_no_read_only_role_can_log_in(pg: CLI) -> None:
    with codedb.connect(pg.target) as db:
        role = reader_role_name(*db.queries.core.where_am_i(db.conn))
    with admin() as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')
    line = pg.error("query", "SELECT 1")
    assert line.startswith(f"Error: codedb query runs SQL as the read-only role {role}, which cannot log in")
    assert line.endswith(
        f"make it with 'codedb init' as a role that may create roles, or give it a password "
        f"(ALTER ROLE {role} PASSWORD '...') and put that in ~/.pgpass"
    )
    assert "already initialised" in pg.ok("init")  # init makes it again
    assert pg.ok("query", "SELECT count(*) AS n FROM function", "--csv") == "n\n1\n"
    with admin() as conn:  # a role that may do more than read is not used
        conn.execute(f'GRANT DELETE ON ALL TABLES IN SCHEMA {pg.target.split("%3D")[-1]} TO "{role}"')
    line = pg.error("query", "SELECT 1")
    assert re.fullmatch(
        f"Error: the role {role} that codedb query runs SQL as may do more than read "
        r"\(it may change \d+ tables\); revoke that \(a connection pooler that logs every "
        r"client in as one user does this: point --db at the server\)",
        line,
    ), line


@pytest.mark.postgres
def test_a_role_that_may_only_read_runs_its_own_queries(pg: CLI, tmp_path: Path) -> None:
    """A URL that logs in as a read-only role of the user's own is used as it is."""
    with codedb.connect(pg.target) as db:
        role = reader_role_name(*db.queries.core.where_am_i(db.conn))
    own = pg.target.replace("postgresql://postgres@", f"postgresql://{role}@")
    assert CLI(own, tmp_path).ok("query", "SELECT current_user AS u", "--csv") == f"u\n{role}\n"


def test_reader_role_names_are_short_distinct_and_safe() -> None:
    names = {reader_role_name(d, s) for d in ("a", "b") for s in ("public", "x" * 200, 'we"ird; DROP')}
    assert len(names) == 6
    assert all(len(n) <= 63 and n.replace("_", "").isalnum() for n in names)
    assert sqlite3.sqlite_version  # the module imports without a server
