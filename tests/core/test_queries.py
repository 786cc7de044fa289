"""The .sql files: every query loads on both dialects, has a docstring, and no name is
defined twice within a domain; every registered table has its whole-table queries and a
record class matching it."""

import re
from pathlib import Path

import attrs
import pytest

from codedb.core.convert import field_names
from codedb.core.queries import DIALECTS, domain_queries, iter_queries
from codedb.core.registry import DIALECT_VERBS, TABLE_VERBS, table_names
from codedb.errors import QueryFileError


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_query_loads_with_a_docstring(dialect: str) -> None:
    queries = dict(iter_queries(dialect))
    assert len(queries) > 60
    for name, fn in queries.items():
        assert fn.__doc__ and fn.__doc__.strip(), name


def query_data(dialect: str, root: Path) -> dict[str, dict[str, str]]:
    """Every query's SQL under `root`, by domain then name, read by the loader production uses."""
    loaded = domain_queries(dialect, root)
    return {
        domain: {name: getattr(queries, name).sql for name in queries.available_queries}
        for domain, queries in vars(loaded).items()
    }


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


GOOD = "-- name: get_one()$\n-- One.\nSELECT 1;\n"


def test_duplicate_name_in_one_file_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD + "\n" + GOOD.replace("One.", "Again."))
    with pytest.raises(QueryFileError, match="get_one is defined twice"):
        query_data("sqlite", tmp_path)


def test_duplicate_name_across_files_of_a_domain_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "d/b.sql", GOOD)
    with pytest.raises(QueryFileError, match=r"get_one is defined in both d/a.sql and d/b.sql"):
        query_data("sqlite", tmp_path)


def test_a_duplicate_is_refused_before_any_query_of_the_domain_is_used(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "d/b.sql", GOOD.replace("get_one", "get_two") + "\n" + GOOD)
    with pytest.raises(QueryFileError, match=r"get_one is defined in both d/a.sql and d/b.sql"):
        domain_queries("sqlite", tmp_path).d.get_one  # noqa: B018  # a.sql alone holds it; b.sql is read too


def test_a_query_is_found_in_whichever_file_holds_it(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "d/b.sql", GOOD.replace("get_one", "get_two").replace("SELECT 1", "SELECT 2"))
    queries = domain_queries("sqlite", tmp_path).d
    assert "SELECT 2" in queries.get_two.sql and "SELECT 1" in queries.get_one.sql
    with pytest.raises(AttributeError, match="no query get_three in sql/d/"):
        queries.get_three  # noqa: B018


def test_the_same_name_in_two_domains_is_two_queries(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "e/a.sql", GOOD.replace("SELECT 1", "SELECT 2"))
    data = query_data("sqlite", tmp_path)
    assert "SELECT 1" in data["d"]["get_one"] and "SELECT 2" in data["e"]["get_one"]


def test_query_without_docstring_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", "-- name: get_one()$\nSELECT 1;\n")
    with pytest.raises(QueryFileError, match="get_one has no docstring"):
        query_data("sqlite", tmp_path)


def test_query_without_parameter_list_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", "-- name: get_one$\n-- One.\nSELECT 1;\n")
    with pytest.raises(QueryFileError, match="missing mandatory parameter list"):
        query_data("sqlite", tmp_path)


def test_override_must_replace_a_shared_query(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "d/postgresql/a.sql", GOOD.replace("get_one", "get_onee"))
    with pytest.raises(QueryFileError, match="get_onee overrides no query of d/a.sql"):
        query_data("postgresql", tmp_path)


def test_override_replaces_only_in_its_dialect(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "d/postgresql/a.sql", GOOD.replace("SELECT 1", "SELECT 2"))
    assert "SELECT 2" in query_data("postgresql", tmp_path)["d"]["get_one"]
    assert "SELECT 1" in query_data("sqlite", tmp_path)["d"]["get_one"]


def test_a_dialects_own_file_adds_queries_to_that_dialect_alone(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    own = GOOD.replace("get_one", "get_two").replace("SELECT 1", "SELECT 2")
    _write(tmp_path, "d/postgresql/own.sql", own)
    assert "SELECT 2" in query_data("postgresql", tmp_path)["d"]["get_two"]
    assert "get_two" not in query_data("sqlite", tmp_path)["d"]
    with pytest.raises(AttributeError, match="no query get_two"):
        domain_queries("sqlite", tmp_path).d.get_two  # noqa: B018


def test_a_dialects_own_file_cannot_redefine_a_shared_query(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.sql", GOOD)
    _write(tmp_path, "d/postgresql/own.sql", GOOD.replace("SELECT 1", "SELECT 2"))
    with pytest.raises(QueryFileError, match="get_one is defined in both d/a.sql and d/postgresql/own.sql"):
        query_data("postgresql", tmp_path)


SRC = Path(__file__).resolve().parents[2] / "src" / "codedb"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_query_has_a_caller_a_search_finds(dialect: str) -> None:
    """No query name is built at run time: each is written in full where it is called (or in a
    table of names), so that a search finds its caller, and a query nobody calls shows here.
    The whole-table queries are the registry's (verb_table, checked below)."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in SRC.rglob("*.py"))
    written = set(re.findall(r"\w+", source))  # every whole word of src/, as \bname\b would find it
    verbs = TABLE_VERBS + DIALECT_VERBS
    by_registry = {f"{verb}_{table}" for verb in verbs for table in table_names()}
    uncalled = [
        name
        for name, _ in iter_queries(dialect)
        if name.split(".")[1] not in by_registry and name.split(".")[1] not in written
    ]
    assert uncalled == []


def test_a_table_without_its_queries_is_refused() -> None:
    from types import SimpleNamespace

    from codedb.core.registry import bind_tables, domains

    first = next(d for d in domains() if d.tables)
    table = first.tables[0].name
    with pytest.raises(
        QueryFileError, match=f"sql/{first.name}/tables.sql lacks count_{table}, dump_{table}"
    ):
        bind_tables(SimpleNamespace(**{first.name: SimpleNamespace()}))


def test_every_table_has_a_record_and_its_queries(db) -> None:  # type: ignore[no-untyped-def]
    from codedb.core.registry import derived_tables
    from codedb.schema.migrations import YOYO_TABLES

    assert db.table_names() - YOYO_TABLES - derived_tables() == set(table_names())
    for table, bound in db.tables.items():
        assert attrs.has(bound.record)
        for verb in TABLE_VERBS:
            assert callable(getattr(bound, verb))
        with getattr(getattr(db.queries, bound.domain), f"dump_{table}_cursor")(db.conn) as cursor:
            columns = tuple(d[0] for d in cursor.description)
        assert columns == field_names(bound.record), table
        if db.dialect == "postgresql":  # codedb copy writes each record's fields in order
            assert bound.copy is not None, table
            copied = re.fullmatch(r"COPY (\w+) \(([\w, ]+)\) FROM STDIN;", bound.copy.sql.strip())
            assert copied and copied[1] == table and tuple(copied[2].split(", ")) == columns, table
        else:
            assert bound.copy is None


def test_threads_asking_for_a_domains_first_queries_at_once_all_find_them() -> None:
    """A server's threads (codedb serve) ask for queries of a domain no one has asked for yet,
    at the same moment: one thread was parsing the last file while another, finding no file
    left to parse and the name not yet known, answered "no query use_wal" (seen in CI)."""
    import threading

    from codedb.core.queries import DomainQueries
    from codedb.core.resources import resource_dir

    folder = resource_dir("sql") / "projects"
    wanted = ["count_projects", "get_generation", "claim_next_generation", "projects_over_estimate"]
    for _ in range(30):
        queries = DomainQueries("sqlite", folder)
        barrier = threading.Barrier(len(wanted) * 2)
        errors: list[BaseException] = []

        def ask(
            name: str,
            queries: DomainQueries = queries,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                getattr(queries, name)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=ask, args=(name,)) for name in wanted * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
