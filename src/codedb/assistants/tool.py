"""What an MCP tool is made of: its name, what it tells an assistant, its arguments as an
attrs class (the input schema is generated from it, and a call's arguments are checked
against it strictly), the domain call, the record it answers (the output schema), and the
hints (read-only, destructive, idempotent). The tool table is data; the server lists and
dispatches it without knowing one tool from another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


@attrs.frozen
class Tool:
    name: str
    description: str
    arguments: type  # an attrs class: its fields are the tool's arguments
    call: Callable[[Any, Any], Any]  # (db, arguments) -> what the tool answers
    answer: Any = None  # an attrs class or list[cls]: the structured content's schema
    reads: bool = True
    destructive: bool = False
    idempotent: bool = False
    legacy: bool = False  # the old code_db tool's: its envelope, its error types
    # Reads or writes a file its arguments name, on the machine the server runs on: served by
    # `codedb mcp` (the user's own machine), not over HTTP (the server's disk is not the client's).
    files: bool = False


@attrs.frozen
class NoArguments:
    pass
