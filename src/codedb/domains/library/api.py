"""The function library's Python API: one class per part, reached as attributes of a Database
(db.functions, db.modules, db.tags, db.dependencies, db.tests, db.modifications).

Each method is one named query of sql/library/, or a few inside one transaction."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import attrs

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import check_text, db_time, like_pattern, now, params, parse_time, query_time
from ...core.ids import new_id, resolve_prefix
from ...core.textsearch import (
    SEARCH_CANDIDATES,
    SearchHit,
    TextQuery,
    index_text,
    marked_inside,
    parse,
    snippet,
)
from ...errors import Conflict, InvalidInput, NotFound
from .records import (
    TEST_STATUSES,
    CoverageEntry,
    DependencyEntry,
    Function,
    FunctionDependency,
    FunctionHit,
    FunctionModule,
    FunctionSummary,
    FunctionTag,
    Modification,
    Module,
    ModuleCount,
    Recursion,
    Tag,
    TagCount,
    TestResult,
    UnitTest,
)
from .signature import calls_itself, signature_of

T = TypeVar("T")
_PARSE = object()  # add(): parse the signature from the code
MAX_SEARCH = 10_000
# add_many indexes this many functions or more itself, its insert triggers set aside (migration
# 0017); fewer are indexed by the triggers (setting them aside changes SQLite's schema, which
# makes every other connection read the schema again).
BULK_INDEX_AT = 100
# The newest functions whose name matches that a ranked search ranks besides its newest
# SEARCH_CANDIDATES matches: enough to fill a page with the best names, a quarter of the time.
NAME_CANDIDATES = 500
REINDEX_BATCH = 5_000  # functions read and indexed at a time by reindex
MAX_CYCLES = 10_000  # elementary cycles can be exponentially many: list at most this many
FUNCTION_HINT = "list ids with 'codedb list-functions'"
TEST_HINT = "list a function's tests with 'codedb show-function --function-id ID'"


def check_status(status: str) -> str:
    value = status.strip().lower() if isinstance(status, str) else status
    if value not in TEST_STATUSES:
        raise InvalidInput(f"invalid status {status!r}; use one of {', '.join(TEST_STATUSES)}")
    return value


def caller_text(value: Any, what: str) -> str:
    """A text field from a caller (see core.convert.check_text), else InvalidInput naming it."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, not {type(value).__name__}")
    return check_text(value, what)


def _names(values: Iterable[str] | None, what: str) -> builtins.list[str]:
    """Module or tag names, stripped and without repeats; an empty name is refused."""
    if isinstance(values, str):
        values = [values]
    names: list[str] = []
    for value in values or ():
        name = caller_text(value, f"{what} name").strip()
        if not name:
            raise InvalidInput(f"empty {what} name; give a non-empty {what}")
        if name not in names:
            names.append(name)
    return names


def name_key(name: str) -> str:
    """A name as the old tool compared names: blanks around it and case ignored."""
    return name.strip().casefold()


def _page(limit: int | None, offset: int | None) -> dict[str, int]:
    for value, option in ((limit, "limit"), (offset, "offset")):
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidInput(f"--{option} must be a whole number of 0 or more")
    return {"limit": NO_LIMIT if limit is None else limit, "offset": offset or 0}


def _snippet_texts(hit: FunctionHit) -> tuple[str, ...]:
    """Where a hit's snippet comes from, in order: its description, code, labels, name."""
    return (hit.description, hit.code_snippet, " ".join(hit.tags + hit.modules), hit.name)


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


def _renamed(old: str, new: str) -> None:
    warnings.warn(
        f"db.functions.{old} is now db.functions.{new}; {old} will go in a later release",
        DeprecationWarning,
        stacklevel=4,  # the caller's line: past this function, the alias and the API's guard
    )


class _Part(DomainAPI):
    """A part of the function library's API, bound to one open database."""


class Functions(_Part):
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
                self.sql.index_added_functions(
                    self.conn,
                    [
                        self._search_entry(None, f.function_id, f.name, " ".join([*sorted(t), *sorted(m)]),
                                           f.description, f.code_snippet)
                        for f, t, m in labelled
                    ],
                )  # fmt: skip
                if self.db.dialect == "sqlite":
                    names = [{"function_id": row["function_id"], "name": row["name"]} for row in rows]
                    self.sql.index_added_names(self.conn, names)
                self._resume_indexing()
            else:
                self._load_functions(rows)
        return [row["function_id"] for row in rows]

    def _load_functions(self, rows: builtins.list[dict[str, Any]]) -> None:
        if self.sql.load_function(self.conn, rows) != len(rows):
            raise Conflict("some of the functions exist already (same ids); give other ids or none")

    def _pause_indexing(self) -> None:
        """Set the indexes' insert triggers aside for the rest of this transaction (migration
        0017; SQLite's trigram index of names too, migration 0025)."""
        q, conn = self.sql, self.conn
        q.pause_function_search_trigger(conn)
        q.pause_function_tags_search_trigger(conn)
        q.pause_function_modules_search_trigger(conn)
        if self.db.dialect == "sqlite":
            q.pause_function_name_trigrams_trigger(conn)

    def _resume_indexing(self) -> None:
        """Put the triggers _pause_indexing set aside back, as their migrations made them."""
        q, conn = self.sql, self.conn
        q.resume_function_search_trigger(conn)
        q.resume_function_tags_search_trigger(conn)
        q.resume_function_modules_search_trigger(conn)
        if self.db.dialect == "sqlite":
            q.resume_function_name_trigrams_trigger(conn)

    def _search_entry(
        self, rowid: int | None, function_id: str, name: str, labels: str, description: str, code: str
    ) -> dict[str, Any]:
        """What index_added_functions takes for a function (its SQLite rowid when known): on
        SQLite its texts as the index's triggers make them (labels: its tags then its modules,
        each in name order, as the triggers read them from their keys); PostgreSQL reads the
        function itself."""
        if self.db.dialect != "sqlite":
            return {"function_id": function_id}
        return {
            "rowid": rowid,
            "function_id": function_id,
            "name": index_text(name),
            "labels": index_text(labels),
            "description": index_text(description),
            "code": index_text(code),
        }

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

    def search_substring(
        self,
        query: str = "",
        *,
        created_after: datetime | str | None = None,
        modified_after: datetime | str | None = None,
        test_status: str | None = None,
        module: str | None = None,
        tag: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[FunctionSummary]:
        """Functions whose name, description or code contains `query` (ignoring case), created
        or modified after the given times, whose latest test result has `test_status`, in
        `module`, with `tag`, by name (the old tool's search; search_ranked ranks)."""
        if isinstance(query, str) and len(query) > MAX_SEARCH:  # SQLite's LIKE stops at 50,000 bytes
            raise InvalidInput(f"search text of {len(query):,} characters; give at most {MAX_SEARCH:,}")
        return self.sql.search_functions(
            self.conn,
            pattern=like_pattern(caller_text(query or "", "search text")),
            created_after=query_time(created_after or None),
            modified_after=query_time(modified_after or None),
            test_status=check_status(test_status) if test_status else None,
            module=module,
            tag=tag,
            **_page(limit, offset),
        )

    def search_ranked(
        self,
        query: str | TextQuery,
        *,
        created_after: datetime | str | None = None,
        modified_after: datetime | str | None = None,
        test_status: str | None = None,
        module: str | None = None,
        tag: str | None = None,
        limit: int | None = 20,
        offset: int | None = None,
    ) -> builtins.list[FunctionHit]:
        """The functions that best match a ranked full-text search (see
        codedb.core.textsearch for the query forms), best first, each with its score and a
        snippet; optionally only those created or modified after the given times, whose
        latest result has `test_status`, in `module`, with `tag`. InvalidInput names a search
        that cannot be read. A search matching more than SEARCH_CANDIDATES functions ranks the
        newest of them (count_text_matches tells). The score is a relevance, 0-100; when the
        words match nothing, the names that hold them inside come, with a score of 0."""
        parsed = query if isinstance(query, TextQuery) else parse(query)
        page = _page(limit, offset)
        filters = {
            "created_after": query_time(created_after or None),
            "modified_after": query_time(modified_after or None),
            "test_status": check_status(test_status) if test_status else None,
            "module": module,
            "tag": tag,
        }
        rows = self.sql.search_functions_ranked(
            self.conn,
            **self._match(parsed),
            cap=SEARCH_CANDIDATES,
            name_cap=NAME_CANDIDATES,
            **filters,
            **page,
        )
        hits = [attrs.evolve(hit, snippet=snippet(parsed, _snippet_texts(hit))) for hit in rows]
        inner = parsed.inner_match(self.db.dialect)
        if inner is None or rows or (page["offset"] and self.count_text_matches(parsed, at_most=1)):
            return hits
        # The words match nothing: names that hold them inside (as the old substring search).
        found = self.sql.search_inside_names(self.conn, inner=inner, cap=SEARCH_CANDIDATES, **filters, **page)
        needles = parsed.needles() or []
        return [attrs.evolve(hit, snippet=marked_inside(hit.name, needles)) for hit in found]

    def search(self, *args: Any, **kwargs: Any) -> builtins.list[FunctionSummary]:
        """Deprecated name of search_substring, which it calls."""
        _renamed("search", "search_substring")
        return self.search_substring(*args, **kwargs)

    def search_text(self, *args: Any, **kwargs: Any) -> builtins.list[FunctionHit]:
        """Deprecated name of search_ranked, which it calls."""
        _renamed("search_text", "search_ranked")
        return self.search_ranked(*args, **kwargs)

    def text_hits(self, query: TextQuery, limit: int) -> builtins.list[SearchHit]:
        """The best `limit` functions for `codedb search`."""
        return [
            SearchHit("function", h.function_id, h.name, h.score, h.snippet)
            for h in self.search_ranked(query, limit=limit)
        ]

    def count_text_matches(self, query: str | TextQuery, at_most: int = SEARCH_CANDIDATES + 1) -> int:
        """How many functions match a full-text search, counting up to `at_most`."""
        parsed = query if isinstance(query, TextQuery) else parse(query)
        match = self._match(parsed)["match"]
        return int(self.sql.count_function_matches(self.conn, match=match, cap=at_most))

    def _match(self, parsed: TextQuery) -> dict[str, str]:
        # name_match: the search and its name part, so a name match ranks above the rest.
        dialect = self.db.dialect  # the library's index holds runs of digits as words (migration 0024)
        query = parsed.compiled(dialect, digit_runs=True)
        names = parsed.in_column("name").compiled(dialect, digit_runs=True)
        # The name part alone implies a plain search: not evaluated twice. (PostgreSQL's query
        # checks the search beside the name part itself, the name part in an index of names.)
        if parsed.plain() or dialect == "postgresql":
            return {"match": query, "name_match": names}
        return {"match": query, "name_match": f"({names}) AND ({query})"}

    def reindex(self) -> int:
        """Rebuild the search index from the functions, in one transaction, and optimise it;
        returns the number of functions indexed."""
        with self.db.transaction():
            self.sql.clear_function_search(self.conn)
            sqlite = self.db.dialect == "sqlite"
            if sqlite:  # cleared by dropping it; its segments merged once, at the end
                self.sql.create_function_search(self.conn)
                self.sql.stop_function_search_merges(self.conn)
            after = None
            while rows := list(self.sql.functions_to_index(self.conn, after=after, batch=REINDEX_BATCH)):
                self.sql.index_added_functions(self.conn, [self._search_entry(*row) for row in rows])
                after = rows[-1][0]
            self.sql.optimize_function_search(self.conn)
            if sqlite:
                self.sql.restart_function_search_merges(self.conn)
                self.sql.clear_function_name_trigrams(self.conn)
                self.sql.create_function_name_trigrams(self.conn)
            self.sql.fill_function_name_trigrams(self.conn)  # PostgreSQL: its index, if it has pg_trgm
            return int(self.sql.count_function_search(self.conn))

    @contextmanager
    def indexing_paused(self) -> Iterator[None]:
        """Inside the caller's transaction: the index's insert triggers wait while the block
        loads many rows (codedb copy), then the index is rebuilt once, from all of them."""
        self._pause_indexing()
        yield
        self._resume_indexing()
        self.reindex()

    def stale_in_index(self) -> int:
        """Functions the search index does not hold as they are (0 unless its triggers were
        bypassed); reindex repairs them."""
        return int(self.sql.count_stale_function_search(self.conn))

    def count(self) -> int:
        return int(self.sql.count_function(self.conn))


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


class Dependencies(_Part):
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
            self.sql.load_function_dependencies(
                self.conn, [params(FunctionDependency(function_id, depends_on_id))]
            )

    def _path(self, start_id: str, goal_id: str) -> builtins.list[str]:
        """The shortest dependency path from start to goal (both included), or []."""
        edges: dict[str, list[str]] = {}
        for source, target in self.sql.reachable_edges(self.conn, start_id=start_id):
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
            deleted = self.sql.delete_dependency(
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
        query = self.sql.list_transitive_dependencies if transitive else self.sql.list_direct_dependencies
        return query(self.conn, function_id=function_id)

    def dependents(self, function_id: str) -> builtins.list[DependencyEntry]:
        """The functions that depend directly on a function."""
        return self.sql.list_dependents(self.conn, function_id=function_id)

    def edges(self) -> builtins.list[tuple[str, str, str, str]]:
        """Every edge as (function_id, name, depends_on_id, its name)."""
        return [tuple(row) for row in self.sql.list_all_dependencies(self.conn)]

    def cycles(self) -> builtins.list[builtins.list[DependencyEntry]]:
        """The dependency cycles present (from imports or direct SQL writes): each a list of
        the functions on it, as strongly connected groups."""
        rows = self.sql.list_functions_on_cycles(self.conn)
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

    def elementary_cycles(self, limit: int = MAX_CYCLES) -> builtins.list[tuple[str, ...]]:
        """Each dependency cycle once, as the ids on it from its smallest id (without repeating
        it), sorted; at most `limit` of them. A cycle is found from its smallest node by a walk
        that visits only larger ones, so no cycle is found twice."""
        on_cycle = {e.function_id for e in self.sql.list_functions_on_cycles(self.conn)}
        graph: dict[str, builtins.list[str]] = {}
        for source, _, target, _ in self.edges():
            if source in on_cycle and target in on_cycle:
                graph.setdefault(source, []).append(target)
        found: builtins.list[tuple[str, ...]] = []
        for start in sorted(on_cycle):
            path, on_path = [start], {start}
            stack = [iter(sorted(graph.get(start, ())))]
            while stack and len(found) < limit:
                for following in stack[-1]:
                    if following == start:
                        found.append(tuple(path))
                    elif following > start and following not in on_path:
                        path.append(following)
                        on_path.add(following)
                        stack.append(iter(sorted(graph.get(following, ()))))
                        break
                else:
                    stack.pop()
                    on_path.discard(path.pop())
        return sorted(found[:limit])

    def _reachable(self, start_id: str) -> set[str]:
        return {target for _, target in self.sql.reachable_edges(self.conn, start_id=start_id)}

    def to_dot(self) -> str:
        """The dependency graph in Graphviz DOT: an arrow from each function to what it uses."""

        def quote(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

        lines = ["digraph dependencies {", "  rankdir=LR;", "  node [shape=box];"]
        for fid, name in self.sql.list_dependency_nodes(self.conn):
            lines.append(f"  {quote(fid)} [label={quote(name)}];")
        for source, _, target, _ in self.edges():
            lines.append(f"  {quote(source)} -> {quote(target)};")
        lines.append("}")
        return "\n".join(lines) + "\n"


class Tests(_Part):
    """Unit tests, their results, and the coverage report."""

    def resolve(self, test_id: str) -> str:
        """The full id of a unit test given its id or a unique prefix."""
        return resolve_prefix(
            "test",
            test_id,
            lambda v: self.sql.get_unittest(self.conn, test_id=v) is not None,
            lambda p: [row[0] for row in self.sql.find_unittest_ids(self.conn, prefix=p)],
            TEST_HINT,
        )

    def add(self, function_id: str, name: str, description: str = "", test_case: str = "") -> UnitTest:
        """Add a unit test to a function."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("empty test name; give the test a name")
        test = UnitTest(
            new_id(),
            function_id,
            caller_text(name, "test name"),
            caller_text(description or "", "description"),
            caller_text(test_case or "", "test code"),
        )
        with self.db.transaction():
            self.db.functions.get(function_id)
            self.sql.load_unittest(self.conn, [params(test)])
        return test

    def get(self, test_id: str) -> UnitTest:
        found = self.sql.get_unittest(self.conn, test_id=test_id)
        if found is None:
            raise NotFound(f"test {test_id} not found; {TEST_HINT}")
        return found

    def ids(self) -> set[str]:
        """The ids of every unit test."""
        return {row[0] for row in self.sql.list_unittest_ids(self.conn)}

    def list(self, function_id: str) -> builtins.list[UnitTest]:
        """A function's unit tests."""
        return self.sql.list_unittests(self.conn, function_id=function_id)

    def purge(self, function_id: str) -> int:
        """Delete every unit test of a function, with their results; return how many tests."""
        with self.db.transaction():
            self.db.functions.get(function_id)
            return int(self.sql.delete_unittests(self.conn, function_id=function_id))

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
        if actual_result is not None:
            caller_text(actual_result, "actual result")
        with self.db.transaction():
            test = self.get(test_id)
            result = TestResult(new_id(), test_id, test.function_id, stamp, actual_result, checked)
            self.sql.load_testresult(self.conn, [params(result)])
        return result

    def results(self, function_id: str | None = None) -> builtins.list[TestResult]:
        """Test results, newest first: all, or a function's."""
        return self.sql.list_testresults(self.conn, function_id=function_id)

    def coverage(self) -> builtins.list[CoverageEntry]:
        """Per function: tests, passed, failed, coverage percent (each test by its latest result)."""
        return self.sql.coverage_report(self.conn)


class Modifications(_Part):
    """The change history of functions."""

    def list(self, function_id: str) -> builtins.list[Modification]:
        """A function's changes, oldest first."""
        self.db.functions.get(function_id)
        return self.sql.list_modifications(self.conn, function_id=function_id)
