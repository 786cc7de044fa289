"""The command line: `codedb [--db=URL] COMMAND [OPTIONS]`. Each command opens the database,
calls one library function and prints the result; a CodedbError becomes `Error: ...` on
stderr and exit code 1, a usage error exit code 2."""

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import CodedbError, InvalidInput, first_line

PROGRAM_DOC = """codedb: a code-knowledge database (SQLite or PostgreSQL).

Usage:
  codedb [--db=URL] <command> [<args>...]
  codedb (-h | --help)
  codedb --version

Database commands:
  init                    create the database and apply all migrations
  migrate                 apply pending migrations
  rollback                roll back migrations
  status                  applied and pending migrations
  stats                   rows per table, size, revision, engine
  check                   integrity, foreign keys and schema revision
  vacuum                  rebuild the database file, reclaiming space

Backup and transfer:
  backup                  hot backup (SQLite file, JSON dump or SQL dump)
  restore                 replace the database with a backup, atomically
  export                  write tables as JSON, JSON lines or CSV
  import                  read a JSON or JSON-lines export, keyed on ids
  import-legacy           import a code_db pickle or SQLModel database

Function library:
  add-function            add a function with its modules and tags
  show-function           show a function, its modules, tags and tests
  modify-function         replace a function's code, recording the change
  delete-function         delete a function and what belongs to it
  list-functions          list functions, by module and/or tag
  search-functions        search name, description and code
  list-modules            list modules
  add-function-to-module  put a function in a module
  list-tags               list tags
  add-tag                 tag a function
  add-dependency          record that a function depends on another
  remove-dependency       forget a dependency
  list-dependencies       what a function depends on
  detect-cycles           find dependency cycles
  visualize-dependencies  write the dependency graph as Graphviz DOT
  add-test                add a unit test to a function
  record-result           record a test result
  show-results            list test results
  purge-tests             delete a function's tests and results
  list-modifications      a function's change history
  coverage-report         tests, passes, failures and coverage per function
  export-function         write a function to a JSON file
  import-function         read functions from a JSON file
  export-module           write a module's functions to a JSON file
  import-module           read a module's functions from a JSON file

Options:
  --db=URL      the database: a file path, sqlite:///path or postgresql://...
                (default: $CODEDB_URL, else ./code_db.sqlite)
  -h --help     show this help; 'codedb COMMAND --help' shows a command's
  --version     show the version

Ids may be given as a unique prefix, as with git.
"""

COMMON = """
Common options:
  --db=URL      the database (default: $CODEDB_URL, else ./code_db.sqlite)
  -h --help     show this help
  --version     show the version
"""

FORMAT = """  --json        write JSON
  --csv         write CSV
"""

COMMANDS: dict[str, tuple[str, Callable[[dict[str, Any]], int]]] = {}


def command(doc: str) -> Callable[[Callable[[dict[str, Any]], int]], Callable[[dict[str, Any]], int]]:
    """Register a command by the docopt text of its usage."""

    def register(handler: Callable[[dict[str, Any]], int]) -> Callable[[dict[str, Any]], int]:
        name = doc.split("codedb ", 1)[1].split()[0]
        COMMANDS[name] = (doc.strip("\n") + "\n" + COMMON, handler)
        return handler

    return register


def out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def fmt(args: dict[str, Any]) -> str:
    return "json" if args.get("--json") else "csv" if args.get("--csv") else "table"


def open_db(args: dict[str, Any], *, readonly: bool = False, current: bool = True) -> Any:
    """The user's codedb database, which must exist and be initialised; with `current`, at
    this codedb's revision (commands that only read its state, back it up or migrate it take
    an older one too)."""
    from .db import connect

    db = connect(args.get("--db"), create=False, readonly=readonly)
    try:
        db.require_schema(current=current)
    except BaseException:
        db.close()
        raise
    return db


def read_text_file(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{what} {path} does not exist; give the path of an existing file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{what} {path} is a directory; give the path of a file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {what} {path}: {exc.strerror}") from None


def write_text_file(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"cannot write {path}: {exc.strerror}; check the directory and permissions"
        ) from None


def split_names(values: Sequence[str] | None) -> list[str]:
    """--modules=a,b --modules=c -> [a, b, c]."""
    return [name.strip() for value in values or () for name in value.split(",") if name.strip()]


# --- database commands ----------------------------------------------------------------------


@command("""
Usage: codedb init [--force] [--lock-timeout=SECONDS] [options]

Create the database (a SQLite file is made readable by its owner only) and apply all
migrations. On a codedb database it applies nothing. A database holding other tables is
refused unless --force, which adds codedb's tables beside them and never deletes any.

Options:
  --force                 add codedb's tables to a database holding other tables
  --lock-timeout=SECONDS  how long to wait for another migration [default: 10]
""")
def cmd_init(args: dict[str, Any]) -> int:
    from .db import connect, display_target
    from .migrations import init

    with connect(args["--db"], create=True) as db:
        result = init(db, force=args["--force"], lock_timeout=_seconds(args["--lock-timeout"]))
        where = display_target(db.target)
        if result.already:
            from .migrations import status

            state = status(db)
            hint = (
                f"; {len(state.pending)} pending, apply them with 'codedb migrate'" if state.pending else ""
            )
            out(f"{where} is already initialised at revision {state.current}; nothing applied{hint}")
        else:
            out(f"initialised {where}: applied {', '.join(result.applied)}")
            if result.foreign_tables:
                out(f"left untouched: {', '.join(result.foreign_tables)}")
    return 0


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise InvalidInput(f"invalid --lock-timeout {value!r}; give a number of seconds") from None
    if seconds <= 0:
        raise InvalidInput("--lock-timeout must be more than 0 seconds")
    return seconds


@command("""
Usage: codedb migrate [--to=REV] [--dry-run] [--break-lock] [--lock-timeout=SECONDS] [options]

Apply pending migrations, all of them or up to and including REV, in one transaction.

Options:
  --to=REV                the last revision to apply (e.g. 0002)
  --dry-run               list what would be applied, change nothing
  --break-lock            remove the lock of a migration process that died, then migrate
  --lock-timeout=SECONDS  how long to wait for another migration [default: 10]
""")
def cmd_migrate(args: dict[str, Any]) -> int:
    from .migrations import break_lock, migrate

    with open_db(args, current=False) as db:
        if args["--break-lock"]:
            break_lock(db)
        ids = migrate(
            db, args["--to"], dry_run=args["--dry-run"], lock_timeout=_seconds(args["--lock-timeout"])
        )
        if not ids:
            out("nothing to apply: the schema is up to date")
        else:
            out(("would apply: " if args["--dry-run"] else "applied: ") + ", ".join(ids))
    return 0


@command("""
Usage: codedb rollback [--to=REV | --steps=N] [--dry-run] [--lock-timeout=SECONDS] [options]

Roll back the last migration, the last N, or all after REV ('base' rolls back all), in one
transaction. Rolling back drops the tables and data of those migrations: back up first.

Options:
  --to=REV                keep REV and what comes before it
  --steps=N               how many migrations to roll back [default: 1]
  --dry-run               list what would be rolled back, change nothing
  --lock-timeout=SECONDS  how long to wait for another migration [default: 10]
""")
def cmd_rollback(args: dict[str, Any]) -> int:
    from .db import connect
    from .migrations import rollback

    try:
        steps = int(args["--steps"])
    except ValueError:
        raise InvalidInput(f"invalid --steps {args['--steps']!r}; give a whole number") from None
    with connect(args["--db"], create=False) as db:
        ids = rollback(
            db,
            args["--to"],
            None if args["--to"] else steps,
            dry_run=args["--dry-run"],
            lock_timeout=_seconds(args["--lock-timeout"]),
        )
        if not ids:
            out("nothing to roll back")
        else:
            out(("would roll back: " if args["--dry-run"] else "rolled back: ") + ", ".join(ids))
    return 0


@command("""
Usage: codedb status [--json] [options]

The applied migrations with their times, the pending ones, and the current revision.

Options:
  --json        write JSON
""")
def cmd_status(args: dict[str, Any]) -> int:
    from .db import connect, display_target
    from .migrations import status

    with connect(args["--db"], create=False, readonly=True) as db:
        state = status(db)
        data = {
            "database": display_target(db.target),
            "current": state.current,
            "applied": [{"migration_id": mid, "applied_at_utc": at} for mid, at in state.applied],
            "pending": list(state.pending),
            "unknown": list(state.unknown),
        }
    if args["--json"]:
        from .output import as_json

        out(as_json(data))
        return 0
    out(f"database: {data['database']}")
    out(f"current revision: {state.current or 'base (nothing applied)'}")
    for mid, at in state.applied:
        out(f"  applied  {mid}  {at}")
    for mid in state.pending:
        out(f"  pending  {mid}")
    for mid in state.unknown:
        out(f"  unknown  {mid}  (applied by a newer codedb)")
    return 0


@command("""
Usage: codedb stats [--json] [options]

Rows per table, database size, schema revision, backend, engine version and journal mode.
Reads only: works on a read-only file and leaves it unchanged.

Options:
  --json        write JSON
""")
def cmd_stats(args: dict[str, Any]) -> int:
    from .stats import stats

    with open_db(args, readonly=True, current=False) as db:
        data = stats(db)
    if args["--json"]:
        from .output import as_json

        out(as_json(data))
        return 0
    out(f"database:      {data['database']}")
    out(f"backend:       {data['backend']} ({data['version']})")
    out(
        f"revision:      {data['revision']}"
        + (f" ({len(data['pending_migrations'])} pending)" if data["pending_migrations"] else "")
    )
    out(f"journal mode:  {data['journal_mode']}")
    out(f"size:          {data['size_bytes']:,} bytes")
    width = max(len(name) for name in data["tables"])
    out("rows:")
    for name, count in data["tables"].items():
        out(f"  {name:<{width}}  {count:>10,}")
    return 0


# --- function library -------------------------------------------------------------------------

FUNCTION_COLUMNS = ("function_id", "name", "description", "modules", "tags", "last_modified_date")


@command("""
Usage: codedb add-function --name=NAME [--description=TEXT] (--code-file=FILE | --code=CODE)
                           [--modules=NAMES]... [--tags=TAGS]... [--json] [options]

Add a function with its modules (created when missing) and tags; prints its id.

Options:
  --name=NAME         the function's name (names need not be unique)
  --description=TEXT  what it does [default: ]
  --code-file=FILE    a file holding its code
  --code=CODE         its code, given inline
  --modules=NAMES     modules, comma-separated or repeated
  --tags=TAGS         tags, comma-separated or repeated
  --json              write the new function as JSON
""")
def cmd_add_function(args: dict[str, Any]) -> int:
    code = read_text_file(args["--code-file"], "code file") if args["--code-file"] else args["--code"]
    with open_db(args) as db:
        function = db.functions.add(
            args["--name"],
            args["--description"],
            code,
            split_names(args["--modules"]),
            split_names(args["--tags"]),
        )
        if args["--json"]:
            from .output import as_json

            out(as_json(db.functions.get_summary(function.function_id)))
        else:
            out(function.function_id)
    return 0


@command("""
Usage: codedb show-function --id=ID [--json] [options]

Show a function: its fields, code, modules, tags and unit tests.

Options:
  --id=ID       the function's id, or a unique prefix of it
  --json        write JSON
""")
def cmd_show_function(args: dict[str, Any]) -> int:
    from .function_files import function_document

    with open_db(args) as db:
        doc = function_document(db, db.functions.resolve(args["--id"]))
        doc["signature"] = db.functions.get(doc["function_id"]).signature
    if args["--json"]:
        from .output import as_json

        out(as_json(doc))
        return 0
    for key in ("function_id", "name", "description", "creation_date", "last_modified_date"):
        out(f"{key}: {doc[key]}")
    out(f"modules: {', '.join(doc['modules'])}")
    out(f"tags: {', '.join(doc['tags'])}")
    out(f"unit tests: {len(doc['unit_tests'])}")
    for test in doc["unit_tests"]:
        out(f"  {test['test_id']}  {test['name']}")
    out("code:")
    out(doc["code_snippet"])
    return 0


@command("""
Usage: codedb modify-function --id=ID --modifier=NAME --description=TEXT --code-file=FILE [options]

Replace a function's code and record the change (who, when, why) in its history.

Options:
  --id=ID             the function's id, or a unique prefix of it
  --modifier=NAME     who made the change
  --description=TEXT  what changed and why
  --code-file=FILE    a file holding the new code
""")
def cmd_modify_function(args: dict[str, Any]) -> int:
    code = read_text_file(args["--code-file"], "code file")
    with open_db(args) as db:
        function = db.functions.modify(
            db.functions.resolve(args["--id"]), args["--modifier"], args["--description"], code
        )
    out(f"modified {function.function_id}")
    return 0


@command("""
Usage: codedb delete-function --id=ID [options]

Delete a function with its module and tag links, dependencies, tests, results and history.

Options:
  --id=ID       the function's id, or a unique prefix of it
""")
def cmd_delete_function(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        function_id = db.functions.resolve(args["--id"])
        db.functions.delete(function_id)
    out(f"deleted {function_id}")
    return 0


@command(
    """
Usage: codedb list-functions [--module=NAME] [--tag=TAG] [--json | --csv] [options]

List functions with their modules and tags, optionally only those in a module and/or with a tag.

Options:
  --module=NAME  only functions in this module
  --tag=TAG      only functions with this tag
"""
    + FORMAT
)
def cmd_list_functions(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        rows = db.functions.list(module=args["--module"], tag=args["--tag"])
    columns = (
        FUNCTION_COLUMNS
        if fmt(args) == "table"
        else (*FUNCTION_COLUMNS[:3], "code_snippet", *FUNCTION_COLUMNS[3:], "creation_date")
    )
    out(render(rows, columns, fmt(args)))
    return 0


@command(
    """
Usage: codedb search-functions --query=TEXT [--created-after=DATE] [--modified-after=DATE]
                               [--test-status=STATUS] [--json | --csv] [options]

Functions whose name, description or code contains TEXT, ignoring case (on SQLite, the case
of ASCII letters only), optionally created or modified after a date (ISO 8601) and whose
latest test result has STATUS (passed, failed, pending, running).

Options:
  --query=TEXT           the text to look for
  --created-after=DATE   only functions created after DATE
  --modified-after=DATE  only functions modified after DATE
  --test-status=STATUS   only functions whose latest result has STATUS
"""
    + FORMAT
)
def cmd_search_functions(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        rows = db.functions.search(
            args["--query"],
            created_after=args["--created-after"],
            modified_after=args["--modified-after"],
            test_status=args["--test-status"],
        )
    out(render(rows, FUNCTION_COLUMNS, fmt(args)))
    return 0


@command(
    """
Usage: codedb list-modules [--json | --csv] [options]

List modules with the number of functions in each.

Options:
"""
    + FORMAT
)
def cmd_list_modules(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        out(render(db.modules.list(), ("name", "module_id", "functions"), fmt(args)))
    return 0


@command("""
Usage: codedb add-function-to-module --function-id=ID --module=NAME [options]

Put a function in a module, creating the module if needed.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --module=NAME     the module
""")
def cmd_add_function_to_module(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        summary = db.modules.add_function(db.functions.resolve(args["--function-id"]), args["--module"])
    out(f"{summary.function_id} is in modules: {', '.join(summary.modules)}")
    return 0


@command(
    """
Usage: codedb list-tags [--json | --csv] [options]

List tags with the number of functions that carry each.

Options:
"""
    + FORMAT
)
def cmd_list_tags(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        out(render(db.tags.list(), ("name", "functions"), fmt(args)))
    return 0


@command("""
Usage: codedb add-tag --function-id=ID --tag=TAG [options]

Tag a function.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --tag=TAG         the tag
""")
def cmd_add_tag(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        summary = db.tags.add(db.functions.resolve(args["--function-id"]), args["--tag"])
    out(f"{summary.function_id} has tags: {', '.join(summary.tags)}")
    return 0


@command("""
Usage: codedb add-dependency --function-id=ID --depends-on-id=ID [options]

Record that a function depends on another. A dependency on itself, or one that would close
a cycle, is refused and the cycle is named.

Options:
  --function-id=ID    the function that depends (id or unique prefix)
  --depends-on-id=ID  the function it depends on (id or unique prefix)
""")
def cmd_add_dependency(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        source = db.functions.resolve(args["--function-id"])
        target = db.functions.resolve(args["--depends-on-id"])
        db.dependencies.add(source, target)
    out(f"{source} depends on {target}")
    return 0


@command("""
Usage: codedb remove-dependency --function-id=ID --depends-on-id=ID [options]

Forget that a function depends on another.

Options:
  --function-id=ID    the function that depends (id or unique prefix)
  --depends-on-id=ID  the function it depends on (id or unique prefix)
""")
def cmd_remove_dependency(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        source = db.functions.resolve(args["--function-id"])
        target = db.functions.resolve(args["--depends-on-id"])
        db.dependencies.remove(source, target)
    out(f"{source} no longer depends on {target}")
    return 0


@command(
    """
Usage: codedb list-dependencies --function-id=ID [--transitive] [--json | --csv] [options]

What a function depends on: directly, or with --transitive everything it reaches, each with
its shortest depth.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --transitive      follow dependencies of dependencies
"""
    + FORMAT
)
def cmd_list_dependencies(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        rows = db.dependencies.list(
            db.functions.resolve(args["--function-id"]), transitive=args["--transitive"]
        )
    out(render(rows, ("function_id", "name", "depth"), fmt(args)))
    return 0


@command(
    """
Usage: codedb detect-cycles [--json | --csv] [options]

Find dependency cycles (codedb refuses to make them, but imports and direct SQL may). Exit
code 1 when there is one.

Options:
"""
    + FORMAT
)
def cmd_detect_cycles(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        cycles = db.dependencies.cycles()
    rows = [
        {"cycle": number, "function_id": entry.function_id, "name": entry.name}
        for number, group in enumerate(cycles, 1)
        for entry in group
    ]
    if fmt(args) == "table":
        if not cycles:
            out("no dependency cycles")
            return 0
        for number, group in enumerate(cycles, 1):
            out(f"cycle {number}: " + " <-> ".join(f"{e.name} ({e.function_id[:8]})" for e in group))
    else:
        out(render(rows, ("cycle", "function_id", "name"), fmt(args)))
    return 1 if cycles else 0


@command("""
Usage: codedb visualize-dependencies --file=FILE [options]

Write the dependency graph as Graphviz DOT (render it with 'dot -Tpng FILE -o graph.png').

Options:
  --file=FILE   where to write the DOT text
""")
def cmd_visualize_dependencies(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        dot = db.dependencies.to_dot()
    write_text_file(args["--file"], dot)
    out(f"wrote {args['--file']}")
    return 0


@command("""
Usage: codedb add-test --function-id=ID --name=NAME [--description=TEXT] --test-file=FILE [options]

Add a unit test to a function; prints the test's id.

Options:
  --function-id=ID    the function's id, or a unique prefix of it
  --name=NAME         the test's name
  --description=TEXT  what it checks [default: ]
  --test-file=FILE    a file holding the test's code
""")
def cmd_add_test(args: dict[str, Any]) -> int:
    test_case = read_text_file(args["--test-file"], "test file")
    with open_db(args) as db:
        test = db.tests.add(
            db.functions.resolve(args["--function-id"]), args["--name"], args["--description"], test_case
        )
    out(test.test_id)
    return 0


@command("""
Usage: codedb record-result --test-id=ID --status=STATUS [--actual-result=TEXT] [options]

Record the outcome of a run of a unit test.

Options:
  --test-id=ID          the test's id, or a unique prefix of it
  --status=STATUS       passed, failed, pending or running
  --actual-result=TEXT  what the run produced
""")
def cmd_record_result(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        result = db.tests.record_result(
            db.tests.resolve(args["--test-id"]), args["--status"], args["--actual-result"]
        )
    out(result.result_id)
    return 0


@command(
    """
Usage: codedb show-results [--function-id=ID] [--json | --csv] [options]

List test results, newest first: all, or a function's.

Options:
  --function-id=ID  only this function's results (id or unique prefix)
"""
    + FORMAT
)
def cmd_show_results(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        function_id = db.functions.resolve(args["--function-id"]) if args["--function-id"] else None
        rows = db.tests.results(function_id)
    out(
        render(
            rows,
            ("result_id", "test_id", "function_id", "execution_date", "status", "actual_result"),
            fmt(args),
        )
    )
    return 0


@command("""
Usage: codedb purge-tests --function-id=ID [options]

Delete every unit test of a function, with their results.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
""")
def cmd_purge_tests(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        function_id = db.functions.resolve(args["--function-id"])
        count = db.tests.purge(function_id)
    out(f"deleted {count} tests of {function_id}")
    return 0


@command(
    """
Usage: codedb list-modifications --function-id=ID [--json | --csv] [options]

A function's change history, oldest first.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
"""
    + FORMAT
)
def cmd_list_modifications(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        rows = db.modifications.list(db.functions.resolve(args["--function-id"]))
    out(render(rows, ("modification_id", "modification_date", "modifier", "description"), fmt(args)))
    return 0


@command(
    """
Usage: codedb coverage-report [--json | --csv] [options]

Per function: its tests, how many passed and failed, and the percentage that passed, each
test judged by its latest result.

Options:
"""
    + FORMAT
)
def cmd_coverage_report(args: dict[str, Any]) -> int:
    from .output import render

    with open_db(args) as db:
        rows = db.tests.coverage()
    out(render(rows, ("function_id", "name", "tests", "passed", "failed", "coverage_percent"), fmt(args)))
    return 0


@command("""
Usage: codedb export-function --function-id=ID --file=FILE [options]

Write a function, its modules, tags and unit tests to a JSON file.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --file=FILE       the JSON file to write
""")
def cmd_export_function(args: dict[str, Any]) -> int:
    from .function_files import function_document
    from .output import as_json

    with open_db(args) as db:
        doc = function_document(db, db.functions.resolve(args["--function-id"]))
    write_text_file(args["--file"], as_json(doc) + "\n")
    out(f"wrote {args['--file']}")
    return 0


@command("""
Usage: codedb export-module --module=NAME --file=FILE [options]

Write every function of a module to a JSON file.

Options:
  --module=NAME  the module
  --file=FILE    the JSON file to write
""")
def cmd_export_module(args: dict[str, Any]) -> int:
    from .function_files import module_document
    from .output import as_json

    with open_db(args) as db:
        doc = module_document(db, args["--module"])
    write_text_file(args["--file"], as_json(doc) + "\n")
    out(f"wrote {len(doc['functions'])} functions to {args['--file']}")
    return 0


def _import(args: dict[str, Any]) -> int:
    from .function_files import import_file

    with open_db(args) as db:
        added = import_file(db, args["--file"])
    out("imported: " + ", ".join(f"{count} {table}" for table, count in added.items()))
    return 0


command("""
Usage: codedb import-function --file=FILE [options]

Read functions from a JSON file written by export-function, in one transaction. Functions,
tests and links that exist already (same ids) are left as they are.

Options:
  --file=FILE   the JSON file to read
""")(_import)

command("""
Usage: codedb import-module --file=FILE [options]

Read a module's functions from a JSON file written by export-module, in one transaction.
Functions, tests and links that exist already (same ids) are left as they are.

Options:
  --file=FILE   the JSON file to read
""")(_import)


# --- backup, restore, export, import --------------------------------------------------------


@command("""
Usage: codedb backup DEST [--format=FORMAT] [--compact] [--force] [--quiet] [options]
       codedb backup --to-dir=DIR [--keep=N] [--format=FORMAT] [--compact] [--quiet] [options]

Back up the database while it stays in use. sqlite (the default) copies the file with the
online backup API (progress on a terminal) or, with --compact, VACUUM INTO; the copy passes
an integrity check before it is put in place. json is a logical dump of every table that
restores exactly, on either backend; sql is a plain SQL dump (SQLite). Backups are readable
by their owner only.

Options:
  --format=FORMAT  sqlite, json or sql [default: sqlite]
  --compact        write a compacted copy (VACUUM INTO)
  --force          replace DEST if it exists
  --to-dir=DIR     write a timestamped file into DIR (for nightly jobs)
  --keep=N         with --to-dir: keep the N newest backups, delete older ones
  --quiet          no progress bar
""")
def cmd_backup(args: dict[str, Any]) -> int:
    from .backup import backup

    keep = _whole(args["--keep"], "--keep") if args["--keep"] else None
    with open_db(args, current=False) as db:
        result = backup(
            db,
            Path(args["DEST"]) if args["DEST"] else None,
            fmt=args["--format"],
            compact=args["--compact"],
            force=args["--force"],
            to_dir=Path(args["--to-dir"]) if args["--to-dir"] else None,
            keep=keep,
            quiet=args["--quiet"],
        )
    out(f"backed up to {result.path} ({result.format}, {result.size_bytes:,} bytes)")
    for path in result.removed:
        out(f"removed old backup {path}")
    return 0


def _whole(value: str, option: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"invalid {option} {value!r}; give a whole number") from None


@command("""
Usage: codedb restore SRC [--force] [--quiet] [options]

Replace the database with a backup: a codedb SQLite backup or a JSON dump. SRC is checked
first (SQLite header, integrity, a codedb schema at a revision this version knows; JSON that
parses and matches the schema). A SQLite database is rebuilt beside the old one and swapped
in; the old file is kept as <name>.pre-restore until the swap succeeded. An older backup is
migrated after the restore. Stop other programs using the database first.

Options:
  --force       replace a database that holds data
  --quiet       no progress bar
""")
def cmd_restore(args: dict[str, Any]) -> int:
    from .db import resolve_target
    from .restore import restore

    result = restore(
        resolve_target(args["--db"]), Path(args["SRC"]), force=args["--force"], quiet=args["--quiet"]
    )
    rows = sum(result.rows.values())
    migrated = f"; migrated {', '.join(result.migrated)}" if result.migrated else ""
    out(
        f"restored {result.target} from {args['SRC']} "
        f"({result.source_kind}, revision {result.revision}, {rows:,} rows){migrated}"
    )
    return 0


@command("""
Usage: codedb export [--format=FORMAT] [--table=T]... [--output=PATH] [--quiet] [options]

Write tables (all, or those named) as JSON (one document), JSON lines (a header line, then
one row per line), or CSV (one file per table in the directory PATH). JSON and JSON lines
are lossless: 'codedb import' reads them back exactly. Without --output, JSON goes to
standard output.

Options:
  --format=FORMAT  json, jsonl or csv [default: json]
  --table=T        export only this table (repeatable)
  --output=PATH    the file to write (a directory for csv)
  --quiet          no progress bar
""")
def cmd_export(args: dict[str, Any]) -> int:
    from .backup import progress_bar, staged
    from .db import private_open
    from .transfer import selected_tables, write_csv, write_json, write_jsonl

    fmt_name = args["--format"]
    if fmt_name not in ("json", "jsonl", "csv"):
        raise InvalidInput(f"unknown export format {fmt_name!r}; use json, jsonl or csv")
    tables = selected_tables(args["--table"])
    with open_db(args) as db:
        if fmt_name == "csv":
            if not args["--output"]:
                raise InvalidInput(
                    "--format=csv writes one file per table: give a directory with --output=DIR"
                )
            counts = write_csv(db, Path(args["--output"]), tables)
        else:
            write = write_json if fmt_name == "json" else write_jsonl
            if not args["--output"]:
                write(db, sys.stdout, tables)
                return 0
            with staged(Path(args["--output"]), force=True) as temp, private_open(temp) as stream:
                counts = write(db, stream, tables, progress_bar(0, "rows", args["--quiet"]))
    print(
        f"exported {sum(counts.values()):,} rows of {len(counts)} tables to {args['--output']}",
        file=sys.stderr,
    )
    return 0


@command("""
Usage: codedb import FILE [--dry-run] [--quiet] [options]

Read a JSON or JSON-lines export in one transaction. Rows are keyed on their ids: those that
exist are left as they are, so importing twice adds nothing. The whole file is checked
before anything is written.

Options:
  --dry-run     report what would be imported, change nothing
  --quiet       no progress bar
""")
def cmd_import(args: dict[str, Any]) -> int:
    from .backup import progress_bar
    from .transfer import load, load_all_or_nothing, read_dump

    dump = read_dump(args["FILE"])
    tick = progress_bar(dump.total, "rows", args["--quiet"])
    with open_db(args) as db:
        added = load_all_or_nothing(db, lambda: load(db, dump.tables, tick), args["--dry-run"])
    verb = "would import" if args["--dry-run"] else "imported"
    for table, records in dump.tables.items():
        if records:
            new = added.get(table, 0)
            out(f"{verb} {new:,} {table} rows ({len(records) - new:,} already present)")
    if not dump.total:
        out("the file holds no rows")
    return 0


@command("""
Usage: codedb import-legacy FILE [--dry-run] [options]

Import the data of the old code_db tool: its pickles (code_db.pkl, every shape; read by a
restricted unpickler that runs nothing a file names) or its SQLModel database
(code_db.sqlite, opened read-only). One transaction, keyed on the source's ids, so a second
import adds nothing. Prints what was found and imported, and every coercion and skip with
its reason. The source is never modified.

Options:
  --dry-run     report what would be imported, change nothing
""")
def cmd_import_legacy(args: dict[str, Any]) -> int:
    from .legacy import import_legacy

    with open_db(args) as db:
        report = import_legacy(db, args["FILE"], dry_run=args["--dry-run"])
    out(f"{report.source}: {report.format}")
    out("found: " + (", ".join(f"{n} {what}" for what, n in report.found.items()) or "nothing"))
    verb = "would import" if report.dry_run else "imported"
    out(f"{verb}: " + (", ".join(f"{n} {table}" for table, n in report.added.items() if n) or "nothing new"))
    for note in report.coerced:
        out(f"coerced: {note}")
    for note in report.skipped:
        out(f"skipped: {note}")
    return 0


@command("""
Usage: codedb check [--json] [options]

Check the database: SQLite's integrity check, the foreign keys, and the schema revision.
Exit code 1 with the list of findings when anything is wrong.

Options:
  --json        write JSON
""")
def cmd_check(args: dict[str, Any]) -> int:
    from .backup import check
    from .db import connect

    with connect(args["--db"], create=False) as db:
        result = check(db)
    if args["--json"]:
        from .output import as_json

        out(
            as_json(
                {"revision": result.revision, "findings": list(result.findings), "ok": not result.findings}
            )
        )
    elif result.findings:
        for finding in result.findings:
            out(finding)
    else:
        out(f"ok: integrity, foreign keys, revision {result.revision}")
    return 1 if result.findings else 0


@command("""
Usage: codedb vacuum [options]

Rebuild the database file and return its free pages to the file system (SQLite VACUUM); on
PostgreSQL, VACUUM (ANALYZE) codedb's tables.
""")
def cmd_vacuum(args: dict[str, Any]) -> int:
    with open_db(args, current=False) as db:
        before = int(db.queries.meta.database_size(db.conn) or 0)
        db.queries.meta.vacuum(db.conn)
        after = int(db.queries.meta.database_size(db.conn) or 0)
    out(f"vacuumed: {before:,} -> {after:,} bytes")
    return 0


# --- dispatch -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run codedb with `argv` (default: sys.argv[1:]); return the exit code."""
    from docopt import DocoptExit, docopt

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        top = docopt(PROGRAM_DOC, argv, version=f"codedb {__version__}", options_first=True)
    except DocoptExit as exc:
        print(exc, file=sys.stderr)
        return 2
    name = top["<command>"]
    if name not in COMMANDS:
        print(f"codedb: unknown command {name!r}; see 'codedb --help'", file=sys.stderr)
        return 2
    doc, handler = COMMANDS[name]
    rest = [name, *top["<args>"]]
    if top["--db"]:
        rest += [f"--db={top['--db']}"]
    try:
        args = docopt(doc, rest, version=f"codedb {__version__}")
    except DocoptExit as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return handler(args)
    except CodedbError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (codedb export | head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # driver errors a user can cause (a locked file, a full disk, ...)
        message = _driver_error(exc)
        if message is None:
            raise
        print(f"Error: {message}", file=sys.stderr)
        return 1


def _driver_error(exc: Exception) -> str | None:
    import sqlite3

    first = first_line(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in first:
        return f"{first}: another process is writing; try again when it has finished"
    if isinstance(exc, sqlite3.Error):
        return f"SQLite: {first}; nothing was changed"
    if isinstance(exc, OSError):
        return f"{exc.strerror or first}: {exc.filename or ''}".rstrip(": ")
    if "psycopg" in type(exc).__module__:
        return f"PostgreSQL: {first}; nothing was changed"
    return None


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
