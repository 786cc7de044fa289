"""The conversation history commands: `codedb history save|show|sessions|delete|prune|export`."""

from typing import Any

from ...cli.common import emit, json_arg, open_db, out, output_format, page, whole_number
from ...cli.frame import FORMAT, PAGE, command
from ...core.files import read_text
from ...errors import InvalidInput

MESSAGE_COLUMNS = ("created_at", "role", "model", "tokens", "content")
SESSION_COLUMNS = ("session_id", "first_at", "last_at", "messages", "tokens")


@command(
    """
Usage: codedb history save USER SESSION --role=ROLE (--content=TEXT | --content-file=FILE)
                           [--model=M] [--workspace=PATH] [--tokens=N] [--extra=JSON] [options]
       codedb history show SESSION [--last=N] [--limit=N] [--offset=N] [--json | --csv] [options]
       codedb history sessions USER [--limit=N] [--offset=N] [--json | --csv] [options]
       codedb history delete SESSION [options]
       codedb history prune --older-than=AGE [--dry-run] [options]
       codedb history export SESSION [--format=FORMAT] [--file=FILE] [--force] [options]

Conversation history: the messages of a user's sessions with an assistant. USER is a
username, an id or a unique prefix; SESSION a session's id (a session belongs to the user of
its first message). 'show' lists a session's messages oldest first (--last=N: its last N);
'sessions' a user's sessions, the latest active first. 'prune' deletes the messages older
than AGE (90d, 12h, 2w, or a date such as 2026-01-01); --dry-run only counts them. 'export'
writes a session as Markdown (or JSON) to standard output or --file.

Options:
  --role=ROLE          system, user, assistant or tool
  --content=TEXT       the message's text
  --content-file=FILE  read the message's text from FILE (- for standard input)
  --model=M            the model that wrote it
  --workspace=PATH     the workspace the session was about
  --tokens=N           the message's tokens (else extra's "tokens", else 0)
  --extra=JSON         a JSON object of anything else
  --last=N             only the last N messages
  --older-than=AGE     an age (90d, 12h, 30m, 2w) or a date
  --dry-run            count what would be deleted, delete nothing
  --format=FORMAT      markdown or json [default: markdown]
  --file=FILE          write the export to FILE
  --force              replace an existing --file
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb history save ada s1 --role=user --content='hello' && codedb history show s1
"""
)
def cmd_history(args: dict[str, Any]) -> int:
    from ...cli.render import as_json, render

    if args["export"] and args["--format"] not in ("markdown", "json"):
        raise InvalidInput(f"unknown --format {args['--format']!r}; use markdown or json")
    with open_db(args) as db:
        history = db.history
        if args["save"]:
            content = (
                read_text(args["--content-file"], "content file")
                if args["--content-file"]
                else args["--content"]
            )
            message = history.save(
                db.users.resolve(args["USER"]),
                args["SESSION"],
                args["--role"],
                content,
                model=args["--model"],
                workspace_path=args["--workspace"],
                tokens=whole_number(args["--tokens"], "--tokens"),
                extra=json_arg(args["--extra"], "--extra"),
            )
            out(message.message_id)
        elif args["show"]:
            last = whole_number(args["--last"], "--last", 1)
            found = history.messages(args["SESSION"], last=last, **page(args))
            out(render(found, MESSAGE_COLUMNS, output_format(args)))
        elif args["sessions"]:
            found_sessions = history.sessions(db.users.resolve(args["USER"]), **page(args))
            out(render(found_sessions, SESSION_COLUMNS, output_format(args)))
        elif args["delete"]:
            count = history.delete_session(args["SESSION"])
            out(f"deleted session {args['SESSION']}: {count} message{'' if count == 1 else 's'}")
        elif args["prune"]:
            count, before = history.prune(args["--older-than"], dry_run=args["--dry-run"])
            verb = "would delete" if args["--dry-run"] else "deleted"
            out(
                f"{verb} {count} message{'' if count == 1 else 's'} older than {before:%Y-%m-%d %H:%M:%S} UTC"
            )
        else:
            if args["--format"] == "json":
                text = as_json(history.messages(args["SESSION"])) + "\n"
            else:
                text = history.markdown(args["SESSION"])
            emit(text, args["--file"], args["--force"])
    return 0
