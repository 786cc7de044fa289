-- PostgreSQL's ranked template search (migration 0018): the tsvector template_search.document
-- with its GIN index; :match is a tsquery text made by codedb.core.textsearch.

-- name: search_templates_ranked(match, cap, limit)
-- Planned per call (see codedb.core.queries).
-- The best-ranked templates matching a search, best first, with their relevance 0-100 (ts_rank
-- with weights name 1.0, tags 0.4, description 0.2, content 0.1, as a share of the best match's)
-- and the texts a snippet is taken from.
WITH ranked AS (
    SELECT s.template_id, ts_rank(s.document, to_tsquery('simple', :match)) AS score
    FROM template_search s WHERE s.document @@ to_tsquery('simple', :match)
    LIMIT :cap
)
SELECT t.template_id, t.name,
       CAST(GREATEST(ROUND(CAST(100 * r.score / NULLIF((SELECT MAX(score) FROM ranked), 0) AS NUMERIC), 1), 0.1)
            AS DOUBLE PRECISION) AS score,
       t.description,
       COALESCE((SELECT v.content FROM template_versions v WHERE v.template_id = t.template_id
                 ORDER BY v.version DESC LIMIT 1), '') AS content,
       COALESCE((SELECT string_agg(g.tag, ' ') FROM template_tags g
                 WHERE g.template_id = t.template_id), '') AS tags
FROM ranked r JOIN templates t ON t.template_id = r.template_id
ORDER BY r.score DESC, t.template_id
LIMIT :limit;

-- name: fill_template_search()!
-- Index every template (after clear_template_search).
INSERT INTO template_search (template_id, document)
SELECT template_id, template_search_document(template_id) FROM templates;

-- name: optimize_template_search()!
-- Refresh the planner's statistics of the index after a rebuild.
ANALYZE template_search;

-- name: count_stale_template_search()$
-- Templates the index does not hold as they are; reindex repairs them.
SELECT COUNT(*) FROM templates t
WHERE NOT EXISTS (SELECT 1 FROM template_search s
                  WHERE s.template_id = t.template_id
                    AND s.document = template_search_document(t.template_id));
