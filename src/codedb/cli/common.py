"""What the command modules share: printing, output formats, pages, opening the database."""

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from ..core.convert import MAX_WHOLE
from ..errors import CONTROLS, InvalidInput, one_line

# The reverse video and its end that mark a search's matches on a terminal (render's marks).
HIGHLIGHT = ("\x1b[1;7m", "\x1b[0m")
# In what codedb prints on a terminal: HIGHLIGHT, kept, or a character the terminal would obey
# rather than show (a control character but the newline and the tab), shown as its escape.
_TERMINAL = re.compile(f"({re.escape(HIGHLIGHT[0])}|{re.escape(HIGHLIGHT[1])})|[{CONTROLS}]")


def out(text: str) -> None:
    """Print `text` (and a newline). On a terminal, control characters that came with the data
    (ESC [2J in a name, which would clear the screen) are shown as escapes (errors.one_line)."""
    if sys.stdout.isatty():
        text = _TERMINAL.sub(_shown, text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _shown(match: re.Match[str]) -> str:
    return match.group() if match.group(1) else one_line(match.group())


def highlight() -> tuple[str, str] | None:
    """How a table marks a search's matches: HIGHLIGHT on a terminal, else left as « »."""
    return HIGHLIGHT if sys.stdout.isatty() else None


def output_format(args: dict[str, Any]) -> str:
    return "json" if args.get("--json") else "csv" if args.get("--csv") else "table"


def whole_number(value: Any, option: str, minimum: int = 0) -> int | None:
    """A whole-number option (None when not given)."""
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"invalid {option} {value!r}; give a whole number") from None
    if number < minimum:
        raise InvalidInput(f"{option} must be {minimum} or more")
    if number > MAX_WHOLE:
        raise InvalidInput(f"{option} is too large; give a whole number up to {MAX_WHOLE:,}")
    return number


def page(args: dict[str, Any]) -> dict[str, int | None]:
    """--limit and --offset as the API's keyword arguments."""
    return {
        "limit": whole_number(args.get("--limit"), "--limit"),
        "offset": whole_number(args.get("--offset"), "--offset"),
    }


def seconds(value: str, option: str = "--lock-timeout") -> float:
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"invalid {option} {value!r}; give a number of seconds") from None
    if not 0 < number < 86400:  # refuses nan and inf too
        raise InvalidInput(f"{option} must be a number of seconds above 0 and below a day")
    return number


def open_db(
    args: dict[str, Any], *, readonly: bool = False, current: bool = True, replica: bool = False
) -> Any:
    """The user's codedb database, which must exist and be initialised; with `current`, at
    this codedb's revision (commands that only read its state, back it up or migrate it take
    an older one too). A command that only reads (`replica`) reads the replica of --read-db or
    $CODEDB_READ_URL when one is given, read-only."""
    from ..core.db import connect
    from ..core.target import resolve_target
    from ..schema.migrations import require_schema

    read_url = (args.get("--read-db") or os.environ.get("CODEDB_READ_URL")) if replica else None
    target = resolve_target(read_url or args.get("--db"))
    if target.path is not None and not (readonly or read_url):
        # Opened for writing, SQLite would switch a file to WAL (an empty one would become a
        # database) before we know it is codedb's: look at it read-only first.
        with connect(target, create=False, readonly=True) as probe:
            require_schema(probe, current=current)
    db = connect(target, create=False, readonly=readonly or bool(read_url))
    try:
        require_schema(db, current=current)
    except BaseException:
        db.close()
        raise
    return db


def number_arg(text: str | None, option: str) -> float | None:
    """A number option's value (None when not given): finite; InvalidInput naming the option."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"invalid {option} {text!r}; give a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidInput(f"invalid {option} {text!r}; give a finite number")
    return value


def json_arg(text: str | None, option: str, like: str = 'an object such as \'{"key": "value"}\'') -> Any:
    """A JSON option's value (None when not given); InvalidInput naming the option and what to
    give (`like`)."""
    import json

    from ..core.convert import check_json_value

    if text is None:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(f"{option} is not valid JSON; give {like}") from None
    return check_json_value(value, option)  # valid JSON may still hold "\ud800" or "\u0000"


def function_id_arg(args: dict[str, Any]) -> str:
    """--function-id, or its older spelling --id."""
    return str(args.get("--function-id") or args.get("--id"))


def split_names(values: Sequence[str] | None) -> list[str]:
    """--modules=a,b --modules=c -> [a, b, c]."""
    return [name.strip() for value in values or () for name in value.split(",") if name.strip()]


def emit(text: str, dest: str | None, force: bool, what: str | None = None) -> None:
    """Print `text`, or write it to the file `dest` (not "-") by the rules of every writer,
    never over the database's own files, and say so (`what`: what was written)."""
    from ..core.files import write_output

    text = text if text.endswith("\n") else text + "\n"
    if not dest or dest == "-":
        sys.stdout.write(text)
        return
    write_output(dest, text, force=force)
    out(f"wrote {what + ' to ' if what else ''}{dest}")
