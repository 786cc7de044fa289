"""Preferences (db.preferences): a user's values by key, any JSON value each."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
import json
from typing import Any

from ...core.api import DomainAPI
from ...core.convert import check_text, checked_json_text, db_time, now
from ...core.db import is_missing_reference
from ...errors import InvalidInput, NotFound
from .records import Preference

MAX_KEY = 200


def _key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("empty preference key; give a key such as theme")
    if len(value) > MAX_KEY:
        raise InvalidInput(f"preference key of {len(value)} characters; keep it to {MAX_KEY}")
    return check_text(value.strip(), "preference key")


class Preferences(DomainAPI):
    """One JSON value per (user, key): get with a default, set (insert or replace), delete,
    list, and a user's whole set as one JSON object."""

    def find(self, user_id: str, key: str) -> Preference | None:
        """A user's preference record, or None."""
        return self.sql.get_preference(self.conn, user_id=user_id, key=_key(key))

    def get(self, user_id: str, key: str, default: Any = None) -> Any:
        """The value of a user's preference, or `default` when the user has not set it."""
        text = self.sql.get_preference_value(self.conn, user_id=user_id, key=_key(key))
        return default if text is None else json.loads(text)

    def set(self, user_id: str, key: str, value: Any) -> Preference:
        """Set a preference (insert or replace) in its own transaction; NotFound for an
        unknown user."""
        key = _key(key)
        text = checked_json_text(value, f"preference {key}")
        try:
            with self.db.transaction():
                row = self.sql.set_preference(
                    self.conn, user_id=user_id, key=key, value=text, stamp=db_time(now())
                )
        except Exception as exc:
            if is_missing_reference(exc):
                self.db.users.get(user_id)  # NotFound naming the user
            raise
        return row

    def delete(self, user_id: str, key: str) -> None:
        """Delete a preference; NotFound when the user has no such preference."""
        key = _key(key)
        with self.db.transaction():
            if self.sql.delete_preference(self.conn, user_id=user_id, key=key) == 0:
                raise NotFound(
                    f"user {user_id} has no preference {key!r}; list them with 'codedb prefs list'"
                )

    def list(self, user_id: str) -> builtins.list[Preference]:
        """A user's preferences by key (NotFound for an unknown user)."""
        self.db.users.get(user_id)
        return self.sql.list_preferences(self.conn, user_id=user_id)

    def export(self, user_id: str) -> dict[str, Any]:
        """A user's preferences as one JSON object {key: value}."""
        return {p.key: p.value for p in self.list(user_id)}

    def import_(self, user_id: str, values: Any, *, replace: bool = False) -> int:
        """Set every key of a JSON object, all or nothing (with `replace`, the user's other
        preferences are deleted); the number set."""
        if not isinstance(values, dict):
            raise InvalidInput("preferences to import must be a JSON object of key: value")
        checked = {_key(k): checked_json_text(v, f"preference {k}") for k, v in values.items()}
        stamp = db_time(now())
        with self.db.transaction():
            self.db.users.get(user_id)
            if replace:
                self.sql.clear_user_preferences_of(self.conn, user_id=user_id)
            for key, text in checked.items():
                self.sql.set_preference(self.conn, user_id=user_id, key=key, value=text, stamp=stamp)
        return len(checked)
