-- Tags: free labels on functions.

-- name: list_tags()
-- record_class: TagCount
-- Every tag with the number of functions that carry it.
SELECT t.name, (SELECT COUNT(*) FROM function_tags ft WHERE ft.tag = t.name) AS functions
FROM tag t ORDER BY t.name;
