"""The function library's Python API: one class per domain, reached as attributes of a
Database (db.functions, db.modules, db.tags, db.dependencies, db.tests, db.modifications).

Each method is one named query, or a few inside one transaction."""

from __future__ import annotations

import ast
import builtins
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from .db import is_unique_violation
from .errors import AmbiguousId, Conflict, InvalidInput, NotFound
from .records import (
    TEST_STATUSES,
    CoverageEntry,
    DependencyEntry,
    Function,
    FunctionSummary,
    Modification,
    ModuleCount,
    TagCount,
    TestResult,
    UnitTest,
    db_time,
    now,
    parse_time,
    reader,
)

if TYPE_CHECKING:
    from .db import Database

_read_function = reader(Function)
_read_summary = reader(FunctionSummary)
_read_test = reader(UnitTest)
_read_result = reader(TestResult)
_read_modification = reader(Modification)
_read_dependency = reader(DependencyEntry)


T = TypeVar("T")
_PARSE = object()  # add(): parse the signature from the code


def new_id() -> str:
    return str(uuid.uuid4())


def signature_of(code: str) -> str | None:
    """The signature of the first function defined in Python `code`, as JSON text
    ({"arg_names": [...], "arg_types": [...]}), or None when there is none to parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            if args.vararg:
                params.insert(len(args.posonlyargs) + len(args.args), args.vararg)
            if args.kwarg:
                params.append(args.kwarg)
            return json.dumps(
                {
                    "arg_names": [p.arg for p in params],
                    "arg_types": [ast.unparse(p.annotation) if p.annotation else None for p in params],
                }
            )
    return None


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_status(status: str) -> str:
    value = status.strip().lower()
    if value not in TEST_STATUSES:
        raise InvalidInput(f"invalid status {status!r}; use one of {', '.join(TEST_STATUSES)}")
    return value


def _names(values: Iterable[str] | None, what: str) -> builtins.list[str]:
    """Module or tag names, stripped and without repeats; an empty name is refused."""
    names: list[str] = []
    for value in values or ():
        name = value.strip() if isinstance(value, str) else value
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"empty {what} name; give a non-empty {what}")
        if name not in names:
            names.append(name)
    return names


class _Domain:
    def __init__(self, db: Database):
        self.db = db
        self.conn = db.conn
        self.q = db.queries

    def _all(self, query: Callable[..., Any], read: Callable[[Any], T], **params: Any) -> builtins.list[T]:
        """Every row of a SELECT query as records, fetched in one call through aiosql's
        `<query>_cursor` (its row-by-row generator costs more than the driver's fetchall)."""
        cursor_query = getattr(query.__self__, f"{query.__name__}_cursor")  # type: ignore[attr-defined]
        with cursor_query(self.conn, **params) as cursor:
            return [read(row) for row in cursor.fetchall()]

    def _resolve(
        self,
        kind: str,
        value: str,
        exact: Callable[..., Any],
        prefixed: Callable[..., Any],
        hint: str,
    ) -> str:
        """The full id of a record given its id or a unique prefix of it, as git does."""
        value = (value or "").strip()
        if not value:
            raise InvalidInput(f"empty {kind} id; {hint}")
        if exact(self.conn, value) is not None:
            return value
        matches = [row[0] for row in prefixed(self.conn, prefix=value)]
        if not matches:
            raise NotFound(f"{kind} {value} not found; {hint}")
        if len(matches) > 1:
            shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
            raise AmbiguousId(f"{kind} id prefix {value} is ambiguous: {shown}; give more characters")
        return str(matches[0])


class Functions(_Domain):
    """Functions of the library: add, get, modify, delete, list, search."""

    def resolve(self, function_id: str) -> str:
        """The full id of a function given its id or a unique prefix."""
        return self._resolve(
            "function",
            function_id,
            lambda conn, v: self.q.functions.get_function(conn, function_id=v),
            self.q.functions.find_function_ids,
            "list ids with 'codedb list-functions'",
        )

    def get(self, function_id: str) -> Function:
        """One function by its full id; NotFound if there is none."""
        row = self.q.functions.get_function(self.conn, function_id=function_id)
        if row is None:
            raise NotFound(f"function {function_id} not found; list ids with 'codedb list-functions'")
        return _read_function(row)

    def get_summary(self, function_id: str) -> FunctionSummary:
        """One function with its modules and tags."""
        row = self.q.functions.get_function_summary(self.conn, function_id=function_id)
        if row is None:
            raise NotFound(f"function {function_id} not found; list ids with 'codedb list-functions'")
        return _read_summary(row)

    def add(
        self,
        name: str,
        description: str = "",
        code: str = "",
        modules: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        *,
        function_id: str | None = None,
        creation_date: datetime | None = None,
        signature_json: str | None | object = _PARSE,
    ) -> Function:
        """Add a function with its modules (created when missing) and tags, in one transaction.

        The signature is parsed from the code unless `signature_json` gives it (None: none)."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("empty function name; give the function a name")
        stamp = creation_date or now()
        function = Function(
            function_id=function_id or new_id(),
            name=name,
            description=description or "",
            code_snippet=code or "",
            creation_date=stamp,
            last_modified_date=stamp,
            signature_json=signature_of(code or "") if signature_json is _PARSE else signature_json,  # type: ignore[arg-type]
        )
        module_names, tag_names = _names(modules, "module"), _names(tags, "tag")
        with self.db.transaction():
            try:
                self.q.functions.insert_function(self.conn, **_function_params(function))
            except Exception as exc:
                if is_unique_violation(exc):
                    raise Conflict(
                        f"function {function.function_id} exists already; give another id or none"
                    ) from None
                raise
            self._link(function.function_id, module_names, tag_names)
        return function

    def add_many(self, functions: Iterable[Mapping[str, Any]]) -> builtins.list[str]:
        """Add many functions in one transaction with executemany; return their ids.

        Each item has `name` and optionally `description`, `code`, `modules`, `tags`,
        `function_id`, `creation_date`, `signature_json` (parsed from the code when absent).
        """
        stamp = now()
        rows: builtins.list[dict[str, Any]] = []
        module_rows: dict[str, dict[str, str]] = {}
        tag_rows: dict[str, dict[str, str]] = {}
        links_m: builtins.list[dict[str, str]] = []
        links_t: builtins.list[dict[str, str]] = []
        for item in functions:
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                raise InvalidInput("empty function name; give every function a name")
            fid = item.get("function_id") or new_id()
            code = item.get("code", item.get("code_snippet", "")) or ""
            created = db_time(item.get("creation_date") or stamp)
            modified = item.get("last_modified_date")
            rows.append(
                {
                    "function_id": fid,
                    "name": name,
                    "description": item.get("description") or "",
                    "code_snippet": code,
                    "creation_date": created,
                    "last_modified_date": db_time(modified) if modified else created,
                    "signature_json": item["signature_json"]
                    if "signature_json" in item
                    else signature_of(code),
                }
            )
            for module in _names(item.get("modules"), "module"):
                if module not in module_rows:  # not setdefault: it would make an id every time
                    module_rows[module] = {"name": module, "module_id": new_id()}
                links_m.append({"function_id": fid, "module_name": module})
            for tag in _names(item.get("tags"), "tag"):
                if tag not in tag_rows:
                    tag_rows[tag] = {"name": tag}
                links_t.append({"function_id": fid, "tag": tag})
        with self.db.transaction():
            self.q.functions.insert_functions(self.conn, rows)
            if module_rows:
                self.q.modules.insert_modules(self.conn, list(module_rows.values()))
                self.q.modules.link_function_modules(self.conn, links_m)
            if tag_rows:
                self.q.tags.insert_tags(self.conn, list(tag_rows.values()))
                self.q.tags.link_function_tags(self.conn, links_t)
        return [row["function_id"] for row in rows]

    def _link(self, function_id: str, modules: Sequence[str], tags: Sequence[str]) -> None:
        for module in modules:
            self.q.modules.insert_module(self.conn, name=module, module_id=new_id())
            self.q.modules.link_function_module(self.conn, function_id=function_id, module_name=module)
        for tag in tags:
            self.q.tags.insert_tag(self.conn, name=tag)
            self.q.tags.link_function_tag(self.conn, function_id=function_id, tag=tag)

    def add_links(
        self, function_id: str, modules: Iterable[str] = (), tags: Iterable[str] = ()
    ) -> FunctionSummary:
        """Put a function in more modules and give it more tags; stamps its modification time."""
        module_names, tag_names = _names(modules, "module"), _names(tags, "tag")
        with self.db.transaction():
            self.get(function_id)
            self._link(function_id, module_names, tag_names)
            self.q.functions.touch_function(
                self.conn, function_id=function_id, last_modified_date=db_time(now())
            )
        return self.get_summary(function_id)

    def modify(self, function_id: str, modifier: str, description: str, code: str) -> Function:
        """Replace a function's code: updates its signature and modification time and records
        the change (who, when, why) in its history, in one transaction."""
        if not modifier or not modifier.strip():
            raise InvalidInput("empty modifier; say who made the change with --modifier")
        stamp = now()
        with self.db.transaction():
            self.get(function_id)
            self.q.functions.update_function_code(
                self.conn,
                function_id=function_id,
                code_snippet=code,
                signature_json=signature_of(code),
                last_modified_date=db_time(stamp),
            )
            self.q.modifications.insert_modification(
                self.conn,
                modification_id=new_id(),
                function_id=function_id,
                modifier=modifier,
                modification_date=db_time(stamp),
                description=description or "",
            )
            return self.get(function_id)

    def delete(self, function_id: str) -> None:
        """Delete a function with its links, tests, results, dependencies and history."""
        with self.db.transaction():
            if self.q.functions.delete_function(self.conn, function_id=function_id) == 0:
                raise NotFound(f"function {function_id} not found; list ids with 'codedb list-functions'")

    def list(self, module: str | None = None, tag: str | None = None) -> builtins.list[FunctionSummary]:
        """Functions with their modules and tags, optionally only those in `module` / with `tag`."""
        queries = self.q.functions
        if module is not None and tag is not None:
            return self._all(queries.list_functions_by_module_and_tag, _read_summary, module=module, tag=tag)
        if module is not None:
            return self._all(queries.list_functions_by_module, _read_summary, module=module)
        if tag is not None:
            return self._all(queries.list_functions_by_tag, _read_summary, tag=tag)
        return self._all(queries.list_functions, _read_summary)

    def search(
        self,
        query: str = "",
        *,
        created_after: datetime | str | None = None,
        modified_after: datetime | str | None = None,
        test_status: str | None = None,
    ) -> builtins.list[FunctionSummary]:
        """Functions whose name, description or code contains `query` (ignoring case), created
        or modified after the given times, whose latest test result has `test_status`."""
        return self._all(
            self.q.functions.search_functions,
            _read_summary,
            pattern=like_pattern(query or ""),
            created_after=db_time(parse_time(created_after)) if created_after else None,
            modified_after=db_time(parse_time(modified_after)) if modified_after else None,
            test_status=check_status(test_status) if test_status else None,
        )

    def count(self) -> int:
        return int(self.q.functions.count_functions(self.conn))


def _function_params(function: Function) -> dict[str, Any]:
    return {
        "function_id": function.function_id,
        "name": function.name,
        "description": function.description,
        "code_snippet": function.code_snippet,
        "creation_date": db_time(function.creation_date),
        "last_modified_date": db_time(function.last_modified_date),
        "signature_json": function.signature_json,
    }


class Modules(_Domain):
    """Modules: named groups of functions."""

    def list(self) -> builtins.list[ModuleCount]:
        """Every module with its number of functions."""
        return [ModuleCount(*row) for row in self.q.modules.list_modules(self.conn)]

    def add_function(self, function_id: str, module: str) -> FunctionSummary:
        """Put a function in a module, creating the module if it does not exist."""
        return self.db.functions.add_links(function_id, modules=[module])


class Tags(_Domain):
    """Tags: free labels on functions."""

    def list(self) -> builtins.list[TagCount]:
        """Every tag with its number of functions."""
        return [TagCount(name, int(count)) for name, count in self.q.tags.list_tags(self.conn)]

    def add(self, function_id: str, tag: str) -> FunctionSummary:
        """Tag a function."""
        return self.db.functions.add_links(function_id, tags=[tag])


class Dependencies(_Domain):
    """Dependencies between functions, kept free of cycles."""

    def add(self, function_id: str, depends_on_id: str) -> None:
        """Record that `function_id` depends on `depends_on_id`; refuses a dependency on itself
        and one that would close a cycle, naming the cycle."""
        functions = self.db.functions
        with self.db.transaction():
            source, target = functions.get(function_id), functions.get(depends_on_id)
            if function_id == depends_on_id:
                raise Conflict(f"function {source.name} ({function_id}) cannot depend on itself")
            path = self._path(depends_on_id, function_id)
            if path:
                names = {fid: functions.get(fid).name for fid in path}
                cycle = " -> ".join(names[fid] for fid in [function_id, *path])
                raise Conflict(
                    f"{source.name} cannot depend on {target.name}: that would close the cycle "
                    f"{cycle}; remove one of its dependencies first"
                )
            self.q.dependencies.insert_dependency(
                self.conn, function_id=function_id, depends_on_id=depends_on_id
            )

    def _path(self, start_id: str, goal_id: str) -> builtins.list[str]:
        """The shortest dependency path from start to goal (both included), or []."""
        edges: dict[str, list[str]] = {}
        for source, target in self.q.dependencies.reachable_edges(self.conn, start_id=start_id):
            edges.setdefault(source, []).append(target)
        parents: dict[str, str | None] = {start_id: None}
        frontier = [start_id]
        while frontier and goal_id not in parents:
            following = []
            for node in frontier:
                for nxt in edges.get(node, ()):
                    if nxt not in parents:
                        parents[nxt] = node
                        following.append(nxt)
            frontier = following
        if goal_id not in parents:
            return []
        path: builtins.list[str] = []
        step: str | None = goal_id
        while step is not None:
            path.append(step)
            step = parents[step]
        return path[::-1]

    def remove(self, function_id: str, depends_on_id: str) -> None:
        """Forget a dependency; NotFound if it was not recorded."""
        with self.db.transaction():
            deleted = self.q.dependencies.delete_dependency(
                self.conn, function_id=function_id, depends_on_id=depends_on_id
            )
            if deleted == 0:
                raise NotFound(
                    f"function {function_id} does not depend on {depends_on_id}; "
                    f"list its dependencies with 'codedb list-dependencies --function-id {function_id}'"
                )

    def list(self, function_id: str, *, transitive: bool = False) -> builtins.list[DependencyEntry]:
        """What a function depends on: directly (depth 1), or transitively with shortest depths."""
        self.db.functions.get(function_id)
        query = (
            self.q.dependencies.list_transitive_dependencies
            if transitive
            else self.q.dependencies.list_direct_dependencies
        )
        return self._all(query, _read_dependency, function_id=function_id)

    def dependents(self, function_id: str) -> builtins.list[DependencyEntry]:
        """The functions that depend directly on a function."""
        return self._all(self.q.dependencies.list_dependents, _read_dependency, function_id=function_id)

    def cycles(self) -> builtins.list[builtins.list[DependencyEntry]]:
        """The dependency cycles present (from imports or direct SQL writes): each a list of
        the functions on it, as strongly connected groups."""
        rows = self._all(self.q.dependencies.list_functions_on_cycles, _read_dependency)
        on_cycle = {entry.function_id: entry for entry in rows}
        reach = {fid: self._reachable(fid) for fid in on_cycle}  # a node on a cycle reaches itself
        groups: builtins.list[builtins.list[DependencyEntry]] = []
        seen: set[str] = set()
        for fid in on_cycle:
            if fid not in seen:
                group = [on_cycle[other] for other in on_cycle if other in reach[fid] and fid in reach[other]]
                seen.update(entry.function_id for entry in group)
                groups.append(group)
        return groups

    def _reachable(self, start_id: str) -> set[str]:
        return {target for _, target in self.q.dependencies.reachable_edges(self.conn, start_id=start_id)}

    def to_dot(self) -> str:
        """The dependency graph in Graphviz DOT: an arrow from each function to what it uses."""

        def quote(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

        lines = ["digraph dependencies {", "  rankdir=LR;", "  node [shape=box];"]
        for fid, name in self.q.dependencies.list_dependency_nodes(self.conn):
            lines.append(f"  {quote(fid)} [label={quote(name)}];")
        for source, _, target, _ in self.q.dependencies.list_all_dependencies(self.conn):
            lines.append(f"  {quote(source)} -> {quote(target)};")
        lines.append("}")
        return "\n".join(lines) + "\n"


class Tests(_Domain):
    """Unit tests, their results, and the coverage report."""

    def resolve(self, test_id: str) -> str:
        """The full id of a unit test given its id or a unique prefix."""
        return self._resolve(
            "test",
            test_id,
            lambda conn, v: self.q.tests.get_unittest(conn, test_id=v),
            self.q.tests.find_unittest_ids,
            "list a function's tests with 'codedb show-function --id ID'",
        )

    def add(self, function_id: str, name: str, description: str = "", test_case: str = "") -> UnitTest:
        """Add a unit test to a function."""
        if not name or not name.strip():
            raise InvalidInput("empty test name; give the test a name")
        test = UnitTest(new_id(), function_id, name, description or "", test_case or "")
        with self.db.transaction():
            self.db.functions.get(function_id)
            self.q.tests.insert_unittest(self.conn, **_test_params(test))
        return test

    def get(self, test_id: str) -> UnitTest:
        row = self.q.tests.get_unittest(self.conn, test_id=test_id)
        if row is None:
            raise NotFound(
                f"test {test_id} not found; list a function's tests with 'codedb show-function --id ID'"
            )
        return _read_test(row)

    def list(self, function_id: str) -> builtins.list[UnitTest]:
        """A function's unit tests."""
        return self._all(self.q.tests.list_unittests, _read_test, function_id=function_id)

    def purge(self, function_id: str) -> int:
        """Delete every unit test of a function, with their results; return how many tests."""
        with self.db.transaction():
            self.db.functions.get(function_id)
            return int(self.q.tests.delete_unittests(self.conn, function_id=function_id))

    def record_result(
        self,
        test_id: str,
        status: str,
        actual_result: str | None = None,
        execution_date: datetime | str | None = None,
    ) -> TestResult:
        """Record the outcome of one run of a test (status: passed, failed, pending, running)."""
        stamp = parse_time(execution_date) if execution_date else now()
        checked = check_status(status)
        with self.db.transaction():
            test = self.get(test_id)
            result = TestResult(new_id(), test_id, test.function_id, stamp, actual_result, checked)
            self.q.results.insert_testresult(
                self.conn,
                result_id=result.result_id,
                test_id=result.test_id,
                function_id=result.function_id,
                execution_date=db_time(result.execution_date),
                actual_result=result.actual_result,
                status=result.status,
            )
        return result

    def results(self, function_id: str | None = None) -> builtins.list[TestResult]:
        """Test results, newest first: all, or a function's."""
        return self._all(self.q.results.list_testresults, _read_result, function_id=function_id)

    def coverage(self) -> builtins.list[CoverageEntry]:
        """Per function: tests, passed, failed, coverage percent (each test by its latest result)."""
        return self._all(self.q.results.coverage_report, reader(CoverageEntry))


def _test_params(test: UnitTest) -> dict[str, Any]:
    return {
        "test_id": test.test_id,
        "function_id": test.function_id,
        "name": test.name,
        "description": test.description,
        "test_case": test.test_case,
    }


class Modifications(_Domain):
    """The change history of functions."""

    def list(self, function_id: str) -> builtins.list[Modification]:
        """A function's changes, oldest first."""
        self.db.functions.get(function_id)
        return self._all(self.q.modifications.list_modifications, _read_modification, function_id=function_id)
