"""Functions (db.functions): add, get, modify, delete, list (sql/library/functions.sql),
with FunctionSearch's searches; Modifications (db.modifications): their change history."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ...core.convert import db_time, now, params, parse_time
from ...core.ids import new_id, resolve_prefix
from ...errors import Conflict, InvalidInput, NotFound
from .base import _PARSE, BULK_INDEX_AT, FUNCTION_HINT, _names, _page, _Part, caller_text, name_key
from .records import (
    Function,
    FunctionModule,
    FunctionSummary,
    FunctionTag,
    Modification,
    Module,
    Recursion,
    Tag,
)
from .search import FunctionSearch
from .signature import calls_itself, signature_of


def _function_of(item: Mapping[str, Any], stamp: datetime) -> Function:
    """One item of add_many as a Function, its fields checked (created `stamp` by default)."""
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("empty function name; give every function a name")
    code = caller_text(item.get("code", item.get("code_snippet", "")) or "", "code")
    created = parse_time(item["creation_date"]) if item.get("creation_date") else stamp
    modified = item.get("last_modified_date")
    return Function(
        function_id=item.get("function_id") or new_id(),
        name=caller_text(name, "name"),
        description=caller_text(item.get("description") or "", "description"),
        code_snippet=code,
        creation_date=created,
        last_modified_date=parse_time(modified) if modified else created,
        signature_json=item["signature_json"] if "signature_json" in item else signature_of(code),
    )


class Functions(FunctionSearch):
    """Functions of the library: add, get, modify, delete, list, search."""

    def resolve(self, function_id: str) -> str:
        """The full id of a function given its id or a unique prefix."""
        return resolve_prefix(
            "function",
            function_id,
            lambda v: self.sql.get_function(self.conn, function_id=v) is not None,
            lambda p: [row[0] for row in self.sql.find_function_ids(self.conn, prefix=p)],
            FUNCTION_HINT,
        )

    def get(self, function_id: str) -> Function:
        """One function by its full id; NotFound if there is none."""
        found = self.sql.get_function(self.conn, function_id=function_id)
        if found is None:
            raise NotFound(f"function {function_id} not found; {FUNCTION_HINT}")
        return found

    def find(self, function_id: str) -> Function | None:
        """One function by its full id, or None."""
        return self.sql.get_function(self.conn, function_id=function_id)

    def get_summary(self, function_id: str) -> FunctionSummary:
        """One function with its modules and tags."""
        found = self.sql.get_function_summary(self.conn, function_id=function_id)
        if found is None:
            raise NotFound(f"function {function_id} not found; {FUNCTION_HINT}")
        return found

    def ids(self) -> set[str]:
        """The ids of every function (without reading their code)."""
        return {row[0] for row in self.sql.list_function_ids(self.conn)}

    def names(self) -> dict[str, str]:
        """Every function's id -> name (without reading their code)."""
        return dict(self.sql.list_function_names(self.conn))

    def named(self, name: str) -> builtins.list[str]:
        """The ids of the functions called `name`, ignoring case and blanks around it."""
        key = name_key(caller_text(name, "name"))
        return [fid for fid, other in self.names().items() if name_key(other) == key]

    def recursion(self, function_id: str) -> Recursion:
        """Whether a function calls itself in its code, and the dependency cycles it is on."""
        function = self.get(function_id)
        cycles = [c for c in self.db.dependencies.elementary_cycles() if function_id in c]
        return Recursion(function_id, calls_itself(function.name, function.code_snippet), tuple(cycles))

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
        code = caller_text(code or "", "code")
        stamp = parse_time(creation_date) if creation_date else now()
        function = Function(
            function_id=function_id or new_id(),
            name=caller_text(name, "name"),
            description=caller_text(description or "", "description"),
            code_snippet=code,
            creation_date=stamp,
            last_modified_date=stamp,
            signature_json=signature_of(code) if signature_json is _PARSE else signature_json,  # type: ignore[arg-type]
        )
        module_names, tag_names = _names(modules, "module"), _names(tags, "tag")
        links_first = self.db.dialect == "postgresql"
        with self.db.transaction():
            if links_first:
                self._link_first(function.function_id, module_names, tag_names)
            if self.sql.load_function(self.conn, [params(function)]) == 0:
                raise Conflict(f"function {function.function_id} exists already; give another id or none")
            if not links_first:
                self._link(function.function_id, module_names, tag_names)
        return function

    def _link_first(self, function_id: str, modules: Sequence[str], tags: Sequence[str]) -> None:
        """A new function's links, written before the function (its references checked at
        commit), so that the search index reads the function with its links once instead of
        once per link. PostgreSQL's index computes a function's document at each link (2.4
        against 5.7 ms per add with a module and two tags); SQLite's FTS5 is quicker with the
        function first (0.78 against 1.62 ms: deferred references cost it more than the
        index), and `add` writes it so there (issue #26)."""
        if modules or tags:
            self.db.queries.core.defer_references(self.conn)
            self._link(function_id, modules, tags)

    def add_many(self, functions: Iterable[Mapping[str, Any]]) -> builtins.list[str]:
        """Add many functions in one transaction with executemany; return their ids.

        Each item has `name` and optionally `description`, `code`, `modules`, `tags`,
        `function_id`, `creation_date`, `signature_json` (parsed from the code when absent).
        """
        stamp = now()
        rows: builtins.list[dict[str, Any]] = []
        modules: dict[str, Module] = {}
        tags: dict[str, Tag] = {}
        module_links: builtins.list[dict[str, Any]] = []
        tag_links: builtins.list[dict[str, Any]] = []
        labelled: builtins.list[tuple[Function, builtins.list[str], builtins.list[str]]] = []
        for item in functions:
            function = _function_of(item, stamp)
            rows.append(params(function))
            fid = function.function_id
            module_names, tag_names = _names(item.get("modules"), "module"), _names(item.get("tags"), "tag")
            for module in module_names:
                if module not in modules:  # not setdefault: it would make an id every time
                    modules[module] = Module(module, new_id())
                module_links.append(params(FunctionModule(fid, module)))
            for tag in tag_names:
                if tag not in tags:
                    tags[tag] = Tag(tag)
                tag_links.append(params(FunctionTag(fid, tag)))
            labelled.append((function, tag_names, module_names))
        bulk = len(rows) >= BULK_INDEX_AT
        with self.db.transaction():
            if bulk:  # the indexes' insert triggers wait; one statement each indexes the lot
                self._pause_indexing()
                self._load_functions(rows)
            elif modules or tags:  # links first (see _link_first): each function indexed once
                self.db.queries.core.defer_references(self.conn)
            if modules:
                self.sql.load_module(self.conn, [params(m) for m in modules.values()])
                self.sql.load_function_modules(self.conn, module_links)
            if tags:
                self.sql.load_tag(self.conn, [params(t) for t in tags.values()])
                self.sql.load_function_tags(self.conn, tag_links)
            if bulk:
                self._index_added(labelled)
                self._resume_indexing()
            else:
                self._load_functions(rows)
        return [row["function_id"] for row in rows]

    def _load_functions(self, rows: builtins.list[dict[str, Any]]) -> None:
        if self.sql.load_function(self.conn, rows) != len(rows):
            raise Conflict("some of the functions exist already (same ids); give other ids or none")

    def _link(self, function_id: str, modules: Sequence[str], tags: Sequence[str]) -> None:
        if modules:
            self.sql.load_module(self.conn, [params(Module(m, new_id())) for m in modules])
            links = [params(FunctionModule(function_id, m)) for m in modules]
            self.sql.load_function_modules(self.conn, links)
        if tags:
            self.sql.load_tag(self.conn, [params(Tag(t)) for t in tags])
            self.sql.load_function_tags(self.conn, [params(FunctionTag(function_id, t)) for t in tags])

    def add_links(
        self, function_id: str, modules: Iterable[str] = (), tags: Iterable[str] = ()
    ) -> FunctionSummary:
        """Put a function in more modules and give it more tags; stamps its modification time."""
        module_names, tag_names = _names(modules, "module"), _names(tags, "tag")
        with self.db.transaction():
            self.get(function_id)
            self._link(function_id, module_names, tag_names)
            self.sql.touch_function(self.conn, function_id=function_id, last_modified_date=db_time(now()))
        return self.get_summary(function_id)

    def modify(self, function_id: str, modifier: str, description: str, code: str) -> Function:
        """Replace a function's code: updates its signature and modification time and records
        the change (who, when, why) in its history, in one transaction."""
        if not isinstance(modifier, str) or not modifier.strip():
            raise InvalidInput("empty modifier; say who made the change with --modifier")
        code = caller_text(code or "", "code")
        change = Modification(
            new_id(),
            function_id,
            caller_text(modifier, "modifier"),
            now(),
            caller_text(description or "", "description"),
        )
        with self.db.transaction():
            self.get(function_id)
            self.sql.update_function_code(
                self.conn,
                function_id=function_id,
                code_snippet=code,
                signature_json=signature_of(code),
                last_modified_date=db_time(change.modification_date),
            )
            self.sql.load_modification(self.conn, [params(change)])
            return self.get(function_id)

    def delete(self, function_id: str) -> None:
        """Delete a function with its links, tests, results, dependencies and history."""
        with self.db.transaction():
            if self.sql.delete_function(self.conn, function_id=function_id) == 0:
                raise NotFound(f"function {function_id} not found; {FUNCTION_HINT}")

    def list(
        self,
        module: str | None = None,
        tag: str | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[FunctionSummary]:
        """Functions with their modules and tags (by name), optionally only those in `module`
        and/or with `tag`; `limit` and `offset` give one page."""
        page = _page(limit, offset)
        if module is not None and tag is not None:
            return self.sql.list_functions_by_module_and_tag(self.conn, module=module, tag=tag, **page)
        if module is not None:
            return self.sql.list_functions_by_module(self.conn, module=module, **page)
        if tag is not None:
            return self.sql.list_functions_by_tag(self.conn, tag=tag, **page)
        return self.sql.list_functions(self.conn, **page)

    def count(self) -> int:
        return int(self.sql.count_function(self.conn))


class Modifications(_Part):
    """The change history of functions."""

    def list(self, function_id: str) -> builtins.list[Modification]:
        """A function's changes, oldest first."""
        self.db.functions.get(function_id)
        return self.sql.list_modifications(self.conn, function_id=function_id)
