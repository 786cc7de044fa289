"""DuilioCode (a local coding assistant) moving onto codedb: its SQLite database, as docs/moving.md
(DuilioCode) describes it.

- Its users are the tool's own strings ("user123"), registered nowhere: each becomes a codedb
  user of that name (the codedb user of that name if there is one: a local tool's user is its
  machine's), remembered in external_ids (kind users).
- user_preferences -> user_preferences: a value is the tool's plain text, a JSON string here.
- conversation_history -> conversation_history (extra_data as extra), system_metrics ->
  system_metrics. Ids are the tool's integers, kept in external_ids."""

import json
from typing import Any

from ..domains.history.records import Message
from ..domains.metrics.records import Metric
from ..domains.preferences.records import Preference
from ..domains.users.records import User
from .tool import ToolImport

TABLES = ("user_preferences", "conversation_history", "system_metrics")
ROLES = {"system": "system", "user": "user", "human": "user", "assistant": "assistant", "ai": "assistant",
         "model": "assistant", "bot": "assistant", "tool": "tool", "function": "tool"}  # fmt: skip


class Duilio(ToolImport):
    system = "duilio"
    label = "DuilioCode database"

    def user(self, name: Any, what: str) -> str | None:
        """The codedb user of the tool's user string (made on first sight)."""
        text = self.key_text(name, f"{what} user_id").strip()
        if not text:
            return None
        known = self.known("users", text)
        if known is not None:
            self._ids[("users", text)] = known
            return known
        held = self.db.users.find(text)
        user_id = held.user_id if held is not None else self.record_id("users", text)
        self._ids[("users", text)] = user_id
        if held is None and user_id not in self.records.get("users", {}):
            user = User(user_id, text, None, "", {}, created_at=self.stamp, updated_at=self.stamp)
            self.add("users", "users", user)  # named by the rows: the tool has no table of users
        return user_id

    def _user_preferences(self, row: dict[str, Any]) -> None:
        what = f"preference {row.get('id')}"
        user_id = self.user(row.get("user_id"), what)
        key = self.key_text(row.get("key"), f"{what} key").strip()
        if user_id is None or not key:
            self.leave_out("user_preferences", str(row.get("id")), "no user or no key")
            return
        created = self.time(row.get("created_at"), f"{what} created_at")
        value = self.text(row.get("value"), f"{what} value")
        self.add(
            "user_preferences",
            "user_preferences",
            Preference(
                user_id,
                key,
                json.dumps(value),  # the tool's values are plain text: a JSON string here
                created,
                self.time(row.get("updated_at"), f"{what} updated_at", default=created),
            ),
            key=(user_id, key),
        )

    def _conversation_history(self, row: dict[str, Any]) -> None:
        what = f"message {row.get('id')}"
        user_id = self.user(row.get("user_id"), what)
        session = self.key_text(row.get("session_id"), f"{what} session_id").strip()
        if user_id is None or not session:
            self.leave_out("conversation_history", str(row.get("id")), "no user or no session")
            return
        raw = self.text(row.get("role"), f"{what} role").strip().lower()
        role = ROLES.get(raw)
        if role is None:
            self.leave_out(
                "conversation_history", str(row.get("id")), f"role {raw!r} is not one codedb keeps"
            )
            return
        if raw != role:
            self.coerced.append(f"{what}: role {raw!r} imported as {role!r}")
        self.add(
            "conversation_history",
            "conversation_history",
            Message(
                self.record_id("conversation_history", row.get("id")),
                user_id,
                session,
                role,
                self.text(row.get("content"), f"{what} content"),
                self.text(row.get("model"), f"{what} model") or None,
                self.text(row.get("workspace_path"), f"{what} workspace_path") or None,
                0,
                self.json(row.get("extra_data", row.get("metadata")), f"{what} extra_data"),
                self.time(row.get("created_at"), f"{what} created_at"),
            ),
        )

    def _system_metrics(self, row: dict[str, Any]) -> None:
        what = f"metric {row.get('id')}"
        operation = self.key_text(row.get("operation"), f"{what} operation").strip()
        if not operation:
            self.leave_out("system_metrics", str(row.get("id")), "no operation")
            return
        error = row.get("error")
        self.add(
            "system_metrics",
            "system_metrics",
            Metric(
                self.record_id("system_metrics", row.get("id")),
                operation,
                self.number(row.get("duration_ms"), f"{what} duration_ms"),
                row.get("success") not in (0, "0", False, "false", "False"),
                None if error in (None, "") else self.text(error, f"{what} error"),
                self.json(row.get("extra_data", row.get("metadata")), f"{what} extra_data"),
                self.time(row.get("created_at"), f"{what} created_at"),
            ),
        )
