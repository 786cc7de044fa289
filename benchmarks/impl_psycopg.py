"""PostgreSQL: codedb against raw psycopg with hand-written SQL, on the same schema."""

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import psycopg

import codedb
from codedb.core.registry import table_names
from codedb.transfer.dump import analyze

from .data import function_id, functions
from .impl_codedb import Codedb

LIST = """
SELECT f.function_id, f.name, f.description, f.code_snippet, f.creation_date, f.last_modified_date,
       f.signature_json,
       (SELECT json_agg(module_name) FROM function_modules fm WHERE fm.function_id = f.function_id),
       (SELECT json_agg(tag) FROM function_tags ft WHERE ft.function_id = f.function_id)
FROM function f {where} ORDER BY f.name, f.function_id
"""


class RawPsycopg:
    name = "raw psycopg"

    def __init__(self, url: str):
        self.conn = psycopg.connect(url, autocommit=True)

    def close(self) -> None:
        self.conn.close()

    def bulk_add(self, items: list[dict[str, Any]]) -> int:
        rows, modules, tags, links_m, links_t = [], {}, set(), [], []
        for item in items:
            rows.append(
                (
                    item["function_id"],
                    item["name"],
                    item["description"],
                    item["code"],
                    item["creation_date"],
                    item["creation_date"],
                    item["signature_json"],
                )
            )
            for module in item["modules"]:
                modules.setdefault(module, (module, str(uuid.uuid4())))
                links_m.append((item["function_id"], module))
            for tag in item["tags"]:
                tags.add(tag)
                links_t.append((item["function_id"], tag))
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany("INSERT INTO function VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
            cur.executemany(
                "INSERT INTO module VALUES (%s, %s) ON CONFLICT DO NOTHING", list(modules.values())
            )
            cur.executemany("INSERT INTO function_modules VALUES (%s, %s) ON CONFLICT DO NOTHING", links_m)
            cur.executemany("INSERT INTO tag VALUES (%s) ON CONFLICT DO NOTHING", [(t,) for t in tags])
            cur.executemany("INSERT INTO function_tags VALUES (%s, %s) ON CONFLICT DO NOTHING", links_t)
        return len(items)

    def get_by_id(self, ids: list[str]) -> int:
        sql = (
            "SELECT function_id, name, description, code_snippet, creation_date, last_modified_date, "
            "signature_json FROM function WHERE function_id = %s"
        )
        return sum(1 for fid in ids if self.conn.execute(sql, (fid,)).fetchone() is not None)

    def list_all(self) -> int:
        return len(self.conn.execute(LIST.format(where="")).fetchall())

    def list_by_tag(self, tag: str) -> int:
        where = (
            "WHERE EXISTS (SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = %s)"
        )
        return len(self.conn.execute(LIST.format(where=where), (tag,)).fetchall())


def run_postgres(bench: Any, base_url: str, sizes: list[int]) -> None:
    """Measure on a schema of its own, dropped afterwards; sizes above 20k are left out."""
    schema = f"codedb_bench_{uuid.uuid4().hex[:8]}"
    url = f"{base_url}{'&' if '?' in base_url else '?'}options={quote(f'-csearch_path={schema}')}"
    admin = psycopg.connect(base_url, autocommit=True)
    try:
        for size in (s for s in sizes if s <= 20_000):
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            admin.execute(f'CREATE SCHEMA "{schema}"')
            with codedb.connect(url) as db:
                codedb.migrate(db)
            items = functions(size)

            def clear() -> None:
                with codedb.connect(url) as db, db.transaction():
                    for table in reversed(table_names()):
                        db.tables[table].clear(db.conn)

            def bulk(impl: type, rep: int, items: list[dict[str, Any]] = items) -> tuple[float, Any]:
                clear()
                bench_impl = impl(url)
                try:
                    return _timed(lambda: bench_impl.bulk_add(items))
                finally:
                    bench_impl.close()

            bench.measure_with("pg bulk_add", size, [RawPsycopg, Codedb], bulk)
            with codedb.connect(url) as db:  # the reads below start from fresh planner statistics
                analyze(db, db.tables)
            ids = [function_id((i * 7919) % size) for i in range(2000)]
            reads: list[tuple[str, Callable[[Any], Any]]] = [
                ("pg get_by_id", lambda b, ids=ids: b.get_by_id(ids)),
                ("pg list_all", lambda b: b.list_all()),
                ("pg list_by_tag", lambda b: b.list_by_tag("tag_7")),
            ]
            for operation, work in reads:

                def run(impl: type, rep: int, work: Callable[[Any], Any] = work) -> tuple[float, Any]:
                    bench_impl = impl(url)
                    try:
                        return _timed(lambda: work(bench_impl))
                    finally:
                        bench_impl.close()

                bench.measure_with(operation, size, [RawPsycopg, Codedb], run)
    finally:
        from .projects import drop_scratch

        drop_scratch(admin, base_url, schema)
        admin.close()


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    from .__main__ import timed

    return timed(work)
