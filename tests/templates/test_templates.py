"""The template marketplace on both backends: versions, tags, ratings (average and count
from the rows), downloads per install, search and sorts, installing without overwriting,
unpublishing; bad input refused whole."""

import json
import os
from pathlib import Path

import pytest

import codedb
from conftest import CLI, db_snapshot, snapshot


def _market(db: codedb.Database) -> dict[str, str]:
    users = {name: db.users.add(name).user_id for name in ("ada", "bob", "cy")}
    db.templates.publish("fastapi-app", "v1", description="A web API", author="ada", tags=["web", "python"])
    db.templates.publish("fastapi-app", "v2", notes="async")
    db.templates.publish("cli-tool", "click", description="A command line", author="bob", tags=["python"])
    db.templates.publish("react-page", "jsx", description="A WEB page", author="cy", tags=["web", "js"])
    return users


def test_versions_ratings_and_downloads_come_from_rows(db: codedb.Database, tmp_path: Path) -> None:
    users = _market(db)
    app = db.templates.resolve("fastapi-app")
    listing = db.templates.get(app)
    assert (listing.latest_version, listing.tags, listing.rating, listing.ratings) == (
        2,
        ("python", "web"),
        None,
        0,
    )
    assert listing.description == "A web API" and listing.author == "ada"  # kept by the second publish
    assert [v.version for v in db.templates.versions(app)] == [2, 1]
    db.templates.rate(app, users["ada"], 5)
    db.templates.rate(app, users["bob"], 2)
    rated = db.templates.rate(app, users["bob"], 4)  # re-rating replaces bob's
    assert (rated.rating, rated.ratings) == (4.5, 2)
    assert db.templates.install(app, tmp_path / "new.py").version == 2
    assert (tmp_path / "new.py").read_text() == "v2"
    assert db.templates.install(app, tmp_path / "old.py", version=1, user_id=users["cy"]).version == 1
    assert (tmp_path / "old.py").read_text() == "v1"
    assert db.templates.get(app).downloads == 2
    before = snapshot(db)
    with pytest.raises(codedb.Conflict, match="exists already"):
        db.templates.install(app, tmp_path / "new.py")  # no overwrite without force
    assert snapshot(db) == before  # and no download counted
    db.templates.install(app, tmp_path / "new.py", version=1, force=True)
    assert (tmp_path / "new.py").read_text() == "v1" and db.templates.get(app).downloads == 3
    db.users.delete(users["ada"])  # her rating goes; the average follows the rows
    assert (db.templates.get(app).rating, db.templates.get(app).ratings) == (4.0, 1)


def test_search_filters_and_sorts(db: codedb.Database, tmp_path: Path) -> None:
    users = _market(db)
    names = lambda **kw: [t.name for t in db.templates.list(**kw)]  # noqa: E731
    assert names(sort="name") == ["cli-tool", "fastapi-app", "react-page"]
    assert names(text="WEB", sort="name") == ["fastapi-app", "react-page"]  # ignoring case
    assert names(tag="python", sort="name") == ["cli-tool", "fastapi-app"]
    assert names(author="cy") == ["react-page"]
    assert names(text="%") == []  # wildcards are literal
    db.templates.rate(db.templates.resolve("cli-tool"), users["ada"], 3)
    db.templates.rate(db.templates.resolve("react-page"), users["ada"], 5)
    assert names(sort="rating") == ["react-page", "cli-tool", "fastapi-app"]
    for sort in ("rating", "downloads", "newest"):  # each sort's query ignores case and takes % literally
        assert sorted(names(text="WeB", sort=sort)) == ["fastapi-app", "react-page"], sort
        assert names(text="%", sort=sort) == [], sort
    assert db.templates.count(text="WEB") == 2 and db.templates.count(text="_") == 0  # _ is no wildcard
    db.templates.install(db.templates.resolve("cli-tool"), tmp_path / "a")
    assert names(sort="downloads")[0] == "cli-tool"
    assert names(sort="newest")[0] == "react-page"
    assert names(sort="name", limit=1, offset=1) == ["fastapi-app"]
    assert db.templates.count(tag="web") == 2


def test_unpublish_a_version_or_the_template(db: codedb.Database) -> None:
    _market(db)
    app = db.templates.resolve("fastapi-app")
    db.templates.unpublish(app, 1)
    assert [v.version for v in db.templates.versions(app)] == [2]
    before = snapshot(db)
    with pytest.raises(codedb.Conflict, match="only version"):
        db.templates.unpublish(app, 2)
    with pytest.raises(codedb.NotFound, match="no version 7"):
        db.templates.unpublish(app, 7)
    assert snapshot(db) == before
    db.templates.unpublish(app)
    assert db.templates.publish("fastapi-app", "again").version == 1  # the name is free again
    assert not [t for t in snapshot(db)["template_tags"] if t.template_id == app]  # type: ignore[attr-defined]


def test_bad_input_is_refused_and_changes_nothing(db: codedb.Database, tmp_path: Path) -> None:
    users = _market(db)
    app = db.templates.resolve("fastapi-app")
    before = snapshot(db)
    for call, message in (
        (lambda: db.templates.publish(" ", "x"), "empty name"),
        (lambda: db.templates.publish("x", None), "content must be text"),  # type: ignore[arg-type]
        (lambda: db.templates.publish("x", "a\x00"), "NUL"),
        (lambda: db.templates.publish("x", "y", tags="web"), "tags must be a list"),
        (lambda: db.templates.rate(app, users["ada"], 6), "from 1 to 5"),
        (lambda: db.templates.rate(app, users["ada"], 0), "from 1 to 5"),
        (lambda: db.templates.rate(app, "nobody", 3), "user nobody"),
        (lambda: db.templates.install(app, tmp_path / "x", version=9), "no version 9"),
        (lambda: db.templates.install(app, tmp_path / "no" / "dir.py"), "directory .* does not exist"),
        (lambda: db.templates.list(sort="stars"), "unknown sort"),
        (lambda: db.templates.list(limit=0), "--limit"),
        (lambda: db.templates.resolve("nothing"), "not found"),
    ):
        with pytest.raises(codedb.CodedbError, match=message):
            call()
    assert snapshot(db) == before


def test_install_never_follows_a_link(db: codedb.Database, tmp_path: Path) -> None:
    _market(db)
    app = db.templates.resolve("fastapi-app")
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    os.symlink(target, tmp_path / "link.py")
    before = snapshot(db)
    with pytest.raises(codedb.Conflict, match="symbolic link"):
        db.templates.install(app, tmp_path / "link.py", force=True)
    assert target.read_text() == "keep me" and snapshot(db) == before


def test_the_templates_cli(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    cli.ok("users", "add", "--username=ada")
    (tmp_path / "app.py").write_text("print('v1')\n")
    assert (
        cli.ok("templates", "publish", "app", "--content-file=app.py", "--tags=web,python", "--author=ada")
        == "published app version 1\n"
    )
    assert (
        cli.ok("templates", "publish", "app", "--content-file=-", input="v2\n") == "published app version 2\n"
    )
    assert cli.ok("templates", "rate", "app", "ada", "4") == "app: 4.00 from 1 rating\n"
    assert cli.ok("templates", "install", "app", "out.py", "--release=1", "--user=ada").startswith(
        "installed"
    )
    assert (tmp_path / "out.py").read_text() == "print('v1')\n"
    (found,) = json.loads(cli.ok("templates", "search", "ap", "--tag=web", "--json"))
    assert (found["name"], found["latest_version"], found["rating"], found["downloads"]) == ("app", 2, 4.0, 1)
    assert cli.ok("templates", "show", "app").endswith("---\nv2\n")
    assert [v["version"] for v in json.loads(cli.ok("templates", "versions", "app", "--json"))] == [2, 1]
    before = db_snapshot(ready_target)
    for args, message in (
        (("templates", "rate", "app", "ada", "6"), "from 1 to 5"),
        (("templates", "rate", "app", "ada", "four"), "invalid RATING"),
        (("templates", "install", "app", "out.py"), "exists already"),
        (("templates", "install", "nope", "new.py"), "template nope not found"),
        (("templates", "show", "app", "--release=5"), "no version 5"),
        (("templates", "publish", "x", "--content-file=missing.py"), "does not exist"),
        (("templates", "list", "--sort=stars"), "unknown sort"),
        (("templates", "unpublish", "app", "--release=0"), "--release must be 1 or more"),
    ):
        assert message in cli.error(*args), args
    assert db_snapshot(ready_target) == before
    assert cli.ok("templates", "unpublish", "app") == "unpublished app\n"


def test_the_rating_order_follows_every_write(db: codedb.Database, tmp_path: Path) -> None:
    """The listing by rating reads template_stats (migration 0015), kept by triggers; after
    ratings, re-ratings, a user's deletion, downloads, plain SQL deletes and an unpublish it
    gives what the rows themselves give (the template_listing view computes from them)."""
    users = _market(db)
    ids = {t.name: t.template_id for t in db.templates.list(sort="name")}

    def same() -> None:
        listed = db.templates.list(sort="rating", limit=100)
        for t in listed:
            assert (t.rating, t.ratings, t.downloads) == (
                db.templates.get(t.template_id).rating,
                db.templates.get(t.template_id).ratings,
                db.templates.get(t.template_id).downloads,
            ), t.name
        keys = [(-(t.rating or 0), -t.ratings, t.template_id) for t in listed]
        assert keys == sorted(keys)

    for name, user, stars in (("cli-tool", "ada", 5), ("cli-tool", "bob", 2), ("react-page", "cy", 4)):
        db.templates.rate(ids[name], users[user], stars)
    same()
    db.templates.rate(ids["cli-tool"], users["bob"], 5)  # re-rating replaces bob's
    db.templates.install(ids["react-page"], tmp_path / "a")
    db.templates.install(ids["react-page"], tmp_path / "b")
    same()
    db.users.delete(users["ada"])  # her rating goes with her
    with db.transaction():
        db.conn.execute(
            "DELETE FROM template_downloads"
            " WHERE download_id = (SELECT MIN(download_id) FROM template_downloads)"
        )
    same()
    db.templates.unpublish(ids["cli-tool"])
    same()
    assert [t.name for t in db.templates.list(sort="rating")] == ["react-page", "fastapi-app"]
    # a page the walk of the best rated holds, and one it does not (every match ranked): one order
    whole = db.templates.list(text="a", sort="rating")
    assert len(whole) == 2 and db.templates.list(text="a", sort="rating", limit=1) == whole[:1]
    assert db.templates.list(text="a", sort="rating", limit=1, offset=1) == whole[1:]
    if db.dialect == "sqlite":
        ran: list[str] = []
        db.conn.set_trace_callback(ran.append)
        db.templates.list(text="a", sort="rating")
        db.conn.set_trace_callback(None)
        walk = next(sql for sql in ran if "FROM template_stats" in sql)  # the bounded walk
        plan = " ".join(row[3] for row in db.conn.execute(f"EXPLAIN QUERY PLAN {walk}"))
        assert "SCAN template_stats USING INDEX template_stats_rating_idx" in plan, plan
        ran.clear()
        db.conn.set_trace_callback(ran.append)
        db.templates.list(sort="rating")
        db.conn.set_trace_callback(None)
        plan = " ".join(row[3] for row in db.conn.execute(f"EXPLAIN QUERY PLAN {ran[0]}"))
        assert "template_stats_rating_idx" in plan and "TEMP B-TREE" not in plan, (
            plan
        )  # stops at the page's end
