"""The JSON files of export-function / export-module and their imports, in the old tool's
field names: function_id, name, description, code_snippet, creation_date, last_modified_date,
modules, tags, unit_tests."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .db import Database
from .errors import InvalidInput, NotFound
from .library import new_id, signature_of
from .records import db_time, now, parse_time
from .transfer import load

_REQUIRED = ("function_id", "name")


def function_document(db: Database, function_id: str) -> dict[str, Any]:
    """A function with its modules, tags and unit tests, as the old tool exported it."""
    summary = db.functions.get_summary(function_id)
    return {
        "function_id": summary.function_id,
        "name": summary.name,
        "description": summary.description,
        "code_snippet": summary.code_snippet,
        "creation_date": summary.creation_date.isoformat(timespec="microseconds"),
        "last_modified_date": summary.last_modified_date.isoformat(timespec="microseconds"),
        "modules": list(summary.modules),
        "tags": list(summary.tags),
        "unit_tests": [
            {"test_id": t.test_id, "name": t.name, "description": t.description, "test_case": t.test_case}
            for t in db.tests.list(function_id)
        ],
    }


def module_document(db: Database, module: str) -> dict[str, Any]:
    """A module with every function in it."""
    row = db.queries.modules.get_module(db.conn, name=module)
    if row is None:
        raise NotFound(f"module {module} not found; list modules with 'codedb list-modules'")
    ids = [r[0] for r in db.queries.modules.list_function_ids_in_module(db.conn, module_name=module)]
    return {
        "module": row[0],
        "module_id": row[1],
        "functions": [function_document(db, fid) for fid in ids],
    }


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning every failure into one InvalidInput naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"file {path} does not exist; give the path of a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"file {path} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "give a file written by 'codedb export-function' or 'export-module'"
        ) from None


def _text(doc: dict[str, Any], key: str, where: str, default: str | None = "") -> Any:
    value = doc.get(key, default)
    if value is None and default is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: field {key!r} must be text, not {type(value).__name__}")
    return value


def _texts(doc: dict[str, Any], key: str, where: str) -> list[str]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(f"{where}: field {key!r} must be a list of non-empty texts")
    return value


def _rows(doc: Any, where: str) -> dict[str, list[dict[str, Any]]]:
    """The table rows of one function document, validated."""
    if not isinstance(doc, dict):
        raise InvalidInput(f"{where}: expected a JSON object with the fields of a function")
    for key in _REQUIRED:
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise InvalidInput(f"{where}: field {key!r} is missing or empty")
    fid = doc["function_id"]
    code = _text(doc, "code_snippet", where)
    created = parse_time(_text(doc, "creation_date", where) or now())
    modified = parse_time(_text(doc, "last_modified_date", where) or created)
    tests = doc.get("unit_tests") or []
    if not isinstance(tests, list):
        raise InvalidInput(f"{where}: field 'unit_tests' must be a list")
    rows: dict[str, list[dict[str, Any]]] = {
        "function": [
            {
                "function_id": fid,
                "name": doc["name"],
                "description": _text(doc, "description", where),
                "code_snippet": code,
                "creation_date": db_time(created),
                "last_modified_date": db_time(modified),
                "signature_json": signature_of(code),
            }
        ],
        "module": [],
        "tag": [],
        "function_modules": [],
        "function_tags": [],
        "unittest": [],
    }
    for module in _texts(doc, "modules", where):
        rows["module"].append({"name": module, "module_id": new_id()})
        rows["function_modules"].append({"function_id": fid, "module_name": module})
    for tag in _texts(doc, "tags", where):
        rows["tag"].append({"name": tag})
        rows["function_tags"].append({"function_id": fid, "tag": tag})
    for index, test in enumerate(tests):
        here = f"{where}, unit test {index + 1}"
        if not isinstance(test, dict) or not isinstance(test.get("name"), str):
            raise InvalidInput(f"{here}: expected an object with at least a 'name'")
        rows["unittest"].append(
            {
                "test_id": _text(test, "test_id", here) or new_id(),
                "function_id": fid,
                "name": test["name"],
                "description": _text(test, "description", here),
                "test_case": _text(test, "test_case", here),
            }
        )
    return rows


def import_documents(
    db: Database, docs: Iterable[Any], source: str, modules: list[dict[str, Any]] | None = None
) -> dict[str, int]:
    """Import function documents in one transaction, keyed on their ids: a function, test or
    link that exists already is left as it is. `modules` are module rows to create first (with
    their own ids). Returns the rows added per table."""
    batches: dict[str, list[dict[str, Any]]] = {"module": list(modules or [])}
    for index, doc in enumerate(docs):
        for table, rows in _rows(doc, f"{source}: function {index + 1}").items():
            batches.setdefault(table, []).extend(rows)
    with db.transaction():
        return load(db, batches)


def import_file(db: Database, path: str | Path) -> dict[str, int]:
    """Import a file written by export-function (one function) or export-module (a module)."""
    data = read_json(path)
    if isinstance(data, dict) and "functions" in data:
        if not isinstance(data["functions"], list):
            raise InvalidInput(f"{path}: field 'functions' must be a list of functions")
        modules = []
        if "module" in data or "module_id" in data:  # written by export-module: keep the module's id
            module = {"name": data.get("module"), "module_id": data.get("module_id")}
            if not all(isinstance(v, str) and v for v in module.values()):
                raise InvalidInput(f"{path}: fields 'module' and 'module_id' must be non-empty texts")
            modules.append(module)
        return import_documents(db, data["functions"], str(path), modules)
    return import_documents(db, [data], str(path))
