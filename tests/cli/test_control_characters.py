"""Text from outside that codedb shows a person. An error naming what was given (an id, a user
name) is one line with that text's control characters written as escapes: they printed as they
came, so `codedb users show $'a\\nb'` printed two lines and an id holding ESC [2J cleared the
terminal. A table's cells show control characters as escapes too (a name from an imported file
could set the terminal's title or write to its clipboard), while --json and --csv keep the text
exact."""

import csv
import io
import json
import os
import pty
import re
import sys
import threading
import tty
from collections.abc import Callable
from contextlib import suppress

import pytest

from codedb.cli.common import HIGHLIGHT
from codedb.errors import one_line
from conftest import CLI

# ESC [2J (clear the screen), a newline, a carriage return, C1's CSI, a line separator and a
# right-to-left override: each either moves the cursor, breaks the line or reorders the text.
HOSTILE = "ab\x1b[2Jcd\nx\ry\x9bz\u2028w\u202ev"
ESCAPED = r"ab\x1b[2Jcd\nx\ry\x9bz\u2028w\u202ev"
# What one_line writes as escapes: C0, DEL, C1, the line and paragraph separators, bidi controls.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_one_line_escapes_every_control_and_keeps_the_rest() -> None:
    assert one_line(HOSTILE) == ESCAPED
    every = "".join(chr(n) for n in range(0x2070) if chr(n) != "\\")
    shown = one_line(every)
    assert not CONTROL.search(shown) and len(shown.splitlines()) == 1
    # every other character is kept as it is, in order; each control is its escape
    assert re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])", "", shown) == CONTROL.sub("", every)
    escapes = re.findall(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])", shown)
    assert escapes == [repr(c)[1:-1] for c in CONTROL.findall(every)]
    assert one_line("C:\\Users\\ann — naïve 😀") == "C:\\Users\\ann — naïve 😀"


@pytest.mark.parametrize(
    "args",
    [
        ("show-function", f"--function-id={HOSTILE}"),
        ("users", "show", HOSTILE),
        ("projects", "show", HOSTILE),
        ("templates", "show", HOSTILE),
        ("generations", "show", HOSTILE),
        ("clarify", "show", HOSTILE),
        ("prefs", "list", HOSTILE),
        ("files", "list", HOSTILE),
    ],
)
def test_an_error_naming_what_was_given_is_one_line(
    new_cli: Callable[[], CLI], args: tuple[str, ...]
) -> None:
    cli = new_cli()
    line = cli.error(*args)  # one line on stderr, exit 1
    assert ESCAPED in line and not CONTROL.search(line), line


def test_tables_show_controls_as_escapes_and_json_and_csv_keep_them(cli: CLI) -> None:
    cli.ok("init")
    function_id = cli.ok(
        "add-function", f"--name={HOSTILE}", "--code=pass", "--description=two\nlines"
    ).strip()
    table = cli.ok("list-functions")
    assert not CONTROL.search(table.replace("\n", "")), table
    assert ESCAPED.replace(r"\n", " ") in table  # a newline is a space in a table, as before
    assert "two lines" in table
    (row,) = json.loads(cli.ok("list-functions", "--json"))
    assert row["name"] == HOSTILE and row["function_id"] == function_id
    (listed,) = csv.DictReader(io.StringIO(cli.ok("list-functions", "--csv")))
    assert listed["name"] == HOSTILE


def test_a_usage_error_naming_what_was_given_shows_its_controls_as_escapes(
    new_cli: Callable[[], CLI],
) -> None:
    cli = new_cli()
    message = cli.error("prefs", "list", f"--x{HOSTILE}", code=2)
    first = message.splitlines()[0]
    assert first.startswith("codedb: prefs list: unknown option") and ESCAPED in first, message
    assert not CONTROL.search(message.replace("\n", ""))


def on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """codedb's entry point run in this process with its standard output a real terminal (a
    pseudo-terminal in raw mode, so that what it shows is what codedb wrote)."""
    from codedb.cli import main

    master, slave = pty.openpty()
    tty.setraw(slave)
    shown: list[bytes] = []

    def read() -> None:
        with suppress(OSError):  # EIO once the writing side is closed and everything read
            while chunk := os.read(master, 65536):
                shown.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    saved = sys.stdout
    try:
        with open(slave, "w", encoding="utf-8") as terminal:
            sys.stdout = terminal
            code = main(argv)
    finally:
        sys.stdout = saved
        reader.join(10)
        os.close(master)
    return code, b"".join(shown).decode()


def test_a_terminal_shows_controls_in_data_as_escapes_and_keeps_the_highlight(
    new_cli: Callable[[], CLI],
) -> None:
    cli = new_cli()
    function_id = cli.ok(
        "add-function", f"--name=fib{HOSTILE}", "--code=def fib(n):\n\treturn n\x1b]0;title\x07"
    ).strip()
    code, shown = on_a_terminal(["--db", cli.target, "show-function", f"--function-id={function_id}"])
    on_terminal = ESCAPED.replace(r"\n", "\n")  # a terminal is shown the newline itself
    assert code == 0 and f"name: fib{on_terminal}" in shown, shown
    assert "def fib(n):\n\treturn n\\x1b]0;title\\x07" in shown  # newlines and tabs kept
    assert not CONTROL.search(shown.replace("\n", "").replace("\t", ""))
    piped = cli.ok("show-function", f"--function-id={function_id}")  # not a terminal: as it is
    assert f"name: fib{HOSTILE}" in piped and "\x1b]0;title\x07" in piped

    code, found = on_a_terminal(["--db", cli.target, "search-functions", "--query=fib"])
    assert code == 0 and f"{HIGHLIGHT[0]}fib{HIGHLIGHT[1]}" in found, found
    assert not CONTROL.search(found.replace(HIGHLIGHT[0], "").replace(HIGHLIGHT[1], "").replace("\n", ""))
    assert "«fib»" in cli.ok("search-functions", "--query=fib")
