"""The old code_db tool's Python API (docs/moving.md, code_db), so that its scripts and tests run
by changing one import: `import code_db` -> `from codedb import compat as code_db`.

- `CodeDatabase()` is a fresh, empty database (in memory; `CodeDatabase("path.sqlite")` or a
  PostgreSQL URL for a real one) with the old class's methods.
- The module-level functions act on the module global `_db`, a `CodeDatabase` of the CLI's
  database ($CODEDB_URL, else ./code_db.sqlite), created and migrated on first use as the old
  tool did; a script may assign another: `code_db._db = code_db.CodeDatabase()`.
- Results are the old shapes: plain dicts and lists with the old keys (`id`, `code`,
  `num_tests`, ...; codedb's own keys such as `function_id` stay beside them). Failures the
  old tool returned as error dicts (`{"success": False, "error_type", "message",
  "suggested_action"}`) are returned so, with codedb's one-line message; the calls that
  raised `ValueError` raise it (codedb's `NotFound` and `InvalidInput` are `ValueError`s too).

The work is the function library's (`db.functions`, `codedb.domains.library.exchange`, ...):
this module only adapts shapes. Not provided: the calls that ran or parsed Julia code
(`run_tests`, `execute_tests`, `benchmark_function`, `property_test_function`,
`import_julia_file`).
"""

import hashlib
import os
import traceback
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from ..core.db import Database, connect
from ..core.files import write_output
from ..domains.library.exchange import (
    CopiedImport,
    NameCollision,
    function_document,
    import_copies,
    module_source,
)
from ..domains.library.records import FunctionSummary, UnitTest
from ..errors import CodedbError, Conflict, NotFound, one_line
from ..schema.migrations import migrate

_CLI_DEFAULT = object()  # CodeDatabase(_CLI_DEFAULT): $CODEDB_URL, else ./code_db.sqlite


def _error(error_type: str, message: str, suggested_action: str) -> dict[str, Any]:
    return {
        "success": False,
        "error_type": error_type,
        "message": one_line(message),  # it may quote an id as it was given
        "suggested_action": suggested_action,
    }


def _unexpected(exc: BaseException) -> dict[str, Any]:
    found = _error("PythonException", f"{type(exc).__name__}: {exc}", "report this error with its traceback")
    found["traceback"] = traceback.format_exc()
    return found


def _as_value_error(exc: CodedbError) -> ValueError:
    return exc if isinstance(exc, ValueError) else ValueError(str(exc))


@attrs.define
class LegacyUnitTest:
    """A unit test as the old tool's objects had it."""

    test_id: str
    function_id: str
    name: str
    description: str
    test_case: str


@attrs.define
class LegacyFunction:
    """A function as the old tool's objects had it (a snapshot: changing it changes nothing)."""

    function_id: str
    name: str
    description: str
    code_snippet: str
    creation_date: datetime
    last_modified_date: datetime
    modules: list[str]
    tags: list[str]
    dependencies: list[str]
    unit_tests: list[LegacyUnitTest]
    signature: dict[str, Any] | None


def _test(test: UnitTest) -> LegacyUnitTest:
    return LegacyUnitTest(test.test_id, test.function_id, test.name, test.description, test.test_case)


def _clean(names: list[str] | None) -> list[str]:
    """Module or tag names as the library stores them (stripped, once each), sorted."""
    return sorted({name.strip() for name in names or []})


def _listed(summary: FunctionSummary) -> dict[str, Any]:
    return {
        "id": summary.function_id,
        "function_id": summary.function_id,
        "name": summary.name,
        "description": summary.description,
        "modules": list(summary.modules),
        "tags": list(summary.tags),
    }


class _Functions(Mapping[str, LegacyFunction]):
    """`CodeDatabase.functions`: function_id -> function object, read from the database."""

    def __init__(self, owner: "CodeDatabase"):
        self._owner = owner

    def __getitem__(self, function_id: str) -> LegacyFunction:
        found = self._owner._function(function_id)
        if found is None:
            raise KeyError(function_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._owner.db.functions.ids()))

    def __len__(self) -> int:
        return self._owner.db.functions.count()

    def __contains__(self, function_id: object) -> bool:
        return isinstance(function_id, str) and self._owner.db.functions.find(function_id) is not None


class CodeDatabase:
    """The old tool's database object. `CodeDatabase()` is a fresh, empty database in memory;
    give a path or URL for a real one (opened and migrated on first use), or an open codedb
    Database to speak the old API over it (it stays the caller's to close)."""

    def __init__(self, target: Any = None):
        self._target = target
        self._db: Database | None = target if isinstance(target, Database) else None
        self._pid: int | None = os.getpid() if self._db is not None else None
        self.functions = _Functions(self)

    @property
    def db(self) -> Database:
        """The open codedb Database behind this object."""
        if self._db is None or (self._pid != os.getpid() and not self._in_memory):
            # a forked child must not share its parent's connection to a file or a server
            if self._target is _CLI_DEFAULT:
                self._db = connect(None, create=True)
            else:
                self._db = connect(":memory:" if self._target is None else self._target, create=True)
            migrate(self._db)
            self._pid = os.getpid()
        return self._db

    @property
    def _in_memory(self) -> bool:
        return self._db is not None and self._db.target.memory

    def close(self) -> None:
        """Close the connection (a file or server database opens again on the next call)."""
        if isinstance(self._target, Database):
            return
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    # --- records --------------------------------------------------------------------------

    def _function(self, function_id: str) -> LegacyFunction | None:
        db = self.db
        try:
            summary = db.functions.get_summary(function_id)
        except NotFound:
            return None
        return LegacyFunction(
            summary.function_id,
            summary.name,
            summary.description,
            summary.code_snippet,
            summary.creation_date,
            summary.last_modified_date,
            list(summary.modules),
            list(summary.tags),
            [d.function_id for d in db.dependencies.list(function_id)],
            [_test(t) for t in db.tests.list(function_id)],
            db.functions.get(function_id).signature,
        )

    def get_function(self, function_id: str) -> dict[str, Any] | None:
        """{"id", "name", "description", "code", "modules", "tags", ...}, or None if unknown."""
        try:
            summary = self.db.functions.get_summary(function_id) if isinstance(function_id, str) else None
        except NotFound:
            return None
        if summary is None:
            return None
        return {
            "id": summary.function_id,
            "function_id": summary.function_id,
            "name": summary.name,
            "description": summary.description,
            "code": summary.code_snippet,
            "modules": list(summary.modules),
            "tags": list(summary.tags),
        }

    def _exists(self, function_id: str) -> bool:
        return isinstance(function_id, str) and self.db.functions.find(function_id) is not None

    def add_function(
        self,
        name: str,
        description: str,
        code_snippet: str,
        modules: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> LegacyFunction:
        """Add a function; return it."""
        added = self.db.functions.add(name, description, code_snippet, modules or [], tags or [])
        return LegacyFunction(
            added.function_id,
            added.name,
            added.description,
            added.code_snippet,
            added.creation_date,
            added.last_modified_date,
            _clean(modules),
            _clean(tags),
            [],
            [],
            added.signature,
        )

    def add_unit_test(
        self, function_id: str, name: str, description: str, test_case: str
    ) -> LegacyUnitTest | None:
        """Add a unit test; None if the function is unknown."""
        if not self._exists(function_id):
            return None
        return _test(self.db.tests.add(function_id, name, description, test_case))

    def delete_function(self, function_id: str) -> bool:
        """Delete a function with its tests, results and dependency edges; False if unknown."""
        if not self._exists(function_id):
            return False
        self.db.functions.delete(function_id)
        return True

    def modify_function(
        self, function_id: str, modifier: str, description: str, new_code_snippet: str
    ) -> None:
        """Replace a function's code and record the change; an unknown id changes nothing."""
        if self._exists(function_id):
            self.db.functions.modify(function_id, modifier, description, new_code_snippet)

    def add_function_to_module(self, function_id: str, module_name: str) -> None:
        """Put a function in a module (created when missing); an unknown id changes nothing."""
        if self._exists(function_id):
            self.db.modules.add_function(function_id, module_name)

    def add_tag(self, function_id: str, tag: str) -> None:
        """Tag a function; an unknown id changes nothing."""
        if self._exists(function_id):
            self.db.tags.add(function_id, tag)

    def list_modules(self) -> list[dict[str, Any]]:
        """Every module as {"id", "name"}."""
        return [{"id": m.module_id, "name": m.name} for m in self.db.modules.list()]

    def list_tags(self) -> list[str]:
        """The sorted names of the tags some function has."""
        return sorted(t.name for t in self.db.tags.list() if t.functions)

    def list_functions(
        self, module: str | None = None, tag: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Functions as {"id", "name", "description", "modules", "tags"}, by module and/or tag."""
        found = self.db.functions.list(module=module, tag=tag, limit=limit, offset=offset)
        return [_listed(s) for s in found]

    def list_functions_by_tag(self, tag: str) -> list[dict[str, Any]]:
        return self.list_functions(tag=tag)

    def search_functions(
        self,
        query: str,
        created_after: datetime | str | None = None,
        modified_after: datetime | str | None = None,
        test_status: str | None = None,
    ) -> list[dict[str, Any]]:
        """Functions whose name, description or code holds `query` (a substring, any case)."""
        found = self.db.functions.search_substring(
            query, created_after=created_after, modified_after=modified_after, test_status=test_status
        )
        return [_listed(s) for s in found]

    def semantic_search_functions(self, query: str, top_k: int = 5) -> list[dict[str, Any]]:
        """The `top_k` functions nearest in meaning to `query` (the old tool's semantic search:
        codedb's stored vectors of the local model, made by `codedb embed`), best first, each
        a listed function with its `score` (the cosine similarity, 0-1). ValueError when no
        function has a vector yet."""
        try:
            return self._semantic(query, top_k)
        except CodedbError as exc:
            raise _as_value_error(exc) from None

    def _semantic(self, query: str, top_k: int) -> list[dict[str, Any]]:
        hits = self.db.functions.search_semantic(query, limit=top_k)
        return [{**_listed(self.db.functions.get_summary(hit.id)), "score": hit.score / 100} for hit in hits]

    # --- dependencies ---------------------------------------------------------------------

    def add_dependency(self, function_id: str, depends_on_id: str) -> dict[str, Any]:
        """Record a dependency: {"success": True, ...} or an error dict."""
        return self._guarded(lambda: self._add_dependency(function_id, depends_on_id))

    def _add_dependency(self, function_id: str, depends_on_id: str) -> dict[str, Any]:
        if not self._exists(function_id):
            return _error("FunctionNotFound", f"function {function_id} not found", "check the function id")
        if not self._exists(depends_on_id):
            return _error(
                "DependencyNotFound", f"function {depends_on_id} not found", "check the id of the dependency"
            )
        try:
            self.db.dependencies.add(function_id, depends_on_id)
        except Conflict as exc:  # a dependency on itself, or one that closes a cycle
            return _error("CircularDependency", str(exc), "remove a dependency on the cycle first")
        return {"success": True, "message": f"{function_id} now depends on {depends_on_id}"}

    def remove_dependency(self, function_id: str, depends_on_id: str) -> dict[str, Any]:
        """Forget a dependency: {"success": True, ...} or an error dict."""
        return self._guarded(lambda: self._remove_dependency(function_id, depends_on_id))

    def _remove_dependency(self, function_id: str, depends_on_id: str) -> dict[str, Any]:
        if not self._exists(function_id):
            return _error("FunctionNotFound", f"function {function_id} not found", "check the function id")
        try:
            self.db.dependencies.remove(function_id, depends_on_id)
        except NotFound as exc:
            return _error("DependencyNotFound", str(exc), "list the dependencies with list_dependencies")
        return {"success": True, "message": f"{function_id} no longer depends on {depends_on_id}"}

    def list_dependencies(self, function_id: str) -> list[str]:
        """The ids a function depends on directly; ValueError for an unknown function."""
        try:
            return [d.function_id for d in self.db.dependencies.list(function_id)]
        except CodedbError as exc:
            raise _as_value_error(exc) from None

    def find_cycles(self) -> list[list[str]]:
        """Every dependency cycle, as ids from its smallest (the first not repeated)."""
        return [list(cycle) for cycle in self.db.dependencies.elementary_cycles()]

    def detect_recursion_in_function(self, function_id: str) -> dict[str, Any]:
        """{"direct": calls itself in its code, "mutual_cycles": the cycles it is on}."""
        try:
            found = self.db.functions.recursion(function_id)
        except CodedbError as exc:
            raise _as_value_error(exc) from None
        return {"direct": found.direct, "mutual_cycles": [list(cycle) for cycle in found.cycles]}

    def visualize_dependencies(self, filepath: str | os.PathLike[str]) -> None:
        """Write the dependency graph as Graphviz DOT, the nodes named by their ids."""
        lines = ["digraph dependencies {"]
        lines += [f'    "{source}" -> "{target}";' for source, _, target, _ in self.db.dependencies.edges()]
        lines.append("}")
        write_output(os.fspath(filepath), "\n".join(lines) + "\n", force=True)

    # --- tests ----------------------------------------------------------------------------

    def add_test(self, function_id: str, name: str, description: str, test_code: str) -> str:
        """Add a unit test; return its id. ValueError for an unknown function."""
        try:
            return self.db.tests.add(function_id, name, description, test_code).test_id
        except CodedbError as exc:
            raise _as_value_error(exc) from None

    def record_test_result(self, test_id: str, status: str, actual_result: str | None = None) -> str:
        """Record a run of a test (passed, failed, pending, running); return the result's id."""
        return self.db.tests.record_result(test_id, status, actual_result).result_id

    def get_test_results(self, function_id: str | None = None) -> list[dict[str, Any]]:
        """Results, newest first, as {"test_id", "status", "output"}."""
        return [
            {
                "test_id": r.test_id,
                "status": r.status,
                "output": r.actual_result,
                "result_id": r.result_id,
                "function_id": r.function_id,
                "execution_date": r.execution_date,
            }
            for r in self.db.tests.results(function_id)
        ]

    def purge_tests(self, function_id: str) -> None:
        """Delete a function's tests and their results."""
        if self._exists(function_id):
            self.db.tests.purge(function_id)

    def get_coverage_report(self) -> list[dict[str, Any]]:
        """Per function: {"id", "name", "num_tests", "passed", "failed", "coverage_percent"}."""
        return [
            {
                "id": c.function_id,
                "name": c.name,
                "num_tests": c.tests,
                "passed": c.passed,
                "failed": c.failed,
                "coverage_percent": c.coverage_percent,
            }
            for c in self.db.tests.coverage()
        ]

    def list_modifications(self, function_id: str) -> list[dict[str, Any]]:
        """A function's changes, oldest first, as {"id", "modifier", "description"}."""
        if not self._exists(function_id):
            return []
        return [
            {
                "id": m.modification_id,
                "modifier": m.modifier,
                "description": m.description,
                "function_id": m.function_id,
                "modification_date": m.modification_date,
            }
            for m in self.db.modifications.list(function_id)
        ]

    # --- files ----------------------------------------------------------------------------

    def _written(self, filepath: str | os.PathLike[str], text: str) -> dict[str, Any]:
        """Write a new file atomically (never over an existing one); its path, size and hash."""
        write_output(os.fspath(filepath), text)
        data = Path(filepath).read_bytes()
        return {
            "success": True,
            "filepath": str(filepath),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    def _guarded(self, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return call()
        except CodedbError as exc:
            return _error(type(exc).__name__, str(exc), "see the message")
        except Exception as exc:  # the old tool returned these too, with the traceback
            return _unexpected(exc)

    def export_function(self, function_id: str, filepath: str | os.PathLike[str]) -> dict[str, Any]:
        """Write a function as JSON: {"success": True, "filepath", "size", "sha256"}, or an
        error dict (FunctionNotFound, FileExists)."""

        def export() -> dict[str, Any]:
            if not self._exists(function_id):
                return _error(
                    "FunctionNotFound", f"function {function_id} not found", "check the function id"
                )
            if os.path.lexists(filepath):
                return _error("FileExists", f"{filepath} exists already", "give another path")
            return self._written(filepath, _json(function_document(self.db, function_id)))

        return self._guarded(export)

    def export_module(self, module_name: str, filepath: str | os.PathLike[str]) -> dict[str, Any]:
        """Write a module's functions as JSON {"module_name", "functions"}, or an error dict
        (ModuleNotFound, FileExists)."""

        def export() -> dict[str, Any]:
            try:
                module = self.db.modules.get(module_name)
            except NotFound as exc:
                return _error("ModuleNotFound", str(exc), "list the modules with list_modules")
            if os.path.lexists(filepath):
                return _error("FileExists", f"{filepath} exists already", "give another path")
            ids = self.db.modules.function_ids(module_name)
            doc = {
                "module_name": module.name,
                "module": module.name,
                "module_id": module.module_id,
                "functions": [function_document(self.db, fid) for fid in ids],
            }
            return self._written(filepath, _json(doc))

        return self._guarded(export)

    def _copies(self, filepath: str | os.PathLike[str], override: bool) -> "CopiedImport | dict[str, Any]":
        """Import a file as copies (the old tool's import), or the error dict of a missing
        file or a name collision."""
        if not os.path.isfile(filepath):
            return _error(
                "FileNotFound", f"file {filepath} does not exist", "give the path of an exported file"
            )
        try:
            return import_copies(self.db, os.fspath(filepath), skip_same_names=override)
        except NameCollision as exc:
            kind = "ModuleNameCollision" if exc.kind == "module" else "FunctionNameCollision"
            return _error(kind, str(exc), f"rename the {exc.kind}, or pass override=True")

    def import_function(self, filepath: str | os.PathLike[str], override: bool = False) -> dict[str, Any]:
        """Import a function file as a new function: {"success": True, "message",
        "function_id"}; FileNotFound; FunctionNameCollision (with `override`, a skip)."""

        def run() -> dict[str, Any]:
            done = self._copies(filepath, override)
            if isinstance(done, dict):
                return done
            if done.skipped:
                return {
                    "success": True,
                    "skipped": True,
                    "message": f"skipped {done.skipped[0]!r}: a function of that name exists",
                }
            fid = done.function_ids[0]
            return {"success": True, "message": f"imported {filepath} as {fid}", "function_id": fid}

        return self._guarded(run)

    def import_module(self, filepath: str | os.PathLike[str], override: bool = False) -> dict[str, Any]:
        """Import a module file as new functions: {"success": True, "message",
        "function_ids"}; FileNotFound; ModuleNameCollision or FunctionNameCollision (with
        `override`, a skip)."""

        def run() -> dict[str, Any]:
            done = self._copies(filepath, override)
            if isinstance(done, dict):
                return done
            found: dict[str, Any] = {
                "success": True,
                "message": f"imported {len(done.function_ids)} functions from {filepath}",
                "function_ids": list(done.function_ids),
            }
            if done.module_skipped is not None or done.skipped:
                found["skipped"] = (
                    [done.module_skipped] if done.module_skipped is not None else list(done.skipped)
                )
            return found

        return self._guarded(run)

    def generate_module_file(
        self, module_name: str, filepath: str | os.PathLike[str], with_tests: bool = False
    ) -> dict[str, Any]:
        """Write a module as a Julia file: {"filepath", "size", "sha256"}; ValueError for an
        unknown or empty module."""
        try:
            text = module_source(self.db, module_name, with_tests=with_tests)
        except CodedbError as exc:
            raise _as_value_error(exc) from None
        written = self._written(filepath, text)
        del written["success"]
        return written


def _json(doc: Any) -> str:
    import json

    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- the module-level API over `_db` -------------------------------------------------------

_db: CodeDatabase = CodeDatabase(_CLI_DEFAULT)


def database() -> Database:
    """The codedb Database behind the module's `_db`."""
    return _db.db


def close() -> None:
    """Close the module's database (the next call opens it again)."""
    _db.close()


def add_function(
    name: str, description: str, code: str, modules: list[str] | None = None, tags: list[str] | None = None
) -> str:
    """Add a function; return its id."""
    return _db.db.functions.add(name, description, code, modules or [], tags or []).function_id


def get_function(function_id: str) -> dict[str, Any] | None:
    return _db.get_function(function_id)


def modify_function(function_id: str, modifier: str, description: str, code: str) -> None:
    _db.modify_function(function_id, modifier, description, code)


def delete_function(function_id: str) -> bool:
    return _db.delete_function(function_id)


def list_functions(module: str | None = None, tag: str | None = None) -> list[dict[str, Any]]:
    return _db.list_functions(module, tag)


def list_functions_by_tag(tag: str) -> list[dict[str, Any]]:
    return _db.list_functions_by_tag(tag)


def search_functions(
    query: str,
    created_after: datetime | str | None = None,
    modified_after: datetime | str | None = None,
    test_status: str | None = None,
) -> list[dict[str, Any]]:
    return _db.search_functions(query, created_after, modified_after, test_status)


def semantic_search_functions(query: str, top_k: int = 5) -> list[dict[str, Any]]:
    return _db.semantic_search_functions(query, top_k)


def add_function_to_module(function_id: str, module_name: str) -> None:
    _db.add_function_to_module(function_id, module_name)


def add_tag(function_id: str, tag: str) -> None:
    _db.add_tag(function_id, tag)


def list_modules() -> list[dict[str, Any]]:
    return _db.list_modules()


def list_tags() -> list[str]:
    return _db.list_tags()


def add_dependency(function_id: str, depends_on_id: str) -> dict[str, Any]:
    return _db.add_dependency(function_id, depends_on_id)


def remove_dependency(function_id: str, depends_on_id: str) -> dict[str, Any]:
    return _db.remove_dependency(function_id, depends_on_id)


def list_dependencies(function_id: str) -> list[str]:
    return _db.list_dependencies(function_id)


def find_cycles() -> list[list[str]]:
    return _db.find_cycles()


def detect_recursion(function_id: str) -> dict[str, Any]:
    return _db.detect_recursion_in_function(function_id)


def visualize_dependencies(filepath: str | os.PathLike[str]) -> None:
    _db.visualize_dependencies(filepath)


def add_test(function_id: str, name: str, description: str, test_code: str) -> str:
    return _db.add_test(function_id, name, description, test_code)


def record_test_result(test_id: str, status: str, actual_result: str | None = None) -> str:
    return _db.record_test_result(test_id, status, actual_result)


def get_test_results(function_id: str | None = None) -> list[dict[str, Any]]:
    return _db.get_test_results(function_id)


def list_modifications(function_id: str) -> list[dict[str, Any]]:
    return _db.list_modifications(function_id)


def purge_tests(function_id: str) -> None:
    _db.purge_tests(function_id)


def get_coverage_report() -> list[dict[str, Any]]:
    return _db.get_coverage_report()


def export_function(function_id: str, filepath: str | os.PathLike[str]) -> dict[str, Any]:
    return _db.export_function(function_id, filepath)


def import_function(filepath: str | os.PathLike[str], override: bool = False) -> dict[str, Any]:
    return _db.import_function(filepath, override)


def export_module(module_name: str, filepath: str | os.PathLike[str]) -> dict[str, Any]:
    return _db.export_module(module_name, filepath)


def import_module(filepath: str | os.PathLike[str], override: bool = False) -> dict[str, Any]:
    return _db.import_module(filepath, override)


def generate_module_file(
    module_name: str, filepath: str | os.PathLike[str], with_tests: bool = False
) -> dict[str, Any]:
    return _db.generate_module_file(module_name, filepath, with_tests)


def save_db() -> None:
    """A no-op: every call commits (the old tool wrote its pickle here)."""


def load_db() -> None:
    """A no-op: the database is read on every call (the old tool read its pickle here)."""


__all__ = [
    "CodeDatabase",
    "add_dependency",
    "add_function",
    "add_function_to_module",
    "add_tag",
    "add_test",
    "close",
    "database",
    "delete_function",
    "detect_recursion",
    "export_function",
    "export_module",
    "find_cycles",
    "generate_module_file",
    "get_coverage_report",
    "get_function",
    "get_test_results",
    "import_function",
    "import_module",
    "list_dependencies",
    "list_functions",
    "list_functions_by_tag",
    "list_modifications",
    "list_modules",
    "list_tags",
    "load_db",
    "modify_function",
    "purge_tests",
    "record_test_result",
    "remove_dependency",
    "save_db",
    "search_functions",
    "semantic_search_functions",
    "visualize_dependencies",
]
