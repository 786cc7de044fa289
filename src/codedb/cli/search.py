"""The search commands: `codedb search` over every domain's full-text index (the registry's
`search` entries) and its vectors, `codedb embed` and `codedb reindex`."""

from typing import Any

from ..core.embedding import provider
from ..core.registry import searchable
from ..core.textsearch import SearchHit
from ..core.vectors import search_everywhere
from ..errors import Conflict, InvalidInput
from .common import highlight, open_db, out, output_format, whole_number
from .frame import FORMAT, command


@command(
    """
Usage: codedb search TEXT [--limit=N] [--words | --semantic | --hybrid] [--provider=P] [--model=M]
                     [--json | --csv] [options]

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

With --semantic, rows are found by meaning instead (sort a list of numbers finds
quicksort_inplace): the rows whose vectors, made by 'codedb embed', are nearest to the text's
(score: the cosine similarity, 0-100). With --hybrid, the word and the semantic rankings are
fused by reciprocal rank (score 100: first in both); that is what a domain gets by default when
it has vectors of the provider's model, and --words gives the word search alone. A domain with
no vectors is searched by words (not at all with --semantic); with no vectors anywhere, the
options --semantic and --hybrid are an error naming the fix.

Options:
  --limit=N       show at most N results per domain [default: 20]
  --words         word search only
  --semantic      semantic search only
  --hybrid        word and semantic search fused (the default where vectors exist)
  --provider=P    the provider that embeds TEXT (see 'codedb embed --help'); the one that
                  made the vectors
  --model=M       the provider's model (an HTTP provider's)
"""
    + FORMAT
    + """
Example:
  codedb search 'name:fib* OR "binary search"'
"""
)
def cmd_search(args: dict[str, Any]) -> int:
    limit = whole_number(args["--limit"], "--limit", 1) or 20
    mode = next((m for m in ("words", "semantic", "hybrid") if args[f"--{m}"]), "auto")
    chosen = None if mode == "words" else provider(args["--provider"], args["--model"])
    with open_db(args, readonly=True, replica=True) as db:
        hits = search_everywhere(db, args["TEXT"], limit=limit, mode=mode, provider=chosen)
    _print_hits(hits, args)
    return 0


def _print_hits(hits: list[SearchHit], args: dict[str, Any]) -> None:
    """Search hits (SearchHit) as a table, JSON or CSV, every column whole."""
    from .render import render

    rows = [hit._asdict() for hit in hits]
    columns = ("kind", "id", "title", "score", "snippet")
    out(render(rows, columns, output_format(args), width=None, marks=highlight()))


@command("""
Usage: codedb similar FUNCTION_ID [--limit=N] [--model=M] [--json | --csv] [options]

The functions nearest in meaning to one function (its id or a unique prefix), best first, by
the vectors 'codedb embed' made (score: the cosine similarity, 0-100); the function itself is
left out.

Options:
  --limit=N     show at most N functions [default: 10]
  --model=M     whose vectors to compare (default: the local model's)
"""
+ FORMAT
+ """
Example:
  codedb similar 3f2a --limit=5
""")
def cmd_similar(args: dict[str, Any]) -> int:
    limit = whole_number(args["--limit"], "--limit", 1) or 10
    with open_db(args, readonly=True, replica=True) as db:
        function_id = db.functions.resolve(args["FUNCTION_ID"])
        hits = db.functions.similar(function_id, limit=limit, model=args["--model"])
    _print_hits(hits, args)
    return 0


@command("""
Usage: codedb embed [--domain=D]... [--provider=P] [--model=M] [--batch=N] [--check] [--quiet]
                    [--json] [options]
       codedb embed --forget=MODEL [--domain=D]... [--json] [options]

Make the vectors that semantic search compares ('codedb search --semantic'), for every
function, template and conversation message (or those of the domains named: functions,
templates, history) whose vector of the provider's model is missing, or older than its last
change. A row whose text is what its vector was made from is marked current without asking
the provider. Adding or changing a row never waits for a provider: its vector is made here.
Each batch is written in its own transaction after the provider answered, so a run that fails
or is stopped leaves every row as it was, and the next run goes on where it stopped.

A function's text is its name's words, its arguments, its description and its code; a
template's its name's words, description and latest content; a message's its content.

Providers: local (the default): WordLlama's 256-dimension model, on this machine, no network;
or the URL of an OpenAI-compatible API with --model: OpenAI (https://api.openai.com/v1), Ollama
(http://localhost:11434/v1), LM Studio, vLLM. Its key is read from $CODEDB_EMBEDDING_KEY and
never printed. Requests go 64 texts at a time, each waiting at most 30 s, tried 5 times on
429, 5xx and lost connections.

Options:
  --domain=D      functions, templates or history; repeat for more (default: all)
  --provider=P    local, or an API's URL (default: $CODEDB_EMBEDDING_PROVIDER, else local)
  --model=M       the API's model (default: $CODEDB_EMBEDDING_MODEL)
  --batch=N       rows embedded and written at a time [default: 64]
  --check         count the rows waiting for a vector, without embedding; exit 1 if any
  --forget=MODEL  delete every vector of MODEL (of the domains named), in one transaction
  --quiet         no progress bar
  --json          write JSON

Example:
  codedb embed --provider http://localhost:11434/v1 --model nomic-embed-text
""")
def cmd_embed(args: dict[str, Any]) -> int:
    from ..core.progress import progress_bar

    attrs = _domains(args["--domain"])
    with open_db(args, readonly=bool(args["--check"])) as db:
        if args["--forget"]:
            report: dict[str, Any] = {a: getattr(db, a).forget_vectors(args["--forget"]) for a in attrs}
            lines = [f"forgot {n:,} vectors of {args['--forget']} in {a}" for a, n in report.items()]
        else:
            chosen = provider(args["--provider"], args["--model"])
            waiting = {a: getattr(db, a).pending_vectors(chosen.model) for a in attrs}
            if args["--check"]:
                report = {"model": chosen.model, "waiting": waiting}
                lines = [f"{a}: {n:,} waiting for a vector of {chosen.model}" for a, n in waiting.items()]
            else:
                bar = progress_bar(sum(waiting.values()), "rows", args["--quiet"])
                done = {a: getattr(db, a).embed(chosen, batch=_batch(args), progress=bar) for a in attrs}
                counts = {a: {"embedded": r.embedded, "unchanged": r.unchanged} for a, r in done.items()}
                report = {"model": chosen.model, **counts}
                lines = [
                    f"{a}: {r.embedded:,} embedded, {r.unchanged:,} unchanged ({chosen.model})"
                    for a, r in done.items()
                ]
    if args["--json"]:
        from .render import as_json

        out(as_json(report))
    else:
        for line in lines:
            out(line)
    if args["--check"] and any(report["waiting"].values()):
        raise Conflict(
            f"{sum(report['waiting'].values()):,} rows wait for a vector; make them with 'codedb embed'"
        )
    return 0


def _domains(given: list[str]) -> list[str]:
    known = [attr for _, attr in searchable()]
    if not given or given == ["all"]:
        return known
    unknown = [d for d in given if d not in known]
    if unknown:
        raise InvalidInput(f"unknown domain {unknown[0]!r:.60} for --domain; give {', '.join(known)}")
    return list(dict.fromkeys(given))


def _batch(args: dict[str, Any]) -> int:
    batch = whole_number(args["--batch"], "--batch", 1)
    if batch is None or batch > 4096:
        raise InvalidInput(f"--batch {args['--batch']!r:.20} is out of range; give 1 to 4096")
    return batch


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
