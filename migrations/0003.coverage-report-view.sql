-- coverage_report: per function, its tests, how many passed and failed, and the percentage
-- that passed, each test judged by its latest result (a test never run counts as not passed).
CREATE VIEW coverage_report AS
WITH latest AS (
    SELECT
        ut.function_id,
        ut.test_id,
        (SELECT tr.status FROM testresult tr WHERE tr.test_id = ut.test_id
         ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) AS status
    FROM unittest ut
)
SELECT
    f.function_id,
    f.name,
    COUNT(l.test_id) AS tests,
    SUM(CASE WHEN l.status = 'passed' THEN 1 ELSE 0 END) AS passed,
    SUM(CASE WHEN l.status = 'failed' THEN 1 ELSE 0 END) AS failed,
    CAST(CASE WHEN COUNT(l.test_id) = 0 THEN 0
              ELSE ROUND(100.0 * SUM(CASE WHEN l.status = 'passed' THEN 1 ELSE 0 END)
                         / COUNT(l.test_id), 2)
         END AS DOUBLE PRECISION) AS coverage_percent
FROM function f
LEFT JOIN latest l ON l.function_id = f.function_id
GROUP BY f.function_id, f.name;
