"""Issue #22 item 13: one limit on both backends for text stored in an indexed column (ids,
names, tags, paths, keys): SQLite took a 12,000-letter function name that PostgreSQL's index
could not hold, so `copy` to PostgreSQL failed and 1 MB names gave server errors."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import codedb
from codedb.core.convert import MAX_KEY_TEXT, key_fields
from codedb.core.registry import table_records
from conftest import CLI, snapshot

LONG = "é" * (MAX_KEY_TEXT + 1)  # 1,002 bytes in UTF-8: short enough for any driver, too long here
SAID = f"characters long; names, ids, tags and paths are kept to {MAX_KEY_TEXT} characters"


def _writes(db: codedb.Database) -> dict[str, Callable[[], Any]]:
    user = db.users.add("ada").user_id
    project = db.projects.create("p", user_id=user).project_id
    db.templates.publish("t", "content")
    return {
        "function name": lambda: db.functions.add(LONG, code="x = 1"),
        "module": lambda: db.functions.add("f", code="x = 1", modules=[LONG]),
        "tag": lambda: db.functions.add("f", code="x = 1", tags=[LONG]),
        "function id": lambda: db.functions.add("f", code="x = 1", function_id=LONG),
        "username": lambda: db.users.add(LONG),
        "email": lambda: db.users.add("bob", email=LONG[:-10] + "@x.example"),
        "email update": lambda: db.users.update(user, email=LONG[:-10] + "@x.example"),
        "project name": lambda: db.projects.create(LONG),
        "project rename": lambda: db.projects.update(project, name=LONG),
        "template": lambda: db.templates.publish(LONG, "c"),
        "template author": lambda: db.templates.publish("t", "c2", author=LONG),
        "template tag": lambda: db.templates.publish("t", "c3", tags=[LONG]),
        "metric": lambda: db.metrics.record(LONG, 1.0),
        "measurement": lambda: db.analytics.record(LONG, 1.0),
        "provider": lambda: db.usage.record(provider=LONG, model="m"),
        "model": lambda: db.usage.record(provider="openai", model=LONG),
        "autosave": lambda: db.autosaves.save(LONG, "content"),
        "generated file": lambda: db.generated_files.save(project, "a/" + LONG, "content"),
        "session": lambda: db.history.save(user, LONG, "user", "hello"),
    }


def test_every_indexed_text_is_kept_to_the_limit_on_both_backends(db: codedb.Database) -> None:
    writes = _writes(db)
    before = snapshot(db)
    for what, write in writes.items():
        with pytest.raises(codedb.InvalidInput) as caught:
            write()
        assert SAID in str(caught.value), (what, caught.value)
        assert snapshot(db) == before, what
    # At the limit, everything is taken, and PostgreSQL's indexes hold it.
    most = "é" * MAX_KEY_TEXT
    db.functions.add(most, code="x = 1", modules=[most], tags=[most])
    db.users.add(most)
    db.metrics.record(most, 1.0)
    assert db.functions.count() == 1


def test_the_command_line_and_an_import_say_which_text_is_too_long(
    tmp_path: Path, new_cli: Callable[[str], CLI]
) -> None:
    cli = new_cli("code_db.sqlite")
    assert cli.error("add-function", f"--name={'n' * 12000}", "--code=x") == (
        "Error: a function's name is 12,000 characters long; names, ids, tags and paths are kept to "
        f"{MAX_KEY_TEXT} characters (what PostgreSQL can index): give a shorter one"
    )
    row = {
        "function_id": "f1", "name": "n" * 12000, "description": "", "code_snippet": "",
        "creation_date": "2024-01-01T00:00:00", "last_modified_date": "2024-01-01T00:00:00",
    }  # fmt: skip
    dump = tmp_path / "d.json"
    dump.write_text(json.dumps({"format": "codedb-dump", "format_version": 1, "tables": {"function": [row]}}))
    assert cli.error("import", str(dump)).startswith(
        f"Error: {dump}: function row 1: not a valid Function record: a function's name is 12,000 characters"
    )


@pytest.mark.postgres
def test_every_indexed_text_column_is_a_key_field(pg_migrated_url: str) -> None:
    """The declaration (KEY, and *_id) is held equal to PostgreSQL's catalog: every text
    column of a b-tree index of a codedb table is one, so a new index cannot miss the limit."""
    with codedb.connect(pg_migrated_url) as db:
        indexed = {
            (table, column)
            for table, column in db.conn.execute(
                "SELECT DISTINCT t.relname, a.attname FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = ic.relam "
                "JOIN pg_attribute a ON a.attrelid = t.oid "
                "AND (a.attnum = ANY(i.indkey) "
                "OR pg_get_indexdef(i.indexrelid) LIKE '%(' || a.attname || ')%') "
                "WHERE t.relnamespace = current_schema()::regnamespace AND am.amname = 'btree' "
                "AND a.atttypid = 'text'::regtype"
            )
        }
    records = table_records()
    declared = {(table, name) for table, cls in records.items() for name, _ in key_fields(cls)}
    missing = {(t, c) for t, c in indexed if t in records and (t, c) not in declared}
    assert missing == set()
    assert ("users", "email") in declared  # indexed through lower(email)

