-- The template marketplace's tables whole: count, dump (key order), clear, idempotent load,
-- analyze (see core.registry).

-- name: count_templates()$
-- Number of rows in templates.
SELECT COUNT(*) FROM templates;

-- name: dump_templates()
-- Every row of templates, in primary-key order.
SELECT template_id, name, description, author, created_at, updated_at, metadata, prior_downloads,
       prior_rating FROM templates ORDER BY template_id;

-- name: clear_templates()!
-- Delete every row of templates.
DELETE FROM templates;

-- name: load_templates*!
-- Insert rows into templates, skipping those whose key exists.
INSERT INTO templates (template_id, name, description, author, created_at, updated_at, metadata, prior_downloads,
                       prior_rating)
VALUES (:template_id, :name, :description, :author, :created_at, :updated_at, :metadata, :prior_downloads,
        :prior_rating)
ON CONFLICT (template_id) DO NOTHING;

-- name: analyze_templates()#
-- Refresh the planner's statistics of templates.
ANALYZE templates;

-- name: count_template_versions()$
-- Number of rows in template_versions.
SELECT COUNT(*) FROM template_versions;

-- name: dump_template_versions()
-- Every row of template_versions, in primary-key order.
SELECT template_id, version, content, notes, published_at, label FROM template_versions ORDER BY template_id, version;

-- name: clear_template_versions()!
-- Delete every row of template_versions.
DELETE FROM template_versions;

-- name: load_template_versions*!
-- Insert rows into template_versions, skipping those whose key exists.
INSERT INTO template_versions (template_id, version, content, notes, published_at, label)
VALUES (:template_id, :version, :content, :notes, :published_at, :label)
ON CONFLICT (template_id, version) DO NOTHING;

-- name: analyze_template_versions()#
-- Refresh the planner's statistics of template_versions.
ANALYZE template_versions;

-- name: count_template_tags()$
-- Number of rows in template_tags.
SELECT COUNT(*) FROM template_tags;

-- name: dump_template_tags()
-- Every row of template_tags, in primary-key order.
SELECT template_id, tag FROM template_tags ORDER BY template_id, tag;

-- name: clear_template_tags()!
-- Delete every row of template_tags.
DELETE FROM template_tags;

-- name: load_template_tags*!
-- Insert rows into template_tags, skipping those whose key exists.
INSERT INTO template_tags (template_id, tag)
VALUES (:template_id, :tag)
ON CONFLICT (template_id, tag) DO NOTHING;

-- name: analyze_template_tags()#
-- Refresh the planner's statistics of template_tags.
ANALYZE template_tags;

-- name: count_template_ratings()$
-- Number of rows in template_ratings.
SELECT COUNT(*) FROM template_ratings;

-- name: dump_template_ratings()
-- Every row of template_ratings, in primary-key order.
SELECT template_id, user_id, rating, created_at, updated_at FROM template_ratings ORDER BY template_id, user_id;

-- name: clear_template_ratings()!
-- Delete every row of template_ratings.
DELETE FROM template_ratings;

-- name: load_template_ratings*!
-- Insert rows into template_ratings, skipping those whose key exists.
INSERT INTO template_ratings (template_id, user_id, rating, created_at, updated_at)
VALUES (:template_id, :user_id, :rating, :created_at, :updated_at)
ON CONFLICT (template_id, user_id) DO NOTHING;

-- name: analyze_template_ratings()#
-- Refresh the planner's statistics of template_ratings.
ANALYZE template_ratings;

-- name: count_template_downloads()$
-- Number of rows in template_downloads.
SELECT COUNT(*) FROM template_downloads;

-- name: dump_template_downloads()
-- Every row of template_downloads, in primary-key order.
SELECT download_id, template_id, version, user_id, downloaded_at FROM template_downloads ORDER BY download_id;

-- name: clear_template_downloads()!
-- Delete every row of template_downloads.
DELETE FROM template_downloads;

-- name: load_template_downloads*!
-- Insert rows into template_downloads, skipping those whose key exists.
INSERT INTO template_downloads (download_id, template_id, version, user_id, downloaded_at)
VALUES (:download_id, :template_id, :version, :user_id, :downloaded_at)
ON CONFLICT (download_id) DO NOTHING;

-- name: analyze_template_downloads()#
-- Refresh the planner's statistics of template_downloads.
ANALYZE template_downloads;

-- name: count_template_vectors()$
-- Number of rows in template_vectors.
SELECT COUNT(*) FROM template_vectors;

-- name: dump_template_vectors()
-- Every row of template_vectors, in primary-key order.
SELECT template_id, model, dimensions, text_hash, vector, embedded_at FROM template_vectors ORDER BY template_id, model;

-- name: clear_template_vectors()!
-- Delete every row of template_vectors.
DELETE FROM template_vectors;

-- name: load_template_vectors*!
-- Insert rows into template_vectors, skipping those whose key exists.
INSERT INTO template_vectors (template_id, model, dimensions, text_hash, vector, embedded_at)
VALUES (:template_id, :model, :dimensions, :text_hash, :vector, :embedded_at)
ON CONFLICT (template_id, model) DO NOTHING;

-- name: analyze_template_vectors()#
-- Refresh the planner's statistics of template_vectors.
ANALYZE template_vectors;
