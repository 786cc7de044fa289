"""Rows become records one way: a query names its record class (-- record_class:) and returns
records built by column name. Every such query runs here on both backends: its columns are
its record's fields, in their order; none selects `*`; a query whose columns do not fit its
record is refused with both named."""

import re
from pathlib import Path

import attrs
import pytest

import codedb
from codedb.core.queries import domain_queries
from codedb.errors import QueryFileError

# What each parameter is given when a query runs on an empty database: a page of one, an
# empty list of ids, a search for a word; everything else NULL.
VALUES = {
    "limit": 1,
    "offset": 0,
    "cap": 1,
    "name_cap": 1,
    "count": 1,
    "skip": 0,
    "head": 1,
    "ids": "[]",
    "match": "word",
    "name_match": "word",
}
INNER = {"sqlite": "word", "postgresql": "{%word%}"}  # the trigram index's match; ILIKE patterns


class _Undo(Exception):
    """Raised to roll back what a query wrote (a preference set, a claim)."""


def _record_queries(db: codedb.Database) -> list[tuple[str, object, type]]:
    found = []
    for domain, queries in vars(db.queries).items():
        for name in queries.available_queries:
            cls = queries.record_of(name)
            if cls is not None:
                found.append((f"{domain}.{name}", getattr(queries, name), cls))
    return found


def test_every_query_naming_a_record_returns_its_fields_in_order(ready_target: str) -> None:
    with codedb.connect(ready_target) as db:
        user = db.users.add("records-probe").user_id  # what a write that names a user refers to
        checked = _record_queries(db)
        assert len(checked) > 60
        for name, query, cls in checked:
            assert not re.search(r"SELECT\s+(\w+\.)?\*", query.sql), f"{name} selects *"  # type: ignore[attr-defined]
            fields = [f.name for f in attrs.fields(cls)]
            given = {**VALUES, "inner": INNER[db.dialect], "user_id": user, "key": "k", "value": "1"}
            given["stamp"] = "2026-01-01 00:00:00.000000"
            parameters = {p: given.get(p) for p in query.parameters}  # type: ignore[attr-defined]
            try:
                with db.transaction():  # what a write query writes is rolled back
                    cursor = db.conn.cursor()
                    cursor.execute(query.sql, parameters)  # type: ignore[attr-defined]
                    columns = [column[0] for column in cursor.description]
                    cursor.close()
                    query(db.conn, **parameters)  # type: ignore[operator]  # and builds its records
                    raise _Undo
            except _Undo:
                pass
            assert columns == fields[: len(columns)], name
            missing = [f.name for f in attrs.fields(cls)[len(columns) :] if f.default is attrs.NOTHING]
            assert missing == [], f"{name} leaves out {missing}"


def _domain(root: Path, sql: str) -> object:
    folder = root / "library"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.sql").write_text(sql)
    return domain_queries("sqlite", root).library


def test_a_query_whose_columns_do_not_fit_its_record_is_refused(tmp_path: Path) -> None:
    queries = _domain(
        tmp_path,
        "-- name: wrong()\n-- record_class: Module\n-- A module with a stray column.\n"
        "SELECT 'm' AS name, 'id' AS module_id, 1 AS extra;\n",
    )
    with codedb.connect(":memory:") as db, pytest.raises(QueryFileError) as refused:
        queries.wrong(db.conn)  # type: ignore[attr-defined]
    assert "query wrong returns name, module_id, extra: not the fields of Module" in str(refused.value)
    assert "unknown ['extra']" in str(refused.value)


def test_columns_in_another_order_are_matched_by_name(tmp_path: Path) -> None:
    queries = _domain(
        tmp_path,
        "-- name: swapped()\n-- record_class: Module\n-- A module, its columns swapped.\n"
        "SELECT 'id-1' AS module_id, 'maths' AS name;\n"
        "-- name: one()^\n-- record_class: Module\n-- One module.\n"
        "SELECT 'maths' AS name, 'id-1' AS module_id;\n",
    )
    from codedb.domains.library.records import Module

    with codedb.connect(":memory:") as db:
        assert queries.swapped(db.conn) == [Module("maths", "id-1")]  # type: ignore[attr-defined]
        assert queries.one(db.conn) == Module("maths", "id-1")  # type: ignore[attr-defined]


def test_a_record_class_that_does_not_exist_is_named(tmp_path: Path) -> None:
    queries = _domain(tmp_path, "-- name: ghost()\n-- record_class: Ghost\n-- Nothing.\nSELECT 1 AS a;\n")
    with codedb.connect(":memory:") as db, pytest.raises(QueryFileError, match="no record class Ghost in"):
        queries.ghost(db.conn)  # type: ignore[attr-defined]
