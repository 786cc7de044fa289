"""Reads from a real streaming replica (a private primary and its pg_basebackup replica,
tests/pgcluster.py): with --read-db or $CODEDB_READ_URL the commands that only read read the
replica, writes go to the primary, and a paused replica shows what a lagging one shows."""

import json

import psycopg

import codedb
from conftest import CLI
from pgcluster import cluster, replica, wait_until


def caught_up(primary: str, standby: str) -> bool:
    with psycopg.connect(primary, autocommit=True) as p, psycopg.connect(standby, autocommit=True) as s:
        (target,) = p.execute("SELECT pg_current_wal_lsn()").fetchone()
        (done,) = s.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()
        return bool(done)


def names(out: str) -> list[str]:
    return sorted(f["name"] for f in json.loads(out))


def test_reads_go_to_the_replica_and_writes_to_the_primary(tmp_path) -> None:
    with cluster() as primary:
        with codedb.connect(primary.url) as db:
            codedb.migrate(db)
        with replica(primary) as standby:
            cli = CLI(primary.url, tmp_path)
            cli.ok("--read-db", standby.url, "add-function", "--name=first", "--code=pass")  # a write
            wait_until(lambda: caught_up(primary.url, standby.url))
            assert names(cli.ok("--read-db", standby.url, "list-functions", "--json")) == ["first"]
            with psycopg.connect(standby.url, autocommit=True) as s:
                s.execute("SELECT pg_wal_replay_pause()")  # the replica lags from here
            cli.ok("add-function", "--name=second", "--code=pass")
            assert names(cli.ok("list-functions", "--json")) == ["first", "second"]  # the primary
            assert names(cli.ok("--read-db", standby.url, "list-functions", "--json")) == ["first"]
            lagging = cli.ok("list-functions", "--json", env={"CODEDB_READ_URL": standby.url})
            assert names(lagging) == ["first"]
            assert "first" in cli.ok("--read-db", standby.url, "search", "first")
            stats = json.loads(cli.ok("--read-db", standby.url, "stats", "--json"))
            assert stats["tables"]["function"] == 1 and stats["database"] == standby.url
            with psycopg.connect(standby.url, autocommit=True) as s:
                s.execute("SELECT pg_wal_replay_resume()")
            wait_until(lambda: caught_up(primary.url, standby.url))
            assert names(cli.ok("--read-db", standby.url, "list-functions", "--json")) == ["first", "second"]
            with codedb.reader(primary.url, read_url=standby.url) as db:  # the Python API
                assert db.functions.count() == 2 and db.readonly
