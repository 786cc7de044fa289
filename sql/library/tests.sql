-- Unit tests of functions.

-- name: get_unittest(test_id)^
-- record_class: UnitTest
-- One unit test by its full id.
SELECT test_id, function_id, name, description, test_case FROM unittest WHERE test_id = :test_id;

-- name: find_unittest_ids(prefix)
-- Ids of the unit tests whose id starts with prefix (at most 11).
SELECT test_id FROM unittest
WHERE substr(test_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY test_id LIMIT 11;

-- name: list_unittests(function_id)
-- record_class: UnitTest
-- A function's unit tests.
SELECT test_id, function_id, name, description, test_case FROM unittest
WHERE function_id = :function_id ORDER BY name, test_id;

-- name: delete_unittests(function_id)!
-- Delete every unit test of a function, and their results.
DELETE FROM unittest WHERE function_id = :function_id;

-- name: list_unittest_ids()
-- The id of every unit test.
SELECT test_id FROM unittest;
