"""DuilioCode's service (docs/moving.md, DuilioCode) over codedb, run as its code runs it: one service
from get_database_service(), calls that never raise; on both backends. A user keeps any number
of preference keys (the old table kept one per user)."""

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codedb.compat import duilio
from conftest import CLI, db_snapshot

sys.path.insert(0, str(Path(__file__).parents[1] / "legacy"))
from sources import duilio_db  # noqa: E402

MESSAGE_KEYS = {"role", "content", "model", "workspace_path", "metadata", "created_at"}
METRIC_KEYS = {"operation", "duration_ms", "success", "error", "metadata", "created_at"}


@pytest.fixture
def service(ready_target: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[duilio.DatabaseService]:
    monkeypatch.setenv("DATABASE_URL", ready_target)  # DuilioCode's own variable is honoured
    monkeypatch.delenv("CODEDB_URL", raising=False)
    monkeypatch.setattr(duilio, "_service", None)
    found = duilio.get_database_service()
    try:
        yield found
    finally:
        found.close()


def test_preferences_several_keys_per_user(service: duilio.DatabaseService) -> None:
    assert duilio.get_database_service() is service
    assert service.get_preference("user123", "theme", "light") == "light"  # nobody yet: the default
    assert service.get_all_preferences("user123") == {}
    assert service.set_preference("user123", "theme", "dark") is True
    assert service.set_preference("user123", "font", "mono") is True
    assert service.set_preference("user123", "theme", "solarized") is True  # replaces
    assert service.set_preference("other", "theme", "light") is True
    assert service.get_preference("user123", "theme") == "solarized"
    assert service.get_preference("user123", "missing", 7) == 7
    assert service.get_all_preferences("user123") == {"theme": "solarized", "font": "mono"}
    assert service.get_all_preferences("other") == {"theme": "light"}
    held = service.db.users.find("user123")
    assert held is not None and service.db.preferences.get(held.user_id, "font") == "mono"


def test_conversation_history_latest_in_order_and_sessions(service: duilio.DatabaseService) -> None:
    for n in range(6):
        session = "s1" if n < 4 else "s2"
        assert service.save_message("user123", session, "user" if n % 2 == 0 else "assistant", f"m{n}",
                                    model="llama3", workspace_path="/w", metadata={"n": n})  # fmt: skip
    service.save_message("other", "s9", "user", "not mine")
    history = service.get_conversation_history("user123", "s1")
    assert [m["content"] for m in history] == ["m0", "m1", "m2", "m3"]  # chronological
    assert set(history[0]) == MESSAGE_KEYS and history[0]["metadata"] == {"n": 0}
    assert history[1]["role"] == "assistant" and history[0]["model"] == "llama3"
    # The latest `limit`, of every session when none is named, still oldest first.
    assert [m["content"] for m in service.get_conversation_history("user123", limit=3)] == ["m3", "m4", "m5"]
    assert service.get_sessions("user123") == ["s2", "s1"]
    assert service.get_sessions("user123", limit=1) == ["s2"]
    assert service.get_conversation_history("nobody") == [] and service.get_sessions("nobody") == []


def test_metrics_newest_first(service: duilio.DatabaseService) -> None:
    assert service.save_metric("chat", 120.5) is True
    assert service.save_metric("index", 40.0, success=False, error="disk full", metadata={"files": 3})
    assert service.save_metric("chat", 99.0)
    latest = service.get_metrics()
    assert [(m["operation"], m["duration_ms"]) for m in latest] == [("chat", 99.0), ("index", 40.0),
                                                                    ("chat", 120.5)]  # fmt: skip
    assert set(latest[0]) == METRIC_KEYS
    failed = service.get_metrics("index")
    assert failed == [{**failed[0], "success": False, "error": "disk full", "metadata": {"files": 3}}]
    assert len(service.get_metrics(limit=2)) == 2


def test_failures_are_logged_and_answered_with_the_fallback(
    service: duilio.DatabaseService, caplog: pytest.LogCaptureFixture
) -> None:
    before = db_snapshot(service.db.target.raw)
    caplog.set_level(logging.ERROR, logger="codedb.compat.duilio")
    assert service.set_preference("", "theme", "dark") is False
    assert service.save_message("user123", "s1", "user", "bad \ud800 text") is False
    assert service.save_metric("chat", float("nan")) is False
    assert service.get_preference(None, "theme", "fallback") == "fallback"  # type: ignore[arg-type]
    assert service.get_metrics(limit=-1) == []
    assert service.set_preference("user123", "a\nb\x1b[2J", "dark\x00") is False  # its message quotes the key
    assert len(caplog.records) == 6
    assert all(r.getMessage().isprintable() and " failed: " in r.getMessage() for r in caplog.records)
    assert db_snapshot(service.db.target.raw) == before  # nothing half-written
    service.close()
    assert service.get_sessions("user123") == [] and service.save_metric("chat", 1.0) is False


def test_an_imported_database_answers_its_calls(
    service: duilio.DatabaseService, ready_target: str, tmp_path: Path
) -> None:
    CLI(ready_target, tmp_path).ok("import-legacy", str(duilio_db(tmp_path / "duiliocode.db", 4)))
    held = service.db.users.find("user1")
    assert held is not None
    assert service.get_all_preferences("user1") == service.db.preferences.export(held.user_id) != {}
    history = service.get_conversation_history("user1", limit=1000)
    assert history and history == sorted(history, key=lambda m: m["created_at"])
    assert service.save_message("user1", "new", "user", "after the move") is True
    assert service.get_sessions("user1")[0] == "new"
    assert service.db.users.find("user1") == held  # the same user, not a second one
