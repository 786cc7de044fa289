-- Templates, their versions, tags, ratings and downloads.

-- name: get_template(template_id)^
-- One template by id.
SELECT template_id, name, description, author, created_at, updated_at, metadata, prior_downloads,
       prior_rating FROM templates
WHERE template_id = :template_id;

-- name: get_template_by_name(name)^
-- record_class: Template
-- One template by its name.
SELECT template_id, name, description, author, created_at, updated_at, metadata, prior_downloads,
       prior_rating FROM templates
WHERE name = :name;

-- name: find_template_ids(prefix)
-- Up to 11 template ids starting with `prefix` (resolving a unique prefix).
SELECT template_id FROM templates
WHERE substr(template_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY template_id LIMIT 11;

-- name: get_listing(template_id)^
-- record_class: TemplateListing
-- One template with its latest version, tags, rating, ratings and downloads.
SELECT template_id, name, description, author, latest_version, tags, rating, ratings, downloads, created_at, updated_at
FROM template_listing WHERE template_id = :template_id;

-- name: update_template(template_id, description, author, metadata, updated_at)!
-- Change a template's description, author and metadata as a new version is published.
UPDATE templates
SET description = :description, author = :author, metadata = :metadata, updated_at = :updated_at
WHERE template_id = :template_id;

-- name: latest_version(template_id)$
-- The highest version of a template (NULL: none).
SELECT MAX(version) FROM template_versions WHERE template_id = :template_id;

-- name: get_version(template_id, version)^
-- record_class: TemplateVersion
-- One version of a template.
SELECT template_id, version, content, notes, published_at, label FROM template_versions
WHERE template_id = :template_id AND version = :version;

-- name: list_versions(template_id)
-- record_class: TemplateVersion
-- A template's versions, the newest first (content included).
SELECT template_id, version, content, notes, published_at, label FROM template_versions
WHERE template_id = :template_id ORDER BY version DESC;

-- name: count_versions(template_id)$
-- How many versions a template has.
SELECT COUNT(*) FROM template_versions WHERE template_id = :template_id;

-- name: clear_tags_of(template_id)!
-- Remove a template's tags (a publish that gives new ones).
DELETE FROM template_tags WHERE template_id = :template_id;

-- name: rate_template(template_id, user_id, rating, stamp)!
-- A user's rating of a template: inserted, or replacing theirs.
INSERT INTO template_ratings (template_id, user_id, rating, created_at, updated_at)
VALUES (:template_id, :user_id, :rating, :stamp, :stamp)
ON CONFLICT (template_id, user_id) DO UPDATE SET rating = excluded.rating, updated_at = excluded.updated_at;

-- name: delete_template(template_id)!
-- Delete a template with its versions, tags, ratings and downloads.
DELETE FROM templates WHERE template_id = :template_id;

-- name: delete_version(template_id, version)!
-- Delete one version of a template.
DELETE FROM template_versions WHERE template_id = :template_id AND version = :version;

-- The text filters below are SQLite's LIKE, which ignores the case of ASCII letters as
-- lower() does (SQLite's lower() folds ASCII alone): a scan of 10,000 templates takes 2 ms
-- instead of 6. PostgreSQL's LIKE minds case: postgresql/templates.sql lowers both sides.

-- name: count_matching_templates(pattern, author, tag)$
-- How many templates match the filters (a NULL filter is left out).
SELECT COUNT(*) FROM templates
WHERE (CAST(:pattern AS TEXT) IS NULL OR name LIKE :pattern ESCAPE '\'
       OR description LIKE :pattern ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag));

-- name: list_templates_by_rating(pattern, author, tag, limit, offset)
-- record_class: TemplateListing
-- The templates matching the filters (text in name or description, author, tag), the best
-- rated first, then the most rated, then by id: every match ranked (see rated_template_ids).
SELECT template_id, name, description, author, latest_version, tags, rating, ratings, downloads, created_at, updated_at
FROM template_listing
WHERE (CAST(:pattern AS TEXT) IS NULL OR name LIKE :pattern ESCAPE '\'
       OR description LIKE :pattern ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY COALESCE(rating, 0) DESC, ratings DESC, template_id
LIMIT :limit OFFSET :offset;

-- name: best_rated_template_ids(limit, offset)
-- The ids of a page of every template by rating: a walk of template_stats_rating_idx that
-- stops at the page's end.
SELECT template_id FROM template_stats
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
      AND (CAST(:pattern AS TEXT) IS NULL OR t.name LIKE :pattern ESCAPE '\'
           OR t.description LIKE :pattern ESCAPE '\')
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
WHERE (CAST(:pattern AS TEXT) IS NULL OR name LIKE :pattern ESCAPE '\'
       OR description LIKE :pattern ESCAPE '\')
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
WHERE (CAST(:pattern AS TEXT) IS NULL OR name LIKE :pattern ESCAPE '\'
       OR description LIKE :pattern ESCAPE '\')
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
WHERE (CAST(:pattern AS TEXT) IS NULL OR name LIKE :pattern ESCAPE '\'
       OR description LIKE :pattern ESCAPE '\')
  AND (CAST(:author AS TEXT) IS NULL OR author = :author)
  AND (CAST(:tag AS TEXT) IS NULL
       OR template_id IN (SELECT g.template_id FROM template_tags g WHERE g.tag = :tag))
ORDER BY name
LIMIT :limit OFFSET :offset;
