"""Turning legacy records into codedb rows: keyed on the source's own ids (so a second import
adds nothing), every coercion and every skip noted with its reason."""

import json
import re
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

import attrs

from ..core.convert import db_time, now, parse_time
from ..domains.library.records import TEST_STATUSES, parse_signature
from ..domains.library.signature import signature_of
from ..errors import InvalidInput
from .unpickle import plain

_SURROGATE = re.compile("[\ud800-\udfff]")  # what no UTF-8 encoder writes (a lone surrogate)


def storable_text(value: str, what: str, notes: list[str]) -> str:
    """`value` as text codedb can store: NUL characters removed and lone surrogates replaced
    by U+FFFD, each noted in `notes`."""
    if "\x00" in value:
        notes.append(f"{what}: NUL characters removed (codedb cannot store them)")
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        notes.append(f"{what}: characters that are not valid Unicode replaced by U+FFFD")
        value = _SURROGATE.sub("\ufffd", value)
    return value


@attrs.define
class Collector:
    """Rows per table (keyed on their primary key), what was found, and the notes."""

    rows: dict[str, dict[tuple[str, ...], dict[str, Any]]] = attrs.Factory(dict)
    found: Counter[str] = attrs.Factory(Counter)
    coerced: list[str] = attrs.Factory(list)
    skipped: list[str] = attrs.Factory(list)
    stamp: datetime = attrs.Factory(now)

    def _put(self, table: str, key: tuple[str, ...], row: dict[str, Any]) -> None:
        self.rows.setdefault(table, {}).setdefault(key, row)

    def text(self, value: Any, what: str, default: str = "") -> str:
        value = plain(value)
        if value is None:
            return default
        if isinstance(value, uuid.UUID):
            try:
                return str(value)
            except AttributeError:  # rebuilt without its state
                raise InvalidInput(f"{what} holds a UUID without its value: the file is damaged") from None
        if not isinstance(value, str):
            self.coerced.append(f"{what}: {type(value).__name__} value {value!r:.60} stored as text")
            value = str(value)
        return storable_text(value, what, self.coerced)

    def time(self, value: Any, what: str, default: datetime | None = None) -> str:
        value = plain(value)
        if value is None or value == "":
            fallback = default or self.stamp
            self.coerced.append(f"{what}: missing, set to {fallback.isoformat(sep=' ')}")
            return db_time(fallback)
        try:
            return db_time(parse_time(value if isinstance(value, datetime) else str(value)))
        except InvalidInput:
            self.coerced.append(
                f"{what}: unreadable date {value!r:.60}, set to {self.stamp.isoformat(sep=' ')}"
            )
            return db_time(self.stamp)

    def function(self, fields: dict[str, Any]) -> str | None:
        self.found["function"] += 1
        fid = self.text(fields.get("function_id"), "function")
        if not fid:
            self.skipped.append(f"function {fields.get('name')!r:.60}: no function_id")
            return None
        name = self.text(fields.get("name"), f"function {fid} name")
        if not name.strip():
            self.coerced.append(f"function {fid}: empty name, stored as 'unnamed'")
            name = "unnamed"
        code = self.text(fields.get("code_snippet"), f"function {fid} code")
        created = self.time(fields.get("creation_date"), f"function {fid} creation_date")
        modified = self.time(
            fields.get("last_modified_date"), f"function {fid} last_modified_date", parse_time(created)
        )
        signature = plain(fields.get("signature"))
        if isinstance(signature, dict):
            signature_json: str | None = json.dumps(signature, default=str)
        elif isinstance(fields.get("signature_json"), str) and parse_signature(fields["signature_json"]):
            signature_json = fields["signature_json"]
        else:
            if fields.get("signature_json"):
                self.coerced.append(
                    f"function {fid}: signature_json is not a JSON object; parsed again from the code"
                )
            signature_json = signature_of(code)
        self._put(
            "function",
            (fid,),
            {
                "function_id": fid,
                "name": name,
                "description": self.text(fields.get("description"), f"function {fid} description"),
                "code_snippet": code,
                "creation_date": created,
                "last_modified_date": modified,
                "signature_json": signature_json,
            },
        )
        return fid

    def module(self, given: Any, module_id: Any = None) -> str:
        name = self.text(given, "module name")
        if name and (name,) not in self.rows.get("module", {}):
            self.found["module"] += 1
            made = str(uuid.uuid5(uuid.NAMESPACE_URL, f"codedb:module:{name}"))  # the same each import
            mid = self.text(module_id, f"module {name} id") or made
            self._put("module", (name,), {"name": name, "module_id": mid})
        return name

    def tag(self, given: Any) -> str:
        name = self.text(given, "tag")
        if name:
            self._put("tag", (name,), {"name": name})
        return name

    def function_module(self, fid: str, module: Any) -> None:
        name = self.text(module, f"function {fid} module")
        if not name:
            return
        if (name,) not in self.rows.get("module", {}):
            self.coerced.append(f"function {fid}: module {name!r} was missing from the modules; created it")
            self.module(name)
        self._put("function_modules", (fid, name), {"function_id": fid, "module_name": name})

    def function_tag(self, fid: str, tag: Any) -> None:
        name = self.tag(tag)
        if name:
            self._put("function_tags", (fid, name), {"function_id": fid, "tag": name})

    def dependency(self, fid: str, depends_on: Any) -> None:
        target = self.text(depends_on, f"function {fid} dependency")
        if target:
            self.found["dependency"] += 1
            self._put("function_dependencies", (fid, target), {"function_id": fid, "depends_on_id": target})

    def test(self, fields: dict[str, Any], owner: str | None = None) -> None:
        self.found["unit test"] += 1
        tid = self.text(fields.get("test_id"), "unit test")
        fid = self.text(fields.get("function_id"), f"unit test {tid} function") or owner or ""
        if not tid:
            self.skipped.append(f"a unit test of function {fid or '?'}: no test_id")
            return
        self._put(
            "unittest",
            (tid,),
            {
                "test_id": tid,
                "function_id": fid,
                "name": self.text(fields.get("name"), f"unit test {tid} name") or "unnamed",
                "description": self.text(fields.get("description"), f"unit test {tid} description"),
                "test_case": self.text(fields.get("test_case"), f"unit test {tid} test_case"),
            },
        )

    def result(self, fields: dict[str, Any]) -> None:
        self.found["test result"] += 1
        rid = self.text(fields.get("result_id"), "test result")
        if not rid:
            self.skipped.append("a test result: no result_id")
            return
        raw = plain(fields.get("status"))
        status = str(getattr(raw, "name", raw) or "").strip().lower()
        if status not in TEST_STATUSES:
            self.skipped.append(f"test result {rid}: status {raw!r} is not one of {', '.join(TEST_STATUSES)}")
            return
        self._put(
            "testresult",
            (rid,),
            {
                "result_id": rid,
                "test_id": self.text(fields.get("test_id"), f"test result {rid} test"),
                "function_id": self.text(fields.get("function_id"), f"test result {rid} function"),
                "execution_date": self.time(
                    fields.get("execution_date"), f"test result {rid} execution_date"
                ),
                "actual_result": None
                if fields.get("actual_result") is None
                else self.text(fields.get("actual_result"), f"test result {rid} actual_result"),
                "status": status,
            },
        )

    def modification(self, fields: dict[str, Any]) -> None:
        self.found["modification"] += 1
        mid = self.text(fields.get("modification_id"), "modification")
        if not mid:
            self.skipped.append("a modification: no modification_id")
            return
        self._put(
            "modification",
            (mid,),
            {
                "modification_id": mid,
                "function_id": self.text(fields.get("function_id"), f"modification {mid} function"),
                "modifier": self.text(fields.get("modifier"), f"modification {mid} modifier") or "unknown",
                "modification_date": self.time(fields.get("modification_date"), f"modification {mid} date"),
                "description": self.text(fields.get("description"), f"modification {mid} description"),
            },
        )

    def finish(
        self, existing_functions: set[str], existing_tests: set[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """The rows to load, after dropping (and noting) those that point at nothing."""
        functions = set(existing_functions) | {k[0] for k in self.rows.get("function", {})}
        rows = {table: dict(keyed) for table, keyed in self.rows.items()}

        def keep(table: str, ok: Any, why: Any) -> None:
            for key, row in list(rows.get(table, {}).items()):
                if not ok(row):
                    self.skipped.append(why(row))
                    del rows[table][key]

        keep(
            "unittest",
            lambda r: r["function_id"] in functions,
            lambda r: f"unit test {r['test_id']}: its function {r['function_id'] or '?'} is not in the file",
        )
        tests = set(existing_tests) | {k[0] for k in rows.get("unittest", {})}
        keep(
            "testresult",
            lambda r: r["test_id"] in tests,
            lambda r: f"test result {r['result_id']}: its test {r['test_id'] or '?'} is not in the file",
        )
        test_owner = {k[0]: r["function_id"] for k, r in rows.get("unittest", {}).items()}
        for row in rows.get("testresult", {}).values():
            owner = test_owner.get(row["test_id"])
            if owner and row["function_id"] != owner:
                self.coerced.append(f"test result {row['result_id']}: function set to its test's, {owner}")
                row["function_id"] = owner
        keep(
            "modification",
            lambda r: r["function_id"] in functions,
            lambda r: (
                f"modification {r['modification_id']}: "
                f"its function {r['function_id'] or '?'} is not in the file"
            ),
        )
        keep(
            "function_dependencies",
            lambda r: r["depends_on_id"] in functions and r["function_id"] != r["depends_on_id"],
            lambda r: (
                f"dependency {r['function_id']} -> {r['depends_on_id']}: "
                + (
                    "a function cannot depend on itself"
                    if r["function_id"] == r["depends_on_id"]
                    else "no such function"
                )
            ),
        )
        return {table: list(keyed.values()) for table, keyed in rows.items()}
