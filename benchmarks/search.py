"""Ranked full-text search (migrations 0016-0017) against the LIKE scan, in the same run.

Functions of made-up identifiers (snake_case and camelCase, three words each from a
vocabulary of 6,000), a description of eight words and five lines of code: a common word
("sort") stands in the names of a fifth of them. Measured per size: bulk add with the index
and without it (the schema before the index, add_many without its indexing steps), the
index rebuilt by `reindex`, and per search the median of repeated calls, each beside the
substring (LIKE) scan of the same text: a selective word (held by one function), an
identifier (a name as written: a phrase of three words, one of them the common one), the
top 20 of the common word, a prefix of four letters (with '*', and typed as the last word,
which completes), a number (each function's code holds a ticket T<n>: found as the word n,
migration 0024), the ticket as typed (T<n>, which completes too) and five letters from inside a
name (found inside names, migration 0025).

    python -m benchmarks.search --sizes 10000,100000 [--postgres URL]
"""

import argparse
import os
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import codedb

from .projects import per_call, scratch_schema

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "po",
    "qua",
    "dri",
    "ble",
    "fen",
    "gor",
    "hal",
)
COMMON = "sort"  # in the names of 20 % of the functions
BATCH = 10_000


def vocabulary() -> list[str]:
    rng = random.Random(1)
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(6500)}
    return sorted(words)[:6000]


def camel(parts: list[str]) -> str:
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def functions(start: int, count: int, vocab: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(start)
    made = []
    for i in range(start, start + count):
        parts = [rng.choice(vocab) for _ in range(3)]
        if i % 5 == 0:
            parts[i % 3] = COMMON
        name = "_".join(parts) if i % 2 else camel(parts)
        ids = [camel([rng.choice(vocab), rng.choice(vocab)]) for _ in range(6)]
        code = (
            f"def {name}(x, y):\n    {ids[0]} = {ids[1]}(x) + {i % 97}\n"
            f"    for item in {ids[2]}.{ids[3]}(y):\n        {ids[0]} += {ids[4]}(item)\n"
            f"    return {ids[5]}({ids[0]})  # ticket T{i}\n"
        )
        made.append(
            {
                "function_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "name": name,
                "description": " ".join(rng.choice(vocab) for _ in range(8)),
                "code": code,
                "modules": [f"module_{i % 50}"],
                "tags": [f"tag_{i % 20}", f"group_{i % 7}"],
                "signature_json": None,
            }
        )
    return made


def bulk_add(db: codedb.Database, size: int, vocab: list[str]) -> float:
    """Seconds to add `size` functions with add_many, in batches (the data made beforehand)."""
    batches = [functions(s, min(BATCH, size - s), vocab) for s in range(0, size, BATCH)]
    start = time.perf_counter()
    for batch in batches:
        db.functions.add_many(batch)
    return time.perf_counter() - start


BEFORE_SEARCH = "0015.template-stats"  # the last migration before the search index


class _NoIndexQueries:
    """The library's queries with the bulk add's indexing steps made no-ops."""

    def __init__(self, queries: Any):
        self._queries = queries

    def __getattr__(self, name: str) -> Any:
        if name.endswith("_trigger") or name.startswith(("index_added_", "functions_by_id_to_index")):
            return lambda *args, **kwargs: []
        return getattr(self._queries, name)


def fresh(target: str, without_index: bool) -> codedb.Database:
    """A migrated database. `without_index` is the baseline: the schema as it was before the
    search index (no index, no triggers) and add_many without its indexing steps, so that it
    runs the code and the statements it ran before the index came."""
    db = codedb.connect(target)
    codedb.migrate(db, to=BEFORE_SEARCH if without_index else None)
    if without_index:
        functions_api: Any = db.functions
        functions_api.sql = _NoIndexQueries(functions_api.sql)
        functions_api._search_texts = lambda *args: {}
        functions_api._copy_documents = lambda rows: None
    return db


def words_of(size: int, vocab: list[str]) -> dict[str, list[str]]:
    """Searches, from functions of the data: selective words (a camelCase name lower-cased,
    one word that one function holds), identifiers (a name as written: three words, one of
    them the common one, found as a phrase) and prefixes (the first four letters of a word
    of a description)."""
    batch = functions(0, min(BATCH, size), vocab)  # the first batch of the data, made again
    sample = batch[1 :: max(2, len(batch) // 100)][:100]  # odd: snake_case names
    camels = [f["name"] for f in batch[:: max(2, len(batch) // 100)][:100]]  # even: camelCase
    rng = random.Random(3)
    prefixes = [rng.choice(f["description"].split())[:4] for f in sample]
    return {
        "selective": [name.lower() for name in camels],
        "identifier": [f["name"] for f in sample],
        "prefix": [p + "*" for p in prefixes],
        "completed": prefixes,  # the same 4 letters typed without '*': the last word completes
        "number": [str(i) for i in range(7, min(BATCH, size), max(1, min(BATCH, size) // 100))][:100],
        # the ticket as written: T<n>, the phrase t n... checked, ranked by its number
        "ticket": [f"T{i}" for i in range(17, min(BATCH, size), max(1, min(BATCH, size) // 100))][:100],
        "inside": [max(f["name"].replace("_", " ").split(), key=len)[1:6] for f in sample],
    }


# The floor of SQLite's reindex: the same texts (the index's own, and the functions' names)
# made into fresh FTS5 tables of the same definitions, in a transaction rolled back.
FLOOR = (
    "CREATE VIRTUAL TABLE floor_words USING fts5(function_id UNINDEXED, name, labels, description, "
    "code, tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4')",
    "INSERT INTO floor_words (rowid, function_id, name, labels, description, code) "
    "SELECT rowid, function_id, name, labels, description, code FROM function_search",
    "INSERT INTO floor_words (floor_words) VALUES ('optimize')",
    "CREATE VIRTUAL TABLE floor_names USING fts5(function_id UNINDEXED, name, tokenize = 'trigram')",
    "INSERT INTO floor_names (rowid, function_id, name) SELECT rowid, function_id, name FROM function",
)


def fts5_floor(conn: Any) -> float:
    """Seconds to build FLOOR's tables (then rolled back): what the texts cost SQLite's FTS5."""
    conn.execute("BEGIN")
    try:
        start = time.perf_counter()
        for statement in FLOOR:
            conn.execute(statement)
        return time.perf_counter() - start
    finally:
        conn.execute("ROLLBACK")


# The floor of PostgreSQL's reindex: the index's own rows copied (in COPY's binary form, the
# server's quickest load, as reindex writes them) into a table without triggers or constraints
# (its names' words computed as PostgreSQL computes them, migration 0030), then its primary
# key and GIN indexes built, in a transaction rolled back.
PG_FLOOR = (
    "CREATE TABLE floor_search (function_id TEXT NOT NULL, document tsvector NOT NULL, "
    "name_words tsvector GENERATED ALWAYS AS (codedb_name_words(document)) STORED)",
    "COPY floor_search (function_id, document) FROM STDIN (FORMAT binary)",
    "ALTER TABLE floor_search ADD PRIMARY KEY (function_id)",
    "CREATE INDEX floor_search_idx ON floor_search USING GIN (document)",
    "CREATE INDEX floor_search_names_idx ON floor_search USING GIN (name_words)",
)


def pg_floor(conn: Any) -> float:
    """Seconds to build PG_FLOOR's table from the index's rows (read beforehand, then rolled
    back): what the documents cost PostgreSQL."""
    out = "COPY (SELECT function_id, document FROM function_search) TO STDOUT (FORMAT binary)"
    with conn.cursor() as cursor, cursor.copy(out) as copy:
        documents = b"".join(copy)
    conn.commit()
    try:
        start = time.perf_counter()
        for statement in PG_FLOOR:
            if statement.startswith("COPY"):
                with conn.cursor() as cursor, cursor.copy(statement) as copy:
                    copy.write(documents)
            else:
                conn.execute(statement)
        return time.perf_counter() - start
    finally:
        conn.rollback()


def settle(url: str) -> None:
    """VACUUM ANALYZE the scratch schema, as autovacuum would after a bulk load (the test
    server runs without it): the visibility map and statistics that reindex, its floor and
    the searches then find."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE function, module, tag, function_modules, function_tags, function_search")


def measure(
    target: str, size: int, calls: int, label: str, reset: Callable[[str], None]
) -> list[dict[str, Any]]:
    vocab = vocabulary()
    rows: list[dict[str, Any]] = []
    reset(target)
    with fresh(target, without_index=True) as db:
        plain = bulk_add(db, size, vocab)
    reset(target)
    with fresh(target, without_index=False) as db:
        indexed = bulk_add(db, size, vocab)
        if label == "pg":
            settle(target)
        start = time.perf_counter()
        db.functions.reindex()
        build = time.perf_counter() - start
        rows.append(
            {"backend": label, "size": size, "operation": "bulk add", "like": plain, "search": indexed}
        )
        rows.append({"backend": label, "size": size, "operation": "index build (reindex)", "search": build})
        if label == "sqlite":
            floor = fts5_floor(db.conn)
            rows.append({"backend": label, "size": size, "operation": "floor: fresh FTS5 tables", "search": floor})
            print(f"  reindex / fresh FTS5 of the same texts at {size:,}: {build / floor:.2f}x")
        else:
            floor = pg_floor(db.conn)
            rows.append({"backend": label, "size": size, "operation": "floor: COPY, key, GIN", "search": floor})
            print(f"  reindex / COPY of the same documents, key and GIN at {size:,}: {build / floor:.2f}x")
        searches = words_of(size, vocab)
        f = db.functions
        for operation, terms, substring in (
            ("selective (a word of 1 function)", searches["selective"], searches["selective"]),
            ("identifier (3 words, 1 common)", searches["identifier"], searches["identifier"]),
            (f"top 20, a word in 20 % ({COMMON})", [COMMON], [COMMON]),
            ("prefix (4 letters*)", searches["prefix"], [w[:-1] for w in searches["prefix"]]),
            ("4 letters typed (completed)", searches["completed"], searches["completed"]),
            ("a number (123 of T123, 1 function)", searches["number"], searches["number"]),
            ("a ticket as typed (T123)", searches["ticket"], searches["ticket"]),
            ("5 letters inside a name", searches["inside"], searches["inside"]),
        ):
            ranked = per_call(lambda n, t=terms: f.search_ranked(t[n % len(t)], limit=20), calls)
            like_calls = max(3, calls // 20)  # a scan takes long; fewer calls suffice
            like = per_call(lambda n, t=substring: f.search_substring(t[n % len(t)], limit=20), like_calls)
            rows.append(
                {"backend": label, "size": size, "operation": operation, "like": like, "search": ranked}
            )
    for row in rows:
        print(format_row(row))
    return rows


HEADER = f"{'backend':<8} {'size':>9}  {'operation':<34} {'LIKE scan':>11} {'ranked':>11} {'LIKE/ranked':>12}"


def format_row(row: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        if value is None:
            return ""
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.3f} ms"

    like, search = row.get("like"), row["search"]
    ratio = f"{like / search:.2f}x" if like else ""
    if row["operation"] == "bulk add":  # the index's cost: with it / without it
        ratio = f"{search / like:.2f}x cost"
    return f"{row['backend']:<8} {row['size']:>9,}  {row['operation']:<34} {ms(like):>11} {ms(search):>11} {ratio:>12}"


def remove_sqlite(target: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)


def run_search(
    workdir: Path, sizes: list[int], postgres: str | None, calls: int = 50, sqlite: bool = True
) -> list[dict[str, Any]]:
    """The search figures at each size on SQLite (and PostgreSQL when given); prints a table.
    'bulk add' compares add_many without the index (LIKE column) and with it (ranked)."""
    print(
        "\nranked full-text search against the LIKE scan (bulk add: without the index in the LIKE "
        "column, with it in the ranked one, and their ratio):"
    )
    print(HEADER)
    rows = []
    for size in sizes:
        if sqlite:
            rows += measure(str(workdir / f"search-{size}.sqlite"), size, calls, "sqlite", remove_sqlite)
        if postgres:
            with scratch_schema(postgres) as url:
                rows += measure(url, size, calls, "pg", reset_schema)
    return rows


def reset_schema(url: str) -> None:
    """Empty the scratch schema (the baseline's dropped triggers rule out a rollback)."""
    with codedb.connect(url) as db:
        schema = db.conn.execute("SELECT current_schema()").fetchone()[0]
        db.conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        db.conn.execute(f'CREATE SCHEMA "{schema}"')
        db.conn.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated sizes (default 10k,100k)")
    parser.add_argument("--calls", type=int, default=50, help="calls per search (median reported)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("CODEDB_BENCH_POSTGRES_URL"))
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="codedb-bench-search-") as tmp:
        run_search(
            Path(tmp), [int(s) for s in args.sizes.split(",")], args.postgres, args.calls, not args.no_sqlite
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
