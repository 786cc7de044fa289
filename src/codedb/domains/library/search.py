"""Searching functions: the ranked full-text search (sql/library/search.sql), its index
and reindex, and the old tool's substring search. Functions (db.functions) inherits it."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import base64
import builtins
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs

from ...core.convert import like_pattern, query_time
from ...core.textsearch import (
    SEARCH_CANDIDATES,
    SearchHit,
    TextQuery,
    documents_of,
    index_text,
    marked_inside,
    parse,
    snippets,
    words,
)
from ...core.vectors import Embedded, VectorQueries
from ...core.workers import spread
from ...errors import InvalidInput
from .base import MAX_SEARCH, NAME_CANDIDATES, REINDEX_BATCH, _page, _Part, caller_text, check_status
from .records import (
    Function,
    FunctionHit,
    FunctionSummary,
    parse_signature,
)


def _snippet_texts(hit: FunctionHit) -> tuple[str, ...]:
    """Where a hit's snippet comes from, in order: its description, code, labels, name."""
    return (hit.description, hit.code_snippet, " ".join(hit.tags + hit.modules), hit.name)


def _renamed(old: str, new: str) -> None:
    warnings.warn(
        f"db.functions.{old} is now db.functions.{new}; {old} will go in a later release",
        DeprecationWarning,
        stacklevel=4,  # the caller's line: past this function, the alias and the API's guard
    )


class FunctionSearch(_Part, Embedded):
    """The ranked search of functions (its index, reindex), the old tool's substring search,
    and semantic search (Embedded: sql/library/vectors.sql): the half of db.functions that
    searches."""

    KIND = "function"
    _queries = VectorQueries(
        queue="function_vector_queue",
        count_queue="count_function_vector_queue",
        store="store_function_vectors",
        touch="touch_function_vectors",
        of_model="function_vectors_of_model",
        version="function_vectors_version",
        count_model="count_function_vectors_of_model",
        has_model="has_function_vectors_of_model",
        models="function_vectors_models",
        one="function_vector",
        forget="forget_function_vectors",
    )

    def _text(self, row: Any) -> str:
        """What a function's vector is made from: its name's words, its arguments, its
        description and its code (the provider cuts long texts)."""
        name, description, code, signature = row
        args = parse_signature(signature) or {}
        names = ", ".join(str(a) for a in args.get("arg_names") or ())
        return "\n".join(part for part in (" ".join(words(name)), names, description, code) if part)

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
        """What SQLite's index_added_functions takes for a function (its rowid when known): its
        texts as the index's triggers make them (labels: its tags then its modules, each in
        name order, as the triggers read them from their keys)."""
        return {
            "rowid": rowid,
            "function_id": function_id,
            "name": index_text(name),
            "labels": index_text(labels),
            "description": index_text(description),
            "code": index_text(code),
        }

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
        shown = snippets(parsed, map(_snippet_texts, rows))
        hits = [attrs.evolve(hit, snippet=text) for hit, text in zip(rows, shown, strict=True)]
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
        match = parsed.compiled(self.db.dialect, digit_runs=True)
        return int(self.sql.count_function_matches(self.conn, match=match, cap=at_most))

    def _match(self, parsed: TextQuery) -> dict[str, str | None]:
        # name_match: the search and its name part, so a name match ranks above the rest.
        # The library's index holds runs of digits as words (migration 0024); the wide searches
        # find a ticket (T123) by its number, to rank by (see TextQuery.fts5).
        dialect, names = self.db.dialect, parsed.in_column("name")
        exact, wide = parsed.compiled(dialect, True), parsed.compiled(dialect, True, by_runs=True)
        name_wide = names.compiled(dialect, True, by_runs=True)
        if dialect == "postgresql":  # its name part is checked in an index of names' words
            return {
                "match": exact,
                "name_match": names.tsquery({}, True),
                "name_lookup": names.name_lookup(),
                "rank": wide,
                "name_rank": name_wide,
            }
        name_exact = names.compiled(dialect, True)
        # On SQLite the name part alone implies a plain search: not evaluated twice.
        if not parsed.plain():
            name_exact, name_wide = f"({name_exact}) AND ({exact})", f"({name_wide}) AND ({wide})"
        if wide == exact:
            return {"match": exact, "name_match": name_exact, "exact": None, "name_exact": None}
        # ranked by the wider search, kept where the search itself matches (search.sql)
        return {"match": wide, "name_match": name_wide, "exact": exact, "name_exact": name_exact}

    def reindex(self) -> int:
        """Rebuild the search index from the functions, in one transaction, and optimise it;
        returns the number of functions indexed."""
        with self.db.transaction():
            # SQLite drops and creates the FTS5 table and writes the texts Python splits;
            # PostgreSQL sets its GIN indexes and reference aside, empties its table, writes the
            # documents Python makes with COPY and builds them once, at the end.
            self.sql.clear_function_search(self.conn)
            self.sql.create_function_search(self.conn)
            sqlite = self.db.dialect == "sqlite"
            if sqlite:  # its segments merged once, at the end
                self.sql.stop_function_search_merges(self.conn)
                for rows in self._to_index():
                    self.sql.index_added_functions(self.conn, [self._search_entry(*row) for row in rows])
            else:
                self._copy_documents(self._to_index())
            self.sql.optimize_function_search(self.conn)
            if sqlite:
                self.sql.restart_function_search_merges(self.conn)
                self.sql.clear_function_name_trigrams(self.conn)
                self.sql.create_function_name_trigrams(self.conn)
            self.sql.fill_function_name_trigrams(self.conn)  # PostgreSQL: its index, if it has pg_trgm
            return int(self.sql.count_function_search(self.conn))

    def _index_added(
        self, labelled: builtins.list[tuple[Function, builtins.list[str], builtins.list[str]]]
    ) -> None:
        """Index the functions a bulk add wrote with the triggers paused, each with its tags
        and its modules: SQLite from their texts, split as the triggers split them;
        PostgreSQL from their labels read back in the database's order."""
        if self.db.dialect == "sqlite":
            entry = self._search_entry
            self.sql.index_added_functions(
                self.conn,
                [
                    entry(None, f.function_id, f.name, " ".join([*sorted(t), *sorted(m)]),
                          f.description, f.code_snippet)
                    for f, t, m in labelled
                ],
            )  # fmt: skip
            names = [{"function_id": f.function_id, "name": f.name} for f, _, _ in labelled]
            self.sql.index_added_names(self.conn, names)
            return
        ids = [f.function_id for f, _, _ in labelled]
        to_index = self.sql.functions_by_id_to_index
        self._copy_documents(
            builtins.list(to_index(self.conn, function_ids=ids[at : at + REINDEX_BATCH]))
            for at in range(0, len(ids), REINDEX_BATCH)
        )

    def _to_index(self) -> Iterator[builtins.list[Any]]:
        """The functions in batches, as functions_to_index reads them."""
        after = None
        while rows := builtins.list(self.sql.functions_to_index(self.conn, after=after, batch=REINDEX_BATCH)):
            yield rows
            after = rows[-1][0]

    def _copy_documents(self, batches: Iterable[builtins.list[Any]]) -> None:
        """PostgreSQL: COPY the documents of `batches` of rows as functions_to_index reads
        them, each batch's made by the machine's cores (core.workers) while the server stores
        the one before (in COPY's binary form: textsearch.documents_of); the server makes
        those Python leaves to it (`left`)."""
        for rows, (data, left) in spread(documents_of, batches):
            self.db.copy_binary(self.sql.copy_function_search, base64.b64decode(data))
            if left:
                self.sql.index_functions_by_id(self.conn, function_ids=[rows[at][1] for at in left])

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
