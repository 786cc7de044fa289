"""Semantic search (issue #28): its quality on benchmarks/semantic_set.json (recall@5 and MRR
of word, semantic and hybrid search), and its speed: the local model's throughput (functions
embedded a second), the top 10 of N functions by meaning against exact brute force in numpy
over the same vectors (the anchor, in the same run), the first search (reading the vectors),
and the file's growth per 100,000 vectors.

    python -m benchmarks.semantic [--sizes 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import codedb
from codedb.core.textsearch import parse

from .data import functions

SET = Path(__file__).with_name("semantic_set.json")
QUERIES = ("sort a list of numbers", "adds a number to x", "parse a json file", "batch 7", "send an email")
CALLS = 30


def quality(db: codedb.Database, data: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Recall@5 and MRR (of the first 10) of word search (`codedb search --words`), semantic
    and hybrid search, on the set's functions added to `db` (an empty database)."""
    from codedb.core.embedding import LocalProvider

    ids = {
        f["name"]: db.functions.add(f["name"], f["description"], f["code"]).function_id
        for f in data["functions"]
    }
    local = LocalProvider()
    db.functions.embed(local)
    modes = {
        "words": lambda text: db.functions.text_hits(parse(text), 10),
        "semantic": lambda text: db.functions.search_semantic(text, limit=10, provider=local),
        "hybrid": lambda text: db.functions.search_hybrid(text, limit=10, provider=local),
    }
    scores = {}
    for mode, search in modes.items():
        ranks = []
        for q in data["queries"]:
            found = [hit.id for hit in search(q["query"])]
            want = ids[q["expected"]]
            ranks.append(found.index(want) + 1 if want in found else None)
        scores[mode] = {
            "recall@5": sum(1 for r in ranks if r and r <= 5) / len(ranks),
            "mrr": sum(1 / r for r in ranks if r) / len(ranks),
        }
    return scores


def _median_ms(work: Any, calls: int = CALLS) -> float:
    times = []
    for n in range(calls):
        started = time.perf_counter()
        work(n)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def speed(target: str, size: int) -> dict[str, Any]:
    """The speed figures at `size` functions in `target` (an empty database; the file's growth
    where it is an SQLite file)."""
    import numpy as np

    from codedb.core.embedding import LocalProvider
    from codedb.core.vectors import decode

    path = None if "://" in target else Path(target)
    local = LocalProvider()
    local.embed(["warm the model up"])
    with codedb.connect(target) as db:
        codedb.migrate(db)
        db.functions.add_many(functions(size))
        before = path.stat().st_size if path else 0
        started = time.perf_counter()
        db.functions.embed(local, batch=256)
        embed_seconds = time.perf_counter() - started
        if path:
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        growth = (path.stat().st_size - before) if path else None
        vectors = {q: local.embed([q])[0] for q in QUERIES}
        started = time.perf_counter()
        db.functions.search_semantic(QUERIES[0], limit=10, provider=local)
        first = (time.perf_counter() - started) * 1000
        codedb_ms = _median_ms(
            lambda n: db.functions.search_semantic(QUERIES[n % len(QUERIES)], limit=10, provider=local)
        )
        # The anchor: the same vectors, in memory, exact brute force in numpy (the query's
        # vector made beforehand, as codedb makes it inside its call).
        rows = db.conn.execute(
            "SELECT function_id, dimensions, vector FROM function_vectors ORDER BY function_id"
        ).fetchall()
        matrix = np.vstack([decode(v, d) for _, d, v in rows])
        ids = [r[0] for r in rows]

        def brute(n: int) -> list[str]:
            scores = matrix @ vectors[QUERIES[n % len(QUERIES)]]
            best = np.argpartition(-scores, 10)[:10]
            return [ids[i] for i in best[np.argsort(-scores[best])]]

        numpy_ms = _median_ms(brute)
        embed_one_ms = _median_ms(lambda n: local.embed([QUERIES[n % len(QUERIES)]]))
        assert {h.id for h in db.functions.search_semantic(QUERIES[1], limit=10, provider=local)} == set(
            brute(1)
        )
    return {
        "functions": size,
        "embedded_per_second": round(size / embed_seconds),
        "top10_ms": round(codedb_ms, 2),
        "numpy_top10_ms": round(numpy_ms, 2),
        "query_embedding_ms": round(embed_one_ms, 3),
        "over_numpy": round(codedb_ms / numpy_ms, 2),
        "first_search_ms": round(first, 1),
        "bytes_per_100k_vectors": round(growth * 100_000 / size) if growth is not None else None,
    }


def run_semantic(workdir: Path, sizes: list[int], postgres: str | None = None) -> dict[str, Any]:
    """Quality and speed tables (printed), and their figures."""
    data = json.loads(SET.read_text())
    with codedb.connect(":memory:") as db:
        codedb.migrate(db)
        scores = quality(db, data)
    print(
        f"\nsemantic search's quality ({len(data['queries'])} searches of {len(data['functions'])} functions):"
    )
    print(f"{'search':<10} {'recall@5':>9} {'MRR':>6}")
    for mode, s in scores.items():
        print(f"{mode:<10} {s['recall@5']:>9.3f} {s['mrr']:>6.3f}")
    print("\nsemantic search's speed: top 10 by meaning against exact brute force in numpy (same vectors):")
    print(
        f"{'backend':<10} {'functions':>9} {'embed/s':>8} {'top10 ms':>9} {'numpy ms':>9} {'ratio':>6} "
        f"{'query ms':>9} {'first ms':>9} {'MB/100k':>8}"
    )
    rows = []
    for size in sizes:
        rows.append({"backend": "sqlite", **speed(str(workdir / f"sem-{size}.sqlite"), size)})
        if postgres:
            from .projects import scratch_schema

            with scratch_schema(postgres) as url:
                rows.append({"backend": "postgresql", **speed(url, size)})
    for r in rows:
        growth = f"{r['bytes_per_100k_vectors'] / 1e6:>8.1f}" if r["bytes_per_100k_vectors"] else f"{'-':>8}"
        print(
            f"{r['backend']:<10} {r['functions']:>9,} {r['embedded_per_second']:>8,} {r['top10_ms']:>9.2f} "
            f"{r['numpy_top10_ms']:>9.2f} {r['over_numpy']:>6.2f} {r['query_embedding_ms']:>9.3f} "
            f"{r['first_search_ms']:>9.1f} {growth}"
        )
    return {"quality": scores, "speed": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.semantic", description=__doc__)
    parser.add_argument("--sizes", default="100000", help="functions, comma-separated")
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure there too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run_semantic(Path(tmp), [int(n) for n in args.sizes.split(",")], args.postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
