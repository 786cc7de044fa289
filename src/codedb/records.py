"""Typed records: one frozen attrs class per table (field names are the column names), plus the
shapes of the reports. One cattrs converter, configured here, turns them into JSON-ready
dicts and back; `reader(cls)` turns a driver row into a record."""

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .errors import InvalidInput

if TYPE_CHECKING:
    import cattrs

T = TypeVar("T")

TEST_STATUSES = ("passed", "failed", "pending", "running")


def now() -> datetime:
    """The current time as codedb stores it: naive UTC, microseconds."""
    return datetime.now(UTC).replace(tzinfo=None)


def db_time(value: datetime) -> str:
    """A datetime as the text both backends accept and SQLite stores and sorts by."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def parse_time(value: str | datetime) -> datetime:
    """A user's or a row's date: ISO 8601, a date alone meaning midnight; aware times become UTC."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except (ValueError, AttributeError):
            raise InvalidInput(
                f"invalid date {value!r}; use ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:30:00"
            ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


_fromisoformat = datetime.fromisoformat


def _stored_time(value: Any) -> datetime | None:
    # SQLite returns the ISO text written by db_time; psycopg already returns datetimes.
    return _fromisoformat(value) if type(value) is str else value


def _stored_list(value: Any) -> tuple[str, ...]:
    # Listings aggregate names as JSON arrays: psycopg decodes json_agg, SQLite gives text
    # such as ["a","b"]. Without a backslash no element holds an escaped quote, so splitting
    # on "," is exact and several times faster than json.loads; otherwise decode properly.
    if not value or value == "[]":
        return ()
    if type(value) is str:
        names = value[2:-2].split('","') if "\\" not in value else json.loads(value)
    else:
        names = value
    return tuple(sorted(names))


@attrs.frozen
class Function:
    function_id: str
    name: str
    description: str
    code_snippet: str
    creation_date: datetime
    last_modified_date: datetime
    signature_json: str | None = None

    @property
    def signature(self) -> dict[str, Any] | None:
        """The signature parsed from the code ({'arg_names': [...], 'arg_types': [...]})."""
        return json.loads(self.signature_json) if self.signature_json else None


@attrs.frozen
class FunctionSummary:
    """A function with its modules and tags, as listings return it."""

    function_id: str
    name: str
    description: str
    code_snippet: str
    creation_date: datetime
    last_modified_date: datetime
    signature_json: str | None
    modules: tuple[str, ...]
    tags: tuple[str, ...]


@attrs.frozen
class Module:
    name: str
    module_id: str


@attrs.frozen
class Tag:
    name: str


@attrs.frozen
class FunctionModule:
    function_id: str
    module_name: str


@attrs.frozen
class FunctionTag:
    function_id: str
    tag: str


@attrs.frozen
class FunctionDependency:
    function_id: str
    depends_on_id: str


@attrs.frozen
class UnitTest:
    test_id: str
    function_id: str
    name: str
    description: str
    test_case: str


@attrs.frozen
class TestResult:
    __test__ = False  # not a pytest test class, whatever its name says

    result_id: str
    test_id: str
    function_id: str
    execution_date: datetime
    actual_result: str | None
    status: str


@attrs.frozen
class Modification:
    modification_id: str
    function_id: str
    modifier: str
    modification_date: datetime
    description: str


@attrs.frozen
class DependencyEntry:
    """A function reached from another through dependencies, `depth` edges away."""

    function_id: str
    name: str
    depth: int


@attrs.frozen
class CoverageEntry:
    """One row of the coverage report: each test judged by its latest result."""

    function_id: str
    name: str
    tests: int
    passed: int
    failed: int
    coverage_percent: float


@attrs.frozen
class ModuleCount:
    name: str
    module_id: str
    functions: int


@attrs.frozen
class TagCount:
    name: str
    functions: int


# Column hooks: how a value read from either driver becomes the field's type.
_COLUMN_HOOKS: dict[Any, Callable[[Any], Any]] = {
    datetime: _stored_time,
    datetime | None: _stored_time,
    tuple[str, ...]: _stored_list,
}


@cache
def converter() -> "cattrs.Converter":
    """The one cattrs converter: records <-> JSON-ready dicts (datetimes as ISO text).
    Made on first use, so that commands which never convert do not import cattrs."""
    import cattrs

    made = cattrs.Converter(forbid_extra_keys=True)
    made.register_unstructure_hook(datetime, lambda d: d.isoformat(timespec="microseconds"))
    made.register_structure_hook(datetime, lambda v, _: parse_time(v))
    return made


def reader(cls: type[T]) -> Callable[[Sequence[Any]], T]:
    """A function that turns a row (columns in the order of the fields) into `cls`.

    Built once per class; rows that need no conversion go straight to the constructor.
    """
    return _readers.get(cls) or _readers.setdefault(cls, _make_reader(cls))


_readers: dict[type, Callable[[Sequence[Any]], Any]] = {}


def _make_reader(cls: type[T]) -> Callable[[Sequence[Any]], T]:
    # One constructor call with the conversions inlined, generated from the fields as attrs
    # generates __init__: rows are read in hot loops. Only field positions enter the code.
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    hooks = {i: _COLUMN_HOOKS[f.type] for i, f in enumerate(fields) if f.type in _COLUMN_HOOKS}
    if not hooks:
        return lambda row: cls(*row)
    args = ", ".join(f"h{i}(row[{i}])" if i in hooks else f"row[{i}]" for i in range(len(fields)))
    namespace: dict[str, Any] = {"cls": cls, **{f"h{i}": hook for i, hook in hooks.items()}}
    return eval(f"lambda row: cls({args})", namespace)  # type: ignore[no-any-return,unused-ignore]  # noqa: S307


def field_names(cls: type) -> tuple[str, ...]:
    """The column names of a record class, in order."""
    return tuple(f.name for f in attrs.fields(cls))


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict (datetimes as ISO text)."""
    return converter().unstructure(record)  # type: ignore[no-any-return,unused-ignore]


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """A record from a dict made by to_dict; raises InvalidInput naming what is wrong."""
    import cattrs

    try:
        return converter().structure(data, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError) as exc:
        raise InvalidInput(f"not a valid {cls.__name__} record: {_first_cause(exc)}") from None


def _first_cause(exc: BaseException) -> str:
    import cattrs

    if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        return _first_cause(exc.exceptions[0])
    return str(exc) or type(exc).__name__
