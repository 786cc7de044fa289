"""Rendering records for people (a table), for scripts (--json) and spreadsheets (--csv)."""

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from ..core.convert import json_value, to_dict
from ..core.textsearch import MARK_END, MARK_START
from ..errors import one_line

_PLURALS = {"analysis": "analyses"}


def counted(count: int, noun: str) -> str:
    """`count` of a (singular) noun, in words: 1 project, 2 projects, 3 dependencies."""
    if count == 1:
        return f"{count:,} {noun}"
    if noun in _PLURALS:
        return f"{count:,} {_PLURALS[noun]}"
    plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{count:,} {plural}"


def table_rows(counts: dict[str, int]) -> str:
    """Rows per table in words: "2 function rows, 1 module row" (tables with none left out)."""
    return ", ".join(f"{counted(n, 'row').replace(' ', f' {table} ', 1)}" for table, n in counts.items() if n)


def as_json(data: Any) -> str:
    """`data` (records, lists and dicts of them) as indented JSON."""

    def default(value: Any) -> Any:
        if attrs.has(type(value)):
            return to_dict(value)
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        json_value(value)

    return json.dumps(data, default=default, ensure_ascii=False, indent=2)


def _cell(value: Any, width: int | None, marks: tuple[str, str] | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, dict | list | tuple):  # a JSON column: shown as JSON, not as Python
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    else:  # a float as JSON and CSV write it (100.0, 0.25): the same number in every format
        text = str(value)
    text = one_line(text.replace("\n", " "))
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    if marks is not None:  # a search's matches, marked « » (core.textsearch)
        text = text.replace(MARK_START, marks[0]).replace(MARK_END, marks[1])
    return text


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def _fields(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    """A record's fields (and the derived values a column names, such as `signature`)."""
    if not attrs.has(type(row)):
        return dict(row)
    fields = attrs.asdict(row, recurse=False)
    fields.update({c: getattr(row, c) for c in columns if c not in fields and hasattr(row, c)})
    return fields


def render(
    rows: Sequence[Any],
    columns: Sequence[str],
    fmt: str = "table",
    width: int | None = 60,
    marks: tuple[str, str] | None = None,
) -> str:
    """Rows (records or dicts) as a table, JSON or CSV, with the given columns; a table's
    cells show control characters as escapes (errors.one_line; a newline as a space) and, with
    `marks`, a search's « » marks as those (cli.common.highlight)."""
    # Typed values until each format renders them: ISO text in JSON and CSV, seconds in tables.
    dicts = [_fields(row, columns) for row in rows]
    if fmt == "json":
        return as_json([{c: d.get(c) for c in columns} for d in dicts])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for d in dicts:
            writer.writerow([_csv_cell(d.get(c)) for c in columns])
        return buffer.getvalue().rstrip("\n")
    from tabulate import tabulate

    if not dicts:
        return "(none)"
    table = [[_cell(d.get(c), width, marks) for c in columns] for d in dicts]
    text: str = tabulate(table, headers=list(columns), tablefmt="simple", disable_numparse=True)
    return text
