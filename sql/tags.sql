-- Tags: free labels on functions.

-- name: insert_tag(name)!
-- Create a tag unless it exists.
INSERT INTO tag (name) VALUES (:name) ON CONFLICT (name) DO NOTHING;

-- name: insert_tags*!
-- Create many tags (dicts with name), skipping those that exist.
INSERT INTO tag (name) VALUES (:name) ON CONFLICT (name) DO NOTHING;

-- name: link_function_tag(function_id, tag)!
-- Tag a function (no-op if it has the tag already).
INSERT INTO function_tags (function_id, tag) VALUES (:function_id, :tag)
ON CONFLICT (function_id, tag) DO NOTHING;

-- name: link_function_tags*!
-- Tag many functions (dicts with function_id and tag).
INSERT INTO function_tags (function_id, tag) VALUES (:function_id, :tag)
ON CONFLICT (function_id, tag) DO NOTHING;

-- name: list_tags()
-- Every tag with the number of functions that carry it.
SELECT t.name, (SELECT COUNT(*) FROM function_tags ft WHERE ft.tag = t.name) AS functions
FROM tag t ORDER BY t.name;
