-- PostgreSQL's ranked search (migration 0016): the tsvector function_search.document with its
-- GIN index; :match and :name_match are tsquery texts made by codedb.core.textsearch.

-- name: search_functions_ranked(match, name_match, cap, created_after, modified_after, test_status, module, tag, limit, offset)
-- The best-ranked functions matching a search, best first, with their modules and tags. The
-- score is ts_rank (weights name 1.0, tags and modules 0.4, description 0.2, code 0.1), plus,
-- for a function whose name matches, the ts_rank of :name_match; a higher score is better.
WITH q AS (SELECT to_tsquery('simple', :match) AS query, to_tsquery('simple', :name_match) AS names),
ranked AS (
    (SELECT s.function_id, ts_rank(s.document, q.names) + ts_rank(s.document, q.query) AS score
     FROM function_search s, q WHERE s.document @@ q.names LIMIT :cap)
    UNION ALL
    (SELECT s.function_id, ts_rank(s.document, q.query) AS score
     FROM function_search s, q WHERE s.document @@ q.query LIMIT :cap)
),
best AS (SELECT function_id, MAX(score) AS score FROM ranked GROUP BY function_id),
page AS (
    SELECT f.function_id, b.score
    FROM best b JOIN function f ON f.function_id = b.function_id
    WHERE COALESCE(f.creation_date > :created_after, TRUE)
      AND COALESCE(f.last_modified_date > :modified_after, TRUE)
      AND (CAST(:module AS TEXT) IS NULL OR EXISTS (
              SELECT 1 FROM function_modules m WHERE m.function_id = f.function_id AND m.module_name = :module))
      AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
              SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = :tag))
      AND (CAST(:test_status AS TEXT) IS NULL OR (
              SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
              ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status)
    ORDER BY b.score DESC, f.function_id
    LIMIT :limit OFFSET :offset
)
SELECT l.*, CAST(p.score AS DOUBLE PRECISION) AS score
FROM page p JOIN function_listing l ON l.function_id = p.function_id
ORDER BY p.score DESC, l.function_id;

-- name: count_function_matches(match, cap)$
-- How many functions match a search, counting up to :cap.
SELECT COUNT(*) FROM (SELECT 1 FROM function_search
                      WHERE document @@ to_tsquery('simple', :match) LIMIT :cap) AS m;

-- name: clear_function_search()!
-- Empty the search index (reindex fills it again in the same transaction).
DELETE FROM function_search;

-- name: fill_function_search()!
-- Index every function (after clear_function_search).
INSERT INTO function_search (function_id, document)
SELECT function_id, function_search_document(function_id) FROM function;

-- name: optimize_function_search()!
-- Refresh the planner's statistics of the index after a rebuild.
ANALYZE function_search;

-- name: count_stale_function_search()$
-- Functions the index does not hold as they are; reindex repairs them.
SELECT COUNT(*) FROM function f
WHERE NOT EXISTS (SELECT 1 FROM function_search s
                  WHERE s.function_id = f.function_id
                    AND s.document = function_search_document(f.function_id));
