"""Hypothesis: any text (unicode, quotes, SQL keywords, large code) round-trips unchanged
through add -> show and export -> import, on both backends."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codedb
from codedb.domains.library.exchange import function_document, import_documents

# Text a database must keep exactly: any Unicode but NUL (which PostgreSQL text cannot hold)
# and lone surrogates (not text: UTF-8 cannot encode them), with quotes, SQL and escapes
# mixed in on purpose.
SQLISH = st.sampled_from(
    [
        "'",
        '"',
        "''",
        "--",
        ";",
        "%",
        "%%",
        "_",
        "\\",
        ":name",
        "%(x)s",
        "'); DROP TABLE function; --",
        "SELECT",
        "\x1f",
        "\r\n",
        "\t",
        "é",
        "𝔘",
        "\u200b",
    ]
)
TEXT = st.lists(
    st.one_of(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))), SQLISH),
    max_size=8,
).map("".join)
NAME = TEXT.filter(lambda s: s.strip() != "")
NAMES = st.lists(NAME.filter(lambda s: s == s.strip()), max_size=4, unique=True)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(name=NAME, description=TEXT, code=TEXT, modules=NAMES, tags=NAMES)
def test_add_then_show_round_trips(
    db: codedb.Database, name: str, description: str, code: str, modules: list[str], tags: list[str]
) -> None:
    added = db.functions.add(name, description, code, modules, tags)
    shown = db.functions.get_summary(added.function_id)
    assert (shown.name, shown.description, shown.code_snippet) == (name, description, code)
    assert shown.modules == tuple(sorted(modules)) and shown.tags == tuple(sorted(tags))
    assert shown.creation_date == added.creation_date
    assert db.functions.get(added.function_id) == added


# Each example writes and reads a file: 20 per backend keep the suite within its 2 minutes.
@settings(SETTINGS, max_examples=20)
@given(name=NAME, description=TEXT, code=TEXT, modules=NAMES, tags=NAMES, test_name=NAME, test_case=TEXT)
def test_export_then_import_round_trips(
    db: codedb.Database,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_migrated: Path,
    name: str,
    description: str,
    code: str,
    modules: list[str],
    tags: list[str],
    test_name: str,
    test_case: str,
) -> None:
    fid = db.functions.add(name, description, code, modules, tags).function_id
    db.tests.add(fid, test_name, description, test_case)
    doc = json.loads(json.dumps(function_document(db, fid)))  # through JSON text, as a file
    other = tmp_path_factory.mktemp("other") / "copy.sqlite"
    shutil.copy2(sqlite_migrated, other)  # a new migrated file (migrating one per example: 0.1 s)
    with codedb.connect(other) as copy:
        import_documents(copy, [doc], "test")
        assert function_document(copy, fid) == doc
    db.functions.delete(fid)
    import_documents(db, [doc], "test")
    assert function_document(db, fid) == doc


def test_one_megabyte_of_code_round_trips_through_the_cli(tmp_path: Path, ready_target: str) -> None:
    from conftest import CLI

    cli = CLI(ready_target, tmp_path)
    code = "".join(f"def f{i}(x):\n    return 'ünïcødé \\'{i}\\' -- ; %s'\n" for i in range(20_000))
    code = code[: 1024 * 1024]
    code_file = tmp_path / "big.py"
    code_file.write_text(code, encoding="utf-8")
    fid = cli.ok("add-function", "--name=big", f"--code-file={code_file}").strip()
    shown = json.loads(cli.ok("show-function", f"--id={fid}", "--json"))
    assert shown["code_snippet"] == code
    export = tmp_path / "big.json"
    cli.ok("export-function", f"--function-id={fid}", f"--file={export}")
    cli.ok("delete-function", f"--id={fid}")
    cli.ok("import-function", f"--file={export}")
    assert json.loads(cli.ok("show-function", f"--id={fid}", "--json"))["code_snippet"] == code


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800"])
def test_text_that_cannot_be_stored_is_refused_and_changes_nothing(db: codedb.Database, bad: str) -> None:
    """NUL (PostgreSQL cannot store it; SQLite's text functions stop at it) and lone
    surrogates (not UTF-8) are refused on both backends with a CodedbError, never a driver's."""
    from conftest import snapshot

    db.functions.add("kept")
    before = snapshot(db)
    for call in (
        lambda: db.functions.add("bad", code=bad),
        lambda: db.functions.add("bad", description=bad),
        lambda: db.functions.add("bad", tags=[bad]),
        lambda: db.functions.add(bad),
        lambda: db.functions.search_substring(bad),
    ):
        with pytest.raises(codedb.InvalidInput, match="NUL character|not valid Unicode"):
            call()
    assert snapshot(db) == before
