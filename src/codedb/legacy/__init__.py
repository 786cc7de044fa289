"""`codedb import-legacy FILE`: the data of the tools codedb replaces (see LEGACY.md in the
design notes): code_db pickles of every shape, the SQLModel code_db.sqlite, and the
GUI-builder's project registry with its workflow files. The source is never modified; the
import is one transaction, keyed on the source's ids, and reports what it imported, coerced
and skipped."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from ..core.convert import field_names
from ..core.db import Database
from ..core.files import check_input
from ..core.queries import load_queries
from ..core.registry import table_records
from ..errors import CodedbError
from ..transfer.dump import load, load_all_or_nothing, set_aside_present
from .collect import Collector
from .unpickle import RefusedGlobal, ResourceLimit, Stub, plain
from .unpickle import load as unpickle

SQLITE_HEADER = b"SQLite format 3\x00"
LEGACY_TABLES = {
    "function", "module", "unittest", "testresult", "modification", "function_modules",
    "function_tags", "function_dependencies",
}  # fmt: skip


class LegacyError(CodedbError, ValueError):
    """A legacy file that cannot be imported: unreadable, unknown, or refused."""


@attrs.frozen
class LegacyReport:
    source: str
    format: str
    found: dict[str, int]
    added: dict[str, int]
    coerced: tuple[str, ...]
    skipped: tuple[str, ...]
    dry_run: bool
    present: dict[str, int] = attrs.Factory(dict)  # rows codedb held already, the same


def detect(path: Path) -> str:
    """'pickle', 'sqlmodel' or 'registry', from the file's content."""
    check_input(path, "legacy file")
    with open(path, "rb") as stream:
        head = stream.read(64)
    if head.startswith(SQLITE_HEADER):
        return "sqlmodel"
    if head.lstrip()[:1] in (b"{", b"["):
        return "registry"
    if head[:1] == b"\x80" or head[:1] in (b"(", b"}", b"]", b"c"):
        return "pickle"
    raise LegacyError(
        f"{path} is not a legacy file codedb knows (a code_db pickle, a code_db.sqlite or a "
        "projects registry); check the path"
    )


def import_legacy(db: Database, path: str | Path, *, dry_run: bool = False) -> LegacyReport:
    """Import a legacy file into `db` (see the module docstring); nothing changes on error
    or with `dry_run`."""
    path = Path(path)
    kind = detect(path)
    # A value the file lacks is set to the file's own time, so the same file makes the same
    # rows each time it is imported (and a second import finds them all there already).
    collector = Collector(stamp=datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None))
    if kind == "pickle":
        try:
            label = _collect_pickle(path, collector)
        except ResourceLimit as exc:
            raise LegacyError(f"{path}: {exc}; the file was not imported") from None
        except LegacyError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # damaged or hostile objects
            raise LegacyError(f"{path} is not a readable code_db pickle ({exc}); check the file") from None
    elif kind == "sqlmodel":
        label = _collect_sqlmodel(path, collector)
    else:
        return _import_registry(db, path, dry_run)
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


def _import_registry(db: Database, path: Path, dry_run: bool) -> LegacyReport:
    from .registry import Registry, collect, read_json_file

    coerced: list[str] = []
    skipped: list[str] = []
    found: dict[str, int] = {}
    registry = Registry(coerced, skipped, found)
    label = collect(path, read_json_file(path, LegacyError), registry, LegacyError)
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
