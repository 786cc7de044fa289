"""The function library's records: one frozen attrs class per table (field names are the
column names), and the shapes of its reports. Fields whose stored form differs between the
drivers carry the converters of core.convert, so a row of either builds the same record."""

import json
from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, stored_names, stored_time

TEST_STATUSES = ("passed", "failed", "pending", "running")


def parse_signature(text: str | None) -> dict[str, Any] | None:
    """A signature's JSON text as a dict; None for no text or text that is not a JSON object."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


@attrs.frozen
class Function:
    function_id: str
    name: str = attrs.field(metadata=KEY)
    description: str
    code_snippet: str
    creation_date: datetime = attrs.field(converter=stored_time)
    last_modified_date: datetime = attrs.field(converter=stored_time)
    signature_json: str | None = None

    @property
    def signature(self) -> dict[str, Any] | None:
        """The signature parsed from the code ({'arg_names': [...], 'arg_types': [...]}), or
        None (also when the stored text is not a JSON object: a row written by hand)."""
        return parse_signature(self.signature_json)

    def check_fields(self) -> None:
        """Refuse a signature_json that is not a JSON object (imports call this)."""
        if self.signature_json is not None and parse_signature(self.signature_json) is None:
            raise ValueError(f"signature_json: not a JSON object: {self.signature_json!r:.60}")


@attrs.frozen
class FunctionSummary:
    """A function with its modules and tags, as listings return it."""

    function_id: str
    name: str
    description: str
    code_snippet: str
    creation_date: datetime = attrs.field(converter=stored_time)
    last_modified_date: datetime = attrs.field(converter=stored_time)
    signature_json: str | None = attrs.field()
    modules: tuple[str, ...] = attrs.field(converter=stored_names)
    tags: tuple[str, ...] = attrs.field(converter=stored_names)

    signature = Function.signature


@attrs.frozen
class FunctionHit:
    """A function found by a ranked search: its listing fields, its score (higher is better;
    comparable within one search and one backend) and a snippet of its description or code
    with each match between « and »."""

    function_id: str
    name: str
    description: str
    code_snippet: str
    creation_date: datetime = attrs.field(converter=stored_time)
    last_modified_date: datetime = attrs.field(converter=stored_time)
    signature_json: str | None = attrs.field()
    modules: tuple[str, ...] = attrs.field(converter=stored_names)
    tags: tuple[str, ...] = attrs.field(converter=stored_names)
    score: float = attrs.field(converter=float)
    snippet: str = ""

    signature = Function.signature


@attrs.frozen
class Module:
    name: str = attrs.field(metadata=KEY)
    module_id: str


@attrs.frozen
class Tag:
    name: str = attrs.field(metadata=KEY)


@attrs.frozen
class FunctionModule:
    function_id: str
    module_name: str = attrs.field(metadata=KEY)


@attrs.frozen
class FunctionTag:
    function_id: str
    tag: str = attrs.field(metadata=KEY)


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
    execution_date: datetime = attrs.field(converter=stored_time)
    actual_result: str | None = attrs.field()
    status: str = attrs.field()


@attrs.frozen
class Modification:
    modification_id: str
    function_id: str
    modifier: str
    modification_date: datetime = attrs.field(converter=stored_time)
    description: str = attrs.field()


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


@attrs.frozen
class Recursion:
    """Whether a function calls itself (`direct`, read from its code), and the dependency
    cycles it is on, each as ids from the smallest."""

    function_id: str
    direct: bool
    cycles: tuple[tuple[str, ...], ...]


@attrs.frozen
class FunctionVector:
    """A function's vector of one model for semantic search (codedb.core.vectors): its
    dimensions, the SHA-256 of the text it was made from, the float32 values (base64) and when
    that text was read."""

    function_id: str
    model: str = attrs.field(metadata=KEY)
    dimensions: int
    text_hash: str
    vector: str
    embedded_at: datetime = attrs.field(converter=stored_time)
