"""API keys: made with `secrets`, shown once, stored only as a salted scrypt hash, checked in
constant time. Neither a key nor a hash is ever printed, logged or put in a message."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "cdb_"
# scrypt's cost (N=2**14, r=8, p=1: 16 MiB and some 50 ms a check), recorded in each hash so
# that a later codedb may raise it and still check the keys it made before.
N, R, P = 2**14, 8, 1
MAX_KEY = 1000  # longer text is no key codedb made


def new_key(user_id: str | None = None) -> str:
    """A new API key: `cdb_<user id>.` and 32 random bytes as URL-safe text (the user id says
    whose it is, so a server checks one hash, not every user's)."""
    return PREFIX + (f"{user_id}." if user_id else "") + secrets.token_urlsafe(32)


def key_owner(key: object) -> str | None:
    """The user id a key made by new_key(user_id) names, or None."""
    if not isinstance(key, str) or not key.startswith(PREFIX) or len(key) > MAX_KEY:
        return None
    owner, dot, secret = key[len(PREFIX) :].rpartition(".")
    return owner if dot and owner and secret else None


def _derive(key: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        key.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * r * (n + p + 2), dklen=32
    )


def hash_key(key: str) -> str:
    """`scrypt$N$r$p$salt$hash` (base64) of a key, with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _derive(key, salt, N, R, P)
    encode = base64.b64encode
    return f"scrypt${N}${R}${P}${encode(salt).decode()}${encode(digest).decode()}"


def check_key(key: str, stored: str | None) -> bool:
    """Whether `key` is the one `stored` was made from (constant-time comparison)."""
    if not stored or not isinstance(key, str):
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _derive(key, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)
