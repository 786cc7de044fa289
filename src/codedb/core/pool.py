"""A pool of PostgreSQL connections for long-running services (psycopg_pool).

    pool = codedb.pool("postgresql://codedb@db/codedb", size=8)
    with pool.connection() as db:        # a codedb.Database: the whole domain API
        db.functions.add("fib", "", "def fib(n): ...")
    pool.close()

Each connection is set up as codedb.connect sets one up, and checked when it is handed out:
one that the server dropped (a restart, a failover, an idle timeout) is thrown away and
replaced, never given to the caller. A connection goes back to the pool when its block ends,
rolled back if the block left a transaction open. SQLite needs no pool: open one
codedb.connect per thread (each is a file handle)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ConnectError, InvalidInput, first_line
from .db import (
    CONNECT_TIMEOUT_SECONDS,
    Database,
    configure_postgres,
    parse_conninfo,
    planned_cursor,
    postgres_options,
)
from .queries import load_queries
from .target import Target, mask, resolve_target

WAIT_SECONDS = 30.0  # how long a checkout waits for a free connection


class Pool:
    """Connections to one PostgreSQL database, `size` at most, handed out as Databases."""

    def __init__(self, target: Target, size: int, readonly: bool = False, timeout: float = WAIT_SECONDS):
        from psycopg_pool import ConnectionPool, PoolTimeout

        self.target = target
        self.readonly = readonly
        self.timeout = timeout
        self._pool = ConnectionPool(
            **pool_options(target, size),
            configure=configure_postgres(load_queries("postgresql").core, target, readonly),
            check=ConnectionPool.check_connection,
        )
        self._pool.open()
        try:
            self._pool.wait(timeout=min(timeout, CONNECT_TIMEOUT_SECONDS))
        except PoolTimeout:
            self._pool.close()
            raise unreachable(target) from None

    def __repr__(self) -> str:
        return f"<codedb.Pool {self.target.display} size={self._pool.max_size}>"

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def connection(self) -> Iterator[Database]:
        """A Database on a pooled connection, back in the pool when the block ends."""
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=self.timeout) as conn:
                yield Database(self.target, conn, self.readonly)
        except PoolTimeout as exc:
            raise no_connection(self.target, self.timeout, exc) from None

    def stats(self) -> dict[str, Any]:
        """psycopg_pool's counters (connections made, lost, waiting requests...)."""
        return dict(self._pool.get_stats())

    def close(self) -> None:
        self._pool.close()


def pool_target(target: str | Target | None, size: Any) -> Target:
    """The PostgreSQL target of a pool of `size` connections; InvalidInput for anything else."""
    resolved = resolve_target(target)
    if resolved.dialect != "postgresql":
        raise InvalidInput(
            f"a pool is for PostgreSQL, not {resolved.display}; open one codedb.connect per thread on SQLite"
        )
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise InvalidInput(f"a pool needs 1 connection or more, not {size!r}")
    parse_conninfo(resolved)  # before psycopg_pool logs libpq's reading of it
    return resolved


def pool_options(target: Target, size: int, asynchronous: bool = False) -> dict[str, Any]:
    """What psycopg_pool's pools (the sync and the async one) take for codedb's connections."""
    return {
        "conninfo": target.conninfo,
        "min_size": 1,
        "max_size": size,
        "kwargs": {
            "autocommit": True,
            "connect_timeout": int(CONNECT_TIMEOUT_SECONDS),
            "cursor_factory": planned_cursor(asynchronous),
            **postgres_options(target),
        },
        "name": "codedb",
        "open": False,
    }


def unreachable(target: Target) -> ConnectError:
    return ConnectError(f"cannot connect to {target.display}; check the URL and that the server is running")


def no_connection(target: Target, timeout: float, exc: BaseException) -> ConnectError:
    return ConnectError(
        f"no connection to {target.display} within {timeout:g} s "
        f"({mask(first_line(exc))}); give the pool more connections or check the server"
    )


def pool(
    target: str | Target | None = None,
    size: int = 4,
    *,
    readonly: bool = False,
    timeout: float = WAIT_SECONDS,
) -> Pool:
    """A pool of at most `size` connections to the PostgreSQL database `target` (a URL; None
    means $CODEDB_URL); a checkout waits up to `timeout` seconds for a free connection (and
    the first connection as long, up to the connect timeout). See the module docstring."""
    return Pool(pool_target(target, size), size, readonly, timeout)
