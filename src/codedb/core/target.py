"""What the user means by `--db`: a SQLite file (a path or sqlite:/// URL), an in-memory SQLite
database (':memory:'), or a PostgreSQL URL. Anything else is refused with the supported forms,
and a target is shown in messages without its password, in every form it may carry one."""

import os
import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from ..errors import ConnectError

DEFAULT_PATH = "code_db.sqlite"
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
SUPPORTED = "a file path or sqlite:///path (SQLite), or postgresql://user@host/dbname (PostgreSQL)"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# libpq's keyword form ("host=x dbname=y password=z"): refused, and never echoed with its password.
_KEYWORDS = re.compile(r"(?:^|\s)(host|hostaddr|port|dbname|user|password|sslmode|service)\s*=", re.I)
_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|[^\s&]*)", re.I)


_PGBOUNCER = re.compile(r"([?&])pgbouncer=([^&#]*)&?", re.I)


def _without_pgbouncer(url: str) -> str:
    cleaned = _PGBOUNCER.sub(lambda m: m.group(1), url)
    return cleaned[:-1] if cleaned.endswith(("?", "&")) else cleaned


# A URL's user:password@ as libpq reads it: the credentials end at the first @ or / after //.
_USERINFO = re.compile(r"(//[^/:@\s]*):[^@/]*@")
# A URL's query parameters (libpq percent-decodes their names too).
_PARAMETER = re.compile(r"([?&])([^=&#\s]*)=([^&#\s]*)")


def _hides_password(key: str) -> bool:
    """Whether libpq could read the query parameter named `key` as the password: its name
    decoded says so, or cannot be decoded (then it says nothing safe)."""
    from urllib.parse import unquote

    decoded = unquote(key, errors="strict") if "%" in key else key
    return "pass" in decoded.lower() or re.search(r"%(?![0-9A-Fa-f]{2})", key) is not None


def mask(text: str) -> str:
    """`text` with every password it holds replaced by ***: a URL's user:password@, a query
    parameter libpq reads as the password (in any percent-encoded spelling), a password=...
    keyword."""
    text = _USERINFO.sub(lambda m: f"{m.group(1)}:***@", text)
    text = _PARAMETER.sub(
        lambda m: f"{m.group(1)}{m.group(2)}=***" if _hides_password(m.group(2)) else m.group(0), text
    )
    return _PASSWORD.sub(lambda m: m.group(1) + "***", text)


class Target(NamedTuple):  # a NamedTuple, not attrs: `codedb stats` starts without loading attrs
    """A parsed database target. `raw` may hold a password: show `display` instead."""

    raw: str
    dialect: str  # "sqlite" or "postgresql"
    path: Path | None = None  # the SQLite file; None in memory and on PostgreSQL

    @property
    def memory(self) -> bool:
        return self.dialect == "sqlite" and self.path is None

    @property
    def display(self) -> str:
        if self.dialect != "postgresql":
            return mask(self.raw)
        # The whole text is one URL: its credentials run to the first @ or / (spaces too), and
        # every query parameter to the next &.
        base, _, query = self.raw.partition("?")
        base = re.sub(r"^([^:]+://[^/:@]*):[^@/]*@", r"\1:***@", base)
        if not query:
            return base
        shown = [
            f"{key}=***" if _hides_password(key) else f"{key}={value}"
            for key, _, value in (part.partition("=") for part in query.split("&"))
        ]
        return f"{base}?{'&'.join(shown)}"

    @property
    def conninfo(self) -> str:
        """A PostgreSQL URL as libpq takes it (without codedb's own pgbouncer= parameter)."""
        scheme, rest = self.raw.split("://", 1)
        return _without_pgbouncer(f"postgresql://{rest}")

    @property
    def pgbouncer(self) -> bool:
        """Whether the URL says it goes through PgBouncer in transaction pooling mode
        (?pgbouncer=1): then no connection keeps server-side state between transactions
        (no prepared statements, no session settings but those PgBouncer tracks)."""
        found = _PGBOUNCER.search(self.raw) if self.dialect == "postgresql" else None
        return found is not None and found.group(2).lower() in ("1", "true", "yes", "on")

    @property
    def yoyo_url(self) -> str:
        if self.dialect == "postgresql":
            return f"postgresql+psycopg://{self.conninfo.split('://', 1)[1]}"
        assert self.path is not None
        # yoyo keeps the URL's path as it is and opens it as a SQLite URI (file:PATH?...),
        # which decodes %XX: the path is percent-encoded once, so that ?, # and % in a file
        # name reach SQLite as themselves.
        return f"sqlite:///{quote(str(self.path.resolve()), safe='/')}"

    def __str__(self) -> str:
        return self.display


def resolve_target(target: "str | os.PathLike[str] | Target | None" = None) -> Target:
    """The database the user means: `target`, else $CODEDB_URL, else ./code_db.sqlite."""
    if isinstance(target, Target):
        return target
    if target is None or os.fspath(target) == "":
        target = os.environ.get("CODEDB_URL") or DEFAULT_PATH
    raw = os.fspath(target)
    if "\x00" in raw:
        raise ConnectError("the database path holds a NUL character; give a valid path or URL")
    try:  # a URL goes to libpq as UTF-8; a path to the file system as its bytes
        raw.encode() if "://" in raw else os.fsencode(raw)
    except UnicodeEncodeError:
        raise ConnectError(
            "the database path or URL is not valid Unicode (it holds a lone surrogate); give UTF-8 text"
        ) from None
    if raw == ":memory:":
        return Target(raw, "sqlite")
    if _KEYWORDS.search(raw) and "://" not in raw:
        raise ConnectError(
            f"{mask(raw)!r} looks like a libpq keyword string, which codedb does not take; give {SUPPORTED}"
        )
    scheme = _SCHEME.match(raw)
    if scheme and "://" in raw:
        name = scheme.group(1).lower()
        if name in POSTGRES_SCHEMES:
            return Target(raw, "postgresql")
        if name == "sqlite":
            if raw in ("sqlite://", "sqlite:///:memory:"):  # SQLAlchemy's spellings of memory
                return Target(raw, "sqlite")
            if not raw.startswith("sqlite:///") or raw == "sqlite:///":
                raise ConnectError(
                    f"cannot read the SQLite URL {raw!r}; write sqlite:///relative/path "
                    "or sqlite:////absolute/path, or give the plain path"
                )
            return Target(raw, "sqlite", Path(raw[len("sqlite:///") :]))
        raise ConnectError(f"unsupported database URL scheme {name!r} in {mask(raw)!r}; give {SUPPORTED}")
    return Target(raw, "sqlite", Path(raw))
