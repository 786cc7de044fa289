"""Loading the named queries of sql/ with aiosql, once per process and dialect.

sql/<domain>.sql holds the queries both backends share; sql/<dialect>/<domain>.sql holds the
few a dialect must write differently, each replacing a shared query of the same name. Loading
fails on a duplicate name, a query without a docstring comment, or an override that replaces
nothing, so a typo cannot silently shadow or drop a query.
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

from .errors import QueryFileError
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


def query_data(dialect: str, sql_dir: Path | None = None) -> dict[str, dict[str, QueryDatum]]:
    """Every query of `dialect`, by domain then name, after the dialect's overrides."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    sql_dir = sql_dir or resource_dir("sql")
    loader = QueryLoader(_ADAPTERS[dialect](), None)
    domains = {path.stem: _read_file(loader, path) for path in sorted(sql_dir.glob("*.sql"))}
    owner: dict[str, str] = {}
    for domain, queries in domains.items():
        for name in queries:
            if name in owner:
                raise QueryFileError(f"query {name} is defined in both {owner[name]}.sql and {domain}.sql")
            owner[name] = domain
    for path in sorted((sql_dir / dialect).glob("*.sql")):
        base = domains.get(path.stem)
        for name, datum in _read_file(loader, path).items():
            if base is None or name not in base:
                raise QueryFileError(f"{path}: {name} overrides no query of {path.stem}.sql")
            base[name] = datum
    return domains


@cache
def load_queries(dialect: str) -> SimpleNamespace:
    """The query modules of `dialect`: an attribute per domain, a method per query."""
    adapter = _ADAPTERS[dialect]()
    return SimpleNamespace(
        **{
            domain: Queries(adapter).load_from_list(list(data.values()))
            for domain, data in query_data(dialect).items()
        }
    )


def iter_queries(dialect: str) -> Iterator[tuple[str, Any]]:
    """(domain.name, query function) for every query of `dialect`."""
    modules = load_queries(dialect)
    for domain, queries in vars(modules).items():
        for name in queries.available_queries:
            if not name.endswith("_cursor"):
                yield f"{domain}.{name}", getattr(queries, name)
