"""Unit tests (db.tests): a function's tests, their results and the coverage report
(sql/library/tests.sql, results.sql)."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from datetime import datetime

from ...core.convert import now, params, parse_time
from ...core.ids import new_id, resolve_prefix
from ...errors import InvalidInput, NotFound
from .base import TEST_HINT, _Part, caller_text, check_status
from .records import (
    CoverageEntry,
    TestResult,
    UnitTest,
)


class Tests(_Part):
    """Unit tests, their results, and the coverage report."""

    def resolve(self, test_id: str) -> str:
        """The full id of a unit test given its id or a unique prefix."""
        return resolve_prefix(
            "test",
            test_id,
            lambda v: self.sql.get_unittest(self.conn, test_id=v) is not None,
            lambda p: [row[0] for row in self.sql.find_unittest_ids(self.conn, prefix=p)],
            TEST_HINT,
        )

    def add(self, function_id: str, name: str, description: str = "", test_case: str = "") -> UnitTest:
        """Add a unit test to a function."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("empty test name; give the test a name")
        test = UnitTest(
            new_id(),
            function_id,
            caller_text(name, "test name"),
            caller_text(description or "", "description"),
            caller_text(test_case or "", "test code"),
        )
        with self.db.transaction():
            self.db.functions.get(function_id)
            self.sql.load_unittest(self.conn, [params(test)])
        return test

    def get(self, test_id: str) -> UnitTest:
        found = self.sql.get_unittest(self.conn, test_id=test_id)
        if found is None:
            raise NotFound(f"test {test_id} not found; {TEST_HINT}")
        return found

    def ids(self) -> set[str]:
        """The ids of every unit test."""
        return {row[0] for row in self.sql.list_unittest_ids(self.conn)}

    def list(self, function_id: str) -> builtins.list[UnitTest]:
        """A function's unit tests."""
        return self.sql.list_unittests(self.conn, function_id=function_id)

    def purge(self, function_id: str) -> int:
        """Delete every unit test of a function, with their results; return how many tests."""
        with self.db.transaction():
            self.db.functions.get(function_id)
            return int(self.sql.delete_unittests(self.conn, function_id=function_id))

    def record_result(
        self,
        test_id: str,
        status: str,
        actual_result: str | None = None,
        execution_date: datetime | str | None = None,
    ) -> TestResult:
        """Record the outcome of one run of a test (status: passed, failed, pending, running)."""
        stamp = parse_time(execution_date) if execution_date else now()
        checked = check_status(status)
        if actual_result is not None:
            caller_text(actual_result, "actual result")
        with self.db.transaction():
            test = self.get(test_id)
            result = TestResult(new_id(), test_id, test.function_id, stamp, actual_result, checked)
            self.sql.load_testresult(self.conn, [params(result)])
        return result

    def results(self, function_id: str | None = None) -> builtins.list[TestResult]:
        """Test results, newest first: all, or a function's."""
        return self.sql.list_testresults(self.conn, function_id=function_id)

    def coverage(self) -> builtins.list[CoverageEntry]:
        """Per function: tests, passed, failed, coverage percent (each test by its latest result)."""
        return self.sql.coverage_report(self.conn)
