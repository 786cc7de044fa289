"""Reading dumps (`codedb import`, `codedb restore` of JSON) as streams: memory stays flat
whatever the file's size. `read_dump` checks every row of the file against the schema in one
pass, before anything is written; the load then reads the file once more (table by table
when its tables are not in load order).

Three readers: JSON lines (a header line, then one {"table", "row"} per line); JSON in the
layout codedb writes (one row per line), read line by line with the json module; and any
other JSON, through ijson's incremental parser (slower, for files re-formatted by a tool).
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from ..core.convert import from_dict
from ..core.files import check_input
from ..core.registry import table_records
from ..errors import InvalidInput, first_line

FORMAT = "codedb-dump"
FORMAT_VERSION = 1
HINT = "give a file written by 'codedb export' or 'codedb backup --format=json'"
NOT_A_DUMP = 'file {path} is not a codedb dump (no "format": "' + FORMAT + '" with "tables"); ' + HINT
_TABLE_START = re.compile(r'^("(?:[^"\\]|\\.)*"): \[$')
HEAD_LIMIT = 1 << 20  # the header line codedb writes is a few hundred characters


TABLE_START = object()  # yielded as a table's "row" where its section begins (even if empty)


class _NotOurLayout(Exception):
    """The JSON is not laid out as codedb writes it: read it with the general parser."""


@attrs.frozen
class Dump:
    """A checked dump file: its kind, schema revision and rows per table. Its records are
    read from the file again on each call of `records`."""

    path: Path
    kind: str  # "jsonl", "json" (codedb's layout) or "json-any"
    revision: str | None
    counts: dict[str, int]
    in_load_order: bool = False  # each table's rows together, tables in the registry's order

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def records(self, table: str) -> Iterator[Any]:
        """The rows of `table` as records, streamed from the file."""
        cls = table_records()[table]
        for name, row in _rows(self.path, self.kind):
            if name == table and row is not TABLE_START:
                yield from_dict(cls, row)

    def all_records(self) -> Iterator[tuple[str, Any]]:
        """Every row as (table, record), in the file's order, in one pass over the file."""
        classes = table_records()
        for name, row in _rows(self.path, self.kind):
            if row is not TABLE_START:
                yield name, from_dict(classes[name], row)


def read_dump(path: str | Path) -> Dump:
    """Check a JSON or JSON-lines dump from end to end (every row against its record class)
    and return it; InvalidInput naming the file, the table and the row otherwise."""
    path = check_input(path, "file", "give the path of a codedb dump")
    kind, head = _sniff(path)
    _check_head(path, head)
    classes = table_records()
    counts: dict[str, int] = {}
    order: list[str] = []  # the tables in the order their rows appear
    together = True
    try:
        for table, row in _rows(path, kind):
            if table not in classes:
                raise InvalidInput(f"{path}: unknown table {table!r}; the tables are: {', '.join(classes)}")
            if row is TABLE_START:
                continue
            counts[table] = counts.get(table, 0) + 1
            if not order or order[-1] != table:
                together = together and table not in order
                order.append(table)
            if not isinstance(row, dict):
                raise InvalidInput(f"{path}: {table} row {counts[table]} is not a JSON object")
            try:
                from_dict(classes[table], row)
            except InvalidInput as exc:
                raise InvalidInput(f"{path}: {table} row {counts[table]}: {exc}") from None
    except (RecursionError, MemoryError):
        raise InvalidInput(f"{path} nests JSON too deeply to be a codedb dump; {HINT}") from None
    revision = head.get("revision")
    rank = {name: index for index, name in enumerate(classes)}
    in_load_order = together and order == sorted(order, key=rank.__getitem__)
    return Dump(path, kind, revision if isinstance(revision, str) else None, counts, in_load_order)


def _check_head(path: Path, head: Any) -> None:
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise InvalidInput(NOT_A_DUMP.format(path=path))
    version = head.get("format_version", FORMAT_VERSION)
    if type(version) is not int:
        raise InvalidInput(f"{path}: format_version must be a whole number, not {version!r:.40}; {HINT}")
    if version > FORMAT_VERSION:
        raise InvalidInput(f"{path} was written by a newer codedb (dump format {version}); upgrade codedb")
    if not isinstance(head.get("tables", {}), dict):
        raise InvalidInput(f'{path}: "tables" must be an object of table names and rows; {HINT}')
    revision = head.get("revision")
    if revision is not None and not isinstance(revision, str):
        raise InvalidInput(f"{path}: revision must be text, not {revision!r:.40}; {HINT}")


def _sniff(path: Path) -> tuple[str, Any]:
    """The dump's kind and header (the document minus its rows)."""
    try:
        with open(path, encoding="utf-8") as stream:
            first = stream.readline(HEAD_LIMIT)  # a minified dump is one line: never read it whole
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text; {HINT}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if len(first) == HEAD_LIMIT and not first.endswith("\n"):
        return "json-any", _any_head(path)
    try:
        head = json.loads(first)
    except (ValueError, RecursionError):
        head = None
    if isinstance(head, dict) and "tables" not in head:
        return "jsonl", head
    if first.rstrip("\n").endswith(', "tables": {'):
        try:
            return "json", json.loads(first.rstrip("\n")[: -len(', "tables": {')] + "}")
        except (ValueError, RecursionError):
            pass
    return "json-any", _any_head(path)


def _rows(path: Path, kind: str) -> Iterator[tuple[str, Any]]:
    if kind == "jsonl":
        yield from _jsonl_rows(path)
    elif kind == "json":
        try:
            yield from _layout_rows(path)
        except _NotOurLayout:
            yield from _any_rows(path)
    else:
        yield from _any_rows(path)


def _jsonl_rows(path: Path) -> Iterator[tuple[str, Any]]:
    with open(path, encoding="utf-8") as stream:
        stream.readline()
        for number, line in enumerate(stream, start=2):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}, line {number}: not valid JSON ({exc.msg})") from None
            if not (
                isinstance(item, dict) and set(item) == {"table", "row"} and isinstance(item["table"], str)
            ):
                raise InvalidInput(f'{path}, line {number}: expected {{"table": ..., "row": {{...}}}}')
            yield item["table"], item["row"]


def _layout_rows(path: Path) -> Iterator[tuple[str, Any]]:
    """Rows of a JSON dump in codedb's own layout: a line per table header and per row."""
    table: str | None = None
    ended = False
    with open(path, encoding="utf-8") as stream:
        stream.readline()
        for line in stream:
            text = line.strip()
            if not text:
                continue
            if ended:
                raise _NotOurLayout
            if table is None:
                start = _TABLE_START.match(text.lstrip(","))
                if start:
                    table = json.loads(start.group(1))
                    yield table, TABLE_START
                elif text == "}}":
                    ended = True
                else:
                    raise _NotOurLayout
            elif text in ("]", "],"):
                table = None
            else:
                try:
                    row = json.loads(text[:-1] if text.endswith(",") else text)
                except ValueError:
                    raise _NotOurLayout from None
                yield table, row
    if not ended:
        raise InvalidInput(f"{path} ends before the end of the dump: it is truncated; {HINT}")


# A codedb dump nests rows at depth 3 and their values a little deeper; anything far deeper is
# refused before it is built (ijson's prefixed events cost memory quadratic in the depth).
MAX_DEPTH = 100


def _events(path: Path) -> Iterator[tuple[int, str, Any]]:
    """ijson's basic parse events of a file with the depth of each (a container's start and
    end events carry the depth of the container holding it), its errors as one InvalidInput."""
    import ijson

    depth = 0
    try:
        with open(path, "rb") as stream:
            for event, value in ijson.basic_parse(stream, use_float=True):  # JSON's numbers, not Decimals
                if event in _CLOSE:
                    depth -= 1
                yield depth, event, value
                if event in _OPEN:
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise InvalidInput(f"{path} nests JSON too deeply to be a codedb dump; {HINT}")
    except InvalidInput:
        raise
    except (ijson.JSONError, ijson.IncompleteJSONError, ValueError) as exc:
        raise InvalidInput(f"file {path} is not valid JSON ({first_line(exc)[:80]}); {HINT}") from None


_OPEN, _CLOSE = ("start_map", "start_array"), ("end_map", "end_array")


def _any_head(path: Path) -> Any:
    """The top-level fields of a JSON dump in any layout, "tables" as {} (its rows unread)."""
    import ijson

    head: dict[str, Any] = {}
    key, builder = "", None
    for depth, event, value in _events(path):
        if depth == 0:
            if event == "start_array":
                return []
            if event not in _OPEN + _CLOSE:
                return value  # a scalar document: not a dump
        elif builder is not None:
            builder.event(event, value)
            if depth == 1 and event in _CLOSE:
                head[key], builder = builder.value, None
        elif depth > 1 or event in _CLOSE:
            continue  # the rows, or the end of "tables"
        elif event == "map_key":
            key = value
        elif event in _OPEN and key == "tables":
            head[key] = {} if event == "start_map" else []
        elif event in _OPEN:
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
        else:
            head[key] = value
    return head


def _any_rows(path: Path) -> Iterator[tuple[str, Any]]:
    """Rows of a JSON dump in any layout, through ijson's event parser: each row is built
    alone, so memory holds one row at a time."""
    import ijson

    top, table, builder = "", "", None
    for depth, event, value in _events(path):
        if builder is not None:
            builder.event(event, value)
            if depth == 3 and event in _CLOSE:
                yield table, builder.value
                builder = None
        elif depth == 1 and event == "map_key":
            top = value
        elif top != "tables" or depth < 2 or event in _CLOSE:
            continue
        elif depth == 2 and event == "map_key":
            table = value
            yield table, TABLE_START
        elif depth == 2 and event != "start_array":
            raise InvalidInput(f"{path}: table {table} must be a list of rows")
        elif depth == 3 and event in _OPEN:
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
        elif depth == 3:
            yield table, value
