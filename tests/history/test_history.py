"""Conversation history on both backends: messages by session oldest first, the last N, a
user's sessions with activity, counts and tokens, deleting and pruning, Markdown; bad input
refused whole."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import codedb
from conftest import CLI, db_snapshot, snapshot

T0 = (datetime.now(UTC) - timedelta(days=10)).replace(tzinfo=None, hour=12, minute=0, second=0, microsecond=0)


def _conversation(db: codedb.Database) -> tuple[str, str]:
    ada, bob = db.users.add("ada").user_id, db.users.add("bob").user_id
    for n in range(6):
        role = "user" if n % 2 == 0 else "assistant"
        db.history.save(ada, "s1", role, f"message {n}", tokens=n, at=T0 + timedelta(minutes=n))
    db.history.save(ada, "s2", "system", "be brief", extra={"tokens": 7}, at=T0 + timedelta(days=1))
    db.history.save(bob, "s3", "user", "hi", at=T0 - timedelta(days=100))
    return ada, bob


def test_sessions_and_their_messages(db: codedb.Database) -> None:
    ada, bob = _conversation(db)
    assert [m.content for m in db.history.messages("s1")] == [f"message {n}" for n in range(6)]
    assert [m.content for m in db.history.messages("s1", last=2)] == ["message 4", "message 5"]
    assert [m.content for m in db.history.messages("s1", limit=2, offset=1)] == ["message 1", "message 2"]
    sessions = db.history.sessions(ada)
    assert [(s.session_id, s.messages, s.tokens) for s in sessions] == [("s2", 1, 7), ("s1", 6, 15)]
    assert sessions[1].first_at == T0 and sessions[1].last_at == T0 + timedelta(minutes=5)
    assert db.history.messages("s2")[0].extra == {"tokens": 7}  # tokens read from extra
    markdown = db.history.markdown("s1")
    day = f"{T0:%Y-%m-%d}"
    assert markdown.startswith(f"# Session s1\n\nada, {day} 12:00 to {day} 12:05 UTC, 6 messages")
    assert f"## assistant · {day} 12:01:00 (1 tokens)\n\nmessage 1" in markdown
    assert db.history.delete_session("s2") == 1
    assert [s.session_id for s in db.history.sessions(ada)] == ["s1"]
    db.users.delete(bob)  # a user's history goes with them
    assert {m.session_id for m in snapshot(db)["conversation_history"]} == {"s1"}  # type: ignore[attr-defined]


def test_prune_counts_first_then_deletes_only_older_rows(db: codedb.Database) -> None:
    _conversation(db)
    before = snapshot(db)
    count, cutoff = db.history.prune("90d", dry_run=True)
    assert count == 1 and snapshot(db) == before
    assert abs(datetime.now(UTC).replace(tzinfo=None) - timedelta(days=90) - cutoff) < timedelta(minutes=5)
    assert db.history.prune("90d")[0] == 1 and db.history.prune("90d")[0] == 0
    assert {m.session_id for m in snapshot(db)["conversation_history"]} == {"s1", "s2"}  # type: ignore[attr-defined]
    assert db.history.prune(f"{T0:%Y-%m-%d}T12:03:00")[0] == 3  # a date: messages 0, 1, 2
    assert [m.content for m in db.history.messages("s1")] == ["message 3", "message 4", "message 5"]


def test_bad_input_is_refused_and_changes_nothing(db: codedb.Database) -> None:
    ada, bob = _conversation(db)
    before = snapshot(db)
    for call, kind, message in (
        (lambda: db.history.save(ada, "s1", "robot", "x"), codedb.InvalidInput, "unknown role"),
        (lambda: db.history.save(ada, " ", "user", "x"), codedb.InvalidInput, "empty session id"),
        (lambda: db.history.save(ada, "s1", "user", "a\x00b"), codedb.InvalidInput, "NUL"),
        (lambda: db.history.save(ada, "s1", "user", "x", tokens=-1), codedb.InvalidInput, "tokens must be"),
        (lambda: db.history.save(ada, "s1", "user", "x", extra=[1]), codedb.InvalidInput, "extra must be"),
        (lambda: db.history.save("nobody", "s9", "user", "x"), codedb.NotFound, "user nobody"),
        (lambda: db.history.save(bob, "s1", "user", "x"), codedb.Conflict, "belongs to user"),
        (lambda: db.history.messages("nope"), codedb.NotFound, "session nope not found"),
        (lambda: db.history.messages("s1", last=0), codedb.InvalidInput, "--last"),
        (lambda: db.history.delete_session("nope"), codedb.NotFound, "not found"),
        (lambda: db.history.prune("soon"), codedb.InvalidInput, "invalid --older-than"),
        (lambda: db.history.prune("0d"), codedb.InvalidInput, "invalid --older-than"),
    ):
        with pytest.raises(kind, match=message):
            call()
    assert snapshot(db) == before


def test_the_history_cli(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    cli.ok("users", "add", "--username=ada")
    cli.ok("history", "save", "ada", "s1", "--role=user", "--content=hello", "--tokens=3")
    (tmp_path / "answer.txt").write_text("Hi, *ada*!\n")
    cli.ok("history", "save", "ada", "s1", "--role=assistant", "--content-file=answer.txt", "--model=gpt")
    shown = json.loads(cli.ok("history", "show", "s1", "--json"))
    assert [(m["role"], m["content"]) for m in shown] == [("user", "hello"), ("assistant", "Hi, *ada*!\n")]
    assert json.loads(cli.ok("history", "show", "s1", "--last=1", "--json"))[0]["model"] == "gpt"
    sessions = json.loads(cli.ok("history", "sessions", "ada", "--json"))
    assert [(s["session_id"], s["messages"], s["tokens"]) for s in sessions] == [("s1", 2, 3)]
    assert cli.ok("history", "export", "s1").startswith("# Session s1\n")
    assert json.loads(cli.ok("history", "export", "s1", "--format=json"))[1]["model"] == "gpt"
    assert cli.ok("history", "prune", "--older-than=1d", "--dry-run").startswith("would delete 0 messages")
    before = db_snapshot(ready_target)
    for args, message in (
        (("history", "save", "ada", "s1", "--role=bot", "--content=x"), "unknown role"),
        (("history", "save", "bob", "s1", "--role=user", "--content=x"), "user bob not found"),
        (
            ("history", "save", "ada", "s1", "--role=user", "--content=x", "--extra=[1"),
            "--extra is not valid JSON",
        ),
        (("history", "save", "ada", "s1", "--role=user", "--content=x", "--tokens=-2"), "--tokens must be"),
        (("history", "show", "nope"), "session nope not found"),
        (("history", "prune", "--older-than=ninety"), "invalid --older-than"),
        (("history", "export", "s1", "--format=pdf"), "unknown --format"),
    ):
        assert message in cli.error(*args), args
    assert db_snapshot(ready_target) == before
    assert cli.ok("history", "delete", "s1") == "deleted session s1: 2 messages\n"
