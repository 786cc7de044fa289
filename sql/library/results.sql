-- Test results and the coverage report.

-- name: list_testresults(function_id)
-- record_class: TestResult
-- Test results, newest first; all of them, or a function's when function_id is given.
SELECT result_id, test_id, function_id, execution_date, actual_result, status
FROM testresult
WHERE CAST(:function_id AS TEXT) IS NULL OR function_id = :function_id
ORDER BY execution_date DESC, result_id DESC;

-- name: coverage_report()
-- record_class: CoverageEntry
-- Per function: tests, passed, failed and coverage percent, each test judged by its latest result.
SELECT function_id, name, tests, passed, failed, coverage_percent
FROM coverage_report ORDER BY name, function_id;
