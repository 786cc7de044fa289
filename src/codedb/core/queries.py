"""Loading the named queries of sql/ with aiosql, once per process and dialect.

sql/<domain>/*.sql hold the queries of a domain (`core` for the catalog, one folder per
domain), reached as `db.queries.<domain>.<query>`; sql/<domain>/<dialect>/*.sql hold the few a
dialect must write differently, each replacing a shared query of the same file and name.
Loading fails on a duplicate name within a domain, a query without a docstring comment, or an
override that replaces nothing, so a typo cannot silently shadow or drop a query.
"""

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from aiosql.adapters.pyformat import PyFormatAdapter
from aiosql.adapters.sqlite3 import SQLite3Adapter
from aiosql.queries import Queries
from aiosql.query_loader import QueryLoader
from aiosql.types import QueryDatum
from aiosql.utils import SQLLoadException, SQLParseException

from ..errors import QueryFileError
from .resources import resource_dir

DIALECTS = ("sqlite", "postgresql")
_ADAPTERS = {"sqlite": SQLite3Adapter, "postgresql": PyFormatAdapter}


def _read_file(loader: QueryLoader, path: Path) -> dict[str, QueryDatum]:
    try:
        data = loader.load_query_data_from_file(path, encoding="utf-8")
    except (SQLLoadException, SQLParseException) as exc:
        raise QueryFileError(f"{path}: {exc}") from None
    queries: dict[str, QueryDatum] = {}
    for datum in data:
        if datum.query_name in queries:
            raise QueryFileError(f"{path}: query {datum.query_name} is defined twice")
        if not datum.doc_comments.strip():
            raise QueryFileError(f"{path}: query {datum.query_name} has no docstring comment under its name")
        queries[datum.query_name] = datum
    return queries


def _read_domain(loader: QueryLoader, folder: Path, dialect: str) -> dict[str, QueryDatum]:
    files = {path.name: _read_file(loader, path) for path in sorted(folder.glob("*.sql"))}
    owner: dict[str, str] = {}
    for file, queries in files.items():
        for name in queries:
            if name in owner:
                raise QueryFileError(
                    f"query {name} is defined in both {folder.name}/{owner[name]} and {folder.name}/{file}"
                )
            owner[name] = file
    for path in sorted((folder / dialect).glob("*.sql")):
        base = files.get(path.name)
        for name, datum in _read_file(loader, path).items():
            if base is None or name not in base:
                raise QueryFileError(f"{path}: {name} overrides no query of {folder.name}/{path.name}")
            base[name] = datum
    return {name: datum for queries in files.values() for name, datum in queries.items()}


def query_data(dialect: str, sql_dir: Path | None = None) -> dict[str, dict[str, QueryDatum]]:
    """Every query of `dialect`, by domain then name, after the dialect's overrides."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    sql_dir = sql_dir or resource_dir("sql")
    loader = QueryLoader(_ADAPTERS[dialect](), None)
    return {
        folder.name: _read_domain(loader, folder, dialect)
        for folder in sorted(p for p in sql_dir.iterdir() if p.is_dir())
    }


@cache
def load_queries(dialect: str) -> SimpleNamespace:
    """The queries of `dialect`: an attribute per domain, a method per query."""
    adapter = _ADAPTERS[dialect]()
    return SimpleNamespace(
        **{
            domain: Queries(adapter).load_from_list(list(data.values()))
            for domain, data in query_data(dialect).items()
        }
    )


@cache
def load_tables(dialect: str) -> dict[str, Any]:
    """Every registered table bound to its whole-table queries (see core.registry)."""
    from .registry import bind_tables

    return bind_tables(load_queries(dialect))


def iter_queries(dialect: str) -> Iterator[tuple[str, Any]]:
    """(domain.name, query function) for every query of `dialect`."""
    modules = load_queries(dialect)
    for domain, queries in vars(modules).items():
        for name in queries.available_queries:
            if not name.endswith("_cursor"):
                yield f"{domain}.{name}", getattr(queries, name)
