"""codedb through a real PgBouncer in transaction pooling mode (tests/pgbouncer.py): why
?pgbouncer=1 is needed (server-side prepared statements), and that with it a read-only
connection, `codedb query` and a pool leave nothing behind on the shared server connections."""

import psycopg
import pytest

import codedb
from codedb.errors import InvalidInput
from codedb.schema.query import reader_role_name
from conftest import CLI


def test_prepared_statements_break_without_the_flag_and_not_with_it(pgbouncer_url: str) -> None:
    plain = pgbouncer_url.replace("?pgbouncer=1", "")
    for url, breaks in ((plain, True), (pgbouncer_url, False)):
        with codedb.connect(url) as a, codedb.connect(url) as b:
            for _ in range(6):  # psycopg prepares a statement on its fifth run
                a.functions.count()
            with b.transaction():  # b holds the server connection a prepared on
                b.functions.count()
                if breaks:
                    with pytest.raises(codedb.errors.DatabaseError, match="prepared statement"):
                        a.functions.count()
                else:
                    assert a.functions.count() == 0


def test_read_only_connections_and_queries_leave_the_server_connections_writable(
    pgbouncer_url: str, tmp_path
) -> None:
    with codedb.connect(pgbouncer_url, readonly=True) as reader:
        assert reader.functions.count() == 0
    cli = CLI(pgbouncer_url, tmp_path)
    assert "0" in cli.ok("query", "SELECT count(*) FROM function")
    assert "read-only transaction" in cli.error("query", "DELETE FROM function")
    for _ in range(3):  # one statement only, though a PgBouncer connection prepares nothing
        assert "cannot insert multiple commands into a prepared statement" in cli.error(
            "query", "SELECT 1; COMMIT; SELECT lo_from_bytea(0, 'x')"
        )
    with codedb.pool(pgbouncer_url, size=2) as pool:
        for i in range(8):  # every server connection the bouncer holds takes writes and statements
            with pool.connection() as db:
                db.functions.add(f"f{i}", "", "pass")
        with pool.connection() as db:
            assert db.functions.count() == 8
            db.clear_tables()
    with codedb.connect(pgbouncer_url) as db:  # codedb query runs as its read-only role
        role = reader_role_name(*db.queries.core.where_am_i(db.conn))
    as_reader = pgbouncer_url.replace("?pgbouncer=1", "").replace("postgres@", f"{role}@")
    with psycopg.connect(as_reader, autocommit=True, prepare_threshold=None) as raw:
        for _ in range(4):  # no prepared statement was left behind by codedb query
            assert raw.execute("SELECT count(*) FROM pg_prepared_statements").fetchone() == (0,)


def test_the_flag_is_codedb_s_own() -> None:
    from codedb.core.target import resolve_target

    target = resolve_target("postgresql://u@h:6432/db?sslmode=disable&pgbouncer=1")
    assert target.pgbouncer and target.conninfo == "postgresql://u@h:6432/db?sslmode=disable"
    assert not resolve_target("postgresql://u@h/db?pgbouncer=0").pgbouncer
    with pytest.raises(InvalidInput):
        codedb.pool("sqlite.db")
