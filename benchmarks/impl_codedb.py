"""codedb's public API on the same operations."""

from pathlib import Path
from typing import Any

import codedb
from codedb.transfer.backup import backup


class Codedb:
    name = "codedb"

    def __init__(self, path: Path | str):
        self.db = codedb.connect(path)

    def close(self) -> None:
        self.db.close()

    def bulk_add(self, items: list[dict[str, Any]]) -> int:
        return len(self.db.functions.add_many(items))

    def add_one_each(self, items: list[dict[str, Any]]) -> int:
        add = self.db.functions.add
        for item in items:
            add(
                item["name"],
                item["description"],
                item["code"],
                item["modules"],
                item["tags"],
                function_id=item["function_id"],
                creation_date=item["creation_date"],
                signature_json=item["signature_json"],
            )
        return len(items)

    def get_by_id(self, ids: list[str]) -> int:
        get = self.db.functions.get
        return sum(1 for fid in ids if get(fid) is not None)

    def list_all(self) -> int:
        return len(self.db.functions.list())

    def search(self, text: str) -> int:
        return len(self.db.functions.search_substring(text))

    def list_by_tag(self, tag: str) -> int:
        return len(self.db.functions.list(tag=tag))

    def coverage(self) -> int:
        return len(self.db.tests.coverage())

    def transitive(self, root: str) -> int:
        return len(self.db.dependencies.list(root, transitive=True))

    def backup(self, dest: Path) -> int:
        backup(self.db, dest, quiet=True)
        return 1
