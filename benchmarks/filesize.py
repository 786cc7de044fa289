"""The size of one SQLite file as the library grows: functions of the search benchmark's shape
(five lines of code, a description of eight words, one module, two tags) added with add_many
in batches, the full-text index kept by it. At each size: the file, the index's share of it
(SQLite's dbstat), bytes per function, and the time the adds took.

    python -m benchmarks.filesize --sizes 1000000,10000000 [--db PATH]
"""

import argparse
import tempfile
import time
from pathlib import Path

import codedb

from .search import BATCH, functions, remove_sqlite, vocabulary

INDEX_BYTES = "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'function_search%'"


def grow(path: Path, sizes: list[int]) -> list[dict[str, float]]:
    """Add functions up to each size in turn; the figures at each."""
    vocab = vocabulary()
    rows = []
    remove_sqlite(str(path))
    with codedb.connect(str(path)) as db:
        codedb.migrate(db)
        added, seconds = 0, 0.0
        for size in sizes:
            while added < size:
                batch = functions(added, min(BATCH, size - added), vocab)
                start = time.perf_counter()
                db.functions.add_many(batch)
                seconds += time.perf_counter() - start
                added += len(batch)
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            index = db.conn.execute(INDEX_BYTES).fetchone()[0]
            total = path.stat().st_size
            row = {"functions": size, "bytes": total, "index": index, "seconds": seconds}
            print(
                f"{size:>11,} functions  {total / 1e9:7.2f} GB  index {index / 1e9:6.2f} GB "
                f"({index / total:4.0%})  {total / size:7,.0f} B/function  added in {seconds:7.1f} s",
                flush=True,
            )
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.filesize", description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated sizes, ascending")
    parser.add_argument("--db", type=Path, help="the file to build (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.db:
        grow(args.db, sizes)
        return 0
    with tempfile.TemporaryDirectory(prefix="codedb-filesize-") as workdir:
        grow(Path(workdir) / "library.sqlite", sizes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
