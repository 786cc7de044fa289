"""What the importers of the four AI coding tools share: rows read from a source become codedb
records keyed on ids derived from the tool's own (so a second import adds nothing and a larger
snapshot only what is new), the tool's ids are remembered (db.origins), every value codedb
had to read differently is noted, every row left out is named with the reason, and the whole
import is one transaction."""

import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import attrs

from ..core.convert import MAX_KEY_TEXT, parse_time
from ..core.db import Database
from ..core.registry import table_records
from ..domains.origins.api import record_id_for
from ..domains.origins.records import ExternalId
from ..errors import InvalidInput
from ..transfer.dump import load, load_all_or_nothing, set_aside_present
from .collect import storable_text


@attrs.frozen
class TableSummary:
    """What became of one table of the source."""

    table: str
    read: int
    imported: int  # rows of it codedb took (its main codedb table)
    present: int  # rows codedb held already, the same
    left_out: int
    into: str  # the codedb table it went to ("" for a table left out whole)


@attrs.frozen
class LegacyReport:
    source: str
    format: str
    found: dict[str, int]
    added: dict[str, int]
    coerced: tuple[str, ...]
    skipped: tuple[str, ...]
    dry_run: bool
    present: dict[str, int] = attrs.Factory(dict)  # rows codedb held already, the same
    tables: tuple[TableSummary, ...] = ()  # per table of the source (the four tools' formats)


# The names codedb keeps unique, per table: a collected record's name, as unique_* compare it.
NAMED: dict[str, Callable[[Any], Any]] = {
    "users": lambda user: user.username,
    "projects": lambda project: (project.user_id, project.name),
    "templates": lambda template: template.name,
}


class ToolImport:
    """One import of one tool's data: collect records, then `finish`. A subclass reads its
    tool's tables (`collect`) with the helpers below."""

    system = ""  # the tool, as external_ids names it
    label = ""  # the format, as the report names it
    bookkeeping: dict[str, str] = {}  # tables left out on purpose, with the reason

    def __init__(self, db: Database, stamp: datetime):
        self.db = db
        self.stamp = stamp  # what a missing time becomes: the source's own time, not now
        self.records: dict[str, dict[Any, Any]] = {}
        self.read: Counter[str] = Counter()
        self.left: Counter[str] = Counter()
        self.into: dict[str, str] = {}
        self.coerced: list[str] = []
        self.skipped: list[str] = []
        self.tick: Callable[[int], None] = lambda n: None  # a progress bar's, when there is one
        self._ids: dict[tuple[str, str], str] = {}
        self._names: dict[tuple[str, Any], str] = {}  # (table, its unique name) -> the record's id

    def collect(self, rows: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> None:
        """Read the (table, rows) of the tool's tables, each row by the method `_<table>`."""
        for table, found in rows:
            handle = getattr(self, f"_{table}")
            for row in found:
                self.read[table] += 1
                self.tick(1)
                handle(row)

    # --- ids ------------------------------------------------------------------------------

    def record_id(self, kind: str, external_id: Any, keep: bool = False) -> str:
        """The codedb id of the tool's record `external_id` of `kind`: the one an earlier
        import (or the tool's calls) gave it, else `external_id` itself when `keep` (YAGO's
        UUIDs), else one derived from it. Remembered in external_ids."""
        key = (kind, str(external_id))
        if key not in self._ids:
            found = self.db.origins.record_id(self.system, kind, external_id)
            self._ids[key] = found or (
                str(external_id) if keep else record_id_for(self.system, kind, external_id)
            )
        return self._ids[key]

    def known(self, kind: str, external_id: Any) -> str | None:
        """The codedb id of a record this import read or an earlier one imported, else None."""
        key = (kind, str(external_id))
        return self._ids.get(key) or self.db.origins.record_id(self.system, kind, external_id)

    # --- names codedb keeps unique ---------------------------------------------------------

    def user_for(
        self, kind: str, external_id: Any, email: str | None, keep: bool = False
    ) -> tuple[str, bool]:
        """The codedb user of the tool's user, and whether the import makes its record: the
        user an earlier import made (made again: the same row), else a codedb user of another
        origin with the same e-mail (the same person, noted; its row stays as it is), else a
        new one."""
        known = self.known(kind, external_id)
        if known is not None:
            self._ids[(kind, str(external_id))] = known
            return known, True
        same = self.db.users.find_by_email(email) if email else None
        if same is not None:
            self._ids[(kind, str(external_id))] = same.user_id
            self.coerced.append(
                f"{kind} {external_id}: codedb's user {same.username} has its e-mail; "
                "taken as the same person"
            )
            return same.user_id, False
        return self.record_id(kind, external_id, keep), True

    def _named_here(self, table: str, name: Any, record_id: str) -> bool:
        """Whether a record of `table` this import collected, other than `record_id`, has `name`."""
        return self._names.get((table, name), record_id) != record_id

    def unique_username(self, wanted: str, user_id: str, what: str) -> str:
        """`wanted`, or with the tool's name (and a number) when another user has it."""
        name, n = wanted or "user", 1
        while self._named_here("users", name, user_id) or (
            (held := self.db.users.find(name)) is not None and held.user_id != user_id
        ):
            name = f"{wanted}-{self.system}" + (f"-{n}" if n > 1 else "")
            n += 1
        if name != wanted:
            self.coerced.append(f"{what}: username {wanted!r} is taken in codedb; imported as {name!r}")
        return name

    def unique_project_name(self, wanted: str, user_id: str | None, project_id: str, what: str) -> str:
        """`wanted`, or numbered, when the same user (or none) has another project so named."""
        name, n = wanted, 2
        while self._named_here("projects", (user_id, name), project_id) or any(
            p.user_id == user_id and p.project_id != project_id for p in self.db.projects.named(name)
        ):
            name, n = f"{wanted} ({n})", n + 1
        if name != wanted:
            self.coerced.append(f"{what}: another project is named {wanted!r}; imported as {name!r}")
        return name

    def unique_template_name(self, wanted: str, template_id: str, what: str) -> str:
        name, n = wanted, 2
        while self._named_here("templates", name, template_id) or (
            (held := self.db.templates.find(name)) is not None and held.template_id != template_id
        ):
            name, n = f"{wanted} ({n})", n + 1
        if name != wanted:
            self.coerced.append(f"{what}: another template is named {wanted!r}; imported as {name!r}")
        return name

    # --- rows -----------------------------------------------------------------------------

    def add(self, source_table: str, table: str, record: Any, key: Any = None) -> None:
        """A record for codedb's `table`, made from a row of `source_table`."""
        self.records.setdefault(table, {})[key if key is not None else attrs.astuple(record)[0]] = record
        self.into.setdefault(source_table, table)
        if table in NAMED:
            self._names[(table, NAMED[table](record))] = attrs.astuple(record)[0]

    def leave_out(self, source_table: str, what: str, why: str) -> None:
        self.left[source_table] += 1
        self.skipped.append(f"{source_table} {what}: {why}")

    # --- values ---------------------------------------------------------------------------

    def text(self, value: Any, what: str, default: str = "") -> str:
        """Text codedb can store: None is `default`; other types become their text; NUL
        characters and lone surrogates are replaced (each noted)."""
        if value is None:
            return default
        if isinstance(value, bytes | memoryview):
            value = bytes(value).decode("utf-8", "replace")
        if not isinstance(value, str):
            value = str(value)
        return storable_text(value, what, self.coerced)

    def key_text(self, value: Any, what: str, default: str = "") -> str:
        """Text for an indexed column: cut to MAX_KEY_TEXT characters (noted)."""
        found = self.text(value, what, default)
        if len(found) > MAX_KEY_TEXT:
            self.coerced.append(f"{what}: {len(found):,} characters cut to {MAX_KEY_TEXT}")
            found = found[:MAX_KEY_TEXT]
        return found

    def time(
        self, value: Any, what: str, *, local_with_t: bool = False, default: datetime | None = None
    ) -> datetime:
        """A time as codedb stores it (naive UTC). `local_with_t`: a time written with a 'T'
        and no offset is the machine's local time (codeobit's code wrote those; its column
        defaults wrote UTC with a space). A missing or unreadable one is `default`, else the
        source's time (noted)."""
        if isinstance(value, datetime):
            found = value
        elif isinstance(value, str) and value.strip():
            try:
                found = parse_time(value.strip()) if "T" not in value or not local_with_t else _local(value)
            except (InvalidInput, ValueError):
                fallback = default or self.stamp
                self.coerced.append(
                    f"{what}: unreadable time {value!r:.40}, set to {fallback:%Y-%m-%d %H:%M:%S}"
                )
                return fallback
        else:
            fallback = default or self.stamp
            if value not in (None, ""):
                self.coerced.append(
                    f"{what}: {value!r:.40} is not a time, set to {fallback:%Y-%m-%d %H:%M:%S}"
                )
            return fallback
        if found.tzinfo is not None:
            found = found.astimezone(UTC).replace(tzinfo=None)
        return found

    def optional_time(self, value: Any, what: str, **kwargs: Any) -> datetime | None:
        return None if value in (None, "") else self.time(value, what, **kwargs)

    def json(self, value: Any, what: str, kind: type = dict) -> Any:
        """A JSON column's value as `kind` (an object or an array): parsed from text (twice when
        the text holds a JSON string of the value, as YAGO stored it on PostgreSQL). Text that
        is not JSON is kept, as text, under "unparsed" (noted); None is empty."""
        empty = kind()
        if value is None or value == "":
            return empty
        for _ in range(3):
            if not isinstance(value, str | bytes):
                break
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):
                self.coerced.append(f'{what}: not JSON, kept as text under "unparsed": {str(value)[:40]!r}')
                return {"unparsed": self.text(value, what)} if kind is dict else [self.text(value, what)]
        if isinstance(value, kind):
            return value
        self.coerced.append(f'{what}: a JSON {type(value).__name__}, kept under "value"')
        return {"value": value} if kind is dict else [value]

    def number(
        self, value: Any, what: str, default: float = 0.0, low: float = 0.0, high: float | None = None
    ) -> float:
        try:
            found = float(value) if value not in (None, "") else default
        except (TypeError, ValueError):
            self.coerced.append(f"{what}: {value!r:.40} is not a number, set to {default}")
            return default
        if found != found or found in (float("inf"), float("-inf")):
            found = default
        if found < low or (high is not None and found > high):
            kept = min(max(found, low), high if high is not None else found)
            self.coerced.append(f"{what}: {found} is out of range, set to {kept}")
            found = kept
        return found

    def whole(self, value: Any, what: str, default: int = 0) -> int:
        found = self.number(value, what, float(default), high=2**31 - 1)
        return int(found)

    # --- the end --------------------------------------------------------------------------

    def prepare(self) -> None:
        """Work left for after collecting, before loading (a tool's slow conversions)."""

    def finish(self, source: str, dry_run: bool) -> LegacyReport:
        """Load what was collected in one transaction (nothing with `dry_run`)."""
        self.prepare()
        external: list[ExternalId] = [
            ExternalId(self.system, kind, external, record, self.stamp)
            for (kind, external), record in self._ids.items()
        ]
        tables = {table: list(found.values()) for table, found in self.records.items()}
        if external:
            tables["external_ids"] = external
        ordered = {name: tables[name] for name in table_records() if name in tables}
        to_load, present, taken = set_aside_present(self.db, ordered, named=("external_ids",))
        self.skipped += taken
        added = load_all_or_nothing(self.db, lambda: load(self.db, to_load), dry_run)
        summaries = tuple(
            TableSummary(
                name,
                self.read[name],
                added.get(self.into.get(name, ""), 0) if self.into.get(name) else 0,
                present.get(self.into.get(name, ""), 0) if self.into.get(name) else 0,
                self.left[name],
                self.into.get(name, ""),
            )
            for name in self.read
        )
        shown = {name: n for name, n in added.items() if name != "external_ids"}
        return LegacyReport(
            source,
            self.label,
            dict(self.read),
            shown,
            tuple(self.coerced),
            tuple(self.skipped),
            dry_run,
            {name: n for name, n in present.items() if name != "external_ids"},
            summaries,
        )

    def bookkeeping_tables(self, counts: Iterable[tuple[str, int]]) -> None:
        """Count the tool's own bookkeeping tables, left out whole with their reason."""
        for table, count in counts:
            self.read[table] += count
            self.left[table] += count
            if count:
                self.skipped.append(f"{table} ({count} rows): {self.bookkeeping[table]}")


def _local(value: str) -> datetime:
    """A naive time written in the machine's local time zone, as UTC."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # the machine's zone, with its daylight saving at that time
    return parsed.astimezone(UTC).replace(tzinfo=None)
