-- PostgreSQL's versions of the template listings: its LIKE minds case, so the text filter
-- lowers both sides (SQLite's LIKE ignores the case of ASCII letters, as its lower() folds).

-- name: count_matching_templates(pattern, author, tag)$
-- How many templates match the filters (a NULL filter is left out).
SELECT COUNT(*) FROM templates
WHERE (CAST(:pattern AS TEXT) IS NULL OR lower(name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(description) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag));

-- name: list_templates_by_rating(pattern, author, tag, limit, offset)
-- record_class: TemplateListing
-- The templates matching the filters (text in name or description, author, tag), the best
-- rated first, then the most rated, then by id: every match ranked (see rated_template_ids).
SELECT template_id, name, description, author, latest_version, tags, rating, ratings, downloads, created_at, updated_at
FROM template_listing
WHERE (CAST(:pattern AS TEXT) IS NULL OR lower(name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(description) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY COALESCE(rating, 0) DESC, ratings DESC, template_id
LIMIT :limit OFFSET :offset;

-- name: rated_template_ids(pattern, author, tag, head, limit, offset)
-- The ids of a page of the listing by rating among the `head` best rated templates: a walk of
-- template_stats_rating_idx that stops at the page's end (a common word costs a few rows).
-- When the head holds the whole page it is the page of every match; else the caller ranks
-- every match (list_templates_by_rating).
SELECT s.template_id
FROM (SELECT template_id, rating, ratings FROM template_stats
      ORDER BY COALESCE(rating, 0) DESC, ratings DESC, template_id LIMIT :head) AS s
WHERE EXISTS (
    SELECT 1 FROM templates t
    WHERE t.template_id = s.template_id
      AND (CAST(:pattern AS TEXT) IS NULL OR lower(t.name) LIKE lower(:pattern) ESCAPE '\'
           OR lower(t.description) LIKE lower(:pattern) ESCAPE '\')
      AND (CAST(:author AS TEXT) IS NULL OR t.author = :author)
      AND (CAST(:tag AS TEXT) IS NULL
           OR t.template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag)))
ORDER BY COALESCE(s.rating, 0) DESC, s.ratings DESC, s.template_id
LIMIT :limit OFFSET :offset;

-- name: list_templates_by_downloads(pattern, author, tag, limit, offset)
-- record_class: TemplateListing
-- The templates matching the filters (text in name or description, author, tag), sorted by downloads.
SELECT template_id, name, description, author, latest_version, tags, rating, ratings, downloads, created_at, updated_at
FROM template_listing
WHERE (CAST(:pattern AS TEXT) IS NULL OR lower(name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(description) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY downloads DESC, name
LIMIT :limit OFFSET :offset;

-- name: list_templates_by_newest(pattern, author, tag, limit, offset)
-- record_class: TemplateListing
-- The templates matching the filters (text in name or description, author, tag), sorted by newest.
SELECT template_id, name, description, author, latest_version, tags, rating, ratings, downloads, created_at, updated_at
FROM template_listing
WHERE (CAST(:pattern AS TEXT) IS NULL OR lower(name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(description) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY updated_at DESC, name
LIMIT :limit OFFSET :offset;

-- name: list_templates_by_name(pattern, author, tag, limit, offset)
-- record_class: TemplateListing
-- The templates matching the filters (text in name or description, author, tag), sorted by name.
SELECT template_id, name, description, author, latest_version, tags, rating, ratings, downloads, created_at, updated_at
FROM template_listing
WHERE (CAST(:pattern AS TEXT) IS NULL OR lower(name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(description) LIKE lower(:pattern) ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY name
LIMIT :limit OFFSET :offset;
