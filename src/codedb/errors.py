"""The exception tree. Every error a user can cause is a CodedbError whose message names the
object and the fix; the CLI prints it as one line and exits 1."""

import re

# What a terminal obeys rather than shows, or takes as a line's end: C0 and C1 controls, DEL,
# the line and paragraph separators and the bidirectional controls (they reorder the text
# around them); CONTROLS leaves out the tab and the newline, which text printed whole keeps.
CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[\t\n{CONTROLS}]")


def one_line(text: str) -> str:
    """`text` as one line that shows what it holds: each control character (see _CONTROLS)
    written as its escape (\\n, \\x1b, \\u202e). An error that names what a user gave (an
    id, a name, a path) is shown through this, and so is a table's cell."""
    return _CONTROLS.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def first_line(exc: BaseException) -> str:
    """The first non-blank line of an exception's message (drivers add hints below it)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


class CodedbError(Exception):
    """Root of every error codedb raises on purpose. Its message is one line (one_line): what
    it quotes of a caller's text shows its control characters as escapes wherever the error
    goes (a traceback, a log, an old tool's error dict, a terminal)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(one_line(arg) if isinstance(arg, str) else arg for arg in args))


class ConnectError(CodedbError, ConnectionError):
    """The database could not be opened or reached."""


class NotInitialised(CodedbError):
    """The database exists but has no codedb schema yet."""


class ForeignDatabase(CodedbError):
    """The database holds another application's tables."""


class MigrationError(CodedbError):
    """A migration could not be applied or rolled back; the database was left as it was."""


class UnknownRevision(MigrationError, LookupError):
    """A revision named by the user is not one this version of codedb knows."""


class LockedError(MigrationError):
    """Another process holds the migration lock."""


class NotFound(CodedbError, LookupError):
    """A record named by its id does not exist."""


class AmbiguousId(CodedbError, LookupError):
    """An id prefix matches more than one record."""


class InvalidInput(CodedbError, ValueError):
    """A value given by the user is malformed (a date, a status, a JSON file, ...)."""


class Unauthorized(CodedbError):
    """No valid credential: an API key that is missing, malformed, unknown or revoked."""


class Forbidden(CodedbError):
    """A valid credential that may not do this (a deactivated user)."""


class Conflict(CodedbError):
    """The write would break a rule of the data: a dependency cycle, a duplicate, ..."""


class ProviderError(CodedbError):
    """An embedding provider failed: it refused, timed out or answered what is not vectors."""


class QueryFileError(CodedbError):
    """A .sql file is malformed: a duplicate name, a missing docstring, a stray override."""


class DatabaseError(CodedbError):
    """The database engine refused an operation (a lock held too long, a full disk, ...)."""


# What a value codedb cannot read in a SQLite file is, and the way out (SQLite keeps any value
# in any column; codedb writes none it cannot read).
WRITTEN_ELSEWHERE = (
    "(another program wrote it); 'codedb check' names such rows, 'codedb recover' salvages the rest"
)


def unreadable_value(problem: str) -> DatabaseError:
    """The error for a value of a SQLite file that codedb cannot read; `problem` names it."""
    return DatabaseError(f"{problem} {WRITTEN_ELSEWHERE}")


_UNDECODABLE = re.compile(r"Could not decode to UTF-8 column '([^']*)'")


def undecodable(exc: BaseException) -> str | None:
    """The column of a text SQLite's driver could not read (bytes that are not UTF-8), or None."""
    import sqlite3

    found = _UNDECODABLE.match(first_line(exc)) if isinstance(exc, sqlite3.OperationalError) else None
    return found.group(1) if found else None


def describe_driver_error(exc: BaseException) -> str | None:
    """One line for an error of the SQLite or PostgreSQL driver, or None for anything else."""
    import sqlite3

    first = first_line(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in first:
        return f"{first}: another process is writing; try again when it has finished"
    column = undecodable(exc)
    if column is not None:  # SQLite stores what another program wrote as TEXT, UTF-8 or not
        return f"a text of column {column} holds bytes that are not UTF-8 {WRITTEN_ELSEWHERE}"
    if isinstance(exc, sqlite3.Error):
        return f"SQLite: {first}; nothing was changed"
    if isinstance(exc, OSError):
        return f"{exc.strerror or first}: {exc.filename or ''}".rstrip(": ")
    if "psycopg" in type(exc).__module__:
        return f"PostgreSQL: {first}; nothing was changed"
    return None
