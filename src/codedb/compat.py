"""The old code_db tool's module-level functions, so that its scripts run by changing one
import (`import code_db` -> `from codedb import compat as code_db`).

The database is resolved as the CLI does ($CODEDB_URL, else ./code_db.sqlite), created and
migrated on first use as the old tool did, and kept open, one connection per process.
Functions return plain dicts and lists, as the old tool did.
"""

import os
from datetime import datetime
from typing import Any

from .core.db import Database, connect
from .domains.library.records import FunctionSummary
from .errors import NotFound
from .schema.migrations import migrate

_db: Database | None = None
_pid: int | None = None


def database() -> Database:
    """The process's database, opened (and created and migrated) on first use."""
    global _db, _pid
    if _db is None or _pid != os.getpid():  # a forked child must not share its parent's connection
        _db = connect(None, create=True)
        migrate(_db)
        _pid = os.getpid()
    return _db


def close() -> None:
    """Close the process's database (the next call opens it again)."""
    global _db
    if _db is not None and _pid == os.getpid():
        _db.close()
    _db = None


def _function_dict(summary: FunctionSummary) -> dict[str, Any]:
    return {
        "function_id": summary.function_id,
        "name": summary.name,
        "description": summary.description,
        "code": summary.code_snippet,
        "creation_date": summary.creation_date,
        "last_modified_date": summary.last_modified_date,
        "modules": list(summary.modules),
        "tags": list(summary.tags),
    }


def add_function(
    name: str, description: str, code: str, modules: list[str] | None = None, tags: list[str] | None = None
) -> str:
    """Add a function; return its id."""
    return database().functions.add(name, description, code, modules or [], tags or []).function_id


def get_function(function_id: str) -> dict[str, Any] | None:
    """A function with its modules, tags, signature and unit tests, or None."""
    db = database()
    try:
        summary = db.functions.get_summary(function_id)
    except NotFound:
        return None
    result = _function_dict(summary)
    result["signature"] = db.functions.get(function_id).signature
    result["unit_tests"] = [
        {"test_id": t.test_id, "name": t.name, "description": t.description, "test_case": t.test_case}
        for t in db.tests.list(function_id)
    ]
    return result


def modify_function(function_id: str, modifier: str, description: str, code: str) -> bool:
    """Replace a function's code and record the change."""
    database().functions.modify(function_id, modifier, description, code)
    return True


def delete_function(function_id: str) -> bool:
    """Delete a function and what belongs to it."""
    database().functions.delete(function_id)
    return True


def list_functions(module: str | None = None, tag: str | None = None) -> list[dict[str, Any]]:
    """Functions, optionally only those in `module` and/or with `tag`."""
    return [_function_dict(s) for s in database().functions.list(module=module, tag=tag)]


def search_functions(
    query: str,
    created_after: datetime | str | None = None,
    modified_after: datetime | str | None = None,
    test_status: str | None = None,
) -> list[dict[str, Any]]:
    """Functions whose name, description or code contains `query`."""
    found = database().functions.search(
        query, created_after=created_after, modified_after=modified_after, test_status=test_status
    )
    return [_function_dict(s) for s in found]


def add_test(function_id: str, name: str, description: str, test_case: str) -> str:
    """Add a unit test to a function; return its id."""
    return database().tests.add(function_id, name, description, test_case).test_id


def record_test_result(test_id: str, status: str, actual_result: str | None = None) -> str:
    """Record a test's outcome (passed, failed, pending, running); return the result's id."""
    return database().tests.record_result(test_id, status, actual_result).result_id


def get_test_results(function_id: str | None = None) -> list[dict[str, Any]]:
    """Test results, newest first: all, or a function's."""
    return [
        {
            "result_id": r.result_id,
            "test_id": r.test_id,
            "function_id": r.function_id,
            "execution_date": r.execution_date,
            "actual_result": r.actual_result,
            "status": r.status,
        }
        for r in database().tests.results(function_id)
    ]


def add_dependency(function_id: str, depends_on_id: str) -> bool:
    """Record that a function depends on another (cycles are refused)."""
    database().dependencies.add(function_id, depends_on_id)
    return True


def list_dependencies(function_id: str, transitive: bool = False) -> list[dict[str, Any]]:
    """What a function depends on: {function_id, name, depth} dicts."""
    return [
        {"function_id": d.function_id, "name": d.name, "depth": d.depth}
        for d in database().dependencies.list(function_id, transitive=transitive)
    ]


def list_modules() -> list[str]:
    """The names of all modules."""
    return [m.name for m in database().modules.list()]


def add_function_to_module(function_id: str, module: str) -> bool:
    """Put a function in a module, creating the module if needed."""
    database().modules.add_function(function_id, module)
    return True


def list_tags() -> list[str]:
    """All tags."""
    return [t.name for t in database().tags.list()]


def add_tag(function_id: str, tag: str) -> bool:
    """Tag a function."""
    database().tags.add(function_id, tag)
    return True


def list_modifications(function_id: str) -> list[dict[str, Any]]:
    """A function's change history, oldest first."""
    return [
        {
            "modification_id": m.modification_id,
            "function_id": m.function_id,
            "modifier": m.modifier,
            "modification_date": m.modification_date,
            "description": m.description,
        }
        for m in database().modifications.list(function_id)
    ]


def get_coverage_report() -> list[dict[str, Any]]:
    """Per function: total tests, passed, failed and coverage percent."""
    return [
        {
            "function_id": c.function_id,
            "name": c.name,
            "total_tests": c.tests,
            "passed": c.passed,
            "failed": c.failed,
            "coverage": c.coverage_percent,
        }
        for c in database().tests.coverage()
    ]
