"""The files of the function library: the JSON of export-function / export-module and their
imports, in the old tool's field names (function_id, name, description, code_snippet,
creation_date, last_modified_date, modules, tags, unit_tests), imports as copies with new ids
(the old tool's import, refusing or skipping names that exist), and a module as one Julia
source file (generate-module-file)."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ...core.convert import now, parse_time, to_dict
from ...core.files import read_text
from ...core.ids import new_id
from ...errors import Conflict, InvalidInput
from ...transfer.dump import load
from .base import caller_text, name_key
from .records import Function, FunctionModule, FunctionTag, Module, Tag, UnitTest, parse_signature
from .signature import signature_of

if TYPE_CHECKING:
    from ...core.db import Database

_REQUIRED = ("function_id", "name")


_FUNCTION_FIELDS = (
    "function_id",
    "name",
    "description",
    "code_snippet",
    "creation_date",
    "last_modified_date",
)


def function_document(db: "Database", function_id: str, *, signature: bool = False) -> dict[str, Any]:
    """A function with its modules, tags and unit tests, as the old tool exported it (with
    `signature`, also its parsed signature, as show-function prints it)."""
    summary = to_dict(db.functions.get_summary(function_id))
    doc = {key: summary[key] for key in _FUNCTION_FIELDS}
    doc["modules"], doc["tags"] = summary["modules"], summary["tags"]
    doc["unit_tests"] = [
        {key: test[key] for key in ("test_id", "name", "description", "test_case")}
        for test in map(to_dict, db.tests.list(function_id))
    ]
    if signature:
        doc["signature"] = parse_signature(summary["signature_json"])
    return doc


def module_document(db: "Database", module: str) -> dict[str, Any]:
    """A module with every function in it."""
    found = db.modules.get(module)
    return {
        "module": found.name,
        "module_id": found.module_id,
        "functions": [function_document(db, fid) for fid in db.modules.function_ids(module)],
    }


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning every failure into one InvalidInput naming the file."""
    text = read_text(path, "file", "give the path of a JSON file")
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidInput(f"file {path} nests JSON too deeply; give a file written by codedb") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"file {path} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "give a file written by 'codedb export-function' or 'export-module'"
        ) from None


def _text(doc: dict[str, Any], key: str, where: str, default: str = "") -> str:
    value = doc.get(key, default)
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: field {key!r} must be text, not {type(value).__name__}")
    try:
        return caller_text(value, f"{where}: field {key!r}")
    except InvalidInput as exc:
        raise InvalidInput(str(exc)) from None


def _texts(doc: dict[str, Any], key: str, where: str) -> list[str]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInput(f"{where}: field {key!r} must be a list of non-empty texts")
    return [_text({key: v}, key, where) for v in value]


def _records(doc: Any, where: str) -> dict[str, list[Any]]:
    """The records of one function document, validated."""
    if not isinstance(doc, dict):
        raise InvalidInput(f"{where}: expected a JSON object with the fields of a function")
    for key in _REQUIRED:
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise InvalidInput(f"{where}: field {key!r} is missing or empty")
    fid = _text(doc, "function_id", where)
    code = _text(doc, "code_snippet", where)
    created = parse_time(_text(doc, "creation_date", where) or now())
    modified = parse_time(_text(doc, "last_modified_date", where) or created)
    tests = doc.get("unit_tests") or []
    if not isinstance(tests, list):
        raise InvalidInput(f"{where}: field 'unit_tests' must be a list")
    modules, tags = _texts(doc, "modules", where), _texts(doc, "tags", where)
    found: dict[str, list[Any]] = {
        "function": [
            Function(
                fid,
                _text(doc, "name", where),
                _text(doc, "description", where),
                code,
                created,
                modified,
                signature_of(code),
            )
        ],
        "module": [Module(name, new_id()) for name in modules],
        "tag": [Tag(name) for name in tags],
        "function_modules": [FunctionModule(fid, name) for name in modules],
        "function_tags": [FunctionTag(fid, name) for name in tags],
        "unittest": [],
    }
    for index, test in enumerate(tests):
        here = f"{where}, unit test {index + 1}"
        if not isinstance(test, dict) or not isinstance(test.get("name"), str):
            raise InvalidInput(f"{here}: expected an object with at least a 'name'")
        found["unittest"].append(
            UnitTest(
                _text(test, "test_id", here) or new_id(),
                fid,
                _text(test, "name", here),
                _text(test, "description", here),
                _text(test, "test_case", here),
            )
        )
    return found


def import_documents(
    db: "Database", docs: Iterable[Any], source: str, modules: list[Module] | None = None
) -> dict[str, int]:
    """Import function documents in one transaction, keyed on their ids: a function, test or
    link that exists already is left as it is. `modules` are modules to create first (with
    their own ids). Returns the rows added per table."""
    batches: dict[str, list[Any]] = {"module": list(modules or [])}
    for index, doc in enumerate(docs):
        for table, rows in _records(doc, f"{source}: function {index + 1}").items():
            batches.setdefault(table, []).extend(rows)
    with db.transaction():
        return load(db, batches)


def import_file(db: "Database", path: str | Path) -> dict[str, int]:
    """Import a file written by export-function (one function) or export-module (a module)."""
    data = read_json(path)
    if isinstance(data, dict) and "functions" in data:
        if not isinstance(data["functions"], list):
            raise InvalidInput(f"{path}: field 'functions' must be a list of functions")
        modules = []
        if "module" in data or "module_id" in data:  # written by export-module: keep the module's id
            name, module_id = data.get("module"), data.get("module_id")
            if not all(isinstance(v, str) and v.strip() for v in (name, module_id)):
                raise InvalidInput(f"{path}: fields 'module' and 'module_id' must be non-empty texts")
            modules.append(Module(str(name), str(module_id)))
        return import_documents(db, data["functions"], str(path), modules)
    return import_documents(db, [data], str(path))


class NameCollision(Conflict):
    """An imported copy has the name of a function or module that exists (ignoring case)."""

    def __init__(self, kind: str, name: str, existing: str, message: str):
        super().__init__(message)
        self.kind, self.name, self.existing = kind, name, existing


@attrs.frozen
class CopiedImport:
    """What `import_copies` did: the new ids, and the names it left because they exist."""

    function_ids: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    module_skipped: str | None = None


def import_copies(db: "Database", path: str | Path, *, skip_same_names: bool = False) -> CopiedImport:
    """Import a function or module file as copies, as the old tool did: new ids for the
    functions and their tests, in one transaction. A function (or, for a module file, a
    module) whose name exists already, ignoring case and blanks, refuses the whole import
    (NameCollision), or with `skip_same_names` is left out. (Over 60 lines: the old tool's
    import, step by step, in one transaction.)"""
    data = read_json(path)
    module_name = None
    docs: Any = [data]
    if isinstance(data, dict) and "functions" in data:
        docs, module_name = data["functions"], data.get("module_name", data.get("module"))
        if not isinstance(docs, list):
            raise InvalidInput(f"{path}: field 'functions' must be a list of functions")
        if module_name is not None and (not isinstance(module_name, str) or not module_name.strip()):
            raise InvalidInput(f"{path}: field 'module_name' must be a non-empty text")
    with db.transaction():
        if module_name is not None:
            clash = [m.name for m in db.modules.list() if name_key(m.name) == name_key(module_name)]
            if clash and skip_same_names:
                return CopiedImport((), (), module_name)
            if clash:
                raise NameCollision(
                    "module",
                    module_name,
                    clash[0],
                    f"{path}: module {clash[0]!r} exists already; rename the module in the file, "
                    "or skip it (--skip-same-names)",
                )
        taken = {name_key(name): fid for fid, name in db.functions.names().items()}
        copies, skipped = [], []
        for index, doc in enumerate(docs):
            where = f"{path}: function {index + 1}"
            if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or not doc["name"].strip():
                raise InvalidInput(f"{where}: expected a JSON object with a non-empty 'name'")
            key = name_key(doc["name"])
            if key in taken and skip_same_names:
                skipped.append(doc["name"])
                continue
            if key in taken:
                raise NameCollision(
                    "function",
                    doc["name"],
                    taken[key],
                    f"{where}: a function named {doc['name']!r} exists already ({taken[key]}); rename "
                    "it in the file, or skip it (--skip-same-names)",
                )
            fid = new_id()
            taken[key] = fid
            tests = doc.get("unit_tests") or []
            copy = {**doc, "function_id": fid}
            if isinstance(tests, list):
                copy["unit_tests"] = [{**t, "test_id": new_id()} if isinstance(t, dict) else t for t in tests]
            if module_name is not None:
                modules = doc.get("modules") or []
                copy["modules"] = [*modules, module_name] if isinstance(modules, list) else modules
            copies.append(copy)
        batches: dict[str, list[Any]] = {}
        for index, copy in enumerate(copies):
            for table, rows in _records(copy, f"{path}: function {index + 1}").items():
                batches.setdefault(table, []).extend(rows)
        load(db, batches)
    return CopiedImport(tuple(c["function_id"] for c in copies), tuple(skipped))


def module_source(db: "Database", module: str, *, with_tests: bool = False) -> str:
    """A module's functions as one Julia source file: `module NAME`, each function's name,
    description and code (with `with_tests`, its tests after it), `end # module NAME`."""
    db.modules.get(module)
    functions = db.functions.list(module=module)
    if not functions:
        raise InvalidInput(
            f"module {module} has no functions; put some in it with 'codedb add-function-to-module'"
        )
    lines = [f"module {module}", ""]
    for function in functions:
        lines += [f"# Function: {function.name}", *_comment("Description: " + function.description)]
        lines += [function.code_snippet.rstrip("\n"), ""]
        for test in db.tests.list(function.function_id) if with_tests else ():
            lines += [f"# Test: {test.name}", *_comment(test.description), test.test_case.rstrip("\n"), ""]
    lines.append(f"end # module {module}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> list[str]:
    return [f"# {line}".rstrip() for line in (text.splitlines() or [""])]
