"""Users: unique usernames, emails unique ignoring case, API keys kept only as salted scrypt
hashes and never shown, on both backends, through the API and the CLI."""

import json
from pathlib import Path

import pytest

import codedb
from conftest import CLI, db_snapshot, snapshot


def test_add_get_update_list_and_uniqueness(db: codedb.Database) -> None:
    ada = db.users.add("ada", "Ada@Example.com", "Ada Lovelace", {"theme": "dark"})
    assert db.users.get(ada.user_id) == ada
    assert ada.preferences == {"theme": "dark"} and ada.is_active is True and ada.api_key_hash is None
    before = snapshot(db)
    with pytest.raises(codedb.Conflict, match="username 'ada' is taken"):
        db.users.add("ada")
    with pytest.raises(codedb.Conflict, match="belongs to user ada already"):
        db.users.add("bob", "ada@EXAMPLE.com")  # the same address, another case
    for bad, message in (
        ({"username": " "}, "empty username"),
        ({"username": "bob", "email": "not an address"}, "invalid email"),
        ({"username": "bob", "preferences": ["a"]}, "preferences must be an object"),
        ({"username": "bob", "preferences": {"x": float("nan")}}, "cannot be written as JSON"),
        ({"username": "b\x00b"}, "NUL"),
        ({"username": "bob", "preferences": {"x": "a\x00b"}}, "NUL"),  # jsonb cannot hold \u0000
        ({"username": "bob", "preferences": {"k\x00": 1}}, "NUL"),
    ):
        with pytest.raises(codedb.InvalidInput, match=message):
            db.users.add(**bad)  # type: ignore[arg-type]
    assert snapshot(db) == before
    bob = db.users.add("bob")
    updated = db.users.update(bob.user_id, email="bob@example.com", preferences={"n": [1, 2]})
    assert (updated.email, updated.preferences) == ("bob@example.com", {"n": [1, 2]})
    with pytest.raises(codedb.Conflict):
        db.users.update(bob.user_id, email="ADA@example.com")
    assert [u.username for u in db.users.list()] == ["ada", "bob"]
    db.users.set_active(bob.user_id, False)
    assert [u.username for u in db.users.list(active=True)] == ["ada"]
    assert [u.username for u in db.users.list(active=False)] == ["bob"]
    assert db.users.resolve("bob") == bob.user_id and db.users.resolve(bob.user_id[:8]) == bob.user_id


def test_api_keys_are_hashed_and_checked(db: codedb.Database) -> None:
    ada = db.users.add("ada")
    key = db.users.new_key(ada.user_id)
    stored = db.users.get(ada.user_id).api_key_hash
    assert stored is not None and stored.startswith("scrypt$16384$8$1$") and key not in stored
    assert key not in repr(db.users.get(ada.user_id)) and stored not in repr(db.users.get(ada.user_id))
    assert db.users.verify_key(ada.user_id, key) is True
    assert db.users.get(ada.user_id).last_login is not None
    assert db.users.verify_key(ada.user_id, key + "x") is False
    assert db.users.verify_key(ada.user_id, "") is False
    newer = db.users.new_key(ada.user_id)  # replaces the old key
    assert db.users.verify_key(ada.user_id, key) is False and db.users.verify_key(ada.user_id, newer) is True
    db.users.set_active(ada.user_id, False)
    assert db.users.verify_key(ada.user_id, newer) is False  # a deactivated user's key fails
    other = db.users.add("other")
    db.users.new_key(other.user_id)
    salts = {db.users.get(u).api_key_hash.split("$")[4] for u in (ada.user_id, other.user_id)}  # type: ignore[union-attr]
    assert len(salts) == 2  # a fresh salt per key


def test_a_key_names_its_user_and_is_checked_once_a_minute(
    db: codedb.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codedb.domains.users import api as users_api
    from codedb.domains.users import keys

    ada = db.users.add("ada")
    key = db.users.new_key(ada.user_id)
    assert key.startswith(f"cdb_{ada.user_id}.")  # the key says whose it is: no scan of every hash
    checks: list[str] = []
    real_check = keys.check_key
    monkeypatch.setattr(keys, "check_key", lambda k, stored: checks.append(k) or real_check(k, stored))
    assert db.users.authenticate(key).user_id == ada.user_id
    assert db.users.authenticate(key).user_id == ada.user_id
    assert len(checks) == 1  # the second request did not pay scrypt
    assert db.users.get(ada.user_id).last_login is not None
    clock = [users_api.monotonic() + users_api.VERIFIED_FOR + 1]  # a minute later: checked again
    monkeypatch.setattr(users_api, "monotonic", lambda: clock[0])
    db.users.authenticate(key)
    assert len(checks) == 2
    # A new key, a revoked key, a deactivated user: the cached check is not trusted.
    newer = db.users.new_key(ada.user_id)
    with pytest.raises(codedb.Unauthorized, match="invalid API key"):
        db.users.authenticate(key)
    assert db.users.authenticate(newer).user_id == ada.user_id
    db.users.set_active(ada.user_id, False)
    with pytest.raises(codedb.Forbidden, match="user ada is deactivated"):
        db.users.authenticate(newer)
    db.users.set_active(ada.user_id, True)
    db.users.revoke_key(ada.user_id)
    with pytest.raises(codedb.Unauthorized):
        db.users.authenticate(newer)
    wrong = ("", "cdb_", "no key", f"cdb_{ada.user_id}", "cdb_nobody.secret", key + "x", "x" * 10_000, None)
    for bad in wrong:
        with pytest.raises(codedb.Unauthorized) as caught:
            db.users.authenticate(bad)  # type: ignore[arg-type]
        assert "\n" not in str(caught.value) and str(newer) not in str(caught.value)


def test_deleting_a_user_keeps_their_projects(db: codedb.Database) -> None:
    ada = db.users.add("ada")
    project = db.projects.create("shop", user_id=ada.user_id)
    db.users.delete(ada.user_id)
    assert db.projects.get(project.project_id).user_id is None
    with pytest.raises(codedb.NotFound):
        db.users.delete(ada.user_id)


def test_the_cli_never_prints_a_key_or_hash_but_once(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    uid = cli.ok("users", "add", "--username=ada", "--email=ada@example.com").strip()
    key = cli.ok("users", "key", "ada").strip()
    assert key.startswith("cdb_") and len(key) > 40
    stored = db_snapshot(cli.target)["users"][0].api_key_hash
    assert cli.ok("users", "verify-key", "ada", input=key + "\n") == "valid\n"
    line = cli.error("users", "verify-key", uid[:8], input="cdb_wrong\n")
    assert key not in line and "cdb_wrong" not in line
    assert cli("users", "verify-key", "ada", env={"CODEDB_API_KEY": key}).returncode == 0
    everything = [
        cli.ok("users", "list"),
        cli.ok("users", "list", "--json"),
        cli.ok("users", "list", "--csv"),
        cli.ok("users", "show", "ada"),
        cli.ok("users", "show", "ada", "--json"),
        cli.ok("stats"),
    ]
    for text in everything:
        assert key not in text and stored not in text
    assert json.loads(everything[4])["has_api_key"] is True
    export = cli.ok("export")  # exports carry the hash (to restore logins), never the key
    assert stored in export and key not in export
    assert "username 'ada' is taken" in cli.error("users", "add", "--username=ada")
    assert "is not valid JSON" in cli.error("users", "add", "--username=b", "--preferences={bad")
    assert "user nobody not found" in cli.error("users", "show", "nobody")
    assert cli.ok("users", "deactivate", "ada") == "ada is deactivated\n"
    assert cli("users", "verify-key", "ada", input=key).returncode == 1
