"""The domain registry: what every part of codedb that walks "all tables" or "all commands"
reads, so that none of them keeps a hand-written list.

A domain is a package under `codedb.domains` whose `__init__` declares `DOMAIN = Domain(...)`:
its name (also its SQL folder `sql/<name>/` and `db.queries.<name>`), its tables in load order
(a table after every table it references), the API classes reached as `db.<attribute>`, and
its command-line commands. Domains are found by listing that package, ordered so that a
domain comes after the domains it `requires`. Declarations import nothing heavy: record
classes and API classes are named as "module:Class" and imported on first use, and the
declarations are NamedTuples, so that `codedb stats` starts without loading attrs.
"""

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from ..errors import QueryFileError

TABLE_VERBS = ("count", "dump", "clear", "load", "analyze")
DIALECT_VERBS = ("copy",)  # a dialect's own (PostgreSQL's COPY: sql/<domain>/postgresql/copy.sql)


class Table(NamedTuple):
    """A table and its record class ("module:Class" inside the domain's package). Its domain's
    `sql/<domain>/tables.sql` has count_<name>, dump_<name>, clear_<name>, load_<name> and
    analyze_<name>; loading the queries fails if one is missing."""

    name: str
    record: str


class Commands(NamedTuple):
    """A group of CLI commands: the module holding their handlers, and a one-line summary of
    each for `codedb --help` (so the help lists them without importing the module)."""

    title: str
    module: str
    summaries: tuple[tuple[str, str], ...]


class Domain(NamedTuple):
    name: str
    package: str
    tables: tuple[Table, ...] = ()
    api: tuple[tuple[str, str], ...] = ()  # (db attribute, "module:Class")
    commands: Commands | None = None
    requires: tuple[str, ...] = ()
    # Tables the database keeps by itself (triggers): not dumped, loaded or cleared, since
    # they follow from the tables that are.
    derived: tuple[str, ...] = ()
    # db attributes whose API has a full-text index: `text_hits(query, limit)` (SearchHit
    # records, best first) and `reindex()`; `codedb search` and `codedb reindex` walk them.
    search: tuple[str, ...] = ()


def import_object(package: str, spec: str) -> Any:
    """The object named "module:Name" relative to `package`."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(f"{package}.{module}"), name)


@cache
def domains() -> tuple[Domain, ...]:
    """Every domain, each after the domains it requires (then by name)."""
    from .. import domains as package

    found: dict[str, Domain] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        declared = importlib.import_module(f"{package.__name__}.{info.name}").DOMAIN
        found[declared.name] = declared
    # In rounds: each round takes, by name, the domains whose required domains came before
    # (so the library, which requires nothing, keeps its tables first).
    ordered: list[Domain] = []
    waiting = dict(found)
    while waiting:
        done = {d.name for d in ordered}
        ready = [d for d in waiting.values() if all(r in done for r in d.requires)]
        if not ready:
            unknown = sorted({r for d in waiting.values() for r in d.requires} - set(found))
            if unknown:
                raise RuntimeError(f"domains require unknown domains: {', '.join(unknown)}")
            raise RuntimeError(f"domains require each other in a circle among: {', '.join(sorted(waiting))}")
        for domain in ready:
            ordered.append(domain)
            del waiting[domain.name]
    return tuple(ordered)


def table_names() -> tuple[str, ...]:
    """Every table of every domain, in load order."""
    return tuple(table.name for domain in domains() for table in domain.tables)


def derived_tables() -> frozenset[str]:
    """Every table some domain's triggers keep (see Domain.derived)."""
    return frozenset(name for domain in domains() for name in domain.derived)


def searchable() -> tuple[tuple[str, str], ...]:
    """(domain name, db attribute) of every full-text index, in domain order."""
    return tuple((d.name, attr) for d in domains() for attr in d.search)


@cache
def table_records() -> dict[str, type]:
    """Every table (load order) with its record class."""
    return {t.name: import_object(d.package, t.record) for d in domains() for t in d.tables}


@cache
def api_classes() -> dict[str, tuple[str, str]]:
    """db attribute -> (package, "module:Class")."""
    return {attr: (d.package, spec) for d in domains() for attr, spec in d.api}


def api_class(attribute: str) -> type:
    """The API class reached as `db.<attribute>`; AttributeError when no domain declares it."""
    found = api_classes().get(attribute)
    if found is None:
        raise AttributeError(attribute)
    cls: type = import_object(*found)
    return cls


class BoundTable(NamedTuple):
    """A table with its whole-table queries for one dialect, and its record class."""

    name: str
    domain: str
    count: Callable[..., Any]
    dump: Callable[..., Any]
    clear: Callable[..., Any]
    load: Callable[..., Any]
    analyze: Callable[..., Any]
    copy: Callable[..., Any] | None = None  # PostgreSQL: loads rows faster than load

    @property
    def record(self) -> type:
        """The record class (imported on first use: counting rows needs none)."""
        return table_records()[self.name]

    @property
    def columns(self) -> tuple[str, ...]:
        import attrs

        return tuple(f.name for f in attrs.fields(self.record))


def bind_tables(queries: Any) -> dict[str, BoundTable]:
    """Every table (load order) bound to its queries in `queries` (a dialect's loaded tree)."""
    bound: dict[str, BoundTable] = {}
    for domain in domains():
        namespace = getattr(queries, domain.name, None)
        for table in domain.tables:
            found = {verb: getattr(namespace, f"{verb}_{table.name}", None) for verb in TABLE_VERBS}
            missing = [f"{verb}_{table.name}" for verb, fn in found.items() if fn is None]
            if missing:
                raise QueryFileError(
                    f"sql/{domain.name}/tables.sql lacks {', '.join(missing)} for table {table.name}"
                )
            own = {verb: getattr(namespace, f"{verb}_{table.name}", None) for verb in DIALECT_VERBS}
            bound[table.name] = BoundTable(table.name, domain.name, **found, **own)  # type: ignore[arg-type]
    return bound
