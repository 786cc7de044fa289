"""The search commands: `codedb search` over every domain's full-text index (the registry's
`search` entries) and `codedb reindex`."""

import sys
from typing import Any

from ..core.registry import searchable
from ..core.textsearch import MARK_END, MARK_START, parse
from ..errors import Conflict
from .common import open_db, out, output_format, whole_number
from .frame import FORMAT, command

BOLD, RESET = "\x1b[1;7m", "\x1b[0m"


def highlighted(text: str) -> str:
    """A snippet's marks as reverse video on a terminal; left as « » otherwise."""
    if not sys.stdout.isatty():
        return text
    return text.replace(MARK_START, BOLD).replace(MARK_END, RESET)


@command(
    """
Usage: codedb search TEXT [--limit=N] [--json | --csv] [options]

Ranked full-text search of every domain with an index, best first per domain, each with its
score (a relevance from 0 to 100, the best match 100) and a snippet whose matches are
highlighted on a terminal: functions (name, tags and modules, description, code), templates
(name, tags, description, latest content as code) and conversation history (message content;
not searched when TEXT names a column). TEXT takes words (identifiers are split:
merge_sorted_arrays, mergeSortedArrays and arrays.merge_sorted hold merge, sorted and arrays;
the last word also matches as a prefix: fibon finds fibonacci), prefixes (fib*), phrases
("binary search"), columns (name:fib, tag:sort, module:math, description:, code:) and AND, OR,
NOT (in capitals) with parentheses. Words that match no function are looked for inside
function names (onacci finds fibonacci_memo, with a score of 0).

Options:
  --limit=N     show at most N results per domain [default: 20]
"""
    + FORMAT
    + """
Example:
  codedb search 'name:fib* OR "binary search"'
"""
)
def cmd_search(args: dict[str, Any]) -> int:
    from .render import render

    query = parse(args["TEXT"])
    limit = whole_number(args["--limit"], "--limit", 1) or 20
    with open_db(args, readonly=True, replica=True) as db:
        hits = [hit for _, attr in searchable() for hit in getattr(db, attr).text_hits(query, limit)]
    if output_format(args) == "table":
        hits = [hit._replace(snippet=highlighted(hit.snippet)) for hit in hits]
    out(
        render(
            [hit._asdict() for hit in hits],
            ("kind", "id", "title", "score", "snippet"),
            output_format(args),
            width=None,
        )
    )
    return 0


@command("""
Usage: codedb reindex [--check] [--json] [options]

Rebuild every full-text index from its tables and optimise it, in one transaction (the
triggers keep the indexes in step with every write, so this is for a database whose triggers
were bypassed, or to merge an index's segments after many writes). --check counts the rows an
index does not hold as they are, without writing.

Options:
  --check       count stale rows only; exit 1 when there are some
  --json        write JSON

Example:
  codedb reindex --check
""")
def cmd_reindex(args: dict[str, Any]) -> int:
    with open_db(args, readonly=bool(args["--check"])) as db:
        if args["--check"]:
            counts = {attr: getattr(db, attr).stale_in_index() for _, attr in searchable()}
        else:
            with db.transaction():
                counts = {attr: getattr(db, attr).reindex() for _, attr in searchable()}
    if args["--json"]:
        from .render import as_json

        out(as_json({"stale" if args["--check"] else "indexed": counts}))
    else:
        line = "{count:,} stale in the index of {attr}" if args["--check"] else "indexed: {count:,} {attr}"
        for attr, count in counts.items():
            out(line.format(count=count, attr=attr))
    if args["--check"] and any(counts.values()):
        raise Conflict(f"{sum(counts.values()):,} stale index rows; rebuild with 'codedb reindex'")
    return 0
