"""The users domain's record: one frozen attrs class per table, field names = column names."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_field, optional_time, stored_bool, stored_time


@attrs.frozen
class User:
    user_id: str
    username: str = attrs.field(metadata=KEY)
    email: str | None = attrs.field(metadata=KEY)
    full_name: str
    preferences: Any = json_field()
    is_active: bool = attrs.field(converter=stored_bool, default=True)
    # never shown: repr, tables and --json leave it out (exports carry it, never a key)
    api_key_hash: str | None = attrs.field(default=None, repr=False)
    last_login: datetime | None = attrs.field(converter=optional_time, default=None)
    created_at: datetime = attrs.field(converter=stored_time, default=None)
    updated_at: datetime = attrs.field(converter=stored_time, default=None)
    # The tool a user came from checked this password hash (YAGO's bcrypt): kept as it was,
    # never shown, never checked by codedb.
    password_hash: str | None = attrs.field(default=None, repr=False)
    is_verified: bool = attrs.field(converter=stored_bool, default=False)

    @property
    def has_api_key(self) -> bool:
        return self.api_key_hash is not None


SECRET_FIELDS = ("api_key_hash", "password_hash")


def shown(user: User) -> dict[str, Any]:
    """A user's fields for people, scripts and servers: never a hash, only whether there is
    a key."""
    from ...core.convert import to_dict

    fields = to_dict(user)
    for name in SECRET_FIELDS:
        del fields[name]
    fields["has_api_key"] = user.has_api_key
    return fields
