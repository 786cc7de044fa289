-- PostgreSQL's spelling of ../templates.sql's listing by rating (SQLite's CROSS JOIN, which
-- keeps its planner walking the rating index first, is plain JOIN here).

-- name: list_templates_by_rating(pattern, author, tag, limit, offset)
-- The templates matching the filters (text in name or description, author, tag), the best
-- rated first (then the most rated): a walk of template_stats_rating_idx that stops at the
-- page's end, so a common word costs a few rows, not every match.
SELECT t.template_id, t.name, t.description, t.author,
       (SELECT MAX(v.version) FROM template_versions v WHERE v.template_id = t.template_id) AS latest_version,
       (SELECT json_group_array(g.tag) FROM template_tags g WHERE g.template_id = t.template_id) AS tags,
       s.rating, s.ratings, s.downloads, t.created_at, t.updated_at
FROM template_stats s JOIN templates t ON t.template_id = s.template_id
WHERE (CAST(:pattern AS TEXT) IS NULL OR lower(t.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(t.description) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR t.author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR t.template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY COALESCE(s.rating, 0) DESC, s.ratings DESC, s.template_id
LIMIT :limit OFFSET :offset;
