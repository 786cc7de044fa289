"""The frame every command runs in: the top-level usage built from the command groups, docopt
parsing with one-line usage errors (the missing, unknown or clashing option, or "did you
mean"), dispatch to the command's module (imported only when that command runs), and the
mapping of errors to `Error: ...` and exit codes: 0 success, 1 an error, 2 a usage error.

A command module registers each command with `@command(usage)`, whose docopt text is the
command's interface and its --help; the group declaring the module lists its commands with a
one-line summary, so `codedb --help` needs no command module."""

import difflib
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .. import __version__
from ..core.registry import Commands, domains

Handler = Callable[[dict[str, Any]], int]

# The groups of commands that belong to no domain; each domain adds its own (core.registry).
BUILTIN_GROUPS = (
    Commands(
        "Database",
        "codedb.cli.database",
        (
            ("init", "create the database and apply all migrations"),
            ("migrate", "apply pending migrations"),
            ("rollback", "roll back migrations"),
            ("status", "applied and pending migrations"),
            ("stats", "rows per table, size, revision, engine"),
            ("check", "integrity, foreign keys and schema revision"),
            ("vacuum", "rebuild the database file, reclaiming space"),
            ("query", "run a read-only SQL query"),
            ("completion", "print a shell completion script (bash or zsh)"),
        ),
    ),
    Commands(
        "Backup and transfer",
        "codedb.cli.transfer",
        (
            ("backup", "hot backup (SQLite file, JSON dump or SQL dump)"),
            ("restore", "replace the database's content with a backup"),
            ("export", "write tables as JSON, JSON lines or CSV"),
            ("import", "read a JSON or JSON-lines export, keyed on ids"),
            ("import-legacy", "import a code_db pickle or SQLModel database"),
            ("copy", "copy every table between SQLite and PostgreSQL, checked"),
            ("recover", "salvage a damaged SQLite file into a new database"),
            ("check-backup", "check a backup (encrypted or not) without restoring it"),
        ),
    ),
    Commands(
        "Serving",
        "codedb.cli.serve",
        (("serve", "serve the database over HTTP: YAGO's routes, a JSON API, pages to browse"),),
    ),
    Commands(
        "Assistants",
        "codedb.cli.mcp",
        (("mcp", "serve the database to AI assistants over MCP (stdio)"),),
    ),
    Commands(
        "Search",
        "codedb.cli.search",
        (
            ("search", "ranked full-text search of every domain with an index"),
            ("reindex", "rebuild and optimise the full-text indexes"),
            ("embed", "make the vectors semantic search compares (a local model or an API)"),
            ("similar", "the functions nearest in meaning to one function"),
        ),
    ),
)

# The old code_db tool's spellings, so its shell scripts and cron lines run unchanged.
ALIASES = {"init-db": "init", "status-db": "status", "vacuum-db": "vacuum"}

COMMON = """
Common options:
  --db=URL      the database (default: $CODEDB_URL, else ./code_db.sqlite)
  --read-db=URL  a replica for the commands that only read (default: $CODEDB_READ_URL)
  -h --help     show this help
  --version     show the version
"""

FORMAT = """  --json        write JSON
  --csv         write CSV
"""

PAGE = """  --limit=N     show at most N rows
  --offset=N    skip the first N rows [default: 0]
"""

COMMANDS: dict[str, tuple[str, Handler]] = {}


def command(doc: str) -> Callable[[Handler], Handler]:
    """Register a command by the docopt text of its usage."""

    def register(handler: Handler) -> Handler:
        name = doc.split("codedb ", 1)[1].split()[0]
        COMMANDS[name] = (doc.strip("\n") + "\n" + COMMON, handler)
        return handler

    return register


def groups() -> tuple[Commands, ...]:
    return BUILTIN_GROUPS + tuple(d.commands for d in domains() if d.commands is not None)


def command_names() -> dict[str, Commands]:
    return {name: group for group in groups() for name, _ in group.summaries}


def program_doc() -> str:
    """The top-level usage: every group's commands with their summaries."""
    lines = [
        "codedb: a code-knowledge database (SQLite or PostgreSQL).",
        "",
        "Usage:",
        "  codedb [--db=URL] [--read-db=URL] <command> [<args>...]",
        "  codedb (-h | --help)",
        "  codedb --version",
    ]
    for group in groups():
        lines += ["", f"{group.title} commands:"]
        lines += [f"  {name:<24}{summary}" for name, summary in group.summaries]
    lines += [
        "",
        "Options:",
        "  --db=URL      the database: a file path, sqlite:///path or postgresql://...",
        "                (default: $CODEDB_URL, else ./code_db.sqlite)",
        "  --read-db=URL  a streaming replica that the commands which only read (stats,",
        "                list, show, search, export, coverage, query) read instead",
        "                (default: $CODEDB_READ_URL)",
        "  -h --help     show this help; 'codedb COMMAND --help' shows a command's",
        "  --version     show the version",
        "",
        "Ids may be given as a unique prefix, as with git. File options take - for",
        "standard input or output.",
        "",
    ]
    return "\n".join(lines)


def load_command(name: str) -> tuple[str, Handler]:
    """The usage text and handler of a command, importing its module."""
    group = command_names()[name]
    importlib.import_module(group.module)
    return COMMANDS[name]


def _usage_lines(doc: str) -> str:
    """The usage section of a docopt text (what follows its 'Usage:' up to a blank line)."""
    start = doc.index("Usage:")
    return doc[start:].split("\n\n", 1)[0].strip()


def _patterns(doc: str) -> list[str]:
    """The usage section's patterns, each with its continuation lines, without 'Usage:'."""
    found: list[str] = []
    for line in _usage_lines(doc).removeprefix("Usage:").split("\n"):
        if line.strip().startswith("codedb ") or not found:
            found.append(line.strip())
        else:
            found[-1] += " " + line.strip()
    return found


def _subcommands(pattern: str) -> list[set[str]]:
    """The literal words after 'codedb COMMAND' that name a subcommand ('set', or one of
    '(start | pause)'), in order."""
    rest = re.sub(r"\(\s*([a-z][a-z -|]*?)\s*\)", lambda m: m.group(1).replace(" ", ""), pattern)
    words: list[set[str]] = []
    for token in rest.split()[2:]:
        if not re.fullmatch(r"[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)*", token):
            break
        words.append(set(token.split("|")))
    return words


def _option_names(doc: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])\b", doc))


def _strip_optional(usage: str) -> str:
    """The usage with its [optional] groups removed (what remains is required)."""
    previous = None
    while previous != usage:
        previous = usage
        usage = re.sub(r"\[[^\[\]]*\]", "", usage)
    return usage


def diagnose(doc: str, argv: Sequence[str]) -> tuple[str, str]:
    """One line saying what is wrong with `argv` for the command of `doc`, and the usage to
    show with it: the patterns of the subcommand typed (all of them when there is none)."""
    given = [a.split("=", 1)[0] for a in argv if a.startswith("-") and a != "-"]
    plain = [a for a in argv[1:] if not a.startswith("-") or a == "-"]
    patterns = _patterns(doc)
    named = [(p, _subcommands(p)) for p in patterns]
    chosen = [p for p, words in named if words and len(plain) >= len(words) and all(
        w in options for w, options in zip(plain, words, strict=False)
    )]  # fmt: skip
    prefix = f"{argv[0]} {plain[0]}: " if chosen else ""
    usage = "Usage: " + "\n       ".join(chosen or patterns)
    if not chosen and all(words for _, words in named):
        choices = list(dict.fromkeys(w for _, words in named for w in sorted(words[0])))
        if not plain:
            return f"{argv[0]} needs a subcommand: {', '.join(choices)}", usage
        close = difflib.get_close_matches(plain[0], choices, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return f"unknown subcommand {plain[0]!r} of {argv[0]}; {hint}({', '.join(choices)})", usage
    known = _option_names(doc)
    nearby = _option_names(" ".join(chosen) + COMMON) if chosen else known  # the subcommand's own
    for option in given:
        if option not in known and not any(k.startswith(option) for k in known if option.startswith("--")):
            close = difflib.get_close_matches(option, sorted(nearby), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            return f"{prefix}unknown option {option}{hint}", usage
    return prefix + _problem(chosen or patterns, given, plain), usage


def _problem(patterns: list[str], given: list[str], plain: list[str]) -> str:
    """What the first pattern finds wrong: clashing, missing options, missing or extra positionals."""
    for pattern in patterns:
        values = plain[len(_subcommands(pattern)) :]  # a positional alternative is given by a value
        for group in re.findall(r"[\[(]([^\[\]()]*\|[^\[\]()]*)[\])]", pattern):
            alternatives = [a.strip().split("=", 1)[0] for a in group.split("|")]
            both = [a for a in alternatives if a in given or (a.isupper() and values)]
            if len(both) > 1:
                return f"{both[0]} and {both[1]} cannot be given together; give one of them"
    for pattern in patterns:
        subcommands = len(_subcommands(pattern))
        required = _strip_optional(" ".join(pattern.split()[2 + subcommands :]))
        for group in re.findall(r"\(([^()]*)\)", required):
            alternatives = [a.strip().split("=", 1)[0] for a in group.split("|")]
            if alternatives[0].startswith("-") and not any(a in given for a in alternatives):
                return f"missing {' or '.join(alternatives)}"
        for option in re.findall(r"(?<![\w(|-])(--[a-z][a-z0-9-]*)", re.sub(r"\([^()]*\)", "", required)):
            if option not in given:
                return f"missing {option}"
        positionals = re.findall(r"\b([A-Z][A-Z_0-9]+)\b", re.sub(r"=[A-Z_0-9]+", "", required))
        values = plain[subcommands:]
        if len(values) < len(positionals):
            return f"missing {positionals[len(values)]}"
        if len(values) > len(positionals):
            return f"unexpected argument {values[len(positionals)]!r}"
    return "invalid arguments"


def _usage_error(message: str, usage: str | None = None) -> int:
    from ..errors import one_line

    print(f"codedb: {one_line(message)}", file=sys.stderr)
    if usage is not None:
        print(usage, file=sys.stderr)
    return 2


def parse(doc: str, argv: Sequence[str]) -> dict[str, Any] | int:
    """Parsed arguments, or an exit code after printing a usage error or the help."""
    from docopt import DocoptExit, docopt

    try:
        return dict(docopt(doc, list(argv), version=f"codedb {__version__}"))
    except DocoptExit:
        return _usage_error(*diagnose(doc, argv))
    except SystemExit as done:  # --help or --version printed
        return int(done.code or 0)


def _invalid_utf8(argv: Sequence[str]) -> str | None:
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run codedb with `argv` (default: sys.argv[1:]); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = _invalid_utf8(argv)
    if bad is not None:
        print(f"Error: the argument {bad!r} is not valid UTF-8; give UTF-8 text", file=sys.stderr)
        return 1
    argv = [
        "--db" if a == "--db-path" else "--db=" + a[10:] if a.startswith("--db-path=") else a for a in argv
    ]
    from docopt import DocoptExit, docopt

    doc = program_doc()
    try:
        top = docopt(doc, argv, version=f"codedb {__version__}", options_first=True)
    except DocoptExit:
        return _usage_error("give a command; see 'codedb --help'", _usage_lines(doc))
    except SystemExit as done:
        return int(done.code or 0)
    name = ALIASES.get(top["<command>"], top["<command>"])
    rest = list(top["<args>"])
    if name == "unlock-db":  # the old tool's command: clear a dead migration's lock
        name, rest = "migrate", ["--break-lock", *[a for a in rest if a != "--force"]]
    names = command_names()
    if name not in names:
        close = difflib.get_close_matches(name, list(names), n=1)
        hint = f"did you mean {close[0]}?" if close else "see 'codedb --help'"
        return _usage_error(f"unknown command {name!r}; {hint}")
    usage, handler = load_command(name)
    rest = [name, *rest]
    if top["--db"]:
        rest.append(f"--db={top['--db']}")
    if top["--read-db"]:
        rest.append(f"--read-db={top['--read-db']}")
    args = parse(usage, rest)
    if isinstance(args, int):
        return args
    return run_handler(handler, args)


def run_handler(handler: Handler, args: dict[str, Any]) -> int:
    """Call a command; turn the errors a user can cause into one line and exit code 1."""
    from ..core.target import mask
    from ..errors import CodedbError, one_line

    try:
        return handler(args)
    except CodedbError as exc:
        print(f"Error: {one_line(mask(str(exc)))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away: cli.main ends quietly
        raise
    except Exception as exc:  # driver errors a user can cause (a locked file, a full disk, ...)
        from ..errors import describe_driver_error

        message = describe_driver_error(exc)
        if message is None:
            raise
        print(f"Error: {one_line(mask(message))}", file=sys.stderr)
        return 1
