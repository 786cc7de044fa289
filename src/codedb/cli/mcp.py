"""`codedb mcp`: the database for AI assistants over MCP, on stdio."""

import json
import os
import shutil
import sys
from typing import Any

from .common import open_db
from .frame import command


def client_configuration() -> str:
    """The `mcpServers` entry an MCP client takes to start this codedb on this database."""
    program = shutil.which("codedb") or os.path.abspath(sys.argv[0] or "codedb")
    target = os.environ.get("CODEDB_URL") or os.path.abspath("code_db.sqlite")
    entry = {"command": program, "args": ["--db", target, "mcp"]}
    return json.dumps({"mcpServers": {"codedb": entry}}, indent=2)


@command(
    """
Usage: codedb mcp [--read-only] [options]

Serve the database to an AI assistant over the Model Context Protocol, on stdin and stdout
(the client starts this command). Its tools: the old code_db tool's (list_functions,
get_function, add_function, modify_function, delete_function, search_functions,
export_function, import_function, coverage_report, list_dependencies, remove_dependency,
find_cycles, detect_recursion, visualize_dependencies, generate_function_doc,
list_code_db_commands; their {ok, result} envelope) and codedb's (search, projects,
conversation history, preferences, metrics, templates, costs, the generation queue).
Resources: codedb://functions/{id}, codedb://projects/{id}[/files/{path}],
codedb://templates/{name}, codedb://modules, codedb://tags. Logs go to stderr.

Options:
  --read-only   list and run only the tools that read (the database opened read-only)

The client configuration to paste (Claude Desktop, Cursor, ... give --db the database):
"""
    + "\n".join("  " + line for line in client_configuration().splitlines())
    + """

codedb serve also serves these tools over HTTP at /mcp, behind its API keys.

Example:
  codedb --db code_db.sqlite mcp --read-only
"""
)
def cmd_mcp(args: dict[str, Any]) -> int:
    import anyio

    try:
        from ..assistants.server import Assistant, serve_stdio
    except ImportError:
        from ..errors import InvalidInput

        raise InvalidInput("codedb mcp needs the MCP SDK; install codedb[serve] (make demo does)") from None
    with open_db(args, readonly=True):  # it exists and is codedb's, at this revision
        pass
    assistant = Assistant(args["--db"], read_only=bool(args["--read-only"]))
    anyio.run(serve_stdio, assistant)
    return 0
