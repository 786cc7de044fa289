"""Migration files split into statements by codedb (codedb.schema.statements), where yoyo's
sqlparse splits them: on every shipped migration, on the awkward places a `;` can stand, and
in the steps yoyo runs."""

from pathlib import Path

import pytest
import sqlparse
from hypothesis import given, settings
from hypothesis import strategies as st

from codedb.core.resources import resource_dir
from codedb.schema.migrations import _parsed
from codedb.schema.statements import split

MIGRATIONS = resource_dir("migrations")
FILES = sorted(MIGRATIONS.rglob("*.sql"))


def sqlparse_split(text: str) -> list[str]:
    """What yoyo makes of a file's text (its read_sql_migration, before the directives)."""
    return [statement for statement in sqlparse.split(text) if statement.strip()]


def test_every_migration_splits_where_sqlparse_splits_it() -> None:
    assert len(FILES) > 60  # both dialects, each migration with its rollback
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert split(text) == sqlparse_split(text), path.relative_to(MIGRATIONS)


TRIGGER = """CREATE TRIGGER t AFTER INSERT ON a
BEGIN
    UPDATE b SET n = n + CASE WHEN NEW.ok THEN 1 ELSE 0 END;  -- a CASE ... END inside
    INSERT INTO c VALUES (CASE WHEN NEW.ok THEN 'x;' ELSE "y;" END);
END;"""


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        ("", []),
        ("  \n-- only a comment\n", ["-- only a comment"]),
        ("SELECT 1; SELECT 2", ["SELECT 1;", "SELECT 2"]),
        ("SELECT ';' AS a, 'it''s;' AS b;", ["SELECT ';' AS a, 'it''s;' AS b;"]),
        ('SELECT 1 AS "a;b"; SELECT 2;', ['SELECT 1 AS "a;b";', "SELECT 2;"]),
        ("SELECT 1; -- its line; stays\nSELECT 2;", ["SELECT 1; -- its line; stays", "SELECT 2;"]),
        ("SELECT 1;\n-- the next; one\nSELECT 2;", ["SELECT 1;", "-- the next; one\nSELECT 2;"]),
        ("SELECT 1 /* a; b */ ; SELECT 2;", ["SELECT 1 /* a; b */ ;", "SELECT 2;"]),
        ("SELECT 1; /* before */ SELECT 2;", ["SELECT 1;", "/* before */ SELECT 2;"]),
        (
            "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql; SELECT 2;",
            ["CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;", "SELECT 2;"],
        ),
        ("SELECT $q$ a; $$ b; $q$; SELECT 2;", ["SELECT $q$ a; $$ b; $q$;", "SELECT 2;"]),
        ("SELECT CASE WHEN x THEN 1 END; SELECT 2;", ["SELECT CASE WHEN x THEN 1 END;", "SELECT 2;"]),
        (TRIGGER + "\nSELECT 2;", [TRIGGER, "SELECT 2;"]),
        ("BEGIN; SELECT 1; COMMIT;", ["BEGIN;", "SELECT 1;", "COMMIT;"]),
        ("BEGIN TRANSACTION; SELECT 1;", ["BEGIN TRANSACTION;", "SELECT 1;"]),
        ("SELECT (1; 2); SELECT 3;", ["SELECT (1; 2);", "SELECT 3;"]),
    ],
)
def test_the_places_a_semicolon_can_stand(text: str, statements: list[str]) -> None:
    assert split(text) == statements
    assert sqlparse_split(text) == statements  # what yoyo made of it before


# Statements assembled from the tokens that hide or nest a `;` (the places above), in any order.
PIECES = st.sampled_from(
    [
        "SELECT 1",
        " x ",
        ";",
        "\n",
        " -- c; d\n",
        "/* e; */",
        "'f;'",
        "'g''h'",
        '"i;"',
        "$$ j; $$",
        "(",
        ")",
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN ",
        " END",
        " CASE WHEN k THEN 1 ELSE 2 END",
        " IF ",
        " END IF",
        " END CASE",
        "BEGIN",
        "BEGIN TRANSACTION",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=14).map(" ".join))
def test_any_text_of_those_pieces_splits_as_sqlparse_splits_it(text: str) -> None:
    assert split(text) == sqlparse_split(text)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_yoyo_runs_the_steps_its_own_loading_makes(dialect: str) -> None:
    """Each migration's steps (a statement and its rollback statement) are those yoyo makes
    when it loads the files with sqlparse, and yoyo has its sqlparse back afterwards."""
    from yoyo import migrations as yoyo_migrations
    from yoyo import read_migrations

    ours = _parsed(dialect, MIGRATIONS)
    assert yoyo_migrations.sqlparse is sqlparse
    sources = [str(MIGRATIONS), str(MIGRATIONS / dialect)]
    theirs = sorted(read_migrations(*sources), key=lambda m: m.id)
    assert [m.id for m in ours] == [m.id for m in theirs]
    for mine, yoyos in zip(ours, theirs, strict=True):
        yoyos.load()
        assert (mine.use_transactions, mine.module.__doc__) == (yoyos.use_transactions, yoyos.module.__doc__)
        assert [(w.step._apply, w.step._rollback) for w in mine.steps] == [
            (w.step._apply, w.step._rollback) for w in yoyos.steps
        ], Path(mine.path).name


def test_yoyo_loads_the_files_through_codedbs_splitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file yoyo loads is split by codedb (a yoyo that stopped asking would fall back to
    sqlparse silently, ten times slower)."""
    from codedb.schema import statements

    split_files: list[str] = []

    def counted(text: str) -> list[str]:
        split_files.append(text)
        return split(text)

    monkeypatch.setattr(statements, "split", counted)
    loaded = _parsed.__wrapped__("sqlite", MIGRATIONS)  # not the process's cached copy
    rollbacks = sum(Path(m.path[: -len(".sql")] + ".rollback.sql").exists() for m in loaded)
    assert len(split_files) == len(loaded) + rollbacks
