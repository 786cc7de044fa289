"""Modules and tags (db.modules, db.tags): the labels of functions (sql/library/modules.sql,
tags.sql)."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins

from ...errors import NotFound
from .base import _Part
from .records import (
    FunctionSummary,
    Module,
    ModuleCount,
    TagCount,
)


class Modules(_Part):
    """Modules: named groups of functions."""

    def list(self) -> builtins.list[ModuleCount]:
        """Every module with its number of functions."""
        return self.sql.list_modules(self.conn)

    def get(self, name: str) -> Module:
        """One module by name; NotFound if there is none."""
        found = self.sql.get_module(self.conn, name=name)
        if found is None:
            raise NotFound(f"module {name} not found; list modules with 'codedb list-modules'")
        return found

    def function_ids(self, name: str) -> builtins.list[str]:
        """The ids of the functions in a module."""
        return [row[0] for row in self.sql.list_function_ids_in_module(self.conn, module_name=name)]

    def add_function(self, function_id: str, module: str) -> FunctionSummary:
        """Put a function in a module, creating the module if it does not exist."""
        return self.db.functions.add_links(function_id, modules=[module])


class Tags(_Part):
    """Tags: free labels on functions."""

    def list(self) -> builtins.list[TagCount]:
        """Every tag with its number of functions."""
        return self.sql.list_tags(self.conn)

    def add(self, function_id: str, tag: str) -> FunctionSummary:
        """Tag a function."""
        return self.db.functions.add_links(function_id, tags=[tag])
