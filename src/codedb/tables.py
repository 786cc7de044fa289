"""The registry of codedb's tables: each with its record class, in an order where a table
comes after every table it references (the order to load in). Each table has the queries
count_<table>, dump_<table> and load_<table> in sql/tables.sql."""

from typing import Any

from .records import (
    Function,
    FunctionDependency,
    FunctionModule,
    FunctionTag,
    Modification,
    Module,
    Tag,
    TestResult,
    UnitTest,
)

TABLES: dict[str, type] = {
    "function": Function,
    "module": Module,
    "tag": Tag,
    "function_modules": FunctionModule,
    "function_tags": FunctionTag,
    "function_dependencies": FunctionDependency,
    "unittest": UnitTest,
    "testresult": TestResult,
    "modification": Modification,
}


def table_query(db: Any, verb: str, table: str) -> Any:
    """The query `<verb>_<table>` of sql/tables.sql (verb: count, dump, clear or load)."""
    if table not in TABLES:
        raise KeyError(table)
    return getattr(db.queries.tables, f"{verb}_{table}")
