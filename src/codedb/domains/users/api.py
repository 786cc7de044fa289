"""The users API (db.users): add, get, list, update, activate/deactivate, delete, and API
keys (a new key is returned once; only its hash is kept)."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
import hashlib
from time import monotonic
from typing import Any

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import (
    check_json,
    check_key_text,
    check_text,
    db_time,
    json_text,
    now,
    params,
    required_text,
)
from ...core.ids import new_id, resolve_prefix
from ...errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from . import keys
from .records import User

HINT = "list users with 'codedb users list'"
VERIFIED_FOR = 60.0  # seconds a checked key is trusted without scrypt (while its hash stays)
VERIFIED_MAX = 10_000  # checked keys remembered at most (the oldest forgotten first)
# sha256 of a checked key -> (its user, the hash it matched, until when it is trusted). Shared
# by every connection of the process (a server's threads each hold one): an entry is trusted
# only for the same user and the same stored hash, whose salt makes it unique.
VERIFIED: dict[bytes, tuple[str, str, float]] = {}
BAD_KEY = "invalid API key; make one with 'codedb users key USER' and send it as 'Bearer KEY'"


def _username(value: Any) -> str:
    return required_text(value, "username", "give the user a name")


def _email(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "@" not in value or any(c.isspace() for c in value.strip()):
        raise InvalidInput(f"invalid email {value!r:.80}; give an address such as ada@example.com")
    return check_key_text(check_text(value.strip(), "email"), "email")


class Users(DomainAPI):
    """Users: unique usernames, emails unique ignoring case."""

    def resolve(self, user: str) -> str:
        """The id of a user given its id, a unique prefix of it, or its username."""
        if isinstance(user, str):
            found = self.sql.get_user_by_username(self.conn, username=user.strip())
            if found is not None:
                return str(found.user_id)
        return resolve_prefix(
            "user",
            user,
            lambda v: self.sql.get_user(self.conn, user_id=v) is not None,
            lambda p: [row[0] for row in self.sql.find_user_ids(self.conn, prefix=p)],
            HINT,
        )

    def get(self, user_id: str) -> User:
        found = self.sql.get_user(self.conn, user_id=user_id)
        if found is None:
            raise NotFound(f"user {user_id} not found; {HINT}")
        return found

    def find(self, username: str) -> User | None:
        """A user by username, or None."""
        return self.sql.get_user_by_username(self.conn, username=username)

    def find_by_email(self, email: str) -> User | None:
        """The user with this email (ignoring case), or None."""
        row = self.sql.find_user_by_email(self.conn, email=email)
        return None if row is None else self.get(row[0])

    def _check_unique(self, username: str | None, email: str | None, user_id: str | None = None) -> None:
        if username is not None:
            taken = self.find(username)
            if taken is not None and taken.user_id != user_id:
                raise Conflict(f"username {username!r} is taken (user {taken.user_id}); choose another")
        if email is not None:
            row = self.sql.find_user_by_email(self.conn, email=email)
            if row is not None and row[0] != user_id:
                raise Conflict(
                    f"email {email!r} belongs to user {row[1]} already (ignoring case); give another"
                )

    def add(
        self,
        username: str,
        email: str | None = None,
        full_name: str = "",
        preferences: dict[str, Any] | None = None,
        *,
        user_id: str | None = None,
    ) -> User:
        """Add a user (active, without an API key)."""
        stamp = now()
        user = User(
            user_id or new_id(),
            _username(username),
            _email(email),
            check_text(full_name or "", "full name"),
            check_json(preferences if preferences is not None else {}, "preferences", dict),
            True,
            None,
            None,
            stamp,
            stamp,
        )
        with self.db.transaction():
            self._check_unique(user.username, user.email)
            if self.sql.load_users(self.conn, [params(user)]) == 0:
                raise Conflict(f"user {user.user_id} exists already; give another id or none")
        return user

    def list(
        self, *, active: bool | None = None, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[User]:
        """Users by username; only active (or inactive) ones with `active`."""
        rows = self.sql.list_users(
            self.conn, active=active, limit=NO_LIMIT if limit is None else limit, offset=offset or 0
        )
        return rows

    def update(
        self,
        user_id: str,
        *,
        email: str | None | object = ...,
        full_name: str | None = None,
        preferences: dict[str, Any] | None = None,
    ) -> User:
        """Change a user's email, full name or preferences (those given)."""
        with self.db.transaction():
            self.db.lock_record("users", user_id)  # read, then written back whole
            user = self.get(user_id)
            new_email = user.email if email is ... else _email(email)
            self._check_unique(None, new_email, user_id)
            self.sql.update_user(
                self.conn,
                user_id=user_id,
                email=new_email,
                full_name=user.full_name if full_name is None else check_text(full_name, "full name"),
                preferences=json_text(
                    user.preferences if preferences is None else check_json(preferences, "preferences", dict)
                ),
                updated_at=db_time(now()),
            )
            return self.get(user_id)

    def rename(self, user_id: str, username: str) -> User:
        """Change a user's username (unique)."""
        name = _username(username)
        with self.db.transaction():
            self.get(user_id)
            self._check_unique(name, None, user_id)
            self.sql.rename_user(self.conn, user_id=user_id, username=name, updated_at=db_time(now()))
            return self.get(user_id)

    def set_active(self, user_id: str, active: bool) -> User:
        """Activate or deactivate a user (a deactivated user's key no longer verifies)."""
        with self.db.transaction():
            self.get(user_id)
            self.sql.set_user_active(
                self.conn, user_id=user_id, is_active=bool(active), updated_at=db_time(now())
            )
            return self.get(user_id)

    def delete(self, user_id: str) -> None:
        """Delete a user; their projects stay, without a user."""
        with self.db.transaction():
            if self.sql.delete_user(self.conn, user_id=user_id) == 0:
                raise NotFound(f"user {user_id} not found; {HINT}")

    def new_key(self, user_id: str) -> str:
        """Make a new API key for a user, replacing any old one; return it (the only time it
        is seen: codedb keeps its hash)."""
        key = keys.new_key(user_id)
        digest = keys.hash_key(key)
        with self.db.transaction():
            self.get(user_id)
            self.sql.set_api_key_hash(
                self.conn, user_id=user_id, api_key_hash=digest, updated_at=db_time(now())
            )
        return key

    def set_key(self, user_id: str, key: str) -> None:
        """Make `key` (a key the user had in a tool codedb replaces) the user's API key:
        codedb keeps its hash, never the key."""
        if not isinstance(key, str) or len(key) < 8:
            raise InvalidInput("an API key is text of 8 characters or more")
        digest = keys.hash_key(key)
        with self.db.transaction():
            self.get(user_id)
            self.sql.set_api_key_hash(
                self.conn, user_id=user_id, api_key_hash=digest, updated_at=db_time(now())
            )

    def revoke_key(self, user_id: str) -> None:
        """Forget a user's API key."""
        with self.db.transaction():
            self.get(user_id)
            stamp = db_time(now())
            self.sql.set_api_key_hash(self.conn, user_id=user_id, api_key_hash=None, updated_at=stamp)

    def authenticate(self, key: str) -> User:
        """The active user whose API key `key` is (a key codedb made names its user).
        Unauthorized for a key that is not one, Forbidden for a deactivated user. A checked
        key is trusted for VERIFIED_FOR seconds while the user's hash stays the same, so a
        server pays scrypt once a minute per key, not per request; last_login is stamped then."""
        owner = keys.key_owner(key)
        user = None if owner is None else self.sql.get_user(self.conn, user_id=owner)
        if user is None or user.api_key_hash is None:
            raise Unauthorized(BAD_KEY)
        fingerprint = _fingerprint(key)
        held = VERIFIED.get(fingerprint)
        trusted = held is not None and held[0] == user.user_id and held[1] == user.api_key_hash
        if not trusted or monotonic() > held[2]:  # type: ignore[index]
            if not keys.check_key(key, user.api_key_hash):
                VERIFIED.pop(fingerprint, None)
                raise Unauthorized(BAD_KEY)
            if len(VERIFIED) >= VERIFIED_MAX:
                VERIFIED.pop(next(iter(VERIFIED)))
            VERIFIED[fingerprint] = (user.user_id, user.api_key_hash, monotonic() + VERIFIED_FOR)
            if user.is_active and not self.db.readonly:
                with self.db.transaction():
                    self.sql.record_login(self.conn, user_id=user.user_id, last_login=db_time(now()))
        if not user.is_active:
            raise Forbidden(f"user {user.username} is deactivated; an administrator can reactivate it")
        return user

    @staticmethod
    def checked_lately(key: str) -> bool:
        """Whether `key` was verified in the last VERIFIED_FOR seconds (authenticate will not
        pay scrypt for it): a server may then check it where it is, without a thread."""
        held = VERIFIED.get(_fingerprint(key))
        return held is not None and monotonic() <= held[2]

    def keys_in_use(self) -> int:
        """How many active users have an API key."""
        return int(self.sql.count_active_keys(self.conn))

    def verify_key(self, user_id: str, key: str) -> bool:
        """Whether `key` is the user's API key (and the user is active); stamps last_login
        when it is."""
        user = self.get(user_id)
        if not user.is_active or not keys.check_key(key, user.api_key_hash):
            return False
        with self.db.transaction():
            self.sql.record_login(self.conn, user_id=user_id, last_login=db_time(now()))
        return True


def _fingerprint(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
