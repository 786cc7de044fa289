"""The one conversion path between records and everything else, on one cattrs converter:

- driver rows -> records: a query names its record class (`-- record_class:`, see
  core.queries) and returns records. Record fields whose stored form differs between the
  drivers (times as text in SQLite, JSON arrays) carry an attrs converter (`stored_time`,
  `stored_names`, `stored_json`), so a row goes straight to the class's generated __init__,
  the same whichever driver read it;
- records -> query parameters: `params(record)` (times as the text both backends store);
- records <-> JSON: `to_dict` / `from_dict`, which checks every field's type.

Times are naive UTC: `now()`, `db_time()` for storing, `parse_time()` for reading a user's.
"""

import json
import math
import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from ..errors import DatabaseError, InvalidInput, unreadable_value

if TYPE_CHECKING:
    import cattrs

T = TypeVar("T")
V = TypeVar("V")

_fromisoformat = datetime.fromisoformat


def now() -> datetime:
    """The current time as codedb stores it: naive UTC, microseconds. (Its date and its time
    put together: `replace(tzinfo=None)` took 1.35 us, this 0.43 us, on every write.)"""
    utc = datetime.now(UTC)
    return datetime.combine(utc.date(), utc.time())


def db_time(value: datetime) -> str:
    """A datetime as the text both backends accept and SQLite stores and sorts by."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")  # positional: 0.8 us, by keyword 1.2


def parse_time(value: str | datetime) -> datetime:
    """A user's or a row's date: ISO 8601, a date alone meaning midnight; aware times become UTC."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except (ValueError, AttributeError, TypeError):
            raise InvalidInput(
                f"invalid date {value!r:.80}; use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:30:00"
            ) from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise InvalidInput(
                f"date {value!s:.80} is out of range once converted to UTC; give a date between "
                "year 1 and 9999"
            ) from None
    return parsed


_AGE = re.compile(r"(\d{1,7})\s*(s|m|h|d|w)", re.IGNORECASE)
_AGE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(value: str | timedelta, what: str = "--older-than") -> timedelta:
    """An age or a window such as 90d, 12h, 30m, 2w or 45s (a timedelta passes through)."""
    if isinstance(value, timedelta):
        if value <= timedelta(0):
            raise InvalidInput(f"{what} must be a positive length of time")
        return value
    found = _AGE.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None or int(found.group(1)) == 0:
        raise InvalidInput(
            f"invalid {what} {value!r:.40}; give a length of time such as 90d, 12h, 30m, 2w or 45s"
        )
    return timedelta(**{_AGE_UNITS[found.group(2).lower()]: int(found.group(1))})


def time_before(value: str | datetime | timedelta, what: str = "--older-than") -> datetime:
    """A cut-off: an age back from now (90d, a timedelta) or a date (ISO 8601, a datetime)."""
    if isinstance(value, datetime):
        return parse_time(value)
    if isinstance(value, str) and value.strip()[:1].isdigit() and "-" in value:
        return parse_time(value)
    try:
        return now() - parse_age(value, what)
    except OverflowError:
        raise InvalidInput(f"{what} {value!r:.40} reaches before year 1; give a shorter time") from None


EARLIEST, LATEST = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)


def window_bounds(
    window: str | timedelta | None = None,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
) -> tuple[datetime, datetime]:
    """[since, until) from a window back from now (24h, 7d) or from dates; open ends stretch
    to the first and last times a column can hold."""
    if window is not None and since is not None:
        raise InvalidInput("give a window or a start date, not both")
    start = (
        time_before(window, "--window")
        if window is not None
        else EARLIEST
        if since is None
        else parse_time(since)
    )
    end = LATEST if until is None else parse_time(until)
    if end <= start:
        raise InvalidInput("the window ends before it starts; give an earlier start or a later end")
    return start, end


def whole_days(
    since: str | datetime | None, until: str | datetime | None
) -> tuple[str | None, str | None] | None:
    """A period as days (YYYY-MM-DD, None for an open end) when both ends are midnights or
    open, else None: what the daily rollups can answer."""
    ends = []
    for value in (since, until):
        when = None if value is None else parse_time(value)
        if when is not None and when != when.replace(hour=0, minute=0, second=0, microsecond=0):
            return None
        ends.append(None if when is None else when.date().isoformat())
    return ends[0], ends[1]


def query_time(value: str | datetime | None) -> str | None:
    """A caller's time (ISO text or datetime) as a query parameter; None stays None."""
    return None if value is None else db_time(parse_time(value))


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards taken literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def stored_time(value: Any) -> Any:
    """A time column as a datetime: SQLite returns the text db_time wrote, psycopg a datetime;
    ValueError for anything else (a number another program wrote into a SQLite file)."""
    if type(value) is str:
        return _fromisoformat(value)
    if value is None or isinstance(value, datetime):
        return value
    raise ValueError(f"{value!r:.40} is not a time")


def optional_time(value: Any) -> Any:
    """A time column that may be NULL."""
    return None if value is None else stored_time(value)


def field_problem(cls: type, name: str, value: Any) -> str | None:
    """Why `value` read from the database cannot be field `name` of the record class `cls`
    ("which is not a time"), or None when it can: its converter refuses it, or (a field without
    one) it is not of the field's type. SQLite keeps any value in any column, so a value another
    program wrote may be of another type."""
    import attrs

    field = attrs.fields_dict(cls).get(name)
    if field is None:
        return None
    converter = field.converter
    if converter is not None:
        try:
            converter(value)  # type: ignore[operator]
        except (ValueError, TypeError, OverflowError):
            return f"which is not {_KINDS.get(converter, 'what its column holds')}"
        return None
    found = _field_types(cls).get(name)
    if found is None or isinstance(value, found[1]):
        return None
    return f"which is not {_KINDS[found[0]]}"


def not_text(value: Any) -> DatabaseError:
    """The error for a value that is not text where codedb keeps text (in a SQLite file, a BLOB
    another program wrote: SQLite keeps any value in any column)."""
    kind = type(value).__name__
    return unreadable_value(f"a value where codedb keeps text is {kind} ({value!r:.40}), not text")


def json_value(value: Any) -> NoReturn:
    """A JSON encoder's `default` for what only a database another program wrote holds: not_text
    for a BLOB where text is kept, TypeError for anything else."""
    if isinstance(value, bytes | bytearray | memoryview):
        raise not_text(bytes(value))
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@cache
def _field_types(cls: type) -> dict[str, tuple[type, tuple[type, ...]]]:
    """Each field typed plain str, int or float (or one of them or None): that type, and the
    types of the values it takes (a float column gives an int back; None where it may be)."""
    import types
    import typing

    accepts: dict[type, tuple[type, ...]] = {str: (str,), int: (int,), float: (int, float)}
    found: dict[str, tuple[type, tuple[type, ...]]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        plain = [option for option in options if option is not type(None)]
        if len(plain) == 1 and plain[0] in accepts:
            none = (type(None),) if len(plain) < len(options) else ()
            found[name] = (plain[0], accepts[plain[0]] + none)
    return found


def stored_bool(value: Any) -> bool:
    """A boolean column: SQLite returns 0 or 1, psycopg a bool."""
    return bool(value)


def optional_float(value: Any) -> float | None:
    """A DOUBLE PRECISION column that may be NULL (SQLite may hand back an int)."""
    return None if value is None else float(value)


# What a field's converter or type reads, named in field_problem's message.
_KINDS: dict[Any, str] = {
    stored_time: "a time",
    optional_time: "a time",
    float: "a number",
    optional_float: "a number",
    int: "a whole number",
    str: "text",
}


def stored_names(value: Any) -> tuple[str, ...]:
    """A JSON array of names (an aggregate) as a sorted tuple. psycopg decodes json_agg; SQLite
    gives text such as ["a","b"]: without a backslash no element holds an escaped quote, so
    splitting on "," is exact and several times faster than json.loads."""
    if not value or value == "[]":
        return ()
    if type(value) is str:
        names = value[2:-2].split('","') if "\\" not in value else json.loads(value)
    else:
        names = value
    return tuple(sorted(names))


def stored_json(value: Any) -> Any:
    """A JSON column as a parsed value: SQLite stores text, psycopg decodes jsonb itself. The
    empty object and array most rows hold are made without the parser (a new one each time)."""
    if type(value) is not str:
        return value
    if value == "{}":
        return {}
    if value == "[]":
        return []
    return json.loads(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps with options makes one a call
_STRICT_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def json_text(value: Any) -> str | None:
    """A JSON column's value as the text both backends take for it (None stays NULL); the
    empty object and array without the encoder."""
    if value is None:
        return None
    if not value and type(value) in (dict, list):
        return "{}" if type(value) is dict else "[]"
    return _ENCODER.encode(value)


def any_json_text(value: Any) -> str:
    """Any JSON value as JSON text, None as null (a json_value_field's column)."""
    return _ENCODER.encode(value)


def json_field(**kwargs: Any) -> Any:
    """A record field holding a JSON column's parsed value (an object or an array): parsed
    from the text SQLite returns, written back as JSON text by `params`."""
    import attrs

    return attrs.field(converter=stored_json, metadata={"json": True}, **kwargs)


def json_value_field(**kwargs: Any) -> Any:
    """A record field holding any JSON value, a string or a number too (a preference): the
    queries read the column as JSON text on both backends (CAST(col AS TEXT)), parsed here;
    from_dict encodes a dump's value first, so a string is never taken for JSON text."""
    import attrs

    return attrs.field(converter=json.loads, metadata={"json": True, "any_json": True}, **kwargs)


# Text in an indexed column (ids, names, tags, paths, keys) is kept to this many characters on
# both backends: a PostgreSQL b-tree row holds at most 2,704 bytes (600 four-byte characters
# and an id), while SQLite holds any length, so a name SQLite took could not be copied over.
MAX_KEY_TEXT = 500


# The metadata of a record field stored in an indexed column (a name, a tag, a path...):
# `name: str = attrs.field(metadata=KEY)`; at most MAX_KEY_TEXT characters. Fields named *_id
# are such fields without saying so.
KEY = {"key": True}


def check_key_text(value: T, what: str) -> T:
    """`value` if it is not text longer than MAX_KEY_TEXT; InvalidInput naming `what` otherwise."""
    if isinstance(value, str) and len(value) > MAX_KEY_TEXT:
        raise InvalidInput(
            f"{what} is {len(value):,} characters long; names, ids, tags and paths are kept to "
            f"{MAX_KEY_TEXT} characters (what PostgreSQL can index): give a shorter one"
        )
    return value


@cache
def key_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """The fields of a record class stored in indexed columns (see KEY), each with how a
    message names it ("a function module's module name")."""
    import attrs

    if not attrs.has(cls):
        return ()
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()
    return tuple(
        (f.name, f"a {words}'s {f.name.replace('_', ' ')}")
        for f in attrs.fields(cls)
        if f.metadata.get("key") or f.name.endswith("_id")
    )


def check_json(
    value: Any, what: str, kind: type[dict[str, Any]] | type[list[Any]] | tuple[type, ...] = (dict, list)
) -> Any:
    """A caller's value for a JSON column: an object or array that JSON can write (finite
    numbers, text keys, no NUL), else InvalidInput naming it."""
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        names = " or ".join("an object" if k is dict else "an array" for k in kinds)
        raise InvalidInput(f"{what} must be {names} (JSON), not {type(value).__name__}")
    return check_json_value(value, what) if value else value  # {} or []: nothing to refuse


# A NUL escaped by JSON (an even run of backslashes before it is text, not an escape).
_ESCAPED_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def check_json_value(value: Any, what: str) -> Any:
    """Any value JSON can write (an object, array, text, number, true, false or null) with
    finite numbers, text keys and no NUL (PostgreSQL's jsonb cannot hold \\u0000); else
    InvalidInput naming it."""
    checked_json_text(value, what)
    return value


def checked_json_text(value: Any, what: str) -> str:
    """check_json_value's checks, returning the JSON text they wrote (any_json_text's)."""
    try:  # written as it is stored: a lone surrogate stays one, and check_text refuses it
        text = _STRICT_ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidInput(
            f"{what} cannot be written as JSON ({exc}); give plain objects, arrays, text and numbers"
        ) from None
    if "u0000" in text and _ESCAPED_NUL.search(text):
        raise InvalidInput(f"{what} holds a NUL character, which codedb cannot store; remove it")
    check_text(text, what)
    return text


def _strict(kind: type, name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is bool and kind is not bool:
            raise TypeError(f"expected {name}, got a boolean")
        if not isinstance(value, kind):
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        return value

    return structure


def check_text(value: str, what: str) -> str:
    """Text codedb can store on both backends: no NUL (PostgreSQL cannot hold it, SQLite's
    text functions stop at it) and no lone surrogate (not UTF-8); InvalidInput otherwise."""
    if "\x00" in value:
        raise InvalidInput(f"{what} holds a NUL character, which codedb cannot store; remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{what} is not valid Unicode (it holds a lone surrogate); give UTF-8 text"
        ) from None
    return value


def required_text(value: Any, what: str, hint: str) -> str:
    """Text that may not be empty (stripped, checked as check_text); InvalidInput "empty
    <what>; <hint>" otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"empty {what}; {hint}")
    return check_text(value.strip(), what)


def optional_text(value: Any, what: str) -> str | None:
    """Text or None (checked as check_text); InvalidInput for anything else."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, not {type(value).__name__}")
    return check_text(value, what)


# The largest whole number every integer column takes on both backends (PostgreSQL's INTEGER;
# SQLite's go to 2**63 - 1): a larger one is refused before it reaches a driver.
MAX_WHOLE = 2**31 - 1


def check_number(value: Any, what: str, *, whole: bool = False, minimum: float = 0) -> Any:
    """A finite number (a whole one with `whole`) of `minimum` or more, or None; never a bool."""
    if value is None:
        return None
    kinds = (int,) if whole else (int, float)
    if (
        isinstance(value, bool)
        or not isinstance(value, kinds)
        or value != value
        or value in (float("inf"), -float("inf"))
    ):
        raise InvalidInput(f"{what} must be {'a whole number' if whole else 'a number'}, not {value!r:.40}")
    if value < minimum:
        raise InvalidInput(f"{what} must be {minimum} or more, not {value}")
    if whole and value > MAX_WHOLE:
        raise InvalidInput(f"{what} is too large for the database; give a whole number up to {MAX_WHOLE:,}")
    return value


def check_page(limit: Any, offset: Any, most: int) -> None:
    """A page's --limit (1 to `most`) and --offset (0 or more): whole numbers, never bools."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise InvalidInput(f"--limit must be a whole number from 1 to {most:,}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidInput("--offset must be a whole number of 0 or more")


def _in_range(structure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A number hook that also refuses what no column can hold: a whole number beyond
    PostgreSQL's INTEGER (10**30 ended in an OverflowError in the driver), a number that is
    not finite, or a whole number too large to be a float (10**400)."""

    def checked(value: Any, kind: Any) -> Any:
        value = structure(value, kind)
        if kind is int and not -MAX_WHOLE - 1 <= value <= MAX_WHOLE:
            digits = value.bit_length() * 30103 // 100000 + 1  # str() of 10**5000 is refused
            raise ValueError(f"a whole number of {digits} digits is out of range (up to {MAX_WHOLE:,})")
        if kind is float:
            try:
                finite = math.isfinite(value)
            except OverflowError:
                finite = False
            if not finite:
                raise ValueError(f"{value!r:.30} is not a finite number a column can hold")
        return value

    return checked


def _structure_text(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    if "\x00" in value:
        raise ValueError("holds a NUL character, which codedb cannot store")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode (it holds a lone surrogate)") from None
    return value


def _structure_time(value: Any, _: Any) -> datetime:
    if not isinstance(value, str | datetime):
        raise TypeError(f"expected an ISO 8601 date, got {type(value).__name__}")
    return parse_time(value)


@cache
def converter() -> "cattrs.Converter":
    """The one cattrs converter (made on first use: commands that never convert skip cattrs).

    Structuring is strict: text fields take only text, numbers only numbers, so a JSON file
    with `"name": 5` is refused, not stored as "5"."""
    import cattrs

    made = cattrs.Converter(forbid_extra_keys=True)
    made.register_unstructure_hook(datetime, lambda d: d.isoformat(timespec="microseconds"))
    made.register_structure_hook(datetime, _structure_time)
    made.register_structure_hook(str, _structure_text)
    made.register_structure_hook(int, _in_range(_strict(int, "a whole number")))
    made.register_structure_hook(float, _in_range(_strict(int | float, "a number")))  # type: ignore[arg-type]
    made.register_structure_hook(bool, _strict(bool, "true or false"))
    # Optional plain values need no conversion on the way out (cattrs would dispatch per value).
    plain = (str | None, int | None, float | None, bool | None)
    made.register_unstructure_hook_func(lambda t: t in plain, lambda value: value)
    return made


@cache
def _params_converter() -> "cattrs.Converter":
    made = converter().copy()
    # Records hold naive UTC times (parse_time makes them so); a C-level partial spares a
    # Python call per time on bulk loads.
    made.register_unstructure_hook(datetime, partial(datetime.isoformat, sep=" ", timespec="microseconds"))
    return made


def params(record: Any) -> dict[str, Any]:
    """A record as the named parameters of the queries that write it (the converter's hook
    for its class, looked up once per class: bulk loads call this for every row); JSON
    fields (json_field) become JSON text, which both backends take for their JSON columns."""
    return _hooks[type(record)][0](record)


def row_values(record: Any) -> list[Any]:
    """The values of params(record), in its fields' order, without their names: a row as
    PostgreSQL's COPY takes it (`codedb copy` writes every row so)."""
    return _hooks[type(record)][1](record)


_PLAIN = (str, int, float, bool, str | None, int | None, float | None, bool | None)


def _time_param(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ", "microseconds")


_Hooks = tuple[Callable[[Any], dict[str, Any]], Callable[[Any], list[Any]]]


def _record_hooks(cls: type) -> _Hooks:
    """params and row_values of a record class: for fields that hold plain values, times and
    JSON, the attributes read at once (in C) and the times and JSON converted; the few classes
    with other fields go through cattrs."""
    import attrs

    if not attrs.has(cls):
        return _through_cattrs(_params_converter().get_unstructure_hook(cls))
    names = tuple(field.name for field in attrs.fields(cls))
    converted: list[tuple[int, Callable[[Any], Any]]] = []
    for at, field in enumerate(attrs.fields(cls)):
        if field.metadata.get("any_json"):
            converted.append((at, any_json_text))
        elif field.metadata.get("json"):
            converted.append((at, json_text))
        elif field.type in (datetime, datetime | None):
            converted.append((at, _time_param))
        elif field.type not in _PLAIN:
            return _through_cattrs(_checking_keys(cls, _params_converter().get_unstructure_hook(cls)))
    read = _values_reader(names)
    keys = [(names.index(name), what) for name, what in key_fields(cls)]

    def values(record: Any) -> list[Any]:
        found = list(read(record))
        for at, change in converted:
            found[at] = change(found[at])
        for at, what in keys:  # every write of a record passes here: the one place to keep the limit
            check_key_text(found[at], what)
        return found

    return (lambda record: dict(zip(names, values(record), strict=True))), values


def _through_cattrs(hook: Callable[[Any], dict[str, Any]]) -> _Hooks:
    return hook, lambda record: list(hook(record).values())


def _checking_keys(cls: type, hook: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    keys = key_fields(cls)

    def checked(record: Any) -> dict[str, Any]:
        found = hook(record)
        for name, what in keys:
            check_key_text(found[name], what)
        return found

    return checked if keys else hook


class _PerClass(dict[type, V]):
    """What `make` makes of a record class, made the first time the class is asked for (looked
    up as a plain dict after that: bulk loads and checksums ask for every row)."""

    def __init__(self, make: Callable[[type], V]):
        super().__init__()
        self.make = make

    def __missing__(self, cls: type) -> V:
        made = self[cls] = self.make(cls)
        return made


_hooks = _PerClass(_record_hooks)


def _values_reader(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of a record's fields `names`, read at once (in C), as a tuple."""
    get = operator.attrgetter(*names)
    return get if len(names) > 1 else lambda record: (get(record),)  # one name: the value alone


def canonical_values(record: Any) -> tuple[Any, ...]:
    """A record's field values in order, its JSON fields as JSON text with sorted keys
    (PostgreSQL orders an object's keys its own way) and their numbers as floats (see
    _numbers_as_floats): equal for the same row read from either backend (`codedb copy`'s
    checksum hashes their repr)."""
    return _canonical_hooks[type(record)](record)


_SORTED_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _canonical_hook(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    import attrs

    fields = attrs.fields(cls)
    read = _values_reader(tuple(f.name for f in fields))
    json_at = tuple(i for i, f in enumerate(fields) if f.metadata.get("json") or f.metadata.get("any_json"))
    if not json_at:
        return read

    def canonical(record: Any) -> tuple[Any, ...]:
        values = list(read(record))
        for i in json_at:
            values[i] = _SORTED_ENCODER.encode(_numbers_as_floats(values[i]))
        return tuple(values)

    return canonical


def _numbers_as_floats(value: Any) -> Any:
    """A JSON value with its numbers as floats, -0.0 as 0.0: PostgreSQL's jsonb keeps a number
    as a decimal, which has no -0, and writes it without an exponent, so the float 1e16 comes
    back as the integer 10000000000000000 (the same JSON number, another JSON text). A whole
    number past a float's range stays as it is, on both sides."""
    kind = type(value)
    if kind is float:
        return value + 0.0  # -0.0 + 0.0 is 0.0
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            return value
    if kind is dict:
        return {key: _numbers_as_floats(item) for key, item in value.items()} if value else value
    if kind is list:
        return [_numbers_as_floats(item) for item in value] if value else value
    return value


def same_json(a: Any, b: Any) -> bool:
    """Whether two JSON values are the same, their numbers compared as JSON numbers (the value
    written and the one PostgreSQL's jsonb gives back: see _numbers_as_floats)."""
    return bool(_numbers_as_floats(a) == _numbers_as_floats(b))


_canonical_hooks = _PerClass(_canonical_hook)


def field_names(cls: type) -> tuple[str, ...]:
    """The column names of a record class, in order."""
    import attrs  # here, not at the top: `codedb stats` never converts and starts quicker

    return tuple(f.name for f in attrs.fields(cls))


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict (datetimes as ISO text)."""
    found: dict[str, Any] = converter().unstructure(record)
    return found


def from_dict(cls: type[T], data: Any) -> T:
    """A record from a JSON object; raises InvalidInput naming the first field that is wrong."""
    import cattrs

    if not isinstance(data, dict):
        raise InvalidInput(f"not a valid {cls.__name__} record: expected a JSON object")
    try:
        any_json = _any_json_fields(cls)  # type: ignore[arg-type]
        if any_json:
            data = {k: any_json_text(v) if k in any_json else v for k, v in data.items()}
        record = converter().structure(data, cls)
        for name, what in key_fields(cls):  # type: ignore[arg-type]
            check_key_text(getattr(record, name), what)
        for name in _json_fields(cls):  # type: ignore[arg-type]
            check_json_value(getattr(record, name), name)
        check = getattr(record, "check_fields", None)  # what a type cannot say (JSON in text)
        if check is not None:
            check()
        return record
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, InvalidInput) as exc:
        raise InvalidInput(f"not a valid {cls.__name__} record: {_first_cause(exc)}") from None


@cache
def _json_fields(cls: type) -> tuple[str, ...]:
    import attrs

    return tuple(f.name for f in attrs.fields(cls) if f.metadata.get("json")) if attrs.has(cls) else ()


@cache
def _any_json_fields(cls: type) -> frozenset[str]:
    import attrs

    return (
        frozenset(f.name for f in attrs.fields(cls) if f.metadata.get("any_json"))
        if attrs.has(cls)
        else frozenset()
    )


def _first_cause(exc: BaseException) -> str:
    import cattrs

    if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        inner = exc.exceptions[0]
        names = [n.name for n in getattr(inner, "__notes__", []) if hasattr(n, "name")]
        if names and isinstance(inner, KeyError):
            return f"{names[0]}: missing"
        return (f"{names[0]}: " if names else "") + _first_cause(inner)
    if isinstance(exc, KeyError):
        return f"{exc.args[0]}: missing"
    return str(exc) or type(exc).__name__
