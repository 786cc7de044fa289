-- Ranked full-text search over templates (migration 0018). :match is a search in the index's
-- own syntax, made by codedb.core.textsearch from the user's text (never the text itself).
-- Like the function library's, a search ranks the :cap newest matches at most.

-- name: search_templates_ranked(match, cap, limit)
-- The best-ranked templates matching a search, best first: id, name, score (the relevance,
-- 0-100: bm25 with weights name 10, tags 5, description 2, content 1, as a share of the best
-- match's), and the texts a snippet is taken from (description, latest content, tags).
WITH ranked AS (
    SELECT rowid AS search_rowid, bm25(template_search, 0.0, 10.0, 5.0, 2.0, 1.0) AS rank
    FROM template_search WHERE template_search MATCH :match
    ORDER BY rowid DESC LIMIT :cap
)
SELECT t.template_id, t.name, MAX(ROUND(100.0 * r.rank / (SELECT MIN(rank) FROM ranked), 1), 0.1) AS score, t.description,
       COALESCE((SELECT v.content FROM template_versions v WHERE v.template_id = t.template_id
                 ORDER BY v.version DESC LIMIT 1), '') AS content,
       COALESCE((SELECT group_concat(g.tag, ' ') FROM template_tags g
                 WHERE g.template_id = t.template_id), '') AS tags
FROM ranked r
JOIN templates t ON t.rowid = r.search_rowid
JOIN template_search s ON s.rowid = r.search_rowid AND s.template_id = t.template_id
ORDER BY r.rank, t.template_id
LIMIT :limit;

-- name: clear_template_search()!
-- Empty the template search index (reindex fills it again in the same transaction).
DELETE FROM template_search;

-- name: fill_template_search()!
-- Index every template (after clear_template_search).
INSERT INTO template_search (rowid, template_id, name, labels, description, code)
SELECT search_rowid, template_id, name, labels, description, code FROM template_search_source;

-- name: optimize_template_search()!
-- Merge the index's segments into one.
INSERT INTO template_search (template_search) VALUES ('optimize');

-- name: count_template_search()$
-- Number of templates in the search index.
SELECT COUNT(*) FROM template_search;

-- name: count_stale_template_search()$
-- Templates the index does not hold (none, unless a trigger was bypassed); reindex repairs them.
SELECT (SELECT COUNT(*) FROM templates t
        WHERE NOT EXISTS (SELECT 1 FROM template_search s
                          WHERE s.rowid = t.rowid AND s.template_id = t.template_id))
     + (SELECT COUNT(*) FROM template_search s
        WHERE NOT EXISTS (SELECT 1 FROM templates t
                          WHERE t.rowid = s.rowid AND t.template_id = s.template_id));
