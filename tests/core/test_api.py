"""The guard every domain API method runs in (core/api.py): what a caller hands it that the
database cannot take is a CodedbError naming the problem, never a driver's exception, and the
guard itself keeps each method callable the way it is declared."""

import asyncio
import inspect
import shutil
import typing
from pathlib import Path

import pytest

import codedb
import codedb.aio
from codedb.core.registry import api_class, api_classes
from codedb.transfer.copy import copy
from conftest import snapshot

SURROGATE = "\ud800"  # a lone surrogate: a str Python holds, and no UTF-8 encoder writes
# Methods that take no database text (they compute, or hand the text to a model).
NO_TEXT = {"timed", "indexing_paused", "embed", "search_semantic", "search_hybrid", "similar"}


def _argument(hint: typing.Any) -> typing.Any:
    """A value of `hint` with every text a lone surrogate; LookupError for other kinds."""
    if hint is str:
        return SURROGATE
    if typing.get_origin(hint) in (typing.Union, type(str | None)):
        for choice in typing.get_args(hint):
            if choice is not type(None):
                return _argument(choice)
    if typing.get_origin(hint) is list and typing.get_args(hint) in ((str,), ()):
        return [SURROGATE]
    if hint in (int, bool, float):
        return hint(1)
    raise LookupError(hint)


def _calls() -> list[tuple[str, str, dict[str, typing.Any]]]:
    """Every public method of every domain API that takes a text, its texts lone surrogates
    (its other arguments left to their defaults, or simple values)."""
    found = []
    for attribute in api_classes():
        for name, method in inspect.getmembers(api_class(attribute), callable):
            if name.startswith("_") or name in NO_TEXT:
                continue
            hints = typing.get_type_hints(method)
            arguments = {}
            try:
                for parameter in inspect.signature(method).parameters.values():
                    if parameter.name == "self":
                        continue
                    if parameter.default is parameter.empty or "str" in str(hints.get(parameter.name)):
                        arguments[parameter.name] = _argument(hints.get(parameter.name))
            except LookupError:
                continue
            if any(value == SURROGATE or value == [SURROGATE] for value in arguments.values()):
                found.append((attribute, name, arguments))
    return found


CALLS = _calls()


def test_the_sweep_reaches_every_domain():
    assert len(CALLS) > 100
    assert {attribute for attribute, _, _ in CALLS} == set(api_classes())


def test_a_lone_surrogate_in_any_text_is_invalid_input(db: codedb.Database) -> None:
    # Regression: a str holding a lone surrogate (which Python allows, and which a file name or
    # an argument decoded with surrogateescape holds) reached the driver, whose
    # UnicodeEncodeError came out of db.users.find, db.projects.get and 41 other calls raw.
    db.users.add("ann", "ann@example.com")
    before = snapshot(db)
    wrong = []
    for attribute, name, arguments in CALLS:
        try:
            getattr(getattr(db, attribute), name)(**arguments)
        except codedb.CodedbError as exc:
            if isinstance(exc, codedb.InvalidInput) or "surrogate" not in str(exc):
                continue
            wrong.append(f"{attribute}.{name}: {type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - what the test looks for
            wrong.append(f"{attribute}.{name}: {type(exc).__name__}: {exc}")
    assert not wrong, "\n".join(wrong)
    assert snapshot(db) == before  # nothing written
    with pytest.raises(codedb.InvalidInput, match=r"not valid Unicode .*'\\ud800'.*give UTF-8 text"):
        db.users.find(SURROGATE)


def test_a_static_method_of_an_api_is_callable_on_the_api(memory_db: codedb.Database) -> None:
    # Regression: the guard wrapped Users.checked_lately, a staticmethod, as a method, so
    # db.users.checked_lately(key) handed the API itself as the key (TypeError).
    user = memory_db.users.add("ann", "ann@example.com")
    key = memory_db.users.new_key(user.user_id)
    assert memory_db.users.checked_lately(key) is False
    assert memory_db.users.authenticate(key).user_id == user.user_id
    assert memory_db.users.checked_lately(key) is True
    assert codedb.domains.users.api.Users.checked_lately(key) is True


def test_a_static_method_is_callable_on_the_async_api(sqlite_migrated: Path, tmp_path: Path) -> None:
    shutil.copy2(sqlite_migrated, tmp_path / "a.sqlite")

    async def run() -> bool:
        async with codedb.aio.connect(tmp_path / "a.sqlite") as db:
            return await db.users.checked_lately("never issued")

    assert asyncio.run(run()) is False


def test_paths_and_targets_holding_a_lone_surrogate_are_refused_in_one_line(
    sqlite_migrated: Path, tmp_path: Path
) -> None:
    # Regression: the same, for a path or URL handed to connect, reader, copy, backup or
    # restore: UnicodeEncodeError from the file system or libpq, raw.
    for target in (
        f"{tmp_path}/{SURROGATE}.sqlite",
        f"postgresql://localhost/db?application_name={SURROGATE}",
    ):
        for open_it in (codedb.connect, codedb.reader):
            with pytest.raises(codedb.ConnectError, match="not valid Unicode"):
                open_it(target)
    source = tmp_path / "a.sqlite"
    shutil.copy2(sqlite_migrated, source)
    with pytest.raises(codedb.ConnectError, match="not valid Unicode"):
        copy(source, f"{tmp_path}/{SURROGATE}.sqlite")
    with codedb.connect(source) as db:
        for call in (
            lambda: codedb.backup(db, tmp_path / f"{SURROGATE}.bak", quiet=True),
            lambda: codedb.backup(db, to_dir=tmp_path / SURROGATE, quiet=True),
            lambda: codedb.restore(db, tmp_path / f"{SURROGATE}.bak"),
        ):
            with pytest.raises(codedb.InvalidInput, match=r"'.*\\ud800.*' is not valid Unicode"):
                call()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sqlite"]


def test_backup_and_restore_take_paths_as_text(sqlite_migrated: Path, tmp_path: Path) -> None:
    # Regression: codedb.backup(db, "file") with a str, as Python's file functions take it,
    # failed with AttributeError ('str' object has no attribute 'resolve') for a new file.
    source = tmp_path / "a.sqlite"
    shutil.copy2(sqlite_migrated, source)
    with codedb.connect(str(source)) as db:
        db.functions.add("fib", "numbers", "def fib(n): return n")
        assert codedb.backup(db, str(tmp_path / "b.sqlite"), quiet=True).path == tmp_path / "b.sqlite"
        rotated = codedb.backup(db, to_dir=str(tmp_path / "kept"), keep=2, quiet=True).path
        assert rotated.parent == tmp_path / "kept"
        db.functions.delete(db.functions.list()[0].function_id)
        assert db.functions.list() == []
        codedb.restore(db, str(tmp_path / "b.sqlite"), force=True)
        assert [f.name for f in db.functions.list()] == ["fib"]


def test_errors_are_one_line_whatever_they_quote(memory_db: codedb.Database) -> None:
    # Regression: an error quoting what it was given held it as it came: the Python API's
    # exceptions (and what the old tools' adapters log and return from them) were two lines
    # for a newline, and an ESC [2J in an id cleared the terminal of whoever read the log.
    hostile = "a\nb\x1b[2J\u202e"
    with pytest.raises(codedb.NotFound) as found:
        memory_db.users.get(hostile)
    assert str(found.value).isprintable() and "a\\nb\\x1b[2J\\u202e" in str(found.value)
    error = codedb.InvalidInput(f"bad {hostile}")
    assert str(error) == "bad a\\nb\\x1b[2J\\u202e" and error.args == (str(error),)
    assert str(codedb.CodedbError()) == "" and codedb.CodedbError("x", 2).args == ("x", 2)
