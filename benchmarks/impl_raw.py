"""The limit: the same operations with the sqlite3 module and SQL written by hand."""

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from .data import functions

PRAGMAS = (
    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
)
INSERT_FUNCTION = (
    "INSERT INTO function (function_id, name, description, code_snippet, creation_date, last_modified_date, "
    "signature_json) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
LIST = """
SELECT f.function_id, f.name, f.description, f.code_snippet, f.creation_date, f.last_modified_date,
       f.signature_json,
       (SELECT json_group_array(module_name) FROM function_modules fm WHERE fm.function_id = f.function_id),
       (SELECT json_group_array(tag) FROM function_tags ft WHERE ft.function_id = f.function_id)
FROM function f {where} ORDER BY f.name, f.function_id
"""


def names(text: str) -> list[str]:
    """A JSON array of names, decoded as fast as codedb does it (split when nothing is escaped)."""
    if text == "[]":
        return []
    return text[2:-2].split('","') if "\\" not in text else json.loads(text)


class Raw:
    name = "raw sqlite3"

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.executescript(PRAGMAS)

    def close(self) -> None:
        self.conn.close()

    def _rows(
        self, items: list[dict[str, Any]]
    ) -> tuple[list[tuple], dict[str, tuple], set[str], list[tuple], list[tuple]]:
        rows, modules, tags, links_m, links_t = [], {}, set(), [], []
        for item in items:
            stamp = item["creation_date"].isoformat(sep=" ", timespec="microseconds")
            rows.append(
                (
                    item["function_id"],
                    item["name"],
                    item["description"],
                    item["code"],
                    stamp,
                    stamp,
                    item["signature_json"],
                )
            )
            for module in item["modules"]:
                modules.setdefault(module, (module, str(uuid.uuid4())))
                links_m.append((item["function_id"], module))
            for tag in item["tags"]:
                tags.add(tag)
                links_t.append((item["function_id"], tag))
        return rows, modules, tags, links_m, links_t

    def _insert(self, items: list[dict[str, Any]]) -> None:
        rows, modules, tags, links_m, links_t = self._rows(items)
        c = self.conn
        c.executemany(INSERT_FUNCTION, rows)
        c.executemany(
            "INSERT INTO module (name, module_id) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            modules.values(),
        )
        c.executemany(
            "INSERT INTO function_modules (function_id, module_name) VALUES (?, ?) ON CONFLICT DO NOTHING",
            links_m,
        )
        c.executemany("INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO NOTHING", [(t,) for t in tags])
        c.executemany(
            "INSERT INTO function_tags (function_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", links_t
        )

    def bulk_add(self, items: list[dict[str, Any]]) -> int:
        self.conn.execute("BEGIN IMMEDIATE")
        self._insert(items)
        self.conn.execute("COMMIT")
        return len(items)

    def add_one_each(self, items: list[dict[str, Any]]) -> int:
        for item in items:
            self.conn.execute("BEGIN IMMEDIATE")
            self._insert([item])
            self.conn.execute("COMMIT")
        return len(items)

    def get_by_id(self, ids: list[str]) -> int:
        execute = self.conn.execute
        sql = (
            "SELECT function_id, name, description, code_snippet, creation_date, last_modified_date, "
            "signature_json FROM function WHERE function_id = ?"
        )
        return sum(1 for fid in ids if execute(sql, (fid,)).fetchone() is not None)

    def _listing(self, where: str, params: tuple) -> int:
        rows = [
            (r[:7], names(r[7]), names(r[8])) for r in self.conn.execute(LIST.format(where=where), params)
        ]
        return len(rows)

    def list_all(self) -> int:
        return self._listing("", ())

    def search(self, text: str) -> int:
        pattern = f"%{text}%"
        return self._listing(
            "WHERE lower(f.name) LIKE lower(?) OR lower(f.description) LIKE lower(?) "
            "OR lower(f.code_snippet) LIKE lower(?)",
            (pattern, pattern, pattern),
        )

    def list_by_tag(self, tag: str) -> int:
        return self._listing(
            "WHERE EXISTS (SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = ?)",
            (tag,),
        )

    def coverage(self) -> int:
        return len(
            self.conn.execute(
                "SELECT function_id, name, tests, passed, failed, coverage_percent FROM coverage_report "
                "ORDER BY name, function_id"
            ).fetchall()
        )

    def transitive(self, root: str) -> int:
        sql = """
        WITH RECURSIVE levels(function_id, depth) AS (
            SELECT depends_on_id, 1 FROM function_dependencies WHERE function_id = ?
            UNION
            SELECT d.depends_on_id, l.depth + 1 FROM levels l
            JOIN function_dependencies d ON d.function_id = l.function_id
            WHERE l.depth < (SELECT COUNT(*) FROM function_dependencies))
        SELECT f.function_id, f.name, MIN(l.depth)
        FROM levels l JOIN function f ON f.function_id = l.function_id
        GROUP BY f.function_id, f.name ORDER BY MIN(l.depth), f.name"""
        return len(self.conn.execute(sql, (root,)).fetchall())

    def backup(self, dest: Path) -> int:
        target = sqlite3.connect(dest)
        self.conn.backup(target, pages=256)
        target.close()
        return 1


def seed(count: int) -> list[dict[str, Any]]:
    return functions(count)
