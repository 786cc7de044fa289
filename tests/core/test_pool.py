"""codedb.pool on real PostgreSQL servers: the domain API through pooled connections from
several threads, and a pool that outlives a restart of its (private) server."""

import threading

import pytest

import codedb
from codedb.errors import ConnectError, InvalidInput
from pgcluster import cluster, free_port


def test_threads_share_a_pool(pg_schema_url: str) -> None:
    with codedb.connect(pg_schema_url) as db:
        codedb.migrate(db)
    errors: list[BaseException] = []
    with codedb.pool(pg_schema_url, size=2) as pool:

        def work(n: int) -> None:
            try:
                for i in range(10):
                    with pool.connection() as db, db.transaction():
                        db.functions.add(f"t{n}_{i}", "", "pass", tags=[f"thread{n}"])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with pool.connection() as db:
            assert db.functions.count() == 40
            assert len(db.functions.list(tag="thread3")) == 10
        assert pool.stats()["pool_max"] == 2


def test_a_pool_outlives_a_server_restart() -> None:
    with cluster() as server:
        with codedb.connect(server.url) as db:
            codedb.migrate(db)
        with codedb.pool(server.url, size=2) as pool:
            with pool.connection() as first, pool.connection() as second:
                first.functions.add("before", "", "pass")
                assert second.functions.count() == 1
            server.restart()  # both pooled connections are now dead
            for _ in range(3):  # each checkout gets a working connection, never a dead one
                with pool.connection() as db:
                    assert [f.name for f in db.functions.list()] == ["before"]
            with pool.connection() as db:
                db.functions.add("after", "", "pass")
            assert pool.stats().get("connections_lost", 0) >= 1


def test_pool_refusals(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="a pool is for PostgreSQL"):
        codedb.pool(str(tmp_path / "x.sqlite"))
    with pytest.raises(InvalidInput, match="1 connection or more"):
        codedb.pool("postgresql://postgres@127.0.0.1/test", size=0)
    with pytest.raises(ConnectError, match="cannot connect to .*check the URL"):
        codedb.pool(f"postgresql://postgres@127.0.0.1:{free_port()}/none", size=1, timeout=0.2)
