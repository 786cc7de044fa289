"""The old code_db tool's MCP data tools, name for name, with its argument names and its
envelope (shared LEGACY section 5): `{"ok": true, "result": R, ...extra}` or `{"ok": false,
"error": {"type", "message", "suggested_action"}}`. Each runs the old tool's call of
codedb.compat over the server's database: the shapes are that module's, not a copy."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import attrs

from ..compat import CodeDatabase
from .tool import NoArguments, Tool


class Failed(Exception):
    """A call the old tool answered with an error envelope."""

    def __init__(self, kind: str, message: str, action: str | None = None, details: Any = None):
        super().__init__(message)
        self.envelope: dict[str, Any] = {"type": kind, "message": message}
        if action:
            self.envelope["suggested_action"] = action
        if details is not None:
            self.envelope["details"] = details


def ok(result: Any, **extra: Any) -> dict[str, Any]:
    return {"ok": True, "result": result, **extra}


def _old(db: Any) -> CodeDatabase:
    return CodeDatabase(db)


def _checked(answer: dict[str, Any]) -> dict[str, Any]:
    """An old call's answer, its error dict raised as the envelope's error."""
    if answer.get("success") is False:
        raise Failed(answer["error_type"], answer["message"], answer.get("suggested_action"))
    return answer


def _function(old: CodeDatabase, function_id: str) -> dict[str, Any]:
    found = old.get_function(function_id)
    if found is None:
        raise Failed(
            "FunctionNotFound", f"function {function_id} not found", "list the functions with list_functions"
        )
    return found


def _new_file(path: str) -> str:
    if os.path.lexists(path):  # a link too, as compat's export_function checks
        raise Failed("FileExists", f"{path} exists already", "give a path that does not exist")
    return path


@attrs.frozen
class ModuleTag:
    module: str | None = None
    tag: str | None = None
    limit: int | None = None  # codedb's: a page of the list (the old tool listed them all)
    offset: int = 0


@attrs.frozen
class Id:
    id: str


@attrs.frozen
class FunctionId:
    function_id: str


@attrs.frozen
class AddArgs:
    name: str
    description: str
    code: str
    modules: list[str] | None = None
    tags: list[str] | None = None


@attrs.frozen
class ModifyArgs:
    id: str
    modifier: str
    description: str
    code: str


@attrs.frozen
class Query:
    query: str


@attrs.frozen
class SemanticQuery:
    query: str
    top_k: int = 5


@attrs.frozen
class ExportArgs:
    function_id: str
    file: str


@attrs.frozen
class FileArgs:
    file: str


@attrs.frozen
class EdgeArgs:
    function_id: str
    depends_on_id: str


@attrs.frozen
class DotArgs:
    file: str
    return_content: bool = False


@attrs.frozen
class DocArgs:
    function_id: str
    format: str = "markdown"


def list_functions(db: Any, a: ModuleTag) -> dict[str, Any]:
    found = _old(db).list_functions(a.module, a.tag, limit=a.limit, offset=a.offset)
    return ok(found, count=len(found))


def get_function(db: Any, a: Id) -> dict[str, Any]:
    return ok(_function(_old(db), a.id))


def add_function(db: Any, a: AddArgs) -> dict[str, Any]:
    made = _old(db).add_function(a.name, a.description, a.code, a.modules, a.tags)
    return ok({"function_id": made.function_id}, function_id=made.function_id)


def modify_function(db: Any, a: ModifyArgs) -> dict[str, Any]:
    old = _old(db)
    _function(old, a.id)
    old.modify_function(a.id, a.modifier, a.description, a.code)
    return ok({"status": "modified"}, function_id=a.id)


def delete_function(db: Any, a: FunctionId) -> dict[str, Any]:
    if not _old(db).delete_function(a.function_id):
        raise Failed(
            "FunctionNotFound",
            f"function {a.function_id} not found",
            "list the functions with list_functions",
        )
    return ok({"deleted": True}, function_id=a.function_id)


def search_functions(db: Any, a: Query) -> dict[str, Any]:
    found = _old(db).search_functions(a.query)
    return ok(found, query=a.query, result_count=len(found))


def semantic_search(db: Any, a: SemanticQuery) -> dict[str, Any]:
    found = _old(db)._semantic(a.query, a.top_k)  # codedb's errors, which the envelope names
    return ok(found, query=a.query, result_count=len(found))


def export_function(db: Any, a: ExportArgs) -> dict[str, Any]:
    answer = _checked(_old(db).export_function(a.function_id, a.file))
    return ok(answer, **answer)


def import_function(db: Any, a: FileArgs) -> dict[str, Any]:
    answer = _checked(_old(db).import_function(a.file))
    return ok(answer, **answer)


def coverage_report(db: Any, a: NoArguments) -> dict[str, Any]:
    found = _old(db).get_coverage_report()
    return ok(found, function_count=len(found))


def list_dependencies(db: Any, a: FunctionId) -> dict[str, Any]:
    old = _old(db)
    _function(old, a.function_id)
    found = old.list_dependencies(a.function_id)
    return ok({"dependencies": found}, function_id=a.function_id, dependency_count=len(found))


def remove_dependency(db: Any, a: EdgeArgs) -> dict[str, Any]:
    return ok(_checked(_old(db).remove_dependency(a.function_id, a.depends_on_id)))


def find_cycles(db: Any, a: NoArguments) -> dict[str, Any]:
    found = _old(db).find_cycles()
    return ok({"cycles": found}, cycle_count=len(found))


def detect_recursion(db: Any, a: FunctionId) -> dict[str, Any]:
    old = _old(db)
    _function(old, a.function_id)
    return ok(old.detect_recursion_in_function(a.function_id), function_id=a.function_id)


def visualize_dependencies(db: Any, a: DotArgs) -> dict[str, Any]:
    old = _old(db)
    old.visualize_dependencies(_new_file(a.file))
    result: dict[str, Any] = {"file": a.file, "written": True}
    if a.return_content:
        result["content"] = Path(a.file).read_text(encoding="utf-8")
    return ok(result)


DOCSTRING = re.compile(r'"""(.*?)"""|\'\'\'(.*?)\'\'\'', re.S)


def generate_function_doc(db: Any, a: DocArgs) -> dict[str, Any]:
    if a.format not in ("markdown", "json"):
        raise Failed("InvalidInput", f"unknown format {a.format!r}", "give markdown or json")
    old = _old(db)
    found = _function(old, a.function_id)
    docstring = next((m.group(1) or m.group(2) for m in DOCSTRING.finditer(found["code"])), None)
    latest: dict[str, str] = {}
    for result in old.get_test_results(a.function_id)[::-1]:  # newest last, so it stays
        latest[result["test_id"]] = result["status"]
    doc = {
        "name": found["name"],
        "docstring": (docstring or found["description"]).strip(),
        "code": found["code"],
        "modules": found["modules"],
        "tags": found["tags"],
        "tests": [
            {"name": t.name, "description": t.description, "latest_result": latest.get(t.test_id)}
            for t in db.tests.list(a.function_id)
        ],
        "modifications": old.list_modifications(a.function_id),
    }
    if a.format == "json":
        return ok({"doc": json.loads(json.dumps(doc, default=str))}, function_id=a.function_id, format="json")
    lines = [f"# {doc['name']}", "", doc["docstring"], "", "```", doc["code"].rstrip(), "```", ""]
    lines += [
        f"Modules: {', '.join(doc['modules']) or 'none'}",
        f"Tags: {', '.join(doc['tags']) or 'none'}",
        "",
    ]
    lines += ["## Tests", ""] + [f"- {t['name']}: {t['latest_result'] or 'not run'}" for t in doc["tests"]]
    lines += ["", "## History", ""] + [f"- {m['modifier']}: {m['description']}" for m in doc["modifications"]]
    return ok({"doc": "\n".join(lines) + "\n"}, function_id=a.function_id, format="markdown")


def list_code_db_commands(db: Any, a: NoArguments) -> dict[str, Any]:
    from ..cli.frame import command_names

    names = sorted(command_names())
    return ok({"commands": names}, command_count=len(names))


def _tool(name: str, description: str, arguments: type, call: Any, **hints: Any) -> Tool:
    return Tool(name, description, arguments, call, legacy=True, **hints)


WRITES = {"reads": False}
TOOLS = (
    _tool(
        "list_functions",
        "List the library's functions, optionally of one module or tag (a page with limit and offset).",
        ModuleTag,
        list_functions,
    ),
    _tool("get_function", "One function: id, name, description, code, modules, tags.", Id, get_function),
    _tool(
        "add_function",
        "Add a function (name, description, code; modules and tags optional); returns its id.",
        AddArgs,
        add_function,
        **WRITES,
    ),
    _tool(
        "modify_function",
        "Replace a function's code, recording who changed it and why.",
        ModifyArgs,
        modify_function,
        **WRITES,
        idempotent=True,
    ),
    _tool(
        "delete_function",
        "Delete a function with its tests, results and dependency edges.",
        FunctionId,
        delete_function,
        **WRITES,
        destructive=True,
        idempotent=True,
    ),
    _tool(
        "search_functions",
        "Functions whose name, description or code contains the query (any case).",
        Query,
        search_functions,
    ),
    _tool(
        "semantic_search",
        "The top_k functions nearest in meaning to the query (stored vectors; made by codedb embed).",
        SemanticQuery,
        semantic_search,
    ),
    _tool(
        "export_function",
        "Write a function with its tests to a new JSON file (never overwrites).",
        ExportArgs,
        export_function,
        **WRITES,
        files=True,
    ),
    _tool(
        "import_function",
        "Add a function from a JSON file written by export_function.",
        FileArgs,
        import_function,
        **WRITES,
        files=True,
    ),
    _tool(
        "coverage_report",
        "Per function: tests, passed, failed and coverage percent.",
        NoArguments,
        coverage_report,
    ),
    _tool("list_dependencies", "The ids a function depends on directly.", FunctionId, list_dependencies),
    _tool(
        "remove_dependency",
        "Forget that a function depends on another.",
        EdgeArgs,
        remove_dependency,
        **WRITES,
        destructive=True,
        idempotent=True,
    ),
    _tool("find_cycles", "Every dependency cycle, as lists of ids.", NoArguments, find_cycles),
    _tool(
        "detect_recursion",
        "Whether a function calls itself, and the dependency cycles it is on.",
        FunctionId,
        detect_recursion,
    ),
    _tool(
        "visualize_dependencies",
        "Write the dependency graph as Graphviz DOT to a new file.",
        DotArgs,
        visualize_dependencies,
        **WRITES,
        files=True,
    ),
    _tool(
        "generate_function_doc",
        "A function's documentation (markdown or json): code, docstring, tags, "
        "modules, tests with their latest result, history.",
        DocArgs,
        generate_function_doc,
    ),
    _tool(
        "list_code_db_commands", "The command-line commands codedb has.", NoArguments, list_code_db_commands
    ),
)
