"""The JSON files of export-function / export-module and their imports, in the old tool's
field names: function_id, name, description, code_snippet, creation_date, last_modified_date,
modules, tags, unit_tests."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.convert import now, parse_time, to_dict
from ...core.files import read_text
from ...core.ids import new_id
from ...errors import InvalidInput
from ...transfer.dump import load
from .api import check_text
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
        return check_text(value, f"{where}: field {key!r}")
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
