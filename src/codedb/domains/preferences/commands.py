"""The preferences commands: `codedb prefs get|set|delete|list|export|import`."""

import json
from typing import Any

from ...cli.common import emit, json_arg, open_db, out, output_format
from ...cli.frame import FORMAT, command
from ...core.files import read_text
from ...errors import InvalidInput

COLUMNS = ("key", "value", "updated_at")


LIKE = "JSON such as '\"dark\"', 14, true or '{\"a\": 1}'"


@command(
    """
Usage: codedb prefs get USER KEY [--default=JSON] [options]
       codedb prefs set USER KEY VALUE [options]
       codedb prefs delete USER KEY [options]
       codedb prefs list USER [--json | --csv] [options]
       codedb prefs export USER [--file=FILE] [--force] [options]
       codedb prefs import USER FILE [--replace] [options]

A user's preferences: one JSON value per key. USER is a username, an id or a unique prefix.
VALUE is JSON ('"dark"' for text). 'get' prints the value as JSON, or --default when the
user has not set it (exit 1 without a default). 'export' writes the user's preferences as one
JSON object (standard output, or --file); 'import' sets every key of such an object (FILE or
- for standard input), all or nothing; with --replace the user's other keys are deleted.

Options:
  --default=JSON  the value to print when the key is not set
  --file=FILE     write the export to FILE (- for standard output)
  --force         replace an existing --file
  --replace       delete the user's preferences that the imported object does not hold
"""
    + FORMAT
    + """
Example:
  codedb prefs set ada theme '"dark"' && codedb prefs get ada theme
"""
)
def cmd_prefs(args: dict[str, Any]) -> int:
    from ...cli.render import as_json, render

    default = None if args["--default"] is None else json_arg(args["--default"], "--default", LIKE)
    value = None if args["VALUE"] is None else json_arg(args["VALUE"], "VALUE", LIKE)
    imported = None
    if args["import"]:
        imported = json_arg(
            read_text(args["FILE"], "preferences file"), f"preferences file {args['FILE']}", LIKE
        )
    with open_db(args) as db:
        prefs = db.preferences
        user_id = db.users.resolve(args["USER"])
        if args["get"]:
            found = prefs.find(user_id, args["KEY"])
            if found is None and args["--default"] is None:
                raise InvalidInput(
                    f"{args['USER']} has no preference {args['KEY']!r}; set it, or give --default"
                )
            out(json.dumps(default if found is None else found.value, ensure_ascii=False))
        elif args["set"]:
            prefs.set(user_id, args["KEY"], value)
            out(f"set {args['KEY']}")
        elif args["delete"]:
            prefs.delete(user_id, args["KEY"])
            out(f"deleted {args['KEY']}")
        elif args["list"]:
            out(render(prefs.list(user_id), COLUMNS, output_format(args)))
        elif args["export"]:
            emit(as_json(prefs.export(user_id)), args["--file"], args["--force"])
        else:
            count = prefs.import_(user_id, imported, replace=args["--replace"])
            out(f"imported {count} preference{'' if count == 1 else 's'}")
    return 0
