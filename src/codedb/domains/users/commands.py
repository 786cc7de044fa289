"""The users commands: `codedb users add|list|show|update|key|verify-key|activate|deactivate|delete`."""

import os
import sys
from typing import Any

from ...cli.common import json_arg, open_db, out, output_format, page
from ...cli.frame import FORMAT, PAGE, command
from ...errors import InvalidInput
from .records import shown

COLUMNS = (
    "user_id",
    "username",
    "email",
    "full_name",
    "is_active",
    "has_api_key",
    "last_login",
    "created_at",
)


def _read_key() -> str:
    """The key to verify: $CODEDB_API_KEY, else the first line of standard input (never an
    argument, which other users of the machine could read in the process list)."""
    key = os.environ.get("CODEDB_API_KEY")
    if key is None:
        key = sys.stdin.readline().strip()
    if not key:
        raise InvalidInput("no API key given; pass it on standard input or in $CODEDB_API_KEY")
    return key


@command(
    """
Usage: codedb users add --username=NAME [--email=EMAIL] [--full-name=TEXT] [--preferences=JSON]
                        [--json] [options]
       codedb users list [--active | --inactive] [--limit=N] [--offset=N] [--json | --csv] [options]
       codedb users show USER [--json] [options]
       codedb users update USER [--email=EMAIL] [--full-name=TEXT] [--preferences=JSON] [--json] [options]
       codedb users key USER [options]
       codedb users verify-key USER [options]
       codedb users (activate | deactivate | delete) USER [options]

Users of the coding tools. USER is a username, an id or a unique prefix of one. 'key' makes a
new API key, prints it once and keeps only its salted hash (replacing any older key);
'verify-key' reads a key from standard input (or $CODEDB_API_KEY) and exits 0 when it is
the user's, 1 when not. A deleted user's projects stay, without a user.

Options:
  --username=NAME     a unique name
  --email=EMAIL       an address, unique ignoring case
  --full-name=TEXT    the user's full name
  --preferences=JSON  a JSON object
  --active            only active users
  --inactive          only deactivated users
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb users add --username=ada --email=ada@example.com && codedb users key ada
"""
)
def cmd_users(args: dict[str, Any]) -> int:
    from ...cli.render import as_json, render

    with open_db(args) as db:
        users = db.users
        if args["add"]:
            user = users.add(
                args["--username"],
                args["--email"],
                args["--full-name"] or "",
                json_arg(args["--preferences"], "--preferences"),
            )
            out(as_json(shown(user)) if args["--json"] else user.user_id)
            return 0
        if args["list"]:
            active = True if args["--active"] else False if args["--inactive"] else None
            out(render(users.list(active=active, **page(args)), COLUMNS, output_format(args)))
            return 0
        user_id = users.resolve(args["USER"])
        if args["show"] or args["update"]:
            if args["update"]:
                changes: dict[str, Any] = {}
                if args["--email"] is not None:
                    changes["email"] = args["--email"]
                if args["--full-name"] is not None:
                    changes["full_name"] = args["--full-name"]
                if args["--preferences"] is not None:
                    changes["preferences"] = json_arg(args["--preferences"], "--preferences")
                users.update(user_id, **changes)
            user = users.get(user_id)
            if args["--json"]:
                out(as_json(shown(user)))
            else:
                fields = shown(user)
                width = max(len(k) for k in fields)
                out("\n".join(f"{k + ':':<{width + 1}} {_plain(v)}" for k, v in fields.items()))
            return 0
        if args["key"]:
            key = users.new_key(user_id)
            out(key)
            print("this key is shown once: codedb keeps only its hash", file=sys.stderr)
            return 0
        if args["verify-key"]:
            if users.verify_key(user_id, _read_key()):
                out("valid")
                return 0
            print("Error: that is not this user's API key (or the user is deactivated)", file=sys.stderr)
            return 1
        if args["delete"]:
            users.delete(user_id)
            out(f"deleted user {user_id}")
            return 0
        user = users.set_active(user_id, bool(args["activate"]))
        out(f"{user.username} is {'active' if user.is_active else 'deactivated'}")
    return 0


def _plain(value: Any) -> str:
    import json

    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)
