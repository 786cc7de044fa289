"""Preferences on both backends: one JSON value per (user, key), of any JSON kind, with a
default, upserts, deletes, a user's set exported and imported whole; bad input refused whole."""

import json
from pathlib import Path

import pytest

import codedb
from conftest import CLI, db_snapshot, snapshot

VALUES = ["dark", 14, 2.5, True, False, None, [1, "two"], {"panes": [1, 2], "é": "ü"}, "", 0]


def test_values_of_every_json_kind_round_trip(db: codedb.Database) -> None:
    ada = db.users.add("ada").user_id
    for n, value in enumerate(VALUES):
        db.preferences.set(ada, f"k{n}", value)
    assert [db.preferences.get(ada, f"k{n}") for n in range(len(VALUES))] == VALUES
    assert db.preferences.export(ada) == {f"k{n}": v for n, v in enumerate(VALUES)}
    # a string that looks like JSON stays a string
    db.preferences.set(ada, "tricky", '{"not": "an object"}')
    assert db.preferences.get(ada, "tricky") == '{"not": "an object"}'


def test_one_value_per_user_and_key(db: codedb.Database) -> None:
    ada, bob = db.users.add("ada").user_id, db.users.add("bob").user_id
    first = db.preferences.set(ada, "theme", "dark")
    again = db.preferences.set(ada, "theme", "light")  # an upsert: one row, created_at kept
    assert (
        again.value == "light"
        and again.created_at == first.created_at
        and again.updated_at >= first.updated_at
    )
    db.preferences.set(ada, "font", 12)  # the old tool allowed one preference per user
    db.preferences.set(bob, "theme", "solarized")
    assert [(p.key, p.value) for p in db.preferences.list(ada)] == [("font", 12), ("theme", "light")]
    assert db.preferences.get(bob, "theme") == "solarized"
    assert db.preferences.get(bob, "font", default="12pt") == "12pt"
    assert db.preferences.get(bob, "font") is None
    db.preferences.delete(ada, "font")
    assert db.preferences.find(ada, "font") is None
    with pytest.raises(codedb.NotFound, match="has no preference 'font'"):
        db.preferences.delete(ada, "font")
    db.users.delete(bob)  # a user's preferences go with them
    assert len(snapshot(db)["user_preferences"]) == 1


def test_bad_input_is_refused_and_changes_nothing(db: codedb.Database) -> None:
    ada = db.users.add("ada").user_id
    db.preferences.set(ada, "theme", "dark")
    before = snapshot(db)
    for call, message in (
        (lambda: db.preferences.set(ada, "", 1), "empty preference key"),
        (lambda: db.preferences.set(ada, "k" * 201, 1), "keep it to 200"),
        (lambda: db.preferences.set(ada, "x", float("nan")), "cannot be written as JSON"),
        (lambda: db.preferences.set(ada, "x", {1, 2}), "cannot be written as JSON"),
        (lambda: db.preferences.set(ada, "x", "a\x00b"), "NUL"),
        (lambda: db.preferences.set("nobody", "x", 1), "user nobody not found"),
        (lambda: db.preferences.import_(ada, ["a"]), "must be a JSON object"),
        (lambda: db.preferences.import_(ada, {"ok": 1, "bad": float("inf")}), "cannot be written"),
        (lambda: db.preferences.list("nobody"), "not found"),
    ):
        with pytest.raises((codedb.InvalidInput, codedb.NotFound), match=message):
            call()
    assert snapshot(db) == before


def test_import_sets_all_or_replaces(db: codedb.Database) -> None:
    ada = db.users.add("ada").user_id
    db.preferences.set(ada, "old", 1)
    assert db.preferences.import_(ada, {"theme": "dark", "size": 14}) == 2
    assert db.preferences.export(ada) == {"old": 1, "size": 14, "theme": "dark"}
    assert db.preferences.import_(ada, {"theme": "light"}, replace=True) == 1
    assert db.preferences.export(ada) == {"theme": "light"}


def test_the_prefs_cli(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    cli.ok("users", "add", "--username=ada")
    assert cli.ok("prefs", "set", "ada", "theme", '"dark"') == "set theme\n"
    cli.ok("prefs", "set", "ada", "layout", '{"panes": [1, 2]}')
    assert cli.ok("prefs", "get", "ada", "theme") == '"dark"\n'
    assert cli.ok("prefs", "get", "ada", "missing", "--default=3") == "3\n"
    listed = json.loads(cli.ok("prefs", "list", "ada", "--json"))
    assert [(p["key"], p["value"]) for p in listed] == [("layout", {"panes": [1, 2]}), ("theme", "dark")]
    assert '{"panes": [1, 2]}' in cli.ok("prefs", "list", "ada")  # JSON on a table, not Python
    exported = tmp_path / "prefs.json"
    assert cli.ok("prefs", "export", "ada", f"--file={exported}") == f"wrote {exported}\n"
    assert json.loads(exported.read_text()) == {"layout": {"panes": [1, 2]}, "theme": "dark"}
    before = db_snapshot(ready_target)
    bad_file = tmp_path / "bad.json"
    bad_file.write_text('{"theme": ')
    for args, message in (
        (("prefs", "get", "ada", "missing"), "has no preference 'missing'"),
        (("prefs", "set", "ada", "theme", "dark"), "VALUE is not valid JSON"),
        (("prefs", "set", "nobody", "theme", "1"), "user nobody not found"),
        (("prefs", "import", "ada", str(bad_file)), "is not valid JSON"),
        (("prefs", "import", "ada", str(tmp_path / "none.json")), "does not exist"),
        (("prefs", "export", "ada", f"--file={exported}"), "exists"),
        (("prefs", "delete", "ada", "missing"), "has no preference"),
    ):
        assert message in cli.error(*args), args
    assert db_snapshot(ready_target) == before
    assert (
        cli.ok("prefs", "import", "ada", "-", "--replace", input='{"size": 14}') == "imported 1 preference\n"
    )
    assert json.loads(cli.ok("prefs", "export", "ada")) == {"size": 14}
