"""The history domain's records: a message (a row), and a session's summary."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_field, stored_time

ROLES = ("system", "user", "assistant", "tool")


@attrs.frozen
class Message:
    message_id: str
    user_id: str
    session_id: str
    role: str
    content: str
    model: str | None = None
    workspace_path: str | None = None
    tokens: int = 0
    extra: Any = json_field(factory=dict)
    created_at: datetime = attrs.field(converter=stored_time, default=None)


@attrs.frozen
class SessionSummary:
    """A session of a user: its first and last activity, messages and tokens."""

    session_id: str
    first_at: datetime = attrs.field(converter=stored_time)
    last_at: datetime = attrs.field(converter=stored_time)
    messages: int
    tokens: int


@attrs.frozen
class MessageVector:
    """A conversation message's vector of one model for semantic search (codedb.core.vectors): its
    dimensions, the SHA-256 of the text it was made from, the float32 values (base64) and when
    that text was read."""

    message_id: str
    model: str = attrs.field(metadata=KEY)
    dimensions: int
    text_hash: str
    vector: str
    embedded_at: datetime = attrs.field(converter=stored_time)
