"""Loading the named queries of sql/ with aiosql, once per process and dialect.

sql/<domain>/*.sql hold the queries of a domain (`core` for the catalog, one folder per
domain), reached as `db.queries.<domain>.<query>`; sql/<domain>/<dialect>/*.sql hold the few a
dialect must write differently, each replacing a shared query of the same file and name.
Loading fails on a duplicate name within a domain, a query without a docstring comment, or an
override that replaces nothing, so a typo cannot silently shadow or drop a query.
"""

import threading
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
# A query whose docstring says it is planned per call is never a server-side prepared statement
# on PostgreSQL: its plan depends on its values (a search for a word in every row and one for a
# word in three want different plans; a prepared statement's generic plan fits neither, 2-3x
# slower at a million functions). The mark leads its SQL; codedb's cursors look for it.
PLANNED_PER_CALL = "planned per call"
PLANNED_MARK = "/* planned per call */ "
_ADAPTERS: dict[str, Any] = {"sqlite": SQLite3Adapter, "postgresql": PyFormatAdapter}


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
        if PLANNED_PER_CALL in " ".join(datum.doc_comments.lower().split()):
            datum = datum._replace(sql=PLANNED_MARK + datum.sql)
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


class DomainQueries:
    """A domain's queries, reached as attributes (`db.queries.library.get_function`). Each
    file of the domain is parsed when one of its queries is first asked for (tables.sql
    first, then the others by name), so a command parses only the files it uses: `codedb
    stats` reads the tables files alone, whatever the number of domains."""

    def __init__(self, dialect: str, folder: Path, adapter: Any = None):
        self._dialect = dialect
        self._adapter = adapter or _ADAPTERS[dialect]
        self._folder = folder
        files = sorted(folder.glob("*.sql"), key=lambda p: (p.name != "tables.sql", p.name))
        self._pending = list(files)
        self._loaded: list[Queries] = []
        self._names: dict[str, Queries] = {}
        # Threads (a server's) may ask for the same domain's queries at once: one parses while
        # the others wait, or one would find no file left and the name not yet known.
        self._lock = threading.Lock()

    def _load_next(self) -> None:
        path = self._pending.pop(0)
        loader = QueryLoader(_ADAPTERS[self._dialect](), None)
        data = _read_file(loader, path)
        override = self._folder / self._dialect / path.name
        if override.is_file():
            for name, datum in _read_file(loader, override).items():
                if name not in data:
                    raise QueryFileError(
                        f"{override}: {name} overrides no query of {self._folder.name}/{path.name}"
                    )
                data[name] = datum
        queries = Queries(self._adapter()).load_from_list(list(data.values()))
        self._loaded.append(queries)
        for name in queries.available_queries:
            self._names.setdefault(name, queries)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._names.get(name)
        if found is None:
            with self._lock:
                while name not in self._names and self._pending:
                    self._load_next()
            found = self._names.get(name)
            if found is None:
                raise AttributeError(f"no query {name} in sql/{self._folder.name}/")
        return getattr(found, name)

    @property
    def available_queries(self) -> list[str]:
        """Every query of the domain (parsing the files not read yet)."""
        with self._lock:
            while self._pending:
                self._load_next()
        return sorted(self._names)


@cache
def load_queries(dialect: str, adapter: Any = None) -> SimpleNamespace:
    """The queries of `dialect`: an attribute per domain (each file parsed on first use),
    for the dialect's driver or for the aiosql `adapter` class given (codedb.aio's)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    root = resource_dir("sql")
    return SimpleNamespace(
        **{
            folder.name: DomainQueries(dialect, folder, adapter)
            for folder in sorted(p for p in root.iterdir() if p.is_dir())
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
