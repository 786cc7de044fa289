"""The function library's commands (the old code_db tool's, with its names)."""

import sys
from typing import Any

from ...cli.common import function_id_arg, highlight, open_db, out, output_format, page, split_names
from ...cli.frame import FORMAT, PAGE, command
from ...cli.render import counted, table_rows
from ...core.files import read_text, write_output
from ...core.textsearch import SEARCH_CANDIDATES, parse

FUNCTION_COLUMNS = ("function_id", "name", "description", "modules", "tags", "last_modified_date")
ALL_FUNCTION_COLUMNS = (
    *FUNCTION_COLUMNS[:3],
    "code_snippet",
    *FUNCTION_COLUMNS[3:],
    "creation_date",
    "signature",
)


def _columns(args: dict[str, Any]) -> tuple[str, ...]:
    """A listing's columns: the short set in a table, every field in JSON and CSV."""
    return FUNCTION_COLUMNS if output_format(args) == "table" else ALL_FUNCTION_COLUMNS


@command("""
Usage: codedb add-function --name=NAME [--description=TEXT] (--code-file=FILE | --code=CODE)
                           [--modules=NAMES]... [--tags=TAGS]... [--embed] [--json] [options]

Add a function with its modules (created when missing) and tags; prints its id. With --embed,
its vector for semantic search is made too, by the default provider (see 'codedb embed
--help'), in the same transaction: if the provider fails, nothing is added. Without it, the
next 'codedb embed' makes it.

Options:
  --name=NAME         the function's name (names need not be unique)
  --description=TEXT  what it does [default: ]
  --code-file=FILE    a file holding its code (- for standard input)
  --code=CODE         its code, given inline
  --modules=NAMES     modules, comma-separated or repeated
  --tags=TAGS         tags, comma-separated or repeated
  --embed             make its vector now (and any other function's that waits)
  --json              write the new function as JSON

Example:
  codedb add-function --name=fib --code-file=fib.py --modules=math --tags=classic
""")
def cmd_add_function(args: dict[str, Any]) -> int:
    code = read_text(args["--code-file"], "code file") if args["--code-file"] else args["--code"]
    with open_db(args) as db, db.transaction():
        function = db.functions.add(
            args["--name"],
            args["--description"],
            code,
            split_names(args["--modules"]),
            split_names(args["--tags"]),
        )
        _embed_if_asked(db, args)
        if args["--json"]:
            from ...cli.render import as_json

            out(as_json(db.functions.get_summary(function.function_id)))
        else:
            out(function.function_id)
    return 0


@command("""
Usage: codedb show-function (--function-id=ID | --id=ID) [--json] [options]

Show a function: its fields, signature, code, modules, tags and unit tests.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
  --json            write JSON

Example:
  codedb show-function --function-id=3f2a --json
""")
def cmd_show_function(args: dict[str, Any]) -> int:
    from .exchange import function_document
    from .signature import describe_signature

    with open_db(args, replica=True) as db:
        doc = function_document(db, db.functions.resolve(function_id_arg(args)), signature=True)
    if args["--json"]:
        from ...cli.render import as_json

        out(as_json(doc))
        return 0
    for key in ("function_id", "name", "description", "creation_date", "last_modified_date"):
        out(f"{key}: {doc[key]}")
    out(f"signature: {describe_signature(doc['name'], doc['signature'])}")
    out(f"modules: {', '.join(doc['modules'])}")
    out(f"tags: {', '.join(doc['tags'])}")
    out(f"unit tests: {len(doc['unit_tests'])}")
    for test in doc["unit_tests"]:
        out(f"  {test['test_id']}  {test['name']}")
    out("code:")
    out(doc["code_snippet"])
    return 0


@command("""
Usage: codedb modify-function (--function-id=ID | --id=ID) --modifier=NAME --description=TEXT
                              --code-file=FILE [--embed] [options]

Replace a function's code and record the change (who, when, why) in its history. With --embed,
its vector for semantic search is made again too, in the same transaction (see add-function).

Options:
  --function-id=ID    the function's id, or a unique prefix of it
  --id=ID             the same (the old spelling)
  --modifier=NAME     who made the change
  --description=TEXT  what changed and why
  --code-file=FILE    a file holding the new code (- for standard input)
  --embed             make its vector again now (and any other function's that waits)

Example:
  codedb modify-function --function-id=3f2a --modifier=ada --description="memoize" --code-file=fib.py
""")
def cmd_modify_function(args: dict[str, Any]) -> int:
    code = read_text(args["--code-file"], "code file")
    with open_db(args) as db, db.transaction():
        function = db.functions.modify(
            db.functions.resolve(function_id_arg(args)), args["--modifier"], args["--description"], code
        )
        _embed_if_asked(db, args)
    out(f"modified {function.function_id}")
    return 0


def _embed_if_asked(db: Any, args: dict[str, Any]) -> None:
    """--embed: make the vectors that wait, with the default provider, inside the caller's
    transaction (so a provider that fails undoes the change with them)."""
    if args["--embed"]:
        from ...core.embedding import provider

        db.functions.embed(provider())


@command("""
Usage: codedb delete-function (--function-id=ID | --id=ID) [options]

Delete a function with its module and tag links, dependencies, tests, results and history.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)

Example:
  codedb delete-function --function-id=3f2a
""")
def cmd_delete_function(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        function_id = db.functions.resolve(function_id_arg(args))
        db.functions.delete(function_id)
    out(f"deleted {function_id}")
    return 0


@command(
    """
Usage: codedb list-functions [--module=NAME] [--tag=TAG] [--limit=N] [--offset=N] [--json | --csv] [options]

List functions by name with their modules and tags, optionally only those in a module and/or
with a tag.

Options:
  --module=NAME  only functions in this module
  --tag=TAG      only functions with this tag
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb list-functions --module=math --limit=20 --csv
"""
)
def cmd_list_functions(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        rows = db.functions.list(module=args["--module"], tag=args["--tag"], **page(args))
    out(render(rows, _columns(args), output_format(args)))
    return 0


@command(
    """
Usage: codedb search-functions --query=TEXT [--substring] [--module=NAME] [--tag=TAG]
                               [--created-after=DATE] [--modified-after=DATE] [--test-status=STATUS]
                               [--limit=N] [--offset=N] [--json | --csv] [options]

Ranked full-text search of functions (name, tags and modules, description, code), best first,
with a score and a snippet whose matches are highlighted on a terminal (see the help of
'codedb search' for what TEXT may hold). With --substring, the functions whose name,
description or code contains TEXT, ignoring case (on SQLite, the case of ASCII letters only),
by name, as codedb did before. Either keeps only the functions in a module, with a tag,
created or modified after a date (ISO 8601) and whose latest test result has STATUS (passed,
failed, pending, running).

Options:
  --query=TEXT           the search
  --substring            a case-insensitive substring search, unranked
  --module=NAME          only functions in this module
  --tag=TAG              only functions with this tag
  --created-after=DATE   only functions created after DATE
  --modified-after=DATE  only functions modified after DATE
  --test-status=STATUS   only functions whose latest result has STATUS
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb search-functions --query='sort* tag:classic' --created-after=2024-01-01
"""
)
def cmd_search_functions(args: dict[str, Any]) -> int:
    from ...cli.render import render

    filters = {
        "created_after": args["--created-after"],
        "modified_after": args["--modified-after"],
        "test_status": args["--test-status"],
        "module": args["--module"],
        "tag": args["--tag"],
    }
    with open_db(args, replica=True) as db:
        if args["--substring"] or not args["--query"].strip():  # no words: every function, filtered
            rows = db.functions.search_substring(args["--query"], **filters, **page(args))
            out(render(rows, _columns(args), output_format(args)))
            return 0
        limits = page(args)
        query = parse(args["--query"])  # once, for the search and the count
        limit = 20 if limits["limit"] is None else limits["limit"]
        hits = db.functions.search_ranked(query, **filters, limit=limit, offset=limits["offset"])
        # Counted only when there may be more than a page of word matches (hits found inside
        # names score 0: their words match nothing; a PostgreSQL count of no match reads it all).
        full = len(hits) == limit or bool(limits["offset"])
        if hits and full and hits[0].score > 0 and db.functions.count_text_matches(query) > SEARCH_CANDIDATES:
            print(
                f"note: more than {SEARCH_CANDIDATES:,} functions match; the newest {SEARCH_CANDIDATES:,} "
                "(and the newest whose name matches) were ranked; narrow the search for a full ranking",
                file=sys.stderr,
            )
    if output_format(args) == "table":
        columns = ("function_id", "name", "score", "snippet", "modules", "tags")
        out(render(hits, columns, "table", width=None, marks=highlight()))
    else:
        out(render(hits, (*_columns(args), "score", "snippet"), output_format(args)))
    return 0


@command(
    """
Usage: codedb list-modules [--json | --csv] [options]

List modules with the number of functions in each.

Options:
"""
    + FORMAT
    + """
Example:
  codedb list-modules --json
"""
)
def cmd_list_modules(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        out(render(db.modules.list(), ("name", "module_id", "functions"), output_format(args)))
    return 0


@command("""
Usage: codedb add-function-to-module (--function-id=ID | --id=ID) --module=NAME [options]

Put a function in a module, creating the module if needed.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
  --module=NAME     the module

Example:
  codedb add-function-to-module --function-id=3f2a --module=math
""")
def cmd_add_function_to_module(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        summary = db.modules.add_function(db.functions.resolve(function_id_arg(args)), args["--module"])
    out(f"{summary.function_id} is in modules: {', '.join(summary.modules)}")
    return 0


@command(
    """
Usage: codedb list-tags [--json | --csv] [options]

List tags with the number of functions that carry each.

Options:
"""
    + FORMAT
    + """
Example:
  codedb list-tags
"""
)
def cmd_list_tags(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        out(render(db.tags.list(), ("name", "functions"), output_format(args)))
    return 0


@command("""
Usage: codedb add-tag (--function-id=ID | --id=ID) --tag=TAG [options]

Tag a function.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
  --tag=TAG         the tag

Example:
  codedb add-tag --function-id=3f2a --tag=recursion
""")
def cmd_add_tag(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        summary = db.tags.add(db.functions.resolve(function_id_arg(args)), args["--tag"])
    out(f"{summary.function_id} has tags: {', '.join(summary.tags)}")
    return 0


@command("""
Usage: codedb add-dependency (--function-id=ID | --id=ID) --depends-on-id=ID [options]

Record that a function depends on another. A dependency on itself, or one that would close
a cycle, is refused and the cycle is named.

Options:
  --function-id=ID    the function that depends (id or unique prefix)
  --id=ID             the same (the old spelling)
  --depends-on-id=ID  the function it depends on (id or unique prefix)

Example:
  codedb add-dependency --function-id=3f2a --depends-on-id=9c1b
""")
def cmd_add_dependency(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        source = db.functions.resolve(function_id_arg(args))
        target = db.functions.resolve(args["--depends-on-id"])
        db.dependencies.add(source, target)
    out(f"{source} depends on {target}")
    return 0


@command("""
Usage: codedb remove-dependency (--function-id=ID | --id=ID) --depends-on-id=ID [options]

Forget that a function depends on another.

Options:
  --function-id=ID    the function that depends (id or unique prefix)
  --id=ID             the same (the old spelling)
  --depends-on-id=ID  the function it depends on (id or unique prefix)

Example:
  codedb remove-dependency --function-id=3f2a --depends-on-id=9c1b
""")
def cmd_remove_dependency(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        source = db.functions.resolve(function_id_arg(args))
        target = db.functions.resolve(args["--depends-on-id"])
        db.dependencies.remove(source, target)
    out(f"{source} no longer depends on {target}")
    return 0


@command(
    """
Usage: codedb list-dependencies (--function-id=ID | --id=ID) [--transitive] [--json | --csv] [options]

What a function depends on: directly, or with --transitive everything it reaches, each with
its shortest depth.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
  --transitive      follow dependencies of dependencies
"""
    + FORMAT
    + """
Example:
  codedb list-dependencies --function-id=3f2a --transitive
"""
)
def cmd_list_dependencies(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        rows = db.dependencies.list(
            db.functions.resolve(function_id_arg(args)), transitive=args["--transitive"]
        )
    out(render(rows, ("function_id", "name", "depth"), output_format(args)))
    return 0


@command(
    """
Usage: codedb detect-cycles [--json | --csv] [options]

Find dependency cycles (codedb refuses to make them, but imports and direct SQL may). Exit
code 1 when there is one.

Options:
"""
    + FORMAT
    + """
Example:
  codedb detect-cycles || echo "cycles found"
"""
)
def cmd_detect_cycles(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        cycles = db.dependencies.cycles()
    rows = [
        {"cycle": number, "function_id": entry.function_id, "name": entry.name}
        for number, group in enumerate(cycles, 1)
        for entry in group
    ]
    if output_format(args) == "table":
        if not cycles:
            out("no dependency cycles")
            return 0
        for number, group in enumerate(cycles, 1):
            out(f"cycle {number}: " + " <-> ".join(f"{e.name} ({e.function_id[:8]})" for e in group))
    else:
        out(render(rows, ("cycle", "function_id", "name"), output_format(args)))
    return 1 if cycles else 0


@command("""
Usage: codedb visualize-dependencies --file=FILE [--force] [options]

Write the dependency graph as Graphviz DOT (render it with 'dot -Tpng FILE -o graph.png').

Options:
  --file=FILE   where to write the DOT text (- for standard output)
  --force       replace FILE if it exists

Example:
  codedb visualize-dependencies --file=- | dot -Tpng -o deps.png
""")
def cmd_visualize_dependencies(args: dict[str, Any]) -> int:
    with open_db(args, replica=True) as db:
        dot = db.dependencies.to_dot()
        write_output(args["--file"], dot, force=args["--force"])
    if args["--file"] != "-":
        out(f"wrote {args['--file']}")
    return 0


@command("""
Usage: codedb add-test (--function-id=ID | --id=ID) --name=NAME [--description=TEXT]
                       --test-file=FILE [options]

Add a unit test to a function; prints the test's id.

Options:
  --function-id=ID    the function's id, or a unique prefix of it
  --id=ID             the same (the old spelling)
  --name=NAME         the test's name
  --description=TEXT  what it checks [default: ]
  --test-file=FILE    a file holding the test's code (- for standard input)

Example:
  codedb add-test --function-id=3f2a --name="small values" --test-file=test_fib.py
""")
def cmd_add_test(args: dict[str, Any]) -> int:
    test_case = read_text(args["--test-file"], "test file")
    with open_db(args) as db:
        test = db.tests.add(
            db.functions.resolve(function_id_arg(args)), args["--name"], args["--description"], test_case
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

Example:
  codedb record-result --test-id=77d0 --status=passed
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
Usage: codedb show-results [--function-id=ID | --id=ID] [--json | --csv] [options]

List test results, newest first: all, or a function's.

Options:
  --function-id=ID  only this function's results (id or unique prefix)
  --id=ID           the same (the old spelling)
"""
    + FORMAT
    + """
Example:
  codedb show-results --function-id=3f2a
"""
)
def cmd_show_results(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        given = args["--function-id"] or args["--id"]
        function_id = db.functions.resolve(function_id_arg(args)) if given else None
        rows = db.tests.results(function_id)
    columns = ("result_id", "test_id", "function_id", "execution_date", "status", "actual_result")
    out(render(rows, columns, output_format(args)))
    return 0


@command("""
Usage: codedb purge-tests (--function-id=ID | --id=ID) [options]

Delete every unit test of a function, with their results.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)

Example:
  codedb purge-tests --function-id=3f2a
""")
def cmd_purge_tests(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        function_id = db.functions.resolve(function_id_arg(args))
        count = db.tests.purge(function_id)
    out(f"deleted {count} tests of {function_id}")
    return 0


@command(
    """
Usage: codedb list-modifications (--function-id=ID | --id=ID) [--json | --csv] [options]

A function's change history, oldest first.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
"""
    + FORMAT
    + """
Example:
  codedb list-modifications --function-id=3f2a
"""
)
def cmd_list_modifications(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        rows = db.modifications.list(db.functions.resolve(function_id_arg(args)))
    out(
        render(rows, ("modification_id", "modification_date", "modifier", "description"), output_format(args))
    )
    return 0


@command(
    """
Usage: codedb coverage-report [--json | --csv] [options]

Per function: its tests, how many passed and failed, and the percentage that passed, each
test judged by its latest result.

Options:
"""
    + FORMAT
    + """
Example:
  codedb coverage-report --csv > coverage.csv
"""
)
def cmd_coverage_report(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args, replica=True) as db:
        rows = db.tests.coverage()
    out(
        render(
            rows,
            ("function_id", "name", "tests", "passed", "failed", "coverage_percent"),
            output_format(args),
        )
    )
    return 0


@command("""
Usage: codedb export-function (--function-id=ID | --id=ID) --file=FILE [--force] [options]

Write a function, its modules, tags and unit tests to a JSON file.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
  --file=FILE       the JSON file to write (- for standard output)
  --force           replace FILE if it exists

Example:
  codedb export-function --function-id=3f2a --file=fib.json
""")
def cmd_export_function(args: dict[str, Any]) -> int:
    from ...cli.render import as_json
    from .exchange import function_document

    with open_db(args, replica=True) as db:
        doc = function_document(db, db.functions.resolve(function_id_arg(args)))
        write_output(args["--file"], as_json(doc) + "\n", force=args["--force"])
    if args["--file"] != "-":
        out(f"wrote {args['--file']}")
    return 0


@command("""
Usage: codedb export-module --module=NAME --file=FILE [--force] [options]

Write every function of a module to a JSON file.

Options:
  --module=NAME  the module
  --file=FILE    the JSON file to write (- for standard output)
  --force        replace FILE if it exists

Example:
  codedb export-module --module=math --file=math.json
""")
def cmd_export_module(args: dict[str, Any]) -> int:
    from ...cli.render import as_json
    from .exchange import module_document

    with open_db(args, replica=True) as db:
        doc = module_document(db, args["--module"])
        write_output(args["--file"], as_json(doc) + "\n", force=args["--force"])
    if args["--file"] != "-":
        out(f"wrote {len(doc['functions'])} functions to {args['--file']}")
    return 0


def _import(args: dict[str, Any]) -> int:
    from ...errors import InvalidInput
    from .exchange import import_copies, import_file

    if args["--skip-same-names"] and not args["--as-copies"]:
        raise InvalidInput("--skip-same-names goes with --as-copies; add --as-copies, or leave it out")
    with open_db(args) as db:
        if not args["--as-copies"]:
            added = import_file(db, args["--file"])
            out("imported: " + (table_rows(added) or "nothing new"))
            return 0
        done = import_copies(db, args["--file"], skip_same_names=args["--skip-same-names"])
    if done.module_skipped is not None:
        out(f"skipped module {done.module_skipped!r}: a module of that name exists")
    for name in done.skipped:
        out(f"skipped function {name!r}: a function of that name exists")
    out(f"imported {counted(len(done.function_ids), 'function')} as copies")
    for fid in done.function_ids:
        out(fid)
    return 0


_COPIES = """  --as-copies         give the functions and tests new ids (the old tool's import); a
                      function whose name exists (ignoring case) is refused
  --skip-same-names   with --as-copies: leave out such functions instead of refusing
"""

command(
    """
Usage: codedb import-function --file=FILE [--as-copies [--skip-same-names]] [options]

Read functions from a JSON file written by export-function, in one transaction. Functions,
tests and links that exist already (same ids) are left as they are; with --as-copies they
get new ids instead.

Options:
  --file=FILE         the JSON file to read (- for standard input)
"""
    + _COPIES
    + """
Example:
  codedb import-function --file=fib.json
"""
)(_import)

command(
    """
Usage: codedb import-module --file=FILE [--as-copies [--skip-same-names]] [options]

Read a module's functions from a JSON file written by export-module (or the old tool), in
one transaction. Functions, tests and links that exist already (same ids) are left as they
are; with --as-copies they get new ids, and a module whose name exists (ignoring case) is
refused, or skipped whole with --skip-same-names.

Options:
  --file=FILE         the JSON file to read (- for standard input)
"""
    + _COPIES
    + """
Example:
  codedb import-module --file=math.json --as-copies
"""
)(_import)


@command("""
Usage: codedb detect-recursion (--function-id=ID | --id=ID) [--json] [--check] [options]

Say whether a function calls itself in its code (its name followed by '(' other than where
it is defined) and which dependency cycles it is on. Exit code 0 with the answer, as the old
tool's command (scripts under 'set -e' go on); with --check, exit code 1 when it is recursive.

Options:
  --function-id=ID  the function's id, or a unique prefix of it
  --id=ID           the same (the old spelling)
  --json            write JSON
  --check           exit 1 when the function is recursive (directly or on a cycle)

Example:
  codedb detect-recursion --function-id=3f2a
""")
def cmd_detect_recursion(args: dict[str, Any]) -> int:
    with open_db(args, replica=True) as db:
        found = db.functions.recursion(db.functions.resolve(function_id_arg(args)))
        names = db.functions.names()
    if args["--json"]:
        from ...cli.render import as_json

        out(as_json({"function_id": found.function_id, "direct": found.direct, "cycles": found.cycles}))
    else:
        out(f"direct recursion: {'yes' if found.direct else 'no'}")
        for cycle in found.cycles:
            out("on the cycle " + " -> ".join(names.get(fid, fid) for fid in (*cycle, cycle[0])))
        if not found.cycles:
            out("on no dependency cycle")
    return 1 if args["--check"] and (found.direct or found.cycles) else 0


@command("""
Usage: codedb generate-module-file --module=NAME --file=FILE [--with-tests] [--force] [options]

Write a module's functions as one Julia source file: 'module NAME', each function's name,
description and code, its tests too with --with-tests, then 'end # module NAME'.

Options:
  --module=NAME  the module
  --file=FILE    the file to write (- for standard output)
  --with-tests   add each function's unit tests after it
  --force        replace FILE if it exists

Example:
  codedb generate-module-file --module=math --file=Math.jl --with-tests
""")
def cmd_generate_module_file(args: dict[str, Any]) -> int:
    from .exchange import module_source

    with open_db(args) as db:
        text = module_source(db, args["--module"], with_tests=args["--with-tests"])
        write_output(args["--file"], text, force=args["--force"])
    if args["--file"] != "-":
        out(f"wrote module {args['--module']} to {args['--file']}")
    return 0
