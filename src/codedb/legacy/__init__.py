"""`codedb import-legacy SOURCE`: the data of the tools codedb replaces, recognised by content
(tables and columns, JSON keys), never by name:

- the old code_db tool: its pickles of every shape, its SQLModel code_db.sqlite;
- codeobit: its SQLite database, its "SQL" backup (a copy of it), its JSON backup;
- DuilioCode: its SQLite database;
- PygubuAI: its SQLite database (pygubuai.db), its JSON registry and workflow files;
- YAGO: its database on SQLite or on PostgreSQL (a postgresql:// URL, read-only).

The source is never modified; the import is one transaction, keyed on the source's ids (a
second import adds nothing, a larger snapshot only what is new), and reports per table what
it read, imported, found there already and left out, with every value it had to read
differently."""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.convert import field_names, now
from ..core.db import Database
from ..core.files import check_input
from ..core.progress import progress_bar
from ..core.queries import load_queries
from ..core.registry import table_records
from ..core.target import POSTGRES_SCHEMES
from ..errors import CodedbError
from ..transfer.dump import load, load_all_or_nothing, set_aside_present
from .collect import Collector
from .source import LENIENT_TEXT, Source, SourceError
from .tool import LegacyReport, ToolImport
from .unpickle import RefusedGlobal, ResourceLimit, Stub, plain
from .unpickle import load as unpickle

SQLITE_HEADER = b"SQLite format 3\x00"
LEGACY_TABLES = {
    "function", "module", "unittest", "testresult", "modification", "function_modules",
    "function_tags", "function_dependencies",
}  # fmt: skip
KNOWN = (
    "a code_db pickle or code_db.sqlite, a codeobit database or backup, a DuilioCode database, "
    "a PygubuAI database, registry or workflow file, or a YAGO database (a file or a postgresql:// URL)"
)

__all__ = ["LegacyError", "LegacyReport", "detect", "import_legacy", "recognise"]


class LegacyError(CodedbError, ValueError):
    """A legacy file that cannot be imported: unreadable, unknown, or refused."""


def detect(path: Path) -> str:
    """'pickle', 'sqlite' or 'json', from the file's first bytes."""
    check_input(path, "legacy file")
    with open(path, "rb") as stream:
        head = stream.read(64)
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.lstrip()[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"\x80" or head[:1] in (b"(", b"}", b"]", b"c"):
        return "pickle"
    raise LegacyError(f"{path} is not a legacy file codedb knows ({KNOWN}); check the path")


def recognise(path: Path) -> str | None:
    """What legacy format `path` is, by a glance (its tables, or its first JSON key), or None:
    for pointing a user who gave one to the wrong command to import-legacy."""
    try:
        kind = detect(path)
        if kind == "sqlite":
            with _open(path) as found:
                tool = _tool(found)
            return "code_db SQLModel database" if tool is None else tool.label
        if kind == "pickle":
            return "code_db pickle"
        return _first_key_label(path)
    except (CodedbError, OSError):
        return None


def _first_key_label(path: Path) -> str | None:
    """A legacy JSON format by its first top-level key (read as a stream: a large file costs
    no more than a small one)."""
    import ijson

    from .codeobit import TABLES

    with open(path, "rb") as stream:
        try:
            events = ijson.basic_parse(stream)  # no prefixes: a deep nesting costs nothing
            if next(events, (None, None))[0] != "start_map":
                return None
            event, value = next(events, (None, None))
        except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError):
            return None
    if event != "map_key":
        return None
    if value in (*TABLES, "migrations"):
        return "codeobit JSON backup"
    if value in ("projects", "version", "active", "active_project"):
        return "PygubuAI projects registry"
    if value in ("project", "history", "changes", "file_hashes"):
        return "PygubuAI workflow file"
    return None


def import_legacy(
    db: Database, source: str | Path, *, dry_run: bool = False, quiet: bool = True
) -> LegacyReport:
    """Import a legacy file (or a YAGO PostgreSQL database) into `db` (see the module
    docstring); nothing changes on error or with `dry_run`."""
    text = os.fspath(source)
    if text.split("://", 1)[0].lower() in POSTGRES_SCHEMES and "://" in text:
        with _open(text) as found:
            tool = _tool(found)
            if tool is None:
                raise LegacyError(f"{found.label} holds code_db's tables: import its SQLModel file instead")
            return _import_tool(db, found, tool, now(), dry_run, quiet)
    path = Path(source)
    kind = detect(path)
    # A value the file lacks is set to the file's own time, so the same file makes the same
    # rows each time it is imported (and a second import finds them all there already).
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
    if kind == "sqlite":
        with _open(path) as found:
            tool = _tool(found)
            if tool is not None:
                return _import_tool(db, found, tool, stamp, dry_run, quiet)
        return _import_code_db(db, path, "sqlmodel", stamp, dry_run)
    if kind == "json":
        return _import_json(db, path, stamp, dry_run)
    return _import_code_db(db, path, kind, stamp, dry_run)


def _open(target: str | Path) -> Source:
    try:
        return Source(target)
    except SourceError as exc:
        raise LegacyError(str(exc)) from None


def _tool(source: Source) -> "type[ToolImport] | None":
    """The tool whose database `source` is, by its tables and columns (None: the old code_db
    tool's SQLModel file); LegacyError for anything else."""
    from .codeobit import Codeobit
    from .duilio import Duilio
    from .pygubu import Pygubu
    from .yago import Yago

    tables = source.tables
    if "_yoyo_migration" in tables:
        raise LegacyError(
            f"{source.label} is a codedb database; move it with 'codedb copy' or 'codedb restore', "
            "not import-legacy"
        )
    if "function" in tables:
        return None
    users, projects = set(source.columns("users")), set(source.columns("projects"))
    if tables & {"clarification_sessions", "generated_files", "ai_provider_usage", "alembic_version"} or (
        "hashed_password" in users or {"brief", "progress"} <= projects
    ):
        return Yago
    if tables & {"code_generations", "auto_saves", "project_analysis"} or "api_key" in users:
        return Codeobit
    if "meta_data" in projects or tables & {"workflow_events", "analytics"}:
        return Pygubu
    if tables & {"user_preferences", "conversation_history", "system_metrics"}:
        return Duilio
    shown = ", ".join(sorted(tables)[:8]) or "no tables"
    raise LegacyError(
        f"{source.label} is a SQLite database of none of the tools codedb knows ({shown}); give {KNOWN}"
    )


def _import_tool(
    db: Database, source: Source, tool: "type[ToolImport]", stamp: datetime, dry_run: bool, quiet: bool
) -> LegacyReport:
    from . import codeobit, duilio, pygubu, yago

    tables = {
        "codeobit": codeobit.TABLES,
        "duilio": duilio.TABLES,
        "pygubu": pygubu.TABLES,
        "yago": yago.TABLES,
    }
    wanted = tables[tool.system]
    try:
        source.check_stored(set(wanted))
    except SourceError as exc:
        raise LegacyError(str(exc)) from None
    work = tool(db, stamp)
    work.tick = progress_bar(0, "rows", quiet)
    try:
        work.collect((table, source.rows(table)) for table in wanted)
    except sqlite3.DatabaseError as exc:
        raise LegacyError(f"cannot read {source.label}: {exc}; the file may be damaged") from None
    work.bookkeeping_tables((table, source.count(table)) for table in work.bookkeeping)
    for table in sorted(source.tables - set(wanted) - set(work.bookkeeping)):
        work.skipped.append(f"table {table}: not one of {work.label}'s; left out")
    return work.finish(source.label, dry_run)


def _import_json(db: Database, path: Path, stamp: datetime, dry_run: bool) -> LegacyReport:
    from .codeobit import TABLES, Codeobit
    from .gui_projects import read_json_file

    data = read_json_file(path, LegacyError)
    if (
        isinstance(data, dict)
        and data
        and set(data) <= {*TABLES, "migrations"}
        and all(isinstance(v, list) for v in data.values())
    ):
        work = Codeobit(db, stamp)
        work.label = "codeobit JSON backup"
        work.collect(
            (table, (row for row in data.get(table, []) if isinstance(row, dict))) for table in TABLES
        )
        for table in TABLES:
            bad = sum(1 for row in data.get(table, []) if not isinstance(row, dict))
            if bad:
                work.read[table] += bad
                work.left[table] += bad
                work.skipped.append(f"{table}: {bad} entries that are not objects left out")
        if data.get("migrations"):
            work.bookkeeping_tables([("migrations", len(data["migrations"]))])
        return work.finish(str(path), dry_run)
    return _import_registry(db, path, data, dry_run)


def _import_code_db(db: Database, path: Path, kind: str, stamp: datetime, dry_run: bool) -> LegacyReport:
    collector = Collector(stamp=stamp)
    if kind == "pickle":
        try:
            label = _collect_pickle(path, collector)
        except ResourceLimit as exc:
            raise LegacyError(f"{path}: {exc}; the file was not imported") from None
        except LegacyError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # damaged or hostile objects
            raise LegacyError(f"{path} is not a readable code_db pickle ({exc}); check the file") from None
    else:
        label = _collect_sqlmodel(path, collector)
    rows = collector.finish(db.functions.ids(), db.tests.ids())
    classes = table_records()
    records = {table: [classes[table](**row) for row in found] for table, found in rows.items()}
    to_load, present, taken = set_aside_present(db, records, named=("module", "tag"))
    added = load_all_or_nothing(db, lambda: load(db, to_load), dry_run)
    return LegacyReport(
        str(path),
        label,
        dict(collector.found),
        added,
        tuple(collector.coerced),
        tuple(collector.skipped) + tuple(taken),
        dry_run,
        present,
    )


def _fields(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Stub):
        return dict(vars(obj))
    if isinstance(obj, dict):
        return obj
    raise LegacyError(f"expected a record object, found {type(obj).__name__}")


def _values(container: Any) -> list[Any]:
    container = plain(container) if not isinstance(container, dict | list) else container
    if container is None:
        return []
    if isinstance(container, dict):
        return list(container.values())
    return list(container)


def _collect_pickle(path: Path, collector: Collector) -> str:
    try:
        data, foreign = unpickle(path.read_bytes())
    except RefusedGlobal as exc:
        raise LegacyError(f"{path}: {exc}; the file was not imported (it may be malicious)") from None
    except Exception as exc:  # a truncated or damaged pickle fails in many ways
        raise LegacyError(f"{path} is not a readable code_db pickle ({exc}); check the file") from None
    if isinstance(data, Stub) and data.kind == "CodeDatabase":
        top, shape = (
            dict(vars(data)),
            "late" if any(c.module not in ("code_db", "__main__") for c in _classes(data)) else "middle",
        )
    elif isinstance(data, dict) and "functions" in data:
        top, shape = data, "early"
    else:
        raise LegacyError(f"{path} is a pickle, but not of a code_db database (found {type(data).__name__})")
    for name in sorted(foreign):
        collector.coerced.append(f"class {name} is not known: its values were kept as plain text or numbers")
    for module in _values(top.get("modules")):
        fields = _fields(module)
        collector.module(fields.get("name"), fields.get("module_id"))
    for tag in sorted(plain(top.get("tags") or []), key=str):
        collector.tag(tag)
    for function in _values(top.get("functions")):
        fields = _fields(function)
        fid = collector.function(fields)
        if fid is None:
            continue
        for module in plain(fields.get("modules") or []):
            collector.function_module(fid, module)
        for tag in plain(fields.get("tags") or []):
            collector.function_tag(fid, tag)
        for target in plain(fields.get("dependencies") or []):
            collector.dependency(fid, target)
        for test in _values(fields.get("unit_tests")):
            collector.test(_fields(test), owner=fid)
    for result in _values(top.get("test_results")):
        collector.result(_fields(result))
    for modification in _values(top.get("modifications")):
        collector.modification(_fields(modification))
    return f"code_db pickle ({shape} shape)"


def _classes(data: Stub) -> list[Stub]:
    """A few record objects of a database, to tell the middle shape from the late one."""
    found: list[Stub] = [data]
    functions = vars(data).get("functions") or {}
    for function in list(functions.values() if isinstance(functions, dict) else functions)[:5]:
        if isinstance(function, Stub):
            found.append(function)
    return found


def _collect_sqlmodel(path: Path, collector: Collector) -> str:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise LegacyError(f"cannot open {path} read-only: {exc}") from None
    conn.text_factory = LENIENT_TEXT
    queries = load_queries("sqlite").legacy
    try:
        tables = _stored_tables(conn, queries, path)
        if "function" not in tables:
            raise LegacyError(f"{path} is a SQLite file without code_db's tables (no 'function' table)")

        def rows(name: str, table: str) -> list[Any]:
            if table not in tables:
                collector.coerced.append(f"table {table} is missing from the file: nothing of it to import")
                return []
            return list(getattr(queries, name)(conn))

        for name, module_id in rows("legacy_modules", "module"):
            collector.module(name, module_id)
        # The old tables have codedb's columns, selected in the order of the record fields.
        fields = {name: field_names(cls) for name, cls in table_records().items()}
        for row in rows("legacy_functions", "function"):
            collector.function(dict(zip(fields["function"], row, strict=True)))
        for fid, module in rows("legacy_function_modules", "function_modules"):
            collector.function_module(fid, module)
        for fid, tag in rows("legacy_function_tags", "function_tags"):
            collector.function_tag(fid, tag)
        for fid, target in rows("legacy_function_dependencies", "function_dependencies"):
            collector.dependency(fid, target)
        for row in rows("legacy_unittests", "unittest"):
            collector.test(dict(zip(fields["unittest"], row, strict=True)))
        for row in rows("legacy_testresults", "testresult"):
            collector.result(dict(zip(fields["testresult"], row, strict=True)))
        for row in rows("legacy_modifications", "modification"):
            collector.modification(dict(zip(fields["modification"], row, strict=True)))
    except sqlite3.DatabaseError as exc:
        raise LegacyError(f"cannot read {path}: {exc}; the file may be damaged") from None
    finally:
        conn.close()
    return "code_db SQLModel database"


def _stored_tables(conn: sqlite3.Connection, queries: Any, path: Path) -> set[str]:
    """The tables of a source file whose rows are stored in it: reading a virtual table or a
    generated column runs what the file declares (`AS (zeroblob(50000000))` made an 8 KB file
    cost 5.9 GB), while stored values are bounded by the file's size. Such a table of the old
    tool's is refused, naming it; others are ignored, as are all the file's other tables."""
    tables = set()
    for name, virtual in queries.legacy_tables(conn):
        computed = [] if virtual else [c for (c,) in queries.legacy_generated_columns(conn, table_name=name)]
        if name in LEGACY_TABLES and (virtual or computed):
            what = "is a virtual table" if virtual else f"computes its column {computed[0]} when read"
            raise LegacyError(f"{path}: table {name} {what}; the old tool's tables store their values")
        tables.add(name)
    return tables


def _import_registry(db: Database, path: Path, data: Any, dry_run: bool) -> LegacyReport:
    from .gui_projects import Registry, collect

    coerced: list[str] = []
    skipped: list[str] = []
    found: dict[str, int] = {}
    registry = Registry(coerced, skipped, found)
    label = collect(path, data, registry, LegacyError)
    projects = []
    for project in registry.projects.values():
        if db.projects.find(project.project_id) is not None:
            projects.append(project)  # imported before: kept as it is (the load skips it)
            continue
        if any(other.user_id is None for other in db.projects.named(project.name)):
            skipped.append(f"project {project.name}: a project of that name exists in codedb already")
            continue
        projects.append(project)
    kept = {p.project_id for p in projects}
    events = [e for e in registry.events.values() if e.project_id in kept]
    records: dict[str, list[Any]] = {"projects": projects, "workflow_events": events}
    added = load_all_or_nothing(db, lambda: load(db, records), dry_run)
    return LegacyReport(str(path), label, found, added, tuple(coerced), tuple(skipped), dry_run)
