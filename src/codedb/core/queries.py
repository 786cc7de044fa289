"""Loading the named queries of sql/ with aiosql, once per process and dialect.

sql/<domain>/*.sql hold the queries of a domain (`core` for the catalog, one folder per
domain), reached as `db.queries.<domain>.<query>`; sql/<domain>/<dialect>/*.sql hold the few a
dialect must write differently, each replacing a shared query of the same file and name, and,
in a file no shared file is named as, the few only that dialect has (PostgreSQL's COPY).
DomainQueries is the one loader: it refuses a name defined twice within a domain, a query
without a docstring comment, or an override that replaces nothing, so a typo cannot silently
shadow or drop a query.
"""

import importlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from aiosql.adapters.pyformat import PyFormatAdapter
from aiosql.adapters.sqlite3 import SQLite3Adapter
from aiosql.queries import Queries
from aiosql.query_loader import QueryLoader
from aiosql.types import QueryDatum
from aiosql.utils import SQLLoadException, SQLParseException

from ..errors import DatabaseError, QueryFileError, one_line, unreadable_value
from .convert import field_problem
from .resources import resource_dir

DIALECTS = ("sqlite", "postgresql")
# A query whose docstring says it is planned per call is never a server-side prepared statement
# on PostgreSQL: its plan depends on its values (a search for a word in every row and one for a
# word in three want different plans; a prepared statement's generic plan fits neither, 2-3x
# slower at a million functions). The mark leads its SQL; codedb's cursors look for it.
PLANNED_PER_CALL = "planned per call"
PLANNED_MARK = "/* planned per call */ "


# --- rows as records ---------------------------------------------------------------------------
# A query that feeds a record names it on the line after its name (aiosql's syntax):
#     -- name: get_function(function_id)^
#     -- record_class: Function
# and returns records of that class (of its domain's records module), each built from its row
# by column name: the first time a query runs, its columns are matched with the record's
# fields, and a column the record lacks or a field without a default that no column fills is a
# QueryFileError naming both. Columns in the fields' order (the rule) build records by
# position, as fast as the row itself; others by name.


class RecordName(NamedTuple):
    """The record class a query names, imported when the query first runs."""

    module: str
    name: str


class _RecordNames(dict[str, Any]):
    """What aiosql resolves `-- record_class: Name` with: a domain's records module, by name."""

    def __init__(self, domain: str):
        super().__init__()
        self.module = f"codedb.domains.{domain}.records"

    def get(self, name: str, default: Any = None) -> RecordName:
        return RecordName(self.module, name)


@cache
def record_class(name: RecordName) -> type:
    """The class a query's `-- record_class:` names; QueryFileError when there is none."""
    try:
        return getattr(importlib.import_module(name.module), name.name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        raise QueryFileError(f"no record class {name.name} in {name.module}") from None


_BUILDERS: dict[tuple[str, RecordName], Callable[[Sequence[Any]], list[Any]]] = {}


def record_builder(
    query: str, sql: str, record: RecordName, description: Sequence[Any]
) -> Callable[[Sequence[Any]], list[Any]]:
    """rows -> records of `record` for a query whose cursor has `description` (checked once)."""
    found = _BUILDERS.get((sql, record))
    if found is None:
        columns = tuple(column[0] for column in description)
        found = _BUILDERS[(sql, record)] = _builder(query, record_class(record), columns)
    return found


def _builder(query: str, cls: type, columns: tuple[str, ...]) -> Callable[[Sequence[Any]], list[Any]]:
    import attrs

    fields = attrs.fields(cls)
    names = tuple(f.name for f in fields)
    required = [f.name for f in fields if f.default is attrs.NOTHING and f.init]
    unknown = [c for c in columns if c not in names]
    missing = [name for name in required if name not in columns]
    if unknown or missing or len(set(columns)) != len(columns):
        raise QueryFileError(
            f"query {query} returns {', '.join(columns)}: not the fields of {cls.__name__} "
            f"({', '.join(names)}); unknown {unknown or 'none'}, missing {missing or 'none'}"
        )
    if names[: len(columns)] == columns:  # the fields in order (those left out have defaults)

        def in_order(rows: Sequence[Any]) -> list[Any]:
            try:
                return [cls(*row) for row in rows]
            except (ValueError, TypeError) as exc:
                raise unreadable(cls, columns, rows) from exc

        return in_order

    def by_name(rows: Sequence[Any]) -> list[Any]:
        try:
            return [cls(**dict(zip(columns, row, strict=True))) for row in rows]
        except (ValueError, TypeError) as exc:
            raise unreadable(cls, columns, rows) from exc

    return by_name


def unreadable(cls: type, columns: tuple[str, ...], rows: Sequence[Any]) -> DatabaseError:
    """The error for rows one of which holds a value `cls` cannot take (in a SQLite file, a
    value of another type another program wrote: SQLite keeps any value in any column)."""
    for row in rows:
        for column, problem in row_problems(cls, columns, row):
            key = f" {one_line(str(row[0]))}" if columns[0] != column else ""
            return unreadable_value(f"a row of {record_table(cls)}{key}: {problem}")
    return unreadable_value(f"a row of {record_table(cls)} holds a value codedb cannot read")


def row_problems(cls: type, columns: tuple[str, ...], row: Sequence[Any]) -> Iterator[tuple[str, str]]:
    """Each value of `row` (of `columns`) that `cls` cannot take: its column, and "COLUMN holds
    VALUE, which is not a time"."""
    for column, value in zip(columns, row, strict=True):
        problem = field_problem(cls, column, value)
        if problem is not None:
            yield column, f"{column} holds {value!r:.60}, {problem}"


def record_table(cls: type) -> str:
    """The table whose rows `cls` records are, or (a view's record) the class's name."""
    from .registry import table_records

    return next((table for table, record in table_records().items() if record is cls), cls.__name__)


class _Records:
    """An aiosql adapter's SELECTs returning the records their queries name (see above)."""

    def select(self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None) -> Any:
        if record_class is None:
            return super().select(conn, query_name, sql, parameters)  # type: ignore[misc]
        cur = self._cursor(conn)  # type: ignore[attr-defined]
        try:
            cur.execute(sql, parameters)
            return record_builder(query_name, sql, record_class, cur.description)(cur.fetchall())
        finally:
            cur.close()

    def select_one(
        self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> Any:
        if record_class is None:
            return super().select_one(conn, query_name, sql, parameters)  # type: ignore[misc]
        cur = self._cursor(conn)  # type: ignore[attr-defined]
        try:
            cur.execute(sql, parameters)
            row = cur.fetchone()
            build = record_builder(query_name, sql, record_class, cur.description)
            return None if row is None else build([row])[0]
        finally:
            cur.close()


class SQLiteRecords(_Records, SQLite3Adapter):
    """aiosql's sqlite3 adapter, returning records."""


class PyFormatRecords(_Records, PyFormatAdapter):
    """aiosql's pyformat adapter (psycopg), returning records."""


_ADAPTERS: dict[str, Any] = {"sqlite": SQLiteRecords, "postgresql": PyFormatRecords}


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


_NAME_LINE = re.compile(r"--\s*name\s*:\s*(\w+)")  # where aiosql splits a file into queries


def _names_in(path: Path) -> list[str]:
    """The names a .sql file defines, read from its `-- name:` lines without parsing it."""
    return _NAME_LINE.findall(path.read_text(encoding="utf-8"))


class DomainQueries:
    """A domain's queries, reached as attributes (`db.queries.library.get_function`). On
    first use it reads the `-- name:` lines of every file of the domain, refusing a name
    defined twice (in one file or in two) and a dialect's override that replaces no query of
    its file; a file is parsed when one of its queries is first asked for, so a command
    parses only the files it uses (`codedb stats` the tables files alone)."""

    def __init__(self, dialect: str, folder: Path, adapter: Any = None):
        self._dialect = dialect
        self._adapter = adapter or _ADAPTERS[dialect]
        self._folder = folder
        self._files: dict[str, Path] | None = None  # query name -> its file, once indexed
        self._parsed: dict[str, Any] = {}  # query name (and its aiosql variants) -> function
        self._records: dict[str, RecordName] = {}  # query name -> the record class it names
        self._done: set[Path] = set()
        # Threads (a server's) may ask for the same domain's queries at once: one reads while
        # the others wait, or one would find a file half loaded.
        self._lock = threading.Lock()

    def _index(self) -> dict[str, Path]:
        if self._files is None:
            domain = self._folder.name
            files: dict[str, Path] = {}
            for path in sorted(self._folder.glob("*.sql")):
                for name in _names_in(path):
                    if files.get(name) == path:
                        raise QueryFileError(f"{path}: query {name} is defined twice")
                    if name in files:
                        both = f"{domain}/{files[name].name} and {domain}/{path.name}"
                        raise QueryFileError(f"query {name} is defined in both {both}")
                    files[name] = path
            for override in sorted((self._folder / self._dialect).glob("*.sql")):
                own = not (self._folder / override.name).is_file()  # the dialect's own queries
                for name in _names_in(override):
                    if own and name in files:
                        first = files[name].relative_to(self._folder)
                        both = f"{domain}/{first} and {domain}/{self._dialect}/{override.name}"
                        raise QueryFileError(f"query {name} is defined in both {both}")
                    if own:
                        files[name] = override
                    elif files.get(name) != self._folder / override.name:
                        base = f"{domain}/{override.name}"
                        raise QueryFileError(f"{override}: {name} overrides no query of {base}")
            self._files = files
        return self._files

    def _load(self, path: Path) -> None:
        loader = QueryLoader(_ADAPTERS[self._dialect](), _RecordNames(self._folder.name))
        data = _read_file(loader, path)
        indexed = {name for name, found in self._index().items() if found == path}
        if set(data) != indexed:  # a name line the index read otherwise than aiosql
            odd = sorted(set(data) ^ indexed)
            raise QueryFileError(f"{path}: queries {odd} are not each named on a line '-- name: <name>'")
        override = self._folder / self._dialect / path.name
        if override != path and override.is_file():
            data.update(_read_file(loader, override))
        self._records.update({name: d.record_class for name, d in data.items() if d.record_class is not None})
        queries = Queries(self._adapter()).load_from_list(list(data.values()))
        for name in queries.available_queries:
            self._parsed[name] = getattr(queries, name)
        self._done.add(path)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._parsed.get(name)
        if found is None:
            with self._lock:
                files = self._index()
                path = files.get(name) or files.get(name.removesuffix("_cursor"))
                if path is None:
                    raise AttributeError(f"no query {name} in sql/{self._folder.name}/")
                if path not in self._done:
                    self._load(path)
            found = self._parsed[name]
        self.__dict__[name] = found  # the next lookup is a plain attribute's
        return found

    def record_of(self, name: str) -> type | None:
        """The record class query `name` returns, or None for rows."""
        getattr(self, name)
        found = self._records.get(name)
        return None if found is None else record_class(found)

    @property
    def available_queries(self) -> list[str]:
        """Every query of the domain and its aiosql variants (parsing the files not read yet)."""
        with self._lock:
            for path in sorted(set(self._index().values()) - self._done):
                self._load(path)
        return sorted(self._parsed)


def domain_queries(dialect: str, root: Path | None = None, adapter: Any = None) -> SimpleNamespace:
    """The queries of `dialect` under `root` (the shipped sql/ by default), an attribute per
    domain folder, for the dialect's driver or for the aiosql `adapter` class given."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    root = root or resource_dir("sql")
    return SimpleNamespace(
        **{
            folder.name: DomainQueries(dialect, folder, adapter)
            for folder in sorted(p for p in root.iterdir() if p.is_dir())
        }
    )


@cache
def load_queries(dialect: str, adapter: Any = None) -> SimpleNamespace:
    """The shipped queries of `dialect`, each file parsed on first use (see DomainQueries),
    for the dialect's driver or for the aiosql `adapter` class given (codedb.aio's)."""
    return domain_queries(dialect, None, adapter)


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
