"""DuilioCode's own calls over codedb (docs/moving.md, DuilioCode), so that its code runs unchanged:

    from codedb.compat.duilio import get_database_service
    service = get_database_service()             # $CODEDB_URL, else ./code_db.sqlite
    service.set_preference("user123", "theme", "dark")
    service.save_message("user123", "s1", "user", "hello")
    service.get_conversation_history("user123", "s1")

Its users are its own strings ("user123"): each is a codedb user of that name, made the
first time it is seen (the same user an import of DuilioCode's database made: db.origins).
Preference values are its plain text (a JSON string in codedb); a user keeps any number of
keys (DuilioCode's one-preference-per-user table is not reproduced). As DuilioCode's service,
no call raises: a failure is logged (logger `codedb.compat.duilio`) and the call returns
False, the default, or an empty list.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar

from ..core.db import Database, connect
from ..schema.migrations import migrate

SYSTEM = "duilio"
log = logging.getLogger("codedb.compat.duilio")
T = TypeVar("T")


class DatabaseService:
    """DuilioCode's database service over one codedb database."""

    def __init__(self, database_url: str | None = None):
        self.db: Database = connect(database_url)
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    def _guard(self, what: str, fallback: T, work: Callable[[], T]) -> T:
        """`work`'s answer, in one transaction (a failure leaves nothing: not even the user it
        made), or `fallback` when it fails."""
        try:
            with self.db.transaction():
                return work()
        except Exception as exc:  # DuilioCode's service logs and goes on: so does this one
            log.error("%s failed: %s", what, exc)
            return fallback

    def _user(self, user_id: str, create: bool) -> str | None:
        """The codedb user of DuilioCode's user string (made when `create`)."""
        if not isinstance(user_id, str) or not user_id.strip():
            raise ValueError(f"user_id must be text, not {user_id!r}")
        name = user_id.strip()
        found = self.db.origins.record_id(SYSTEM, "users", name)
        if found is not None:
            return found
        held = self.db.users.find(name)
        if held is None and not create:
            return None
        with self.db.transaction():
            held = held or self.db.users.add(name)
            self.db.origins.remember(SYSTEM, "users", [(name, held.user_id)])
        return held.user_id

    # --- preferences --------------------------------------------------------------------------

    def get_preference(self, user_id: str, key: str, default: Any = None) -> Any:
        def work() -> Any:
            found = self._user(user_id, create=False)
            return default if found is None else self.db.preferences.get(found, key, default)

        return self._guard("get_preference", default, work)

    def set_preference(self, user_id: str, key: str, value: Any) -> bool:
        def work() -> bool:
            self.db.preferences.set(self._user(user_id, create=True) or "", key, value)
            return True

        return self._guard("set_preference", False, work)

    def get_all_preferences(self, user_id: str) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            found = self._user(user_id, create=False)
            return {} if found is None else self.db.preferences.export(found)

        return self._guard("get_all_preferences", {}, work)

    # --- conversation history ----------------------------------------------------------------

    def save_message(
        self,
        user_id: str,
        session_id: str,
        role: str,
        content: str,
        model: str | None = None,
        workspace_path: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> bool:
        def work() -> bool:
            self.db.history.save(
                self._user(user_id, create=True) or "",
                session_id,
                role,
                content,
                model=model,
                workspace_path=workspace_path,
                extra=metadata,
            )
            return True

        return self._guard("save_message", False, work)

    def get_conversation_history(
        self, user_id: str, session_id: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        """The user's latest `limit` messages (of one session, or of all), oldest first."""

        def work() -> list[dict[str, Any]]:
            found = self._user(user_id, create=False)
            if found is None:
                return []
            messages = self.db.history.latest_of_user(found, limit, session_id=session_id)
            return [
                {
                    "role": m.role,
                    "content": m.content,
                    "model": m.model,
                    "workspace_path": m.workspace_path,
                    "metadata": m.extra,
                    "created_at": m.created_at.isoformat(),
                }
                for m in messages
            ]

        return self._guard("get_conversation_history", [], work)

    def get_sessions(self, user_id: str, limit: int = 20) -> list[str]:
        """The user's session ids, the most recent first."""

        def work() -> list[str]:
            found = self._user(user_id, create=False)
            return (
                [] if found is None else [s.session_id for s in self.db.history.sessions(found, limit=limit)]
            )

        return self._guard("get_sessions", [], work)

    # --- metrics ----------------------------------------------------------------------------------

    def save_metric(
        self,
        operation: str,
        duration_ms: float,
        success: bool = True,
        error: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> bool:
        def work() -> bool:
            self.db.metrics.record(operation, duration_ms, success=bool(success), error=error, extra=metadata)
            return True

        return self._guard("save_metric", False, work)

    def get_metrics(self, operation: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The latest runs (of one operation, or of all), newest first."""

        def work() -> list[dict[str, Any]]:
            return [
                {
                    "operation": m.operation,
                    "duration_ms": m.duration_ms,
                    "success": m.success,
                    "error": m.error,
                    "metadata": m.extra,
                    "created_at": m.created_at.isoformat(),
                }
                for m in self.db.metrics.latest(operation, limit=limit)
            ]

        return self._guard("get_metrics", [], work)


_service: DatabaseService | None = None


def get_database_service(database_url: str | None = None) -> DatabaseService:
    """The service of the database named by `database_url`, else $CODEDB_URL (DuilioCode read
    $DATABASE_URL: it is taken too), else ./code_db.sqlite; one per process, as DuilioCode's."""
    global _service
    if _service is None or (database_url is not None and _service.db.target.raw != database_url):
        if _service is not None:
            _service.close()
        _service = DatabaseService(
            database_url or os.environ.get("CODEDB_URL") or os.environ.get("DATABASE_URL")
        )
    return _service
