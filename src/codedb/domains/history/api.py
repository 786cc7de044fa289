"""Conversation history (db.history): save a message, a session's messages (all, or its
last N), a user's sessions, delete a session, prune by age, a session as Markdown."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import Any

from ...core.api import NO_LIMIT
from ...core.convert import (
    check_json,
    check_page,
    check_text,
    db_time,
    now,
    optional_text,
    params,
    parse_time,
    required_text,
    time_before,
)
from ...core.ids import new_id
from ...core.textsearch import SEARCH_CANDIDATES, SearchHit, TextQuery, snippet
from ...core.vectors import Embedded, VectorQueries
from ...errors import Conflict, InvalidInput, NotFound
from .records import ROLES, Message, SessionSummary

MAX_PAGE = 10_000

HINT = "list a user's sessions with 'codedb history sessions USER'"


def _session(value: Any) -> str:
    return required_text(value, "session id", "give the session's id")


def _tokens(tokens: Any, extra: dict[str, Any]) -> int:
    """The message's tokens: given, else extra's "tokens" when it is a whole number, else 0."""
    if tokens is None:
        found = extra.get("tokens")
        tokens = found if isinstance(found, int) and not isinstance(found, bool) and found >= 0 else 0
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 0:
        raise InvalidInput(f"tokens must be a whole number of 0 or more, not {tokens!r:.40}")
    return tokens


class History(Embedded):
    """Messages by session; a session belongs to the user who saved its first message."""

    KIND = "message"
    _queries = VectorQueries(
        queue="message_vector_queue",
        count_queue="count_message_vector_queue",
        store="store_message_vectors",
        touch="touch_message_vectors",
        of_model="message_vectors_of_model",
        version="message_vectors_version",
        count_model="count_message_vectors_of_model",
        has_model="has_message_vectors_of_model",
        models="message_vectors_models",
        one="message_vector",
        forget="forget_message_vectors",
    )

    def _text(self, row: Any) -> str:
        """What a message's vector is made from: its content."""
        return str(row[0])

    def text_hits(self, query: TextQuery, limit: int) -> builtins.list[SearchHit]:
        """The `limit` messages that best match a ranked full-text search of their content
        (migration 0019), best first, for `codedb search`; none for a search that names a
        column (name:, tag:, ...: messages have none of them)."""
        if query.columns():
            return []
        rows = self.sql.search_messages_ranked(
            self.conn, match=query.compiled(self.db.dialect), cap=SEARCH_CANDIDATES, limit=limit
        )
        return [
            SearchHit("message", mid, f"{session} ({role})", float(score), snippet(query, (content,)))
            for mid, session, role, score, content in rows
        ]

    def reindex(self) -> int:
        """Rebuild the message search index in one transaction; the number of messages."""
        with self.db.transaction():
            self.sql.clear_message_search(self.conn)
            self.sql.fill_message_search(self.conn)
            self.sql.optimize_message_search(self.conn)
            return int(self.sql.count_message_search(self.conn))

    def stale_in_index(self) -> int:
        """Messages the search index does not hold as they are (0 unless its trigger was
        bypassed); reindex repairs it."""
        return int(self.sql.count_stale_message_search(self.conn))

    def save(
        self,
        user_id: str,
        session_id: str,
        role: str,
        content: str,
        *,
        model: str | None = None,
        workspace_path: str | None = None,
        tokens: int | None = None,
        extra: dict[str, Any] | None = None,
        at: str | datetime | None = None,
    ) -> Message:
        """Save one message (its own transaction); NotFound for an unknown user, Conflict
        when the session belongs to another user."""
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r:.40}; use one of {', '.join(ROLES)}")
        if not isinstance(content, str):
            raise InvalidInput(f"content must be text, not {type(content).__name__}")
        extra = check_json({} if extra is None else extra, "extra", dict)
        message = Message(
            new_id(),
            user_id,
            _session(session_id),
            role,
            check_text(content, "content"),
            optional_text(model, "model"),
            optional_text(workspace_path, "workspace path"),
            _tokens(tokens, extra),
            extra,
            now() if at is None else parse_time(at),
        )
        with self.db.transaction():
            self.db.users.get(user_id)
            owner = self.sql.session_owner(self.conn, session_id=message.session_id)
            if owner is not None and owner != user_id:
                raise Conflict(
                    f"session {message.session_id} belongs to user {self.db.users.get(owner).username}; "
                    "give that user or another session"
                )
            self.sql.load_conversation_history(self.conn, [params(message)])
        return message

    def _owner(self, session_id: str) -> str:
        owner = self.sql.session_owner(self.conn, session_id=_session(session_id))
        if owner is None:
            raise NotFound(f"session {session_id} not found; {HINT}")
        return str(owner)

    def messages(
        self, session_id: str, *, last: int | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[Message]:
        """A session's messages oldest first; with `last`, only its last N (still oldest first).
        NotFound for a session with no message."""
        session_id = _session(session_id)
        if last is not None:
            if isinstance(last, bool) or not isinstance(last, int) or last < 1:
                raise InvalidInput("--last must be a whole number of 1 or more")
            rows = self.sql.last_session_messages(self.conn, session_id=session_id, count=last)
        else:
            rows = self.sql.session_messages(
                self.conn, session_id=session_id, limit=NO_LIMIT if limit is None else limit, offset=offset
            )
        found = rows
        if not found:
            self._owner(session_id)  # NotFound, unless only the offset went past the end
        return found

    def latest_of_user(
        self, user_id: str, count: int, *, session_id: str | None = None
    ) -> builtins.list[Message]:
        """A user's last `count` messages, of one session or of all, oldest first."""
        check_page(count, 0, MAX_PAGE)
        rows = self.sql.last_user_messages(self.conn, user_id=user_id, session_id=session_id, count=count)
        return rows

    def sessions(
        self, user_id: str, *, limit: int | None = None, offset: int = 0
    ) -> builtins.list[SessionSummary]:
        """A user's sessions, the latest active first (NotFound for an unknown user)."""
        rows = self.sql.user_sessions(
            self.conn, user_id=user_id, limit=NO_LIMIT if limit is None else limit, offset=offset
        )
        found = rows
        if not found:
            self.db.users.get(user_id)
        return found

    def delete_session(self, session_id: str) -> int:
        """Delete a session's messages; their number (NotFound for an unknown session)."""
        with self.db.transaction():
            self._owner(session_id)
            return int(self.sql.delete_session(self.conn, session_id=session_id))

    def prune(self, older_than: str | datetime | timedelta, *, dry_run: bool = False) -> tuple[int, datetime]:
        """Delete the messages older than an age (90d) or a date; with `dry_run`, only count
        them. The number and the cut-off."""
        before = time_before(older_than)
        with self.db.transaction():
            if dry_run:
                return int(self.sql.count_messages_before(self.conn, before=db_time(before))), before
            return int(self.sql.prune_messages_before(self.conn, before=db_time(before))), before

    def markdown(self, session_id: str) -> str:
        """A session as Markdown: a heading, then each message under its role and time."""
        messages = self.messages(session_id)
        first, last = messages[0].created_at, messages[-1].created_at
        user = self.db.users.get(messages[0].user_id).username
        lines = [
            f"# Session {session_id}",
            "",
            f"{user}, {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC, "
            f"{len(messages)} message{'' if len(messages) == 1 else 's'}",
        ]
        for message in messages:
            about = ", ".join(
                x for x in (message.model, f"{message.tokens} tokens" if message.tokens else None) if x
            )
            lines += [
                "",
                f"## {message.role} · {message.created_at:%Y-%m-%d %H:%M:%S}"
                + (f" ({about})" if about else ""),
            ]
            lines += ["", message.content.rstrip("\n")]
        return "\n".join(lines) + "\n"
